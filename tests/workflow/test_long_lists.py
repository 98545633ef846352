"""Long lists: the home page shows the most urgent of each of its lists and the way to them all;
the inbox and the dossier list come in pages. A page costs the same however many dossiers an
office has in flight (bench/pages --in-flight prints it)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_agency, make_dossier, make_user
from tests.workflow.test_inbox import on_the_flow
from workflow.models import Dossier
from workflow.selectors import HOME_ROWS

pytestmark = pytest.mark.django_db


def due_in(days, **kwargs):
    dossier = make_dossier(**kwargs)
    Dossier.objects.filter(pk=dossier.pk).update(
        stage_due_on=timezone.localdate() + datetime.timedelta(days=days))
    return dossier


def titles_in(page: str) -> list[str]:
    return re.findall(r'<a href="/(?:en/)?dossiers/\d+/">([^<]*)</a>', page)


def get(client, url, **params):
    response = client.get(url, params or None, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def test_the_home_page_shows_the_most_urgent_of_a_long_list_and_the_way_to_all(client):
    # Due in 13 days down to 1: the most urgent was made last.
    waiting = [due_in(days, state="submitted", title=f"Hồ sơ hạn {days:02}")
               for days in range(13, 0, -1)]
    elsewhere = due_in(1, state="appraisal", title="Hồ sơ đang thẩm định")
    client.force_login(make_user("secretary"))
    home = get(client, reverse("workflow:home"))
    section = home.partition("Submitted dossiers to check for completeness")[2]
    section = section.partition("</section>")[0]
    assert titles_in(section) == [f"Hồ sơ hạn {days:02}" for days in range(1, HOME_ROWS + 1)]
    assert f"The {HOME_ROWS} most urgent of 13." in section
    link = re.search(r'href="([^"]*)">See all 13', section).group(1)
    assert link.endswith("/dossiers/?queue=to-check")

    listed = get(client, link)
    assert "<h1>Submitted dossiers to check for completeness</h1>" in listed
    assert titles_in(listed) == [d.title for d in reversed(waiting)]
    assert elsewhere.title not in listed


def test_a_short_list_is_shown_whole_without_a_link(client):
    due_in(3, state="submitted", title="Hồ sơ duy nhất")
    client.force_login(make_user("secretary"))
    home = get(client, reverse("workflow:home"))
    assert "Hồ sơ duy nhất" in home
    assert "See all" not in home and "most urgent of" not in home


def test_the_overdue_list_links_to_every_overdue_dossier_the_longest_overdue_first(client):
    for days in range(1, HOME_ROWS + 3):
        due_in(-days, state="council_review", title=f"Quá hạn {days:02}")
    due_in(5, state="council_review", title="Còn hạn")
    client.force_login(make_user("secretary"))
    home = get(client, reverse("workflow:home"))
    overdue = home.partition('class="overdue">Overdue dossiers</h2>')[2].partition("</section>")[0]
    longest_first = [f"Quá hạn {days:02}" for days in range(HOME_ROWS + 2, 0, -1)]
    assert titles_in(overdue) == longest_first[:HOME_ROWS]
    link = re.search(r'href="([^"]*)">See all 12', overdue).group(1)
    assert link.endswith("/dashboard/dossiers/?overdue=1")  # the dashboard's list of them

    listed = get(client, link)
    assert titles_in(listed) == longest_first and "Còn hạn" not in listed


def test_a_drafter_following_a_list_sees_only_their_agencys_dossiers(client):
    agency = make_agency()
    drafter = make_user("drafter", agency)
    mine = [due_in(days, agency=agency, state="appraisal", title=f"Của tôi {days:02}")
            for days in range(1, HOME_ROWS + 2)]
    theirs = due_in(1, state="appraisal", title="Của tỉnh khác")
    client.force_login(drafter)
    listed = get(client, reverse("workflow:dossier_list"), queue="under-review")
    assert titles_in(listed) == [d.title for d in mine]
    assert theirs.title not in listed


@pytest.mark.parametrize("params", [{"queue": "no-such-list"}, {"stage": "nowhere"},
                                    {"queue": "council", "page": "99999999999999999999"},
                                    {"page": "abc"}])
def test_an_unknown_list_or_page_shows_a_list_not_an_error(client, params):
    due_in(1, state="council_review", title="Hồ sơ hội đồng")
    client.force_login(make_user("secretary"))
    assert "Hồ sơ hội đồng" in get(client, reverse("workflow:dossier_list"), **params)


def test_the_inbox_comes_in_pages_the_most_urgent_first(client):
    rows = 27
    dossiers = [on_the_flow("council_review", title=f"Hồ sơ hội đồng {n:02}")
                for n in range(rows)]
    for n, dossier in enumerate(dossiers):
        Dossier.objects.filter(pk=dossier.pk).update(
            stage_due_on=timezone.localdate() + datetime.timedelta(days=n))
    client.force_login(make_user("secretary"))
    first = get(client, reverse("workflow:inbox"))
    assert f"Tasks waiting for you and your role ({rows})" in first
    assert titles_in(first) == [f"Hồ sơ hội đồng {n:02}" for n in range(25)]
    assert "Page 1 of 2" in first and 'href="?page=2" rel="next"' in first

    second = get(client, reverse("workflow:inbox"), page="2")
    assert titles_in(second) == [f"Hồ sơ hội đồng {n:02}" for n in range(25, rows)]
    assert titles_in(get(client, reverse("workflow:inbox"), page="x")) == titles_in(first)


@pytest.mark.parametrize(("rows", "queries"), [(0, 1), (3, 1), (25, 1), (26, 2), (60, 2)])
def test_a_list_that_ends_on_its_first_page_is_read_in_one_query(
    rows, queries, django_assert_num_queries
):
    from workflow.paging import Pages

    agency = make_agency()
    made = [make_dossier(agency=agency, title=f"Hồ sơ {n:02}").pk for n in range(rows)]
    dossiers = Dossier.objects.filter(agency=agency).order_by("id")
    with django_assert_num_queries(queries):
        page = Pages(dossiers, 25).get_page(None)
        assert [d.pk for d in page.object_list] == made[:25]
        assert page.paginator.count == rows and page.has_next() == (rows > 25)
    last = Pages(dossiers, 25).get_page("99999999999999999999")
    assert [d.pk for d in last.object_list] == made[(max(rows - 1, 0) // 25) * 25:]
