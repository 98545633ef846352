"""`manage.py makemessages`: Django's command, which also reads the pages' Jinja2 templates.

Django's command reads templates written in its own template language; the pages are Jinja2
(config/jinja.py), whose `{{ ngettext(...) }}` and `{{ _("...")|format(...) }}` it would not
see. For a template under a `jinja2/` folder, this one asks Jinja2 which literal texts the
template translates and gives xgettext those calls on the same lines, so that the catalogue's
references point at the template's lines, as for Python files.

It also keeps the translations an app's catalogue lacks but another app's has: a text that moved
from one app to another, or that a page of one app shows from another's catalogue, is translated
from every catalogue of the project in that language (msgmerge's compendium), where Django's
command would leave it untranslated, or worse, fill it with a near text's translation marked
fuzzy, which the compiled catalogue leaves out: the page would fall back to English.
"""

import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.commands import makemessages
from jinja2 import Environment

_EXTRACTOR = Environment(extensions=["jinja2.ext.i18n"])


def translations_in(source: str) -> list[tuple[int, str, tuple[str | None, ...]]]:
    """(line, function, literal arguments) of each translation a Jinja2 template asks for."""
    found = []
    for line, function, message in _EXTRACTOR.extract_translations(source):
        found.append((line, function, message if isinstance(message, tuple) else (message,)))
    return found


def as_python(source: str) -> str:
    """The template's translation calls as Python, each on its template line, for xgettext."""
    lines = [[] for _ in range(source.count("\n") + 1)]
    for line, function, arguments in translations_in(source):
        lines[line - 1].append(f"{function}({', '.join(map(repr, arguments))})")
    return "\n".join("; ".join(calls) for calls in lines) + "\n"


class JinjaBuildFile(makemessages.BuildFile):
    def preprocess(self):
        if not (self.is_templatized and "jinja2" in Path(self.path).parts):
            return super().preprocess()
        source = Path(self.path).read_text(encoding="utf-8")
        Path(self.work_path).write_text(as_python(source), encoding="utf-8")


def compendium(locale: str, into: Path) -> Path:
    """Every translated text of every catalogue of the project in that language, in one file."""
    catalogues = sorted(
        path for pattern in ("*/locale", "*/*/locale")
        for path in Path(settings.BASE_DIR).glob(f"{pattern}/{locale}/LC_MESSAGES/django.po")
    )
    merged = into / f"{locale}.po"
    subprocess.run(["msgcat", "--use-first", "-o", merged, *catalogues], check=True)
    subprocess.run(["msgattrib", "--translated", "--no-fuzzy", "--no-obsolete", "-o", merged,
                    merged], check=True)
    return merged


class Command(makemessages.Command):
    build_file_class = JinjaBuildFile

    def handle(self, *args, **options):
        with tempfile.TemporaryDirectory() as self._compendia:
            return super().handle(*args, **options)

    def write_po_file(self, potfile, locale):
        known = compendium(locale, Path(self._compendia))
        self.msgmerge_options = [*type(self).msgmerge_options, "--no-fuzzy-matching",
                                 f"--compendium={known}"]
        super().write_po_file(potfile, locale)
