"""Council rounds and appraisal through the API: open, vote, correct, close; appraise."""

import pytest

from config.api.tokens import create_token
from tests.api.conftest import ApiClient
from tests.factories import make_user
from workflow.models import Dossier, Vote


@pytest.mark.django_db
def test_secretary_opens_members_vote_and_correct_and_the_tally_moves_the_dossier(world):
    dossier = world.dossier(state="council_review", kind="project")
    chair, member = world.users["council_member"], make_user("council_member")
    opened = world.client("secretary").post(
        f"/dossiers/{dossier.pk}/rounds", {"chair_id": chair.pk, "member_ids": [member.pk]}
    )
    assert opened.status_code == 201, opened.content
    round_id = opened.json()["id"]
    assert {s["role"] for s in opened.json()["seats"]} == {"chair", "member", "secretary"}
    again = world.client("secretary").post(
        f"/dossiers/{dossier.pk}/rounds", {"chair_id": chair.pk, "member_ids": [member.pk]}
    )
    assert again.status_code == 400

    votes = f"/dossiers/{dossier.pk}/rounds/{round_id}/votes"
    chair_client = world.client("council_member")
    first = chair_client.post(votes, {"choice": "reject", "conditions": "Thiếu kinh phí"})
    assert first.status_code == 201
    corrected = chair_client.post(votes, {"choice": "approve", "comment": "Đã rõ"})
    assert corrected.json()["supersedes"] == first.json()["id"]
    assert world.client("approver").post(votes, {"choice": "approve"}).status_code == 403
    missing_reason = chair_client.post(votes, {"choice": "approve_with_conditions"})
    assert missing_reason.status_code == 400

    member_token = create_token(user=member, name="t", days=1)[1]
    assert ApiClient(member_token).post(votes, {"choice": "approve"}).status_code == 201
    rounds = world.client("drafter").get(f"/dossiers/{dossier.pk}/rounds").json()
    assert rounds[0]["result"] == "passed" and len(rounds[0]["votes"]) == 3
    dossier.refresh_from_db()
    assert dossier.state == "appraisal"
    closed = ApiClient(member_token).post(votes, {"choice": "reject", "conditions": "x"})
    assert closed.status_code == 409


@pytest.mark.django_db
def test_only_the_secretary_closes_a_round_early(world):
    dossier = world.dossier(state="council_review")
    chair = world.users["council_member"]
    round_id = (
        world.client("secretary")
        .post(
            f"/dossiers/{dossier.pk}/rounds",
            {"chair_id": chair.pk, "member_ids": [world.users["second_member"].pk]},
        )
        .json()["id"]
    )
    close = f"/dossiers/{dossier.pk}/rounds/{round_id}/close"
    assert world.client("council_member").post(close).status_code == 403
    assert (
        world.client("secretary").post(f"/dossiers/{dossier.pk}/rounds/999/close").status_code
        == 404
    )
    closed = world.client("secretary").post(close)
    assert closed.status_code == 200 and closed.json()["closed_at"]
    assert closed.json()["result"] == "void"  # no quorum: the secretary opens another round
    assert Dossier.objects.get(pk=dossier.pk).state == "council_review"


@pytest.mark.django_db
def test_appraiser_records_the_appraisal(world):
    dossier = world.dossier(state="appraisal", kind="project")
    findings = {
        name: "Đạt"
        for name in (
            "legal_basis",
            "necessity",
            "technical_solution",
            "information_security",
            "budget",
            "schedule",
        )
    }
    path = f"/dossiers/{dossier.pk}/appraisal"
    assert (
        world.client("approver").post(path, {**findings, "recommendation": "approve"}).status_code
        == 403
    )
    bad = world.client("appraiser").post(path, {**findings, "recommendation": "maybe"})
    assert bad.status_code == 400
    done = world.client("appraiser").post(path, {**findings, "recommendation": "approve"})
    assert done.status_code == 201
    assert Dossier.objects.get(pk=dossier.pk).state == "awaiting_approval"
    late = world.client("appraiser").post(path, {**findings, "recommendation": "approve"})
    assert late.status_code == 409


@pytest.mark.django_db
def test_a_vote_names_a_round_of_that_dossier_or_it_is_a_404(world):
    chair, member = world.users["council_member"], world.users["second_member"]
    dossier, other = world.dossier(state="council_review"), world.dossier(state="council_review")
    rounds = {}
    for d in (dossier, other):
        opened = world.client("secretary").post(
            f"/dossiers/{d.pk}/rounds", {"chair_id": chair.pk, "member_ids": [member.pk]}
        )
        rounds[d.pk] = opened.json()["id"]
    as_chair = world.client("council_member")
    # The chair sits on both rounds: the address must still pair the round with its dossier.
    crossed = as_chair.post(
        f"/dossiers/{dossier.pk}/rounds/{rounds[other.pk]}/votes", {"choice": "approve"}
    )
    assert crossed.status_code == 404
    missing = as_chair.post(f"/dossiers/{dossier.pk}/rounds/999999/votes", {"choice": "approve"})
    assert missing.status_code == 404
    hidden = world.dossier(state="council_review")
    hidden.agency = world.other_agency
    hidden.save()
    assert (
        world.client("drafter")
        .post(f"/dossiers/{hidden.pk}/rounds/{rounds[dossier.pk]}/votes", {"choice": "approve"})
        .status_code
        == 404
    )
    assert not Vote.objects.filter(round_id__in=rounds.values()).exists()
    voted = as_chair.post(
        f"/dossiers/{dossier.pk}/rounds/{rounds[dossier.pk]}/votes", {"choice": "approve"}
    )
    assert voted.status_code == 201


@pytest.mark.django_db
def test_the_api_tells_how_members_voted_only_where_the_page_does(world):
    # While the round is open: who has voted, not how; once closed, every ballot; a secret
    # ballot never (permissions.ballots_are_shown, the page's rule too).
    from workflow.models import KindPolicy

    KindPolicy.objects.update_or_create(kind="project", defaults={"secret_ballot_review": True})
    member = make_user("council_member")
    chair_client = world.client("council_member")
    member_client = ApiClient(create_token(user=member, name="t", days=1)[1])
    seen = {}
    for kind in ("plan", "project"):
        dossier = world.dossier(state="council_review", kind=kind)
        rounds = f"/dossiers/{dossier.pk}/rounds"
        round_id = (
            world.client("secretary")
            .post(rounds, {"chair_id": world.users["council_member"].pk, "member_ids": [member.pk]})
            .json()["id"]
        )
        votes = f"{rounds}/{round_id}/votes"
        assert (
            chair_client.post(votes, {"choice": "reject", "conditions": "Thiếu"}).status_code == 201
        )
        (open_round,) = member_client.get(rounds).json()
        assert open_round["votes"] == []
        assert open_round["voted"] == [world.users["council_member"].pk]
        assert member_client.post(votes, {"choice": "approve"}).status_code == 201
        (seen[kind],) = world.client("drafter").get(rounds).json()
        assert seen[kind]["closed_at"] is not None
    assert [v["choice"] for v in seen["plan"]["votes"]] == ["reject", "approve"]
    assert seen["project"]["votes"] == [] and len(seen["project"]["voted"]) == 2
