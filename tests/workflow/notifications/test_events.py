"""Who hears of what: each workflow event writes notifications and e-mails in its transaction."""

import pytest
from django.db import transaction

from tests.factories import make_agency, make_dossier, make_user
from workflow import services
from workflow.notifications.models import Delivery, Notification, Preference
from workflow.notifications.outbox import notify


def person(role, agency=None, **fields):
    user = make_user(role, agency, **fields)
    user.email = f"{user.username}@demo.dossierflow.invalid"
    user.save(update_fields=["email"])
    return user


def told(kind, dossier=None):
    rows = Notification.objects.filter(kind=kind)
    if dossier is not None:
        rows = rows.filter(dossier_id=dossier.pk)
    return {n.recipient.username for n in rows.select_related("recipient")}


@pytest.fixture
def world():
    agency, other = make_agency(), make_agency()
    return {
        "agency": agency,
        "drafter": person("drafter", agency),
        "colleague": person("drafter", agency),
        "stranger": person("drafter", other),
        "secretary": person("secretary"),
        "clerk": person("clerk"),
        "approver": person("approver"),
        "appraiser": person("appraiser"),
        "members": [person("council_member") for _ in range(3)],
    }


@pytest.mark.django_db
def test_a_submission_tells_the_secretary_and_queues_one_mail(world):
    dossier = make_dossier(agency=world["agency"], created_by=world["drafter"])
    services.transition_dossier(dossier_id=dossier.pk, action="submit", user=world["drafter"])
    assert told("submitted") == {world["secretary"].username}
    notification = Notification.objects.get(kind="submitted")
    assert notification.read_at is None and notification.context["title"] == dossier.title
    delivery = Delivery.objects.get(recipient=world["secretary"])
    assert delivery.status == "pending" and delivery.event_key == notification.key


@pytest.mark.django_db
def test_a_resubmission_says_so_with_the_drafters_note(world, client):
    dossier = make_dossier(
        agency=world["agency"], state="revision_requested", created_by=world["drafter"]
    )
    services.transition_dossier(
        dossier_id=dossier.pk,
        action="submit",
        user=world["drafter"],
        comment="Đã bổ sung phụ lục dự toán.",
    )
    notification = Notification.objects.get(kind="submitted")
    assert notification.context["resubmitted"] is True
    client.force_login(world["secretary"])
    page = client.get("/en/notifications/").content.decode()
    assert f"Resubmitted: {dossier.title}" in page and "Đã bổ sung phụ lục dự toán." in page


@pytest.mark.django_db
def test_a_rolled_back_transition_notifies_nobody(world):
    dossier = make_dossier(agency=world["agency"], created_by=world["drafter"])
    with pytest.raises(RuntimeError), transaction.atomic():
        services.transition_dossier(dossier_id=dossier.pk, action="submit", user=world["drafter"])
        assert Notification.objects.count() == 1  # written inside the transaction…
        raise RuntimeError("the request failed after the transition")
    assert Notification.objects.count() == 0  # …and gone with it
    assert Delivery.objects.count() == 0


@pytest.mark.django_db
def test_a_returned_dossier_tells_only_its_agencys_drafters_with_the_reasons(world):
    dossier = make_dossier(agency=world["agency"], state="submitted", created_by=world["drafter"])
    services.transition_dossier(
        dossier_id=dossier.pk,
        action="return_incomplete",
        user=world["secretary"],
        comment="Thiếu phụ lục dự toán.",
    )
    assert told("returned") == {world["drafter"].username, world["colleague"].username}
    assert (
        "Thiếu phụ lục" in Notification.objects.filter(kind="returned").first().context["comment"]
    )


@pytest.mark.django_db
def test_a_round_tells_its_members_then_its_result_to_council_and_drafters(world):
    dossier = make_dossier(
        agency=world["agency"], state="council_review", created_by=world["drafter"]
    )
    chair, *members = world["members"]
    round_ = services.open_round(
        user=world["secretary"],
        dossier_id=dossier.pk,
        chair_id=chair.pk,
        member_ids=[m.pk for m in members],
    )
    assert told("round_opened") == {m.username for m in world["members"]}
    seats = dict(
        Notification.objects.filter(kind="round_opened").values_list(
            "recipient__username", "context__seat"
        )
    )
    assert seats[chair.username] == "chair"
    for member in world["members"]:
        services.cast_vote(user=member, round_id=round_.pk, choice="approve")
    council = {m.username for m in world["members"]} | {world["secretary"].username}
    assert told("round_closed") == council | {
        world["drafter"].username,
        world["colleague"].username,
    }
    assert Notification.objects.filter(kind="round_closed").first().context["result"] == "passed"
    # A plan then awaits the approver.
    assert told("awaiting_approval") == {world["approver"].username}


@pytest.mark.django_db
def test_a_decision_tells_drafters_and_clerk_with_its_number_and_nobody_else(world):
    dossier = make_dossier(
        agency=world["agency"], state="awaiting_approval", created_by=world["drafter"]
    )
    services.transition_dossier(dossier_id=dossier.pk, action="approve", user=world["approver"])
    dossier.refresh_from_db()
    assert told("decided") == {
        world["drafter"].username,
        world["colleague"].username,
        world["clerk"].username,
    }
    assert world["stranger"].username not in told("decided")
    context = Notification.objects.filter(kind="decided").first().context
    assert context["approved"] is True and context["decision_number"] == dossier.decision_number


@pytest.mark.django_db
def test_a_project_passing_review_is_due_for_appraisal(world):
    dossier = make_dossier(
        agency=world["agency"], state="council_review", kind="project", created_by=world["drafter"]
    )
    chair, member = world["members"][:2]
    round_ = services.open_round(
        user=world["secretary"], dossier_id=dossier.pk, chair_id=chair.pk, member_ids=[member.pk]
    )
    for voter in (chair, member):
        services.cast_vote(user=voter, round_id=round_.pk, choice="approve")
    assert told("appraisal_due", dossier) == {world["appraiser"].username}


@pytest.mark.django_db
def test_nobody_hears_of_a_dossier_they_may_not_see(world):
    dossier = make_dossier(agency=world["agency"], created_by=world["drafter"])
    written = notify(
        kind="decided",
        key="test:scoping",
        dossier=dossier,
        recipients=[world["stranger"], world["drafter"], world["clerk"]],
        context={"title": dossier.title},
    )
    assert written == 2
    assert told("decided") == {world["drafter"].username, world["clerk"].username}


@pytest.mark.django_db
def test_the_same_event_never_tells_anyone_twice(world):
    dossier = make_dossier(agency=world["agency"], created_by=world["drafter"])
    for _ in range(2):
        notify(
            kind="submitted",
            key="test:once",
            dossier=dossier,
            recipients=[world["secretary"]],
            context={"title": dossier.title, "agency": "x"},
        )
    assert Notification.objects.filter(key="test:once").count() == 1
    assert Delivery.objects.filter(event_key="test:once").count() == 1


@pytest.mark.django_db
def test_a_digest_or_in_app_preference_queues_no_immediate_mail(world):
    Preference.objects.create(user=world["drafter"], kind="returned", channel="digest")
    Preference.objects.create(user=world["colleague"], kind="returned", channel="in_app")
    dossier = make_dossier(agency=world["agency"], state="submitted", created_by=world["drafter"])
    services.transition_dossier(
        dossier_id=dossier.pk, action="return_incomplete", user=world["secretary"], comment="Thiếu."
    )
    assert told("returned") == {world["drafter"].username, world["colleague"].username}
    assert Delivery.objects.count() == 0
