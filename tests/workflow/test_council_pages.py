"""The dossier page as the council and the drafter use it: confirmations, closed rounds, history."""

import pytest
from django.urls import reverse

from tests.factories import make_dossier, make_user
from tests.workflow.test_voting import council, open_round_on
from workflow import services


@pytest.mark.django_db
def test_closing_a_closed_round_says_so_instead_of_closing_it_again(client):
    dossier = make_dossier(state="council_review", kind="plan")
    members = council()
    round_ = open_round_on(dossier, members)
    for member in members:
        services.cast_vote(user=member, round_id=round_.pk, choice="approve")
    secretary = make_user("secretary")
    client.force_login(secretary)
    response = client.post(
        reverse("workflow:round_close", args=[dossier.pk, round_.pk]),
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    page = response.content.decode()
    assert "This round was already closed on" in page
    assert "closed and tallied" not in page


@pytest.mark.django_db
def test_irreversible_actions_ask_for_confirmation(client):
    dossier = make_dossier(state="council_review", kind="plan")
    members = council()
    open_round_on(dossier, members)
    client.force_login(make_user("secretary"))
    page = client.get(
        reverse("workflow:dossier", args=[dossier.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert 'data-confirm="Close this round now?' in page
    client.force_login(dossier.created_by)
    page = client.get(
        reverse("workflow:dossier", args=[dossier.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert 'data-confirm="Withdraw this dossier?' in page


@pytest.mark.django_db
def test_a_long_history_folds_its_earlier_steps_away(client):
    dossier = make_dossier(state="draft", kind="plan")
    drafter = dossier.created_by
    for n in range(13):
        services.update_dossier(
            user=drafter,
            dossier_id=dossier.pk,
            title=f"Kế hoạch sửa lần {n}",
            program=dossier.program,
            summary=dossier.summary,
        )
    client.force_login(drafter)
    page = client.get(
        reverse("workflow:dossier", args=[dossier.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "3 earlier steps" in page.partition("</details>")[0]
    assert page.count("<tr><td>") == 13


@pytest.mark.django_db
def test_a_refused_vote_comes_back_with_what_the_member_chose_and_wrote(client):
    dossier = make_dossier(state="council_review", kind="plan")
    members = council()
    round_ = open_round_on(dossier, members)
    client.force_login(members[1])
    response = client.post(
        reverse("workflow:round_vote", args=[dossier.pk, round_.pk]),
        {"choice": "approve_with_conditions", "comment": "Đồng ý về chủ trương."},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Write the conditions of your approval." in page
    assert '<option value="approve_with_conditions" selected>' in page
    assert "Đồng ý về chủ trương." in page
    assert not round_.votes.exists()


@pytest.mark.django_db
def test_a_member_sees_their_current_vote_on_the_form(client):
    dossier = make_dossier(state="council_review", kind="plan")
    members = council()
    round_ = open_round_on(dossier, members)
    services.cast_vote(
        user=members[1], round_id=round_.pk, choice="reject", conditions="Thiếu dự toán."
    )
    client.force_login(members[1])
    page = client.get(reverse("workflow:dossier", args=[dossier.pk])).content.decode()
    form = page[page.index('class="vote"') :]
    assert '<option value="reject" selected>' in form
    assert "Thiếu dự toán." in form


@pytest.mark.django_db
def test_a_round_form_with_an_error_keeps_the_council_chosen(client):
    dossier = make_dossier(state="council_review", kind="plan")
    members = council()
    client.force_login(make_user("secretary"))
    response = client.post(
        reverse("workflow:round_open", args=[dossier.pk]),
        {"chair": members[0].pk, "members": [m.pk for m in members[1:]], "due_on": "31/02/2027"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = response.content.decode()
    assert "Enter a valid date." in page
    for member in members[1:]:
        assert f'value="{member.pk}" selected' in page
    assert not dossier.rounds.exists()


@pytest.mark.django_db
def test_the_drafter_is_told_why_submitting_is_not_possible_yet(client):
    dossier = make_dossier(state="draft", kind="plan", summary="")
    client.force_login(dossier.created_by)
    page = client.get(
        reverse("workflow:dossier", args=[dossier.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    blocked = page[page.index('class="blocked"') :].split("</p>")[0]
    assert "Submit" in blocked and "disabled" in blocked
    assert "Fill in the title, program and summary before submitting." in blocked
    assert reverse("workflow:dossier_transition", args=[dossier.pk, "submit"]) not in page


@pytest.mark.django_db
def test_a_resubmission_carries_the_drafters_note_of_what_changed(client):
    dossier = make_dossier(state="revision_requested", kind="plan")
    client.force_login(dossier.created_by)
    url = reverse("workflow:dossier_transition", args=[dossier.pk, "submit"])
    page = client.get(
        reverse("workflow:dossier", args=[dossier.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "What you changed since the revision request" in page
    response = client.post(url, {"comment": ""}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "Please write what you changed since the revision request." in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.state == "revision_requested"
    client.post(url, {"comment": "Đã bổ sung dự toán chi tiết."})
    dossier.refresh_from_db()
    assert dossier.state == "submitted"
    entry = dossier.audit_entries.get(action="submit")
    assert entry.comment == "Đã bổ sung dự toán chi tiết."


@pytest.mark.django_db
def test_the_secretary_accepts_on_the_kinds_completeness_checklist(client):
    from workflow.models import KindPolicy

    KindPolicy.objects.update_or_create(
        kind="plan", defaults={"completeness_checklist": "Tờ trình\nDự toán kinh phí"}
    )
    dossier = make_dossier(state="submitted", kind="plan")
    client.force_login(make_user("secretary"))
    page = client.get(
        reverse("workflow:dossier", args=[dossier.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert 'name="checked" value="Tờ trình" required' in page
    url = reverse("workflow:dossier_transition", args=[dossier.pk, "accept"])
    response = client.post(url, {"checked": ["Tờ trình"]}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "not ticked: Dự toán kinh phí" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.state == "submitted"
    client.post(url, {"checked": ["Tờ trình", "Dự toán kinh phí"]})
    dossier.refresh_from_db()
    assert dossier.state == "council_review"
    entry = dossier.audit_entries.get(action="accept")
    assert entry.details["checklist"] == ["Tờ trình", "Dự toán kinh phí"]
