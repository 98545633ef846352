import os

from django.conf import settings
from django.core.management.base import BaseCommand

from documents.certificates import ensure_demo_signing
from documents.rendering import find_converter
from workflow import demo


class Command(BaseCommand):
    help = "Load the Program 27 demo: agencies, users of every role, dossiers at every stage."

    def handle(self, *args, **options):
        users, dossiers = demo.load_demo()
        self.stdout.write(f"Demo data: {users} users and {dossiers} dossiers created.")
        self.stdout.write(f"Logins (password for all: {demo.DEMO_PASSWORD}):")
        for username, role, agency in demo.logins():
            self.stdout.write(f"  {username:<18} {role:<20} {agency}")
        self._archival()

    def _archival(self):
        if os.environ.get("SIGNING_PKCS12_PATH"):
            self.stdout.write("Signing: decisions are signed with SIGNING_PKCS12_PATH.")
        else:
            paths, made = ensure_demo_signing(settings.DATA_DIR)
            self.stdout.write(
                f"Signing: a DEMO certificate authority {'was made' if made else 'is'} in "
                f"{paths.pkcs12_path.parent}; decisions are signed with its demo office "
                "certificate, which nobody else trusts. Set SIGNING_PKCS12_PATH for a real one."
            )
        if find_converter() is None:
            self.stdout.write(
                "PDF/A: LibreOffice is not installed; the PDF copies stay pending until it is "
                "(bash .ci/libreoffice.sh installs it; `manage.py render_pdfs` makes them)."
            )
