"""The same queries give the same hits on every backend: each case runs against each one."""

import datetime
import unicodedata

import pytest

from search.backends.base import Filters, SearchRequest
from search.query import parse

from .conftest import make_entry

NFD = unicodedata.normalize("NFD", "Báo cáo đề xuất chủ trương đầu tư ứng dụng công nghệ thông tin")

CORPUS = [
    make_entry(
        "dossier:1", dossier_id=1, agency_id=1, stage="approved", decision_number="123-QĐ/VPTW",
        title="Kế hoạch ứng dụng công nghệ thông tin giai đoạn 2021–2025",
        text="Nâng cấp hạ tầng mạng và số hóa hồ sơ lưu trữ.",
    ),
    make_entry(
        "version:11", dossier_id=1, agency_id=1, stage="approved", doc_type="main",
        decision_number="123-QĐ/VPTW", title="Dự thảo kế hoạch",
        text="Xây dựng cơ sở dữ liệu đảng viên và hệ thống thư điện tử.",
    ),
    make_entry(
        "version:12", dossier_id=1, agency_id=1, stage="approved", doc_type="minutes",
        decision_number="123-QĐ/VPTW", title="Biên bản họp hội đồng",
        text="Hội đồng thẩm định đã biểu quyết thông qua kế hoạch với điều kiện bổ sung dự toán.",
        date=datetime.date(2021, 9, 1),
    ),
    make_entry(
        "dossier:2", dossier_id=2, agency_id=2, agency_name="Thành ủy Hải Phòng", kind="project",
        stage="appraisal", title="Dự án xây dựng trung tâm dữ liệu",
        text="Đầu tư máy chủ và phần mềm quản lý văn bản.", date=datetime.date(2022, 3, 1),
    ),
    make_entry(
        "version:21", dossier_id=2, agency_id=2, agency_name="Thành ủy Hải Phòng", kind="project",
        stage="appraisal", doc_type="appraisal_report", title="Báo cáo thẩm định dự án",
        text=NFD, date=datetime.date(2022, 4, 2),
    ),
    make_entry(
        "version:22", dossier_id=2, agency_id=2, agency_name="Thành ủy Hải Phòng", kind="project",
        stage="appraisal", doc_type="annex", title="Phụ lục dự toán",
        text="Chi phí phần cứng, phần mềm, đào tạo cán bộ; chữ\u200b ký số.",
        date=datetime.date(2022, 4, 2),
    ),
    make_entry(
        "dossier:3", dossier_id=3, agency_id=3, agency_name="Ban Tuyên giáo Trung ương",
        kind="investment_report", title="Báo cáo đề xuất chủ trương đầu tư",
        text="Hạ tầng kỹ thuật cho chuyển đổi số đến năm 2025, tầm nhìn đến năm 2030.",
        date=datetime.date(2023, 5, 5),
    ),
    make_entry(
        "version:31", dossier_id=3, agency_id=3, agency_name="Ban Tuyên giáo Trung ương",
        kind="investment_report", doc_type="decision", decision_number="45-QĐ/VPTW",
        title="Quyết định phê duyệt",
        text="Quyết định số 45-QĐ/VPTW phê duyệt kế hoạch chuyển đổi số của cơ quan.",
        date=datetime.date(2023, 6, 1),
    ),
]
KE_HOACH = {"dossier:1", "version:11", "version:12", "version:31"}

QUERIES = [
    # (what the user types, the keys found)
    ("ke hoach", KE_HOACH),
    ("Kế hoạch", KE_HOACH),
    ("KẾ HOẠCH", KE_HOACH),
    (unicodedata.normalize("NFD", "kế hoạch"), KE_HOACH),
    ('"ke hoach"', KE_HOACH),
    ("hoach ke", KE_HOACH),
    ('"hoach ke"', set()),
    ("ke hoach -bien", KE_HOACH - {"version:12"}),
    ('ke hoach -"bien ban"', KE_HOACH - {"version:12"}),
    ('ke hoach -"ban bien"', KE_HOACH),
    ("thẩm định", {"version:12", "version:21"}),
    ("tham dinh", {"version:12", "version:21"}),
    ("de xuat chu truong", {"version:21", "dossier:3"}),  # an NFD text is found as well
    ('"dang vien" OR "may chu"', {"version:11", "dossier:2"}),
    ("bien OR phu du", {"version:12", "version:22"}),  # bien, or phu and du
    ("bien ban hoi dong OR phan mem quan ly", {"version:12", "dossier:2"}),  # no quotes needed
    ("chuyen doi OR may chu -quyet", {"dossier:3", "dossier:2"}),
    ('"chữ ký số"', {"version:22"}),  # a zero-width space inside "chữ" is ignored
    ("45-qđ/vptw", {"version:31"}),  # punctuated numbers are phrases of their parts
    ("45-QD-VPTW", {"version:31"}),
    # Mistyped syntax: read as plain words, never an error.
    ('"ke hoach', KE_HOACH),
    ("ke hoach -", KE_HOACH),
    ("- ke hoach", KE_HOACH),
    ("ke* (hoach)", KE_HOACH),
    ("ke hoach OR", set()),  # a trailing OR is the word "or"
    ("NEAR(ke hoach) AND", set()),  # FTS5 and tsquery operators are only words here
    ("title:ke hoach", set()),
    ("2021", {"dossier:1"}),
]


@pytest.fixture
def indexed(backend):
    backend.index(CORPUS)
    backend.refresh()
    return backend


def run(backend, text, *, filters=None, visible=None, sort="relevance", per_page=100, page=1,
        allow_empty=False):
    request = SearchRequest(
        query=parse(text, allow_empty=allow_empty), filters=filters or Filters(),
        visible_agency_ids=visible, sort=sort, per_page=per_page, page=page,
    )
    return backend.search(request)


def keys(result):
    return {hit.entry.key for hit in result.hits}


@pytest.mark.parametrize(("text", "expected"), QUERIES, ids=[q for q, _ in QUERIES])
def test_query_finds_the_same_hits_on_every_backend(indexed, text, expected):
    result = run(indexed, text)
    assert keys(result) == expected
    assert result.total == len(expected)


def test_filters_narrow_the_hits(indexed):
    assert keys(run(indexed, "ke hoach", filters=Filters(doc_types=("minutes", "decision")))) == {
        "version:12", "version:31"}
    assert keys(run(indexed, "du an", filters=Filters(agency_ids=(2,)))) == {
        "dossier:2", "version:21"}
    assert keys(run(indexed, "ke hoach", filters=Filters(kinds=("investment_report",)))) == {
        "version:31"}
    assert keys(run(indexed, "ke hoach", filters=Filters(stages=("approved",)))) == {
        "dossier:1", "version:11", "version:12"}
    in_2021 = Filters(date_from=datetime.date(2021, 8, 11), date_to=datetime.date(2021, 12, 31))
    assert keys(run(indexed, "ke hoach", filters=in_2021)) == {"version:12"}


def test_a_decision_number_filters_however_it_is_typed(indexed):
    for typed in ("45-QĐ/VPTW", "45-qđ/vptw", "45 QD VPTW"):
        result = run(indexed, "", filters=Filters(decision_number=typed), allow_empty=True)
        assert keys(result) == {"version:31"}


def test_facets_count_every_hit_not_only_the_page(indexed):
    result = run(indexed, "ke hoach", per_page=1)
    assert result.total == 4 and len(result.hits) == 1
    facets = {name: {v.value: v.count for v in values} for name, values in result.facets.items()}
    assert facets["agency"] == {1: 3, 3: 1}
    assert facets["kind"] == {"plan": 3, "investment_report": 1}
    assert facets["stage"] == {"approved": 3, "draft": 1}
    assert facets["year"] == {2021: 3, 2023: 1}
    assert facets["doc_type"] == {"dossier": 1, "main": 1, "minutes": 1, "decision": 1}
    labels = {v.value: v.label for v in result.facets["agency"]}
    assert labels[1] == "Tỉnh ủy Hà Giang"


def test_facets_counted_beside_the_ranking_are_the_same(transactional_db, settings):
    """SQLite counts the facets on a second connection, in a worker thread, when the data is
    committed; on PostgreSQL the setting changes nothing. Both ways give the same answer."""
    from django.db import connection

    from search.backends import database_backend, sqlite_rowid

    backend = database_backend()
    backend.index(CORPUS)
    sqlite_rowid.reset_reader_pool()  # a fresh pool: it exists afterwards only if a scan ran
    answers = []
    for parallel in (False, True):
        settings.SEARCH_SQLITE_PARALLEL = parallel
        result = run(backend, f"ke hoach -{parallel}", per_page=2)  # a new search: not cached
        answers.append((result.total, result.facets, keys(result)))
        assert sqlite_rowid.has_reader_pool() is (parallel and connection.vendor == "sqlite")
    assert answers[0] == answers[1] and answers[0][0] == len(KE_HOACH)


def test_results_only_contain_the_visible_agencies(indexed):
    result = run(indexed, "ke hoach", visible=frozenset({3}))
    assert keys(result) == {"version:31"}
    assert {v.value for v in result.facets["agency"]} == {3}
    assert run(indexed, "ke hoach", visible=frozenset()).total == 0
    assert keys(run(indexed, "ke hoach", visible=None)) == KE_HOACH


def test_pages_partition_the_hits(indexed):
    seen = []
    for page in (1, 2, 3):
        result = run(indexed, "ke hoach", per_page=2, page=page, sort="date")
        assert result.total == 4
        seen += [hit.entry.key for hit in result.hits]
    assert seen[:2] == ["version:31", "version:12"]
    assert len(seen) == 4 and set(seen) == KE_HOACH


def test_sort_by_date_puts_the_newest_first(indexed):
    result = run(indexed, "ke hoach", sort="date")
    dates = [hit.entry.date for hit in result.hits]
    assert dates == sorted(dates, reverse=True)


def test_title_matches_rank_first(indexed):
    result = run(indexed, "bien ban")
    assert result.hits[0].entry.key == "version:12"


def test_hits_carry_snippets_marked_on_the_original_text(indexed):
    result = run(indexed, "ke hoach")
    hit = next(h for h in result.hits if h.entry.key == "dossier:1")
    assert [part for part, is_match in hit.title if is_match] == ["Kế", "hoạch"]
    minutes = next(h for h in result.hits if h.entry.key == "version:12")
    marked = [part for snippet in minutes.snippets for part, is_match in snippet if is_match]
    assert marked == ["kế", "hoạch"]
    nfd = run(indexed, '"de xuat"').hits
    report = next(h for h in nfd if h.entry.key == "version:21")
    assert ("đề xuất", True) in report.snippets[0]


def test_updates_and_deletes_are_seen(indexed):
    indexed.index([make_entry("version:12", title="Biên bản", text="Nội dung khác hẳn.")])
    indexed.delete(["version:11"])
    indexed.refresh()
    assert keys(run(indexed, "ke hoach")) == {"dossier:1", "version:31"}
    assert keys(run(indexed, "noi dung khac")) == {"version:12"}


def test_replace_dossier_keeps_exactly_the_given_entries(indexed):
    indexed.replace_dossier(1, [make_entry("dossier:1", title="Kế hoạch mới", stage="archived")])
    indexed.refresh()
    assert keys(run(indexed, "", filters=Filters(agency_ids=(1,)), allow_empty=True)) == {
        "dossier:1"}
    assert keys(run(indexed, "ke hoach", filters=Filters(stages=("archived",)))) == {"dossier:1"}
    indexed.replace_dossier(1, [])
    indexed.refresh()
    assert run(indexed, "", filters=Filters(agency_ids=(1,)), allow_empty=True).total == 0


def test_rebuild_replaces_everything(backend):
    backend.index(CORPUS)
    done = backend.rebuild(iter([make_entry("dossier:9", title="Chỉ một mục")]))
    backend.refresh()
    assert done == 1
    assert keys(run(backend, "chi mot")) == {"dossier:9"}
    assert run(backend, "ke hoach").total == 0


def test_health_reports_the_entries(indexed):
    health = indexed.health()
    assert health.ok, health.detail
    assert health.entries == len(CORPUS)


def test_a_long_document_is_found_by_words_past_the_snippet_text(backend):
    opening = "Mở đầu: nâng cấp hạ tầng mạng. "
    entry = make_entry("version:90", title="Báo cáo khả thi",
                       text=opening + "nội dung " * 9000 + "chuyển đổi số toàn diện.")
    backend.index([entry])
    backend.refresh()
    # Words, not a phrase: PostgreSQL keeps word positions only up to 16,383, so its phrases do
    # not match that far into a text (docs/search.md).
    far = run(backend, "chuyen doi so")
    assert keys(far) == {"version:90"}
    # Snippets come from the first SNIPPET_TEXT_CHARS characters: the opening is shown.
    snippet = far.hits[0].snippets[0]
    assert snippet[0][0].startswith("Mở đầu")
    assert not any(is_match for _part, is_match in snippet)
    near = run(backend, '"ha tang"')
    assert ("hạ tầng", True) in near.hits[0].snippets[0]


def test_totals_and_facets_follow_every_change_to_the_index(indexed):
    """Also what keeps the SQLite facet cache honest: each change gives the index a new
    generation, so counts of its former state are never reused."""
    def counts():
        result = run(indexed, "ke hoach", per_page=1)
        return result.total, {v.value: v.count for v in result.facets["agency"]}

    before = counts()
    assert counts() == before == (4, {1: 3, 3: 1})
    indexed.index([make_entry("version:91", agency_id=3, agency_name="Ban Tuyên giáo Trung ương",
                              title="Kế hoạch bổ sung")])
    indexed.refresh()
    assert counts() == (5, {1: 3, 3: 2})
    indexed.delete(["version:91"])
    indexed.refresh()
    assert counts() == before


def test_the_committed_variant_searches_outside_any_transaction(backend, request):
    from django.db import connection

    committed = request.node.callspec.params["backend"] == "database-committed"
    assert connection.in_atomic_block is not committed
