"""The Elasticsearch backend, through the official `elasticsearch` client.

Mapping: the metadata as keywords and numbers for filters and facets; the original title and text
kept in _source only (not indexed), for display and snippets; their folded forms
(search.normalization) indexed with the built-in `standard` analyzer and left out of _source. No
analysis plugin is needed: the folding is done before the text reaches the engine, the same way
as for the database backend, so both match the same words.

The index is reached through an alias; `rebuild` fills a new index and moves the alias to it in
one step, so searches keep working during a reindex.

Server versions: CI runs Elasticsearch 9.5, which the 9.x client speaks to as it is. The client
asks for 9-compatible responses, which an 8.x cluster refuses, so the backend asks the server its
version first and, on 8.x, asks for 8-compatible responses instead; nothing else differs in the
requests it makes (checked by hand against 8.19.21 with `ES_VERSION=8.19.21 bash
.ci/elasticsearch.sh`).
"""

import datetime
import threading
from collections.abc import Iterable, Iterator

from elasticsearch import Elasticsearch, helpers
from elasticsearch import exceptions as es_errors
from elasticsearch.serializer import OrjsonSerializer

from ..breaker import CircuitBreaker
from .base import (
    FACETS,
    MAX_RESULT_WINDOW,
    Backend,
    Entry,
    Health,
    RequestRejected,
    SearchRequest,
    SearchResult,
    SearchUnavailable,
)
from .elastic_client import ERRORS, Compat8Node
from .elastic_mapping import (
    AGGREGATIONS,
    AGGREGATIONS_V1,
    MAPPING,
    MAPPING_VERSION,
    SOURCE,
    document,
    es_query,
)


class ElasticsearchBackend(Backend):
    name = "elasticsearch"

    def __init__(self, url: str, *, index_prefix: str = "dossierflow", request_timeout: float = 10,
                 max_retries: int = 1, breaker: CircuitBreaker | None = None,
                 bulk_timeout: float = 300):
        if not url:
            raise ValueError("ELASTICSEARCH_URL is not set")
        self.url = url
        self.alias = f"{index_prefix}-entries"
        self.request_timeout = request_timeout
        self.max_retries = max_retries
        # A rebuild's bulk requests, refresh and merge take longer than any user's request may.
        self.bulk_timeout = max(bulk_timeout, request_timeout)
        self.breaker = breaker or CircuitBreaker(failures=1 << 30)  # never opens unless given
        self._es: Elasticsearch | None = None
        self._index_ready = False
        self._mapping_version = MAPPING_VERSION
        self._lock = threading.Lock()

    # -- connection -----------------------------------------------------------------------------

    @property
    def es(self) -> Elasticsearch:
        """The client, made on first use once the server has said its version."""
        if self._es is None:
            with self._lock:
                if self._es is None:
                    self._es = self._connect()
        return self._es

    def _connect(self) -> Elasticsearch:
        # orjson: a rebuild spends a quarter of its Python time writing JSON with the standard
        # library, and a search reading the page's texts back.
        options = {"request_timeout": self.request_timeout, "max_retries": self.max_retries,
                   "retry_on_timeout": False, "serializer": OrjsonSerializer()}
        probe = Elasticsearch(self.url, **options)
        try:
            response = probe.transport.perform_request(
                "GET", "/_nodes/_local/http?filter_path=nodes.*.version",
                headers={"accept": "application/json"}, request_timeout=self.request_timeout,
            )
        except ERRORS as error:
            raise SearchUnavailable(f"Elasticsearch at {self.url}: {error}") from error
        finally:
            probe.close()
        versions = [n.get("version", "") for n in (response.body or {}).get("nodes", {}).values()]
        major = int((versions or ["9"])[0].split(".")[0] or 9)
        if major < 9:
            options["node_class"] = Compat8Node
        return Elasticsearch(self.url, **options)

    def _call(self, fn, *args, **kwargs):
        """fn(*args, **kwargs), its failure a SearchUnavailable; not tried at all while the
        breaker is open (the engine failed again and again a moment ago)."""
        if not self.breaker.allows():
            raise SearchUnavailable(
                f"Elasticsearch at {self.url} failed repeatedly; not asked again for "
                f"{self.breaker.retry_in():.0f} s"
            )
        try:
            result = fn(*args, **kwargs)
        except es_errors.BadRequestError as error:
            self.breaker.succeeded()  # the engine answered: it is the request that is wrong
            raise RequestRejected(f"Elasticsearch at {self.url}: {error}") from error
        except (SearchUnavailable, *ERRORS) as error:
            self.breaker.failed()
            if isinstance(error, SearchUnavailable):
                raise
            raise SearchUnavailable(f"Elasticsearch at {self.url}: {error}") from error
        self.breaker.succeeded()
        return result

    def accepting(self) -> bool:
        return not self.breaker.is_open()

    def retry_now(self) -> None:
        self.breaker.succeeded()

    def ensure_index(self) -> None:
        if self._index_ready:
            return
        es = self._call(lambda: self.es)
        if not self._call(es.indices.exists_alias, name=self.alias):
            self._create_index(self._new_index_name(), alias=True)
        else:
            self._mapping_version = self._index_mapping_version()
            if self._mapping_version < MAPPING_VERSION:
                # Adding fields is allowed; the entries get them from `search_reindex`, which
                # makes a new index with the current mapping.
                self._call(es.indices.put_mapping, index=self.alias,
                           properties=MAPPING["properties"])
        self._index_ready = True

    def _index_mapping_version(self) -> int:
        body = self._call(self.es.indices.get_mapping, index=self.alias).body
        versions = [m.get("mappings", {}).get("_meta", {}).get("dossierflow_mapping", 1)
                    for m in body.values()]
        return min(versions or [1])

    def _new_index_name(self) -> str:
        return f"{self.alias}-{datetime.datetime.now(datetime.UTC):%Y%m%d%H%M%S%f}"

    def _create_index(self, name: str, *, alias: bool, bulk_loading: bool = False) -> None:
        settings = {"number_of_shards": 1, "number_of_replicas": 0,
                    "max_result_window": MAX_RESULT_WINDOW}
        if bulk_loading:
            settings["refresh_interval"] = "-1"
        body = {"settings": {"index": settings}, "mappings": MAPPING}
        if alias:
            body["aliases"] = {self.alias: {}}
        self._call(self.es.indices.create, index=name, **body)

    # -- writing --------------------------------------------------------------------------------

    def index(self, entries: Iterable[Entry], *, index: str | None = None) -> int:
        self.ensure_index()
        actions = [
            {"_op_type": "index", "_index": index or self.alias, "_id": e.key,
             "_source": document(e)}
            for e in entries
        ]
        if not actions:
            return 0
        done, _errors = self._call(helpers.bulk, self.es, actions, raise_on_error=True,
                                   chunk_size=1000, max_chunk_bytes=20 * 1024 * 1024)
        return done

    def delete(self, keys: Iterable[str]) -> None:
        self.ensure_index()
        actions = [{"_op_type": "delete", "_index": self.alias, "_id": k} for k in keys]
        if actions:
            self._call(helpers.bulk, self.es, actions, raise_on_error=False,
                       raise_on_exception=True)

    def replace_dossier(self, dossier_id: int, entries: list[Entry]) -> None:
        self.index(entries)
        keep = [e.key for e in entries]
        # The entries of this dossier that are no longer wanted. A search sees what is refreshed:
        # refresh first, so an entry written a moment ago and gone now is found too.
        # (Not delete_by_query: it lives in the reindex module, which a minimal distribution
        # such as the integ-test-zip lacks.)
        self.refresh()
        response = self._call(
            self.es.search,
            index=self.alias,
            query={"bool": {"filter": [{"term": {"dossier_id": dossier_id}}],
                            "must_not": [{"terms": {"key": keep}}] if keep else []}},
            _source=False,
            size=MAX_RESULT_WINDOW,
        ).body
        gone = [hit["_id"] for hit in response["hits"]["hits"]]
        if gone:
            self.delete(gone)

    def clear(self) -> None:
        """Point the alias at a new empty index and delete the old ones."""
        es = self._call(lambda: self.es)
        old = []
        if self._call(es.indices.exists_alias, name=self.alias):
            old = list(self._call(es.indices.get_alias, name=self.alias).body)
        new = self._new_index_name()
        self._create_index(new, alias=False)
        self._swap_alias(new, old)
        self._index_ready, self._mapping_version = True, MAPPING_VERSION

    def rebuild(self, entries: Iterator[Entry], *, progress=None, batch_size: int = 1000,
                on_target=None) -> int:
        """Fill a new index (refresh off while loading), then point the alias at it."""
        es = self._call(lambda: self.es).options(request_timeout=self.bulk_timeout)
        new = self._new_index_name()
        if on_target:
            on_target(new)
        self._create_index(new, alias=False, bulk_loading=True)
        done = 0

        def actions():
            for entry in entries:
                yield {"_op_type": "index", "_index": new, "_id": entry.key,
                       "_source": document(entry)}

        try:
            # Two requests in flight: the engine indexes one chunk while this process folds and
            # serialises the next (raise_on_error stops at the first refused document).
            for _ok, _item in helpers.parallel_bulk(
                es, actions(), thread_count=2, queue_size=2, chunk_size=batch_size,
                max_chunk_bytes=20 * 1024 * 1024, raise_on_error=True,
            ):
                done += 1
                if progress and done % batch_size == 0:
                    progress(done)
            self._call(es.indices.put_settings, index=new,
                       settings={"index": {"refresh_interval": None}})
            self._call(es.indices.refresh, index=new)
            self._call(es.indices.forcemerge, index=new, max_num_segments=1)
        except ERRORS as error:
            self._delete_index_quietly(new)
            raise SearchUnavailable(f"Elasticsearch at {self.url}: {error}") from error
        old = []
        if self._call(es.indices.exists_alias, name=self.alias):
            old = list(self._call(es.indices.get_alias, name=self.alias).body)
        self._swap_alias(new, old)
        if progress:
            progress(done)
        self._index_ready, self._mapping_version = True, MAPPING_VERSION
        return done

    def keys(self) -> dict[str, tuple]:
        self.refresh()
        fields = ["key", "dossier_id", "agency_id", "stage", "title"]
        hits = self._call(lambda: list(helpers.scan(
            self.es, index=self.alias, query={"query": {"match_all": {}}}, _source=fields,
            size=2000, scroll="2m")))
        return {h["_source"]["key"]: tuple(h["_source"].get(f) for f in fields[1:]) for h in hits}

    def indices(self) -> tuple[list[str], list[str]]:
        """(the indices behind the alias, every index of this prefix)."""
        es = self._call(lambda: self.es)
        live = []
        if self._call(es.indices.exists_alias, name=self.alias):
            live = list(self._call(es.indices.get_alias, name=self.alias).body)
        every = list(self._call(es.indices.get, index=f"{self.alias}-*", ignore_unavailable=True,
                                allow_no_indices=True, expand_wildcards="all").body)
        return live, every

    def cleanup(self, *, keep=()) -> list[str]:
        """Delete the indices killed rebuilds left half filled (not behind the alias, not in
        `keep`: the one a running rebuild fills)."""
        live, every = self.indices()
        orphans = sorted(set(every) - set(live) - set(keep))
        for name in orphans:
            self._call(self.es.indices.delete, index=name, ignore_unavailable=True)
        return orphans

    def _swap_alias(self, new: str, old: list[str]) -> None:
        actions = [{"add": {"index": new, "alias": self.alias}}]
        actions += [{"remove_index": {"index": name}} for name in old]
        self._call(self.es.indices.update_aliases, actions=actions)

    def _delete_index_quietly(self, name: str) -> None:
        try:
            self.es.indices.delete(index=name, ignore_unavailable=True)
        except ERRORS:
            pass

    def refresh(self) -> None:
        self.ensure_index()
        self._call(self.es.indices.refresh, index=self.alias)

    def drop(self) -> None:
        """Delete the alias and every index behind it (tests use their own prefix)."""
        es = self._call(lambda: self.es)
        self._call(es.indices.delete, index=f"{self.alias}-*", ignore_unavailable=True,
                   allow_no_indices=True, expand_wildcards="all")
        self._index_ready = False

    # -- searching ------------------------------------------------------------------------------

    def _search(self, request: SearchRequest) -> SearchResult:
        visible = request.visible_agency_ids
        self.ensure_index()
        size = self._page_size(request)
        if request.sort == "date" or request.query.is_empty:
            sort = [{"date": {"order": "desc", "missing": "_last"}}, {"key": "desc"}]
        else:
            sort = ["_score", {"key": "asc"}]
        body = {
            "query": es_query(request.query, request.filters, visible),
            "from": request.offset if size else 0,
            "size": size,
            "sort": sort,
            "track_total_hits": True,
            "_source": SOURCE,
        }
        if request.facets:
            body["aggs"] = AGGREGATIONS if self._mapping_version >= 2 else AGGREGATIONS_V1
        # The shard request cache keeps the result of a repeated search (the same words, filters
        # and page) until the next refresh, as it does by default for searches without hits.
        response = self._call(self.es.search, index=self.alias, request_cache=True, **body).body
        hits = [self._hit(self._entry(raw["_source"]), raw.get("_score"), request)
                for raw in response["hits"]["hits"]]
        facets = self._facets(response.get("aggregations", {})) if request.facets else {}
        return SearchResult(total=response["hits"]["total"]["value"], hits=hits, facets=facets,
                            page=request.page, per_page=request.per_page)

    @staticmethod
    def _entry(src: dict) -> Entry:
        return Entry(
            key=src["key"], dossier_id=src["dossier_id"], agency_id=src["agency_id"],
            agency_name=src.get("agency_name", ""), kind=src["kind"], stage=src["stage"],
            doc_type=src["doc_type"],
            date=datetime.date.fromisoformat(src["date"]) if src.get("date") else None,
            decision_number=src.get("decision_number") or "", title=src.get("title") or "",
            text=src.get("text") or "",
        )

    def _facets(self, aggs: dict) -> dict:
        counts = {name: {} for name in FACETS if name != "agency"}
        for name in counts:
            for b in aggs.get(name, {}).get("buckets", []):
                counts[name][b["key"]] = b["doc_count"]
        for b in aggs.get("group", {}).get("buckets", []):
            kind, stage, doc_type, year = b["key"].split("|")
            for name, value in (("kind", kind), ("stage", stage), ("doc_type", doc_type),
                                ("year", int(year) if year else None)):
                if value is not None:
                    counts[name][value] = counts[name].get(value, 0) + b["doc_count"]
        # Buckets keyed "<id>:<name>"; an agency renamed since some entries were indexed has a
        # bucket a name, counted together under its most frequent name (the first bucket).
        counts["agency"], labels = {}, {}
        for b in aggs.get("agency", {}).get("buckets", []):
            agency_id, _colon, name = b["key"].partition(":")
            agency_id = int(agency_id)
            labels.setdefault(agency_id, name)
            counts["agency"][agency_id] = counts["agency"].get(agency_id, 0) + b["doc_count"]
        return self._facet_values(counts, labels)

    # -- status ---------------------------------------------------------------------------------

    def health(self) -> Health:
        try:
            es = self.es
            cluster = es.cluster.health().body
            count = None
            if es.indices.exists_alias(name=self.alias):
                count = es.count(index=self.alias).body["count"]
                version = self._index_mapping_version()
        except (SearchUnavailable, *ERRORS) as error:
            return Health(self.name, False, f"{self.url}: {error}")
        ok = cluster.get("status") in ("green", "yellow")
        detail = f"{self.url} cluster {cluster.get('cluster_name')} {cluster.get('status')}"
        if count is None:
            detail += ", no index yet (run search_reindex)"
        elif version < MAPPING_VERSION:
            detail += ", index made by an older version (run search_reindex)"
        return Health(self.name, ok, detail, entries=count)
