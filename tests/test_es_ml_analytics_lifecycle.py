"""Data frame analytics after PUT: stats, start, stop, update, delete of a started job, and the
authorization a config records when security is on."""

from __future__ import annotations

import base64
import json

import pytest
from conftest import Http, es_error
from ml_bodies import DFA

from mockserver import create_app

URL = "/_ml/data_frame/analytics"
NODE = "mOcKnOdE0000000000000w"


def put(http, analytics_id: str, **fields):
    reply = http.put(f"{URL}/{analytics_id}", json={**DFA, **fields})
    assert reply.status == 200, reply.text
    return reply.json


@pytest.fixture
def with_data(http):
    """A source index with a numeric field and a document that has it: a job over it can start."""
    assert http.put("/source-index", json={"mappings": {"properties": {"n": {"type": "long"}}}}).status == 200
    assert http.put("/source-index/_doc/1", json={"n": 1}, query={"refresh": "true"}).status == 201
    return "source-index"


def test_stats_of_a_new_job(http, with_data):
    put(http, "foo-1")
    stats = http.get(f"{URL}/foo-1/_stats").json
    assert stats == {
        "count": 1,
        "data_frame_analytics": [
            {
                "id": "foo-1",
                "state": "stopped",
                "progress": [
                    {"phase": phase, "progress_percent": 0}
                    for phase in ("reindexing", "loading_data", "computing_outliers", "writing_results")
                ],
                "data_counts": {"training_docs_count": 0, "test_docs_count": 0, "skipped_docs_count": 0},
                "memory_usage": {"peak_usage_bytes": 0, "status": "ok"},
            }
        ],
    }
    assert http.get(f"{URL}/foo-1/_stats", query={"verbose": "true"}).json == stats


def test_stats_phases_of_a_supervised_job_end_with_inference(http, with_data):
    put(http, "reg", analysis={"regression": {"dependent_variable": "n"}})
    progress = http.get(f"{URL}/reg/_stats").json["data_frame_analytics"][0]["progress"]
    assert [p["phase"] for p in progress] == [
        "reindexing",
        "loading_data",
        "feature_selection",
        "coarse_parameter_search",
        "fine_tuning_parameters",
        "final_training",
        "writing_results",
        "inference",
    ]


def test_stats_expressions_paging_and_missing(http, with_data):
    for name in ("foo-1", "foo-2", "bar"):
        put(http, name, dest={"index": f"{name}-dest"})

    def ids(reply):
        body = reply.json
        assert all(s["state"] == "stopped" for s in body["data_frame_analytics"])
        return body["count"], [s["id"] for s in body["data_frame_analytics"]]

    assert ids(http.get(f"{URL}/_stats")) == ids(http.get(f"{URL}/*/_stats")) == (3, ["bar", "foo-1", "foo-2"])
    assert ids(http.get(f"{URL}/foo-*/_stats")) == (2, ["foo-1", "foo-2"])
    assert ids(http.get(f"{URL}/bar/_stats")) == (1, ["bar"])
    assert ids(http.get(f"{URL}/_stats", query={"from": 2})) == (3, ["foo-2"])
    assert ids(http.get(f"{URL}/_stats", query={"size": 2})) == (3, ["bar", "foo-1"])
    assert ids(http.get(f"{URL}/_stats", query={"from": 1, "size": 1})) == (3, ["foo-1"])
    assert ids(http.get(f"{URL}/missing*/_stats")) == (0, [])
    for path, query in (
        ("missing", {}),
        ("missing", {"allow_no_match": "false"}),
        ("missing*", {"allow_no_match": "false"}),
    ):
        es_error(
            http.get(f"{URL}/{path}/_stats", query=query),
            404,
            "resource_not_found_exception",
            f"No known data frame analytics with id [{path}]",
        )


def test_start_stop_and_the_state_between(http, with_data):
    put(http, "job")
    assert http.post(f"{URL}/job/_start").json == {"acknowledged": True, "node": NODE}
    stats = http.get(f"{URL}/job/_stats").json["data_frame_analytics"][0]
    assert stats["state"] == "started"
    assert stats["node"]["id"] == NODE and stats["assignment_explanation"] == ""
    es_error(
        http.post(f"{URL}/job/_start"),
        409,
        "status_exception",
        "Cannot start data frame analytics [job] because it has already been started",
    )
    assert http.post(f"{URL}/job/_stop").json == {"stopped": True}
    assert http.get(f"{URL}/job/_stats").json["data_frame_analytics"][0]["state"] == "stopped"
    assert http.post(f"{URL}/job/_stop").json == {"stopped": True}  # stopping a stopped job


def test_start_needs_the_config_and_a_consistent_id(http):
    es_error(
        http.post(f"{URL}/missing_config/_start"),
        404,
        "resource_not_found_exception",
        "No known data frame analytics with id [missing_config]",
    )
    es_error(
        http.post(f"{URL}/url_id/_start", json={"id": "body_id"}),
        400,
        "illegal_argument_exception",
        "Inconsistent id; 'body_id' specified in the body differs from 'url_id' specified as a URL argument",
    )


def test_start_after_the_source_was_deleted(http):
    assert http.put("/missing").status == 200
    put(http, "missing_index", source={"index": "missing"}, dest={"index": "missing-dest"})
    assert http.delete("/missing").status == 200
    es_error(
        http.post(f"{URL}/missing_index/_start"),
        400,
        "validation_exception",
        "Validation Failed: 1: no such index [missing];",
    )


def test_start_needs_fields_to_analyse(http):
    assert http.put("/empty-index").status == 200
    put(http, "foo", source={"index": "empty-index"})
    es_error(
        http.post(f"{URL}/foo/_start"), 400, "status_exception", "at least one field must be included in the analysis"
    )
    mappings = {"mappings": {"properties": {"my_dep_var": {"type": "long"}, "text": {"type": "text"}}}}
    assert http.put("/dep-var-only", json=mappings).status == 200
    put(http, "reg", source={"index": "dep-var-only"}, analysis={"regression": {"dependent_variable": "my_dep_var"}})
    es_error(
        http.post(f"{URL}/reg/_start"),
        400,
        "status_exception",
        "at least one field must be included in the analysis (excluding fields [my_dep_var])",
    )


def test_start_needs_documents_with_the_fields(http):
    mappings = {"mappings": {"properties": {"long_field": {"type": "long"}}}}
    assert http.put("/empty-compatible", json=mappings).status == 200
    put(http, "empty", source={"index": "empty-compatible"})
    error = es_error(http.post(f"{URL}/empty/_start"), 400, "status_exception")
    assert error["reason"].startswith(
        "Unable to start empty as no documents in the source indices [empty-compatible] contained all the fields "
        "selected for analysis. If you are relying on automatic field selection"
    )
    assert http.put("/empty-compatible/_doc/1", json={"other": "x"}).status == 201  # no field outlier detection reads
    es_error(http.post(f"{URL}/empty/_start"), 400, "status_exception")
    assert http.put("/empty-compatible/_doc/2", json={"long_field": 1}).status == 201
    assert http.post(f"{URL}/empty/_start").status == 200


def test_start_needs_an_empty_dest(http, with_data):
    assert http.put("/non-empty-dest/_doc/1", json={"numeric": 42.0}).status == 201
    put(http, "job", dest={"index": "non-empty-dest"})
    es_error(http.post(f"{URL}/job/_start"), 400, "status_exception", "dest index [non-empty-dest] must be empty")


def test_start_classification_checks_its_dependent_variable(http):
    mappings = {"mappings": {"properties": {"numeric_field": {"type": "long"}, "keyword_field": {"type": "keyword"}}}}
    assert http.put("/cls-source", json=mappings).status == 200
    assert http.put("/cls-source/_doc/1", json={"numeric_field": 1.0, "keyword_field": "class_a"}).status == 201
    put(
        http,
        "missing-dep",
        source={"index": "cls-source"},
        analysis={"classification": {"dependent_variable": "missing"}},
    )
    es_error(
        http.post(f"{URL}/missing-dep/_start"),
        400,
        "status_exception",
        "no mappings could be found for field [missing]",
    )
    put(
        http,
        "low-card",
        source={"index": "cls-source"},
        dest={"index": "low-card-dest"},
        analysis={"classification": {"dependent_variable": "keyword_field"}},
    )
    es_error(
        http.post(f"{URL}/low-card/_start"),
        400,
        "status_exception",
        "Field [keyword_field] must have at least [2] distinct values but there were [1]",
    )
    assert http.put("/cls-source/_doc/2", json={"numeric_field": 2.0, "keyword_field": "class_b"}).status == 201
    assert http.post(f"{URL}/low-card/_start").status == 200


def test_stop_expressions(http, with_data):
    put(http, "job")
    for query in ({"allow_no_match": "true"}, {"allow_no_match": "false"}):
        es_error(
            http.post(f"{URL}/missing_config/_stop", query=query),
            404,
            "resource_not_found_exception",
            "No known data frame analytics with id [missing_config]",
        )
    assert http.post(f"{URL}/missing-*/_stop", query={"allow_no_match": "true"}).json == {"stopped": True}
    es_error(
        http.post(f"{URL}/missing-*/_stop", query={"allow_no_match": "false"}), 404, "resource_not_found_exception"
    )
    es_error(
        http.post(f"{URL}/url_id/_stop", json={"id": "body_id"}),
        400,
        "illegal_argument_exception",
        "Inconsistent id; 'body_id' specified in the body differs from 'url_id' specified as a URL argument",
    )
    http.post(f"{URL}/job/_start")
    assert http.post(f"{URL}/_all/_stop", query={"force": "true"}).json == {"stopped": True}
    assert http.get(f"{URL}/job/_stats").json["data_frame_analytics"][0]["state"] == "stopped"


def test_delete_of_a_started_job_needs_force(http, with_data):
    put(http, "job")
    http.post(f"{URL}/job/_start")
    es_error(
        http.delete(f"{URL}/job"),
        409,
        "status_exception",
        "Cannot delete data frame analytics [job] while its status is [started]",
    )
    assert http.delete(f"{URL}/job", query={"force": "true"}).json == {"acknowledged": True}
    es_error(http.get(f"{URL}/job"), 404, "resource_not_found_exception")
    put(http, "job")  # the id is free again, and the new job is stopped
    assert http.get(f"{URL}/job/_stats").json["data_frame_analytics"][0]["state"] == "stopped"


def test_update_every_updatable_setting(http, with_data):
    before = put(
        http,
        "update-test-job",
        description="before update",
        model_memory_limit="20mb",
        allow_lazy_start=False,
        max_num_threads=1,
    )
    after = http.post(
        f"{URL}/update-test-job/_update",
        json={
            "description": "after update",
            "model_memory_limit": "30mb",
            "allow_lazy_start": True,
            "max_num_threads": 2,
        },
    ).json
    assert after == {
        **before,
        "description": "after update",
        "model_memory_limit": "30mb",
        "allow_lazy_start": True,
        "max_num_threads": 2,
    }
    assert http.get(f"{URL}/update-test-job").json["data_frame_analytics"][0] == after


def test_update_errors(http, with_data):
    es_error(
        http.post(f"{URL}/missing-analytics/_update", json={"description": "blah"}),
        404,
        "resource_not_found_exception",
        "No known data frame analytics with id [missing-analytics]",
    )
    put(http, "job")
    error = es_error(http.post(f"{URL}/job/_update", json={"analysis": {}}), 400, "x_content_parse_exception")
    assert error["reason"].endswith("[data_frame_analytics_config_update] unknown field [analysis]")
    es_error(
        http.post(f"{URL}/job/_update", json={"id": "other"}),
        400,
        "illegal_argument_exception",
        "Inconsistent id; 'other' specified in the body differs from 'job' specified as a URL argument",
    )
    es_error(
        http.post(f"{URL}/job/_update", json={"max_num_threads": 0}),
        400,
        "status_exception",
        "[max_num_threads] must be a positive integer",
    )
    es_error(
        http.post(f"{URL}/job/_update", json={"model_memory_limit": "1b"}),
        400,
        "status_exception",
        "model_memory_limit must be at least 1kb. Value = 1b",
    )


def test_update_of_a_started_job_takes_only_what_needs_no_restart(http, with_data):
    put(http, "job", model_memory_limit="20mb")
    http.post(f"{URL}/job/_start")
    assert http.post(f"{URL}/job/_update", json={"description": "d", "allow_lazy_start": True}).status == 200
    assert http.post(f"{URL}/job/_update", json={"model_memory_limit": "20mb", "max_num_threads": 1}).status == 200
    for change in ({"model_memory_limit": "30mb"}, {"max_num_threads": 3}):
        es_error(
            http.post(f"{URL}/job/_update", json=change),
            409,
            "status_exception",
            "Cannot update analytics [job] unless it's stopped",
        )


# -- security on -----------------------------------------------------------------------------------
def basic(user: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


ROLES = {
    "ml_admin": {"cluster": ["manage_ml", "manage_own_api_key"], "indices": [{"names": ["*"], "privileges": ["all"]}]}
}
ROLES["ml_reader_of_source"] = {
    "cluster": ["manage_ml"],
    "indices": [{"names": ["source-index"], "privileges": ["read"]}, {"names": ["dest-index"], "privileges": ["read"]}],
}
USERS = {
    "analyst": {"password": "pw-analyst", "roles": ["ml_admin"]},
    "reader": {"password": "pw-reader", "roles": ["ml_reader_of_source"]},
}


@pytest.fixture
def secured(tmp_path) -> Http:
    fixture = tmp_path / "users.json"
    fixture.write_text(json.dumps({"security": {"users": USERS, "roles": ROLES}}))
    http = Http(create_app([fixture], auth="elastic:changeme").test_client())
    assert http.put("/source-index", headers=basic("elastic", "changeme")).status == 200
    return http


def test_authorization_records_the_users_roles(secured):
    analyst = basic("analyst", "pw-analyst")
    reply = secured.put(f"{URL}/job", json=DFA, headers=analyst)
    assert reply.status == 200, reply.text
    config = reply.json
    assert config["authorization"] == {"roles": ["ml_admin"]}
    assert list(config)[:4] == ["id", "create_time", "version", "authorization"]
    got = secured.get(f"{URL}/job", headers=analyst).json["data_frame_analytics"][0]
    assert got["authorization"] == {"roles": ["ml_admin"]}
    exported = secured.get(f"{URL}/job", headers=analyst, query={"exclude_generated": "true"}).json
    assert "authorization" not in exported["data_frame_analytics"][0]
    # An update records who made it.
    updated = secured.post(f"{URL}/job/_update", json={"description": "d"}, headers=basic("elastic", "changeme")).json
    assert updated["authorization"] == {"roles": ["superuser"]}


def test_authorization_of_an_api_key(secured):
    key = secured.post("/_security/api_key", json={"name": "dfa-key"}, headers=basic("analyst", "pw-analyst")).json
    reply = secured.put(f"{URL}/job", json=DFA, headers={"Authorization": f"ApiKey {key['encoded']}"})
    assert reply.status == 200, reply.text
    assert reply.json["authorization"] == {"api_key": {"id": key["id"], "name": "dfa-key"}}


def test_put_needs_the_callers_privileges_on_source_and_dest(secured):
    reply = secured.put(f"{URL}/job", json=DFA, headers=basic("reader", "pw-reader"))
    assert reply.status == 403  # a 403 goes without the X-elastic-product header
    assert reply.json["error"]["type"] == "security_exception"
    assert reply.json["error"]["reason"] == (
        "Cannot create data frame analytics [job] because user reader lacks permissions on the indices: "
        '{"dest-index":{"read":true,"create_index":false,"index":false},"source-index":{"read":true}}'
    )
    es_error(secured.get(f"{URL}/job", headers=basic("elastic", "changeme")), 404, "resource_not_found_exception")


def test_start_counts_only_the_documents_the_source_query_matches(http, with_data):
    put(http, "job", source={"index": "source-index", "query": {"term": {"n": 2}}})
    error = es_error(http.post(f"{URL}/job/_start"), 400, "status_exception")
    assert error["reason"].startswith("Unable to start job as no documents in the source indices [source-index]")
    assert http.put("/source-index/_doc/2", json={"n": 2}).status == 201
    assert http.post(f"{URL}/job/_start").status == 200
