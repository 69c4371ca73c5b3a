"""Search over the document store: ``_search``, scroll, ``_count`` and ``_delete_by_query``, as real
Elasticsearch 9.x answers them (the spec: /work/notes/es-search.md, "§" below). Exact bodies where
the spec gives them; ``xfail(strict=True)`` marks where the mock still differs from it."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from conftest import es_error, fixture_app

NODE = "mOcKnOdE0000000000000w"
LONG_MAX = 2**63 - 1  # the sort value of a missing long, ascending (UNCONFIRMED, §3)
FIELDDATA = (
    "Fielddata is disabled on [{f}] in [{i}]. Text fields are not optimised for operations that require "
    "per-document field data like aggregations and sorting, so these operations are disabled by default. "
    "Please use a keyword field instead. Alternatively, set fielddata=true on [{f}] in order to load field "
    "data by uninverting the inverted index. Note that this can use significant memory."
)
WINDOW = (
    "Result window is too large, from + size must be less than or equal to: [10000] but was [{n}]. See the "
    "scroll api for a more efficient way to request large data sets. This limit can be set by changing the "
    "[index.max_result_window] index level setting."
)
BATCH = (
    "Batch size is too large, size must be less than or equal to: [10000] but was [{n}]. Scroll batch sizes "
    "cost as much memory as result windows so they are controlled by the [index.max_result_window] index level "
    "setting."
)
PROPS = {
    "k": {"type": "keyword"},
    "t": {"type": "text"},
    "n": {"type": "long"},
    "f": {"type": "double"},
    "d": {"type": "date"},
    "b": {"type": "boolean"},
    "obj": {"properties": {"x": {"type": "keyword"}}},
}


# -- helpers ------------------------------------------------------------------------------------


def create(http, index: str, docs=(), properties=None, settings=None) -> None:
    """PUT /{index} with mappings (and settings), then the documents through _bulk."""
    body = {"mappings": {"properties": PROPS if properties is None else properties}}
    if settings:
        body["settings"] = settings
    reply = http.put(f"/{index}", json=body)
    assert reply.status == 200, reply.text
    if docs:
        bulk(http, index, docs)


def bulk(http, index: str, docs) -> None:
    """Writes (id, source) pairs in order, refreshed."""
    lines = []
    for doc_id, source in docs:
        lines += [json.dumps({"index": {"_index": index, "_id": doc_id}}), json.dumps(source)]
    reply = http.post(
        "/_bulk",
        data="\n".join(lines) + "\n",
        headers={"Content-Type": "application/x-ndjson"},
        query={"refresh": "true"},
    )
    assert reply.status == 200 and not reply.json["errors"], reply.text


def search(http, index: str | None = "test", body=None, **params):
    path = f"/{index}/_search" if index else "/_search"
    return http.post(path, json=body, query=params or None)


def raw(http, text: str, path: str = "/test/_search"):
    """A body sent byte for byte (for the line and column of an error)."""
    return http.post(path, data=text, headers={"Content-Type": "application/json"})


def ok(reply) -> dict:
    assert reply.status == 200, reply.text
    return reply.json


def ids(reply) -> list[str]:
    return [hit["_id"] for hit in ok(reply)["hits"]["hits"]]


def scores(reply) -> dict[str, float]:
    return {hit["_id"]: hit["_score"] for hit in ok(reply)["hits"]["hits"]}


def hits_of(http, body, index="test", **params) -> list[str]:
    return ids(search(http, index, body, **params))


def query_ids(http, query: dict, index="test") -> set[str]:
    return set(hits_of(http, {"query": query, "size": 100}, index))


def uuid_of(http, index: str) -> str:
    return http.get(f"/{index}").json[index]["settings"]["index"]["uuid"]


def col(text: str, fragment: str) -> int:
    """The 1-based column of a fragment of a one-line body."""
    return text.index(fragment) + 1


def spee(index: str, cause: dict, *, caused_by: dict | None = None, status: int = 400) -> dict:
    """§0.1: a search_phase_execution_exception over one failed shard."""
    root = {k: v for k, v in cause.items() if k != "caused_by"}
    error = {
        "root_cause": [root],
        "type": "search_phase_execution_exception",
        "reason": "all shards failed",
        "phase": "query",
        "grouped": True,
        "failed_shards": [{"shard": 0, "index": index, "node": NODE, "reason": cause}],
    }
    if caused_by is not None:
        error["caused_by"] = caused_by
    return {"error": error, "status": status}


def plain_java_spee(index: str, type_: str, reason: str) -> dict:
    """§0.1: a plain Java exception on the shard: the top-level caused_by nested twice."""
    cause = {"type": type_, "reason": reason}
    return spee(index, cause, caused_by={**cause, "caused_by": dict(cause)})


def parsing(reason: str, line: int, col_: int, caused_by: dict | None = None) -> dict:
    pe = {"type": "parsing_exception", "reason": reason, "line": line, "col": col_}
    error = {"root_cause": [dict(pe)], **pe}
    if caused_by:
        error["caused_by"] = caused_by
    return {"error": error, "status": 400}


def iae(reason: str) -> dict:
    return {
        "error": {
            "root_cause": [{"type": "illegal_argument_exception", "reason": reason}],
            "type": "illegal_argument_exception",
            "reason": reason,
        },
        "status": 400,
    }


def validation(*messages: str) -> dict:
    reason = "Validation Failed: " + "".join(f"{i}: {m};" for i, m in enumerate(messages, 1))
    return {
        "error": {
            "root_cause": [{"type": "action_request_validation_exception", "reason": reason}],
            "type": "action_request_validation_exception",
            "reason": reason,
        },
        "status": 400,
    }


def exact(reply, status: int, body: dict) -> None:
    assert (reply.status, reply.json) == (status, body), reply.text


@pytest.fixture
def five(http):
    """Five documents n=1..5 in write order ids 1..5."""
    create(http, "test", [(str(i), {"n": i, "k": f"k{i}"}) for i in range(1, 6)])
    return http


@pytest.fixture
def sortable(http):
    """Four documents of every sortable kind; s4 has none of the fields."""
    create(
        http,
        "test",
        [
            ("s1", {"n": 3, "k": "b", "d": "2024-01-03", "f": 1.5, "b": True}),
            ("s2", {"n": 1, "k": "c", "d": "2024-01-01", "f": 0.5, "b": False}),
            ("s3", {"n": 2, "k": "a", "d": "2024-01-02", "f": 2.5, "b": True}),
            ("s4", {"t": "nothing sortable"}),
        ],
    )
    return http


# -- the answer (§1) ------------------------------------------------------------------------------


def test_answer_keys_in_order(five):
    body = ok(search(five))
    assert list(body) == ["took", "timed_out", "_shards", "hits"]
    assert isinstance(body["took"], int) and body["timed_out"] is False
    assert list(body["_shards"].items()) == [("total", 1), ("successful", 1), ("skipped", 0), ("failed", 0)]
    assert list(body["hits"]) == ["total", "max_score", "hits"]
    assert body["hits"]["total"] == {"value": 5, "relation": "eq"}


def test_plain_hit_keys_in_order(http):
    create(http, "test", [("1", {"k": "a"})])
    hit = ok(search(http))["hits"]["hits"][0]
    assert list(hit.items()) == [("_index", "test"), ("_id", "1"), ("_score", 1.0), ("_source", {"k": "a"})]


def test_seq_no_primary_term_in_body(http):
    create(http, "test", [("0", {"k": "x"}), ("1", {"k": "a"})])
    hit = ok(search(http, body={"query": {"term": {"k": "a"}}, "seq_no_primary_term": True}))["hits"]["hits"][0]
    assert list(hit) == ["_index", "_id", "_seq_no", "_primary_term", "_score", "_source"]
    assert (hit["_seq_no"], hit["_primary_term"]) == (1, 1)


def test_seq_no_primary_term_as_url_parameter(http):
    create(http, "test", [("1", {"k": "a"})])
    assert list(ok(search(http, seq_no_primary_term="true"))["hits"]["hits"][0]) == [
        "_index",
        "_id",
        "_seq_no",
        "_primary_term",
        "_score",
        "_source",
    ]
    assert "_seq_no" not in ok(search(http))["hits"]["hits"][0]


def test_version_comes_before_seq_no(http):
    create(http, "test", [("1", {"k": "a"})])
    bulk(http, "test", [("1", {"k": "b"})])
    hit = ok(search(http, body={"version": True, "seq_no_primary_term": True}))["hits"]["hits"][0]
    assert list(hit) == ["_index", "_id", "_version", "_seq_no", "_primary_term", "_score", "_source"]
    assert (hit["_version"], hit["_seq_no"]) == (2, 1)


def test_track_total_hits_false_omits_total(five):
    hits = ok(search(five, body={"track_total_hits": False}))["hits"]
    assert list(hits) == ["max_score", "hits"] and len(hits["hits"]) == 5


@pytest.mark.parametrize(
    "track, size, total",
    [
        (4, 10, {"value": 4, "relation": "gte"}),
        (5, 10, {"value": 5, "relation": "eq"}),
        (4, 0, {"value": 4, "relation": "gte"}),
        (True, 0, {"value": 5, "relation": "eq"}),
        ("true", 10, {"value": 5, "relation": "eq"}),
    ],
)
def test_track_total_hits_bounds(five, track, size, total):
    assert ok(search(five, body={"track_total_hits": track, "size": size}))["hits"]["total"] == total


def test_track_total_hits_url_parameter(five):
    assert ok(search(five, track_total_hits="3"))["hits"]["total"] == {"value": 3, "relation": "gte"}


def test_default_tracking_stops_at_10000(tmp_path):
    docs = {str(i): {"n": i} for i in range(10001)}
    app = fixture_app(
        tmp_path,
        {
            "elasticsearch": {
                "indices": {"big": {"mappings": {"properties": {"n": {"type": "long"}}}, "documents": docs}}
            }
        },
    )
    assert app.post("/big/_search", json={"size": 0}).json["hits"]["total"] == {"value": 10000, "relation": "gte"}
    exact_total = app.post("/big/_search", json={"size": 0, "track_total_hits": True}).json["hits"]["total"]
    assert exact_total == {"value": 10001, "relation": "eq"}


def test_track_total_hits_below_minus_one(five):
    exact(
        search(five, body={"track_total_hits": -2}),
        400,
        iae("[track_total_hits] parameter must be positive or equals to -1, got -2"),
    )


def test_rest_total_hits_as_int(five):
    assert ok(search(five, rest_total_hits_as_int="true"))["hits"]["total"] == 5


def test_rest_total_hits_as_int_untracked_is_minus_one(five):
    assert ok(search(five, body={"track_total_hits": False}, rest_total_hits_as_int="true"))["hits"]["total"] == -1


def test_rest_total_hits_as_int_with_bounded_tracking(five):
    exact(
        search(five, body={"track_total_hits": 100}, rest_total_hits_as_int="true"),
        400,
        iae("[rest_total_hits_as_int] cannot be used if the tracking of total hits is not accurate, got 100"),
    )


def test_max_score_is_null_when_sorted_by_field(five):
    body = ok(search(five, body={"sort": "n"}))
    assert body["hits"]["max_score"] is None
    assert [h["_score"] for h in body["hits"]["hits"]] == [None] * 5
    assert body["hits"]["hits"][0]["sort"] == [1]


@pytest.mark.parametrize(
    "body, total", [({"size": 0}, 5), ({"query": {"term": {"k": "none"}}}, 0)], ids=["size-0", "no-match"]
)
def test_max_score_is_null_without_hits(five, body, total):
    """§1.5, UNCONFIRMED but following from a NaN max score (unlike a zero-shard answer's 0.0)."""
    hits = ok(search(five, body=body))["hits"]
    assert hits == {"total": {"value": total, "relation": "eq"}, "max_score": None, "hits": []}


def test_empty_index_answer(http):
    """§1.5: one shard; max_score null is UNCONFIRMED (as above)."""
    create(http, "test")
    body = ok(search(http))
    assert body["_shards"]["total"] == 1
    assert body["hits"] == {"total": {"value": 0, "relation": "eq"}, "max_score": None, "hits": []}


def test_track_scores_keeps_scores_under_a_field_sort(five):
    body = ok(search(five, body={"sort": "n", "track_scores": True}))
    assert body["hits"]["max_score"] == 1.0 and body["hits"]["hits"][0]["_score"] == 1.0


# -- the queries (§2.2–2.10): what matches ------------------------------------------------------------


def case(docs: dict, query: dict, expected: set, id: str):
    return pytest.param(docs, query, expected, id=id)


KEYWORDS = {"1": {"k": "Foo"}, "2": {"k": "FOO"}, "3": {"k": "Foo bar"}, "4": {"k": ""}}
NUMBERS = {"1": {"n": 5}, "2": {"n": 6}, "3": {"f": 5.0}}
DATES = {"1": {"d": "2024-01-01T00:00:00Z"}, "2": {"d": "2024-01-02"}, "3": {"d": 1735689600000}}
BOOLEANS = {"1": {"b": True}, "2": {"b": False}, "3": {"b": "true"}}
TEXTS = {
    "1": {"t": "The quick brown fox"},
    "2": {"t": "quick dog"},
    "3": {"t": "lazy brown dog"},
    "4": {"k": "Quick Fox"},
}
LEAVES = {"1": {"k": "a"}, "2": {"k": None}, "3": {"k": []}, "4": {"obj": {"x": "b"}}, "5": {"obj": {}}}
WORDS = {"1": {"k": "apple"}, "2": {"k": "banana"}, "3": {"k": "B"}, "4": {"k": "cherry"}}


@pytest.mark.parametrize(
    "docs, query, expected",
    [
        case(KEYWORDS, {"term": {"k": "Foo"}}, {"1"}, "term-keyword-is-exact"),
        case(
            KEYWORDS, {"term": {"k": {"value": "foo", "case_insensitive": True}}}, {"1", "2"}, "term-case-insensitive"
        ),
        case(KEYWORDS, {"term": {"k": ""}}, {"4"}, "term-empty-keyword"),
        case(TEXTS, {"term": {"t": "Quick"}}, set(), "term-text-not-analysed"),
        case(TEXTS, {"term": {"t": "quick"}}, {"1", "2"}, "term-text-lowercased-token"),
        case(NUMBERS, {"term": {"n": "5"}}, {"1"}, "term-long-parses-string"),
        case(NUMBERS, {"term": {"f": 5}}, {"3"}, "term-double"),
        case(DATES, {"term": {"d": "2024-01-01"}}, {"1"}, "term-date-same-instant"),
        case(DATES, {"term": {"d": 1704153600000}}, {"2"}, "term-date-epoch-millis"),
        case(BOOLEANS, {"term": {"b": True}}, {"1", "3"}, "term-boolean"),
        case(BOOLEANS, {"term": {"b": "true"}}, {"1", "3"}, "term-boolean-string"),
        case(KEYWORDS, {"term": {"_id": "3"}}, {"3"}, "term-id"),
        case(KEYWORDS, {"term": {"nope": "Foo"}}, set(), "term-unmapped"),
        case(KEYWORDS, {"terms": {"k": ["Foo", "FOO", "zz"]}}, {"1", "2"}, "terms-any-value"),
        case(KEYWORDS, {"terms": {"_id": ["2", "4", "9"]}}, {"2", "4"}, "terms-id"),
        case(KEYWORDS, {"terms": {"k": []}}, set(), "terms-empty-array"),
        case(KEYWORDS, {"ids": {"values": [1, "3", 7]}}, {"1", "3"}, "ids-numbers-stringified"),
        case(LEAVES, {"exists": {"field": "k"}}, {"1"}, "exists-not-null-nor-empty"),
        case(LEAVES, {"exists": {"field": "obj"}}, {"4"}, "exists-object-any-sub-field"),
        case(LEAVES, {"exists": {"field": "nope"}}, set(), "exists-unmapped"),
        case(NUMBERS, {"range": {"n": {"gt": 5, "lte": "6"}}}, {"2"}, "range-numbers"),
        case(NUMBERS, {"range": {"n": {"from": 5, "to": 6, "include_lower": False}}}, {"2"}, "range-from-to"),
        case(NUMBERS, {"range": {"n": {}}}, {"1", "2"}, "range-without-bounds-is-exists"),
        case(WORDS, {"range": {"k": {"gte": "b", "lt": "c"}}}, {"2"}, "range-keyword-lexicographic"),
        case(DATES, {"range": {"d": {"gte": "2024-01-01T12:00:00Z", "lt": "2025-01-01"}}}, {"2"}, "range-dates"),
        case(DATES, {"range": {"d": {"gte": 1735689600000}}}, {"3"}, "range-dates-epoch-millis"),
        case(TEXTS, {"match": {"t": "QUICK dog"}}, {"1", "2", "3"}, "match-or-default"),
        case(TEXTS, {"match": {"t": {"query": "quick dog", "operator": "and"}}}, {"2"}, "match-and"),
        case(
            TEXTS,
            {"match": {"t": {"query": "quick brown dog", "minimum_should_match": 2}}},
            {"1", "2", "3"},
            "match-msm-2",
        ),
        case(
            TEXTS,
            {"match": {"t": {"query": "quick brown dog", "minimum_should_match": "100%"}}},
            set(),
            "match-msm-100%",
        ),
        case(
            TEXTS,
            {"match": {"t": {"query": "lazy brown dog fox", "minimum_should_match": "75%"}}},
            {"3"},
            "match-msm-75%",
        ),
        case(TEXTS, {"match": {"k": "Quick Fox"}}, {"4"}, "match-keyword-exact"),
        case(TEXTS, {"match": {"k": "quick fox"}}, set(), "match-keyword-no-analysis"),
        case(TEXTS, {"match": {"nope": "quick"}}, set(), "match-unmapped"),
        case(TEXTS, {"match_none": {}}, set(), "match-none"),
    ],
)
def test_query_matches(http, docs, query, expected):
    create(http, "test", docs.items())
    assert query_ids(http, query) == expected


def test_range_with_now_math(http):
    now = datetime.now(UTC)
    iso = lambda moment: moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z"  # noqa: E731
    create(
        http,
        "test",
        [
            ("recent", {"d": iso(now - timedelta(seconds=100))}),
            ("old", {"d": iso(now - timedelta(seconds=1000))}),
            ("future", {"d": iso(now + timedelta(days=2))}),
        ],
    )
    assert query_ids(http, {"range": {"d": {"gte": "now-300s", "lte": "now"}}}) == {"recent"}
    assert query_ids(http, {"range": {"d": {"lt": "now-5m"}}}) == {"old"}
    assert query_ids(http, {"range": {"d": {"gt": "now+1d/d"}}}) == {"future"}


ROUNDING = [
    ("day-before", "2024-01-14T23:59:59.999Z"),
    ("midnight", "2024-01-15"),
    ("noon", "2024-01-15T12:00:00Z"),
    ("last-milli", "2024-01-15T23:59:59.999Z"),
    ("next-day", "2024-01-16T00:00:00Z"),
]


@pytest.mark.parametrize(
    "operator, expected",
    [
        ("gt", {"next-day"}),  # > 2024-01-15T23:59:59.999
        ("gte", {"midnight", "noon", "last-milli", "next-day"}),  # >= 2024-01-15T00:00:00.000
        ("lt", {"day-before"}),  # < 2024-01-15T00:00:00.000
        ("lte", {"day-before", "midnight", "noon", "last-milli"}),  # <= 2024-01-15T23:59:59.999
    ],
)
def test_range_date_rounding_per_operator(http, operator, expected):
    create(http, "test", [(doc_id, {"d": d}) for doc_id, d in ROUNDING])
    assert query_ids(http, {"range": {"d": {operator: "2024-01-15||/d"}}}) == expected


def test_range_month_rounding(http):
    create(
        http,
        "test",
        [
            ("oct", {"d": "2014-10-31T23:59:59Z"}),
            ("nov1", {"d": "2014-11-01"}),
            ("nov30", {"d": "2014-11-30T23:59:59.999Z"}),
            ("dec", {"d": "2014-12-01"}),
        ],
    )
    assert query_ids(http, {"range": {"d": {"gt": "2014-11-18||/M"}}}) == {"dec"}
    assert query_ids(http, {"range": {"d": {"lt": "2014-11-18||/M"}}}) == {"oct"}


# -- bool (§2.9): which should clauses are needed ----------------------------------------------------

SHOULD3 = [{"range": {"n": {"lte": 3}}}, {"range": {"n": {"gte": 3}}}, {"term": {"k": "k3"}}]
ALL5 = {"1", "2", "3", "4", "5"}


@pytest.mark.parametrize(
    "query, expected",
    [
        pytest.param(
            {
                "bool": {
                    "must": {"range": {"n": {"gte": 2}}},
                    "filter": [{"range": {"n": {"lte": 4}}}],
                    "must_not": [{"term": {"k": "k3"}}],
                }
            },
            {"2", "4"},
            id="must-filter-must-not",
        ),
        pytest.param(
            {"bool": {"should": [{"term": {"k": "k1"}}, {"term": {"k": "k2"}}]}}, {"1", "2"}, id="should-only-needs-one"
        ),
        pytest.param(
            {"bool": {"must": {"match_all": {}}, "should": {"term": {"k": "k1"}}}},
            ALL5,
            id="should-optional-beside-must",
        ),
        pytest.param(
            {"bool": {"filter": {"match_all": {}}, "should": {"term": {"k": "k1"}}}},
            ALL5,
            id="should-optional-beside-filter",
        ),
        pytest.param(
            {
                "bool": {
                    "must": {"match_all": {}},
                    "should": [{"term": {"k": "k1"}}, {"term": {"k": "k2"}}],
                    "minimum_should_match": 1,
                }
            },
            {"1", "2"},
            id="explicit-msm-beside-must",
        ),
        pytest.param({"bool": {"should": SHOULD3, "minimum_should_match": 2}}, {"3"}, id="msm-2"),
        pytest.param({"bool": {"should": SHOULD3, "minimum_should_match": "-2"}}, ALL5, id="msm-negative"),
        pytest.param({"bool": {"should": SHOULD3, "minimum_should_match": " 66% "}}, ALL5, id="msm-percent-truncates"),
        pytest.param({"bool": {"should": SHOULD3, "minimum_should_match": "-34%"}}, {"3"}, id="msm-negative-percent"),
        pytest.param({"bool": {"should": SHOULD3[:2], "minimum_should_match": 3}}, set(), id="msm-not-capped"),
    ],
)
def test_bool_matches(five, query, expected):
    assert query_ids(five, query) == expected


# -- scores (§2.9–2.12) -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, expected",
    [
        pytest.param({"match_all": {"boost": 2}}, dict.fromkeys("12345", 2.0), id="match-all-boost"),
        pytest.param({"terms": {"k": ["k1", "k4"], "boost": 3}}, {"1": 3.0, "4": 3.0}, id="terms-constant"),
        pytest.param({"ids": {"values": ["2"]}}, {"2": 1.0}, id="ids-constant"),
        pytest.param({"range": {"n": {"gte": 4, "boost": 2}}}, {"4": 2.0, "5": 2.0}, id="range-constant"),
        pytest.param({"exists": {"field": "n"}}, dict.fromkeys("12345", 1.0), id="exists-constant"),
        pytest.param(
            {"constant_score": {"filter": {"term": {"k": "k1"}}, "boost": 1.2}}, {"1": 1.2}, id="constant-score"
        ),
        pytest.param({"bool": {}}, dict.fromkeys("12345", 1.0), id="bool-no-clauses-is-match-all"),
        pytest.param(
            {"bool": {"must_not": {"term": {"k": "k1"}}}}, dict.fromkeys("2345", 0.0), id="pure-negative-zero"
        ),
        pytest.param({"bool": {"filter": {"term": {"k": "k2"}}}}, {"2": 0.0}, id="filter-only-zero"),
        pytest.param(
            {"bool": {"filter": {"match_all": {}}, "should": {"ids": {"values": ["2"]}}}},
            {"1": 0.0, "2": 1.0, "3": 0.0, "4": 0.0, "5": 0.0},
            id="should-adds-to-filter",
        ),
        pytest.param(
            {"bool": {"must": [{"match_all": {}}, {"ids": {"values": ["1"]}}], "boost": 2}},
            {"1": 4.0},
            id="bool-sums-times-boost",
        ),
    ],
)
def test_scores(five, query, expected):
    assert scores(search(five, body={"query": query})) == expected


def test_pure_negative_max_score_is_zero(five):
    assert ok(search(five, body={"query": {"bool": {"must_not": {"match_none": {}}}}}))["hits"]["max_score"] == 0.0


def test_should_beside_must_ranks_first(five):
    body = {"query": {"bool": {"must": {"match_all": {}}, "should": {"ids": {"values": ["4"]}}}}}
    assert ids(search(five, body=body))[0] == "4" and scores(search(five, body=body))["4"] == 2.0


def test_score_of_one_keyword_doc(http):
    create(http, "test", [("1", {"k": "a"})])
    reply = search(http, body={"query": {"term": {"k": "a"}}})
    assert ok(reply)["hits"]["max_score"] == 0.2876821
    assert '"_score":0.2876821' in reply.text


def test_score_of_one_keyword_match_among_four(http):
    create(http, "test", [(str(i), {"k": v}) for i, v in enumerate("abcd")])
    assert scores(search(http, body={"query": {"match": {"k": "a"}}})) == {"0": 1.2039728}


def test_docs_without_the_field_do_not_count(http):
    create(http, "test", [("1", {"k": "a"}), ("2", {"n": 1}), ("3", {"n": 2})])
    assert scores(search(http, body={"query": {"term": {"k": "a"}}})) == {"1": 0.2876821}


def test_score_of_one_text_doc(http):
    create(http, "test", [("1", {"t": "quick fox"})])
    assert scores(search(http, body={"query": {"match": {"t": "quick"}}})) == {"1": 0.2876821}


def test_text_scores_follow_bm25_with_length_norms(http):
    """Derived from §2.12's formula (N=2, n=2 for "quick"; dl 2 and 4, avgdl 3)."""
    import math

    create(http, "test", [("long", {"t": "quick brown lazy dog"}), ("short", {"t": "quick fox"})])
    idf = math.log(1 + 0.5 / 2.5)
    expected = {doc: idf * 2.2 / (1 + 1.2 * (0.25 + 0.75 * dl / 3)) for doc, dl in (("short", 2), ("long", 4))}
    reply = search(http, body={"query": {"match": {"t": "quick"}}})
    assert scores(reply) == pytest.approx(expected, rel=1e-6)
    assert ids(reply) == ["short", "long"]


def test_match_sums_token_scores(http):
    """Derived: two single-doc tokens, each idf ln(1 + 0.5/1.5) at dl = avgdl."""
    create(http, "test", [("1", {"t": "quick fox"}), ("2", {"t": "lazy dog"})])
    one = 0.6931472  # ln 2: N=2, n=1
    assert scores(search(http, body={"query": {"match": {"t": "quick fox"}}})) == pytest.approx({"1": 2 * one})


# -- query parse errors (§2.1): family A, 400, no shard wrapper ---------------------------------------


def test_unknown_query_suggests(http):
    create(http, "test")
    text = '{"query":{"termm":{"k":"a"}}}'
    c = col(text, '{"k"')
    exact(
        raw(http, text),
        400,
        parsing(
            "unknown query [termm] did you mean any of [term, terms]?",
            1,
            c,
            caused_by={"type": "named_object_not_found_exception", "reason": f"[1:{c}] unknown field [termm]"},
        ),
    )


def test_unknown_query_location_spans_lines(http):
    create(http, "test")
    text = '{\n  "query": {\n    "exits": {"field": "k"}\n  }\n}'
    exact(
        raw(http, text),
        400,
        parsing(
            "unknown query [exits] did you mean [exists]?",
            3,
            14,
            caused_by={"type": "named_object_not_found_exception", "reason": "[3:14] unknown field [exits]"},
        ),
    )


def test_unknown_query_without_suggestion(http):
    create(http, "test")
    error = es_error(raw(http, '{"query":{"zzzzzzzzzz":{}}}'), 400, "parsing_exception", "unknown query [zzzzzzzzzz]")
    assert error["caused_by"]["type"] == "named_object_not_found_exception"


def test_two_keys_in_a_query(http):
    create(http, "test")
    text = '{"query":{"match_all":{},"term":{"k":"a"}}}'
    exact(
        raw(http, text),
        400,
        parsing("[match_all] malformed query, expected [END_OBJECT] but found [FIELD_NAME]", 1, col(text, '"term"')),
    )


def test_empty_clause(http):
    create(http, "test")
    exact(raw(http, '{"query":{}}'), 400, iae("query malformed, empty clause found at [1:11]"))


@pytest.mark.parametrize(
    "text, at, reason",
    [
        ('{"query":{"match_all":1}}', "1}", "[match_all] query malformed, no start_object after query name"),
        ('{"query":{"term":{"k":{"value":"a","x":1}}}}', "1}", "[term] query does not support [x]"),
        ('{"match":{"foo":"bar"}}', '{"foo"', "Unknown key for a START_OBJECT in [match]."),
        ('{"foo":"bar"}', '"bar"', "Unknown key for a VALUE_STRING in [foo]."),
    ],
)
def test_parsing_exception_at_its_token(http, text, at, reason):
    """A ParsingException at top level is not wrapped; line and col are the token's."""
    create(http, "test")
    exact(raw(http, text), 400, parsing(reason, 1, col(text, at)))


@pytest.mark.parametrize(
    "query, type_, reason",
    [
        ("x", "parsing_exception", "[_na] query malformed, must start with start_object"),
        ({"term": {"k": ["a", "b"]}}, "parsing_exception", "[term] query does not support array of values"),
        (
            {"term": {"k": "a", "t": "b"}},
            "parsing_exception",
            "[term] query doesn't support multiple fields, found [k] and [t]",
        ),
        ({"exists": {}}, "illegal_argument_exception", "[exists] must be provided with a [field]"),
        ({"constant_score": {"boost": 2}}, "parsing_exception", "[constant_score] requires a 'filter' element"),
        ({"match": {"t": {"operator": "and"}}}, "illegal_argument_exception", "No text specified for text query"),
        (
            {"match": {"t": "a", "k": "b"}},
            "parsing_exception",
            "[match] query doesn't support multiple fields, found [t] and [k]",
        ),
        ({"match": {"t": {"query": "a", "x": 1}}}, "parsing_exception", "[match] query does not support [x]"),
    ],
)
def test_query_parse_errors(http, query, type_, reason):
    create(http, "test")
    es_error(search(http, body={"query": query}), 400, type_, reason)


def test_match_bad_zero_terms_query(http):
    create(http, "test")
    es_error(
        search(http, body={"query": {"match": {"t": {"query": "a", "zero_terms_query": "x"}}}}),
        400,
        "illegal_argument_exception",
        "Unsupported zero_terms_query value [x]",
    )


def test_error_in_bool_clause_is_wrapped(http):
    create(http, "test")
    text = '{"query":{"bool":{"must":{"term":{"k":{"x":1}}}}}}'
    c = col(text, "1}")
    pe = {"type": "parsing_exception", "reason": "[term] query does not support [x]", "line": 1, "col": c}
    exact(
        raw(http, text),
        400,
        {
            "error": {
                "root_cause": [pe],
                "type": "x_content_parse_exception",
                "reason": f"[1:{c}] [bool] failed to parse field [must]",
                "caused_by": pe,
            },
            "status": 400,
        },
    )


def test_nested_bools_wrap_once_per_level(http):
    create(http, "test")
    text = '{"query":{"bool":{"must":[{"bool":{"should":{"term":{"k":{"x":1}}}}}]}}}'
    c = col(text, "1}")
    pe = {"type": "parsing_exception", "reason": "[term] query does not support [x]", "line": 1, "col": c}
    inner = {
        "type": "x_content_parse_exception",
        "reason": f"[1:{c}] [bool] failed to parse field [should]",
        "caused_by": pe,
    }
    exact(
        raw(http, text),
        400,
        {
            "error": {
                "root_cause": [pe],
                "type": "x_content_parse_exception",
                "reason": f"[1:{c}] [bool] failed to parse field [must]",
                "caused_by": inner,
            },
            "status": 400,
        },
    )


def test_plain_exception_in_bool_clause_is_its_own_root_cause(http):
    create(http, "test")
    text = '{"query":{"bool":{"must":{}}}}'
    wrapper = {"type": "x_content_parse_exception", "reason": "[1:27] [bool] failed to parse field [must]"}
    exact(
        raw(http, text),
        400,
        {
            "error": {
                "root_cause": [wrapper],
                **wrapper,
                "caused_by": {
                    "type": "illegal_argument_exception",
                    "reason": "query malformed, empty clause found at [1:27]",
                },
            },
            "status": 400,
        },
    )


def test_plain_exception_in_bool_clause_root_cause_type(http):
    """The same rule without the column: an IAE cause leaves the innermost wrapper as root cause."""
    create(http, "test")
    reply = search(http, body={"query": {"bool": {"filter": {"bool": {"must": {}}}}}})
    error = es_error(reply, 400, "x_content_parse_exception")
    assert re.fullmatch(r"\[1:\d+\] \[bool\] failed to parse field \[filter\]", error["reason"])
    assert [(r["type"], re.sub(r"\d+", "N", r["reason"])) for r in error["root_cause"]] == [
        ("x_content_parse_exception", "[N:N] [bool] failed to parse field [must]")
    ]
    assert error["caused_by"]["caused_by"]["type"] == "illegal_argument_exception"


def test_term_on_empty_field_name(http):
    create(http, "test")
    reply = search(http, body={"query": {"bool": {"filter": {"bool": {"must": {"term": {"": "x"}}}}}}})
    error = es_error(reply, 400, "x_content_parse_exception")
    assert error["root_cause"][0]["type"] == "x_content_parse_exception"
    assert error["caused_by"]["caused_by"] == {
        "type": "illegal_argument_exception",
        "reason": "field name is null or empty",
    }


def test_bool_unknown_key(http):
    create(http, "test")
    text = '{"query":{"bool":{"mus":{}}}}'
    c = col(text, '"mus"')
    error = es_error(
        raw(http, text), 400, "x_content_parse_exception", f"[1:{c}] [bool] unknown field [mus] did you mean [must]?"
    )
    assert error["root_cause"] == [{"type": "x_content_parse_exception", "reason": error["reason"]}]


def test_body_must_be_an_object(http):
    create(http, "test")
    es_error(raw(http, "[]"), 400, "parsing_exception", "Expected [START_OBJECT] but found [START_ARRAY]")


@pytest.mark.parametrize(
    "body",
    [{"min_score": "x"}, {"sort": {"k": {"mode": "avg"}}}],
    ids=["min-score-not-a-number", "avg-sort-mode-on-keyword"],
)
def test_bad_values_are_client_errors(http, body):
    """Not in the spec (exact reasons unknown): a bad request value is a 400, never a 500."""
    create(http, "test", [("1", {"k": "a"})])
    assert search(http, body=body).status == 400


# -- URL parameters (§4) ----------------------------------------------------------------------------


def test_unrecognized_parameter(five):
    exact(search(five, foo="1"), 400, iae("request [/test/_search] contains unrecognized parameter: [foo]"))


def test_bad_int_parameter(five):
    es_error(
        search(five, size="abc"),
        400,
        "illegal_argument_exception",
        "Failed to parse int parameter [size] with value [abc]",
    )


def test_query_string_parameters_need_q(five):
    exact(
        search(five, df="k"),
        400,
        iae("request [/test/_search] contains parameters [df] but missing query string parameter 'q'."),
    )


# -- shard-level errors (§0.1, §2.11, §3, §4): search_phase_execution_exception ----------------------


def test_result_window(five):
    exact(
        search(five, body={"from": 10000}),
        400,
        plain_java_spee("test", "illegal_argument_exception", WINDOW.format(n=10010)),
    )


def test_result_window_counts_from_plus_size(five):
    assert search(five, body={"from": 9995, "size": 5}).status == 200
    reply = search(five, body={"from": 9995, "size": 6})
    assert reply.json["error"]["root_cause"][0]["reason"] == WINDOW.format(n=10001)


def test_result_window_is_an_index_setting(http):
    create(http, "test", [(str(i), {"n": i}) for i in range(3)], settings={"index": {"max_result_window": 2}})
    exact(
        search(http, body={"from": 2, "size": 1}),
        400,
        plain_java_spee("test", "illegal_argument_exception", WINDOW.format(n=3).replace("[10000]", "[2]")),
    )


def test_ids_above_the_result_window(http):
    """yaml search/630_ids_query.yml: the query is built (and refused) before the result window is checked."""
    create(http, "test", [(str(i), {"n": i}) for i in range(1, 4)], settings={"index": {"max_result_window": 2}})
    assert ids(search(http, body={"query": {"ids": {"values": ["1", "2"]}}, "size": 2})) == ["1", "2"]
    error = es_error(
        search(http, body={"query": {"ids": {"values": ["1", "2", "3"]}}}), 400, "search_phase_execution_exception"
    )
    assert (error["root_cause"][0]["type"], error["root_cause"][0]["reason"]) == (
        "query_shard_exception",
        "failed to create query: Too many ids specified, allowed max result window is [2]",
    )


def test_terms_above_max_terms_count(http):
    create(http, "test", [("1", {"k": "a"})], settings={"index": {"max_terms_count": 2}})
    assert ids(search(http, body={"query": {"terms": {"k": ["a", "b"]}}})) == ["1"]
    assert search(http, body={"query": {"terms": {"k": ["a", "b", "c"]}}}).status == 400


def test_sort_on_text_field(http):
    create(http, "test", [("1", {"t": "a"})])
    exact(
        search(http, body={"sort": "t"}),
        400,
        plain_java_spee("test", "illegal_argument_exception", FIELDDATA.format(f="t", i="test")),
    )


def test_sort_on_unmapped_field(http):
    create(http, "test", [("1", {"k": "a"})])
    cause = {
        "type": "query_shard_exception",
        "reason": "No mapping found for [x] in order to sort on",
        "index_uuid": uuid_of(http, "test"),
        "index": "test",
    }
    exact(search(http, body={"sort": [{"x": "asc"}]}), 400, spee("test", cause))


def test_unmapped_type_sorts_as_missing(http):
    create(http, "test", [("1", {"k": "a"}), ("2", {"k": "b"})])
    assert hits_of(http, {"sort": [{"x": {"unmapped_type": "long"}}]}) == ["1", "2"]


def test_sort_field_unmapped_in_one_index_fails_that_shard_only(http):
    create(http, "test", [("1", {"n": 1})])
    create(http, "other", [("2", {"k": "x"})], properties={"k": {"type": "keyword"}})
    body = ok(http.post("/test,other/_search", json={"sort": "n"}))
    assert body["_shards"] == {
        "total": 2,
        "successful": 1,
        "skipped": 0,
        "failed": 1,
        "failures": [
            {
                "shard": 0,
                "index": "other",
                "node": NODE,
                "reason": {
                    "type": "query_shard_exception",
                    "reason": "No mapping found for [n] in order to sort on",
                    "index_uuid": uuid_of(http, "other"),
                    "index": "other",
                },
            }
        ],
    }
    assert ids(http.post("/test,other/_search", json={"sort": "n"})) == ["1"]


def test_sort_on_id_is_disallowed(http):
    create(http, "test", [("1", {"k": "a"})])
    reason = (
        "Fielddata access on the _id field is disallowed, you can re-enable it by updating the dynamic cluster "
        "setting: indices.id_field_data.enabled"
    )
    exact(search(http, body={"sort": "_id"}), 400, plain_java_spee("test", "illegal_argument_exception", reason))


def test_number_parse_failure(http):
    create(http, "test", [("1", {"n": 1})])
    error = es_error(
        search(http, body={"query": {"term": {"n": "abc"}}}),
        400,
        "search_phase_execution_exception",
        "all shards failed",
    )
    assert error["root_cause"][0]["reason"] == 'failed to create query: For input string: "abc"'
    assert error["failed_shards"][0]["reason"]["caused_by"] == {
        "type": "number_format_exception",
        "reason": 'For input string: "abc"',
    }
    assert "caused_by" not in error


def test_number_parse_failure_exact_body(http):
    create(http, "test", [("1", {"n": 1})])
    meta = {"index_uuid": uuid_of(http, "test"), "index": "test"}
    cause = {
        "type": "query_shard_exception",
        "reason": 'failed to create query: For input string: "abc"',
        **meta,
        "caused_by": {"type": "number_format_exception", "reason": 'For input string: "abc"'},
    }
    exact(search(http, body={"query": {"term": {"n": "abc"}}}), 400, spee("test", cause))


# -- sort (§3) ---------------------------------------------------------------------------------------


def test_sort_by_name_is_ascending(sortable):
    body = ok(search(sortable, body={"sort": "n"}))
    assert [(h["_id"], h["sort"]) for h in body["hits"]["hits"]] == [
        ("s2", [1]),
        ("s3", [2]),
        ("s1", [3]),
        ("s4", [LONG_MAX]),
    ]  # the missing substitute: UNCONFIRMED


@pytest.mark.parametrize("sort", [{"n": "desc"}, {"n": {"order": "desc"}}, [{"n": {"order": "DESC"}}]])
def test_sort_descending_forms(sortable, sort):
    assert hits_of(sortable, {"sort": sort}) == ["s1", "s3", "s2", "s4"]


def test_sort_url_parameter_overrides_body(sortable):
    assert hits_of(sortable, {"sort": "k"}, sort="n:desc") == ["s1", "s3", "s2", "s4"]


@pytest.mark.parametrize(
    "sort, expected",
    [
        ({"k": "asc"}, ["s3", "s1", "s2", "s4"]),
        ({"k": "desc"}, ["s2", "s1", "s3", "s4"]),
        ({"n": {"order": "desc", "missing": "_first"}}, ["s4", "s1", "s3", "s2"]),
        ({"n": {"order": "asc", "missing": "_first"}}, ["s4", "s2", "s3", "s1"]),
    ],
)
def test_missing_placement(sortable, sort, expected):
    """The default ``missing`` is _last in both orders."""
    assert hits_of(sortable, {"sort": sort}) == expected


def test_sort_values_by_type(sortable):
    for field, values in (
        ("k", ["a", "b", "c"]),
        ("f", [0.5, 1.5, 2.5]),
        ("d", [1704067200000, 1704153600000, 1704240000000]),
    ):
        hits = ok(search(sortable, body={"sort": field, "size": 3}))["hits"]["hits"]
        assert [h["sort"][0] for h in hits] == values, field
    assert '"sort":[0.5]' in search(sortable, body={"sort": "f", "size": 1}).text


def test_sort_on_several_keys_with_score(sortable):
    body = ok(search(sortable, body={"sort": ["_score", {"k": "desc"}], "size": 3}))
    assert body["hits"]["max_score"] == 1.0
    assert [(h["_id"], h["_score"], h["sort"]) for h in body["hits"]["hits"]] == [
        ("s2", 1.0, [1.0, "c"]),
        ("s1", 1.0, [1.0, "b"]),
        ("s3", 1.0, [1.0, "a"]),
    ]


def test_ties_keep_write_order(http):
    create(http, "test", [(i, {"n": 1}) for i in ("c", "a", "d", "b")])
    assert hits_of(http, {"sort": "n"}) == ["c", "a", "d", "b"]
    assert hits_of(http, {}) == ["c", "a", "d", "b"]


def test_sort_by_doc(http):
    create(http, "test", [(i, {"n": 1}) for i in ("c", "a", "b")])
    assert hits_of(http, {"sort": "_doc"}) == ["c", "a", "b"]


def test_multi_valued_sort_mode(http):
    create(http, "test", [("wide", {"n": [1, 10]}), ("five", {"n": 5})])
    assert hits_of(http, {"sort": {"n": "asc"}}) == ["wide", "five"]  # min 1 < 5
    assert hits_of(http, {"sort": {"n": "desc"}}) == ["wide", "five"]  # max 10 > 5
    assert hits_of(http, {"sort": {"n": {"order": "asc", "mode": "max"}}}) == ["five", "wide"]
    assert hits_of(http, {"sort": {"n": {"order": "asc", "mode": "avg"}}}) == ["five", "wide"]  # 5 < 5.5


def test_sort_format_renders_strings(sortable):
    hits = ok(search(sortable, body={"sort": {"d": {"format": "epoch_millis"}}}))["hits"]["hits"]
    assert [h["sort"] for h in hits] == [["1704067200000"], ["1704153600000"], ["1704240000000"], [None]]


def test_sort_unknown_option(sortable):
    error = es_error(search(sortable, body={"sort": {"n": {"ordr": "asc"}}}), 400, "x_content_parse_exception")
    assert re.fullmatch(r"\[1:\d+\] \[field_sort\] unknown field \[ordr\] did you mean \[order\]\?", error["reason"])


# -- from / size ----------------------------------------------------------------------------------


def test_from_and_size_page(five):
    assert hits_of(five, {"sort": "n", "from": 1, "size": 2}) == ["2", "3"]


def test_from_past_the_end_keeps_the_total(five):
    hits = ok(search(five, body={"from": 10}))["hits"]
    assert hits["hits"] == [] and hits["total"]["value"] == 5


def test_url_size_overrides_body(five):
    assert len(hits_of(five, {"size": 4}, size="2")) == 2


def test_default_size_is_ten(http):
    create(http, "test", [(str(i), {"n": i}) for i in range(12)])
    assert len(hits_of(http, {})) == 10


@pytest.mark.parametrize(
    "body, reason",
    [
        ({"from": -2}, "[from] parameter cannot be negative but was [-2]"),
        ({"size": -1}, "[size] parameter cannot be negative, found [-1]"),
    ],
)
def test_negative_from_or_size(five, body, reason):
    """Thrown while parsing: a top-level IAE, not a shard failure."""
    exact(search(five, body=body), 400, iae(reason))


def test_negative_terminate_after(five):
    exact(search(five, body={"terminate_after": -1}), 400, iae("terminateAfter must be > 0"))


# -- _source filtering (§4) ------------------------------------------------------------------------


@pytest.fixture
def nested_source(http):
    create(
        http,
        "test",
        [("1", {"include": {"field1": "v1", "field2": "v2"}, "count": 1, "big": 72057594037927936})],
        properties={},
    )
    return http


def first_source(http, body=None, **params):
    return ok(search(http, body=body, **params))["hits"]["hits"][0].get("_source")


def test_source_false(nested_source):
    hit = ok(search(nested_source, body={"_source": False}))["hits"]["hits"][0]
    assert list(hit) == ["_index", "_id", "_score"]


@pytest.mark.parametrize(
    "source, expected",
    [
        ("include.field1", {"include": {"field1": "v1"}}),
        (["include.field1", "count"], {"include": {"field1": "v1"}, "count": 1}),
        ({"includes": "include", "excludes": "*.field2"}, {"include": {"field1": "v1"}}),
        ({"includes": ["*.field2"]}, {"include": {"field2": "v2"}}),
        ({"excludes": ["include", "big"]}, {"count": 1}),
        ({"include": ["count"]}, {"count": 1}),
    ],
)
def test_source_filters(nested_source, source, expected):
    assert first_source(nested_source, {"_source": source}) == expected


def test_source_filter_keeps_big_numbers(nested_source):
    assert '"_source":{"big":72057594037927936}' in search(nested_source, body={"_source": "big"}).text


@pytest.mark.parametrize(
    "body, params, expected",
    [
        pytest.param({"_source": "include.field1"}, {"_source_includes": "count"}, {"count": 1}, id="includes"),
        pytest.param({}, {"_source_excludes": "include,big"}, {"count": 1}, id="excludes"),
        pytest.param({"_source": True}, {"_source": "false"}, None, id="false"),
        pytest.param(
            {"_source": False},
            {"_source": "count,include.field2"},
            {"count": 1, "include": {"field2": "v2"}},
            id="patterns",
        ),
    ],
)
def test_source_url_parameters_override_body(nested_source, body, params, expected):
    assert first_source(nested_source, body, **params) == expected


# -- search_after (§3) ------------------------------------------------------------------------------


def test_search_after(five):
    assert hits_of(five, {"sort": [{"n": "desc"}], "search_after": [3]}) == ["2", "1"]


def test_search_after_with_tiebreak(http):
    create(http, "test", [("1", {"n": 1, "k": "a"}), ("2", {"n": 1, "k": "b"}), ("3", {"n": 2, "k": "a"})])
    assert hits_of(http, {"sort": ["n", "k"], "search_after": [1, "a"]}) == ["2", "3"]


# -- scroll (§5) -------------------------------------------------------------------------------------


@pytest.fixture
def scrolled(http):
    create(http, "test", [("42", {"n": 42}), ("43", {"n": 43})])
    return http


def open_scroll(http, body=None, scroll="1m"):
    return ok(search(http, body={"size": 1, "sort": "n"} if body is None else body, scroll=scroll))


def test_scroll_id_comes_first(scrolled):
    body = open_scroll(scrolled)
    assert list(body) == ["_scroll_id", "took", "timed_out", "_shards", "hits"]
    assert re.fullmatch(r"[A-Za-z0-9_\-]+=*", body["_scroll_id"])
    assert body["hits"]["max_score"] is None and [h["_id"] for h in body["hits"]["hits"]] == ["42"]


def test_scroll_pages_to_the_end_keeping_the_total(scrolled):
    first = open_scroll(scrolled)
    pages = []
    for _ in range(2):
        page = ok(scrolled.post("/_search/scroll", json={"scroll_id": first["_scroll_id"], "scroll": "1m"}))
        assert list(page)[0] == "_scroll_id" and page["_scroll_id"] == first["_scroll_id"]
        assert page["hits"]["total"] == {"value": 2, "relation": "eq"}
        pages.append([h["_id"] for h in page["hits"]["hits"]])
    assert pages == [["43"], []]


def test_scroll_does_not_see_later_writes(scrolled):
    scroll_id = open_scroll(scrolled)["_scroll_id"]
    bulk(scrolled, "test", [("44", {"n": 44})])
    page = ok(scrolled.post("/_search/scroll", json={"scroll_id": scroll_id}))
    assert [h["_id"] for h in page["hits"]["hits"]] == ["43"] and page["hits"]["total"]["value"] == 2
    assert ok(scrolled.post("/_search/scroll", json={"scroll_id": scroll_id}))["hits"]["hits"] == []


def test_scroll_id_in_path_and_query(scrolled):
    scroll_id = open_scroll(scrolled)["_scroll_id"]
    assert [h["_id"] for h in ok(scrolled.get(f"/_search/scroll/{scroll_id}"))["hits"]["hits"]] == ["43"]
    assert ok(scrolled.get("/_search/scroll", query={"scroll_id": scroll_id}))["hits"]["hits"] == []


def test_scroll_body_overrides_query_string_and_path(scrolled):
    scroll_id = open_scroll(scrolled)["_scroll_id"]
    reply = scrolled.post("/_search/scroll", json={"scroll_id": scroll_id}, query={"scroll_id": "invalid_scroll_id"})
    assert [h["_id"] for h in ok(reply)["hits"]["hits"]] == ["43"]
    reply = scrolled.post("/_search/scroll/invalid_scroll_id", json={"scroll_id": scroll_id})
    assert ok(reply)["hits"]["hits"] == []


def test_clear_scroll_then_404(scrolled):
    scroll_id = open_scroll(scrolled)["_scroll_id"]
    exact(scrolled.delete("/_search/scroll", json={"scroll_id": scroll_id}), 200, {"succeeded": True, "num_freed": 1})
    exact(scrolled.delete("/_search/scroll", json={"scroll_id": [scroll_id]}), 404, {"succeeded": True, "num_freed": 0})
    error = es_error(
        scrolled.post("/_search/scroll", json={"scroll_id": scroll_id}),
        404,
        "search_phase_execution_exception",
        "all shards failed",
    )
    assert error["root_cause"][0]["type"] == "search_context_missing_exception"


def test_clear_all_scrolls(scrolled):
    open_scroll(scrolled), open_scroll(scrolled)
    exact(scrolled.delete("/_search/scroll/_all"), 200, {"succeeded": True, "num_freed": 2})


def test_unknown_scroll_id_body(scrolled):
    scroll_id = open_scroll(scrolled)["_scroll_id"]
    scrolled.delete(f"/_search/scroll/{scroll_id}")
    reply = scrolled.post("/_search/scroll", json={"scroll_id": scroll_id})
    reason = reply.json["error"]["root_cause"][0]["reason"]
    assert re.fullmatch(r"No search context found for id \[\d+\]", reason)
    missing = {"type": "search_context_missing_exception", "reason": reason}
    exact(
        reply,
        404,
        {
            "error": {
                "root_cause": [missing],
                "type": "search_phase_execution_exception",
                "reason": "all shards failed",
                "phase": "query",
                "grouped": True,
                "failed_shards": [{"shard": -1, "index": None, "reason": missing}],
                "caused_by": missing,
            },
            "status": 404,
        },
    )


def test_undecodable_scroll_id(scrolled):
    for reply in (
        scrolled.post("/_search/scroll", json={"scroll_id": "not!base64"}),
        scrolled.delete("/_search/scroll", json={"scroll_id": "not!base64"}),
    ):
        error = es_error(reply, 400, "illegal_argument_exception", "Cannot parse scroll id")
        assert error["root_cause"] == [{"type": "illegal_argument_exception", "reason": "Cannot parse scroll id"}]


WRONG_TYPE = "Unknown parameter [{}] in request body or parameter is of the wrong type[{}] "  # the trailing space


@pytest.mark.parametrize(
    "method, body, expected",
    [
        ("POST", {}, validation("scrollId is missing")),
        ("POST", {"scroll_id": 5}, iae(WRONG_TYPE.format("scroll_id", "VALUE_NUMBER"))),
        ("POST", {"scroll_id": "x", "foo": "y"}, iae(WRONG_TYPE.format("foo", "VALUE_STRING"))),
        ("DELETE", {}, validation("no scroll ids specified")),
    ],
    ids=["no-id", "id-not-a-string", "unknown-key", "clear-without-ids"],
)
def test_scroll_request_errors(scrolled, method, body, expected):
    exact(scrolled.request(method, "/_search/scroll", json=body), 400, expected)


@pytest.mark.parametrize(
    "body, params, message",
    [
        ({"size": 0}, {}, "[size] cannot be [0] in a scroll context"),
        ({"from": 1}, {}, "using [from] is not allowed in a scroll context"),
        ({"track_total_hits": False}, {}, "disabling [track_total_hits] is not allowed in a scroll context"),
        ({"track_total_hits": 100}, {}, "disabling [track_total_hits] is not allowed in a scroll context"),
        ({"search_after": [1], "sort": "n"}, {}, "[search_after] cannot be used in a scroll context"),
        ({"size": 1}, {"request_cache": "true"}, "[request_cache] cannot be used in a scroll context"),
    ],
)
def test_scroll_validation(scrolled, body, params, message):
    exact(search(scrolled, body=body, scroll="1m", **params), 400, validation(message))


def test_scroll_continuation_total_as_int(scrolled):
    scroll_id = open_scroll(scrolled)["_scroll_id"]
    page = ok(scrolled.post("/_search/scroll", json={"scroll_id": scroll_id}, query={"rest_total_hits_as_int": "true"}))
    assert page["hits"]["total"] == 2


def test_clear_scroll_body_overrides_path(scrolled):
    scroll_id = open_scroll(scrolled)["_scroll_id"]
    exact(
        scrolled.delete("/_search/scroll/not!an!id", json={"scroll_id": [scroll_id]}),
        200,
        {"succeeded": True, "num_freed": 1},
    )


def test_scroll_keep_alive_too_large(scrolled):
    reason = (
        "Keep alive for request (2d) is too large. It must be less than (1d). This limit can be set by "
        "changing the [search.max_keep_alive] cluster level setting."
    )  # text UNCONFIRMED (§11)
    exact(
        search(scrolled, body={"size": 1}, scroll="2d"),
        400,
        plain_java_spee("test", "illegal_argument_exception", reason),
    )


def test_scroll_batch_size_limit(scrolled):
    exact(
        search(scrolled, body={"size": 10010}, scroll="5m"),
        400,
        plain_java_spee("test", "illegal_argument_exception", BATCH.format(n=10010)),
    )


def test_what_helpers_scan_sends(http):
    """elasticsearch-py's helpers.scan (§5.4): POST ?scroll=5m with sort "_doc" and size 1000, then
    POST /_search/scroll until a page is empty, then DELETE /_search/scroll."""
    create(http, "test", [(str(i), {"n": i}) for i in range(3)])
    first = ok(
        http.post(
            "/test/_search", query={"scroll": "5m"}, json={"query": {"match_all": {}}, "sort": "_doc", "size": 1000}
        )
    )
    seen = [h["_id"] for h in first["hits"]["hits"]]
    scroll_id = first["_scroll_id"]
    while True:
        page = ok(http.post("/_search/scroll", json={"scroll_id": scroll_id, "scroll": "5m"}))
        shards = page["_shards"]
        assert shards["successful"] + shards["skipped"] == shards["total"]
        if not page["hits"]["hits"]:
            break
        seen += [h["_id"] for h in page["hits"]["hits"]]
        scroll_id = page["_scroll_id"]
    assert seen == ["0", "1", "2"]
    exact(http.delete("/_search/scroll", json={"scroll_id": scroll_id}), 200, {"succeeded": True, "num_freed": 1})


@pytest.mark.parametrize("module", ["elasticsearch8", "elasticsearch9"])
def test_helpers_scan_with_the_official_client(mockserver_live, module):
    import importlib

    es_module = importlib.import_module(module)
    helpers = importlib.import_module(f"{module}.helpers")
    client = es_module.Elasticsearch(mockserver_live.url)
    try:
        client.indices.create(index="scan", mappings={"properties": {"n": {"type": "long"}}})
        es_module.helpers.bulk(client, ({"_index": "scan", "_id": str(i), "n": i} for i in range(25)), refresh=True)
        mockserver_live.journal.clear()
        found = [hit["_id"] for hit in helpers.scan(client, index="scan", query={"query": {"match_all": {}}}, size=10)]
    finally:
        client.close()
    assert found == [str(i) for i in range(25)]
    sent = mockserver_live.journal.requests()
    assert [(e.method, e.path, e.status) for e in sent] == [("POST", "/scan/_search", 200)] + [
        ("POST", "/_search/scroll", 200)
    ] * 3 + [("DELETE", "/_search/scroll", 200)]
    assert "scroll=5m" in sent[0].query
    assert sent[0].json == {"query": {"match_all": {}}, "sort": "_doc", "size": 10}
    assert sent[1].json == {"scroll_id": sent[0].response_json["_scroll_id"], "scroll": "5m"}
    assert sent[-1].json == {"scroll_id": sent[0].response_json["_scroll_id"]}


# -- _count (§6.1) -----------------------------------------------------------------------------------


def test_count_answer(five):
    exact(
        five.post("/test/_count", json={"query": {"range": {"n": {"gte": 4}}}}),
        200,
        {"count": 2, "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0}},
    )


def test_count_without_body(five):
    assert ok(five.get("/test/_count"))["count"] == 5


def test_count_body_takes_only_a_query(five):
    text = '{"query":{"match_all":{}},"size":1}'
    exact(raw(five, text, "/test/_count"), 400, parsing("request does not support [size]", 1, col(text, "1}")))


def test_count_terminate_after(five):
    body = ok(five.post("/test/_count", query={"terminate_after": "1"}))
    assert list(body) == ["terminated_early", "count", "_shards"]
    assert (body["terminated_early"], body["count"]) == (True, 1)


def test_count_min_score(five):
    assert ok(five.post("/test/_count", query={"min_score": "0.5"}))["count"] == 5


def test_count_missing_index(http):
    es_error(http.post("/nope/_count", json={}), 404, "index_not_found_exception", "no such index [nope]")


# -- _delete_by_query (§6.2) -------------------------------------------------------------------------


def test_delete_by_query_answer(five):
    reply = five.post("/test/_delete_by_query", json={"query": {"range": {"n": {"lte": 3}}}}, query={"refresh": "true"})
    body = ok(reply)
    assert list(body) == [
        "took",
        "timed_out",
        "total",
        "deleted",
        "batches",
        "version_conflicts",
        "noops",
        "retries",
        "throttled_millis",
        "requests_per_second",
        "throttled_until_millis",
        "failures",
    ]
    assert {k: v for k, v in body.items() if k != "took"} == {
        "timed_out": False,
        "total": 3,
        "deleted": 3,
        "batches": 1,
        "version_conflicts": 0,
        "noops": 0,
        "retries": {"bulk": 0, "search": 0},
        "throttled_millis": 0,
        "requests_per_second": -1.0,
        "throttled_until_millis": 0,
        "failures": [],
    }
    assert isinstance(body["requests_per_second"], float)
    assert sorted(ids(search(five))) == ["4", "5"]


def test_delete_by_query_batches(five):
    reply = five.post("/test/_delete_by_query", json={"query": {"match_all": {}}}, query={"scroll_size": "2"})
    assert (ok(reply)["deleted"], reply.json["batches"]) == (5, 3)


def test_delete_by_query_max_docs(five):
    body = ok(five.post("/test/_delete_by_query", json={"query": {"match_all": {}}, "max_docs": 2}))
    assert (body["total"], body["deleted"]) == (2, 2)
    assert (
        ok(five.post("/test/_delete_by_query", json={"query": {"match_all": {}}}, query={"max_docs": "1"}))["deleted"]
        == 1
    )
    assert ok(five.get("/test/_count"))["count"] == 2


def test_delete_by_query_refuses_size_in_body(five):
    exact(
        five.post("/test/_delete_by_query", json={"query": {"match_all": {}}, "size": 1}),
        400,
        iae("invalid parameter [size], use [max_docs] instead"),
    )


def test_delete_by_query_refuses_size_parameter(five):
    exact(
        five.post("/test/_delete_by_query", json={"query": {"match_all": {}}}, query={"size": "1"}),
        400,
        iae("invalid parameter [size], use [max_docs] instead"),
    )


def test_delete_by_query_negative_max_docs(five):
    exact(
        five.post("/test/_delete_by_query", json={"query": {"match_all": {}}}, query={"max_docs": "-4"}),
        400,
        iae("[max_docs] parameter cannot be negative, found [-4]"),
    )


def test_delete_by_query_needs_a_query(five):
    exact(five.post("/test/_delete_by_query", json={}), 400, validation("query is missing"))


def test_delete_by_query_bad_conflicts(five):
    error = es_error(
        five.post("/test/_delete_by_query", json={"query": {"match_all": {}}}, query={"conflicts": "cat"}),
        400,
        "illegal_argument_exception",
    )
    assert re.fullmatch(r"conflicts may only be .* but was \[cat\]", error["reason"])


def test_delete_by_query_missing_index(http):
    es_error(
        http.post("/nope/_delete_by_query", json={"query": {"match_all": {}}}),
        404,
        "index_not_found_exception",
        "no such index [nope]",
    )


# -- index resolution (§1.4) -------------------------------------------------------------------------


def test_missing_index_body(http):
    missing = {
        "type": "index_not_found_exception",
        "reason": "no such index [nope]",
        "resource.type": "index_or_alias",
        "resource.id": "nope",
        "index_uuid": "_na_",
        "index": "nope",
    }
    exact(search(http, "nope"), 404, {"error": {"root_cause": [missing], **missing}, "status": 404})


@pytest.mark.parametrize(
    "index, params",
    [("nope", {"ignore_unavailable": "true"}), ("nothing*", {})],
    ids=["ignore-unavailable", "wildcard-matching-nothing"],
)
def test_zero_shard_answer(http, index, params):
    """SearchHits.empty(): max_score 0.0, not null."""
    body = ok(search(http, index, **params))
    assert body["_shards"] == {"total": 0, "successful": 0, "skipped": 0, "failed": 0}
    assert body["hits"] == {"total": {"value": 0, "relation": "eq"}, "max_score": 0.0, "hits": []}


def test_ignore_unavailable_keeps_the_indices_found(five):
    assert len(hits_of(five, {}, index="test,nope", ignore_unavailable="true")) == 5


def test_allow_no_indices_false(http):
    es_error(search(http, "nothing*", allow_no_indices="false"), 404, "index_not_found_exception")


def test_several_indices(http):
    create(http, "test", [("1", {"n": 1})])
    create(http, "other", [("2", {"n": 2})])
    body = ok(http.post("/test,other/_search", json={"sort": "n"}))
    assert body["_shards"]["total"] == 2
    assert [(h["_index"], h["_id"]) for h in body["hits"]["hits"]] == [("test", "1"), ("other", "2")]


@pytest.fixture
def hidden(http):
    create(http, "visible", [("v", {"n": 1})])
    create(http, "secret", [("s", {"n": 2})], settings={"index": {"hidden": True}})
    create(http, ".dotted", [("dot", {"n": 3})], settings={"index": {"hidden": True}})
    return http


def indices_in(http, index, **params) -> set[str]:
    return {h["_index"] for h in ok(search(http, index, {"size": 100}, **params))["hits"]["hits"]}


@pytest.mark.parametrize("expression", [None, "*", "_all", "*e*"])
def test_wildcards_skip_hidden_indices(hidden, expression):
    found = indices_in(hidden, expression)
    assert "visible" in found and not found & {"secret", ".dotted"}


@pytest.mark.parametrize("states", ["open,hidden", "all"])
def test_expand_wildcards_hidden(hidden, states):
    assert {"visible", "secret", ".dotted"} <= indices_in(hidden, "*", expand_wildcards=states)


def test_hidden_alone_expands_nothing(hidden):
    """ES docs: ``hidden`` must be combined with ``open`` or ``closed``."""
    assert indices_in(hidden, "*", expand_wildcards="hidden") == set()


def test_dot_pattern_matches_dot_hidden_index(hidden):
    assert indices_in(hidden, ".dot*") == {".dotted"}


def test_hidden_index_named_concretely(hidden):
    assert hits_of(hidden, {}, index="secret") == ["s"]


def test_hidden_alias_is_skipped_by_wildcards(hidden):
    actions = [{"add": {"index": "visible", "alias": "quiet", "is_hidden": True}}]
    assert ok(hidden.post("/_aliases", json={"actions": actions}))["acknowledged"] is True
    assert indices_in(hidden, "qui*") == set()
    assert indices_in(hidden, "quiet") == {"visible"}
    assert indices_in(hidden, "qui*", expand_wildcards="open,hidden") == {"visible"}


def test_connector_indices_through_their_aliases(http):
    assert indices_in(http, ".elastic-connectors") == {".elastic-connectors-v1"}
    assert indices_in(http, ".elastic-connectors-sync-jobs") == {".elastic-connectors-sync-jobs-v1"}
    assert "connector-1" in hits_of(http, {"query": {"term": {"_id": "connector-1"}}}, index=".elastic-connectors")
    settings = http.get("/.elastic-connectors-v1").json[".elastic-connectors-v1"]["settings"]["index"]
    assert settings["hidden"] == "true"


def test_plain_alias_makes_hidden_connector_indices_match_wildcards(http):
    """Not in the spec: IndexNameExpressionResolver.WildcardExpressionResolver (main) checks only the
    alias' own is_hidden when a wildcard matches an alias, then expands it to all its indices."""
    create(http, "mine", [("m", {"n": 1})])
    assert indices_in(http, None) == {"mine", ".elastic-connectors-v1", ".elastic-connectors-sync-jobs-v1"}
    assert indices_in(http, "*-v1") == set()  # the index names themselves stay hidden


def test_connector_indices_search_by_status(http):
    query = {"bool": {"filter": [{"term": {"status": "connected"}}, {"exists": {"field": "index_name"}}]}}
    body = ok(search(http, ".elastic-connectors", {"query": query, "_source": ["status", "index_name"]}))
    assert body["hits"]["hits"] and all(h["_source"]["status"] == "connected" for h in body["hits"]["hits"])
    assert all(h["_score"] == 0.0 for h in body["hits"]["hits"])


# -- what the mock does not answer: 501, naming it ----------------------------------------------------


@pytest.mark.parametrize(
    "path, body, params, named",
    [
        (
            "/test/_delete_by_query",
            {"query": {"match_all": {}}},
            {"wait_for_completion": "false"},
            "[wait_for_completion=false]",
        ),
        ("/test/_count", None, {"q": "k:a"}, "[q]"),
        ("/test/_search", None, {"q": "k:a"}, "[q]"),
    ],
)
def test_not_mocked_calls(http, path, body, params, named):
    create(http, "test", [("1", {"k": "a"})])
    error = es_error(http.post(path, json=body, query=params), 501, "mockserver_not_mocked_exception")
    assert named in error["reason"]


@pytest.mark.parametrize(
    "body, named",
    [
        ({"aggs": {"x": {"terms": {"field": "k"}}}}, "[aggs]"),
        ({"aggregations": {}}, "[aggregations]"),
        ({"highlight": {"fields": {"t": {}}}}, "[highlight]"),
        ({"post_filter": {"match_all": {}}}, "[post_filter]"),
        ({"collapse": {"field": "k"}}, "[collapse]"),
        ({"query": {"wildcard": {"k": "a*"}}}, "[wildcard]"),
        ({"query": {"prefix": {"k": "a"}}}, "[prefix]"),
        ({"query": {"bool": {"must": {"query_string": {"query": "a"}}}}}, "[query_string]"),
        ({"query": {"terms": {"k": {"index": "i", "id": "1", "path": "p"}}}}, "[terms]"),
        ({"query": {"range": {"d": {"gte": "01/01/2024", "format": "dd/MM/yyyy"}}}}, "[format]"),
        ({"query": {"bool": {"should": {"match_all": {}}, "minimum_should_match": "2<75%"}}}, "[2<75%]"),
    ],
)
def test_not_mocked(http, body, named):
    create(http, "test", [("1", {"k": "a"})])
    error = es_error(search(http, body=body), 501, "mockserver_not_mocked_exception")
    assert named in error["reason"] and error["reason"].endswith("is not mocked by mockserver")
    assert error["root_cause"] == [{"type": "mockserver_not_mocked_exception", "reason": error["reason"]}]
