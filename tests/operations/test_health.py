"""/healthz says the process answers; /readyz says whether it can serve, check by check."""

import pytest
from django.utils import timezone

from config.operations.models import Job
from search.models import OutboxEntry


@pytest.mark.django_db
def test_healthz_answers_without_asking_anything(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_ok_with_a_live_worker(client, worker_alive):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    checks = response.json()["checks"]
    assert checks["database"]["ok"] and checks["search"]["ok"]
    assert checks["storage"] == {"ok": True, "backend": "FileSystemStorage"}
    assert checks["worker"] == {"ok": True, "alive": 1}


@pytest.mark.django_db
def test_readyz_is_unavailable_without_a_worker_heartbeat(client, worker_alive):
    worker_alive.seen_at = timezone.now() - timezone.timedelta(minutes=5)
    worker_alive.save()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["worker"] == {"ok": False, "alive": 0}


@pytest.mark.django_db
def test_readyz_reports_a_failed_and_an_overdue_job(client, worker_alive):
    Job.objects.create(name="a.jobs.run_failed", status=Job.Status.FAILED)
    Job.objects.create(name="a.jobs.run_late", interval_seconds=5,
                       next_run_at=timezone.now() - timezone.timedelta(minutes=10))
    Job.objects.create(name="a.jobs.run_fine", interval_seconds=5, next_run_at=timezone.now())
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["jobs"] == {
        "ok": False, "failed": ["a.jobs.run_failed"], "overdue": ["a.jobs.run_late"]}


@pytest.mark.django_db
def test_readyz_reports_an_outbox_backlog(client, worker_alive, settings):
    settings.READYZ_MAX_OUTBOX = 2
    OutboxEntry.objects.bulk_create(OutboxEntry(dossier_id=i) for i in range(3))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["outbox"] == {
        "ok": False, "search_pending": 3, "follow_ups_waiting": 0, "follow_ups_stuck": 0}


@pytest.mark.django_db
def test_readyz_reports_a_search_engine_that_cannot_be_reached(client, worker_alive, settings):
    from search.backends import _cache

    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    try:
        response = client.get("/readyz")
    finally:
        _cache.clear()
    assert response.status_code == 503
    assert response.json()["checks"]["search"]["ok"] is False


@pytest.mark.django_db
def test_readyz_reports_a_storage_folder_that_is_not_there(client, worker_alive, settings,
                                                            tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "unmounted")}}}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == {"ok": False, "error": "FileNotFoundError"}
