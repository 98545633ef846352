"""The dashboard's figures: stage visits from the audit trail, working days, medians, on-time
shares, decisions per month, council rounds, and a query count that does not grow."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import PASSWORD, make_agency, make_user
from tests.workflow.dashboard_world import at, walked
from workflow import services
from workflow.dashboard.figures import dashboard_for
from workflow.dashboard.filters import Filters
from workflow.dashboard.models import StageVisit
from workflow.dashboard.visits import rebuild_stage_visits
from workflow.models import PublicHoliday, Round
from workflow.policies import add_working_days, working_days_between

DONE = [
    ("create", "draft", "2024-03-01"),
    ("submit", "submitted", "2024-03-04"),  # Monday
    ("accept", "council_review", "2024-03-08"),  # Friday: 4 working days submitted
    ("pass_review", "awaiting_approval", "2024-03-22"),  # 10 working days in review
    ("approve", "approved", "2024-03-25"),  # 1 working day awaiting approval
]


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    settings.DASHBOARD_CACHE_SECONDS = 0


def test_working_days_between_is_the_inverse_of_add_working_days():
    holidays = [datetime.date(2024, 4, 30), datetime.date(2024, 5, 1), datetime.date(2024, 9, 2)]
    start = datetime.date(2024, 4, 25)
    for days in range(0, 40):
        end = add_working_days(start, days, holidays)
        assert working_days_between(start, end, holidays) == days
    assert working_days_between(datetime.date(2024, 5, 3), datetime.date(2024, 5, 1)) == 0


@pytest.mark.django_db
def test_time_in_stage_counts_working_days_skipping_holidays():
    agency = make_agency("Tỉnh ủy Lào Cai")
    walked(agency, DONE)
    # Wednesday 6 March off: the submitted stay is 3 working days, not 4.
    PublicHoliday.objects.create(date=datetime.date(2024, 3, 6), name="Ngày nghỉ")
    slow = [
        *DONE[:2],
        ("accept", "council_review", "2024-03-20"),  # 12 working days, 11 with the holiday
    ]
    walked(agency, slow)
    rebuild_stage_visits()
    board = dashboard_for(make_user("secretary"), Filters())
    times = {t.stage: t for t in board.times}
    assert times["submitted"].visits == 2
    assert (times["submitted"].low, times["submitted"].median, times["submitted"].high) == (
        5.0,
        7.0,
        9.0,
    )
    assert times["submitted"].longest == 11
    assert times["council_review"].median == 10
    # Completeness is due in 5 working days: one of the two on time; the rest on time.
    (row,) = board.on_time
    assert (row.name, row.finished, row.on_time) == ("Tỉnh ủy Lào Cai", 4, 3)


@pytest.mark.django_db
def test_transitions_through_the_services_keep_the_visits_in_step_with_the_audit_trail():
    agency = make_agency()
    drafter = make_user("drafter", agency)
    secretary, approver = make_user("secretary"), make_user("approver")
    dossier = services.create_dossier(
        user=drafter, kind="plan", title="Kế hoạch số hóa", program="CT27", summary="Tóm tắt"
    )
    for action, user in [("submit", drafter), ("accept", secretary), ("pass_review", secretary),
                         ("approve", approver)]:  # fmt: skip
        services.transition_dossier(dossier_id=dossier.pk, action=action, user=user)
    kept = list(StageVisit.objects.order_by("entered_at", "id").values_list("stage", "left_at"))
    assert [stage for stage, _left in kept] == [
        "draft", "submitted", "council_review", "awaiting_approval", "approved",
    ]  # fmt: skip
    assert [left is None for _stage, left in kept] == [False, False, False, False, True]
    rebuilt_from_the_trail = rebuild_stage_visits()
    assert rebuilt_from_the_trail == len(kept)
    board = dashboard_for(secretary, Filters())
    assert board.months[0][1:] == (1, 0)
    assert {t.stage for t in board.times} == {"submitted", "council_review", "awaiting_approval"}


def _visit_rows():
    fields = ["dossier_id", "entry_id", "stage", "entered_at", "entered_on", "left_at"]
    visits = StageVisit.objects.order_by("dossier_id", "entered_at", "id")
    return list(visits.values_list(*fields, "working_days", "on_time"))


@pytest.mark.django_db
def test_each_transition_writes_what_a_rebuild_from_the_audit_trail_derives():
    # Two kinds, a revision loop and a withdrawal: the visit each transition closes and the one
    # it opens are those the derivation from the whole audit trail gives.
    agency = make_agency()
    drafter, secretary = make_user("drafter", agency), make_user("secretary")
    dossiers = [
        services.create_dossier(
            user=drafter, kind=kind, title="Kế hoạch", program="CT27", summary="Tóm tắt"
        )
        for kind in ("plan", "project")
    ]
    steps = [
        ("submit", drafter), ("return_incomplete", secretary), ("submit", drafter),
        ("accept", secretary), ("request_revision", secretary), ("submit", drafter),
        ("withdraw", drafter),
    ]  # fmt: skip
    for dossier in dossiers:
        for action, user in steps:
            services.transition_dossier(
                dossier_id=dossier.pk, action=action, user=user, comment="Bổ sung hồ sơ."
            )
    kept = _visit_rows()
    assert len(kept) == 2 * (1 + len(steps))
    assert [row[6] for row in kept if row[5] is not None] == [0] * 2 * len(steps)
    assert {row[7] for row in kept} == {True, None}
    rebuild_stage_visits()
    assert _visit_rows() == kept


@pytest.mark.django_db
def test_decisions_are_counted_per_month():
    agency = make_agency()
    walked(agency, DONE)
    walked(agency, [*DONE[:4], ("reject", "rejected", "2024-04-02")])
    walked(agency, [*DONE[:4], ("approve", "approved", "2024-04-03")])
    rebuild_stage_visits()
    board = dashboard_for(make_user("approver"), Filters())
    assert board.months == [("2024-03", 1, 0), ("2024-04", 1, 1)]


def _round(dossier, number, result, **outcome):
    values = {"quorum_met": True, "passed": True, "with_conditions": 0, **outcome}
    return Round.objects.create(
        dossier=dossier, stage="council_review", number=number, opened_by=dossier.created_by,
        due_on=datetime.date(2024, 3, 20), closed_at=at("2024-03-20"), result=result,
        outcome=values,
    )  # fmt: skip


@pytest.mark.django_db
def test_council_rounds_are_sorted_into_passed_conditional_failed_and_void():
    dossier = walked(make_agency(), DONE)
    _round(dossier, 1, "passed")
    _round(dossier, 2, "passed")
    _round(dossier, 3, "revision", with_conditions=2)
    _round(dossier, 4, "revision", passed=False)
    _round(dossier, 5, "revision", passed=False, quorum_met=False)
    _round(dossier, 6, "abandoned")
    Round.objects.create(
        dossier=dossier, stage="council_review", number=7, opened_by=dossier.created_by,
        due_on=datetime.date(2024, 3, 20),
    )  # still open: not counted  # fmt: skip
    board = dashboard_for(make_user("secretary"), Filters())
    assert board.rounds == {"passed": 2, "conditional": 1, "failed": 1, "void": 2}


@pytest.mark.django_db
def test_filters_by_year_and_kind():
    agency = make_agency()
    walked(agency, DONE, kind="plan")
    walked(agency, [("create", "draft", "2023-06-01")], kind="project")
    secretary = make_user("secretary")
    assert dashboard_for(secretary, Filters(year=2024)).total == 1
    assert dashboard_for(secretary, Filters(year=2023)).total == 1
    assert dashboard_for(secretary, Filters(kind="project")).stage_totals == {"draft": 1}
    assert dashboard_for(secretary, Filters(year=2022)).total == 0


def _world(agencies, per_agency):
    for _ in range(agencies):
        agency = make_agency()
        for _n in range(per_agency):
            dossier = walked(agency, DONE)
            _round(dossier, 1, "passed")
        walked(agency, DONE[:2], stage_due_on=datetime.date(2024, 3, 11))
    rebuild_stage_visits()


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_dossiers_or_agencies(client):
    client.login(username=make_user("secretary").username, password=PASSWORD)
    url = reverse("workflow:dashboard:home")
    _world(2, 2)
    small = _queries(client, url)
    _world(6, 5)
    assert _queries(client, url) == small
    export = reverse("workflow:dashboard:export_dossiers", args=["xlsx"])
    assert _queries(client, export) <= small


@pytest.mark.django_db
def test_the_cache_serves_the_same_figures_until_the_audit_trail_moves(settings):
    settings.DASHBOARD_CACHE_SECONDS = 300
    cache.clear()  # ids repeat between tests: a figure kept by another test must not answer
    agency = make_agency()
    secretary = make_user("secretary")
    walked(agency, DONE)
    rebuild_stage_visits()
    first = dashboard_for(secretary, Filters())
    with CaptureQueriesContext(connection) as queries:
        assert dashboard_for(secretary, Filters()).total == first.total == 1
    assert len(queries) == 2  # the holidays and the audit trail's last entry
    walked(agency, DONE[:1])
    assert dashboard_for(secretary, Filters()).total == 2
