"""The inbox and the dossier page's process section, through HTTP."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, make_agency, make_dossier, make_user
from workflow import services
from workflow.models import Appraisal, Dossier, Round, Vote


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def on_the_flow(state, **kwargs):
    """A dossier moved to `state` through a real transition, so its process exists."""
    before = {"council_review": ("submitted", "accept", "secretary")}
    if state in before:
        start, action, role = before[state]
        dossier = make_dossier(state=start, **kwargs)
        services.transition_dossier(dossier_id=dossier.pk, action=action, user=make_user(role))
        return Dossier.objects.get(pk=dossier.pk)
    dossier = make_dossier(state="submitted", **kwargs)
    services.transition_dossier(
        dossier_id=dossier.pk, action="return_incomplete", user=make_user("secretary"), comment="x"
    )
    return Dossier.objects.get(pk=dossier.pk)


@pytest.mark.django_db
def test_the_secretary_inbox_lists_the_role_queue_overdue_first(client):
    late = on_the_flow("council_review", title="Hồ sơ quá hạn")
    soon = on_the_flow("council_review", title="Hồ sơ còn hạn")
    Dossier.objects.filter(pk=late.pk).update(
        stage_due_on=timezone.localdate() - datetime.timedelta(days=3)
    )
    Dossier.objects.filter(pk=soon.pk).update(
        stage_due_on=timezone.localdate() + datetime.timedelta(days=3)
    )
    drafts = on_the_flow("revision_requested", title="Hồ sơ cần sửa")
    login(client, make_user("secretary"))
    page = client.get(reverse("workflow:inbox")).content.decode()
    assert page.index("Hồ sơ quá hạn") < page.index("Hồ sơ còn hạn")
    assert drafts.title not in page


@pytest.mark.django_db
def test_a_drafter_sees_only_their_agencys_revisions(client):
    agency = make_agency()
    mine = on_the_flow("revision_requested", agency=agency, title="Của tôi")
    theirs = on_the_flow("revision_requested", title="Của tỉnh khác")
    login(client, make_user("drafter", agency))
    page = client.get(reverse("workflow:inbox")).content.decode()
    assert mine.title in page and theirs.title not in page


@pytest.mark.django_db
def test_a_council_round_through_the_pages(client):
    dossier = on_the_flow("council_review", kind="plan")
    secretary = make_user("secretary", first_name="Tuấn", last_name="Đỗ Minh")
    members = [make_user("council_member", first_name=f"Ủy viên {i}") for i in range(3)]
    login(client, secretary)
    page = client.get(reverse("workflow:dossier", args=[dossier.pk])).content.decode()
    assert reverse("workflow:round_open", args=[dossier.pk]) in page
    client.post(
        reverse("workflow:round_open", args=[dossier.pk]),
        {"chair": members[0].pk, "members": [m.pk for m in members[1:]]},
    )
    round_ = Round.objects.get(dossier=dossier)

    login(client, members[1])
    inbox = client.get(reverse("workflow:inbox")).content.decode()
    assert dossier.title in inbox
    page = client.get(reverse("workflow:dossier", args=[dossier.pk])).content.decode()
    assert reverse("workflow:round_vote", args=[dossier.pk, round_.pk]) in page
    vote_url = reverse("workflow:round_vote", args=[dossier.pk, round_.pk])
    response = client.post(vote_url, {"choice": "reject"}, follow=True)
    assert not Vote.objects.exists()
    assert "Write the reasons for rejecting." in response.content.decode()  # /en/: English
    client.post(vote_url, {"choice": "approve", "comment": "Đồng ý"})
    client.post(vote_url, {"choice": "approve_with_conditions", "conditions": "Bổ sung dự toán"})
    page = client.get(reverse("workflow:dossier", args=[dossier.pk])).content.decode()
    # While the round is open the member sees their current vote on the form, and nobody's
    # choice in the round's table.
    assert "Bổ sung dự toán" in page[page.index('class="vote"') :]
    assert Vote.objects.filter(round=round_, member=members[1]).count() == 2
    assert dossier.title not in client.get(reverse("workflow:inbox")).content.decode()

    for member in (members[0], members[2]):
        login(client, member)
        client.post(vote_url, {"choice": "approve"})
    dossier.refresh_from_db()
    assert dossier.state == "revision_requested"  # passed on conditions
    login(client, members[0])
    response = client.post(vote_url, {"choice": "reject", "conditions": "muộn"}, follow=True)
    assert Vote.objects.count() == 4
    # Refused with the reason, on the dossier's page.
    assert response.status_code == 200
    assert "This voting round is closed." in response.content.decode()


@pytest.mark.django_db
def test_a_non_member_cannot_vote_over_http(client):
    dossier = on_the_flow("council_review")
    members = [make_user("council_member") for _ in range(2)]
    round_ = services.open_round(
        user=make_user("secretary"),
        dossier_id=dossier.pk,
        chair_id=members[0].pk,
        member_ids=[members[1].pk],
    )
    login(client, make_user("council_member"))
    page = client.get(reverse("workflow:dossier", args=[dossier.pk])).content.decode()
    assert reverse("workflow:round_vote", args=[dossier.pk, round_.pk]) not in page
    client.post(reverse("workflow:round_vote", args=[dossier.pk, round_.pk]), {"choice": "approve"})
    assert not Vote.objects.exists()


@pytest.mark.django_db
def test_the_appraiser_records_an_appraisal_and_the_approver_decides(client):
    dossier = make_dossier(state="appraisal", kind="project")
    login(client, make_user("appraiser"))
    findings = {
        "legal_basis": "Luật Đầu tư công 2019",
        "necessity": "Cần thiết",
        "technical_solution": "Phù hợp kiến trúc",
        "information_security": "Cấp độ 3",
        "budget": "Trong khái toán",
        "schedule": "2022–2024",
        "recommendation": "approve",
    }
    client.post(reverse("workflow:appraisal_record", args=[dossier.pk]), findings)
    assert Appraisal.objects.get().recommendation == "approve"
    assert Dossier.objects.get(pk=dossier.pk).state == "awaiting_approval"


@pytest.mark.django_db
def test_an_appraisal_recommending_revision_returns_the_dossier():
    dossier = make_dossier(state="appraisal", kind="investment_report")
    findings = dict.fromkeys(Appraisal.FINDINGS, "Chưa đạt")
    services.record_appraisal(
        user=make_user("appraiser"), dossier_id=dossier.pk, recommendation="revise", **findings
    )
    assert Dossier.objects.get(pk=dossier.pk).state == "revision_requested"


@pytest.mark.django_db
def test_the_dossier_page_says_who_holds_the_process(client):
    dossier = on_the_flow("council_review")
    login(client, make_user("clerk"))
    page = client.get(reverse("workflow:dossier", args=[dossier.pk])).content.decode()
    assert "Council review" in page  # /en/: English
    assert "Council secretary" in page


def test_the_home_page_lists_every_stage_whose_task_waits_on_the_role():
    # The inbox (viewflow stage tasks) and the home page read the same stage → role table.
    from workflow import flows
    from workflow.states import ROLE_QUEUES

    for node in flows.STAGE_TASKS:
        shown = set().union(*(q.stages for q in ROLE_QUEUES if q.role == node.role))
        assert node.stage in shown, (node.role, node.stage)
