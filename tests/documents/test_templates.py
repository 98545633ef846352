"""Generated documents come from .docx templates an office can edit in Word (docxtpl)."""

import dataclasses
import io
import os

import jinja2
from django.core.management import call_command
from docx import Document as Docx

from documents import templating
from documents.extraction import extract_document
from documents.generation import render_decision, render_minutes
from tests.documents.test_generation import decision, minutes


def test_the_shipped_templates_are_the_ones_the_skeletons_draw(tmp_path):
    call_command("build_document_templates", into=str(tmp_path), stdout=io.StringIO())
    for name in ("decision", "minutes", "revision_letter", "appraisal_report"):
        assert (tmp_path / f"{name}.docx").read_bytes() == (
            templating.SHIPPED / f"{name}.docx"
        ).read_bytes(), f"run `manage.py build_document_templates` after changing {name}"


def test_an_office_edits_the_wording_of_its_decision_in_word(settings, tmp_path):
    shipped = Docx(str(templating.SHIPPED / "decision.docx"))
    for paragraph in shipped.paragraphs:
        if paragraph.text.startswith("Điều 3."):
            for run in paragraph.runs:
                run.text = run.text.replace("có hiệu lực từ ngày ký", "có hiệu lực sau 15 ngày")
    shipped.save(str(tmp_path / "decision.docx"))
    settings.DOCUMENT_TEMPLATES_DIR = str(tmp_path)
    text = extract_document(render_decision(decision())).text
    assert "Quyết định có hiệu lực sau 15 ngày." in text
    settings.DOCUMENT_TEMPLATES_DIR = ""
    assert (
        "Quyết định có hiệu lực từ ngày ký." in extract_document(render_decision(decision())).text
    )


def test_what_users_wrote_is_printed_as_written_never_as_markup():
    data = decision(
        dossier_title="Kế hoạch <b>số hóa</b> & {{ secret }}\x0bgiai đoạn 2",
        conditions=("A & B < C",),
    )
    first, second = render_decision(data), render_decision(data)
    assert first == second
    text = extract_document(first).text
    assert "Kế hoạch <b>số hóa</b> & {{ secret }}" in text and "A & B < C" in text


def test_a_template_is_compiled_once_not_for_every_document(monkeypatch):
    # The minutes are rendered inside the vote that closes a round: compiling the template's
    # XML with Jinja for every document was a third of that vote's time.
    compiled = []
    compile_source = jinja2.Environment.compile

    def counting(self, source, *args, **kwargs):
        compiled.append(source)
        return compile_source(self, source, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    first = render_minutes(minutes())
    compiled.clear()
    second = render_minutes(dataclasses.replace(minutes(), dossier_title="Dự án số hóa lưu trữ"))
    assert compiled == []
    assert "Dự án số hóa lưu trữ" in extract_document(second).text
    assert "Dự án số hóa lưu trữ" not in extract_document(first).text


def _save_office_decision(path, wording: str) -> None:
    template = Docx(str(templating.SHIPPED / "decision.docx"))
    for paragraph in template.paragraphs:
        if paragraph.text.startswith("Điều 3."):
            for run in paragraph.runs:
                run.text = run.text.replace("có hiệu lực từ ngày ký", wording)
    template.save(str(path))


def test_an_office_template_saved_again_in_place_is_used_by_the_next_document(settings, tmp_path):
    settings.DOCUMENT_TEMPLATES_DIR = str(tmp_path)
    path = tmp_path / "decision.docx"
    _save_office_decision(path, "có hiệu lực sau 15 ngày")
    text = extract_document(render_decision(decision())).text
    assert "Quyết định có hiệu lực sau 15 ngày." in text
    saved = path.stat()
    # Saved again a minute later, same name and the same size.
    _save_office_decision(path, "có hiệu lực sau 30 ngày")
    os.utime(path, ns=(saved.st_atime_ns, saved.st_mtime_ns + 60 * 10**9))
    text = extract_document(render_decision(decision())).text
    assert "Quyết định có hiệu lực sau 30 ngày." in text
    assert "15 ngày" not in text
