"""The search page as a clerk uses it: hits name their dossier, filters in force are shown and
removable, OR needs no quotes, a page past the end says so, dates read dd/mm/yyyy."""

import datetime

import pytest

from search import services
from search.backends import database_backend
from tests.factories import make_agency, make_dossier, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(client):
    agency = make_agency(name="Tỉnh ủy Quảng Ninh")
    for title in ("Kế hoạch chuyển đổi số", "Dự án hạ tầng mạng diện rộng", "Báo cáo khác"):
        dossier = make_dossier(agency=agency, title=title, summary="Tóm tắt.", kind="plan")
        database_backend().replace_dossier(dossier.pk, services.entries_for(dossier))
    user = make_user("clerk")
    client.force_login(user)
    return agency


def page(client, **query):
    return client.get("/en/search/", query).content.decode()


def test_or_between_unquoted_words_finds_either(client, clerk):
    html = page(client, q="chuyen doi so OR ha tang mang")
    assert "2 results" in html
    assert "Báo cáo khác" not in html


def test_a_hit_names_its_dossier_and_its_date_as_the_rest_of_the_site(client, clerk):
    html = page(client, q="ha tang mang")
    assert "Dossier: <a href=" in html and ">Dự án hạ tầng mạng diện rộng</a>" in html
    today = datetime.date.today().strftime("%d/%m/%Y")
    assert today in html and datetime.date.today().isoformat() not in html


def test_the_filters_in_force_are_shown_and_each_can_be_removed(client, clerk):
    html = page(client, q="ke hoach", kind="plan", agency=str(clerk.pk))
    shown = html[html.index('class="active-filters"') :].split("</p>")[0]
    assert "Kind: IT application plan ×" in shown
    assert "Agency: Tỉnh ủy Quảng Ninh ×" in shown
    removal = shown.split('href="')[1].split('"')[0].replace("&amp;", "&")
    assert "agency=" not in removal and "kind=plan" in removal


def test_a_page_past_the_end_says_so_and_links_back(client, clerk):
    html = page(client, q="tom tat", page="40")
    assert "There is no page 40: the results end at page 1." in html
    assert "page=1" in html.split("past-the-end")[1]
