"""The register of issued documents: every generated document has its number in its series,
and the clerk searches and exports the register; a drafter sees only their agency's."""

import csv
import io

import pytest
from django.urls import reverse

from tests.factories import make_agency, make_dossier, make_user
from tests.workflow.test_paperwork import generated
from tests.workflow.test_voting import council, open_round_on
from workflow import services
from workflow.models import RegisterEntry


def through_council_with_conditions(dossier):
    chair, first, second = council(3)
    round_ = open_round_on(dossier, [chair, first, second])
    services.cast_vote(user=chair, round_id=round_.pk, choice="approve")
    services.cast_vote(
        user=first, round_id=round_.pk, choice="approve_with_conditions", conditions="Bổ sung."
    )
    services.cast_vote(user=second, round_id=round_.pk, choice="approve")


@pytest.mark.django_db
def test_minutes_and_notices_carry_their_own_numbers_per_series_and_year():
    first = make_dossier(state="council_review", kind="plan")
    second = make_dossier(state="council_review", kind="plan")
    through_council_with_conditions(first)
    through_council_with_conditions(second)
    numbers = list(RegisterEntry.objects.order_by("id").values_list("number", flat=True))
    assert numbers == ["1-BB/VPTW", "1-TB/VPTW", "2-BB/VPTW", "2-TB/VPTW"]
    assert "Số 2-BB/VPTW" in generated(second, "minutes")
    assert "Số 2-TB/VPTW" in generated(second, "revision_letter")


@pytest.mark.django_db
def test_the_clerk_searches_and_exports_the_register_a_drafter_sees_their_own(client):
    mine = make_dossier(state="council_review", kind="plan", title="Kế hoạch số hóa lưu trữ")
    # A title written like a formula stays text in the export (see dashboard/exports.py).
    theirs = make_dossier(state="awaiting_approval", kind="plan",
                          title='=HYPERLINK("http://evil.example","Kế hoạch khác")')
    through_council_with_conditions(mine)
    services.transition_dossier(
        dossier_id=theirs.pk, action="approve", user=make_user("approver")
    )
    theirs.refresh_from_db()
    client.force_login(make_user("clerk"))
    url = reverse("workflow:register")
    page = client.get(url, {"q": "số hóa lưu trữ"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1-BB/VPTW" in page and "1-TB/VPTW" in page and theirs.decision_number not in page
    page = client.get(url, {"series": "QĐ"}).content.decode()
    assert theirs.decision_number in page and "1-BB/VPTW" not in page
    export = client.get(url, {"format": "csv"})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert {row[0] for row in rows[1:]} == {"1-BB/VPTW", "1-TB/VPTW", theirs.decision_number}
    assert any("Kế hoạch số hóa lưu trữ" in row[4] for row in rows)
    assert any(row[4] == f"'{theirs.title}" for row in rows)

    drafter = make_user("drafter", mine.agency)
    client.force_login(drafter)
    page = client.get(url).content.decode()
    assert "1-BB/VPTW" in page and theirs.decision_number not in page
    client.force_login(make_user("drafter", make_agency()))
    assert "VPTW" not in client.get(url, {"format": "csv"}).content.decode()


@pytest.mark.django_db
def test_bad_filters_are_ignored_not_a_500(client):
    client.force_login(make_user("clerk"))
    response = client.get(
        reverse("workflow:register"), {"year": "99999999999999999999", "series": "<x>", "q": "\x00"}
    )
    assert response.status_code == 200
