"""What the verification of a held copy tells a given person.

Anyone may learn that a file was issued here and whether its signature holds (they hold the
file); which dossier it belongs to, its title and its decision number are shown only to someone
who may see that dossier.
"""

from dataclasses import dataclass

from django.http import Http404

from documents.signing import SignatureCheck
from documents.verification import Verification

from .. import selectors
from ..models import Dossier


@dataclass(frozen=True)
class VerificationReport:
    issued_here: bool
    signed: bool
    signature_valid: bool
    altered: bool
    signatures: tuple[SignatureCheck, ...]
    copy: str = ""
    dossier: Dossier | None = None  # only when the person may see it
    document_title: str = ""
    version_number: int | None = None


def report_for(user, verification: Verification, *, reveal_all: bool = False) -> VerificationReport:
    """`reveal_all` is for the operator's command line, which sees everything."""
    dossier = None
    if verification.issued_here:
        if reveal_all:
            dossier = selectors.all_dossiers().filter(pk=verification.dossier_id).first()
        else:
            try:
                dossier = selectors.dossier_for(user, verification.dossier_id)
            except Http404:
                dossier = None
    version = verification.version if dossier is not None else None
    return VerificationReport(
        issued_here=verification.issued_here,
        signed=bool(verification.signatures),
        signature_valid=verification.signed_validly,
        altered=verification.altered,
        signatures=tuple(verification.signatures),
        copy=verification.copy,
        dossier=dossier,
        document_title=version.document.title if version else "",
        version_number=version.number if version else None,
    )
