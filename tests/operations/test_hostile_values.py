"""Hostile values in every place a page offers one: no answer is ever a 500.

On the demo, each role (a drafter, the council's secretary, its chair, the appraiser, the
approver, the clerk and the administrator) follows the links from the home page (the admin's
too), then sends each hostile value below in every query parameter those links and the search
forms carry, and in every field of every form that posts (one field at a time, the others as the
page filled them). A crawl of the running demo this way found eleven faults (2026-12-01): an id
past SQLite's integers, a form key another user had sent, a policy share that was not a number,
a forged admin choice. This keeps them found.
"""

import io
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

HOSTILE = ["", "-1", "99999999999999999999999", "abc", "\x00x", "<script>x</script>", "1e309",
           "１２", "2026-13-45", "a" * 6000]
PAGES_EACH = 60
SKIPPED = ("logout", "/static/", "/i18n/", "password", "delete", "export", "download", ".csv",
           ".xlsx", ".docx", ".pdf", ".zip", ".ics", "/api/", "history")


class Page(HTMLParser):
    """The links, the query parameters of GET forms and the forms that post, of one page."""

    def __init__(self):
        super().__init__()
        self.links, self.get_fields, self.forms = [], set(), []
        self._form = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and (attrs.get("href") or "").startswith("/"):
            self.links.append(attrs["href"])
        elif tag == "form":
            method = (attrs.get("method") or "get").lower()
            multipart = "multipart" in (attrs.get("enctype") or "")
            self._form = {"method": method, "action": attrs.get("action") or "",
                          "fields": {}, "skip": multipart}
        elif tag in ("input", "textarea", "select") and self._form and attrs.get("name"):
            kind = attrs.get("type", tag)
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self._form["fields"].setdefault(attrs["name"], attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            form, self._form = self._form, None
            if form["method"] == "get":
                self.get_fields |= set(form["fields"])
            elif not form["skip"]:
                self.forms.append(form)


def read(response) -> Page:
    page = Page()
    if "html" in response.get("Content-Type", ""):
        page.feed(response.content.decode("utf-8", "replace"))
    return page


def answered(client, method, path, data=None) -> int:
    status = getattr(client, method)(path, data).status_code
    assert status < 500, f"{method.upper()} {path} {str(data)[:200]}: {status}"
    return status


@pytest.mark.parametrize(
    "username", ["drafter.hanoi", "secretary", "chair", "appraiser", "approver", "clerk", "admin"]
)
def test_no_hostile_value_in_a_link_or_form_is_a_500(client, username):
    call_command("load_demo", stdout=io.StringIO())
    client.force_login(get_user_model().objects.get(username=username))
    seen, queue, parameters, forms = set(), ["/"], {}, {}
    while queue and len(seen) < PAGES_EACH:
        path = queue.pop(0)
        if path in seen or any(part in path for part in SKIPPED):
            continue
        seen.add(path)
        response = client.get(path)
        assert response.status_code < 500, path
        page = read(response)
        queue += [link for link in page.links if link not in seen]
        url = urlsplit(path)
        names = {name for name, _ in parse_qsl(url.query, keep_blank_values=True)}
        parameters.setdefault(url.path, set()).update(names | page.get_fields)
        for form in page.forms:
            action = form["action"] or url.path
            if not any(part in action for part in SKIPPED):
                forms.setdefault((action, tuple(sorted(form["fields"]))), (path, form))
    assert len(seen) >= 10, sorted(seen)  # the crawl found the site

    for path, names in parameters.items():
        for name in names:
            for value in HOSTILE:
                answered(client, "get", f"{path}?{urlencode({name: value})}")
    for (action, names), (page_path, form) in forms.items():
        for name in names:
            if name in ("csrfmiddlewaretoken", "submission"):
                continue
            for value in HOSTILE:
                answered(client, "post", action or page_path, {**form["fields"], name: value})
