"""Council rounds: the secretary opens, members vote and correct, the tally moves the dossier."""

import datetime
import os

import pytest
from django.utils import timezone

from tests.factories import make_dossier, make_user
from tests.workflow.test_concurrency import run_at_once
from workflow import services
from workflow.errors import InvalidInput, NotPermitted, TransitionRefused, VoteClosed
from workflow.models import AuditEntry, Dossier, KindPolicy, Round, Vote


def council(size=3):
    return [make_user("council_member") for _ in range(size)]


def open_round_on(dossier, members, **kwargs):
    secretary = make_user("secretary")
    return services.open_round(
        user=secretary,
        dossier_id=dossier.pk,
        chair_id=members[0].pk,
        member_ids=[m.pk for m in members[1:]],
        **kwargs,
    )


@pytest.mark.django_db
def test_a_plan_passed_by_every_member_goes_to_the_approver():
    dossier = make_dossier(state="council_review", kind="plan")
    members = council()
    round_ = open_round_on(dossier, members)
    for member in members:
        services.cast_vote(user=member, round_id=round_.pk, choice="approve", comment="Đạt")
    dossier.refresh_from_db()
    round_.refresh_from_db()
    assert dossier.state == "awaiting_approval"
    assert round_.result == "passed" and round_.closed_at is not None
    assert round_.outcome["approving"] == 3
    close = AuditEntry.objects.get(dossier=dossier, action="close_round")
    assert close.details["tally"]["passed"] is True
    assert AuditEntry.objects.filter(dossier=dossier, action="vote").count() == 3
    assert AuditEntry.objects.get(dossier=dossier, action="pass_review").actor is None


@pytest.mark.django_db
def test_a_project_that_passes_goes_to_appraisal():
    dossier = make_dossier(state="council_review", kind="project")
    members = council(2)
    round_ = open_round_on(dossier, members)
    for member in members:
        services.cast_vote(user=member, round_id=round_.pk, choice="approve")
    assert Dossier.objects.get(pk=dossier.pk).state == "appraisal"


@pytest.mark.django_db
def test_approval_with_conditions_sends_the_conditions_back_to_the_drafter():
    dossier = make_dossier(state="council_review")
    members = council()
    round_ = open_round_on(dossier, members)
    services.cast_vote(user=members[0], round_id=round_.pk, choice="approve")
    services.cast_vote(
        user=members[1],
        round_id=round_.pk,
        choice="approve_with_conditions",
        conditions="Bổ sung phương án an toàn thông tin cấp độ 3.",
    )
    services.cast_vote(user=members[2], round_id=round_.pk, choice="abstain")
    dossier.refresh_from_db()
    assert dossier.state == "revision_requested"
    letter = AuditEntry.objects.get(dossier=dossier, action="request_revision").comment
    assert "an toàn thông tin cấp độ 3" in letter


@pytest.mark.django_db
def test_a_rejected_round_requests_revision_with_the_reasons():
    dossier = make_dossier(state="council_review")
    members = council()
    round_ = open_round_on(dossier, members)
    for member in members[:2]:
        services.cast_vote(
            user=member, round_id=round_.pk, choice="reject", conditions="Trùng lặp đầu tư."
        )
    services.cast_vote(user=members[2], round_id=round_.pk, choice="approve")
    round_.refresh_from_db()
    assert round_.result == "revision" and not round_.outcome["passed"]
    assert Dossier.objects.get(pk=dossier.pk).state == "revision_requested"


@pytest.mark.django_db
def test_the_required_text_of_each_choice_is_demanded():
    dossier = make_dossier(state="council_review")
    members = council()
    round_ = open_round_on(dossier, members)
    for choice in ["approve_with_conditions", "reject", "recuse"]:
        with pytest.raises(InvalidInput):
            services.cast_vote(user=members[0], round_id=round_.pk, choice=choice)
    with pytest.raises(InvalidInput):
        services.cast_vote(user=members[0], round_id=round_.pk, choice="maybe")
    assert not Vote.objects.exists()


@pytest.mark.django_db
def test_a_recused_member_does_not_count_toward_the_quorum():
    dossier = make_dossier(state="council_review")
    members = council()
    round_ = open_round_on(dossier, members)
    services.cast_vote(
        user=members[2],
        round_id=round_.pk,
        choice="recuse",
        conflict="Tôi từng tư vấn cho đơn vị lập hồ sơ.",
    )
    for member in members[:2]:
        services.cast_vote(user=member, round_id=round_.pk, choice="approve")
    round_.refresh_from_db()
    assert round_.outcome["seated"] == 2 and round_.outcome["recused"] == 1
    assert round_.result == "passed"


@pytest.mark.django_db
def test_a_correction_is_a_new_visible_record_and_the_last_vote_counts():
    dossier = make_dossier(state="council_review")
    members = council()
    round_ = open_round_on(dossier, members)
    first = services.cast_vote(user=members[0], round_id=round_.pk, choice="approve")
    corrected = services.cast_vote(
        user=members[0], round_id=round_.pk, choice="reject", conditions="Thiếu khái toán."
    )
    assert corrected.supersedes == first
    assert Vote.objects.filter(round=round_).count() == 2
    audit = AuditEntry.objects.get(dossier=dossier, action="correct_vote")
    assert audit.details["corrects"] == "approve" and audit.details["choice"] == "reject"
    # The correction did not count as another member's vote: the round is still open.
    assert Round.objects.get(pk=round_.pk).is_open
    services.cast_vote(user=members[1], round_id=round_.pk, choice="reject", conditions="Thiếu.")
    services.cast_vote(user=members[2], round_id=round_.pk, choice="approve")
    round_.refresh_from_db()
    assert round_.outcome["rejecting"] == 2 and round_.outcome["approving"] == 1


@pytest.mark.django_db
def test_after_closing_nothing_changes():
    dossier = make_dossier(state="council_review")
    members = council(2)
    round_ = open_round_on(dossier, members)
    for member in members:
        services.cast_vote(user=member, round_id=round_.pk, choice="approve")
    with pytest.raises(VoteClosed, match="closed"):
        services.cast_vote(user=members[0], round_id=round_.pk, choice="abstain")
    closed_at = Round.objects.get(pk=round_.pk).closed_at
    services.close_round(round_id=round_.pk)  # idempotent
    assert Round.objects.get(pk=round_.pk).closed_at == closed_at
    assert AuditEntry.objects.filter(dossier=dossier, action="close_round").count() == 1


@pytest.mark.django_db
def test_only_seated_members_vote_and_only_the_secretary_opens():
    dossier = make_dossier(state="council_review")
    members = council()
    with pytest.raises(NotPermitted):
        services.open_round(
            user=members[0],
            dossier_id=dossier.pk,
            chair_id=members[0].pk,
            member_ids=[members[1].pk],
        )
    round_ = open_round_on(dossier, members[:2])
    with pytest.raises(NotPermitted):
        services.cast_vote(user=members[2], round_id=round_.pk, choice="approve")
    with pytest.raises(NotPermitted):
        services.cast_vote(user=round_.opened_by, round_id=round_.pk, choice="approve")
    with pytest.raises(InvalidInput):
        open_round_on(dossier, members)  # one open round per dossier
    drafter = make_user("drafter")
    with pytest.raises(InvalidInput):
        open_round_on(dossier, [drafter])


@pytest.mark.django_db
def test_no_round_outside_a_council_stage():
    dossier = make_dossier(state="submitted")
    with pytest.raises(TransitionRefused):
        open_round_on(dossier, council())


def deadline_timer(round_):
    from viewflow.workflow.models import Task

    return Task.objects.get(process__roundprocess__round=round_, flow_task_type="TIMER")


def fire_timers_at(moment):
    """Run viewflow's timer dispatcher (`manage.py workflow_timers`) as if the clock said so."""
    from viewflow.workflow.models import Task
    from viewflow.workflow.timers import fire_due_timers

    # The dispatcher fires what is due now: bring due timers' moments to now instead.
    Task.objects.filter(flow_task_type="TIMER", scheduled__lte=moment).update(
        scheduled=timezone.now()
    )
    return fire_due_timers()


@pytest.mark.django_db
def test_a_round_past_its_deadline_closes_on_the_votes_cast():
    dossier = make_dossier(state="council_review")
    members = council()
    today = timezone.localdate()
    round_ = open_round_on(dossier, members, due_on=today)
    services.cast_vote(user=members[0], round_id=round_.pk, choice="approve")
    services.cast_vote(user=members[1], round_id=round_.pk, choice="approve")

    timer = deadline_timer(round_)
    assert timezone.localtime(timer.scheduled).date() == today + datetime.timedelta(days=1)
    assert fire_timers_at(timezone.now()) == 0  # still the due date: the round stays open
    assert fire_timers_at(timer.scheduled) == 1
    round_.refresh_from_db()
    # 2 of 3 voted: a quorum of two thirds; 2 of 3 approved: passed.
    assert round_.result == "passed"
    assert Dossier.objects.get(pk=dossier.pk).state == "awaiting_approval"


@pytest.mark.django_db
def test_the_workflow_timers_command_closes_a_round_without_quorum():
    from django.core.management import call_command

    dossier = make_dossier(state="council_review")
    round_ = open_round_on(dossier, council(), due_on=timezone.localdate())
    # As if the clock had passed the deadline: the timer is due now, and nothing fired it yet.
    timer = deadline_timer(round_)
    timer.scheduled = timezone.now()
    timer.save(update_fields=["scheduled"])
    round_.refresh_from_db()
    assert round_.is_open
    call_command("workflow_timers", stdout=open(os.devnull, "w"))  # cron's command fires it
    round_.refresh_from_db()
    # No quorum: the round is void and the dossier waits for the council to convene again.
    assert round_.result == "void" and not round_.outcome["quorum_met"]
    assert Dossier.objects.get(pk=dossier.pk).state == "council_review"


@pytest.mark.django_db
def test_a_deadline_after_the_last_vote_changes_nothing():
    dossier = make_dossier(state="council_review", kind="plan")
    members = council()
    round_ = open_round_on(dossier, members, due_on=timezone.localdate())
    for member in members:
        services.cast_vote(user=member, round_id=round_.pk, choice="approve")
    closed = Round.objects.get(pk=round_.pk)
    fire_timers_at(deadline_timer(round_).scheduled)
    after = Round.objects.get(pk=round_.pk)
    assert (after.closed_at, after.result) == (closed.closed_at, "passed")
    assert AuditEntry.objects.filter(dossier=dossier, action="close_round").count() == 1


@pytest.mark.django_db
def test_withdrawing_mid_round_abandons_the_round():
    dossier = make_dossier(state="council_review")
    round_ = open_round_on(dossier, council())
    services.transition_dossier(
        dossier_id=dossier.pk, action="withdraw", user=dossier.created_by, comment="Rút"
    )
    round_.refresh_from_db()
    assert round_.result == "abandoned" and not round_.is_open


@pytest.mark.django_db
def test_it_projects_have_the_appraisal_decided_by_a_council_vote():
    KindPolicy.objects.update_or_create(kind="project", defaults={"appraisal_by_council": True})
    dossier = make_dossier(state="appraisal", kind="project")
    members = council()
    round_ = open_round_on(dossier, members)
    assert round_.stage == "appraisal"
    for member in members:
        services.cast_vote(user=member, round_id=round_.pk, choice="approve")
    assert Dossier.objects.get(pk=dossier.pk).state == "awaiting_approval"
    assert AuditEntry.objects.filter(dossier=dossier, action="complete_appraisal").exists()


@pytest.mark.django_db
def test_a_failed_appraisal_round_requests_revision():
    KindPolicy.objects.update_or_create(kind="project", defaults={"appraisal_by_council": True})
    dossier = make_dossier(state="appraisal", kind="project")
    members = council(2)
    round_ = open_round_on(dossier, members)
    for member in members:
        services.cast_vote(user=member, round_id=round_.pk, choice="reject", conditions="Không")
    assert Dossier.objects.get(pk=dossier.pk).state == "revision_requested"


@pytest.mark.django_db
def test_the_secretary_may_close_early_and_a_member_may_not():
    dossier = make_dossier(state="council_review")
    members = council()
    round_ = open_round_on(dossier, members)
    with pytest.raises(NotPermitted):
        services.close_round(round_id=round_.pk, user=members[0])
    services.close_round(round_id=round_.pk, user=round_.opened_by)
    assert AuditEntry.objects.get(action="close_round").actor == round_.opened_by


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_members_voting_at_once_are_each_counted_once_and_close_once():
    dossier = make_dossier(state="council_review")
    members = council(50)
    round_ = open_round_on(dossier, members)
    results = run_at_once(
        [
            (lambda m=m: services.cast_vote(user=m, round_id=round_.pk, choice="approve"))
            for m in members
        ]
    )
    assert all(isinstance(r, Vote) for r in results), [
        r for r in results if not isinstance(r, Vote)
    ]
    round_.refresh_from_db()
    assert Vote.objects.filter(round=round_).count() == 50
    assert round_.outcome["approving"] == 50 and round_.result == "passed"
    assert AuditEntry.objects.filter(dossier=dossier, action="vote").count() == 50
    assert AuditEntry.objects.filter(dossier=dossier, action="close_round").count() == 1
    assert AuditEntry.objects.filter(dossier=dossier, action="pass_review").count() == 1
    assert Dossier.objects.get(pk=dossier.pk).state == "awaiting_approval"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_deadline_close_racing_the_last_vote_closes_once():
    dossier = make_dossier(state="council_review")
    members = council(2)
    round_ = open_round_on(dossier, members)
    services.cast_vote(user=members[0], round_id=round_.pk, choice="approve")
    results = run_at_once(
        [
            lambda: services.cast_vote(user=members[1], round_id=round_.pk, choice="approve"),
            lambda: services.close_round(round_id=round_.pk),
            lambda: services.close_round(round_id=round_.pk),
        ]
    )
    assert not any(isinstance(r, Exception) and not isinstance(r, VoteClosed) for r in results)
    assert AuditEntry.objects.filter(dossier=dossier, action="close_round").count() == 1
    # Whoever won the lock, the round closed once and the dossier took at most one transition,
    # matching the tally: a close before the last vote finds one of two voted, no quorum, and
    # the void round leaves the dossier where it is.
    moves = AuditEntry.objects.filter(
        dossier=dossier, action__in=["pass_review", "request_revision"]
    )
    round_.refresh_from_db()
    expected = {"passed": ["pass_review"], "revision": ["request_revision"], "void": []}
    assert [m.action for m in moves] == expected[round_.result]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_click_records_a_vote_and_its_correction_and_counts_once():
    dossier = make_dossier(state="council_review")
    members = council(3)
    round_ = open_round_on(dossier, members)
    results = run_at_once(
        [
            lambda: services.cast_vote(user=members[0], round_id=round_.pk, choice="approve"),
            lambda: services.cast_vote(user=members[0], round_id=round_.pk, choice="approve"),
        ]
    )
    assert all(isinstance(r, Vote) for r in results), results
    votes = Vote.objects.filter(round=round_).order_by("pk")
    assert [v.supersedes_id for v in votes] == [None, votes[0].pk]
    assert Round.objects.get(pk=round_.pk).is_open  # one member of three has voted
    for member in members[1:]:
        services.cast_vote(user=member, round_id=round_.pk, choice="approve")
    round_.refresh_from_db()
    assert round_.outcome["approving"] == 3 and round_.result == "passed"
