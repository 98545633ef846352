"""Archive packages: a clerk exports an archived dossier, an administrator elsewhere imports it;
a package that is altered, truncated or hostile is refused and nothing is stored."""

import hashlib
import io
import json
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from documents.models import Document, DocumentVersion, Rendition
from tests.factories import make_user
from tests.workflow.archival_world import archived_dossier, upload
from tests.workflow.test_views import login
from workflow.archival.packages import PackageRefused, export_package, import_package
from workflow.models import AuditEntry, Dossier


def members_of(package: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zipped(members: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def with_manifest(members: dict[str, bytes]) -> bytes:
    """The members with a manifest that matches them (a well-formed but hostile package)."""
    sums = {n: hashlib.sha256(d).hexdigest() for n, d in members.items() if n != "manifest.json"}
    manifest = json.dumps({"format": "dossierflow-archive/1", "sha256": sums}).encode()
    return zipped({**members, "manifest.json": manifest})


def stored_files() -> int:
    def walk(path):
        dirs, files = default_storage.listdir(path)
        return len(files) + sum(walk(f"{path}/{d}" if path else d) for d in dirs)

    return walk("") if default_storage.exists("") else 0


@pytest.mark.django_db
def test_a_clerk_exports_an_archived_dossier_and_an_administrator_imports_it(client):
    dossier = archived_dossier(title="Dự án trung tâm dữ liệu dùng chung")
    login(client, make_user("clerk"))
    response = client.get(reverse("archival:export", args=[dossier.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    package = b"".join(response.streaming_content) if response.streaming else response.content
    members = members_of(package)
    manifest = json.loads(members["manifest.json"])
    assert set(manifest["sha256"]) == set(members) - {"manifest.json"}
    assert any(name.endswith(".docx") for name in members)
    audit = json.loads(members["audit.json"])
    assert [e["action"] for e in audit][-2:] == ["approve", "archive"]

    admin = make_user("administrator")
    login(client, admin)
    response = client.post(reverse("archival:import"), {"file": upload(package, "p.zip")})
    assert response.status_code == 302, response.content.decode()[-2000:]

    imported = Dossier.objects.exclude(pk=dossier.pk).get(title=dossier.title)
    assert imported.state == "archived" and not imported.is_editable
    assert imported.decision_number == dossier.decision_number
    original = DocumentVersion.objects.filter(document__dossier=dossier)
    arrived = DocumentVersion.objects.filter(document__dossier=imported)
    assert sorted(original.values_list("sha256", flat=True)) == sorted(
        arrived.values_list("sha256", flat=True)
    )
    assert all(v.frozen for v in arrived)
    actions = list(AuditEntry.objects.filter(dossier=imported).values_list("action", flat=True))
    assert actions[-3:] == ["approve", "archive", "import"]
    # Read-only: the imported dossier offers its viewer no action and no upload.
    page = client.get(reverse("workflow:dossier", args=[imported.pk])).content.decode()
    assert imported.title in page
    assert client.post(
        reverse("workflow:dossier_transition", args=[imported.pk, "submit"])
    ).status_code in (302, 400, 403)
    assert Dossier.objects.get(pk=imported.pk).state == "archived"

    again = client.post(reverse("archival:import"), {"file": upload(package, "p.zip")})
    assert again.status_code == 400 and "already been imported" in again.content.decode()


@pytest.mark.django_db
def test_the_signed_pdfa_copies_travel_with_the_package(libreoffice, test_ca):
    from documents import jobs

    test_ca.office()
    dossier = archived_dossier()
    jobs.run_pdf_renditions()
    package = export_package(dossier)
    assert any(name.endswith("-signed.pdf") for name in members_of(package))

    imported = import_package(data=package, user=make_user("administrator"))

    original = Rendition.objects.get(version__document__dossier=dossier)
    arrived = Rendition.objects.get(version__document__dossier=imported)
    assert (arrived.pdf_sha256, arrived.signed_sha256) == (
        original.pdf_sha256,
        original.signed_sha256,
    )
    assert arrived.status == "done" and arrived.signed_by == original.signed_by


def hostile_variants(package: bytes) -> dict[str, tuple[bytes, str]]:
    members = members_of(package)
    docx_name = next(n for n in members if n.endswith(".docx"))
    altered = dict(members)
    tampered = bytearray(members[docx_name])
    tampered[len(tampered) // 2] ^= 0xFF
    altered[docx_name] = bytes(tampered)
    extra = dict(members)
    extra["files/1/v9.docx"] = b"not listed"
    traversal = dict(members)
    traversal["../../etc/evil.docx"] = b"x"
    bomb = dict(members)
    bomb["files/1/v8.docx"] = b"\x00" * (30 * 1024 * 1024)
    rewritten = json.loads(members["dossier.json"])
    rewritten["documents"][0]["versions"][0]["sha256"] = "0" * 64
    lying = {**members, "dossier.json": json.dumps(rewritten).encode()}
    return {
        "altered": (zipped(altered), "does not match its SHA-256"),
        "truncated": (package[: len(package) // 2], "not a ZIP package, or it is truncated"),
        "not listed": (zipped(extra), "disagree"),
        "path traversal": (with_manifest(traversal), "unexpected file"),
        "zip bomb": (with_manifest(bomb), "ZIP bomb"),
        "lying description": (with_manifest(lying), "does not match its description"),
        "not archived": (
            with_manifest(
                {
                    **members,
                    "dossier.json": json.dumps(
                        {**json.loads(members["dossier.json"]), "state": "approved"}
                    ).encode(),
                }
            ),
            "Only archived dossiers",
        ),
        "garbage": (b"PK\x03\x04" + b"\x00" * 100, "not a ZIP package"),
        "malformed history": (
            with_manifest({**members, "audit.json": b'[{"at": "yesterday", "details": [1]}]'}),
            "malformed",
        ),
    }


@pytest.mark.django_db
def test_altered_truncated_or_hostile_packages_are_refused_and_nothing_is_stored():
    package = export_package(archived_dossier())
    admin = make_user("administrator")
    before = (Dossier.objects.count(), Document.objects.count(), AuditEntry.objects.count())
    files_before = stored_files()

    for case, (data, reason) in hostile_variants(package).items():
        with pytest.raises(PackageRefused) as refused:
            import_package(data=data, user=admin)
        assert reason in str(refused.value.message), case

    assert (Dossier.objects.count(), Document.objects.count(), AuditEntry.objects.count()) == before
    assert stored_files() == files_before


@pytest.mark.django_db
def test_a_document_that_fails_intake_rolls_the_whole_import_back():
    package = export_package(archived_dossier())
    members = members_of(package)
    description = json.loads(members["dossier.json"])
    docx_name = description["documents"][0]["versions"][0]["docx"]
    members[docx_name] = b"PK\x03\x04 not really a docx"
    description["documents"][0]["versions"][0]["sha256"] = hashlib.sha256(
        members[docx_name]
    ).hexdigest()
    members["dossier.json"] = json.dumps(description).encode()
    before, files_before = Dossier.objects.count(), stored_files()

    with pytest.raises(PackageRefused):
        import_package(data=with_manifest(members), user=make_user("administrator"))

    assert Dossier.objects.count() == before and stored_files() == files_before


@pytest.mark.django_db
def test_an_imported_file_name_is_cleaned_as_an_upload_is_and_downloads(client):
    """A package names its versions' files as it likes: one with a line break made every
    download of the version a 500 (a header may hold none), and "x.html" went out as named."""
    from django.test import Client

    from config.api.tokens import create_token

    members = members_of(export_package(archived_dossier()))
    description = json.loads(members["dossier.json"])
    description["documents"][0]["versions"][0]["original_filename"] = "../Tờ trình\r\n.html"
    members["dossier.json"] = json.dumps(description).encode()
    admin = make_user("administrator", is_staff=True, is_superuser=True)
    dossier = import_package(data=with_manifest(members), user=admin)
    version = DocumentVersion.objects.filter(document__dossier=dossier).earliest("pk")
    assert version.original_filename == "Tờ trình.docx"
    client.force_login(admin)
    page = client.get(reverse("documents:download", args=[version.pk]))
    assert page.status_code == 200 and "Tờ trình.docx" in page["Content-Disposition"].replace(
        "T%E1%BB%9D%20tr%C3%ACnh", "Tờ trình")
    token = create_token(user=admin, name="archive", days=1)[1]
    response = Client().get(f"/api/v1/versions/{version.pk}/download",
                            headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and "html" not in response["Content-Disposition"]


@pytest.mark.django_db
def test_only_clerks_export_and_only_administrators_import(client):
    dossier = archived_dossier()
    login(client, make_user("drafter", dossier.agency))
    assert client.get(reverse("archival:export", args=[dossier.pk])).status_code == 403
    assert client.get(reverse("archival:import")).status_code == 403
    login(client, make_user("clerk"))
    refused = client.post(reverse("archival:import"), {"file": upload(b"PK", "p.zip")})
    assert refused.status_code == 403


@pytest.mark.django_db
def test_a_refused_import_page_says_why_in_the_users_language(client):
    login(client, make_user("administrator"))
    response = client.post(reverse("archival:import"), {"file": upload(b"junk", "p.zip")})
    assert response.status_code == 400
    assert "not a ZIP package" in response.content.decode()


@pytest.mark.django_db
def test_an_imported_dossier_is_found_by_search(client, django_capture_on_commit_callbacks):
    package = export_package(archived_dossier(title="Hệ thống lưu trữ điện tử Quảng Trị"))
    admin = make_user("administrator")
    with django_capture_on_commit_callbacks(execute=True):
        imported = import_package(data=package, user=admin)

    login(client, make_user("clerk"))
    data = client.get("/search/api/", {"q": '"luu tru dien tu"'}).json()

    assert imported.pk in {hit["dossier"]["id"] for hit in data["hits"]}
