"""bench/workflow's voters: council members voting at the same moment, from threads of one
process or from long-lived processes of their own (see bench/workflow)."""

import multiprocessing
import queue
import threading
import time

VOTE_TIMEOUT = 120  # seconds a round's voters may take before the bench gives up on them


def vote_in_threads(members, round_ids):
    """Each member votes on a thread of this process, on each round in turn."""
    latencies, problems = [], []
    for round_id in round_ids:
        times, errors = _threads_vote_once(members, round_id)
        latencies.append(times)
        problems += errors
    return latencies, problems


def _threads_vote_once(members, round_id):
    from django.db import connection

    from workflow import services

    barrier = threading.Barrier(len(members), timeout=VOTE_TIMEOUT)
    times, problems = [None] * len(members), []

    def vote(i, member):
        try:
            connection.ensure_connection()
            barrier.wait()
            t0 = time.perf_counter()
            services.cast_vote(user=member, round_id=round_id, choice="approve")
            times[i] = time.perf_counter() - t0
        except Exception as error:
            problems.append(repr(error))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=vote, args=(i, m), daemon=True) for i, m in enumerate(members)
    ]
    for t in threads:
        t.start()
    deadline = time.monotonic() + VOTE_TIMEOUT
    for t in threads:
        t.join(timeout=max(0, deadline - time.monotonic()))
    if any(t.is_alive() for t in threads):
        problems.append(f"voters still running after {VOTE_TIMEOUT} s")
    return [t for t in times if t is not None], problems


def _voter(member, inbox, barrier, results):
    """A long-lived worker: votes on each round it is sent, at the barrier, till it gets None."""
    from django.db import connection

    from workflow import services

    connection.ensure_connection()
    while (round_id := inbox.get()) is not None:
        try:
            barrier.wait()
            t0 = time.perf_counter()
            services.cast_vote(user=member, round_id=round_id, choice="approve")
            results.put(("ok", time.perf_counter() - t0))
        except Exception as error:
            results.put(("error", repr(error)))
    connection.close()


def vote_in_processes(members, round_ids):
    """Each member votes from its own forked worker process, with its own connection."""
    from django.db import connections

    connections.close_all()  # a forked child must not share the parent's connection
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(members), timeout=VOTE_TIMEOUT)
    results = context.Queue()
    inboxes = [context.Queue() for _ in members]
    workers = [
        context.Process(target=_voter, args=(m, inbox, barrier, results), daemon=True)
        for m, inbox in zip(members, inboxes, strict=True)
    ]
    for w in workers:
        w.start()
    latencies, problems = [], []
    deadline = time.monotonic() + VOTE_TIMEOUT * len(round_ids)
    try:
        for round_id in round_ids:
            for inbox in inboxes:
                inbox.put(round_id)
            times = []
            for _ in workers:
                kind, value = results.get(timeout=max(0.1, deadline - time.monotonic()))
                (times if kind == "ok" else problems).append(value)
            latencies.append(times)
    except queue.Empty:
        problems.append("voters still running at the time limit")
    finally:
        for inbox in inboxes:
            inbox.put(None)
        for w in workers:
            w.join(timeout=max(0.1, deadline - time.monotonic()))
            if w.is_alive():
                w.terminate()
                w.join()
    return latencies, problems
