"""Running dossierflow as a service: the background worker that runs every job of WORKER_JOBS,
health endpoints, request and job logs, and the supervisor that `make run` starts.

An app inside the composition root (config may import every app; no app imports this one).
"""
