"""The worker runs each job of WORKER_JOBS on its interval, one run at a time, and retries a
failing job with backoff until an administrator has to retry it from the admin."""

import datetime
import logging

import pytest
from django.core.management import call_command
from django.utils import timezone

from config.operations import worker
from config.operations.models import Job, WorkerHeartbeat
from tests.factories import make_dossier, make_user
from tests.operations import jobs
from tests.workflow.test_voting import council, deadline_timer, open_round_on
from workflow.models import Round

COUNTING = "tests.operations.jobs.run_counting"
FAILING = "tests.operations.jobs.run_failing"
PART = "tests.operations.jobs.run_part"


@pytest.fixture
def fast_worker(settings):
    settings.WORKER_POLL_SECONDS = 0.01
    settings.WORKER_MAX_ATTEMPTS = 3
    settings.WORKER_MAX_BACKOFF_SECONDS = 3600


def make_due(name):
    Job.objects.filter(name=name).update(next_run_at=timezone.now())


@pytest.mark.django_db
def test_a_job_runs_then_waits_its_interval_and_is_logged(settings, fast_worker, caplog):
    settings.WORKER_JOBS = {COUNTING: 30}
    jobs.calls.clear()
    with caplog.at_level(logging.INFO, logger="dossierflow.jobs"):
        assert worker.Worker().run(once=True) == 1
        assert worker.Worker().run(once=True) == 0  # not due again for 30 s
    assert jobs.calls == [settings.WORKER_BATCH_SIZE]
    job = Job.objects.get(name=COUNTING)
    assert job.status == Job.Status.IDLE and job.last_result == 3 and job.runs == 1
    assert 29 <= (job.next_run_at - timezone.now()).total_seconds() <= 30
    assert job.locked_by == "" and job.locked_until is None
    line = next(r for r in caplog.records if getattr(r, "job", None) == COUNTING)
    assert line.outcome == "ok" and line.result == 3 and line.duration_ms >= 0
    assert not WorkerHeartbeat.objects.exists()  # a stopped worker leaves no heartbeat


@pytest.mark.django_db
def test_the_jobs_due_at_once_run_in_the_order_of_the_setting(settings, fast_worker):
    """The setting lists the most urgent first: a slow job listed after a quick one (the PDF/A
    copies after the follow-ups) does not hold it up."""
    settings.WORKER_JOBS = {"tests.operations.jobs.run_zulu": 5,
                            "tests.operations.jobs.run_alpha": 5}
    jobs.calls.clear()
    assert worker.Worker().run(once=True) == 2
    assert jobs.calls == ["zulu", "alpha"]


@pytest.mark.django_db
def test_a_failing_job_backs_off_then_fails_and_an_administrator_retries_it(
    settings, fast_worker, client
):
    settings.WORKER_JOBS = {FAILING: 10}
    waits = []
    for _ in range(3):
        make_due(FAILING)
        worker.Worker().run(once=True)
        job = Job.objects.get(name=FAILING)
        if job.next_run_at:
            waits.append(round((job.next_run_at - timezone.now()).total_seconds()))
    assert waits == [20, 40]  # the interval, doubled at each failure
    assert job.status == Job.Status.FAILED and job.attempts == 3 and job.next_run_at is None
    assert "RuntimeError: the engine is down" in job.last_error
    assert "Traceback" in job.last_error
    assert worker.Worker().run(once=True) == 0  # a failed job waits for an administrator

    admin = make_user(is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get("/en/admin/operations/job/")
    assert FAILING in page.content.decode() and "Failed" in page.content.decode()
    detail = client.get(f"/en/admin/operations/job/{job.pk}/change/").content.decode()
    assert "the engine is down" in detail
    response = client.post("/en/admin/operations/job/",
                           {"action": "retry", "_selected_action": [job.pk]}, follow=True)
    assert "1 job will run again" in response.content.decode()
    job.refresh_from_db()
    assert job.status == Job.Status.IDLE and job.attempts == 0
    assert worker.Worker().run(once=True) == 1  # runs (and fails) again at once
    assert Job.objects.get(name=FAILING).status == Job.Status.FAILING


@pytest.mark.django_db
def test_a_live_lease_keeps_other_workers_off_and_an_expired_one_lets_them_in(fast_worker):
    worker.sync_jobs({COUNTING: 5})
    lease = datetime.timedelta(seconds=60)
    assert worker.claim(COUNTING, "a", lease=lease)
    assert not worker.claim(COUNTING, "b", lease=lease)
    # Worker "a" was killed: its lease runs out, and "b" takes the job.
    Job.objects.filter(name=COUNTING).update(locked_until=timezone.now())
    assert worker.claim(COUNTING, "b", lease=lease)
    assert Job.objects.get(name=COUNTING).locked_by == "b"


@pytest.mark.django_db
def test_a_job_split_into_parts_runs_each_part_as_a_job_of_its_own(settings, fast_worker):
    settings.WORKER_JOBS = {PART: 30, COUNTING: 30}
    settings.WORKER_JOB_PARTS = {PART: 3}
    jobs.parts.clear()
    assert worker.Worker().run(once=True) == 4
    assert sorted(jobs.parts) == [(1, 3), (2, 3), (3, 3)]
    names = set(Job.objects.values_list("name", flat=True))
    assert names == {f"{PART}[1/3]", f"{PART}[2/3]", f"{PART}[3/3]", COUNTING}
    # Leased by one worker, a part is not run by another meanwhile.
    make_due(f"{PART}[2/3]")
    assert worker.claim(f"{PART}[2/3]", "a", lease=datetime.timedelta(minutes=1))
    assert worker.claim(f"{PART}[2/3]", "b", lease=datetime.timedelta(minutes=1)) is False


@pytest.mark.django_db
def test_a_job_split_another_way_keeps_only_the_new_parts_and_a_part_still_running(
    settings, fast_worker
):
    settings.WORKER_JOBS = {PART: 30}
    settings.WORKER_JOB_PARTS = {PART: 2}
    worker.Worker().run(once=True)
    make_due(f"{PART}[1/2]")
    assert worker.claim(f"{PART}[1/2]", "old", lease=datetime.timedelta(minutes=1))
    settings.WORKER_JOB_PARTS = {PART: 3}
    jobs.parts.clear()
    worker.Worker().run(once=True)
    assert sorted(jobs.parts) == [(1, 3), (2, 3), (3, 3)]
    # [2/2] is gone; [1/2], which the old worker is running, stays until it is done with it.
    assert set(Job.objects.values_list("name", flat=True)) == {
        f"{PART}[1/2]", f"{PART}[1/3]", f"{PART}[2/3]", f"{PART}[3/3]"}
    settings.WORKER_JOB_PARTS = {}
    Job.objects.update(locked_until=None, locked_by="")
    worker.Worker().run(once=True)
    assert set(Job.objects.values_list("name", flat=True)) == {PART}


@pytest.mark.django_db
def test_run_worker_once_closes_a_round_past_its_deadline(settings):
    settings.WORKER_JOBS = {"workflow.jobs.run_workflow_timers": 60}
    settings.WORKER_NICE = 0  # the command runs in this process: it must not put the tests back
    dossier = make_dossier(state="council_review")
    round_ = open_round_on(dossier, council(), due_on=timezone.localdate())
    timer = deadline_timer(round_)
    timer.scheduled = timezone.now() - datetime.timedelta(seconds=1)
    timer.save(update_fields=["scheduled"])
    call_command("run_worker", "--once")
    round_.refresh_from_db()
    # No vote, no quorum: the round closes void and the dossier waits for the council again.
    assert round_.closed_at is not None and round_.result == "void"
    assert Job.objects.get(name="workflow.jobs.run_workflow_timers").last_result == 1


def test_the_shipped_jobs_are_registered():
    from django.conf import settings
    from django.utils.module_loading import import_string

    assert {"workflow.jobs.run_workflow_timers", "search.jobs.run_search_outbox"} <= set(
        settings.WORKER_JOBS)
    for name in settings.WORKER_JOBS:
        assert callable(import_string(name))
    assert set(settings.WORKER_JOB_PARTS) <= set(settings.WORKER_JOBS)
    # The next person's inbox first; the slow PDF/A copies after the quick ones.
    order = list(settings.WORKER_JOBS)
    assert order[0] == "workflow.jobs.run_follow_ups"
    assert order.index("documents.jobs.run_pdf_renditions") > max(order.index(job) for job in (
        "search.jobs.run_search_outbox", "workflow.notifications.jobs.run_mail_deliveries",
        "config.api.jobs.run_webhook_deliveries", "workflow.jobs.run_workflow_timers"))


@pytest.mark.django_db
def test_a_deadline_that_fails_makes_the_timer_job_fail_and_retry(settings, fast_worker,
                                                                   monkeypatch):
    from workflow import services

    settings.WORKER_JOBS = {"workflow.jobs.run_workflow_timers": 60}
    dossier = make_dossier(state="council_review")
    round_ = open_round_on(dossier, council(), due_on=timezone.localdate())
    timer = deadline_timer(round_)
    timer.scheduled = timezone.now() - datetime.timedelta(seconds=1)
    timer.save(update_fields=["scheduled"])

    def broken(**kwargs):
        raise ValueError("All strings must be XML compatible")

    monkeypatch.setattr(services, "close_round", broken)  # what bad text in the minutes did
    worker.Worker().run(once=True)
    job = Job.objects.get(name="workflow.jobs.run_workflow_timers")
    assert Round.objects.get(pk=round_.pk).closed_at is None
    assert job.status == Job.Status.FAILING and "XML compatible" in job.last_error

    monkeypatch.undo()  # the cause is fixed: the retry closes the round
    make_due("workflow.jobs.run_workflow_timers")
    worker.Worker().run(once=True)
    assert Job.objects.get(name="workflow.jobs.run_workflow_timers").status == Job.Status.IDLE
    assert Round.objects.get(pk=round_.pk).closed_at is not None


@pytest.mark.django_db
def test_a_job_with_a_batch_of_its_own_takes_that_many_then_runs_again_at_once(
        settings, fast_worker):
    settings.WORKER_JOBS = {COUNTING: 30}
    settings.WORKER_JOB_BATCH_SIZES = {COUNTING: 3}
    jobs.calls.clear()
    assert worker.Worker().run(once=True) == 1
    assert jobs.calls == [3]
    # Its batch was full (3 of 3): more may be waiting, so it is due again now, not in 30 s.
    assert Job.objects.get(name=COUNTING).next_run_at <= timezone.now()


@pytest.mark.django_db
def test_a_run_of_the_pdf_copies_makes_one_batch_so_a_stopping_worker_waits_for_that_only(
        settings, fast_worker):
    """As shipped: one run, one LibreOffice batch (PDF_RENDITION_BATCH), the rest the next run."""
    from documents.models import Rendition
    from tests.documents.test_renditions import approve

    settings.WORKER_JOBS = {"documents.jobs.run_pdf_renditions": 5}
    batch = settings.PDF_RENDITION_BATCH
    for _ in range(batch + 1):
        approve()
    assert worker.Worker().run(once=True) == 1
    # One batch worked on (made, or put off while LibreOffice is missing), one copy left for the
    # next run, which is due at once.
    worked = Rendition.objects.exclude(status="pending", last_error="").count()
    assert (worked, Rendition.objects.count()) == (batch, batch + 1)
    assert Job.objects.get(name="documents.jobs.run_pdf_renditions").next_run_at <= timezone.now()
