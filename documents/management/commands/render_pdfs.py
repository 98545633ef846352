import time

from django.core.management.base import BaseCommand

from documents.jobs import run_pdf_renditions


class Command(BaseCommand):
    help = "Make the PDF/A copies (and the decisions' signatures) that are due."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=100)
        parser.add_argument(
            "--loop", type=float, metavar="SECONDS", help="keep running, pausing between passes"
        )

    def handle(self, *args, limit, loop, **options):
        while True:
            worked = run_pdf_renditions(limit=limit)
            if worked or not loop:
                self.stdout.write(f"PDF/A copies worked on: {worked}")
            if not loop:
                return
            time.sleep(loop)
