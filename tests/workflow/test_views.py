"""What each person sees and may do, through HTTP."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, make_agency, make_dossier, make_user
from workflow.models import Dossier


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.mark.django_db
def test_pages_need_a_login(client):
    response = client.get(reverse("workflow:home"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.django_db
def test_drafter_sees_only_their_agencys_dossiers(client):
    mine, theirs = make_agency(), make_agency()
    own = make_dossier(agency=mine, title="Kế hoạch của chúng tôi")
    other = make_dossier(agency=theirs, title="Kế hoạch của tỉnh bạn")
    login(client, make_user("drafter", mine))

    listing = client.get(reverse("workflow:dossier_list")).content.decode()
    assert own.title in listing and other.title not in listing
    assert client.get(reverse("workflow:dossier", args=[other.pk])).status_code == 404
    assert client.get(reverse("workflow:dossier_edit", args=[other.pk])).status_code == 404
    response = client.post(reverse("workflow:dossier_transition", args=[other.pk, "submit"]))
    assert response.status_code == 404
    assert Dossier.objects.get(pk=other.pk).state == "draft"


@pytest.mark.django_db
def test_central_office_roles_see_every_agency(client):
    dossiers = [make_dossier(agency=make_agency(), state="submitted") for _ in range(2)]
    login(client, make_user("secretary"))
    home = client.get(reverse("workflow:home")).content.decode()
    for dossier in dossiers:
        assert dossier.title in home
        assert client.get(reverse("workflow:dossier", args=[dossier.pk])).status_code == 200


@pytest.mark.django_db
def test_user_without_role_sees_nothing(client):
    dossier = make_dossier()
    login(client, make_user(None, dossier.agency))
    assert client.get(reverse("workflow:dossier", args=[dossier.pk])).status_code == 404


@pytest.mark.django_db
def test_drafter_creates_edits_and_submits(client):
    agency = make_agency()
    login(client, make_user("drafter", agency))
    # Decomposed Vietnamese, as some editors paste it, is stored composed (NFC).
    decomposed = "Ke\u0302\u0301 hoa\u0323ch"
    response = client.post(
        reverse("workflow:dossier_create"),
        {"kind": "plan", "program": "Chương trình 27", "title": decomposed, "summary": ""},
    )
    dossier = Dossier.objects.get()
    assert response["Location"] == reverse("workflow:dossier", args=[dossier.pk])
    assert dossier.title == "Kế hoạch" and dossier.agency == agency

    response = client.post(
        reverse("workflow:dossier_transition", args=[dossier.pk, "submit"]), follow=True
    )
    assert "Fill in the title, program and summary before submitting." in response.content.decode()
    assert Dossier.objects.get().state == "draft"

    client.post(
        reverse("workflow:dossier_edit", args=[dossier.pk]),
        {"program": "Chương trình 27", "title": "Kế hoạch 2021–2025", "summary": "Tóm tắt"},
    )
    client.post(reverse("workflow:dossier_transition", args=[dossier.pk, "submit"]))
    dossier.refresh_from_db()
    assert (dossier.title, dossier.state) == ("Kế hoạch 2021–2025", "submitted")

    # Submitted: no more edits.
    client.post(
        reverse("workflow:dossier_edit", args=[dossier.pk]),
        {"program": "x", "title": "Đổi tên", "summary": "y"},
    )
    assert Dossier.objects.get().title == "Kế hoạch 2021–2025"


@pytest.mark.django_db
def test_detail_page_offers_only_the_actions_of_this_role(client):
    dossier = make_dossier(state="submitted")
    login(client, make_user("secretary"))
    page = client.get(reverse("workflow:dossier", args=[dossier.pk])).content.decode()
    assert reverse("workflow:dossier_transition", args=[dossier.pk, "accept"]) in page
    assert reverse("workflow:dossier_transition", args=[dossier.pk, "return_incomplete"]) in page
    assert reverse("workflow:dossier_transition", args=[dossier.pk, "approve"]) not in page
    assert reverse("workflow:dossier_transition", args=[dossier.pk, "withdraw"]) not in page


@pytest.mark.django_db
def test_refused_transition_is_explained_not_a_500(client):
    dossier = make_dossier(state="draft")
    login(client, make_user("approver"))
    response = client.post(
        reverse("workflow:dossier_transition", args=[dossier.pk, "approve"]), follow=True
    )
    assert response.status_code == 200
    assert "“Approve” is not possible: the dossier is at the stage “Draft”." in (
        response.content.decode()
    )
    response = client.post(
        reverse("workflow:dossier_transition", args=[dossier.pk, "nonsense"]), follow=True
    )
    assert response.status_code == 200
    assert Dossier.objects.get().state == "draft"


@pytest.mark.django_db
def test_user_text_is_escaped(client):
    dossier = make_dossier(title="<script>alert(1)</script>")
    login(client, make_user("drafter", dossier.agency))
    page = client.get(reverse("workflow:dossier", args=[dossier.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


@pytest.mark.django_db
def test_transitions_need_csrf():
    from django.test import Client

    dossier = make_dossier()
    client = Client(enforce_csrf_checks=True)
    login(client, make_user("drafter", dossier.agency))
    response = client.post(reverse("workflow:dossier_transition", args=[dossier.pk, "submit"]))
    assert response.status_code == 403
    assert Dossier.objects.get().state == "draft"


@pytest.mark.django_db
def test_vietnamese_is_the_default_language_and_english_is_shipped(client):
    login(client, make_user("clerk"))
    assert "Hồ sơ" in client.get("/").content.decode()
    assert "Dossiers" in client.get("/en/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "stage, role, hidden",
    [
        ("council_review", "secretary", ["pass_review", "request_revision"]),
        ("appraisal", "appraiser", ["complete_appraisal", "request_revision"]),
    ],
)
def test_council_and_appraisal_outcomes_have_no_bare_button(client, stage, role, hidden):
    """They come from a round's tally or a recorded appraisal, which issue their documents."""
    dossier = make_dossier(state=stage, kind="project")
    login(client, make_user(role))
    page = client.get(reverse("workflow:dossier", args=[dossier.pk])).content.decode()
    for action in hidden:
        assert reverse("workflow:dossier_transition", args=[dossier.pk, action]) not in page
    response = client.post(
        reverse("workflow:dossier_transition", args=[dossier.pk, hidden[0]]), follow=True
    )
    assert response.status_code == 200
    assert Dossier.objects.get(pk=dossier.pk).state == stage
