"""The production web server as `manage.py serve` runs it: a request goes to a process with a
free thread, never into the queue of a busy one."""

import os
import re
import signal
import socket
import subprocess
import sys
import time

from tests.operations.processes import (
    ROOT,
    answers,
    free_port,
    migrated,
    sqlite_site,
    wait_for,
)


def serve(env, log, port, *args) -> subprocess.Popen:
    """`manage.py serve` in a session of its own (a signal to the group reaches it all)."""
    return subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--addr", f"127.0.0.1:{port}", *args],
        cwd=ROOT, env=env, stdout=open(log, "wb"), stderr=subprocess.STDOUT,
        start_new_session=True)


def test_a_request_goes_to_an_idle_process_not_behind_a_busy_one(tmp_path):
    port = free_port()
    log = tmp_path / "serve.log"
    server = serve(sqlite_site(tmp_path), log, port, "--no-worker", "--workers", "2",
                   "--threads", "1")
    health = f"http://127.0.0.1:{port}/healthz"
    slow = None
    try:
        wait_for(lambda: answers(health), timeout=60, what="the web server", process=server,
                 log=log)
        # A slow upload: its headers, then a trickle of its body. One process's only thread
        # waits for the rest of it.
        slow = socket.create_connection(("127.0.0.1", port))
        slow.sendall(b"POST /login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\n"
                     b"Content-Length: 100000\r\n\r\nusername=")
        time.sleep(1)
        # Every request meanwhile is answered by the other process at once. A process taking
        # connections it has no thread for would hold about half of them behind the upload.
        for _ in range(12):
            started = time.monotonic()
            assert answers(health), "a request waited behind the slow upload"
            assert time.monotonic() - started < 1.5
    finally:
        if slow is not None:
            slow.close()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_serve_runs_the_workers_it_is_told_beside_the_server_and_ctrl_c_stops_them_all(
    tmp_path,
):
    port = free_port()
    env = migrated(sqlite_site(tmp_path))
    log = tmp_path / "serve.log"
    server = serve(env, log, port, "--workers", "1", "--threads", "1", "--worker-processes", "2")
    try:
        wait_for(lambda: log.read_text().count(" started (niceness") == 2, timeout=60,
                 what="two workers", process=server, log=log)
        wait_for(lambda: answers(f"http://127.0.0.1:{port}/readyz"), timeout=60,
                 what="the server, ready", process=server, log=log)
    finally:
        os.killpg(server.pid, signal.SIGINT)  # Ctrl-C
        assert server.wait(timeout=30) == 0, log.read_text()[-3000:]
    printed = log.read_text()
    workers = dict(re.findall(r"worker (\S+) started \(niceness (\d+)\)", printed))
    # On SQLite the workers keep the web server's priority: one put back would hold the one
    # writer's lock longer while the web server waits for it.
    assert len(workers) == 2 and set(workers.values()) == {str(os.nice(0))}
    for name in workers:
        assert f"worker {name} stopped after" in printed


def test_serve_names_a_bad_address_or_count_before_it_starts_anything(tmp_path):
    """A mistyped address started the workers, then gunicorn failed with a traceback."""
    env = sqlite_site(tmp_path)
    for args, named in ((["--addr", "127.0.0.1:99999"], "port from 1 to 65535"),
                        (["--addr", "localhost"], "HOST:PORT"),
                        (["--addr", "127.0.0.1:8000", "--workers", "0"], "1 or more")):
        done = subprocess.run([sys.executable, "manage.py", "serve", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 2 and named in done.stderr
        assert "Traceback" not in done.stderr and "worker" not in done.stdout
