"""Login throttling on both login forms, password change, request logs, and a production
configuration that passes Django's deployment checks."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt

from tests.conftest import ON_POSTGRES
from tests.factories import make_user

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a-long-enough-password"


@pytest.fixture
def throttled(settings):
    settings.AXES_FAILURE_LIMIT = 3


def fail_logins(client, url, username, times):
    for _ in range(times):
        response = client.post(url, {"username": username, "password": "wrong"})
    return response


@pytest.mark.django_db
def test_the_site_login_pauses_after_repeated_failures_with_a_clear_message(client, throttled):
    user = make_user(username="drafter.one")
    user.set_password(PASSWORD)
    user.save()
    response = fail_logins(client, "/login/", "drafter.one", 3)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Quá nhiều lần đăng nhập sai" in page and "15 phút" in page
    # Even the right password waits now.
    response = client.post("/login/", {"username": "drafter.one", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_admin_login_is_throttled_and_an_administrator_unlocks(client, throttled):
    staff = make_user(username="clerk.one", is_staff=True)
    staff.set_password(PASSWORD)
    staff.save()
    response = fail_logins(client, "/en/admin/login/", "clerk.one", 3)
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()

    admin = make_user(username="root", is_staff=True, is_superuser=True)
    admin_client = type(client)()
    admin_client.force_login(admin)
    attempt = AccessAttempt.objects.get(username="clerk.one")
    assert "clerk.one" in admin_client.get("/en/admin/axes/accessattempt/").content.decode()
    admin_client.post("/en/admin/axes/accessattempt/", {
        "action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"})
    assert not AccessAttempt.objects.exists()
    response = client.post("/en/admin/login/", {"username": "clerk.one", "password": PASSWORD})
    assert response.status_code == 302  # unlocked: the right password logs in


@pytest.mark.django_db
def test_every_user_changes_their_own_password(client):
    user = make_user(username="member.one")
    user.set_password(PASSWORD)
    user.save()
    client.force_login(user)
    home = client.get("/").content.decode()
    assert "/password/" in home and "Đổi mật khẩu" in home
    refused = client.post("/password/", {"old_password": "wrong", "new_password1": "x",
                                         "new_password2": "x"})
    assert refused.status_code == 200 and "Mật khẩu cũ" in refused.content.decode()
    done = client.post("/password/", {"old_password": PASSWORD,
                                      "new_password1": "another-long-password-7",
                                      "new_password2": "another-long-password-7"}, follow=True)
    assert "Đã đổi mật khẩu" in done.content.decode()
    user.refresh_from_db()
    assert user.check_password("another-long-password-7")


@pytest.mark.django_db
def test_each_request_logs_one_line_with_its_id_user_and_duration(client, caplog):
    user = make_user()
    client.force_login(user)
    with caplog.at_level(logging.INFO, logger="dossierflow.requests"):
        response = client.get("/", HTTP_X_REQUEST_ID="proxy-id-12345678")
    assert response["X-Request-ID"] == "proxy-id-12345678"
    [line] = [r for r in caplog.records if r.name == "dossierflow.requests"]
    assert line.status == 200 and line.path == "/" and line.duration_ms >= 0
    from config.operations.requestlog import JsonFormatter, RequestContextFilter

    line.request_id = "proxy-id-12345678"
    RequestContextFilter().filter(line)
    import json

    entry = json.loads(JsonFormatter().format(line))
    assert entry["status"] == 200 and entry["request_id"] == "proxy-id-12345678"


def production_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update({
        "DJANGO_SECRET_KEY": "k" * 20 + "-production-like-secret-key-of-sixty-chars-0123456789",
        "DJANGO_ALLOWED_HOSTS": "dossiers.example.org",
        "DJANGO_CSRF_TRUSTED_ORIGINS": "https://dossiers.example.org",
        "DJANGO_SECURE_COOKIES": "1", "DJANGO_SECURE_SSL_REDIRECT": "1",
        "DJANGO_SECURE_PROXY_SSL_HEADER": "1", "DJANGO_SECURE_HSTS_SECONDS": "31536000",
        "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "1", "DJANGO_SECURE_HSTS_PRELOAD": "1",
        "DJANGO_STATIC_HASHED": "1",
    })
    env.update(extra)
    return env


@pytest.mark.skipif(ON_POSTGRES, reason="a settings check: once is enough")
def test_a_production_environment_passes_the_deployment_checks(tmp_path):
    env = production_env(DOSSIERFLOW_DATA_DIR=str(tmp_path))
    check = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    done = subprocess.run(check, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    # Without the HTTPS settings the same check fails: it is not a check that passes anything.
    env = production_env(DOSSIERFLOW_DATA_DIR=str(tmp_path), DJANGO_SECURE_HSTS_SECONDS="0")
    done = subprocess.run(check, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "security.W004" in done.stdout + done.stderr


@pytest.mark.django_db
def test_an_error_goes_to_the_log_with_its_traceback_and_not_to_the_user(client, settings, caplog):
    import json

    from config.operations.requestlog import JsonFormatter, RequestContextFilter

    settings.ROOT_URLCONF = "tests.operations.failing_urls"
    client.raise_request_exception = False
    with caplog.at_level(logging.INFO):
        response = client.get("/broken/")
    assert response.status_code == 500
    assert "secret internal detail" not in response.content.decode()
    error = next(r for r in caplog.records if r.name == "django.request")
    RequestContextFilter().filter(error)
    entry = json.loads(JsonFormatter().format(error))
    assert entry["level"] == "ERROR"
    assert "RuntimeError: secret internal detail" in entry["traceback"]
    line = next(r for r in caplog.records if r.name == "dossierflow.requests")
    assert line.status == 500 and response["X-Request-ID"]


def test_the_middleware_is_the_settings_list_with_axes_last(settings):
    # django-axes requires to be last; viewflow would append its own after it at start.
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert not [m for m in settings.MIDDLEWARE if m.startswith("viewflow.")]


def test_a_setting_that_is_not_a_number_is_named_at_start():
    env = {**os.environ, "WEB_WORKERS": "two", "DJANGO_SETTINGS_MODULE": "config.settings"}
    done = subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "ImproperlyConfigured: WEB_WORKERS must be a number, not 'two'" in done.stderr


@pytest.mark.django_db
def test_a_request_the_server_cannot_read_gets_a_plain_400_page_in_both_languages(client):
    """Served with hashed static files, the 400 page viewflow ships named a file that is not
    collected, and the answer was a 500 instead."""
    admin = make_user("administrator", is_staff=True, is_superuser=True)
    client.force_login(admin)
    for response in (
        client.get("/", headers={"host": "not-this-site.example"}),  # not in ALLOWED_HOSTS
        client.get("/admin/workflow/agency/add/?_to_field=abc"),  # a forged admin parameter
    ):
        page = response.content.decode()
        assert response.status_code == 400
        assert "Yêu cầu không hợp lệ" in page and "could not read this request" in page
        assert "/static/" not in page


@pytest.mark.django_db
def test_a_refused_host_is_one_warning_line_not_an_error_with_a_traceback(client):
    """Scanners ask with other hosts all day: each was an ERROR with a traceback in the log."""
    import io

    [console] = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    written = io.StringIO()
    previous = console.setStream(written)
    try:
        assert client.get("/", headers={"host": "scanner.example"}).status_code == 400
    finally:
        console.setStream(previous)
    logged = written.getvalue()
    assert "WARNING django.security.DisallowedHost" in logged and "scanner.example" in logged
    assert "Traceback" not in logged and "ERROR" not in logged
