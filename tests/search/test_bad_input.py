"""Huge or malformed filters get a clear refusal on every engine, never a 500 or "unavailable"."""

import uuid

import pytest
from django.core.management import CommandError, call_command

from search import services
from search.backends.base import Filters
from tests.factories import PASSWORD, make_agency, make_dossier, make_user

pytestmark = pytest.mark.django_db

BAD_AGENCIES = ["9" * 30, str(2**63), "0", "-1", "²", "1e3", "9" * 5000]


@pytest.fixture(params=["database", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)])
def engine(request, settings):
    if request.param == "elasticsearch":
        settings.ELASTICSEARCH_URL = request.getfixturevalue("es_url")
        settings.SEARCH_INDEX_PREFIX = f"test-{uuid.uuid4().hex[:12]}"
    agency = make_agency()
    dossier = make_dossier(agency=agency, title="Kế hoạch chuyển đổi số")
    services.get_backend().replace_dossier(dossier.pk, services.entries_for(dossier))
    services.get_backend().refresh()
    yield make_user("clerk")
    if request.param == "elasticsearch":
        services.get_backend().drop()


@pytest.mark.parametrize("agency", BAD_AGENCIES)
def test_a_huge_or_malformed_agency_id_is_refused_with_a_message(client, engine, agency):
    client.login(username=engine.username, password=PASSWORD)
    for url in ("/en/search/api/", "/en/search/"):
        response = client.get(url, {"q": "ke hoach", "agency": agency})
        assert response.status_code == 400, (url, response.status_code)
        assert "unavailable" not in response.content.decode().lower()
    assert "Agency" in client.get("/en/search/api/", {"q": "ke hoach", "agency": agency}).json()[
        "error"]


def test_the_service_refuses_an_agency_id_no_engine_stores(engine):
    with pytest.raises(services.SearchError) as error:
        services.search(user=engine, text="ke hoach", filters=Filters(agency_ids=(10**30,)))
    assert error.value.status == 400
    assert services.search(user=engine, text="ke hoach",
                           filters=Filters(agency_ids=(2**63 - 1,))).total == 0


def test_the_search_command_refuses_a_huge_agency_id(engine):
    with pytest.raises(CommandError, match="agency"):
        call_command("search", "ke hoach", "--agency", str(10**30))
