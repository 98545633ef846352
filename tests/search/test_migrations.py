"""Migration 0003 refills the FTS index by itself (it imports no backend code)."""

import pytest
from django.core.management import call_command
from django.db import connection

from search.backends import database_backend
from search.backends.base import SearchRequest
from search.query import parse

from .conftest import make_entry


@pytest.mark.django_db(transaction=True)
def test_migrating_through_0003_keeps_every_entry_findable():
    if connection.vendor != "sqlite":
        pytest.skip("0003 changes SQLite's FTS table only")
    database_backend().index([
        make_entry("dossier:1", title="Kế hoạch chuyển đổi số", text="Hạ tầng mạng"),
        make_entry("version:2", agency_id=2, agency_name="Thành ủy Hải Phòng", doc_type="main",
                   title="Dự thảo", text="Kế hoạch phần mềm"),
    ])
    try:
        call_command("migrate", "search", "0002", verbosity=0)
    finally:
        call_command("migrate", "search", verbosity=0)
    result = database_backend().search(SearchRequest(query=parse("ke hoach"),
                                                     visible_agency_ids=None))
    assert {hit.entry.key for hit in result.hits} == {"dossier:1", "version:2"}
    assert {v.value: v.count for v in result.facets["agency"]} == {1: 1, 2: 1}
