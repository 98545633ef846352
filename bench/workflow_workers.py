"""bench/workflow's background workers: the shipped worker in forked processes, and how long a
transition's follow-ups wait for it (see bench/workflow)."""

import multiprocessing
import statistics
import time
from functools import partial

FOLLOW_UPS = ("workflow.jobs.run_follow_ups",)
COPIES = "documents.jobs.run_pdf_renditions"


def _worker(stop, jobs):
    import logging

    from config.operations.worker import Worker, configured_jobs, keep_connection, step_back

    logging.getLogger("dossierflow.jobs").setLevel(logging.WARNING)  # not a line per run
    step_back()  # as run_worker does (WORKER_NICE)
    keep_connection()
    chosen = {name: seconds for name, seconds in configured_jobs().items()
              if name.startswith(jobs)}  # a job in its parts, if split
    Worker(jobs=chosen, stop=stop).run()


def start_worker(processes, jobs=FOLLOW_UPS):
    """The shipped workers, with the jobs whose names start with one of `jobs` only (the
    follow-ups), in forked processes; returns their stop."""
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    stop = context.Event()
    workers = [context.Process(target=_worker, args=(stop, jobs), daemon=True)
               for _ in range(processes)]
    for process in workers:
        process.start()

    def stopping():
        stop.set()
        for process in workers:
            process.join(timeout=30)

    return stopping


def wait_followed_up(timeout=600):
    from workflow.models import FollowUp

    deadline = time.monotonic() + timeout
    while FollowUp.objects.exists():
        if time.monotonic() > deadline:
            raise TimeoutError("the worker did not apply the follow-ups in time")
        time.sleep(0.02)


def time_follow_up_delay(args, drafter, *, wake_ups, count=20):
    """Seconds from a transition's commit to its follow-ups applied by idle workers (as shipped,
    or with WORKER_WAKE_UPS off): the time before the next person sees the dossier in their
    inbox and is notified. The transitions come at random moments of the workers' poll."""
    import random

    from django.conf import settings

    from workflow import services

    settings.WORKFLOW_FOLLOW_UPS_IN_TRANSACTION = True  # the creations', unmeasured
    ids = [services.create_dossier(user=drafter, kind="plan", title=f"Kế hoạch {i}",
                                   program="Chương trình 27", summary="Tóm tắt").pk
           for i in range(count)]
    settings.WORKFLOW_FOLLOW_UPS_IN_TRANSACTION = False
    settings.WORKER_WAKE_UPS = wake_ups  # the forked workers inherit it
    stop_worker = start_worker(args.worker_processes)
    pauses = random.Random(27)
    delays = []
    try:
        for dossier_id in ids:
            time.sleep(pauses.uniform(0.3, 1.3))  # idle workers, at any moment of their poll
            services.transition_dossier(user=drafter, dossier_id=dossier_id, action="submit")
            delays.append(seconds_till_followed_up(dossier_id))
    finally:
        stop_worker()
        settings.WORKER_WAKE_UPS = True
    return delays


def time_follow_up_during_copies(args, drafter, secretary, *, slow_lane, count=10):
    """Seconds from a resubmission's commit to its follow-ups applied, by workers that also make
    the PDF/A copies, while they make the copy of the return notice just before: on their slow
    lane (as shipped, WORKER_SLOW_JOBS) or on the one thread with the other jobs. None without
    LibreOffice."""
    from django.conf import settings

    from documents import rendering
    from workflow import services

    if rendering.find_converter() is None:
        return None
    settings.WORKFLOW_FOLLOW_UPS_IN_TRANSACTION = True  # the creation's and the first submit's
    dossier = services.create_dossier(user=drafter, kind="plan", title="Kế hoạch trả lại",
                                      program="Chương trình 27", summary="Tóm tắt")
    services.transition_dossier(user=drafter, dossier_id=dossier.pk, action="submit")
    settings.WORKFLOW_FOLLOW_UPS_IN_TRANSACTION = False
    shipped = settings.WORKER_SLOW_JOBS
    settings.WORKER_SLOW_JOBS = shipped if slow_lane else []  # the forked workers inherit it
    stop_worker = start_worker(args.worker_processes, jobs=(*FOLLOW_UPS, COPIES))
    delays = []
    try:
        for _ in range(count):
            services.transition_dossier(user=secretary, dossier_id=dossier.pk,
                                        action="return_incomplete", comment="Thiếu phụ lục")
            wait_followed_up()  # the drafter sees it
            copying = being_copied(dossier.pk)
            services.transition_dossier(user=drafter, dossier_id=dossier.pk, action="submit",
                                        comment="Đã bổ sung phụ lục")
            delay = seconds_till_followed_up(dossier.pk)
            if copying:  # else the copy was made before the follow-up: nothing to wait behind
                delays.append(delay)
    finally:
        stop_worker()
        settings.WORKER_SLOW_JOBS = shipped
    return delays


def time_writes_during_a_drain(args, drafter, *, backlog=1500, count=40):
    """Seconds a write waits (a dossier created, as a drafter's request would) while the workers
    drain `backlog` waiting follow-ups: one transaction after another on the writer (SQLite) or
    on the dossiers' rows (PostgreSQL)."""
    from django.conf import settings
    from django.db import transaction

    from workflow import services

    settings.WORKFLOW_FOLLOW_UPS_IN_TRANSACTION = False
    with transaction.atomic():
        for i in range(backlog):
            services.create_dossier(user=drafter, kind="plan", title=f"Kế hoạch tồn {i}",
                                    program="Chương trình 27", summary="Tóm tắt")
    stop_worker = start_worker(args.worker_processes)
    waits = []
    try:
        time.sleep(0.3)  # the workers at work
        for i in range(count):
            started = time.perf_counter()
            services.create_dossier(user=drafter, kind="plan", title=f"Kế hoạch mới {i}",
                                    program="Chương trình 27", summary="Tóm tắt")
            waits.append(time.perf_counter() - started)
            time.sleep(0.02)
        wait_followed_up()
    finally:
        stop_worker()
    return waits


def time_writer_costs(drafter, secretary, *, count=300):
    """CPU and queries of a transition (submit, accept) and of its follow-up applied by the job,
    in this one process: on SQLite, what each holds the one writer for. {label: (ms, queries)}."""
    from django.conf import settings
    from django.db import connection

    from workflow import jobs, services

    settings.WORKFLOW_FOLLOW_UPS_IN_TRANSACTION = True
    ids = [services.create_dossier(user=drafter, kind="plan", title=f"Kế hoạch đo {i}",
                                   program="Chương trình 27", summary="Tóm tắt").pk
           for i in range(count)]
    settings.WORKFLOW_FOLLOW_UPS_IN_TRANSACTION = False
    queries = [0]

    def counting(execute, *args):
        queries[0] += 1
        return execute(*args)

    def cost(work):
        """(ms of CPU, queries) each, of `work`, which returns how many it did."""
        queries[0], started = 0, time.process_time()
        with connection.execute_wrapper(counting):
            done = work()
        return (time.process_time() - started) * 1000 / done, queries[0] / done

    def take(action, user):
        for pk in ids:
            services.transition_dossier(dossier_id=pk, action=action, user=user)
        return len(ids)

    costs = {}
    for action, user in [("submit", drafter), ("accept", secretary)]:
        costs[f"a transition ({action})"] = cost(partial(take, action, user))
        costs[f"its follow-up, by the job ({action})"] = cost(
            lambda: jobs.run_follow_ups(limit=count)
        )
    return costs


def seconds_till_followed_up(dossier_id) -> float:
    """From now (a transition just committed) till the workers applied its follow-ups."""
    from workflow.models import FollowUp

    committed = time.perf_counter()
    while FollowUp.objects.filter(dossier_id=dossier_id).exists():
        time.sleep(0.005)
    return time.perf_counter() - committed


def being_copied(dossier_id, timeout=60) -> bool:
    """Wait until a worker has claimed the copy of the dossier's newest document to make it;
    False if no copy is left to make: on the one thread, a worker may make the copy before it
    applies the follow-up of the transition that asked for it (once in a run, before this, the
    bench then waited here for a claim that never came and stopped)."""
    from django.utils import timezone

    from documents.models import Rendition, RenditionStatus

    pending = Rendition.objects.filter(version__document__dossier_id=dossier_id,
                                       status=RenditionStatus.PENDING)
    deadline = time.monotonic() + timeout
    while not pending.filter(locked_until__gt=timezone.now()).exists():
        if not pending.exists():
            return False
        if time.monotonic() > deadline:
            raise TimeoutError("no worker began the copy in time")
        time.sleep(0.005)
    return True


def print_delays(how, delays):
    if len(delays) < 2:
        print(f"    {how:34} {len(delays)} samples: too few to tell")
        return
    p95 = statistics.quantiles(delays, n=20, method="inclusive")[-1]
    print(f"    {how:34} median {statistics.median(delays) * 1000:6.0f} ms, "
          f"p95 {p95 * 1000:6.0f} ms, max {max(delays) * 1000:6.0f} ms ({len(delays)} samples)")
