"""Data frame analytics PUT: the analyses' parameter ranges, the request's validation, the source and
dest against the cluster's indices, and the model memory limit."""

from __future__ import annotations

import pytest
from conftest import es_error
from ml_bodies import DFA

URL = "/_ml/data_frame/analytics"
FORBIDDEN = "[' ','\"','*',',','/','<','>','?','\\','|']"  # validateIndexOrAliasName's list


@pytest.fixture
def source(http):
    assert http.put("/source-index").status == 200
    return "source-index"


def put(http, analytics_id: str = "x", **fields):
    return http.put(f"{URL}/{analytics_id}", json={**DFA, **fields})


@pytest.mark.parametrize(
    "params, reason",
    [
        ({"n_neighbors": -1}, "[n_neighbors] must be a positive integer"),
        ({"n_neighbors": 0}, "[n_neighbors] must be a positive integer"),
        ({"feature_influence_threshold": -0.001}, "[feature_influence_threshold] must be in [0, 1]"),
        ({"feature_influence_threshold": 1.001}, "[feature_influence_threshold] must be in [0, 1]"),
        ({"outlier_fraction": -0.001}, "[outlier_fraction] must be in [0, 1]"),
        ({"outlier_fraction": 1.001}, "[outlier_fraction] must be in [0, 1]"),
    ],
)
def test_outlier_detection_ranges(http, source, params, reason):
    """OutlierDetection is built after its ObjectParser: the error is wrapped once, by the config's parser."""
    error = es_error(put(http, analysis={"outlier_detection": params}), 400, "x_content_parse_exception")
    assert error["reason"].endswith("[data_frame_analytics_config] failed to parse field [analysis]")
    assert error["caused_by"] == {"type": "status_exception", "reason": reason}


TREE_RULES = [
    ({"lambda": -1.0}, "[lambda] must be a non-negative double"),
    ({"gamma": -1.0}, "[gamma] must be a non-negative double"),
    ({"eta": 0.0009}, "[eta] must be a double in [0.001, 1]"),
    ({"eta": 1.00001}, "[eta] must be a double in [0.001, 1]"),
    ({"max_trees": 0}, "[max_trees] must be an integer in [1, 2000]"),
    ({"max_trees": 2001}, "[max_trees] must be an integer in [1, 2000]"),
    ({"maximum_number_trees": 2001}, "[max_trees] must be an integer in [1, 2000]"),
    ({"feature_bag_fraction": -0.0001}, "[feature_bag_fraction] must be a double in (0, 1]"),
    ({"feature_bag_fraction": 1.0001}, "[feature_bag_fraction] must be a double in (0, 1]"),
    ({"num_top_feature_importance_values": -1}, "[num_top_feature_importance_values] must be a non-negative integer"),
    ({"alpha": -1.0}, "[alpha] must be a non-negative double"),
    ({"eta_growth_rate_per_tree": 0.4}, "[eta_growth_rate_per_tree] must be a double in [0.5, 2.0]"),
    ({"soft_tree_depth_limit": -1.0}, "[soft_tree_depth_limit] must be a non-negative double"),
    (
        {"soft_tree_depth_tolerance": 0.001},
        "[soft_tree_depth_tolerance] must be a double greater than or equal to 0.01",
    ),
    ({"downsample_factor": 0.0}, "[downsample_factor] must be a double in (0, 1]"),
    (
        {"max_optimization_rounds_per_hyperparameter": 21},
        "[max_optimization_rounds_per_hyperparameter] must be an integer in [0, 20]",
    ),
    ({"training_percent": -1.0}, "[training_percent] must be a positive double in (0, 100]"),
    ({"training_percent": 100.1}, "[training_percent] must be a positive double in (0, 100]"),
]


@pytest.mark.parametrize(
    "kind, params, reason",
    [("regression", *rule) for rule in TREE_RULES]
    + [("classification", *rule) for rule in TREE_RULES]
    + [
        ("regression", {"loss_function_parameter": 0.0}, "[loss_function_parameter] must be a positive double"),
        ("regression", {"loss_function_parameter": -0.01}, "[loss_function_parameter] must be a positive double"),
        (
            "classification",
            {"num_top_classes": -2},
            "[num_top_classes] must be an integer in [0, 1000] or a special value -1",
        ),
        (
            "classification",
            {"num_top_classes": 1001},
            "[num_top_classes] must be an integer in [0, 1000] or a special value -1",
        ),
    ],
)
def test_supervised_ranges(http, source, kind, params, reason):
    """Regression and Classification are built by a ConstructingObjectParser at the object's end."""
    body = {"dependent_variable": "foo", **params}
    error = es_error(put(http, analysis={kind: body}), 400, "x_content_parse_exception")
    assert error["reason"].endswith("[data_frame_analytics_config] failed to parse field [analysis]")
    assert error["caused_by"]["reason"] == f"Failed to build [{kind}] after last required field arrived"
    assert error["caused_by"]["caused_by"] == {"type": "status_exception", "reason": reason}


def test_the_tree_parameters_are_checked_before_the_analysis_own(http, source):
    body = {"dependent_variable": "foo", "training_percent": 0.0, "lambda": -1.0}
    error = es_error(put(http, analysis={"regression": body}), 400, "x_content_parse_exception")
    assert error["caused_by"]["caused_by"]["reason"] == "[lambda] must be a non-negative double"


@pytest.mark.parametrize(
    "kind, field, value, java",
    [
        ("regression", "loss_function", "abs", "Regression.LossFunction.ABS"),
        ("classification", "class_assignment_objective", "best", "Classification.ClassAssignmentObjective.BEST"),
    ],
)
def test_enum_parameters_must_name_a_constant(http, source, kind, field, value, java):
    error = es_error(
        put(http, analysis={kind: {"dependent_variable": "y", field: value}}), 400, "x_content_parse_exception"
    )
    cause = error["caused_by"]
    assert cause["reason"].endswith(f"[{kind}] failed to parse field [{field}]")
    assert cause["caused_by"]["reason"] == f"No enum constant org.elasticsearch.xpack.core.ml.dataframe.analyses.{java}"


def test_a_parameter_of_the_wrong_type(http, source):
    error = es_error(
        put(http, analysis={"outlier_detection": {"n_neighbors": "five"}}), 400, "x_content_parse_exception"
    )
    assert error["caused_by"]["reason"].endswith(
        "[outlier_detection] n_neighbors doesn't support values of type: VALUE_STRING"
    )


def test_enum_values_are_written_lower_case(http, source):
    config = put(http, analysis={"outlier_detection": {"method": "LDOF"}}).json
    assert config["analysis"]["outlier_detection"]["method"] == "ldof"


@pytest.mark.parametrize(
    "analytics_id, dest, problems",
    [
        (
            "this id contains spaces",
            "d",
            [
                "Invalid id; 'this id contains spaces' can contain lowercase alphanumeric (a-z and 0-9), hyphens or "
                "underscores; must start and end with alphanumeric"
            ],
        ),
        ("a" * 65, "d", [f"Invalid id; '{'a' * 65}' cannot contain more than 64 characters."]),
        ("ok", "Foo", ["Destination index [Foo] must be lowercase"]),
        (
            "ok",
            "<script>Foo",
            [f"Invalid index name [<script>Foo], must not contain the following characters {FORBIDDEN}"],
        ),
        (
            "ok",
            "foo*",
            [f"Invalid index name [foo*], must not contain the following characters {FORBIDDEN}"],
        ),
        (
            "Bad",
            "Foo",
            [
                "Invalid id; 'Bad' can contain lowercase alphanumeric (a-z and 0-9), hyphens or underscores; "
                "must start and end with alphanumeric",
                "Destination index [Foo] must be lowercase",
            ],
        ),
    ],
)
def test_request_validation(http, source, analytics_id, dest, problems):
    numbered = "".join(f"{i}: {p};" for i, p in enumerate(problems, start=1))
    es_error(
        put(http, analytics_id, dest={"index": dest}),
        400,
        "action_request_validation_exception",
        f"Validation Failed: {numbered}",
    )


def test_analyzed_fields_must_be_in_the_source_filter(http, source):
    source_filter = {"index": source, "_source": {"excludes": ["excluded"]}}
    es_error(
        put(http, source=source_filter, analyzed_fields={"includes": ["excluded"]}),
        400,
        "action_request_validation_exception",
        "Validation Failed: 1: field [excluded] is included in [analyzed_fields] but not in [source._source];",
    )
    # A field the source includes (here: under an included parent) is fine.
    included = {"index": source, "_source": {"includes": ["obj"]}}
    assert put(http, source=included, analyzed_fields={"includes": ["obj.a"]}).status == 200


def test_source_must_exist_unless_a_wildcard(http, source):
    es_error(
        put(http, source={"index": "missing"}),
        400,
        "validation_exception",
        "Validation Failed: 1: no such index [missing];",
    )
    assert put(http, "wild", source={"index": "missing*"}).json["source"]["index"] == ["missing*"]


def test_dest_must_not_be_in_the_source(http, source):
    es_error(
        put(http, dest={"index": source}),
        400,
        "validation_exception",
        "Validation Failed: 1: Destination index [source-index] is included in source expression [source-index];",
    )
    es_error(
        put(http, source={"index": "source-*"}, dest={"index": "source-results"}),
        400,
        "validation_exception",
        "Validation Failed: 1: Destination index [source-results] is included in source expression [source-*];",
    )


def test_dest_alias_of_a_source_index(http):
    assert http.put("/another-source-index", json={"aliases": {"dest-alias": {}}}).status == 200
    es_error(
        put(http, source={"index": "another-source-index"}, dest={"index": "dest-alias"}),
        400,
        "validation_exception",
        "Validation Failed: 1: Destination index [another-source-index] is included in source expression "
        "[another-source-index];",
    )


def test_dest_alias_of_several_indices_needs_a_write_index(http, source):
    for name in ("multiple-dest-index-1", "multiple-dest-index-2"):
        assert http.put(f"/{name}", json={"aliases": {"multiple-dest-index": {}}}).status == 200
    error = es_error(put(http, dest={"index": "multiple-dest-index"}), 400, "validation_exception")
    assert error["reason"].startswith(
        "Validation Failed: 1: no write index is defined for alias [multiple-dest-index]. The write index may be "
        "explicitly disabled using is_write_index=false"
    )


def test_remote_source_indices_are_refused(http):
    es_error(
        put(http, source={"index": "remote_cluster:foo"}),
        400,
        "validation_exception",
        "Validation Failed: 1: remote source indices are not supported;",
    )


@pytest.mark.parametrize(
    "limit, written",
    [("20mb", "20mb"), ("2048KB", "2048kb"), ("1g", "1gb"), ("1500000b", "1500000b"), ("1.5mb", "1572864b")],
)
def test_model_memory_limit_keeps_the_unit_given(http, source, limit, written):
    assert put(http, model_memory_limit=limit).json["model_memory_limit"] == written


def test_model_memory_limit_must_be_a_size_of_at_least_1kb(http, source):
    es_error(
        put(http, model_memory_limit="512b"),
        400,
        "status_exception",
        "model_memory_limit must be at least 1kb. Value = 512b",
    )
    error = es_error(put(http, model_memory_limit=12), 400, "x_content_parse_exception")
    assert error["reason"].endswith("[data_frame_analytics_config] failed to parse field [model_memory_limit]")
    assert error["caused_by"] == {
        "type": "parse_exception",
        "reason": "failed to parse setting [model_memory_limit] with value [12] as a size in bytes: unit is missing "
        "or unrecognized",
    }


def test_the_clusters_max_model_memory_limit():
    """xpack.ml.max_model_memory_limit: an explicit limit over it is refused, the default is capped."""
    from mockserver.elasticsearch.indices import Indices
    from mockserver.elasticsearch.ml import Ml
    from mockserver.elasticsearch.versions import Release

    ml = Ml(Indices(), Release("9.6.0"))
    ml.indices.create("index-source")
    ml.settings.update({"persistent": {"xpack.ml.max_model_memory_limit": "20mb"}})
    body = {"source": {"index": "index-source"}, "dest": {"index": "d"}, "analysis": {"outlier_detection": {}}}
    with pytest.raises(Exception) as refused:
        ml.analytics.put("a", {**body, "model_memory_limit": "8gb"})
    assert refused.value.reason == (
        "model_memory_limit [8gb] must be less than the value of the xpack.ml.max_model_memory_limit setting [20mb]"
    )
    assert ml.analytics.put("a", body)["model_memory_limit"] == "20mb"
    assert ml.analytics.put("b", {**body, "model_memory_limit": "10mb"})["model_memory_limit"] == "10mb"


@pytest.mark.parametrize(
    "limit, reason, cause",
    [
        ("abcmb", "failed to parse setting [model_memory_limit] with value [abcmb]", None),
        (
            "-5mb",
            "failed to parse setting [model_memory_limit] with value [-5mb] as a size in bytes",
            {"type": "illegal_argument_exception", "reason": "Values less than -1 bytes are not supported: -5mb"},
        ),
    ],
)
def test_model_memory_limit_that_is_no_size(http, source, limit, reason, cause):
    error = es_error(put(http, model_memory_limit=limit), 400, "x_content_parse_exception")
    expected = {"type": "parse_exception", "reason": reason, **({"caused_by": cause} if cause else {})}
    assert error["caused_by"] == expected


def test_an_old_name_belongs_to_its_parser(http, source):
    """maximum_number_trees is max_trees's name in the tree parameters only."""
    error = es_error(
        put(http, analysis={"outlier_detection": {"maximum_number_trees": 3}}), 400, "x_content_parse_exception"
    )
    assert error["caused_by"]["reason"].endswith("[outlier_detection] unknown field [maximum_number_trees]")


def test_memory_in_messages_is_written_as_byte_size_value_does():
    from mockserver.elasticsearch.ml.common import format_byte_size

    # the largest unit, the first decimal kept (not rounded), none when it is zero
    assert [format_byte_size(b) for b in (512, 1536, 8 * 1024**3, int(1.99 * 1024**3), -1)] == [
        "512b",
        "1.5kb",
        "8gb",
        "1.9gb",
        "-1b",
    ]
    assert format_byte_size(20615843020) == "19.1gb"  # 19.199999998509884: cut, not rounded
