"""Bad values at the service level and in forms get a clear refusal, never a raw error or a 500."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import make_agency, make_dossier, make_user
from tests.workflow.test_voting import council
from workflow import services
from workflow.errors import DomainError
from workflow.models import AuditEntry, Dossier, Round

pytestmark = pytest.mark.django_db

HUGE = 10**30


@pytest.fixture
def world():
    agency = make_agency()
    drafter = make_user("drafter", agency)
    dossier = make_dossier(agency=agency, created_by=drafter, state="council_review")
    return drafter, dossier, make_user("secretary"), council(4)


def calls(world):
    drafter, dossier, secretary, members = world
    chair, others = members[0].pk, [m.pk for m in members[1:]]
    in_appraisal = make_dossier(state="appraisal", kind="project")
    return {
        "transition: id text": lambda: services.transition_dossier(
            dossier_id="abc", action="submit", user=drafter
        ),
        "transition: id missing": lambda: services.transition_dossier(
            dossier_id=999_999, action="submit", user=drafter
        ),
        "transition: id huge": lambda: services.transition_dossier(
            dossier_id=HUGE, action="submit", user=drafter
        ),
        "transition: id none": lambda: services.transition_dossier(
            dossier_id=None, action="submit", user=drafter
        ),
        "transition: action none": lambda: services.transition_dossier(
            dossier_id=dossier.pk, action=None, user=drafter
        ),
        "update: id missing": lambda: services.update_dossier(
            user=drafter, dossier_id=999_999, title="T", program="P", summary=""
        ),
        "update: id huge": lambda: services.update_dossier(
            user=drafter, dossier_id=HUGE, title="T", program="P", summary=""
        ),
        "round: chair text": lambda: services.open_round(
            user=secretary, dossier_id=dossier.pk, chair_id="x", member_ids=others
        ),
        "round: member huge": lambda: services.open_round(
            user=secretary, dossier_id=dossier.pk, chair_id=chair, member_ids=[*others, HUGE]
        ),
        "round: member none": lambda: services.open_round(
            user=secretary, dossier_id=dossier.pk, chair_id=chair, member_ids=[None]
        ),
        "round: members not a list": lambda: services.open_round(
            user=secretary, dossier_id=dossier.pk, chair_id=chair, member_ids=5
        ),
        "round: dossier missing": lambda: services.open_round(
            user=secretary, dossier_id=999_999, chair_id=chair, member_ids=others
        ),
        "round: deadline 9999-12-31": lambda: services.open_round(
            user=secretary,
            dossier_id=dossier.pk,
            chair_id=chair,
            member_ids=others,
            due_on=datetime.date(9999, 12, 31),
        ),
        "round: deadline text": lambda: services.open_round(
            user=secretary, dossier_id=dossier.pk, chair_id=chair, member_ids=others, due_on="soon"
        ),
        "vote: round huge": lambda: services.cast_vote(
            user=members[0], round_id=HUGE, choice="approve"
        ),
        "vote: choice none": lambda: services.cast_vote(user=members[0], round_id=1, choice=None),
        "close: round huge": lambda: services.close_round(round_id=HUGE, user=secretary),
        "close: round text": lambda: services.close_round(round_id="x", user=secretary),
        "appraisal: dossier missing": lambda: services.record_appraisal(
            user=make_user("appraiser"), dossier_id=999_999, recommendation="approve"
        ),
        "appraisal: unknown finding": lambda: services.record_appraisal(
            user=make_user("appraiser"),
            dossier_id=in_appraisal.pk,
            recommendation="approve",
            colour="blue",
        ),
        "create: kind none": lambda: services.create_dossier(
            user=drafter, kind=None, title="T", program="P"
        ),
        "create: title invisible": lambda: services.create_dossier(
            user=drafter, kind="plan", title="\u200b\u2060\ufeff", program="P"
        ),
        "create: title soft hyphen": lambda: services.create_dossier(
            user=drafter, kind="plan", title="\u00ad \u200d", program="P"
        ),
        "create: title too long": lambda: services.create_dossier(
            user=drafter, kind="plan", title="T" * 501, program="P"
        ),
    }


@pytest.mark.parametrize(
    "name",
    [
        "transition: id text",
        "transition: id missing",
        "transition: id huge",
        "transition: id none",
        "transition: action none",
        "update: id missing",
        "update: id huge",
        "round: chair text",
        "round: member huge",
        "round: member none",
        "round: members not a list",
        "round: dossier missing",
        "round: deadline 9999-12-31",
        "round: deadline text",
        "vote: round huge",
        "vote: choice none",
        "close: round huge",
        "close: round text",
        "appraisal: dossier missing",
        "appraisal: unknown finding",
        "create: kind none",
        "create: title invisible",
        "create: title soft hyphen",
        "create: title too long",
    ],
)
def test_a_bad_value_is_a_clear_refusal_and_nothing_is_stored(world, name):
    call = calls(world)[name]
    before = (Dossier.objects.count(), Round.objects.count(), AuditEntry.objects.count())
    with pytest.raises(DomainError) as refused:
        call()
    assert refused.value.message.strip()
    assert "Traceback" not in refused.value.message
    after = (Dossier.objects.count(), Round.objects.count(), AuditEntry.objects.count())
    assert after == before


def test_huge_ids_and_a_far_deadline_in_the_round_form_are_refused_on_the_page(client, world):
    _drafter, dossier, secretary, members = world
    client.force_login(secretary)
    url = reverse("workflow:round_open", args=[dossier.pk])
    form = {"chair": members[0].pk, "members": [m.pk for m in members[1:]]}
    for bad in (
        {"chair": str(HUGE)},
        {"members": [members[1].pk, str(HUGE)]},
        {"due_on": "9999-12-31"},
        {"chair": "-1"},
    ):
        response = client.post(url, {**form, **bad})
        assert response.status_code == 200, bad
        assert not Round.objects.exists(), bad
    page = response.content.decode()
    assert "Select a valid choice" in page or "Chọn một lựa chọn hợp lệ" in page


def test_a_vote_for_a_huge_round_id_is_not_found(client, world):
    _drafter, dossier, _secretary, members = world
    client.force_login(members[0])
    url = f"/en/dossiers/{dossier.pk}/rounds/{HUGE}/vote/"
    assert client.post(url, {"choice": "approve"}).status_code == 404
    assert client.get(f"/en/dossiers/{HUGE}/").status_code == 404


def test_a_lone_surrogate_in_text_is_dropped_not_a_database_error(world):
    # Found by the property test: JSON can carry "\udfb7", which no database can store.
    drafter, dossier, _secretary, _members = world
    created = services.create_dossier(
        user=drafter, kind="plan", title="Kế hoạch\udfb7", program="CT27", summary="\ud800Tóm tắt"
    )
    created.refresh_from_db()
    assert (created.title, created.summary) == ("Kế hoạch", "Tóm tắt")
    services.transition_dossier(
        dossier_id=make_dossier(state="awaiting_approval").pk,
        action="reject",
        user=make_user("approver"),
        comment="Thiếu\udc00 dự toán",
    )
    assert AuditEntry.objects.get(action="reject").comment == "Thiếu dự toán"
