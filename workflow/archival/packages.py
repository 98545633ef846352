"""Archive packages: an archived dossier as one ZIP, and its import on another instance.

A package holds `dossier.json` (the dossier and its documents), `audit.json` (its history), the
.docx of every version and its PDF/A copies under `files/`, and `manifest.json` with the SHA-256
of every other member. Import trusts nothing in it: names, sizes, compression ratios, every hash
and the JSON's shape are checked before anything is stored, and it all happens in one
transaction whose written files are deleted again if it does not commit.
"""

import datetime
import hashlib
import io
import json
import re
import zipfile

from django.conf import settings
from django.db import IntegrityError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from documents import storage
from documents.errors import DocumentError
from documents.imports import ArrivingVersion, import_document
from documents.models import Document, Rendition

from ..errors import WorkflowError
from ..models import Agency, AuditEntry, Dossier
from ..people import display_name
from ..signals import dossier_changed
from ..states import DossierKind, Stage

FORMAT = "dossierflow-archive/1"
MANIFEST = "manifest.json"
SAFE_NAME = re.compile(r"^(dossier\.json|audit\.json|files/[0-9]+/v[0-9]+(-signed)?\.(docx|pdf))$")
MAX_RATIO = 100  # a member unpacking to more than 100× its compressed size is a bomb
MAX_MEMBERS = 5000


class PackageRefused(WorkflowError):
    """The package is not one this instance accepts; nothing was stored."""


def export_package(dossier: Dossier) -> bytes:
    """The archived dossier as a ZIP (the caller has checked who may export it)."""
    members: dict[str, bytes] = {}
    documents = []
    for index, document in enumerate(
        Document.objects.filter(dossier=dossier).order_by("created_at", "id"), start=1
    ):
        versions = []
        for version in document.versions.order_by("number"):
            base = f"files/{index}/v{version.number}"
            members[f"{base}.docx"] = storage.read(version.file.name)
            entry = {
                "number": version.number,
                "docx": f"{base}.docx",
                "sha256": version.sha256,
                "original_filename": version.original_filename,
                "created_at": version.created_at.isoformat(),
            }
            rendition = Rendition.objects.filter(version=version).first()
            if rendition is not None and rendition.pdf:
                members[f"{base}.pdf"] = storage.read(rendition.pdf.name)
                entry.update(pdf=f"{base}.pdf", pdf_sha256=rendition.pdf_sha256,
                             pages=rendition.pages)
                if rendition.signed_pdf:
                    members[f"{base}-signed.pdf"] = storage.read(rendition.signed_pdf.name)
                    entry.update(signed_pdf=f"{base}-signed.pdf", signed_by=rendition.signed_by)
            versions.append(entry)
        documents.append(
            {
                "doc_type": document.doc_type,
                "title": document.title,
                "created_at": document.created_at.isoformat(),
                "versions": versions,
            }
        )
    members["dossier.json"] = _json(
        {
            "format": FORMAT,
            "kind": dossier.kind,
            "agency": {
                "code": dossier.agency.code,
                "name": dossier.agency.name,
                "abbreviation": dossier.agency.abbreviation,
            },
            "program": dossier.program,
            "title": dossier.title,
            "summary": dossier.summary,
            "state": dossier.state,
            "round_number": dossier.round_number,
            "decision_number": dossier.decision_number,
            "decision_date": dossier.decision_date.isoformat() if dossier.decision_date else None,
            "created_at": dossier.created_at.isoformat(),
            "exported_at": timezone.now().isoformat(),
            "documents": documents,
        }
    )
    members["audit.json"] = _json(
        [
            {
                "at": entry.created_at.isoformat(),
                "actor": display_name(entry.actor) if entry.actor else "",
                "action": entry.action,
                "from_state": entry.from_state,
                "to_state": entry.to_state,
                "comment": entry.comment,
                "details": entry.details,
            }
            for entry in dossier.audit_entries.select_related("actor").order_by("created_at", "id")
        ]
    )
    manifest = {
        "format": FORMAT,
        "sha256": {name: hashlib.sha256(data).hexdigest() for name, data in members.items()},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, _json(manifest))
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True).encode()


def read_package(data: bytes) -> dict[str, bytes]:
    """Every member, after the checks; raises PackageRefused with the reason."""
    if len(data) > settings.ARCHIVE_PACKAGE_MAX_BYTES:
        raise PackageRefused(_("The package is larger than this instance accepts."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise PackageRefused(_("The file is not a ZIP package, or it is truncated.")) from None
    if len(infos) > MAX_MEMBERS:
        raise PackageRefused(_("The package has too many files."))
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        raise PackageRefused(_("The package names a file twice."))
    total = 0
    for info in infos:
        if info.filename != MANIFEST and not SAFE_NAME.match(info.filename):
            raise PackageRefused(
                _("The package holds an unexpected file “%(name)s”.") % {"name": info.filename}
            )
        total += info.file_size
        if info.file_size > MAX_RATIO * max(info.compress_size, 1024):
            raise PackageRefused(_("The package is compressed suspiciously well (a ZIP bomb)."))
    if total > settings.ARCHIVE_PACKAGE_MAX_UNPACKED_BYTES:
        raise PackageRefused(_("The package unpacks to more than this instance accepts."))
    members = {}
    for info in infos:
        try:
            with archive.open(info) as member:
                content = member.read(info.file_size + 1)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
            raise PackageRefused(
                _("The package is damaged or truncated (“%(name)s”).") % {"name": info.filename}
            ) from None
        if len(content) != info.file_size:
            raise PackageRefused(_("The package is damaged or truncated."))
        members[info.filename] = content
    _check_manifest(members)
    return members


def _check_manifest(members: dict[str, bytes]) -> None:
    try:
        manifest = json.loads(members[MANIFEST])
        sums = manifest["sha256"]
        assert manifest["format"] == FORMAT and isinstance(sums, dict)
    except (KeyError, ValueError, TypeError, AssertionError):
        raise PackageRefused(_("The package has no readable manifest.")) from None
    listed, present = set(sums), set(members) - {MANIFEST}
    if listed != present:
        missing = sorted(listed - present) or sorted(present - listed)
        raise PackageRefused(
            _("The manifest and the package's files disagree (“%(name)s”).")
            % {"name": missing[0]}
        )
    for name in sorted(present):
        if hashlib.sha256(members[name]).hexdigest() != sums[name]:
            raise PackageRefused(
                _("“%(name)s” does not match its SHA-256 in the manifest: the package was "
                  "altered.") % {"name": name}
            )


def import_package(*, data: bytes, user) -> Dossier:
    """Store the package's dossier, documents and history, read-only (archived)."""
    members = read_package(data)
    package_sha = hashlib.sha256(data).hexdigest()
    try:
        meta = json.loads(members["dossier.json"])
        audit = json.loads(members["audit.json"])
        plan = _plan(meta, audit, members)
    except PackageRefused:
        raise
    except (KeyError, ValueError, TypeError, AttributeError):
        raise PackageRefused(_("The package's description of the dossier is malformed.")) from None
    if AuditEntry.objects.filter(action="import", details__package_sha256=package_sha).exists():
        raise PackageRefused(_("This package has already been imported."))
    try:
        with storage.files_follow_transaction() as written:
            dossier = _store(plan, meta, audit, user, package_sha, written)
    except BaseException as error:
        if isinstance(error, DocumentError):
            raise PackageRefused(error.message) from None
        if isinstance(error, (KeyError, ValueError, TypeError, AttributeError, IntegrityError)):
            raise PackageRefused(
                _("The package's description of the dossier is malformed.")
            ) from None
        raise
    return dossier


def _plan(meta, audit, members) -> list[dict]:
    if meta.get("format") != FORMAT or meta["kind"] not in DossierKind.values:
        raise PackageRefused(_("The package's description of the dossier is malformed."))
    if meta["state"] != Stage.ARCHIVED:
        raise PackageRefused(_("Only archived dossiers can be imported."))
    if not isinstance(audit, list):
        raise ValueError
    plan = []
    for document in meta["documents"]:
        versions = []
        for version in document["versions"]:
            docx = members[version["docx"]]
            if hashlib.sha256(docx).hexdigest() != version["sha256"]:
                raise PackageRefused(_("A document's SHA-256 does not match its description."))
            pdf = members[version["pdf"]] if version.get("pdf") else None
            if pdf is not None and hashlib.sha256(pdf).hexdigest() != version["pdf_sha256"]:
                raise PackageRefused(_("A PDF's SHA-256 does not match its description."))
            versions.append(
                ArrivingVersion(
                    number=int(version["number"]),
                    docx=docx,
                    original_filename=str(version["original_filename"]),
                    created_at=_when(version["created_at"]),
                    pdf=pdf,
                    signed_pdf=members[version["signed_pdf"]]
                    if version.get("signed_pdf") else None,
                    signed_by=str(version.get("signed_by", "")),
                    pages=int(version.get("pages", 0)),
                )
            )
        plan.append(
            {
                "doc_type": str(document["doc_type"]),
                "title": str(document["title"]),
                "created_at": _when(document["created_at"]),
                "versions": versions,
            }
        )
    return plan


def _when(value) -> datetime.datetime:
    parsed = parse_datetime(str(value))
    if parsed is None:
        raise ValueError(value)
    return parsed


def _store(plan, meta, audit, user, package_sha, written) -> Dossier:
    code, name = str(meta["agency"]["code"])[:40], str(meta["agency"]["name"])[:200]
    agency = (
        Agency.objects.filter(code=code).first()
        or Agency.objects.filter(name=name).first()
        or Agency.objects.create(
            code=code, name=name, abbreviation=str(meta["agency"]["abbreviation"])[:20]
        )
    )
    dossier = Dossier.objects.create(
        kind=meta["kind"],
        agency=agency,
        program=str(meta["program"])[:200],
        title=str(meta["title"])[:500],
        summary=str(meta["summary"]),
        state=Stage.ARCHIVED,
        round_number=int(meta["round_number"]),
        decision_number=str(meta["decision_number"] or "")[:60],
        decision_date=parse_date(meta["decision_date"]) if meta["decision_date"] else None,
        created_by=user,
    )
    for entry in audit:
        AuditEntry.objects.create(
            dossier=dossier,
            actor=None,
            action=str(entry["action"])[:60],
            from_state=str(entry["from_state"])[:30],
            to_state=str(entry["to_state"])[:30],
            comment=str(entry["comment"]),
            details={**dict(entry.get("details") or {}), "original_actor": str(entry["actor"])},
            created_at=_when(entry["at"]),
        )
    for document in plan:
        import_document(dossier=dossier, written=written, **document)
    AuditEntry.objects.create(
        dossier=dossier,
        actor=user,
        action="import",
        from_state="",
        to_state=Stage.ARCHIVED,
        details={"package_sha256": package_sha, "exported_at": str(meta.get("exported_at"))},
    )
    dossier_changed.send(sender=Dossier, dossier=dossier)
    return dossier
