"""Elasticsearch's data frame analytics over HTTP: PUT (parsing, defaults), GET and DELETE."""

from __future__ import annotations

import pytest
from conftest import es_error
from ml_bodies import DFA

URL = "/_ml/data_frame/analytics"
OUTLIER_DEFAULTS = {"compute_feature_influence": True, "outlier_fraction": 0.05, "standardization_enabled": True}


@pytest.fixture
def source(http):
    """The index every job here reads (PUT refuses a source index that does not exist)."""
    assert http.put("/source-index").status == 200
    return "source-index"


def put(http, analytics_id: str, **fields):
    return http.put(f"{URL}/{analytics_id}", json={**DFA, **fields})


def test_put_writes_the_defaults_in_the_servers_order(http, source):
    config = put(http, "dfa1").json
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
    assert config["analysis"] == {"outlier_detection": OUTLIER_DEFAULTS}
    assert list(config["analysis"]["outlier_detection"]) == list(OUTLIER_DEFAULTS)
    assert (config["model_memory_limit"], config["allow_lazy_start"], config["max_num_threads"]) == ("1gb", False, 1)
    assert "authorization" not in config  # security is off: no headers were stored


def test_put_keeps_query_source_filter_analyzed_fields_meta_and_description(http, source):
    config = put(
        http,
        "with-everything",
        description="described",
        source={"index": source, "query": {"term": {"user": "u"}}, "_source": ["a.*", "b.*"]},
        analyzed_fields=["a.*", "b.*"],
        _meta={"tag": "x", "n": 7},
    ).json
    assert config["description"] == "described"
    assert config["source"] == {
        "index": ["source-index"],
        "query": {"term": {"user": "u"}},
        "_source": {"includes": ["a.*", "b.*"], "excludes": []},
    }
    assert config["analyzed_fields"] == {"includes": ["a.*", "b.*"], "excludes": []}
    assert config["_meta"] == {"tag": "x", "n": 7}
    assert list(config)[-1] == "_meta" and list(config).index("description") == 3
    got = http.get(f"{URL}/with-everything").json["data_frame_analytics"][0]
    assert got == config


def test_put_keeps_runtime_mappings_and_a_custom_results_field(http, source):
    runtime = {"runtime_field": {"type": "double", "script": ""}}
    config = put(
        http, "rt", source={"index": source, "runtime_mappings": runtime}, dest={"index": "d", "results_field": "out"}
    ).json
    assert config["source"]["runtime_mappings"] == runtime
    assert config["dest"] == {"index": "d", "results_field": "out"}


def test_put_custom_outlier_detection_is_kept_as_given(http, source):
    custom = {
        "n_neighbors": 5,
        "method": "lof",
        "feature_influence_threshold": 0.0,
        "compute_feature_influence": False,
        "outlier_fraction": 0.95,
        "standardization_enabled": False,
    }
    assert put(http, "custom", analysis={"outlier_detection": custom}).json["analysis"] == {"outlier_detection": custom}


def test_put_regression_writes_every_parameter_and_its_defaults_in_order(http, source):
    given = {
        "dependent_variable": "foo",
        "lambda": 3.14,
        "gamma": 0.42,
        "eta": 0.5,
        "max_trees": 400,
        "feature_bag_fraction": 0.3,
        "training_percent": 60.3,
        "randomize_seed": 42,
        "loss_function": "msle",
        "loss_function_parameter": 2.0,
        "alpha": 1.0,
        "eta_growth_rate_per_tree": 1.0,
        "soft_tree_depth_limit": 2.0,
        "soft_tree_depth_tolerance": 3.0,
        "downsample_factor": 0.5,
        "max_optimization_rounds_per_hyperparameter": 3,
        "early_stopping_enabled": True,
    }
    regression = put(http, "reg", analysis={"regression": given}).json["analysis"]["regression"]
    assert regression == {**given, "prediction_field_name": "foo_prediction"}
    # BoostedTreeParams.toXContent starts with alpha; the regression's own fields follow the trees'.
    assert list(regression)[:3] == ["dependent_variable", "alpha", "lambda"]
    assert list(regression)[-4:] == [
        "randomize_seed",
        "loss_function",
        "loss_function_parameter",
        "early_stopping_enabled",
    ]


def test_put_regression_defaults(http, source):
    regression = put(http, "reg", analysis={"regression": {"dependent_variable": "foo", "lambda": 1}}).json
    regression = regression["analysis"]["regression"]
    seed = regression.pop("randomize_seed")
    assert isinstance(seed, int)
    assert regression == {
        "dependent_variable": "foo",
        "lambda": 1.0,  # a double, whatever the token
        "prediction_field_name": "foo_prediction",
        "training_percent": 100.0,
        "loss_function": "mse",
        "early_stopping_enabled": True,
    }


def test_put_classification_defaults_and_order(http, source):
    given = {"dependent_variable": "foo", "class_assignment_objective": "maximize_accuracy", "randomize_seed": 24}
    classification = put(http, "cls", analysis={"classification": given}).json["analysis"]["classification"]
    assert list(classification.items()) == [
        ("dependent_variable", "foo"),
        ("class_assignment_objective", "maximize_accuracy"),
        ("num_top_classes", 2),
        ("prediction_field_name", "foo_prediction"),
        ("training_percent", 100.0),
        ("randomize_seed", 24),
        ("early_stopping_enabled", True),
    ]


def test_put_takes_maximum_number_trees_as_max_trees_with_a_warning(http, source):
    body = {"dependent_variable": "foo", "maximum_number_trees": 400, "randomize_seed": 24}
    reply = put(http, "old-name", analysis={"classification": body})
    assert reply.json["analysis"]["classification"]["max_trees"] == 400
    assert "maximum_number_trees" not in reply.json["analysis"]["classification"]
    assert "Deprecated field [maximum_number_trees] used, expected [max_trees] instead" in reply.headers["Warning"]


@pytest.mark.parametrize("field, value", [("headers", {"a": "b"}), ("create_time", 1), ("version", "7.3.0")])
def test_put_refuses_what_the_server_writes_itself(http, source, field, value):
    error = es_error(put(http, "x", **{field: value}), 400, "x_content_parse_exception")
    assert error["reason"].endswith(f"[data_frame_analytics_config] unknown field [{field}]")


@pytest.mark.parametrize(
    "fields, parser, unknown",
    [
        ({"unknown_field": 42}, "data_frame_analytics_config", "unknown_field"),
        ({"analysis": {"outlier_detection": {"unknown_field": 42}}}, "outlier_detection", "unknown_field"),
        ({"source": {"index": "source-index", "size": 1}}, "data_frame_analytics_source", "size"),
        ({"dest": {"index": "d", "results": "x"}}, "data_frame_analytics_dest", "results"),
    ],
)
def test_put_refuses_unknown_fields_at_every_level(http, source, fields, parser, unknown):
    error = es_error(put(http, "x", **fields), 400, "x_content_parse_exception")
    assert f"[{parser}] unknown field [{unknown}]" in str(error)


def test_put_unknown_field_of_an_analysis_is_wrapped_by_the_configs_parser(http, source):
    body = '{"source":{"index":"source-index"},"dest":{"index":"d"},"analysis":{"outlier_detection":{"oops":1}}}'
    reply = http.put(f"{URL}/x", data=body, headers={"Content-Type": "application/json"})
    error = es_error(
        reply, 400, "x_content_parse_exception", "[1:90] [data_frame_analytics_config] failed to parse field [analysis]"
    )
    assert error["caused_by"] == {
        "type": "x_content_parse_exception",
        "reason": "[1:90] [outlier_detection] unknown field [oops]",
    }


def test_put_empty_analysis_is_a_parsing_exception(http, source):
    body = '{"source":{"index":"source-index"},"dest":{"index":"d"},"analysis":{}}'
    reply = http.put(f"{URL}/x", data=body, headers={"Content-Type": "application/json"})
    error = es_error(reply, 400, "x_content_parse_exception")
    assert error["caused_by"] == {
        "type": "parsing_exception",
        "reason": "Failed to parse object: expecting token of type [FIELD_NAME] but found [END_OBJECT]",
        "line": 1,
        "col": 69,
    }


def test_put_unknown_analysis_type(http, source):
    error = es_error(put(http, "x", analysis={"clustering": {}}), 400, "x_content_parse_exception")
    assert error["caused_by"]["type"] == "named_object_not_found_exception"
    assert error["caused_by"]["reason"].endswith("unknown field [clustering]")


@pytest.mark.parametrize("kind", ["regression", "classification"])
def test_put_supervised_analysis_needs_a_dependent_variable(http, source, kind):
    error = es_error(put(http, "x", analysis={kind: {}}), 400, "x_content_parse_exception")
    assert error["reason"].endswith("[data_frame_analytics_config] failed to parse field [analysis]")
    assert error["caused_by"] == {"type": "illegal_argument_exception", "reason": "Required [dependent_variable]"}


@pytest.mark.parametrize("missing", ["source", "dest", "analysis"])
def test_put_needs_source_dest_and_analysis(http, source, missing):
    body = {k: v for k, v in DFA.items() if k != missing}
    es_error(http.put(f"{URL}/x", json=body), 400, "illegal_argument_exception", f"[{missing}] must not be null.")


@pytest.mark.parametrize(
    "fields, parser, reason",
    [
        ({"source": {"index": []}}, "data_frame_analytics_source", "source.index must specify at least one index"),
        (
            {"source": {"index": [""]}},
            "data_frame_analytics_source",
            "source.index must contain non-null and non-empty strings",
        ),
        (
            {"source": {"index": "source-index", "_source": False}},
            "data_frame_analytics_source",
            "source._source cannot be disabled",
        ),
    ],
)
def test_put_source_constructor_rules(http, source, fields, parser, reason):
    error = es_error(put(http, "x", **fields), 400, "x_content_parse_exception")
    assert error["reason"].endswith("[data_frame_analytics_config] failed to parse field [source]")
    assert error["caused_by"]["reason"] == f"Failed to build [{parser}] after last required field arrived"
    assert error["caused_by"]["caused_by"] == {"type": "illegal_argument_exception", "reason": reason}


def test_put_dest_with_an_empty_index(http, source):
    error = es_error(put(http, "x", dest={"index": ""}), 400, "x_content_parse_exception")
    assert error["caused_by"]["caused_by"] == {"type": "status_exception", "reason": "[index] must be non-empty"}


@pytest.mark.parametrize("field", ["source", "dest"])
def test_put_source_and_dest_need_an_index(http, source, field):
    error = es_error(put(http, "x", **{field: {}}), 400, "x_content_parse_exception")
    assert error["caused_by"] == {"type": "illegal_argument_exception", "reason": "Required [index]"}


def test_put_inconsistent_id(http, source):
    es_error(
        put(http, "url_id", id="body_id"),
        400,
        "illegal_argument_exception",
        "Inconsistent id; 'body_id' specified in the body differs from 'url_id' specified as a URL argument",
    )


def test_put_max_num_threads_must_be_positive(http, source):
    es_error(put(http, "x", max_num_threads=0), 400, "status_exception", "[max_num_threads] must be a positive integer")


def test_meta_came_in_8_8(tmp_path):
    from conftest import fixture_app

    old = fixture_app(tmp_path, {"elasticsearch": {"settings": {"version": "8.7.0"}}})
    assert old.put("/source-index").status == 200
    error = es_error(put(old, "x", _meta={"a": 1}), 400, "x_content_parse_exception")
    assert error["reason"].endswith("[data_frame_analytics_config] unknown field [_meta]")
    assert put(old, "x").status == 200


def test_get_all_expressions_paging_and_missing(http, source):
    for name in ("foo-1", "foo-2", "bar"):
        assert put(http, name, dest={"index": f"{name}-dest"}).status == 200
    es_error(
        put(http, "foo-1"),
        400,
        "resource_already_exists_exception",
        "A data frame analytics with id [foo-1] already exists",
    )

    def ids(reply):
        return reply.json["count"], [c["id"] for c in reply.json["data_frame_analytics"]]

    assert ids(http.get(URL)) == (3, ["bar", "foo-1", "foo-2"])
    assert ids(http.get(f"{URL}/_all")) == ids(http.get(f"{URL}/*")) == (3, ["bar", "foo-1", "foo-2"])
    assert ids(http.get(f"{URL}/foo-*")) == (2, ["foo-1", "foo-2"])
    assert ids(http.get(URL, query={"from": 1})) == (3, ["foo-1", "foo-2"])
    assert ids(http.get(URL, query={"size": 2})) == (3, ["bar", "foo-1"])
    assert ids(http.get(URL, query={"from": 1, "size": 1})) == (3, ["foo-1"])
    assert ids(http.get(f"{URL}/missing*")) == (0, [])
    for query in ({}, {"allow_no_match": "false"}):
        es_error(
            http.get(f"{URL}/missing", query=query),
            404,
            "resource_not_found_exception",
            "No known data frame analytics with id [missing]",
        )
    es_error(http.get(f"{URL}/missing*", query={"allow_no_match": "false"}), 404, "resource_not_found_exception")
    es_error(http.get(URL, query={"size": -1}), 400, "illegal_argument_exception", "Parameter [size] cannot be < 0")


def test_get_nothing_yet(http):
    for path in (URL, f"{URL}/_all", f"{URL}/*"):
        assert http.get(path).json == {"count": 0, "data_frame_analytics": []}


def test_get_for_export_leaves_out_what_the_server_generated(http, source):
    put(http, "dfa1")
    exported = http.get(f"{URL}/dfa1", query={"exclude_generated": "true"}).json["data_frame_analytics"][0]
    assert "create_time" not in exported and "version" not in exported
    assert exported["source"] == {"index": ["source-index"], "query": {"match_all": {}}}
    assert exported["analysis"] == {"outlier_detection": OUTLIER_DEFAULTS}


def test_delete(http, source):
    put(http, "foo")
    assert http.delete(f"{URL}/foo").json == {"acknowledged": True}
    es_error(http.get(f"{URL}/foo"), 404, "resource_not_found_exception")
    es_error(
        http.delete(f"{URL}/foo"), 404, "resource_not_found_exception", "No known data frame analytics with id [foo]"
    )


def test_put_source_query_must_parse(http, source):
    error = es_error(put(http, "x", source={"index": source, "query": {"foo": {}}}), 400, "x_content_parse_exception")
    assert error["reason"].endswith("[data_frame_analytics_config] failed to parse field [source]")
    query_error = error["caused_by"]
    assert query_error["reason"].endswith("[data_frame_analytics_source] failed to parse field [query]")
    assert query_error["caused_by"] == {
        "type": "status_exception",
        "reason": "Data Frame Analytics config query is not parsable",
        # parsed from the query's own map: the place is in that text, not in the request's
        "caused_by": {"type": "named_object_not_found_exception", "reason": "[1:8] unknown field [foo]"},
    }


@pytest.mark.parametrize(
    "runtime, reason",
    [
        ({"f": "double"}, "Expected map for runtime field [f] definition but got a String"),
        ({"f": {"script": ""}}, "No type specified for runtime field [f]"),
    ],
)
def test_put_runtime_mappings_need_a_type(http, source, runtime, reason):
    error = es_error(
        put(http, "x", source={"index": source, "runtime_mappings": runtime}), 400, "x_content_parse_exception"
    )
    assert (
        error["caused_by"]["reason"]
        == "Failed to build [data_frame_analytics_source] after last required field arrived"
    )
    assert error["caused_by"]["caused_by"] == {"type": "status_exception", "reason": reason}
