"""The official Python clients, at majors 8 and 9, drive the document store unchanged: indices,
documents, bulk (and the helpers), search, scroll, count, delete by query, mappings, aliases, ingest
pipelines, the license, connector secrets and the connectors' system indices."""

from __future__ import annotations

import importlib
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest

CLIENTS = ["elasticsearch8", "elasticsearch9"]
SYNC_JOBS = ".elastic-connectors-sync-jobs"


@pytest.fixture(params=CLIENTS)
def es_module(request):
    return importlib.import_module(request.param)


@pytest.fixture
def helpers(es_module):
    return importlib.import_module(es_module.__name__ + ".helpers")


@pytest.fixture
def es(es_module, mockserver_live):
    client = es_module.Elasticsearch(mockserver_live.url)
    yield client
    client.close()


@contextmanager
def raises(es_module, kind: str, error_type: str, status: int):
    """``pytest.raises`` for the client's typed error, checking the parsed ``error.type`` and the status."""
    with pytest.raises(getattr(es_module, kind)) as caught:
        yield caught
    error = caught.value
    assert (error.message, error.meta.status) == (error_type, status), error.body
    assert error.meta.headers["x-elastic-product"] == "Elasticsearch"


def seed(es, index="books"):
    """Four books; ``added`` is 1, 10, 400 and 3000 days ago, so date math in ranges has something to tell apart."""
    es.indices.create(
        index=index,
        mappings={
            "properties": {
                "title": {"type": "text"},
                "tag": {"type": "keyword"},
                "year": {"type": "integer"},
                "added": {"type": "date"},
            }
        },
    )
    today = datetime.now(UTC)
    books = [
        ("1", "The Quick Brown Fox", "fiction", 2001, 3000),
        ("2", "Lazy Dogs Sleep", "fiction", 1999, 1),
        ("3", "Brown Bread Recipes", "cooking", 2015, 10),
        ("4", "A Fox in the City", "travel", 2020, 400),
    ]
    operations = []
    for doc_id, title, tag, year, days in books:
        operations += [
            {"index": {"_index": index, "_id": doc_id}},
            {
                "title": title,
                "tag": tag,
                "year": year,
                "added": (today - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                **({"subtitle": "and more"} if doc_id == "3" else {}),
            },
        ]
    answer = es.bulk(operations=operations, refresh=True)
    assert answer["errors"] is False and [i["index"]["status"] for i in answer["items"]] == [201] * 4
    return index


def ids(answer) -> list[str]:
    return [hit["_id"] for hit in answer["hits"]["hits"]]


# -- indices --------------------------------------------------------------------------------------
def test_indices_create_get_exists_delete(es, es_module):
    created = es.indices.create(
        index="docs",
        settings={"number_of_shards": 1},
        mappings={"properties": {"tag": {"type": "keyword"}}},
        aliases={"docs-read": {}},
    )
    assert (created.meta.status, dict(created)) == (
        200,
        {"acknowledged": True, "shards_acknowledged": True, "index": "docs"},
    )
    with raises(es_module, "BadRequestError", "resource_already_exists_exception", 400):
        es.indices.create(index="docs")
    with raises(es_module, "BadRequestError", "invalid_index_name_exception", 400):
        es.indices.create(index="Not-Lowercase")

    present, missing = es.indices.exists(index="docs"), es.indices.exists(index="nope")
    assert (present.body, missing.body) == (True, False) and (bool(present), bool(missing)) == (True, False)
    assert (present.meta.status, missing.meta.status) == (200, 404)

    got = es.indices.get(index="docs")["docs"]
    assert got["mappings"] == {"properties": {"tag": {"type": "keyword"}}}
    assert got["aliases"] == {"docs-read": {}}
    assert got["settings"]["index"]["number_of_shards"] == "1"
    assert got["settings"]["index"]["provided_name"] == "docs"
    with raises(es_module, "NotFoundError", "index_not_found_exception", 404) as caught:
        es.indices.get(index="nope")
    assert caught.value.body["error"]["index"] == "nope"

    assert es.indices.delete(index="docs")["acknowledged"] is True
    assert es.indices.exists(index="docs").body is False
    with raises(es_module, "NotFoundError", "index_not_found_exception", 404):
        es.indices.delete(index="docs")


# -- single documents -----------------------------------------------------------------------------
def test_document_index_get_exists_source_delete(es, es_module):
    first = es.index(index="docs", id="1", document={"title": "one", "n": 1})
    assert first.meta.status == 201
    assert (first["result"], first["_version"], first["_id"], first["_index"]) == ("created", 1, "1", "docs")
    assert isinstance(first["_seq_no"], int) and first["_primary_term"] == 1
    assert first["_shards"]["successful"] == 1
    again = es.index(index="docs", id="1", document={"title": "uno", "n": 1}, refresh=True)
    assert (again.meta.status, again["result"], again["_version"], again["forced_refresh"]) == (200, "updated", 2, True)
    assert again["_seq_no"] > first["_seq_no"]
    generated = es.index(index="docs", document={"title": "auto"})
    assert generated["result"] == "created" and isinstance(generated["_id"], str) and generated["_id"]
    assert es.create(index="docs", id="2", document={"title": "two"})["result"] == "created"

    with raises(es_module, "ConflictError", "version_conflict_engine_exception", 409):
        es.create(index="docs", id="2", document={"title": "two again"})
    with raises(es_module, "ConflictError", "version_conflict_engine_exception", 409):
        es.index(index="docs", id="1", document={"title": "stale"}, if_seq_no=first["_seq_no"], if_primary_term=1)
    assert (
        es.index(
            index="docs", id="1", document={"title": "fresh", "n": 1}, if_seq_no=again["_seq_no"], if_primary_term=1
        )["_version"]
        == 3
    )
    with raises(es_module, "BadRequestError", "action_request_validation_exception", 400):
        es.index(index="docs", id="1", document={}, if_seq_no=1)

    doc = es.get(index="docs", id="1")
    assert (doc["found"], doc["_version"], doc["_source"]) == (True, 3, {"title": "fresh", "n": 1})
    assert es.get(index="docs", id="1", source_includes=["n"])["_source"] == {"n": 1}
    assert "_source" not in es.get(index="docs", id="1", source=False)
    with pytest.raises(es_module.NotFoundError) as caught:
        es.get(index="docs", id="nope")
    assert caught.value.body == {"_index": "docs", "_id": "nope", "found": False}
    with raises(es_module, "NotFoundError", "index_not_found_exception", 404):
        es.get(index="no-such-index", id="1")

    assert (es.exists(index="docs", id="1").body, es.exists(index="docs", id="nope").body) == (True, False)
    assert es.exists(index="no-such-index", id="1").body is False
    assert es.exists_source(index="docs", id="1").body is True
    assert es.exists_source(index="docs", id="nope").body is False
    source = es.get_source(index="docs", id="1")
    assert dict(source) == {"title": "fresh", "n": 1}
    assert dict(es.get_source(index="docs", id="1", source_excludes=["title"])) == {"n": 1}
    with raises(es_module, "NotFoundError", "resource_not_found_exception", 404):
        es.get_source(index="docs", id="nope")

    deleted = es.delete(index="docs", id="1")
    assert (deleted["result"], deleted["_version"]) == ("deleted", 4)
    with pytest.raises(es_module.NotFoundError) as caught:
        es.delete(index="docs", id="1")
    assert (caught.value.body["result"], caught.value.body["_version"]) == ("not_found", 5)
    with raises(es_module, "NotFoundError", "index_not_found_exception", 404):
        es.delete(index="no-such-index", id="1")


def test_update(es, es_module):
    es.index(index="docs", id="1", document={"title": "one", "meta": {"a": 1}}, refresh=True)
    updated = es.update(index="docs", id="1", doc={"meta": {"b": 2}}, source=True)
    assert (updated["result"], updated["_version"]) == ("updated", 2)
    assert updated["get"]["_source"] == {"title": "one", "meta": {"a": 1, "b": 2}}
    noop = es.update(index="docs", id="1", doc={"title": "one"})
    assert (noop["result"], noop["_version"], noop["_shards"]["total"]) == ("noop", 2, 0)
    upserted = es.update(index="docs", id="2", doc={"title": "two"}, doc_as_upsert=True)
    assert (upserted.meta.status, upserted["result"]) == (201, "created")
    assert es.update(index="docs", id="3", doc={"x": 1}, upsert={"x": 0})["result"] == "created"
    assert es.get_source(index="docs", id="3") == {"x": 0}

    with raises(es_module, "NotFoundError", "document_missing_exception", 404):
        es.update(index="docs", id="missing", doc={"title": "x"})
    with raises(es_module, "ConflictError", "version_conflict_engine_exception", 409):
        es.update(index="docs", id="1", doc={"title": "stale"}, if_seq_no=0, if_primary_term=1)
    with raises(es_module, "BadRequestError", "action_request_validation_exception", 400) as caught:
        es.update(index="docs", id="1", doc={"a": 1}, script={"source": "ctx._source.a = 1"})
    assert "can't provide both script and doc" in caught.value.body["error"]["reason"]


# -- bulk and the helpers -------------------------------------------------------------------------
def test_bulk(es, es_module):
    answer = es.bulk(
        refresh=True,
        operations=[
            {"index": {"_index": "docs", "_id": "1"}},
            {"title": "one"},
            {"create": {"_index": "docs", "_id": "2"}},
            {"title": "two"},
            {"create": {"_index": "docs", "_id": "2"}},
            {"title": "two again"},
            {"update": {"_index": "docs", "_id": "1"}},
            {"doc": {"extra": True}},
            {"update": {"_index": "docs", "_id": "9"}},
            {"doc": {"extra": True}},
            {"delete": {"_index": "docs", "_id": "2"}},
            {"delete": {"_index": "docs", "_id": "2"}},
        ],
    )
    assert answer["errors"] is True and isinstance(answer["took"], int)
    summary = [(next(iter(item)), item[next(iter(item))]["status"]) for item in answer["items"]]
    assert summary == [
        ("index", 201),
        ("create", 201),
        ("create", 409),
        ("update", 200),
        ("update", 404),
        ("delete", 200),
        ("delete", 404),
    ]
    assert answer["items"][2]["create"]["error"]["type"] == "version_conflict_engine_exception"
    assert answer["items"][4]["update"]["error"]["type"] == "document_missing_exception"
    assert answer["items"][6]["delete"]["result"] == "not_found"
    assert es.get_source(index="docs", id="1") == {"title": "one", "extra": True}
    assert es.exists(index="docs", id="2").body is False
    # A default index in the path; an empty body is refused.
    defaulted = es.bulk(index="other", operations=[{"index": {"_id": "a"}}, {"v": 1}])
    assert defaulted["items"][0]["index"]["_index"] == "other"
    with raises(es_module, "BadRequestError", "parse_exception", 400) as caught:
        es.bulk(operations=[])
    assert caught.value.body["error"]["reason"] == "request body is required"


def test_helpers_bulk_and_scan(es, es_module, helpers, mockserver_live):
    actions = [{"_index": "docs", "_id": str(i), "_source": {"n": i}} for i in range(25)]
    success, errors = helpers.bulk(es, actions, chunk_size=10, refresh=True)
    assert (success, errors) == (25, [])
    assert es.count(index="docs")["count"] == 25
    with pytest.raises(helpers.BulkIndexError) as caught:
        helpers.bulk(
            es,
            [
                {"_op_type": "create", "_index": "docs", "_id": "0", "_source": {"n": 0}},
                {"_op_type": "delete", "_index": "docs", "_id": "24"},
            ],
        )
    assert [e["create"]["status"] for e in caught.value.errors] == [409]
    success, errors = helpers.bulk(es, [{"_op_type": "delete", "_index": "docs", "_id": "404"}], raise_on_error=False)
    assert success == 0 and errors[0]["delete"]["status"] == 404

    mockserver_live.journal.clear()
    scanned = list(helpers.scan(es, index="docs", query={"query": {"range": {"n": {"gte": 3}}}}, size=4, scroll="1m"))
    assert sorted(hit["_source"]["n"] for hit in scanned) == list(range(3, 24))
    assert len({hit["_id"] for hit in scanned}) == 21
    mockserver_live.journal.assert_called("POST", "/docs/_search", times=1)
    assert mockserver_live.journal.count("POST", "/_search/scroll") == 6  # 5 full pages then an empty one
    cleared = mockserver_live.journal.assert_called("DELETE", "/_search/scroll", times=1)
    assert cleared[0].status == 200 and cleared[0].response_json == {"succeeded": True, "num_freed": 1}
    assert mockserver_live.state("elasticsearch").scrolls.contexts == {}

    ordered = list(helpers.scan(es, index="docs", query={"sort": [{"n": "desc"}]}, preserve_order=True, size=10))
    assert [hit["_source"]["n"] for hit in ordered] == list(range(23, -1, -1))


# -- search, scroll, count, delete by query ------------------------------------------------------
def test_search(es, es_module):
    seed(es)
    everything = es.search(index="books")
    assert everything["hits"]["total"] == {"value": 4, "relation": "eq"}
    assert isinstance(everything["took"], int) and everything["timed_out"] is False
    assert everything["_shards"]["failed"] == 0 and isinstance(everything["hits"]["max_score"], float)
    assert sorted(ids(everything)) == ["1", "2", "3", "4"]

    def found(query, **kw):
        return sorted(ids(es.search(index="books", query=query, **kw)))

    assert found({"term": {"tag": "fiction"}}) == ["1", "2"]
    assert found({"terms": {"tag": ["cooking", "travel"]}}) == ["3", "4"]
    assert found({"ids": {"values": ["2", "4", "99"]}}) == ["2", "4"]
    assert found({"exists": {"field": "subtitle"}}) == ["3"]
    assert found({"range": {"year": {"gte": 2000, "lt": 2020}}}) == ["1", "3"]
    assert found({"range": {"added": {"gte": "now-30d/d"}}}) == ["2", "3"]
    assert found({"range": {"added": {"lt": "now-1y", "gte": "now-5y/y"}}}) == ["4"]
    assert found({"range": {"added": {"gt": "now-2d", "lte": "now"}}}) == ["2"]
    assert found({"match": {"title": "fox"}}) == ["1", "4"]
    assert found({"match": {"title": {"query": "brown fox", "operator": "and"}}}) == ["1"]
    assert found({"bool": {"must": [{"match": {"title": "brown"}}], "filter": [{"term": {"tag": "fiction"}}]}}) == ["1"]
    assert found(
        {
            "bool": {
                "should": [{"term": {"tag": "travel"}}, {"term": {"year": 1999}}],
                "must_not": [{"ids": {"values": ["4"]}}],
            }
        }
    ) == ["2"]
    scored = es.search(index="books", query={"constant_score": {"filter": {"term": {"tag": "fiction"}}, "boost": 1.5}})
    assert {hit["_score"] for hit in scored["hits"]["hits"]} == {1.5}
    best = es.search(index="books", query={"match": {"title": "brown fox"}})["hits"]["hits"][0]
    assert best["_id"] == "1" and isinstance(best["_score"], float)

    by_year = es.search(index="books", sort=[{"year": "desc"}], from_=1, size=2, source_includes=["year"])
    assert [(h["_id"], h["_source"], h["sort"]) for h in by_year["hits"]["hits"]] == [
        ("3", {"year": 2015}, [2015]),
        ("1", {"year": 2001}, [2001]),
    ]
    assert by_year["hits"]["total"]["value"] == 4
    after = es.search(index="books", sort=[{"year": "asc"}], size=2, search_after=[2001], source=False)
    assert ids(after) == ["3", "4"] and all("_source" not in h for h in after["hits"]["hits"])
    filtered = es.search(index="books", query={"ids": {"values": ["3"]}}, source={"excludes": ["title", "added"]})
    assert filtered["hits"]["hits"][0]["_source"] == {"tag": "cooking", "year": 2015, "subtitle": "and more"}
    assert es.search(index="books", query={"ids": {"values": ["3"]}}, source=["t*"])["hits"]["hits"][0]["_source"] == {
        "title": "Brown Bread Recipes",
        "tag": "cooking",
    }
    assert es.search(index="books", size=0, track_total_hits=True)["hits"]["hits"] == []

    with raises(es_module, "NotFoundError", "index_not_found_exception", 404):
        es.search(index="nope")
    assert es.search(index="nope*")["hits"]["total"]["value"] == 0
    with raises(es_module, "BadRequestError", "parsing_exception", 400) as caught:
        es.search(index="books", query={"matchh": {"title": "fox"}})
    assert caught.value.body["error"]["reason"].startswith("unknown query [matchh]")
    with raises(es_module, "BadRequestError", "search_phase_execution_exception", 400):
        es.search(index="books", from_=10000, size=1)


def test_scroll_and_clear_scroll(es, es_module, mockserver_live):
    seed(es)
    page = es.search(index="books", scroll="1m", size=3, sort=["_doc"])
    scroll_id = page["_scroll_id"]
    assert isinstance(scroll_id, str) and len(page["hits"]["hits"]) == 3
    assert page["hits"]["total"]["value"] == 4
    seen = ids(page)
    page = es.scroll(scroll_id=scroll_id, scroll="1m")
    seen += ids(page)
    assert es.scroll(scroll_id=page["_scroll_id"], scroll="1m")["hits"]["hits"] == []
    assert sorted(seen) == ["1", "2", "3", "4"]

    cleared = es.clear_scroll(scroll_id=scroll_id)
    assert (cleared.meta.status, dict(cleared)) == (200, {"succeeded": True, "num_freed": 1})
    with pytest.raises(es_module.NotFoundError) as caught:
        es.clear_scroll(scroll_id=scroll_id)
    assert caught.value.body == {"succeeded": True, "num_freed": 0}
    with raises(es_module, "NotFoundError", "search_phase_execution_exception", 404):
        es.scroll(scroll_id=scroll_id, scroll="1m")
    with raises(es_module, "BadRequestError", "illegal_argument_exception", 400):
        es.scroll(scroll_id="not-a-scroll-id")
    with raises(es_module, "BadRequestError", "action_request_validation_exception", 400):
        es.search(index="books", scroll="1m", size=2, from_=1)

    es.search(index="books", scroll="1m", size=1)
    es.search(index="books", scroll="1m", size=1)
    assert es.clear_scroll(scroll_id="_all")["num_freed"] == 2
    assert mockserver_live.state("elasticsearch").scrolls.contexts == {}


def test_count_and_delete_by_query(es, es_module):
    seed(es)
    counted = es.count(index="books")
    assert (counted["count"], counted["_shards"]["total"]) == (4, 1)
    assert es.count(index="books", query={"term": {"tag": "fiction"}})["count"] == 2
    assert es.count()["count"] >= 4  # every visible index
    with raises(es_module, "NotFoundError", "index_not_found_exception", 404):
        es.count(index="nope")

    answer = es.delete_by_query(index="books", query={"range": {"year": {"lt": 2010}}}, refresh=True)
    assert (answer["deleted"], answer["total"], answer["failures"], answer["version_conflicts"]) == (2, 2, [], 0)
    assert sorted(ids(es.search(index="books"))) == ["3", "4"]
    with raises(es_module, "BadRequestError", "action_request_validation_exception", 400):
        es.delete_by_query(index="books", body={})


# -- refresh and mappings -------------------------------------------------------------------------
def test_refresh_and_mapping(es, es_module):
    es.indices.create(
        index="docs",
        settings={"number_of_shards": 2, "number_of_replicas": 0},
        mappings={"properties": {"tag": {"type": "keyword"}}},
    )
    es.indices.create(index="other")
    refreshed = es.indices.refresh(index="docs")
    assert refreshed["_shards"] == {"total": 2, "successful": 2, "failed": 0}
    assert es.indices.refresh()["_shards"]["failed"] == 0
    with raises(es_module, "NotFoundError", "index_not_found_exception", 404):
        es.indices.refresh(index="nope")

    assert dict(es.indices.get_mapping(index="docs")) == {
        "docs": {"mappings": {"properties": {"tag": {"type": "keyword"}}}}
    }
    assert set(es.indices.get_mapping(index="docs,other")) == {"docs", "other"}
    assert es.indices.put_mapping(index="docs", properties={"title": {"type": "text"}})["acknowledged"] is True
    es.index(index="docs", id="1", document={"n": 7, "when": "2024-05-01T00:00:00Z"})
    props = es.indices.get_mapping(index="docs")["docs"]["mappings"]["properties"]
    assert props["title"] == {"type": "text"} and props["n"] == {"type": "long"} and props["when"] == {"type": "date"}
    with raises(es_module, "BadRequestError", "illegal_argument_exception", 400) as caught:
        es.indices.put_mapping(index="docs", properties={"tag": {"type": "long"}})
    assert "cannot be changed from type [keyword] to [long]" in caught.value.body["error"]["reason"]
    with raises(es_module, "NotFoundError", "index_not_found_exception", 404):
        es.indices.get_mapping(index="nope")


# -- aliases --------------------------------------------------------------------------------------
def test_aliases(es, es_module):
    es.indices.create(index="docs-1")
    es.indices.create(index="docs-2")
    assert dict(es.indices.put_alias(index="docs-1", name="docs")) == {"acknowledged": True, "errors": False}
    assert es.indices.exists_alias(name="docs").body is True
    assert es.indices.exists_alias(name="nope").body is False
    assert es.indices.exists_alias(index="docs-2", name="docs").body is False
    assert dict(es.indices.get_alias(name="docs")) == {"docs-1": {"aliases": {"docs": {}}}}

    # Writes and single-document reads through an alias of one index go to that index.
    assert es.index(index="docs", id="1", document={"v": 1}, refresh=True)["_index"] == "docs-1"
    assert es.get(index="docs", id="1")["_index"] == "docs-1"

    changed = es.indices.update_aliases(
        actions=[
            {"add": {"index": "docs-2", "alias": "docs", "is_write_index": True}},
            {"add": {"index": "docs-2", "alias": "recent", "filter": {"term": {"v": 2}}}},
            {"remove": {"index": "docs-1", "alias": "docs"}},
        ]
    )
    assert changed["acknowledged"] is True and changed["errors"] is False
    aliases = es.indices.get_alias(index="docs-*")
    assert dict(aliases) == {
        "docs-1": {"aliases": {}},
        "docs-2": {"aliases": {"docs": {"is_write_index": True}, "recent": {"filter": {"term": {"v": 2}}}}},
    }
    with pytest.raises(es_module.NotFoundError) as caught:
        es.indices.get_alias(name="docs,missing")
    assert caught.value.message == "alias [missing] missing"
    assert caught.value.body["docs-2"] == {"aliases": {"docs": {"is_write_index": True}}}
    with raises(es_module, "NotFoundError", "index_not_found_exception", 404):
        es.indices.put_alias(index="nope", name="x")

    assert es.indices.delete_alias(index="docs-2", name="recent")["acknowledged"] is True
    with raises(es_module, "NotFoundError", "aliases_not_found_exception", 404):
        es.indices.delete_alias(index="docs-2", name="recent")
    with raises(es_module, "BadRequestError", "illegal_argument_exception", 400):
        es.indices.delete(index="docs")  # an alias, not an index


def test_alias_named_as_an_index(es, es_module):
    es.indices.create(index="docs-1")
    es.indices.create(index="docs-2")
    with raises(es_module, "BadRequestError", "invalid_alias_name_exception", 400) as caught:
        es.indices.put_alias(index="docs-2", name="docs-1")
    assert (
        caught.value.body["error"]["reason"]
        == "Invalid alias name [docs-1]: an index or data stream exists with the same name as the alias"
    )


# -- ingest pipelines -----------------------------------------------------------------------------
def test_ingest_pipelines(es, es_module):
    builtin = es.ingest.get_pipeline(id="search-default-ingestion")["search-default-ingestion"]
    assert builtin["_meta"] == {"managed_by": "Search", "managed": True} and builtin["version"] == 1
    assert [next(iter(p)) for p in builtin["processors"]] == ["attachment", "set", "gsub", "gsub", "trim", "remove"]
    assert "search-default-ingestion" in es.ingest.get_pipeline()

    assert (
        es.ingest.put_pipeline(
            id="tagger",
            description="tags",
            processors=[{"set": {"field": "tagged", "value": "yes"}}, {"lowercase": {"field": "name"}}],
        )["acknowledged"]
        is True
    )
    assert es.ingest.get_pipeline(id="tagger")["tagger"]["description"] == "tags"
    es.index(index="docs", id="1", document={"name": "LOUD"}, pipeline="tagger")
    assert es.get_source(index="docs", id="1") == {"name": "loud", "tagged": "yes"}
    es.index(
        index="docs",
        id="2",
        pipeline="search-default-ingestion",
        document={"body": "  lots   of\n space  ", "_reduce_whitespace": True, "_run_ml_inference": False},
    )
    assert es.get_source(index="docs", id="2") == {"body": "lots of space"}
    bulked = es.bulk(pipeline="tagger", operations=[{"index": {"_index": "docs", "_id": "3"}}, {"name": "Bulk"}])
    assert bulked["errors"] is False and es.get_source(index="docs", id="3") == {"name": "bulk", "tagged": "yes"}

    with raises(es_module, "BadRequestError", "illegal_argument_exception", 400) as caught:
        es.index(index="docs", id="4", document={}, pipeline="no-such-pipeline")
    assert caught.value.body["error"]["reason"] == "pipeline with id [no-such-pipeline] does not exist"
    with raises(es_module, "BadRequestError", "parse_exception", 400):
        es.ingest.put_pipeline(id="bad", processors=[{"no_such_processor": {}}])
    with pytest.raises(es_module.NotFoundError) as caught:
        es.ingest.get_pipeline(id="no-such-pipeline")
    assert caught.value.body == {}

    assert es.ingest.delete_pipeline(id="tagger")["acknowledged"] is True
    with raises(es_module, "NotFoundError", "resource_not_found_exception", 404):
        es.ingest.delete_pipeline(id="tagger")


# -- license and connector secrets ----------------------------------------------------------------
def test_license(es):
    answer = es.license.get()
    lic = answer["license"]
    assert (lic["type"], lic["status"]) == ("trial", "active")
    assert isinstance(lic["issue_date_in_millis"], int) and lic["expiry_date_in_millis"] > lic["issue_date_in_millis"]
    assert lic["issue_date"].endswith("Z") and isinstance(lic["uid"], str)


def secret(es, method, path="", body=None):
    """The connector secret API, through ``perform_request``: neither client has methods for it."""
    headers = {"accept": "application/json"}
    if body is not None:
        headers["content-type"] = "application/json"
    return es.perform_request(method, "/_connector/_secret" + path, headers=headers, body=body)


def test_connector_secrets(es, es_module):
    created = secret(es, "POST", body={"value": "s3cr3t"})
    secret_id = created["id"]
    assert created.meta.status == 200 and isinstance(secret_id, str)
    assert dict(secret(es, "GET", f"/{secret_id}")) == {"id": secret_id, "value": "s3cr3t"}
    assert dict(secret(es, "PUT", f"/{secret_id}", {"value": "rotated"})) == {"result": "updated"}
    assert secret(es, "GET", f"/{secret_id}")["value"] == "rotated"
    made = secret(es, "PUT", "/chosen-id", {"value": "v"})
    assert (made.meta.status, made["result"]) == (201, "created")
    assert dict(secret(es, "DELETE", f"/{secret_id}")) == {"deleted": True}
    with raises(es_module, "NotFoundError", "resource_not_found_exception", 404) as caught:
        secret(es, "GET", f"/{secret_id}")
    assert caught.value.body["error"]["reason"] == f"No secret with id [{secret_id}]"
    with raises(es_module, "NotFoundError", "resource_not_found_exception", 404):
        secret(es, "DELETE", f"/{secret_id}")
    with raises(es_module, "BadRequestError", "action_request_validation_exception", 400):
        secret(es, "POST", body={"value": ""})


# -- the connectors' system indices ---------------------------------------------------------------
def test_system_indices_are_views_of_the_connector_apis(es, es_module):
    job_id = es.connector.sync_job_post(id="connector-1", job_type="full")["id"]
    stored = es.get(index=SYNC_JOBS, id=job_id)
    assert stored["_index"] == SYNC_JOBS + "-v1" and stored["_source"]["status"] == "pending"
    assert stored["_source"]["connector"]["id"] == "connector-1"
    assert (
        es.get_source(index=".elastic-connectors", id="connector-1")["index_name"]
        == es.connector.get(connector_id="connector-1")["index_name"]
    )

    pending = es.search(index=SYNC_JOBS, query={"term": {"status": "pending"}}, size=100)
    assert job_id in ids(pending)
    # The indices are hidden: a wildcard over their names (not their plain aliases) needs expand_wildcards.
    hidden = es.search(index="*connectors*-v1", expand_wildcards=["open", "hidden"], size=100)
    assert {hit["_index"] for hit in hidden["hits"]["hits"]} == {".elastic-connectors-v1", SYNC_JOBS + "-v1"}
    assert es.search(index="*connectors*-v1")["hits"]["total"]["value"] == 0
    assert (
        es.indices.get(index="*connectors*-v1", expand_wildcards="all")[SYNC_JOBS + "-v1"]["settings"]["index"][
            "hidden"
        ]
        == "true"
    )
    assert (
        es.count(index=SYNC_JOBS, query={"term": {"connector.id": "connector-1"}})["count"]
        == es.connector.sync_job_list(connector_id="connector-1", size=100)["count"]
    )

    done = es.update(
        index=SYNC_JOBS,
        id=job_id,
        refresh=True,
        doc={"status": "completed", "completed_at": "2024-05-01T10:00:00.000Z", "indexed_document_count": 5},
    )
    assert done["result"] == "updated" and done["_index"] == SYNC_JOBS + "-v1"
    job = es.connector.sync_job_get(connector_sync_job_id=job_id)
    assert (job["status"], job["completed_at"], job["indexed_document_count"]) == (
        "completed",
        "2024-05-01T10:00:00.000Z",
        5,
    )
    assert job_id in [j["id"] for j in es.connector.sync_job_list(status="completed", size=100)["results"]]

    es.delete(index=SYNC_JOBS, id=job_id)
    with raises(es_module, "NotFoundError", "resource_not_found_exception", 404):
        es.connector.sync_job_get(connector_sync_job_id=job_id)


# -- the product check ----------------------------------------------------------------------------
@pytest.mark.parametrize("first_call", ["indices.exists", "exists", "exists_alias", "get", "search"])
def test_product_header_passes_the_clients_check(es_module, mockserver_live, first_call):
    """A fresh client checks the product on its first 2xx answer: HEAD answers carry the header too."""
    setup = es_module.Elasticsearch(mockserver_live.url)
    setup.index(index="docs", id="1", document={"v": 1}, refresh=True)
    setup.indices.put_alias(index="docs", name="docs-alias")
    setup.close()
    calls = {
        "indices.exists": lambda c: c.indices.exists(index="docs"),
        "exists": lambda c: c.exists(index="docs", id="1"),
        "exists_alias": lambda c: c.indices.exists_alias(name="docs-alias"),
        "get": lambda c: c.get(index="docs", id="1"),
        "search": lambda c: c.search(index="docs"),
    }
    with es_module.Elasticsearch(mockserver_live.url) as client:
        assert client._verified_elasticsearch is False
        answer = calls[first_call](client)
        assert 200 <= answer.meta.status < 300
        assert answer.meta.headers["x-elastic-product"] == "Elasticsearch"
        assert client._verified_elasticsearch is True
        missing = client.exists(index="docs", id="nope")
        assert missing.meta.status == 404 and missing.meta.headers["x-elastic-product"] == "Elasticsearch"
        assert client.indices.exists(index="nope").meta.headers["x-elastic-product"] == "Elasticsearch"
