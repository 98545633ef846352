"""Serve the way production serves, on one machine: the production web server and the workers
(WORKER_PROCESSES), side by side. Ctrl-C (SIGINT) or SIGTERM stops them all cleanly; if one dies,
the others are stopped and the command fails, so a supervisor (systemd, a container runtime)
restarts the lot.
"""

import argparse
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def web_server_command(addr: str, workers: int, threads: int) -> list[str]:
    """gunicorn with threads: measured against granian, uvicorn and runserver (bench/serve).

    Each process takes only as many connections as it has threads; the others wait in the
    listening socket's queue, which all processes share, and go to the first process with a free
    thread. Otherwise a process takes every connection it sees, and a request queues behind a
    busy process's while another process is idle (bench/serve: p95 184 ms -> 130 ms). Connections
    are not kept alive, since a kept one would hold one of those places while idle: the proxy in
    front of the server keeps the browsers' connections (docs/operations.md).
    """
    return [
        sys.executable, "-m", "gunicorn", "config.wsgi:application",
        "--bind", addr, "--workers", str(workers), "--threads", str(threads),
        "--worker-class", "gthread", "--graceful-timeout", "20", "--timeout", "120",
        "--worker-connections", str(threads), "--keep-alive", "0",
        "--worker-tmp-dir", "/dev/shm" if os.path.isdir("/dev/shm") else "/tmp",
    ]


def address(value: str) -> str:
    """HOST:PORT ([::1]:8000 for IPv6) or unix:PATH, as gunicorn's --bind takes it; refused here,
    before anything starts, instead of by gunicorn with a traceback."""
    if value.startswith("unix:") and len(value) > len("unix:"):
        return value
    host, _, port = value.rpartition(":")
    if not host or not port.isascii() or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not HOST:PORT with a port from 1 to 65535, nor unix:PATH")
    return value


def at_least_one(value: str) -> int:
    if not value.isascii() or not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of 1 or more")
    return int(value)


class Command(BaseCommand):
    help = "Serve with the production web server and run the background worker beside it."

    def add_arguments(self, parser):
        parser.add_argument("--addr", type=address, default="127.0.0.1:8000",
                            help="host:port (or unix:path) to listen on")
        parser.add_argument("--workers", type=at_least_one, default=settings.WEB_WORKERS,
                            help="web server processes")
        parser.add_argument("--threads", type=at_least_one, default=settings.WEB_THREADS,
                            help="threads per web server process")
        parser.add_argument("--worker-processes", type=int, default=settings.WORKER_PROCESSES,
                            help="background workers beside the web server (0: none)")
        parser.add_argument("--no-worker", action="store_true",
                            help="serve only (the worker runs elsewhere)")

    def handle(self, *args, addr, workers, threads, worker_processes, no_worker, **options):
        no_worker = no_worker or worker_processes < 1
        env = dict(os.environ)
        # A connection per thread kept for a minute instead of one opened per request.
        env.setdefault("DATABASE_CONN_MAX_AGE", "60")
        if not no_worker:
            # The worker drains the search outbox: requests no longer wait for the index;
            env.setdefault("SEARCH_PROCESS_ON_COMMIT", "0")
            # and a transition's follow-ups: it holds its locks a third as long.
            env.setdefault("WORKFLOW_FOLLOW_UPS_IN_TRANSACTION", "0")
        # The children get their own process group: a Ctrl-C at the terminal reaches this
        # command only, which passes one SIGTERM on (a worker takes a second signal as "now").
        children = {"web server": subprocess.Popen(web_server_command(addr, workers, threads),
                                                   env=env, process_group=0)}
        for number in range(1, 1 + (0 if no_worker else worker_processes)):
            children[f"worker {number}"] = subprocess.Popen(
                [sys.executable, "manage.py", "run_worker"], cwd=settings.BASE_DIR, env=env,
                process_group=0)

        stopping = []

        def stop(signum, frame):
            stopping.append(signum)
            for child in children.values():
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        failed = None
        while any(child.poll() is None for child in children.values()):
            for name, child in children.items():
                if child.poll() is not None and not stopping:
                    failed = f"{name} exited with {child.returncode}"
                    stop(signal.SIGTERM, None)
            time.sleep(0.2)
        if failed:
            raise CommandError(failed)
