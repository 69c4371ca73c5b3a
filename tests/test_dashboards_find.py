"""``GET /api/saved_objects/_find`` over HTTP: paging, search, filter, sort, references, fields."""

from __future__ import annotations

import json

import pytest
from conftest import DASHBOARDS_CONFIG, DASHBOARDS_RELEASE, Http, boom, create_app

XSRF = {"osd-xsrf": "true"}


@pytest.fixture
def edge(http):
    """The api-integration tests' find_edgecases objects, beside the default ones."""
    for so_id, title in (
        ("e1", "my-visualization"),
        ("e2", "some*visualization"),
        ("e3", "Just some noise in the dataset"),
        ("e4", "Just some noise in the dataset"),
    ):
        assert (
            http.post(
                f"/api/saved_objects/visualization/{so_id}", json={"attributes": {"title": title}}, headers=XSRF
            ).status
            == 200
        )
    return http


def find(http, **query) -> dict:
    reply = http.get("/api/saved_objects/_find", query=query)
    assert reply.status == 200, reply.text
    return reply.json


def ids(result: dict) -> list[str]:
    return [o["id"] for o in result["saved_objects"]]


def error(http, message: str, **query) -> None:
    reply = http.get("/api/saved_objects/_find", query=query)
    assert (reply.status, reply.json) == (400, {"statusCode": 400, "error": "Bad Request", "message": message}), (
        reply.text
    )


def test_paging_echo_and_total(http):
    first = find(http, type="visualization", per_page=2)
    assert (first["page"], first["per_page"], first["total"], len(first["saved_objects"])) == (1, 2, 3, 2)
    second = find(http, type="visualization", per_page=2, page=2)
    assert len(second["saved_objects"]) == 1 and set(ids(first)).isdisjoint(ids(second))
    assert find(http, type="visualization", page=9)["saved_objects"] == []
    assert find(http, type="visualization", per_page=0) == {"page": 1, "per_page": 0, "total": 3, "saved_objects": []}


def test_hit_shape_and_score_without_search(http):
    hit = find(http, type="config")["saved_objects"][0]
    assert list(hit) == [
        "type",
        "id",
        "attributes",
        "references",
        "migrationVersion",
        "updated_at",
        "version",
        "namespaces",
        "score",
    ]
    assert hit["score"] == 0


def test_several_types_and_unknown_types(http):
    result = find(http, type=["dashboard", "search", "nope"])
    assert sorted(ids(result)) == ["web-errors", "web-traffic"]
    assert find(http, type="nope") == {"page": 1, "per_page": 20, "total": 0, "saved_objects": []}


@pytest.mark.parametrize(
    "search, expected",
    [
        ("my-vis*", ["e1"]),
        ("my-*", ["e1"]),
        ("some*vi*", ["e2"]),
        ("visuali*", ["e1", "e2"]),
    ],
)
def test_find_edge_cases_of_the_integration_tests(edge, search, expected):
    assert ids(find(edge, type="visualization", search_fields="title", search=search)) == expected


def test_a_fuzzy_term_counts_a_swapped_pair_as_one_edit(edge):
    # Lucene's FuzzyQuery has transpositions on: "nosie" is one edit from "noise", "nsioe" two.
    assert ids(find(edge, type="visualization", search_fields="title", search="nosie~1")) == ["e3", "e4"]
    assert ids(find(edge, type="visualization", search_fields="title", search="nsioe~1")) == []
    assert ids(find(edge, type="visualization", search_fields="title", search="nsioe~2")) == ["e3", "e4"]


def test_search_scores_and_operators(edge):
    noise = find(edge, type="visualization", search="noise")
    assert ids(noise) == ["e3", "e4"] and all(o["score"] > 0 for o in noise["saved_objects"])
    assert ids(find(edge, type="visualization", search='"noise in the"')) == ["e3", "e4"]
    assert ids(find(edge, type="visualization", search="noise dataset", default_search_operator="AND")) == ["e3", "e4"]
    assert ids(find(edge, type="visualization", search="noise -dataset", default_search_operator="AND")) == []
    # With OR, "-x" means every document without x (Lucene's quirk).
    assert set(ids(find(edge, type="visualization", search="nothinghere -noise"))) == {
        "test-viz",
        "web-requests-over-time",
        "web-errors-by-status",
        "e1",
        "e2",
    }
    # Without search_fields every mapped field is searched, the root type keyword too.
    assert find(edge, type="visualization", search="visualization")["total"] == 7


def test_search_fields_with_boost_and_relevance(http):
    for so_id, title, description in (("a", "alpha", "beta beta"), ("b", "beta", "alpha")):
        http.post(
            f"/api/saved_objects/search/{so_id}",
            json={"attributes": {"title": title, "description": description}},
            headers=XSRF,
        )
    assert ids(find(http, type="search", search="beta", search_fields=["title^5", "description"]))[:2] == ["b", "a"]
    assert ids(find(http, type="search", search="beta", search_fields="nope")) == []


def test_has_reference(http):
    result = find(
        http, type=["visualization", "search"], has_reference=json.dumps({"type": "index-pattern", "id": "logs-web"})
    )
    assert sorted(ids(result)) == ["web-errors", "web-requests-over-time"]


def test_fields_limits_attributes(http):
    hit = find(http, type="dashboard", fields="title")["saved_objects"][0]
    assert hit["attributes"] == {"title": "Web traffic"} and hit["references"] and hit["migrationVersion"]
    assert "attributes" not in find(http, type="dashboard", fields="nothing")["saved_objects"][0]


def test_filter(http):
    assert ids(find(http, type="visualization", filter="visualization.attributes.title: errors")) == [
        "web-errors-by-status"
    ]
    assert ids(find(http, type="visualization", filter='visualization.attributes.title: "Web errors"')) == [
        "web-errors-by-status"
    ]
    assert sorted(ids(find(http, type="visualization", filter="visualization.attributes.title: web*"))) == [
        "web-errors-by-status",
        "web-requests-over-time",
    ]
    assert ids(find(http, type="visualization", filter="not visualization.attributes.title: web")) == ["test-viz"]
    assert ids(find(http, type="dashboard", filter='dashboard.updated_at > "2026-01-01"')) == ["web-traffic"]
    assert ids(find(http, type="dashboard", filter='dashboard.updated_at < "2026-01-01"')) == []
    # A wildcard meets the analysed words: "ecommerce-test" has the word "test".
    assert find(http, type="index-pattern", filter="index-pattern.attributes.title: test*")["total"] == 3


@pytest.mark.parametrize(
    "filter_, message",
    [
        ("dashboard.attributes.title:foo", "This type dashboard is not allowed: Bad Request"),
        ("title:foo", "This key 'title' need to be wrapped by a saved object type like visualization: Bad Request"),
        (
            "visualization.title:foo",
            "This key 'visualization.title' does NOT match the filter proposition "
            "SavedObjectType.attributes.key: Bad Request",
        ),
        (
            "visualization.attributes.nope:foo",
            "This key 'visualization.attributes.nope' does NOT exist in visualization saved object "
            "index patterns: Bad Request",
        ),
        (
            "visualization.attributes.title:foo<invalid",
            'DQLSyntaxError: Expected AND, OR, end of input, whitespace but "<" found.\n'
            "visualization.attributes.title:foo<invalid\n" + "-" * 34 + "^: Bad Request",
        ),
    ],
)
def test_filter_errors(http, filter_, message):
    error(http, message, type="visualization", filter=filter_)


def test_a_bad_filter_with_only_unknown_types_is_not_checked(http):
    assert find(http, type="nope", filter="nope<<<")["total"] == 0


def test_sort_field(http):
    result = find(http, type="visualization", sort_field="updated_at")
    assert ids(result) == ["web-requests-over-time", "web-errors-by-status", "test-viz"]
    hit = result["saved_objects"][0]
    assert hit["score"] is None and isinstance(hit["sort"][0], int)
    assert ids(find(http, type=["visualization", "dashboard"], sort_field="type"))[0] == "web-traffic"
    error(http, "Unknown sort field nope", type="visualization", sort_field="nope")
    error(
        http,
        "Unable to sort multiple types by field title, not a root property",
        type=["visualization", "dashboard"],
        sort_field="title",
    )
    reply = http.get("/api/saved_objects/_find", query={"type": "visualization", "sort_field": "title"})
    assert reply.status == 400 and "Text fields are not optimised" in reply.json["message"]


def test_namespaces_and_workspaces(http):
    assert find(http, type="index-pattern", namespaces="*")["total"] == 4
    assert find(http, type="index-pattern", namespaces="foo")["total"] == 0
    if not DASHBOARDS_RELEASE.at_least(2, 14):  # find's workspaces: 2.14.0 (versions.py)
        reply = http.get("/api/saved_objects/_find", query={"type": "index-pattern", "workspaces": "9gt4lB"})
        boom(reply, 400, "[request query.workspaces]: definition for this key is missing")
        return
    assert ids(find(http, type="index-pattern", workspaces="9gt4lB")) == ["2ffee5da-55b3-49b4-b9e1-c3af5d1adbd3"]
    if DASHBOARDS_CONFIG.get("workspace.enabled"):
        # The workspace plugin checks the workspaces exist (workspace_id_consumer_wrapper.ts find).
        reply = http.get("/api/saved_objects/_find", query={"type": "index-pattern", "workspaces": "elsewhere"})
        boom(reply, 400, "Exist invalid workspaces")
        return
    assert find(http, type="index-pattern", workspaces="elsewhere")["total"] == 0


@pytest.mark.parametrize(
    "query, message",
    [
        ({}, "[request query.type]: expected at least one defined value but got [undefined]"),
        ({"type": "x", "per_page": "-1"}, "[request query.per_page]: Value must be equal to or greater than [0]."),
        (
            {"type": "x", "per_page": "abc"},
            "[request query.per_page]: expected value of type [number] but got [string]",
        ),
        ({"type": "x", "sort_order": "desc"}, "[request query.sort_order]: definition for this key is missing"),
        (
            {"type": "x", "has_reference": "nope"},
            "[request query.has_reference]: could not parse object value from json input",
        ),
    ],
)
def test_query_validation(http, query, message):
    error(http, message, **query)


def test_search_stays_right_after_writes(http):
    http.put("/api/saved_objects/visualization/test-viz", json={"attributes": {"title": "Renamed thing"}}, headers=XSRF)
    assert ids(find(http, type="visualization", search="renamed")) == ["test-viz"]
    assert find(http, type="visualization", search="customer")["total"] == 0
    http.delete("/api/saved_objects/visualization/test-viz", headers=XSRF)
    assert find(http, type="visualization", search="renamed")["total"] == 0
    http.post("/_mock/reset")
    assert ids(find(http, type="visualization", search="customer")) == ["test-viz"]


def test_custom_type_mappings_are_searchable(tmp_path):
    fixture = tmp_path / "t.json"
    fixture.write_text(
        json.dumps(
            {
                "dashboards": {
                    "types": {
                        "note": {
                            "management": {"importableAndExportable": True, "defaultSearchField": "body"},
                            "mappings": {
                                "properties": {
                                    "body": {"type": "text"},
                                    "meta": {"properties": {"tag": {"type": "keyword"}}},
                                }
                            },
                        }
                    },
                    "saved_objects": {"note": {"n1": {"attributes": {"body": "hello world", "meta": {"tag": "Red"}}}}},
                }
            }
        )
    )
    http = Http(create_app([fixture]).test_client())
    assert ids(find(http, type="note", search="hello")) == ["n1"]
    assert ids(find(http, type="note", filter="note.attributes.meta.tag: Red")) == ["n1"]
    assert find(http, type="note", filter="note.attributes.meta.tag: red")["total"] == 0  # keyword: exact


# The kuery syntax errors of OSD's kuery_syntax_error tests (first line) and find.js (whole message).
@pytest.mark.parametrize(
    "filter_, expected",
    [
        ("response:", 'Expected "(", "{", value, whitespace but end of input found.'),
        ("response:200 or ", 'Expected "(", NOT, field name, value but end of input found.'),
        ("response:(200 or )", 'Expected "(", NOT, value but ")" found.'),
        ("response:200 and not ", 'Expected "(", field name, value but end of input found.'),
        ("response:(200 and not )", 'Expected "(", value but ")" found.'),
        ('foo:"ba ', 'Expected "(", "{", value, whitespace but """ found.'),
        ('foo:"ba "r"', 'Expected AND, OR, end of input, whitespace but "r" found.'),
        ("foo:ba:r", 'Expected AND, OR, end of input, whitespace but ":" found.'),
        ("foo > ", "Expected literal, whitespace but end of input found."),
        ("< 1000", 'Expected "(", NOT, end of input, field name, value, whitespace but "<" found.'),
    ],
)
def test_kuery_syntax_errors(http, filter_, expected):
    reply = http.get("/api/saved_objects/_find", query={"type": "visualization", "filter": filter_})
    assert reply.status == 400
    first_line, expression, marker = reply.json["message"].split("\n")
    assert first_line == f"DQLSyntaxError: {expected}"
    assert expression == filter_ and marker.endswith("^: Bad Request")


# -- past OpenSearch's result window -------------------------------------------------------------
WINDOW = (
    "all shards failed: search_phase_execution_exception: [illegal_argument_exception] Reason: Result window is "
    "too large, from + size must be less than or equal to: [10000] but was [{n}]. See the scroll api for a more "
    "efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] "
    "index level setting."
)


def test_a_page_past_the_result_window_is_opensearchs_400(http):
    # from = per_page * (page - 1), size = per_page: OpenSearch refuses from + size over 10000, and the
    # repository decorates it (decorateOpenSearchError -> createBadRequestError of the reason).
    reply = http.get("/api/saved_objects/_find", query={"type": "visualization", "per_page": 10001})
    assert reply.status == 400
    assert reply.text == json.dumps(
        {"statusCode": 400, "error": "Bad Request", "message": WINDOW.format(n=10001)}, separators=(",", ":")
    )
    error(http, WINDOW.format(n=10002), type="visualization", page=2, per_page=5001)
    error(http, WINDOW.format(n=20000), type=["visualization", "dashboard"], page=10000, per_page=2, search="x")


def test_the_window_itself_is_allowed(http):
    assert find(http, type="visualization", per_page=10000)["total"] == 3
    assert find(http, type="visualization", page=10000, per_page=1)["saved_objects"] == []
    assert find(http, type="visualization", page=10**9, per_page=0)["saved_objects"] == []


def test_what_is_refused_before_the_window(http):
    # No type the repository knows: the empty answer, without a search at all.
    assert find(http, type="wigwag", page=3, per_page=5000) == {
        "page": 3,
        "per_page": 5000,
        "total": 0,
        "saved_objects": [],
    }
    # The filter and the sort are checked first (the sort when OpenSearch parses the request).
    error(http, "Unknown sort field nope", type="visualization", sort_field="nope", per_page=20000)
    reply = http.get("/api/saved_objects/_find", query={"type": "visualization", "sort_field": "title", "page": 501})
    assert reply.status == 400 and "Text fields are not optimised" in reply.json["message"]
    reply = http.get("/api/saved_objects/_find", query={"type": "visualization", "filter": "nope.x:1", "page": 501})
    assert reply.status == 400 and reply.json["message"].startswith("This type nope is not allowed")
