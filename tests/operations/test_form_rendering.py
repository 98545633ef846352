"""Forms render through Django's Jinja2 form templates (config/forms.py): the same HTML as its
own template engine gave, but for blank lines, for every form of ours, empty or with errors; the
admin's widgets, which exist only as Django templates, still render."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.template.backends.jinja2 import Template as Jinja2Template
from django.utils import translation

from config.api.views import TokenForm
from documents.forms import UploadForm
from search.forms import SearchForm
from tests.factories import make_user
from workflow.forms import AppraisalForm, DossierForm, RoundForm, TransitionForm, VoteForm
from workflow.notifications.forms import PreferencesForm

pytestmark = pytest.mark.django_db


def forms(data=None):
    make_user("council_member", first_name="Lê", last_name="Văn <b>An</b>")
    return [
        VoteForm(data), AppraisalForm(data), DossierForm(data), TransitionForm(data),
        RoundForm(data, candidates=get_user_model().objects.all()), UploadForm(data),
        SearchForm(data, agencies=[(1, "Sở <Tài chính>")]), PreferencesForm(data),
        TokenForm(data),
    ]


def blank_lines_aside(html: str) -> str:
    return re.sub(r"\n\s*\n", "\n", html).strip()


@pytest.mark.parametrize("data", [None, {"choice": "bogus", "title": "x" * 1000, "q": "a"}],
                         ids=["empty", "with errors"])
def test_every_form_renders_as_djangos_own_templates_did(data):
    django_engine = DjangoTemplates()
    with translation.override("vi"):
        for form in forms(data):
            if form.is_bound:
                form.is_valid()  # the errors are shown
            ours = form.as_p()
            form.renderer = django_engine
            assert blank_lines_aside(ours) == blank_lines_aside(form.as_p()), type(form)
            assert "<b>" not in ours


def test_forms_are_rendered_by_jinja2():
    assert isinstance(get_default_renderer().get_template("django/forms/p.html"), Jinja2Template)


def test_the_admins_own_widget_templates_still_render(admin_client, admin_user):
    """A user's page: groups and permissions in the admin's filter widget, dates split in two."""
    page = admin_client.get(f"/en/admin/auth/user/{admin_user.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="selectfilter"' in html and 'name="last_login_0"' in html
