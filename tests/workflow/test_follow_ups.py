"""A transition's follow-ups (inbox task, stage visit, notifications, webhook events) applied by the
worker after its commit: in the order of the transitions, each once, a failing one retried
without holding up the others."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task

from tests.conftest import ON_POSTGRES
from tests.factories import make_agency, make_user
from workflow import flows, jobs, selectors, services
from workflow.dashboard.models import StageVisit
from workflow.dashboard.visits import rebuild_stage_visits
from workflow.models import AuditEntry, DossierProcess, FollowUp, PublicHoliday
from workflow.notifications.models import Notification
from workflow.signals import dossier_transitioned

pytestmark = pytest.mark.django_db


@pytest.fixture
def under_the_worker(settings):
    settings.WORKFLOW_FOLLOW_UPS_IN_TRANSACTION = False
    return settings


@pytest.fixture
def people():
    agency = make_agency()
    return {
        "drafter": make_user("drafter", agency),
        "secretary": make_user("secretary"),
    }


def create(drafter, title="Kế hoạch ứng dụng CNTT"):
    return services.create_dossier(
        user=drafter, kind="plan", title=title, program="CT27", summary="Tóm tắt"
    )


def take(dossier, action, user, comment=""):
    return services.transition_dossier(
        dossier_id=dossier.pk, action=action, user=user, comment=comment
    )


def visits_of(dossier):
    return list(
        StageVisit.objects.filter(dossier=dossier)
        .order_by("entered_at", "id")
        .values_list("entry_id", "stage", "left_at", "working_days")
    )


def test_the_worker_applies_each_transitions_follow_up_in_order_once(under_the_worker, people):
    drafter, secretary = people["drafter"], people["secretary"]
    dossier = create(drafter)
    take(dossier, "submit", drafter)
    dossier = take(dossier, "accept", secretary)

    # Committed: the dossier, its audit trail; waiting: what follows from them.
    assert dossier.state == "council_review"
    assert FollowUp.objects.filter(dossier=dossier).count() == 3
    assert not DossierProcess.objects.filter(dossier=dossier).exists()
    assert not Notification.objects.exists() and not StageVisit.objects.exists()
    # The dossier's page tells where it stands from its state, not from the lagging task.
    status = selectors.process_status(dossier, None)
    assert status["title"] == flows.DossierFlow.council_review.task_title

    assert jobs.run_follow_ups(limit=100) == 3
    assert not FollowUp.objects.exists()
    # One task per stage the dossier went through, though it had moved on before the worker came.
    tasks = Task.objects.filter(process__dossierprocess__dossier=dossier).order_by("created", "id")
    assert [t.flow_task.name for t in tasks] == [
        "start", "follow_stage", "drafting", "completeness_check", "council_review"
    ]
    assert flows.active_task(dossier).flow_task is flows.DossierFlow.council_review
    assert Notification.objects.filter(recipient=secretary, kind="submitted").count() == 1
    written = visits_of(dossier)
    assert [stage for _entry, stage, *_ in written] == ["draft", "submitted", "council_review"]
    rebuild_stage_visits(dossier_ids=[dossier.pk])
    assert visits_of(dossier) == written

    # Applied once: nothing is left to do a second time.
    assert jobs.run_follow_ups(limit=100) == 0
    assert tasks.count() == 5 and Notification.objects.count() == 1


def test_a_part_of_the_follow_ups_job_applies_the_dossiers_of_its_part_only(
    under_the_worker, people
):
    drafter = people["drafter"]
    dossiers = [create(drafter, f"Kế hoạch {i}") for i in range(5)]
    for dossier in dossiers:
        take(dossier, "submit", drafter)
    odd = {d.pk for d in dossiers if d.pk % 2 == 1}
    assert jobs.run_follow_ups(limit=100, part=(2, 2)) == 2 * len(odd)  # created, submitted
    assert set(FollowUp.objects.values_list("dossier_id", flat=True)) == {
        d.pk for d in dossiers} - odd
    assert jobs.run_follow_ups(limit=100, part=(1, 2)) == 2 * (5 - len(odd))
    assert not FollowUp.objects.exists()
    for dossier in dossiers:
        assert flows.active_task(dossier).flow_task is flows.DossierFlow.completeness_check


def test_a_task_whose_dossier_moved_on_leaves_the_inbox_at_once(under_the_worker, people):
    drafter, secretary = people["drafter"], people["secretary"]
    dossier = create(drafter)
    take(dossier, "submit", drafter)
    jobs.run_follow_ups(limit=100)
    assert [t.process.dossierprocess.dossier_id for t in selectors.inbox_for(secretary)] == [
        dossier.pk
    ]

    take(dossier, "return_incomplete", secretary, comment="Thiếu phụ lục")
    # Its task is still open until the worker comes; the secretary's inbox no longer shows it.
    assert flows.active_task(dossier).flow_task is flows.DossierFlow.completeness_check
    assert not selectors.inbox_for(secretary).exists()
    assert not selectors.inbox_for(drafter).exists()
    jobs.run_follow_ups(limit=100)
    assert [t.flow_task for t in selectors.inbox_for(drafter)] == [flows.DossierFlow.revision]


def test_a_transition_taken_in_its_transaction_waits_behind_queued_follow_ups(
    under_the_worker, people
):
    drafter, secretary = people["drafter"], people["secretary"]
    dossier = create(drafter)
    take(dossier, "submit", drafter)
    under_the_worker.WORKFLOW_FOLLOW_UPS_IN_TRANSACTION = True  # e.g. a management command
    take(dossier, "accept", secretary)
    assert FollowUp.objects.filter(dossier=dossier).count() == 3  # queued, not jumped ahead
    jobs.run_follow_ups(limit=100)
    assert [stage for _e, stage, *_ in visits_of(dossier)] == [
        "draft", "submitted", "council_review"
    ]


def test_under_the_worker_a_transition_runs_under_half_the_statements(settings, people):
    drafter = people["drafter"]
    counts = {}
    for inline in (True, False):
        settings.WORKFLOW_FOLLOW_UPS_IN_TRANSACTION = inline
        dossier = create(drafter)
        jobs.run_follow_ups(limit=100)
        with CaptureQueriesContext(connection) as queries:
            take(dossier, "submit", drafter)
        counts[inline] = len(queries)
    assert counts[False] * 2 < counts[True], counts


def test_a_failing_follow_up_is_retried_and_shown_while_the_others_go_on(
    under_the_worker, people, client, worker_alive
):
    drafter = people["drafter"]
    broken, fine = create(drafter, "Hồ sơ lỗi"), create(drafter, "Hồ sơ tốt")
    take(broken, "submit", drafter)
    take(fine, "submit", drafter)

    def refuse(sender, dossier, **kwargs):
        if dossier.pk == broken.pk:
            raise RuntimeError("the mail server's table is gone")

    dossier_transitioned.connect(refuse, dispatch_uid="test.refuse")
    under_the_worker.WORKER_MAX_ATTEMPTS = 2
    try:
        assert jobs.run_follow_ups(limit=100) == 2  # the fine dossier's two
        waiting = FollowUp.objects.filter(dossier=broken)
        assert waiting.count() == 2  # its creation's too: rolled back together, in order
        assert not DossierProcess.objects.filter(dossier=broken).exists()
        row = waiting.first()
        assert row.attempts == 1 and "table is gone" in row.last_error
        assert row.next_attempt_at > timezone.now()  # backoff: not tried at the next poll
        assert jobs.run_follow_ups(limit=100) == 0

        waiting.update(next_attempt_at=timezone.now())
        jobs.run_follow_ups(limit=100)
        assert set(waiting.values_list("attempts", "next_attempt_at")) == {(2, None)}
        outbox = client.get("/readyz").json()["checks"]["outbox"]
        assert outbox["ok"] is False and outbox["follow_ups_stuck"] == 2
    finally:
        dossier_transitioned.disconnect(dispatch_uid="test.refuse")

    # Fixed: an administrator applies them again from the admin.
    admin = make_user(is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.post(
        reverse("admin:workflow_followup_changelist"),
        {"action": "retry", "_selected_action": list(waiting.values_list("pk", flat=True))},
    )
    assert response.status_code == 302
    assert jobs.run_follow_ups(limit=100) == 2
    assert flows.active_task(broken).flow_task is flows.DossierFlow.completeness_check
    assert AuditEntry.objects.filter(dossier=broken).count() == 2  # the truth, untouched


def test_a_rebuild_of_the_stage_visits_before_the_follow_ups_is_not_done_twice(
    under_the_worker, people
):
    drafter, secretary = people["drafter"], people["secretary"]
    dossier = create(drafter)
    take(dossier, "submit", drafter)
    take(dossier, "accept", secretary)
    call_command("rebuild_stage_visits")  # an administrator, while the follow-ups wait
    rebuilt = visits_of(dossier)
    assert [stage for _e, stage, *_ in rebuilt] == ["draft", "submitted", "council_review"]
    assert jobs.run_follow_ups(limit=100) == 3
    assert not FollowUp.objects.exists()  # applied, none failing on a visit already there
    assert visits_of(dossier) == rebuilt


def _reads_of(queries, table):
    return [q["sql"] for q in queries.captured_queries if f'FROM "{table}"' in q["sql"]]


def test_a_transition_and_a_run_of_follow_ups_read_the_policy_holidays_and_secretaries_once(
    settings, people
):
    drafter = people["drafter"]
    dossier = create(drafter)
    with CaptureQueriesContext(connection) as queries:  # deadline, then stage visit: inline
        take(dossier, "submit", drafter)
    assert len(_reads_of(queries, "workflow_publicholiday")) == 1
    assert len(_reads_of(queries, "workflow_kindpolicy")) == 1

    settings.WORKFLOW_FOLLOW_UPS_IN_TRANSACTION = False
    for n in range(3):
        take(create(drafter, f"Hồ sơ {n}"), "submit", drafter)
    with CaptureQueriesContext(connection) as queries:
        assert jobs.run_follow_ups(limit=100) == 6
    assert len(_reads_of(queries, "workflow_publicholiday")) == 1
    assert len(_reads_of(queries, "workflow_kindpolicy")) == 1
    # Who is told of each submission: the secretaries, read once for the run, and how they
    # want to hear of it.
    assert len([q for q in queries.captured_queries if "auth_user_groups" in q["sql"]]) == 1
    assert len(_reads_of(queries, "notifications_preference")) == 1
    assert Notification.objects.filter(recipient=people["secretary"]).count() == 1 + 3


def test_a_transition_reads_the_policies_and_holidays_before_it_locks_anything(people):
    """Not while holding SQLite's one writer (or, on PostgreSQL, the rows' locks): its first
    locked read is of the dossier's open rounds."""
    drafter = people["drafter"]
    dossier = create(drafter)
    with CaptureQueriesContext(connection) as queries:
        take(dossier, "submit", drafter)
    sqls = [q["sql"] for q in queries.captured_queries]
    first_locked = next(i for i, sql in enumerate(sqls) if 'FROM "workflow_round"' in sql)
    rules = [i for i, sql in enumerate(sqls)
             if 'FROM "workflow_kindpolicy"' in sql or 'FROM "workflow_publicholiday"' in sql]
    assert len(rules) == 2 and max(rules) < first_locked, sqls
    assert AuditEntry.objects.filter(dossier=dossier, action="submit").exists()


def test_a_run_of_follow_ups_reads_and_deletes_them_once_for_a_group_of_dossiers(
    under_the_worker, people
):
    """Ten dossiers' follow-ups in one transaction: one read of the dossiers, one of their
    follow-ups, one of their waiting tasks, one delete; each dossier's own reads (its stage
    visit, its task after its first follow-up) stay its own."""
    drafter = people["drafter"]
    for n in range(jobs.FOLLOW_UP_GROUP):
        take(create(drafter, f"Hồ sơ {n}"), "submit", drafter)
    with CaptureQueriesContext(connection) as queries:
        assert jobs.run_follow_ups(limit=100) == 2 * jobs.FOLLOW_UP_GROUP
    assert len(_reads_of(queries, "workflow_dossier")) == 1
    on_outbox = [q["sql"] for q in queries.captured_queries if "workflow_followup" in q["sql"]]
    assert len(on_outbox) == 3, on_outbox  # the dossiers due, their follow-ups, the delete
    # The tasks waiting on the ten (none: their processes start), then each one's after that.
    waiting = [sql for sql in _reads_of(queries, "viewflow_task") if "dossierprocess" in sql]
    assert len(waiting) == 1 + jobs.FOLLOW_UP_GROUP
    assert not FollowUp.objects.exists()
    assert all(
        flows.active_task(dossier).flow_task is flows.DossierFlow.completeness_check
        for dossier in selectors.all_dossiers()
    )


def test_a_holiday_entered_after_a_transition_counts_for_the_next(people):
    drafter = people["drafter"]
    first, second = create(drafter), create(drafter, "Hồ sơ thứ hai")
    first = take(first, "submit", drafter)
    day = timezone.localdate() + datetime.timedelta(days=1)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    PublicHoliday.objects.create(date=day, name="Nghỉ bù")  # within the deadline's days
    second = take(second, "submit", drafter)
    assert second.stage_due_on == first.stage_due_on + datetime.timedelta(
        days=1 if first.stage_due_on.weekday() < 4 else 3
    )


def test_under_the_worker_a_transition_writes_its_follow_up_without_reading_the_outbox(
    under_the_worker, people
):
    """The outbox is read only to keep the order when follow-ups are written in the transaction
    and some still wait; under the worker every follow-up waits anyway: one INSERT, no SELECT."""
    dossier = create(people["drafter"])
    with CaptureQueriesContext(connection) as captured:
        take(dossier, "submit", people["drafter"])
    on_outbox = [q["sql"] for q in captured.captured_queries if "workflow_followup" in q["sql"]]
    assert len(on_outbox) == 1 and on_outbox[0].startswith("INSERT"), on_outbox


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's planner, which has no statistics")
def test_a_groups_waiting_tasks_are_found_by_process_not_among_every_dossier_in_flight(people):
    """Asked by status with the processes in a list, SQLite reads the waiting task of every
    dossier in flight to find ten (6 ms for 3,000 in flight, growing with them)."""
    dossiers = [create(people["drafter"], f"Hồ sơ {n}").pk for n in range(jobs.FOLLOW_UP_GROUP)]
    with CaptureQueriesContext(connection) as queries:
        waiting = flows.active_tasks(dossiers)
    assert {task.flow_task for task in waiting.values()} == {flows.DossierFlow.drafting}
    assert list(waiting) == dossiers
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            plan = [row[-1] for row in cursor.fetchall()]
            assert not [step for step in plan if "viewflow_task_status" in step], plan
