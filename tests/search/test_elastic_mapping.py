"""An Elasticsearch index made by an older version keeps answering, with the same facets, until
`search_reindex` rebuilds it with the current mapping."""

import copy

import pytest

from search.backends import elastic
from search.backends.base import SearchRequest
from search.query import parse

from .test_parity import CORPUS, KE_HOACH

pytestmark = pytest.mark.elasticsearch


def _facets(result):
    return {name: {v.value: v.count for v in values} for name, values in result.facets.items()}


def _search(backend):
    return backend.search(SearchRequest(query=parse("ke hoach"), visible_agency_ids=None))


def test_an_index_of_the_first_mapping_is_searched_the_old_way_until_rebuilt(es_backend):
    current = es_backend
    current.rebuild(iter(CORPUS))
    expected = _facets(_search(current))
    assert sum(expected["kind"].values()) == len(KE_HOACH)

    # The same entries in an index of the first mapping: no facet_group field, no version.
    old_mapping = copy.deepcopy(elastic.MAPPING)
    del old_mapping["_meta"], old_mapping["properties"]["facet_group"]
    es = current.es
    es.indices.delete(index=f"{current.alias}-*")
    es.indices.create(index=f"{current.alias}-old", mappings=old_mapping,
                      aliases={current.alias: {}})
    for entry in CORPUS:
        document = elastic.document(entry)
        del document["facet_group"]
        es.index(index=current.alias, id=entry.key, document=document)
    es.indices.refresh(index=current.alias)

    old = elastic.ElasticsearchBackend(current.url, index_prefix=current.alias[: -len("-entries")])
    assert _facets(_search(old)) == expected
    assert "run search_reindex" in old.health().detail

    old.rebuild(iter(CORPUS))
    assert _facets(_search(old)) == expected
    assert "older version" not in old.health().detail
