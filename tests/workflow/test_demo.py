"""The README's first command: the demo loads idempotently, and `make run` serves the product."""

import os
import re
import signal
import subprocess
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.management import call_command

from tests.operations.load import Client
from tests.operations.processes import free_port
from workflow import services
from workflow.demo import DEMO_PASSWORD
from workflow.models import AuditEntry, Dossier
from workflow.states import Stage

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_load_demo_covers_every_stage_and_twice_changes_nothing():
    call_command("load_demo", stdout=open(os.devnull, "w"))
    counts = (Dossier.objects.count(), AuditEntry.objects.count())
    stages = set(Dossier.objects.values_list("state", flat=True))
    assert stages == set(Stage.values)
    assert Dossier.objects.values("agency").distinct().count() >= 4

    call_command("load_demo", stdout=open(os.devnull, "w"))
    assert (Dossier.objects.count(), AuditEntry.objects.count()) == counts


@pytest.mark.slow
def test_make_run_serves_the_demo(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "ELASTICSEARCH_URL"}}
    env["DOSSIERFLOW_DATA_DIR"] = str(tmp_path)
    log = open(tmp_path / "run.log", "w+")
    server = subprocess.Popen(
        ["make", "--no-print-directory", "run", f"ADDR=127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 240
        while True:
            try:
                page = urllib.request.urlopen(f"{base}/login/", timeout=5).read().decode()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    pytest.fail(f"`make run` did not serve a page:\n{log.read()[-3000:]}")
                time.sleep(0.5)
        assert "Đăng nhập" in page
        log.seek(0)
        printed = log.read()
        assert "ct27-demo" in printed and "drafter.hanoi" in printed and base in printed

        # Log in as a demo drafter and see the agency's dossiers.
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        form = opener.open(f"{base}/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        data = urlencode(
            {"username": "drafter.hanoi", "password": "ct27-demo", "csrfmiddlewaretoken": token}
        ).encode()
        home = opener.open(urllib.request.Request(f"{base}/login/", data=data)).read().decode()
        assert "Thành ủy Hà Nội" in home and "Trung tâm dữ liệu" in home
        assert "Quảng Ninh" not in home
        assert "Dữ liệu trình diễn" in home  # the demo banner

        # Served as production serves: gunicorn, hashed static names, a worker beside it.
        ready = urllib.request.urlopen(f"{base}/readyz", timeout=10)
        assert ready.status == 200 and ready.headers["Server"].startswith("gunicorn")
        assert re.search(r"/static/admin/css/base\.[0-9a-f]{12}\.css",
                         opener.open(f"{base}/en/admin/").read().decode())

        # The drafter submits the draft; the worker brings it to the secretary's inbox.
        drafter, secretary = Client(base, DEMO_PASSWORD), Client(base, DEMO_PASSWORD)
        drafter.login("drafter.hanoi")
        inbox = drafter.request("/inbox/")[1]
        draft = re.search(r'href="/dossiers/(\d+)/">Dự án xây dựng Trung tâm dữ liệu', inbox)
        assert draft, inbox[-2000:]
        assert drafter.post(f"/dossiers/{draft[1]}/actions/submit/", {"comment": ""}) == 302
        secretary.login("secretary")
        deadline = time.monotonic() + 30
        while f'href="/dossiers/{draft[1]}/"' not in secretary.request("/inbox/")[1]:
            assert time.monotonic() < deadline, "the submitted dossier never reached the inbox"
            time.sleep(0.5)
    finally:
        os.killpg(server.pid, signal.SIGINT)  # Ctrl-C
        assert server.wait(timeout=30) is not None
    log.seek(0)
    printed = log.read()
    assert "stopped after" in printed  # the worker finished cleanly
    assert "job workflow.jobs.run_follow_ups done: 1 " in printed  # the submit's, by the worker


@pytest.mark.django_db
def test_load_demo_refuses_a_database_with_real_data():
    from django.core.management.base import CommandError

    from tests.factories import make_user

    make_user(username="real.clerk")
    with pytest.raises(CommandError, match="not the demo"):
        call_command("load_demo", stdout=open(os.devnull, "w"))
    assert not Dossier.objects.exists()


@pytest.mark.django_db
def test_a_demo_that_people_tried_starts_again():
    """A dossier a demo drafter created and a user the demo administrator added made the next
    `make run` refuse its own demo database as "not the demo"."""
    from django.contrib.auth import get_user_model

    from tests.factories import make_user

    call_command("load_demo", stdout=open(os.devnull, "w"))
    drafter = get_user_model().objects.get(username="drafter.hanoi")
    services.create_dossier(user=drafter, kind="plan", title="Kế hoạch thử của tôi",
                            program="Chương trình 27", summary="Thử hệ thống")
    make_user("clerk", username="thu.van.moi")
    counts = Dossier.objects.count(), get_user_model().objects.count()
    call_command("load_demo", stdout=open(os.devnull, "w"))
    assert (Dossier.objects.count(), get_user_model().objects.count()) == counts


@pytest.mark.django_db
def test_a_removed_demo_administrator_is_not_recreated_with_the_published_password():
    from django.contrib.auth import get_user_model

    call_command("load_demo", stdout=open(os.devnull, "w"))
    User = get_user_model()
    admins = User.objects.filter(is_superuser=True)
    assert admins.exists()
    admins.delete()
    call_command("load_demo", stdout=open(os.devnull, "w"))
    assert not User.objects.filter(is_superuser=True).exists()


@pytest.mark.django_db
def test_a_demo_instance_shows_the_demo_banner_and_production_does_not(client, settings):
    from tests.factories import make_user

    client.force_login(make_user())
    settings.DEMO_MODE = True
    assert "Dữ liệu trình diễn" in client.get("/").content.decode()
    settings.DEMO_MODE = False
    assert "Dữ liệu trình diễn" not in client.get("/").content.decode()
