"""The search engine really stopped: workflow actions go on, and no index update is lost."""

import os
import subprocess
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.test import override_settings

from search import services
from search.backends.base import Filters
from search.models import OutboxEntry
from tests.factories import make_agency, make_user
from workflow import services as workflow

ROOT = Path(__file__).resolve().parents[2]


def elasticsearch_script(command: str, port: int) -> None:
    done = subprocess.run(
        ["bash", str(ROOT / ".ci" / "elasticsearch.sh"), command],
        env={**os.environ, "ES_PORT": str(port)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.elasticsearch
@pytest.mark.slow
@pytest.mark.django_db
def test_stopping_elasticsearch_loses_no_update(es_url, django_capture_on_commit_callbacks):
    port = urlparse(es_url).port or 9200
    if not (ROOT / ".ci" / "cache" / f"es-run-{port}" / "pid").exists():
        pytest.skip("stops only an Elasticsearch that .ci/elasticsearch.sh started")
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    drafter = make_user("drafter", make_agency())
    with override_settings(ELASTICSEARCH_URL=es_url, SEARCH_INDEX_PREFIX=prefix):
        try:
            with django_capture_on_commit_callbacks(execute=True):
                before = workflow.create_dossier(
                    user=drafter,
                    kind="plan",
                    title="Kế hoạch lập trước sự cố",
                    program="Chương trình 27",
                    summary="Hạ tầng mạng.",
                )
            elasticsearch_script("stop", port)
            try:
                with django_capture_on_commit_callbacks(execute=True):
                    during = workflow.create_dossier(
                        user=drafter,
                        kind="project",
                        title="Đề án lập khi máy tìm kiếm dừng",
                        program="Chương trình 27",
                        summary="Số hóa tài liệu.",
                    )
                    workflow.transition_dossier(dossier_id=before.pk, action="submit", user=drafter)
                # The actions succeeded; their index updates wait in the outbox.
                assert {row.dossier_id for row in OutboxEntry.objects.all()} == {
                    before.pk,
                    during.pk,
                }
            finally:
                elasticsearch_script("start", port)

            report = services.process_outbox(force=True)
            assert (report.applied, report.failed) == (2, 0)
            services.get_backend().refresh()
            found = services.search(user=drafter, text="de an lap khi may tim kiem dung")
            assert [hit.entry.dossier_id for hit in found.hits] == [during.pk]
            submitted = services.search(
                user=drafter, text="ke hoach", filters=Filters(stages=("submitted",))
            )
            assert [hit.entry.dossier_id for hit in submitted.hits] == [before.pk]
        finally:
            services.get_backend().drop()
