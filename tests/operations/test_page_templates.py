"""The pages' Jinja2 templates (config/jinja.py): every page of the demo renders for every role
with nothing left of the template machinery in it, every text is translated, and
`manage.py makemessages` finds the templates' texts."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from config.operations.management.commands.makemessages import translations_in
from documents.models import DocumentVersion
from workflow.demo import DEMO_PASSWORD, USERS
from workflow.models import Dossier

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    path for app in ("config", "workflow", "documents", "search")
    for path in (ROOT / app).glob("**/jinja2/**/*.*")
)
# What a template shows when it forgets to call a method or names a value it was not given.
LEFTOVERS = re.compile(r"bound method|<function |Undefined|object at 0x|\{\{|\{%")


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 30


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_text_a_template_shows_is_translated_into_vietnamese(template):
    untranslated = []
    for line, function, arguments in translations_in(template.read_text(encoding="utf-8")):
        with translation.override("vi"):
            if function == "ngettext":
                shown, english = translation.ngettext(*arguments[:2], 1), arguments[0]
            else:
                shown = english = arguments[0]
                shown = translation.gettext(english)
        if shown == english:
            untranslated.append((line, english))
    assert not untranslated


def test_makemessages_finds_the_texts_of_jinja2_templates_and_keeps_known_translations(
    tmp_path, monkeypatch
):
    app = tmp_path / "app"
    shutil.copytree(ROOT / "workflow" / "jinja2", app / "jinja2")
    # A catalogue that knows none of them yet: the project's other catalogues do.
    catalogue = app / "locale/vi/LC_MESSAGES/django.po"
    catalogue.parent.mkdir(parents=True)
    catalogue.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
                         '"Plural-Forms: nplurals=1; plural=0;\\n"\n', encoding="utf-8")
    monkeypatch.chdir(app)
    call_command("makemessages", locale=["vi"], verbosity=0)
    made = catalogue.read_text(encoding="utf-8")
    # A plain text, a text with values and a plural, each referring to its template line.
    assert 'msgid "Review round %(number)s (%(stage)s)"' in made
    assert 'msgid "%(older)s earlier step"\nmsgid_plural "%(older)s earlier steps"' in made
    assert re.search(r"#: .*jinja2/workflow/dossier_detail\.html:\d+", made)
    # Translated from the project's catalogues, never guessed from a near text.
    with translation.override("vi"):
        known = translation.gettext("What you can do now")
    assert f'msgid "What you can do now"\nmsgstr "{known}"' in made
    assert "fuzzy" not in made and 'msgstr ""\n\n' not in made


def _pages(dossiers) -> list[tuple[str, str]]:
    """(the page's URL name, its address) of every page a person opens."""
    names = ["workflow:home", "workflow:inbox", "workflow:dossier_list", "workflow:dossier_create",
             "notifications:list", "notifications:preferences", "workflow:register",
             "workflow:dashboard:home", "workflow:dashboard:dossiers", "api_tokens:list",
             "password_change", "archival:verify"]
    pages = [(name, reverse(name)) for name in names]
    pages.append(("search:search", reverse("search:search") + "?q=k%E1%BA%BF"))
    for dossier in dossiers:
        pages += [(name, reverse(name, args=[dossier.pk])) for name in
                  ("workflow:dossier", "workflow:dossier_edit", "documents:dossier_documents")]
    for version in DocumentVersion.objects.all():
        pages.append(("documents:read", reverse("documents:read", args=[version.pk])))
    return pages


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_page_of_the_demo_renders_for_every_role(language):
    call_command("load_demo", stdout=open(os.devnull, "w"))
    with translation.override(language):
        pages = _pages(Dossier.objects.order_by("pk"))
    shown = dict.fromkeys((name for name, _ in pages), 0)
    for username, *_ in USERS:
        client = Client()
        client.login(username=username, password=DEMO_PASSWORD)
        for name, page in pages:
            response = client.get(page)
            assert response.status_code in {200, 302, 403, 404}, (username, page)
            if response.status_code == 200:
                html = response.content.decode()
                assert not LEFTOVERS.search(html), (username, page, LEFTOVERS.search(html))
                shown[name] += 1
    assert all(shown.values()), shown


@pytest.mark.parametrize(
    "catalogue",
    sorted(path for pattern in ("*/locale", "*/*/locale")
           for path in ROOT.glob(f"{pattern}/vi/LC_MESSAGES/django.po")),
    ids=lambda path: str(path.relative_to(ROOT)),
)
def test_every_vietnamese_catalogue_translates_everything_it_lists(catalogue):
    missing = subprocess.run(["msgattrib", "--untranslated", "--no-obsolete", catalogue],
                             capture_output=True, text=True, check=True).stdout
    guessed = subprocess.run(["msgattrib", "--only-fuzzy", "--no-obsolete", catalogue],
                             capture_output=True, text=True, check=True).stdout
    # Each entry but the header names where the text is used.
    assert re.findall(r"^#: .*", missing + guessed, re.M) == []
