"""The worker's state in the database: one row per job of WORKER_JOBS, one per running worker.

The work itself lives in each app's outbox rows; these rows only say when each job last ran, who
runs it now (a lease that expires, so a killed worker's job is run again by another), and why it
last failed.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    class Status(models.TextChoices):
        IDLE = "idle", _("Idle")
        RUNNING = "running", _("Running")
        FAILING = "failing", _("Failing, will retry")
        FAILED = "failed", _("Failed")

    name = models.CharField(_("job"), max_length=200, unique=True)
    interval_seconds = models.PositiveIntegerField(_("interval (seconds)"), default=60)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.IDLE)
    next_run_at = models.DateTimeField(_("next run at"), null=True, blank=True)
    locked_until = models.DateTimeField(_("leased until"), null=True, blank=True)
    locked_by = models.CharField(_("leased by"), max_length=200, blank=True)
    attempts = models.PositiveIntegerField(_("failed attempts in a row"), default=0)
    runs = models.PositiveBigIntegerField(_("runs"), default=0)
    last_started_at = models.DateTimeField(_("last started at"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last finished at"), null=True, blank=True)
    last_duration_ms = models.PositiveIntegerField(_("last duration (ms)"), null=True, blank=True)
    last_result = models.IntegerField(_("last result"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["name"]

    def __str__(self):
        return self.name


class WorkerHeartbeat(models.Model):
    worker = models.CharField(_("worker"), max_length=200, unique=True)
    started_at = models.DateTimeField(_("started at"))
    seen_at = models.DateTimeField(_("last seen at"), db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        ordering = ["-seen_at"]

    def __str__(self):
        return self.worker
