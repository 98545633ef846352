"""A form sent again (the connection dropped after the commit, a double click) is done once; a
refused form comes back with what was typed; the error page claims only what is known."""

import re

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from documents.models import DocumentVersion
from tests.documents.conftest import upload
from tests.documents.sample_files import simple_docx
from tests.factories import make_agency, make_dossier, make_user
from tests.workflow.test_voting import council, open_round_on
from workflow.models import AuditEntry, Dossier, Vote

pytestmark = pytest.mark.django_db


def key_in(page: str) -> str:
    return re.search(r'name="submission" value="([^"]+)"', page).group(1)


def test_a_retried_vote_does_not_undo_the_change_made_since(client):
    dossier = make_dossier(state="council_review")
    members = council(3)
    round_ = open_round_on(dossier, members)
    client.force_login(members[0])
    page = client.get(reverse("workflow:dossier", args=[dossier.pk])).content.decode()
    url = reverse("workflow:round_vote", args=[dossier.pk, round_.pk])
    first = {"choice": "approve", "submission": key_in(page)}
    assert client.post(url, first).status_code == 302
    client.post(url, {"choice": "abstain", "submission": key_in(page) + "x"})
    # The first form arrives again (the browser retried it after a dropped connection).
    retried = client.post(url, first, follow=True)
    assert "already been sent and was done then" in retried.content.decode()
    current = Vote.objects.get(round=round_, correction__isnull=True)
    assert current.choice == "abstain"
    assert Vote.objects.filter(round=round_).count() == 2


def test_a_form_key_another_user_sent_is_that_users_not_an_error(client):
    """Keys are each user's: a key someone else's form carried (a forged or copied form) is done
    for this user as a new form, and once, instead of a 500 on the key's uniqueness."""
    dossier = make_dossier(state="council_review")
    members = council(3)
    round_ = open_round_on(dossier, members)
    url = reverse("workflow:round_vote", args=[dossier.pk, round_.pk])
    for member in members[:2]:
        client.force_login(member)
        form = {"choice": "approve", "submission": "the-same-key-for-both-of-them"}
        assert client.post(url, form).status_code == 302
        again = client.post(url, form, follow=True).content.decode()
        assert "already been sent and was done then" in again
    assert sorted(Vote.objects.filter(round=round_).values_list("member", flat=True)) == sorted(
        m.pk for m in members[:2]
    )


def test_a_retried_transition_is_done_once_and_said_so(client):
    agency = make_agency()
    drafter = make_user("drafter", agency)
    dossier = make_dossier(agency=agency, created_by=drafter, state="awaiting_approval")
    approver = make_user("approver")
    client.force_login(approver)
    page = client.get(reverse("workflow:dossier", args=[dossier.pk])).content.decode()
    url = reverse("workflow:dossier_transition", args=[dossier.pk, "reject"])
    form = {"comment": "Không phù hợp quy hoạch", "submission": key_in(page)}
    assert client.post(url, form).status_code == 302
    again = client.post(url, form, follow=True)
    assert again.status_code == 200
    assert "already been sent and was done then" in again.content.decode()
    assert AuditEntry.objects.filter(dossier=dossier, action="reject").count() == 1
    assert Dossier.objects.get(pk=dossier.pk).state == "rejected"


def test_a_retried_upload_stores_one_version(client):
    agency = make_agency()
    drafter = make_user("drafter", agency)
    dossier = make_dossier(agency=agency, created_by=drafter)
    client.force_login(drafter)
    url = reverse("documents:dossier_documents", args=[dossier.pk])
    key = key_in(client.get(url).content.decode())
    for _attempt in range(2):
        response = client.post(
            url, {"doc_type": "annex", "file": upload(simple_docx()), "submission": key}
        )
        assert response.status_code == 302
    assert DocumentVersion.objects.count() == 1
    page = client.get(url).content.decode()
    assert "already been sent and was done then" in page


def test_a_comment_over_the_limit_comes_back_with_its_text_and_the_reason(client):
    dossier = make_dossier(state="awaiting_approval")
    client.force_login(make_user("approver"))
    url = reverse("workflow:dossier_transition", args=[dossier.pk, "reject"])
    text = "Lý do từ chối dài. " * 300
    response = client.post(url, {"comment": text})
    page = response.content.decode()
    assert response.status_code == 200
    assert "at most 5000 characters" in page or "5000" in page
    assert text.strip()[:200] in page
    assert Dossier.objects.get(pk=dossier.pk).state == "awaiting_approval"
    assert not AuditEntry.objects.filter(dossier=dossier).exists()


def test_a_refused_vote_keeps_what_the_member_typed(client):
    dossier = make_dossier(state="council_review")
    members = council(2)
    round_ = open_round_on(dossier, members)
    client.force_login(members[0])
    url = reverse("workflow:round_vote", args=[dossier.pk, round_.pk])
    response = client.post(url, {"choice": "reject", "comment": "Nhận xét cần giữ lại"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Write the reasons for rejecting." in page
    assert "Nhận xét cần giữ lại" in page
    assert not Vote.objects.exists()


def test_a_comment_with_a_nul_keeps_its_words(client):
    dossier = make_dossier(state="awaiting_approval")
    client.force_login(make_user("approver"))
    url = reverse("workflow:dossier_transition", args=[dossier.pk, "reject"])
    assert client.post(url, {"comment": "Thiếu\x00 dự toán"}).status_code == 302
    entry = AuditEntry.objects.get(dossier=dossier, action="reject")
    assert entry.comment == "Thiếu dự toán"


def test_the_error_page_does_not_claim_that_nothing_changed():
    page = server_error(RequestFactory().get("/")).content.decode()
    assert "Nothing was changed" not in page
    assert "không thay đổi" not in page
    assert "may or may not" in page


def test_the_worker_forgets_form_keys_older_than_kept_then_a_resent_form_is_new(client, settings):
    from django.utils import timezone

    from documents.jobs import run_form_key_pruning
    from documents.models import FormSubmission

    assert "documents.jobs.run_form_key_pruning" in settings.WORKER_JOBS
    settings.FORM_KEYS_KEPT_DAYS = 30
    dossier = make_dossier(state="council_review")
    members = council(3)
    round_ = open_round_on(dossier, members)
    client.force_login(members[0])
    url = reverse("workflow:round_vote", args=[dossier.pk, round_.pk])
    forms = []
    for choice in ("approve", "abstain", "reject"):
        page = client.get(reverse("workflow:dossier", args=[dossier.pk])).content.decode()
        forms.append({"choice": choice, "submission": key_in(page), "conditions": "Lý do"})
        assert client.post(url, forms[-1]).status_code == 302
    month_ago = timezone.now() - timezone.timedelta(days=31)
    FormSubmission.objects.filter(key__in=[f["submission"] for f in forms[:2]]).update(
        created_at=month_ago
    )
    assert run_form_key_pruning(limit=1) == 1  # a bounded batch each run
    assert run_form_key_pruning(limit=10) == 1
    assert run_form_key_pruning(limit=10) == 0
    assert FormSubmission.objects.filter(key=forms[2]["submission"]).exists()
    # The kept key still answers "already done"; a forgotten one is a new form (a correction).
    assert "already been sent" in client.post(url, forms[2], follow=True).content.decode()
    assert "already been sent" not in client.post(url, forms[0], follow=True).content.decode()
    assert Vote.objects.filter(round=round_).count() == 4
