"""What the Elasticsearch backend writes and asks: the index's mapping, the document of an entry,
the query of a search and the facet aggregations (elastic.py says why they are so)."""

from ..query import Clause, Query
from .base import SNIPPET_TEXT_CHARS, Entry, Filters

FIELDS = ["title_folded^3", "text_folded"]
SOURCE = [
    "key", "dossier_id", "agency_id", "agency_name", "kind", "stage", "doc_type", "date",
    "decision_number", "title", "text",
]
# Raised when a field is added that existing entries need: an older index then works on (a field
# added to its mapping), its new field filled by `search_reindex`, and is searched the old way.
MAPPING_VERSION = 2
MAPPING = {
    "dynamic": "strict",
    "_meta": {"dossierflow_mapping": MAPPING_VERSION},
    "_source": {"excludes": ["title_folded", "text_folded"]},
    "properties": {
        "key": {"type": "keyword"},
        "dossier_id": {"type": "long"},
        "agency_id": {"type": "long"},
        "agency_name": {"type": "keyword"},
        # "<agency id>:<agency name>": the agency facet counts and labels in one terms aggregation.
        "agency_facet": {"type": "keyword"},
        # "<kind>|<stage>|<doc_type>|<year>": the other four facets in one terms aggregation.
        "facet_group": {"type": "keyword"},
        "kind": {"type": "keyword"},
        "stage": {"type": "keyword"},
        "doc_type": {"type": "keyword"},
        "year": {"type": "integer"},
        "date": {"type": "date", "format": "strict_date"},
        "decision_key": {"type": "keyword"},
        "decision_number": {"type": "keyword", "index": False, "doc_values": False},
        "title": {"type": "text", "index": False},
        "text": {"type": "text", "index": False},
        "title_folded": {"type": "text", "analyzer": "standard"},
        "text_folded": {"type": "text", "analyzer": "standard"},
    },
}


def document(entry: Entry) -> dict:
    return {
        "key": entry.key,
        "dossier_id": entry.dossier_id,
        "agency_id": entry.agency_id,
        "agency_name": entry.agency_name,
        "agency_facet": f"{entry.agency_id}:{entry.agency_name}",
        "facet_group": f"{entry.kind}|{entry.stage}|{entry.doc_type}|{entry.year or ''}",
        "kind": entry.kind,
        "stage": entry.stage,
        "doc_type": entry.doc_type,
        "year": entry.year,
        "date": entry.date.isoformat() if entry.date else None,
        "decision_key": entry.decision_key,
        "decision_number": entry.decision_number,
        "title": entry.title,
        "text": entry.text[:SNIPPET_TEXT_CHARS],  # for snippets only
        "title_folded": entry.title_folded,
        "text_folded": entry.text_folded,
    }


def _clause(clause: Clause) -> dict:
    if len(clause) == 1:
        return {"multi_match": {"query": clause[0], "fields": FIELDS}}
    return {"multi_match": {"query": " ".join(clause), "type": "phrase", "fields": FIELDS}}


def _any(clauses) -> dict:
    if len(clauses) == 1:
        return _clause(clauses[0])
    return {"bool": {"should": [_clause(c) for c in clauses], "minimum_should_match": 1}}


def es_query(query: Query, filters: Filters, visible) -> dict:
    must = [_any(group) for group in query.groups] or [{"match_all": {}}]
    must_not = [_clause(c) for c in query.excluded]
    flt = []
    if visible is not None:
        flt.append({"terms": {"agency_id": sorted(visible)}})
    if filters.agency_ids:
        flt.append({"terms": {"agency_id": list(filters.agency_ids)}})
    if filters.kinds:
        flt.append({"terms": {"kind": list(filters.kinds)}})
    if filters.stages:
        flt.append({"terms": {"stage": list(filters.stages)}})
    if filters.doc_types:
        flt.append({"terms": {"doc_type": list(filters.doc_types)}})
    if filters.decision_key:
        flt.append({"term": {"decision_key": filters.decision_key}})
    if filters.date_from or filters.date_to:
        bounds = {}
        if filters.date_from:
            bounds["gte"] = filters.date_from.isoformat()
        if filters.date_to:
            bounds["lte"] = filters.date_to.isoformat()
        flt.append({"range": {"date": bounds}})
    return {"bool": {"must": must, "must_not": must_not, "filter": flt}}


# The facets in two terms aggregations: each one walks every match, so fewer is quicker.
AGGREGATIONS = {
    "agency": {"terms": {"field": "agency_facet", "size": 1000}},
    "group": {"terms": {"field": "facet_group", "size": 10000}},
}
# For an index made before facet_group existed (MAPPING_VERSION 1), until it is rebuilt.
AGGREGATIONS_V1 = {
    "agency": AGGREGATIONS["agency"],
    "kind": {"terms": {"field": "kind", "size": 50}},
    "stage": {"terms": {"field": "stage", "size": 50}},
    "year": {"terms": {"field": "year", "size": 200}},
    "doc_type": {"terms": {"field": "doc_type", "size": 50}},
}
