"""Files a crash left behind: never visible, listed and removed by `manage.py document_files`."""

import datetime
import io
import os
import signal
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from documents import consistency, services
from tests import live_site
from tests.factories import make_agency, make_dossier, make_user

from .conftest import stored_files, upload
from .sample_files import simple_docx

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, int]:
    out = io.StringIO()
    try:
        call_command("document_files", *args, stdout=out, stderr=out)
    except SystemExit as exit_:
        return out.getvalue(), exit_.code
    return out.getvalue(), 0


@pytest.fixture
def stored_version():
    agency = make_agency()
    drafter = make_user("drafter", agency)
    dossier = make_dossier(agency=agency, created_by=drafter)
    return services.upload_document(
        user=drafter, dossier=dossier, doc_type="main", uploaded_file=upload(simple_docx())
    )


def test_an_unreferenced_file_is_listed_but_kept_on_a_dry_run(stored_version, file_storage):
    orphan = default_storage.save("dossiers/9/9/v1-0123456789abcdef.docx", ContentFile(b"x"))
    printed, code = run("--min-age", "0")
    assert code == 0
    assert f"orphan: {orphan} (1 bytes)" in printed
    assert stored_version.file.name not in printed
    assert "orphans: 1 found (dry run" in printed
    assert default_storage.exists(orphan)


def test_delete_removes_only_the_orphans(stored_version, file_storage):
    orphan = default_storage.save("dossiers/9/9/v1-0123456789abcdef.docx", ContentFile(b"x"))
    printed, _code = run("--min-age", "0", "--delete")
    assert "orphans: 1 found, 1 deleted" in printed
    assert not default_storage.exists(orphan)
    assert default_storage.exists(stored_version.file.name)
    assert services.verify_integrity(stored_version)
    assert len(stored_files(file_storage)) == 1


def test_a_file_younger_than_the_grace_period_may_be_an_upload_in_flight(stored_version):
    default_storage.save("dossiers/9/9/v1-fresh.docx", ContentFile(b"x"))
    printed, _code = run("--delete")  # default grace: an hour
    assert "orphans: 0 found" in printed
    assert default_storage.exists("dossiers/9/9/v1-fresh.docx")
    found = consistency.orphans(grace=datetime.timedelta(seconds=1))
    assert found == []
    time.sleep(1.1)
    assert [o.name for o in consistency.orphans(grace=datetime.timedelta(seconds=1))] == [
        "dossiers/9/9/v1-fresh.docx"
    ]


def test_a_row_that_appears_before_the_delete_keeps_its_file(stored_version):
    candidates = consistency.orphans(grace=datetime.timedelta(0))
    assert candidates == []
    listed = [consistency.StoredFile(stored_version.file.name, None, None)]
    assert consistency.remove_orphans(listed) == []
    assert default_storage.exists(stored_version.file.name)


def test_a_version_whose_file_vanished_is_reported_as_missing(stored_version):
    default_storage.delete(stored_version.file.name)
    printed, code = run()
    assert code == 1
    assert f"missing: version {stored_version.pk}" in printed


CRASH_DURING_UPLOAD = """
import os, signal
from django.core.files.uploadedfile import SimpleUploadedFile
from documents import services
from documents.signals import document_changed
from tests.documents.sample_files import simple_docx
from tests.factories import make_agency, make_dossier, make_user

agency = make_agency()
drafter = make_user("drafter", agency)
dossier = make_dossier(agency=agency, created_by=drafter)

def crash(**kwargs):
    # The file is written and its row inserted; the transaction has not committed.
    os.kill(os.getpid(), signal.SIGKILL)

document_changed.connect(crash)
services.upload_document(
    user=drafter, dossier=dossier, doc_type="main",
    uploaded_file=SimpleUploadedFile("ke-hoach.docx", simple_docx()),
)
"""


@pytest.mark.slow
def test_a_process_killed_between_writing_the_file_and_the_commit_leaves_a_removable_orphan(
    tmp_path_factory,
):
    template = live_site.migrated_template(tmp_path_factory.getbasetemp() / "live-site")
    site = live_site.new_site(template, tmp_path_factory.mktemp("crash"))
    crashed = live_site.run_python(site, CRASH_DURING_UPLOAD)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    files = [p for p in (site / "files").rglob("*") if p.is_file()]
    assert len(files) == 1  # written, never committed
    counts = live_site.query(
        site,
        "import json\nfrom documents.models import DocumentVersion, Document\n"
        "from workflow.models import Dossier\n"
        "print(json.dumps([Dossier.objects.count(), Document.objects.count(),"
        " DocumentVersion.objects.count()]))",
    )
    assert counts == [1, 0, 0]  # nothing visible: no row leads to the file

    listed = live_site.manage(site, "document_files", "--min-age", "0")
    assert "orphans: 1 found (dry run" in listed.stdout
    assert files[0].exists()
    os.utime(files[0], (time.time() - 7200, time.time() - 7200))
    removed = live_site.manage(site, "document_files", "--delete")
    assert "orphans: 1 found, 1 deleted" in removed.stdout
    assert not files[0].exists()
