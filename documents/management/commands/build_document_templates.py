"""Write the default .docx templates of the generated documents (documents/template_skeletons.py)
into documents/docx_templates/, or into --into (an office's DOCUMENT_TEMPLATES_DIR to edit)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from documents import layout, template_skeletons, templating


class Command(BaseCommand):
    help = "Write the default .docx templates of the generated documents."

    def add_arguments(self, parser):
        parser.add_argument("--into", default=str(templating.SHIPPED))

    def handle(self, *args, into, **options):
        folder = Path(into)
        folder.mkdir(parents=True, exist_ok=True)
        for name, draw in template_skeletons.SKELETONS.items():
            path = folder / f"{name}.docx"
            path.write_bytes(layout.save_reproducibly(draw()))
            self.stdout.write(f"{path}")
