from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from documents.verification import verify_file
from workflow.archival.disclosure import report_for


class Command(BaseCommand):
    help = (
        "Say whether a PDF or .docx was issued here, for which dossier and decision, whether its "
        "signature is valid and by whom, and whether it was altered. Exit status 0 only when it "
        "was issued here and is unaltered (and validly signed, if signed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            data = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        report = report_for(None, verify_file(data), reveal_all=True)
        out = self.stdout.write
        if report.issued_here:
            dossier = report.dossier
            out(f"Issued here: yes ({report.copy}, unchanged)")
            out(f"Dossier: #{dossier.pk} {dossier.title}")
            out(f"Decision number: {dossier.decision_number or '-'}")
            out(f"Document: {report.document_title} v{report.version_number}")
        else:
            out("Issued here: no (no stored document has exactly this content)")
        if not report.signatures:
            out("Signature: none")
        for check in report.signatures:
            valid = check.ok and (check.covers_whole_file or check is not report.signatures[-1])
            out(f"Signature: {'valid' if valid else 'NOT valid'} ({check.summary})")
            out(f"  Signed by: {check.signer}")
            chain = "revoked" if check.revoked else ("yes" if check.trusted else "no")
            out(f"  Chains to the configured roots: {chain}")
        out(f"Altered: {'YES' if report.altered else 'no'}")
        bad_signature = report.signed and not report.signature_valid
        if not report.issued_here or report.altered or bad_signature:
            raise SystemExit(1)
