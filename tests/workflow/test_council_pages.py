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
