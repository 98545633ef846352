"""The form renderer: Django's own Jinja2 versions of its form and widget templates.

Django renders every form, field and widget through templates; with its template engine that
was 1.9 ms of CPU for the four fields of a vote form, 6-7% of the web server's CPU in
bench/serve's profile. The same templates in Jinja2, which Django ships beside them, render it
in 0.7-1.0 ms, with the same HTML but for blank lines. A widget template only an app has in
Django's template language (the admin's) is rendered by Django's engine, as before.
"""

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class FormRenderer(Jinja2):
    _apps_templates = DjangoTemplates()

    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self._apps_templates.get_template(template_name)
