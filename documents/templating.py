"""Generated documents are filled from .docx templates an office can edit in Word (docxtpl).

The shipped templates are in documents/docx_templates/ (drawn by documents/template_skeletons.py,
`manage.py build_document_templates`); an office's own copy of a template, under the same name in
DOCUMENT_TEMPLATES_DIR, is used instead. Every value is made safe for XML and escaped, and the
result is stamped so that the same data always gives the same bytes.

Rendering runs inside the transaction that issues the document (the vote that closes a round
writes its minutes), so the work that depends only on the template is done once per template,
not once per document: its bytes are read once (again when the file on disk changes), its XML is
cleaned for Jinja once, and each part is compiled once.
"""

import dataclasses
import datetime
import functools
import io
from pathlib import Path

from django.conf import settings
from docxtpl import DocxTemplate
from jinja2 import Environment

from . import layout
from .text import xml_safe

SHIPPED = Path(__file__).resolve().parent / "docx_templates"

# Each template has a handful of parts (the body, the core properties); a few templates, shipped
# and an office's own: these bounds keep every one of them with room for edited copies.
TEMPLATE_FILES_KEPT = 16
COMPILED_PARTS_KEPT = 128


def template_path(name: str) -> Path:
    custom = getattr(settings, "DOCUMENT_TEMPLATES_DIR", "")
    if custom and (Path(custom) / f"{name}.docx").is_file():
        return Path(custom) / f"{name}.docx"
    return SHIPPED / f"{name}.docx"


@functools.lru_cache(maxsize=TEMPLATE_FILES_KEPT)
def _template_bytes(path: str, identity: tuple) -> bytes:
    # `identity` (inode, size, modification time) is part of the key: an office that saves a
    # new version of its template gets it in the next document, without a restart.
    return Path(path).read_bytes()


def _read_template(path: Path) -> bytes:
    stat = path.stat()
    return _template_bytes(str(path), (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns))


class _Template(DocxTemplate):
    """docxtpl's template, cleaning each distinct part's XML for Jinja once.

    `patch_xml` is a pure function of the XML text (it rewrites Word's runs around `{{ … }}`);
    the same template gives the same text, so the cleaned text is remembered by it.
    """

    def patch_xml(self, src_xml):
        return _patched_xml(src_xml)


# docxtpl's own cleaning, on a template that is never rendered (patch_xml reads no state).
_CLEANER = DocxTemplate(template_file=None)


@functools.lru_cache(maxsize=COMPILED_PARTS_KEPT)
def _patched_xml(src_xml: str) -> str:
    return _CLEANER.patch_xml(src_xml)


class _CompilingOnce(Environment):
    """A Jinja environment that compiles each distinct source once.

    docxtpl hands every part of the document to `from_string`; a template's parts are the same
    text from one document to the next, and a compiled Jinja template renders any number of
    times (and from several threads). Keyed by the source itself, so a changed template is a
    new entry and never an old compilation.
    """

    def __init__(self):
        super().__init__(autoescape=True)
        self._compiled = functools.lru_cache(maxsize=COMPILED_PARTS_KEPT)(self._compile_source)

    def _compile_source(self, source: str):
        return super().from_string(source)

    def from_string(self, source, globals=None, template_class=None):
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        return self._compiled(source)


_ENVIRONMENT = _CompilingOnce()


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
    template = _Template(io.BytesIO(_read_template(template_path(name))))
    template.render(_safe(context), jinja_env=_ENVIRONMENT, autoescape=True)
    props = template.docx.core_properties
    moment = datetime.datetime.combine(date, datetime.time(0, 0))
    props.created = props.modified = props.last_printed = moment
    props.title = xml_safe(title)
    props.author = props.last_modified_by = xml_safe(author)
    props.revision = 1
    raw = io.BytesIO()
    template.save(raw)
    return layout.reproducible_zip(raw.getvalue())
