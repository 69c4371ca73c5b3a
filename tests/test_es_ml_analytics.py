"""Elasticsearch's ML APIs over HTTP: data frame analytics."""

from __future__ import annotations

import pytest
from conftest import es_error
from ml_bodies import DFA


def test_put_data_frame_analytics_defaults(http):
    config = http.put("/_ml/data_frame/analytics/dfa1", json=DFA).json
    assert list(config) == [
        "id",
        "create_time",
        "version",
        "source",
        "dest",
        "analysis",
        "model_memory_limit",
        "allow_lazy_start",
        "max_num_threads",
    ]
    assert config["source"] == {"index": ["source-index"], "query": {"match_all": {}}}
    assert config["dest"] == {"index": "dest-index", "results_field": "ml"}
    assert config["analysis"] == {
        "outlier_detection": {
            "compute_feature_influence": True,
            "outlier_fraction": 0.05,
            "standardization_enabled": True,
        }
    }
    assert (config["model_memory_limit"], config["allow_lazy_start"], config["max_num_threads"]) == ("1gb", False, 1)


@pytest.mark.parametrize(
    "body, status, type_, reason",
    [
        ({**DFA, "source": None}, 400, "illegal_argument_exception", "[source] must not be null."),
        ({k: v for k, v in DFA.items() if k != "dest"}, 400, "illegal_argument_exception", "[dest] must not be null."),
        (
            {k: v for k, v in DFA.items() if k != "analysis"},
            400,
            "illegal_argument_exception",
            "[analysis] must not be null.",
        ),
        (
            {**DFA, "dest": {"index": "source-index"}},
            400,
            "status_exception",
            "Destination index [source-index] is included in source expression [source-index]",
        ),
        ({**DFA, "create_time": 1}, 400, "x_content_parse_exception", None),
    ],
)
def test_put_data_frame_analytics_errors(http, body, status, type_, reason):
    body = {k: v for k, v in body.items() if v is not None}
    es_error(http.put("/_ml/data_frame/analytics/dfa1", json=body), status, type_, reason)


def test_data_frame_analytics_duplicate_get_page_delete(http):
    for name in ("a1", "a2", "a3"):
        assert http.put(f"/_ml/data_frame/analytics/{name}", json=DFA).status == 200
    es_error(
        http.put("/_ml/data_frame/analytics/a1", json=DFA),
        400,
        "resource_already_exists_exception",
        "A data frame analytics with id [a1] already exists",
    )
    page = http.get("/_ml/data_frame/analytics", query={"from": 1}).json
    assert page["count"] == 3 and [c["id"] for c in page["data_frame_analytics"]] == ["a2", "a3"]
    assert http.get("/_ml/data_frame/analytics/a1,a3").json["count"] == 2
    es_error(
        http.get("/_ml/data_frame/analytics/missing"),
        404,
        "resource_not_found_exception",
        "No known data frame analytics with id [missing]",
    )
    assert http.delete("/_ml/data_frame/analytics/a1").json == {"acknowledged": True}
    es_error(http.delete("/_ml/data_frame/analytics/a1"), 404, "resource_not_found_exception")
    es_error(
        http.get("/_ml/data_frame/analytics", query={"size": -1}),
        400,
        "illegal_argument_exception",
        "Parameter [size] cannot be < 0",
    )
