"""Council rules a real council keeps: its size, who votes, void rounds, secret ballots, and the
paperwork that records them."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from documents.generation import VOTE_LABELS
from documents.models import Document
from tests.factories import make_dossier, make_user
from tests.workflow.test_paperwork import generated
from tests.workflow.test_voting import council, open_round_on
from workflow import services
from workflow.errors import InvalidInput
from workflow.models import AuditEntry, KindPolicy, VoteChoice


@pytest.mark.django_db
def test_a_council_needs_three_members_besides_the_chair_by_default(settings):
    settings.WORKFLOW_MIN_COUNCIL_MEMBERS = 3
    dossier = make_dossier(state="council_review", kind="plan")
    with pytest.raises(InvalidInput) as refused:
        open_round_on(dossier, council(3))  # the chair and two members
    assert str(refused.value) == "A council needs at least 3 members besides the chair; 2 chosen."
    assert refused.value.field == "members"
    assert not dossier.rounds.exists()
    assert open_round_on(dossier, council(4)).seats.count() == 5  # with the secretary


@pytest.mark.django_db
def test_a_kinds_policy_sets_its_own_minimum(settings):
    settings.WORKFLOW_MIN_COUNCIL_MEMBERS = 3
    KindPolicy.objects.update_or_create(kind="plan", defaults={"min_council_members": 5})
    dossier = make_dossier(state="council_review", kind="plan")
    with pytest.raises(InvalidInput, match="at least 5 members besides the chair; 3 chosen"):
        open_round_on(dossier, council(4))


@pytest.mark.django_db
def test_the_secretary_keeps_the_minutes_and_does_not_vote():
    dossier = make_dossier(state="council_review", kind="plan")
    secretary = make_user("secretary")
    secretary.groups.add(Group.objects.get_or_create(name="council_member")[0])
    chair, member = council(2)
    with pytest.raises(InvalidInput, match="keeps the minutes and does not vote"):
        services.open_round(
            user=secretary,
            dossier_id=dossier.pk,
            chair_id=chair.pk,
            member_ids=[member.pk, secretary.pk],
        )


@pytest.mark.django_db
def test_a_round_without_quorum_is_void_and_the_council_convenes_again():
    dossier = make_dossier(state="council_review", kind="plan")
    members = council(3)
    round_ = open_round_on(dossier, members)
    services.cast_vote(user=members[0], round_id=round_.pk, choice="approve")
    services.close_round(round_id=round_.pk, user=make_user("secretary"))
    round_.refresh_from_db()
    dossier.refresh_from_db()
    assert round_.result == "void"
    assert dossier.state == "council_review"
    assert not Document.objects.filter(dossier=dossier, doc_type="revision_letter").exists()
    assert "vòng xét duyệt không có giá trị" in generated(dossier, "minutes")
    assert open_round_on(dossier, council(3)).number == 2


@pytest.mark.django_db
def test_a_secret_ballot_shows_who_voted_but_never_how(client):
    KindPolicy.objects.update_or_create(kind="plan", defaults={"secret_ballot_review": True})
    dossier = make_dossier(state="council_review", kind="plan")
    chair, first, second = council(3)
    round_ = open_round_on(dossier, [chair, first, second])
    services.cast_vote(
        user=first, round_id=round_.pk, choice="reject", conditions="Chưa rõ nguồn vốn."
    )
    client.force_login(second)
    page = client.get(
        reverse("workflow:dossier", args=[dossier.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    voted = page[page.index('class="voted"') :]
    assert first.username in voted.split("</p>")[0]
    assert "Chưa rõ nguồn vốn." not in page and "<td>Reject" not in page

    services.cast_vote(user=chair, round_id=round_.pk, choice="approve")
    services.cast_vote(user=second, round_id=round_.pk, choice="approve")
    round_.refresh_from_db()
    assert round_.result == "passed" and round_.outcome["rejecting"] == 1
    page = client.get(
        reverse("workflow:dossier", args=[dossier.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Secret ballot" in page and "Chưa rõ nguồn vốn." not in page
    for entry in AuditEntry.objects.filter(dossier=dossier, action__in=["vote", "close_round"]):
        assert "choice" not in entry.details and "votes" not in entry.details
    minutes = generated(dossier, "minutes")
    assert minutes.count("Đã bỏ phiếu kín") == 3
    assert "không tán thành: 1" in minutes  # the tally line writes the labels in lower case


@pytest.mark.django_db
def test_an_open_ballot_shows_each_vote_only_once_the_round_closes(client):
    dossier = make_dossier(state="council_review", kind="plan")
    chair, first, second = council(3)
    round_ = open_round_on(dossier, [chair, first, second])
    services.cast_vote(user=first, round_id=round_.pk, choice="abstain", comment="Xin ý kiến.")
    client.force_login(second)
    url = reverse("workflow:dossier", args=[dossier.pk])
    assert "Xin ý kiến." not in client.get(url).content.decode()
    services.cast_vote(user=chair, round_id=round_.pk, choice="approve")
    services.cast_vote(user=second, round_id=round_.pk, choice="approve")
    page = client.get(url).content.decode()
    assert "Xin ý kiến." in page and "<td>Abstain</td>" in page
    assert "Không biểu quyết" in generated(dossier, "minutes")


def test_every_choice_is_spelled_the_same_on_screen_and_in_the_minutes():
    with translation.override("vi"):
        for choice, label in VoteChoice.choices:
            code = "recused" if choice == VoteChoice.RECUSE else choice
            assert str(label) == VOTE_LABELS[code], choice


@pytest.mark.django_db
def test_the_minutes_and_the_letter_speak_for_the_council():
    dossier = make_dossier(state="council_review", kind="plan")
    chair, first, second = council(3)
    round_ = open_round_on(dossier, [chair, first, second])
    services.cast_vote(
        user=chair,
        round_id=round_.pk,
        choice="approve_with_conditions",
        conditions="Bổ sung dự toán chi tiết.",
    )
    services.cast_vote(user=first, round_id=round_.pk, choice="reject", conditions="Thiếu phụ lục.")
    services.cast_vote(
        user=second,
        round_id=round_.pk,
        choice="approve_with_conditions",
        conditions="Bổ sung dự toán chi tiết.",
    )
    dossier.refresh_from_db()
    assert dossier.state == "revision_requested"
    minutes = generated(dossier, "minutes")
    conditions = minutes[minutes.index("CÁC ĐIỀU KIỆN KÈM THEO") : minutes.index("LÝ DO KHÔNG")]
    assert "Bổ sung dự toán chi tiết." in conditions and "Thiếu phụ lục." not in conditions
    assert "Thiếu phụ lục." in minutes[minutes.index("LÝ DO KHÔNG TÁN THÀNH") :]
    letter = generated(dossier, "revision_letter")
    assert letter.count("Bổ sung dự toán chi tiết.") == 1 and "Thiếu phụ lục." in letter
    for person in (chair, first, second):
        assert person.last_name not in letter or not person.last_name
    assert "on conditions" not in letter and "có điều kiện" not in letter
