"""The Jinja2 environment the pages are rendered with.

Django's template language cost a fifth of the web server's CPU under bench/serve's load (py-spy,
PostgreSQL): its nodes resolve every variable and filter through Python calls at each render.
Jinja2 compiles a template to Python once, so the same pages cost several times less to render
(docs/operations.md has the figures). Django's own apps (the admin, viewflow's) keep Django's
engine, which comes second in TEMPLATES.

What Django's template language gave the pages, the environment gives them here, once:
- `_` and `ngettext`: the translations, which `manage.py makemessages` extracts
  (config/operations/management/commands/makemessages.py). They return plain text, escaped
  where it is shown, as Django's `{% translate %}` escapes it; a text with values is written
  `_("Round %(number)s")|format(number=round.number)`.
- `url(name, *args)` (`reverse`, remembered per language) and the filters the pages use
  (Django's own where one exists, so that the output is the same); each app adds its own from
  its `page_templates` module.
- Dates are shown in the current time zone, as Django's `date` filter does.
- A missing value shows as nothing, and so does a value looked up on it (ChainableUndefined), as
  in Django's template language.
"""

import functools

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template import defaultfilters
from django.templatetags.i18n import language_name_local
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext, ngettext
from jinja2 import ChainableUndefined, Environment

from documents import page_templates as documents_pages
from workflow import page_templates as workflow_pages


def url(name: str, *args) -> str:
    """`reverse`, remembered: a page names the same dozen addresses at every request."""
    return _reverse(name, args, get_language(), get_script_prefix(), get_urlconf())


@functools.lru_cache(maxsize=4096)
def _reverse(name: str, args: tuple, language, script_prefix, urlconf) -> str:
    return reverse(name, args=args or None, urlconf=urlconf)


def date(value, format: str | None = None) -> str:
    """Django's `date` filter, after turning an aware time into the current time zone."""
    if not value:
        return ""
    return defaultfilters.date(timezone.template_localtime(value), format)


def default_if_none(value, default):
    return default if value is None else value


FILTERS = {
    "date": date,
    "default_if_none": default_if_none,
    "filesizeformat": defaultfilters.filesizeformat,
    "intcomma": intcomma,
    "language_name_local": language_name_local,
    "linebreaksbr": defaultfilters.linebreaksbr,
    "urlencode": defaultfilters.urlencode,
}

GLOBALS = {"_": gettext, "ngettext": ngettext, "url": url}


def environment(**options) -> Environment:
    env = Environment(**{**options, "undefined": ChainableUndefined})
    env.filters.update(FILTERS)
    env.globals.update(GLOBALS, LANGUAGES=settings.LANGUAGES)
    for app in (documents_pages, workflow_pages):
        env.filters.update(app.FILTERS)
        env.globals.update(app.GLOBALS)
    return env
