"""GET and PUT /_cluster/settings (SettingsUpdater, AbstractScopedSettings.updateSettings), and the ML
answers that follow the settings: jobs_crud.yml, data_frame_analytics_crud.yml, start_stop_datafeed.yml
and ml_info.yml's cases that set them."""

from __future__ import annotations

import pytest
from conftest import es_error
from ml_bodies import DFA, JOB, put_job

URL = "/_cluster/settings"
MAX = "xpack.ml.max_model_memory_limit"
ALLOCATION = "cluster.persistent_tasks.allocation.enable"


def put_settings(http, body, **query):
    reply = http.put(URL, json=body, query=query or None)
    assert reply.status == 200, reply.text
    return reply.json


# -- the settings API ---------------------------------------------------------------------------------
def test_a_new_cluster_sets_nothing(http):
    assert http.get(URL).json == {"persistent": {}, "transient": {}}


def test_put_answers_the_values_set_nested_and_get_shows_them(http):
    reply = http.put(URL, json={"persistent": {"xpack": {"ml": {"max_model_memory_limit": "9g"}}}})
    assert reply.json == {
        "acknowledged": True,
        "persistent": {"xpack": {"ml": {"max_model_memory_limit": "9g"}}},
        "transient": {},
    }
    assert "Warning" not in reply.headers  # only transient settings are deprecated
    assert http.get(URL).json == {"persistent": {"xpack": {"ml": {"max_model_memory_limit": "9g"}}}, "transient": {}}
    assert http.get(URL, query={"flat_settings": "true"}).json == {
        "persistent": {MAX: "9g"},
        "transient": {},
    }


def test_flat_input_scalars_become_text_and_flat_settings_answers_flat(http):
    answer = put_settings(
        http, {"persistent": {"action.destructive_requires_name": False, ALLOCATION: "none"}}, flat_settings="true"
    )
    assert answer == {
        "acknowledged": True,
        "persistent": {"action.destructive_requires_name": "false", ALLOCATION: "none"},
        "transient": {},
    }
    # a later PUT answers only what it set; the cluster keeps both
    assert put_settings(http, {"persistent": {MAX: "1gb"}})["persistent"] == {
        "xpack": {"ml": {"max_model_memory_limit": "1gb"}}
    }
    assert http.get(URL).json["persistent"] == {
        "action": {"destructive_requires_name": "false"},
        "cluster": {"persistent_tasks": {"allocation": {"enable": "none"}}},
        "xpack": {"ml": {"max_model_memory_limit": "1gb"}},
    }


def test_transient_settings_are_deprecated(http):
    reply = http.put(URL, json={"transient": {MAX: "9g"}})
    assert reply.json["transient"] == {"xpack": {"ml": {"max_model_memory_limit": "9g"}}}
    assert (
        "[transient settings removal] Updating cluster settings through transient settings is deprecated."
        in (reply.headers["Warning"])
    )


def test_null_resets_a_setting_and_a_wildcard_resets_many(http):
    put_settings(http, {"persistent": {MAX: "20mb", ALLOCATION: "none"}, "transient": {MAX: "30mb"}})
    assert put_settings(http, {"transient": {MAX: None}}) == {"acknowledged": True, "persistent": {}, "transient": {}}
    assert http.get(URL, query={"flat_settings": "true"}).json == {
        "persistent": {MAX: "20mb", ALLOCATION: "none"},
        "transient": {},
    }
    assert put_settings(http, {"persistent": {"xpack.ml.*": None}})["persistent"] == {}
    assert http.get(URL, query={"flat_settings": "true"}).json["persistent"] == {ALLOCATION: "none"}
    # resetting what is not set is no error
    assert put_settings(http, {"persistent": {MAX: None}})["persistent"] == {}


def test_include_defaults_shows_the_known_settings_left_unset(http):
    put_settings(http, {"persistent": {MAX: "20mb"}})
    answer = http.get(URL, query={"include_defaults": "true", "flat_settings": "true"}).json
    assert list(answer) == ["persistent", "transient", "defaults"]
    assert answer["persistent"] == {MAX: "20mb"}
    defaults = answer["defaults"]
    assert MAX not in defaults
    assert defaults[ALLOCATION] == "all"
    assert defaults["action.destructive_requires_name"] == "true"
    nested = http.get(URL, query={"include_defaults": "true"}).json["defaults"]
    assert nested["cluster"]["persistent_tasks"]["allocation"]["enable"] == "all"


def test_an_unknown_setting_is_not_recognized_and_nothing_is_applied(http):
    reply = http.put(URL, json={"transient": {MAX: "20mb"}, "persistent": {"xpack.ml.no_such_thing": "1"}})
    es_error(reply, 400, "illegal_argument_exception", "persistent setting [xpack.ml.no_such_thing], not recognized")
    reply = http.put(URL, json={"transient": {"no.such.setting": None}})
    es_error(reply, 400, "illegal_argument_exception", "transient setting [no.such.setting], not recognized")
    assert http.get(URL).json == {"persistent": {}, "transient": {}}


def test_a_static_setting_is_not_dynamically_updateable(http):
    for value in ("false", None):
        reply = http.put(URL, json={"persistent": {"xpack.ml.enabled": value}})
        es_error(
            reply,
            400,
            "illegal_argument_exception",
            "persistent setting [xpack.ml.enabled], not dynamically updateable",
        )


@pytest.mark.parametrize(
    "key, value, reason",
    [
        (ALLOCATION, "sometimes", "Illegal value [SOMETIMES] for [cluster.persistent_tasks.allocation.enable]"),
        (
            "action.destructive_requires_name",
            "yes",
            "Failed to parse value [yes] as only [true] or [false] are allowed.",
        ),
        (
            MAX,
            "lots",
            "failed to parse setting [xpack.ml.max_model_memory_limit] with value [lots] as a size in bytes: unit "
            "is missing or unrecognized",
        ),
    ],
)
def test_a_value_that_does_not_parse(http, key, value, reason):
    error = es_error(http.put(URL, json={"persistent": {key: value}}), 400, "illegal_argument_exception", reason)
    if key == MAX:  # Setting.get wraps the ElasticsearchParseException
        assert error["caused_by"] == {"type": "parse_exception", "reason": reason}
    assert http.get(URL).json["persistent"] == {}


def test_nothing_to_update_is_refused(http):
    es_error(http.put(URL), 400, "parse_exception", "request body is required")
    reply = http.put(URL, json={"persistent": {}})
    es_error(reply, 400, "action_request_validation_exception", "Validation Failed: 1: no settings to update;")


def test_allocation_takes_any_case(http):
    put_settings(http, {"persistent": {ALLOCATION: "NONE"}})
    put_job(http, "j")
    assert http.post("/_ml/anomaly_detectors/j/_open").status == 429


# -- xpack.ml.max_model_memory_limit ------------------------------------------------------------------
def limited_job(limit):
    return {**JOB, "analysis_limits": {"model_memory_limit": limit}}


def test_jobs_crud_max_model_memory_limit(http):
    """jobs_crud.yml "Test max model memory limit", the reset by null included."""
    assert put_settings(http, {"transient": {MAX: "9g"}})["transient"] == {
        "xpack": {"ml": {"max_model_memory_limit": "9g"}}
    }
    below = http.put("/_ml/anomaly_detectors/below", json=limited_job("8g")).json
    assert below["analysis_limits"]["model_memory_limit"] == "8192mb"
    reply = http.put("/_ml/anomaly_detectors/above", json=limited_job("10g"))
    es_error(
        reply,
        400,
        "status_exception",
        "model_memory_limit [10gb] must be less than the value of the xpack.ml.max_model_memory_limit setting [9gb]",
    )
    assert put_settings(http, {"transient": {MAX: None}})["transient"] == {}
    removed = http.put("/_ml/anomaly_detectors/above-removed", json=limited_job("10g")).json
    assert removed["analysis_limits"]["model_memory_limit"] == "10240mb"


def test_a_job_default_limit_comes_down_to_the_maximum_and_an_update_is_capped(http):
    put_settings(http, {"persistent": {MAX: "512mb"}})
    assert put_job(http, "j")["analysis_limits"]["model_memory_limit"] == "512mb"
    reply = http.post("/_ml/anomaly_detectors/j/_update", json={"analysis_limits": {"model_memory_limit": "1gb"}})
    es_error(
        reply,
        400,
        "status_exception",
        "model_memory_limit [1gb] must be less than the value of the xpack.ml.max_model_memory_limit setting [512mb]",
    )
    # a maximum under a megabyte is no maximum (AnalysisLimits reads it in whole megabytes)
    put_settings(http, {"persistent": {MAX: "500kb"}})
    assert put_job(http, "k")["analysis_limits"]["model_memory_limit"] == "1024mb"


def test_transient_wins_over_persistent(http):
    put_settings(http, {"persistent": {MAX: "100mb"}, "transient": {MAX: "200mb"}})
    assert put_job(http, "j")["analysis_limits"]["model_memory_limit"] == "200mb"
    assert http.get("/_ml/info").json["limits"]["max_model_memory_limit"] == "200mb"


def test_data_frame_analytics_crud_max_model_memory_limit(http):
    """data_frame_analytics_crud.yml "Test max model memory limit"."""
    assert http.put("/index-source", json={}).status == 200
    assert put_settings(http, {"persistent": {MAX: "20mb"}})["persistent"] == {
        "xpack": {"ml": {"max_model_memory_limit": "20mb"}}
    }
    body = {
        "source": {"index": "index-source", "query": {"term": {"user": "Kimchy"}}},
        "dest": {"index": "index-dest"},
        "analysis": {"outlier_detection": {}},
        "analyzed_fields": ["obj1.*", "obj2.*"],
    }
    url = "/_ml/data_frame/analytics/simple-outlier-detection-with-query"
    es_error(
        http.put(url, json={**body, "model_memory_limit": "8gb"}),
        400,
        "status_exception",
        "model_memory_limit [8gb] must be less than the value of the xpack.ml.max_model_memory_limit setting [20mb]",
    )
    created = http.put(url, json=body).json
    assert created["model_memory_limit"] == "20mb"
    assert created["analyzed_fields"] == {"includes": ["obj1.*", "obj2.*"], "excludes": []}
    assert put_settings(http, {"persistent": {MAX: None}})["persistent"] == {}


# -- cluster.persistent_tasks.allocation.enable -------------------------------------------------------
def test_open_job_when_persistent_task_allocation_disabled(http):
    """jobs_crud.yml "Test open job when persistent task allocation disabled"."""
    assert put_settings(http, {"transient": {ALLOCATION: "none"}})["transient"] == {
        "cluster": {"persistent_tasks": {"allocation": {"enable": "none"}}}
    }
    put_job(http, "persistent-task-allocation-allowed-test", analysis_limits={"model_memory_limit": "10m"})
    url = "/_ml/anomaly_detectors/persistent-task-allocation-allowed-test"
    es_error(
        http.post(f"{url}/_open"),
        429,
        "status_exception",
        "Cannot open jobs because persistent task assignment is disabled by the "
        "[cluster.persistent_tasks.allocation.enable] setting",
    )
    assert http.get(f"{url}/_stats").json["jobs"][0]["state"] == "closed"
    put_settings(http, {"transient": {ALLOCATION: "all"}})
    opened = http.post(f"{url}/_open").json
    assert opened["opened"] is True and opened["node"]


def test_start_datafeed_when_persistent_task_allocation_disabled(http):
    """start_stop_datafeed.yml "Test start datafeed when persistent task allocation disabled"."""
    mappings = {"properties": {"time": {"type": "date"}, "airline": {"type": "keyword"}}}
    assert http.put("/airline-data", json={"mappings": mappings}).status == 200
    put_job(http, "feed-job", data_description={"time_field": "time"})
    feed = "/_ml/datafeeds/feed-1"
    assert http.put(feed, json={"job_id": "feed-job", "indices": ["airline-data"]}).status == 200
    assert http.post("/_ml/anomaly_detectors/feed-job/_open").json["opened"] is True
    assert put_settings(http, {"persistent": {ALLOCATION: "none"}})["persistent"] == {
        "cluster": {"persistent_tasks": {"allocation": {"enable": "none"}}}
    }
    es_error(
        http.post(f"{feed}/_start", query={"start": "0"}),
        429,
        "status_exception",
        "Could not start datafeed, allocation explanation [persistent task [xpack/ml/datafeed] cannot be assigned "
        "[no persistent task assignments are allowed due to cluster settings]]",
    )
    assert http.get(f"{feed}/_stats").json["datafeeds"][0]["state"] == "stopped"
    put_settings(http, {"persistent": {ALLOCATION: "all"}})
    assert http.post(f"{feed}/_start", query={"start": "0"}).json["started"] is True
    assert http.get(f"{feed}/_stats").json["datafeeds"][0]["state"] == "started"


def test_start_data_frame_analytics_when_persistent_task_allocation_disabled(http):
    assert http.put("/source-index", json={"mappings": {"properties": {"n": {"type": "long"}}}}).status == 200
    assert http.put("/source-index/_doc/1", json={"n": 1}, query={"refresh": "true"}).status == 201
    assert http.put("/_ml/data_frame/analytics/dfa", json=DFA).status == 200
    put_settings(http, {"persistent": {ALLOCATION: "none"}})
    es_error(
        http.post("/_ml/data_frame/analytics/dfa/_start"),
        429,
        "status_exception",
        "Could not start data frame analytics task, allocation explanation [persistent task "
        "[xpack/ml/data_frame/analytics] cannot be assigned [no persistent task assignments are allowed due to "
        "cluster settings]]",
    )
    assert http.get("/_ml/data_frame/analytics/dfa/_stats").json["data_frame_analytics"][0]["state"] == "stopped"
    put_settings(http, {"persistent": {ALLOCATION: None}})
    assert http.post("/_ml/data_frame/analytics/dfa/_start").json["acknowledged"] is True


# -- action.destructive_requires_name -----------------------------------------------------------------
def test_a_wildcard_delete_follows_destructive_requires_name(http):
    for name in ("logs-1", "logs-2", "other"):
        assert http.put(f"/{name}", json={}).status == 200
    refused = http.delete("/logs-*")
    es_error(refused, 400, "illegal_argument_exception", "Wildcard expressions or all indices are not allowed")
    put_settings(http, {"persistent": {"action.destructive_requires_name": False}})
    assert http.delete("/logs-*").json == {"acknowledged": True}
    assert http.get("/logs-1").status == 404 and http.get("/other").status == 200
    put_settings(http, {"persistent": {"action.destructive_requires_name": None}})  # back to true
    es_error(http.delete("/_all"), 400, "illegal_argument_exception")
    assert http.get("/other").status == 200


def test_monitor_reads_the_settings_and_only_manage_changes_them(tmp_path):
    """cluster:monitor/settings is granted by monitor, cluster:admin/settings/update by manage."""
    import base64
    import json

    from conftest import Http

    from mockserver import create_app

    fixture = tmp_path / "users.json"
    roles = {"watcher": {"cluster": ["monitor"]}}
    users = {"watcher": {"password": "pw-watcher", "roles": ["watcher"]}}
    fixture.write_text(json.dumps({"security": {"users": users, "roles": roles}}))
    http = Http(create_app([fixture], auth="elastic:changeme").test_client())
    watcher = {"Authorization": "Basic " + base64.b64encode(b"watcher:pw-watcher").decode()}
    assert http.get(URL, headers=watcher).json == {"persistent": {}, "transient": {}}
    reply = http.put(URL, headers=watcher, json={"persistent": {MAX: "1gb"}})
    assert (reply.status, reply.json["error"]["type"]) == (403, "security_exception"), reply.text
    assert reply.json["error"]["reason"].startswith(
        "action [cluster:admin/settings/update] is unauthorized for user [watcher]"
    )
