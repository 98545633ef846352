"""Generated documents are filled from .docx templates an office can edit in Word (docxtpl).

The shipped templates are in documents/docx_templates/ (drawn by documents/template_skeletons.py,
`manage.py build_document_templates`); an office's own copy of a template, under the same name in
DOCUMENT_TEMPLATES_DIR, is used instead. Every value is made safe for XML and escaped, and the
result is stamped so that the same data always gives the same bytes.
"""

import dataclasses
import datetime
import io
from pathlib import Path

from django.conf import settings
from docxtpl import DocxTemplate

from . import layout
from .text import xml_safe

SHIPPED = Path(__file__).resolve().parent / "docx_templates"


def template_path(name: str) -> Path:
    custom = getattr(settings, "DOCUMENT_TEMPLATES_DIR", "")
    if custom and (Path(custom) / f"{name}.docx").is_file():
        return Path(custom) / f"{name}.docx"
    return SHIPPED / f"{name}.docx"


def _safe(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    if isinstance(value, dict):
        return {key: _safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_safe(item) for item in value]
    if isinstance(value, str):
        return xml_safe(value)
    return value


def render(name: str, context: dict, *, title: str, author: str, date: datetime.date) -> bytes:
    """Fill template `name` with `context`; `title` and `date` go into the file's properties."""
    template = DocxTemplate(str(template_path(name)))
    template.render(_safe(context), autoescape=True)
    props = template.docx.core_properties
    moment = datetime.datetime.combine(date, datetime.time(0, 0))
    props.created = props.modified = props.last_printed = moment
    props.title = xml_safe(title)
    props.author = props.last_modified_by = xml_safe(author)
    props.revision = 1
    raw = io.BytesIO()
    template.save(raw)
    return layout.reproducible_zip(raw.getvalue())
