"""Who may call the API: a personal token, or the browser session with CSRF; else 401 JSON."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from config.api.models import ApiToken
from config.api.tokens import create_token, digest_of
from tests.api.conftest import ApiClient
from tests.factories import PASSWORD, make_user


def _assert_401_json(response):
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer dfl_not-a-token",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Token abc",
        "Bearer " + "x" * 5000,
    ],
)
def test_anonymous_or_bad_token_gets_401_json_never_a_redirect(header):
    client = Client()
    headers = {"Authorization": header} if header else {}
    for method, path in [
        ("get", "/api/v1/dossiers"),
        ("post", "/api/v1/dossiers"),
        ("get", "/api/v1/search?q=a"),
        ("get", "/api/v1/versions/1/download"),
    ]:
        _assert_401_json(getattr(client, method)(path, headers=headers))


@pytest.mark.django_db
def test_revoked_and_expired_tokens_get_401(world):
    client = world.client("drafter")
    assert client.get("/api/v1/dossiers".removeprefix("/api/v1")).status_code == 200
    ApiToken.objects.filter(user=world.users["drafter"]).update(revoked_at=timezone.now())
    _assert_401_json(client.get("/dossiers"))

    row, token = create_token(user=world.users["drafter"], name="short", days=1)
    assert ApiClient(token).get("/dossiers").status_code == 200
    row.expires_at = timezone.now() - datetime.timedelta(seconds=1)
    row.save()
    _assert_401_json(ApiClient(token).get("/dossiers"))


@pytest.mark.django_db
def test_a_deactivated_user_loses_api_access(world):
    user = world.users["secretary"]
    user.is_active = False
    user.save()
    _assert_401_json(world.client("secretary").get("/dossiers"))


@pytest.mark.django_db
def test_token_page_shows_the_token_once_stores_its_digest_and_its_last_use():
    user = make_user("drafter")
    client = Client()
    client.login(username=user.username, password=PASSWORD)
    page = client.post(reverse("api_tokens:list"), {"name": "Hệ thống e-office", "days": 30})
    assert page.status_code == 200
    token = re.search(r'<code id="new-token">([^<]+)</code>', page.content.decode())[1]
    assert token.startswith("dfl_")
    row = ApiToken.objects.get(user=user)
    assert row.digest == digest_of(token) and token not in str(row.__dict__)
    assert row.last_used_at is None

    assert ApiClient(token).get("/dossiers").status_code == 200
    row.refresh_from_db()
    assert row.last_used_at is not None
    listing = client.get(reverse("api_tokens:list")).content.decode()
    assert "Hệ thống e-office" in listing and token not in listing

    client.post(reverse("api_tokens:revoke", args=[row.pk]))
    row.refresh_from_db()
    assert row.revoked_at is not None
    _assert_401_json(ApiClient(token).get("/dossiers"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "days": 30},
        {"name": "x", "days": 0},
        {"name": "x", "days": 10_000},
        {"name": "x" * 101, "days": 5},
        {"name": "a\x00b", "days": 5},
    ],
)
def test_token_page_refuses_bad_input(data):
    user = make_user("drafter")
    client = Client()
    client.login(username=user.username, password=PASSWORD)
    assert client.post(reverse("api_tokens:list"), data).status_code == 400
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_a_user_cannot_revoke_anothers_token_but_an_administrator_can(world):
    victim = ApiToken.objects.get(user=world.users["drafter"])
    client = Client()
    client.login(username=world.users["other_drafter"].username, password=PASSWORD)
    client.post(reverse("api_tokens:revoke", args=[victim.pk]))
    victim.refresh_from_db()
    assert victim.revoked_at is None

    admin = Client()
    admin.login(username=world.users["administrator"].username, password=PASSWORD)
    response = admin.post(
        reverse("admin:api_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [victim.pk]},
    )
    assert response.status_code == 302
    victim.refresh_from_db()
    assert victim.revoked_at is not None
    _assert_401_json(world.client("drafter").get("/dossiers"))


@pytest.mark.django_db
def test_browser_session_reads_and_writes_with_csrf_only(world):
    dossier = world.dossier()
    client = Client(enforce_csrf_checks=True)
    client.login(username=world.users["drafter"].username, password=PASSWORD)
    assert client.get(f"/api/v1/dossiers/{dossier.pk}").json()["id"] == dossier.pk

    url = f"/api/v1/dossiers/{dossier.pk}/actions/submit"
    refused = client.post(url, "{}", content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    dossier.refresh_from_db()
    assert dossier.state == "draft"

    client.get(reverse("api_tokens:list"))  # sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    done = client.post(url, "{}", content_type="application/json", headers={"X-CSRFToken": csrf})
    assert done.status_code == 200 and done.json()["stage"] == "submitted"


@pytest.mark.django_db
def test_schema_and_docs_are_served_from_local_files(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/dossiers/{dossier_id}/actions/{action}" in schema["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower() and "https://" not in docs


@pytest.mark.django_db
def test_answers_follow_accept_language_and_default_to_vietnamese():
    vietnamese = Client().get("/api/v1/dossiers", headers={"Accept-Language": "vi"})
    assert vietnamese.json()["detail"].startswith("Hãy đăng nhập")
    english = Client().get("/api/v1/dossiers", headers={"Accept-Language": "en"})
    assert english.json()["detail"].startswith("Log in")
    assert Client().get("/api/v1/dossiers").json()["detail"].startswith("Hãy đăng nhập")


@pytest.mark.django_db
def test_every_page_links_to_the_token_page():
    user = make_user("clerk")
    client = Client()
    client.login(username=user.username, password=PASSWORD)
    assert reverse("api_tokens:list") in client.get(reverse("workflow:home")).content.decode()


@pytest.mark.django_db
def test_the_token_page_speaks_the_sites_language_english_under_en():
    user = make_user("drafter")
    client = Client()
    client.login(username=user.username, password=PASSWORD)
    english = client.get("/en/api/tokens/")
    assert english.status_code == 200 and "API tokens" in english.content.decode()
    assert 'href="/en/' in english.content.decode()  # the menu stays in English
    vietnamese = client.get("/api/tokens/")
    assert vietnamese.status_code == 200 and "Mã truy cập API" in vietnamese.content.decode()
