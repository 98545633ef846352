"""Several machines, on one: two web servers and two workers on PostgreSQL (and Elasticsearch
when TEST_ELASTICSEARCH_URL is set), a bounded load across both servers while a worker is killed
with SIGKILL and restarted. Every vote is counted once, every round closed once, every search
update and every transition's follow-up applied once, no 5xx."""

import os
import signal

import pytest
from django.db.models import Count

from config.operations.models import Job
from search.models import OutboxEntry
from tests.factories import PASSWORD
from tests.operations import load
from tests.operations.processes import answers, free_port, start, wait_for
from workflow import flows
from workflow.dashboard.models import StageVisit
from workflow.models import AuditEntry, Dossier, FollowUp, Round, Vote

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_two_servers_and_two_workers_under_load_while_a_worker_is_killed(tmp_path, settings):
    extra = {"SEARCH_PROCESS_ON_COMMIT": "0", "WORKFLOW_FOLLOW_UPS_IN_TRANSACTION": "0",
             "WORKER_LEASE_SECONDS": "3",
             "TEST_WORKER_JOBS": settings.WORKER_JOBS, "DOSSIERFLOW_FILES_DIR": tmp_path / "f"}
    es = os.environ.get("TEST_ELASTICSEARCH_URL")
    if es:
        extra.update(ELASTICSEARCH_URL=es, SEARCH_INDEX_PREFIX=f"cluster-{os.getpid()}")
        # As an operator does once (`search_reindex`): the index exists before the processes
        # start. (Several processes creating it at once each make their own: the search app's.)
        from search.backends.elastic import ElasticsearchBackend

        ElasticsearchBackend(es, index_prefix=extra["SEARCH_INDEX_PREFIX"]).ensure_index()
    actors = load.build_world(drafters=4, members=3, rounds=2, chair_votes=True)
    ports = [free_port(), free_port()]
    log = tmp_path / "cluster.log"
    servers = [start(["serve", "--no-worker", "--addr", f"127.0.0.1:{port}", "--workers", "1",
                      "--threads", "4"], log, **extra) for port in ports]
    workers = [start(["run_worker"], log, **extra) for _ in range(2)]
    try:
        for port in ports:
            wait_for(lambda p=port: answers(f"http://127.0.0.1:{p}/healthz"), timeout=60,
                     what="the web servers", log=log)
        killed = []

        def kill_and_restart(elapsed):
            if elapsed > 2 and not killed:
                workers[0].send_signal(signal.SIGKILL)
                workers[0].wait(timeout=10)
                killed.append(elapsed)
                workers[0] = start(["run_worker"], log, **extra)

        outcomes = load.run_load([f"http://127.0.0.1:{p}" for p in ports], actors, PASSWORD,
                                 seconds=15, max_requests=600, write_share=0.5,
                                 on_tick=kill_and_restart)
        assert killed, "the load ended before a worker was killed"
        wait_for(lambda: not OutboxEntry.objects.exists(), timeout=60,
                 what="the workers to drain the search outbox", log=log)
        wait_for(lambda: not FollowUp.objects.exists(), timeout=60,
                 what="the workers to apply the transitions' follow-ups", log=log)
    finally:
        for process in servers + workers:
            process.send_signal(signal.SIGTERM)
        for process in servers + workers:
            process.wait(timeout=30)

    assert not [o for o in outcomes if o.status >= 500 or o.status == 0], log.read_text()[-3000:]
    kinds = {o.kind for o in outcomes}
    assert {"vote", "upload", "transition", "search", "dossier"} <= kinds
    assert {o.server for o in outcomes} == {f"http://127.0.0.1:{p}" for p in ports}
    assert "database is locked" not in log.read_text()

    # Each member voted on each round (the first vote closes nothing; the last one closes it):
    # one counted vote per member, one close per round, whoever took the requests.
    for round_ in Round.objects.filter(dossier__title__contains=load.WORD):
        counted = Vote.objects.filter(round=round_).values("member").annotate(n=Count("id"))
        closes = AuditEntry.objects.filter(dossier=round_.dossier, action="close_round").count()
        assert round_.closed_at is not None and closes == 1
        assert round_.outcome["voted"] == len(counted) == 3, round_.outcome

    # The follow-ups job ran in its parts (WORKER_JOB_PARTS), which the two workers shared.
    parts = Job.objects.filter(name__startswith="workflow.jobs.run_follow_ups[")
    assert parts.count() == settings.WORKER_JOB_PARTS["workflow.jobs.run_follow_ups"] > 1
    assert all(part.runs > 0 for part in parts)

    # Every transition was followed once, in order: one stage visit per stage entered, and the
    # process waits where the dossier is.
    for dossier in Dossier.objects.filter(title__contains=load.WORD):
        entered = AuditEntry.objects.filter(dossier=dossier).exclude(to_state="").count()
        assert StageVisit.objects.filter(dossier=dossier).count() == entered
        waiting_on = flows.DossierFlow.instance.node_for(dossier.state)  # the end: withdrawn
        task = flows.active_task(dossier)
        assert (task.flow_task if task else flows.DossierFlow.end) is waiting_on, dossier.state

    # Every update reached the index: a search on the servers' engine finds every load dossier.
    from search import services as search_services
    from search.backends import _cache
    from tests.factories import make_user

    if es:
        settings.ELASTICSEARCH_URL, settings.SEARCH_INDEX_PREFIX = es, extra["SEARCH_INDEX_PREFIX"]
    try:
        found = search_services.search(user=make_user("secretary"), text=load.WORD)
        assert found.total >= 8, found.total  # the drafters' eight dossiers, at least
    finally:
        _cache.clear()
