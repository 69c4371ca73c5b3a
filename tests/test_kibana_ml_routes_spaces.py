"""The ML saved-objects routes with spaces and users, from the facts of Kibana's own API integration
tests (x-pack/platform/test/api_integration/apis/ml/saved_objects/, and the older
x-pack/test/api_integration/apis/ml/saved_objects/ for 7.x): status, sync and sync_check, initialize,
the spaces of jobs and models, moving them between spaces, and what the UI may offer to delete.

Jobs and models "made in Kibana" (Kibana's own create routes, owned elsewhere) are made here the way
Kibana makes them: in Elasticsearch, with their saved object in the request's space.
"""

from __future__ import annotations

import base64
import json

import pytest
from conftest import Http, boom

from mockserver import create_app, runtime_of

ALL = ["*"]
# Kibana's ML test users (x-pack/test/functional/services/ml/security_common.ts): the ML feature's
# "all" or "read", in every space or in the default space and space1.
ROLES = {
    "ml_all": {"cluster": ["manage_ml"], "kibana": [{"spaces": ALL, "feature": {"ml": ["all"]}}]},
    "ml_all_space1": {
        "cluster": ["manage_ml"],
        "kibana": [{"spaces": ["default", "space1"], "feature": {"ml": ["all"]}}],
    },
    "ml_read": {"cluster": ["monitor_ml"], "kibana": [{"spaces": ALL, "feature": {"ml": ["read"]}}]},
    "ml_read_space1": {
        "cluster": ["monitor_ml"],
        "kibana": [{"spaces": ["default", "space1"], "feature": {"ml": ["read"]}}],
    },
}
USERS = {
    "ml_poweruser": "ml_all",
    "ml_poweruser_all_spaces": "ml_all",
    "ml_poweruser_space1": "ml_all_space1",
    "ml_viewer_all_spaces": "ml_read",
    "ml_viewer_space1": "ml_read_space1",
}
AD = {
    "analysis_config": {"bucket_span": "15m", "detectors": [{"function": "count"}], "influencers": []},
    "data_description": {"time_field": "timestamp"},
}
DFA = {"source": {"index": "ihp"}, "dest": {"index": "ihp_out"}, "analysis": {"outlier_detection": {}}}
MODEL = {"model_type": "pytorch", "inference_config": {"pass_through": {}}, "input": {"field_names": ["f"]}}
NOTHING = {"datafeedsAdded": {}, "datafeedsRemoved": {}, "savedObjectsCreated": {}, "savedObjectsDeleted": {}}


def auth(user: str) -> dict:
    password = "changeme" if user == "elastic" else f"pw-{user}"
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


class Kibana:
    """A secured mock at one Kibana version, with space1 and space2 and Kibana's ML test users."""

    def __init__(self, tmp_path, version: str):
        document = {
            "security": {
                "users": {u: {"password": f"pw-{u}", "roles": [r]} for u, r in USERS.items()},
                "roles": ROLES,
            },
            "kibana": {"spaces": {"space1": {"name": "space_one"}, "space2": {"name": "space_two"}}},
            # The esArchiver data the tests load first: a data frame analytics job's source must exist.
            "elasticsearch": {"indices": {"ihp": {"mappings": {"properties": {"x": {"type": "double"}}}}}},
        }
        path = tmp_path / "kibana.json"
        path.write_text(json.dumps(document))
        self.app = create_app(
            [path], default_fixtures=False, auth="elastic:changeme", kibana_version=version, kibana_sync_on_start=True
        )
        self.http = Http(self.app.test_client())
        self.version = tuple(int(n) for n in version.split("."))
        self.objects = runtime_of(self.app).store.products["kibana"].saved_objects

    def base(self, name: str) -> str:
        return "/api" if name == "sync" or self.version < (8, 9) else "/internal"

    def call(self, method: str, name: str, user: str = "elastic", space: str | None = None, body=None, query=None):
        prefix = f"/s/{space}" if space else ""
        headers = {**auth(user), "kbn-xsrf": "true", "x-elastic-internal-origin": "Kibana"}
        path = f"{prefix}{self.base(name)}/ml/saved_objects/{name}"
        return self.http.request(method, path, json=body, headers=headers, query=query)

    def ok(self, method: str, name: str, user: str = "elastic", space: str | None = None, body=None, query=None):
        reply = self.call(method, name, user, space, body, query)
        assert reply.status == 200, reply.text
        return reply.json

    def es(self, method: str, path: str, body=None) -> dict:
        reply = self.http.request(method, path, json=body, headers=auth("elastic"))
        assert reply.status == 200, reply.text
        return reply.json

    # -- as Kibana's own create routes do (ml.api.createAnomalyDetectionJob(config, space) ...) ---
    def kibana_put(self, path: str, body: dict, space: str) -> dict:
        """Through Kibana's own ML route, which writes Elasticsearch and the saved object in the space."""
        base = "/api" if self.version < (8, 9) else "/internal"
        headers = {**auth("elastic"), "kbn-xsrf": "true", "x-elastic-internal-origin": "Kibana"}
        reply = self.http.request("PUT", f"/s/{space}{base}/ml/{path}", json=body, headers=headers)
        assert reply.status == 200, reply.text
        return reply.json

    def job(self, job_id: str, space: str = "default") -> None:
        self.kibana_put(f"anomaly_detectors/{job_id}", AD, space)

    def datafeed(self, job_id: str, datafeed_id: str | None = None) -> None:
        """ml.api.createDatafeed(config, space): in the space of the job's object."""
        datafeed_id = datafeed_id or f"datafeed-{job_id}"
        spaces = self.objects.job("anomaly-detector", job_id).namespaces
        space = spaces[0] if spaces and spaces[0] != "*" else "default"
        self.kibana_put(f"datafeeds/{datafeed_id}", {"job_id": job_id, "indices": ["ft_farequote"]}, space)

    def dfa(self, job_id: str, space: str = "default") -> dict:
        self.kibana_put(f"data_frame/analytics/{job_id}", DFA, space)
        return self.es("GET", f"/_ml/data_frame/analytics/{job_id}")["data_frame_analytics"][0]

    def model(self, model_id: str, space: str = "default", job: str | None = None) -> None:
        self.kibana_put(f"trained_models/{model_id}", es_model(job), space)

    # -- ml.api.assertJobSpaces / assertTrainedModelSpaces -------------------------------------------
    def job_spaces(self, job_id: str, job_type: str) -> list[str]:
        return self.ok("GET", "jobs_spaces").get(job_type, {}).get(job_id, [])

    def model_spaces(self, model_id: str) -> list[str]:
        return self.ok("GET", "trained_models_spaces")["trainedModels"].get(model_id, [])

    def sync_needed(self, user: str, item_type: str, space: str = "space1") -> bool:
        key = "mlSavedObjectType" if self.version >= (8, 2) else "jobType"
        return self.ok("POST", "sync_check", user, space, body={key: item_type})["result"]


def es_model(job: str | None) -> dict:
    return {**MODEL, **({"metadata": {"analytics_config": {"id": job}}} if job else {})}


@pytest.fixture
def kibana(tmp_path):
    return Kibana(tmp_path, "9.3.0")


# -- status.ts ------------------------------------------------------------------------------------
@pytest.mark.parametrize("version", ["8.8.2", "9.3.0"])
def test_status_lists_jobs_and_saved_objects(tmp_path, version):
    k = Kibana(tmp_path, version)
    k.job("fq_single_space1", "space1")
    k.job("fq_single_space2", "space2")
    k.dfa("ihp_od_space1", "space1")
    k.dfa("ihp_od_space2", "space2")
    body = k.ok("GET", "status", "ml_viewer_all_spaces")
    assert body["jobs"]["anomaly-detector"] == [
        {"jobId": "fq_single_space1", "datafeedId": None, "checks": {"savedObjectExits": True}},
        {"jobId": "fq_single_space2", "datafeedId": None, "checks": {"savedObjectExits": True}},
    ]
    assert body["jobs"]["data-frame-analytics"] == [
        {"jobId": "ihp_od_space1", "datafeedId": None, "checks": {"savedObjectExits": True}},
        {"jobId": "ihp_od_space2", "datafeedId": None, "checks": {"savedObjectExits": True}},
    ]
    assert body["savedObjects"]["anomaly-detector"] == [
        {
            "jobId": f"fq_single_{space}",
            "type": "anomaly-detector",
            "datafeedId": None,
            "namespaces": [space],
            "checks": {"jobExists": True, "datafeedExists": False},
        }
        for space in ("space1", "space2")
    ]
    assert body["savedObjects"]["data-frame-analytics"] == [
        {
            "jobId": f"ihp_od_{space}",
            "type": "data-frame-analytics",
            "namespaces": [space],
            "checks": {"jobExists": True},
        }
        for space in ("space1", "space2")
    ]
    # The built-in model, its object made at start (in every space).
    assert body["savedObjects"]["trained-model"] == [
        {
            "modelId": "lang_ident_model_1",
            "namespaces": ["*"],
            "job": None,
            "checks": {"trainedModelExists": True, "dfaJobExists": None},
        }
    ]


def test_status_before_8_2_has_no_trained_models(tmp_path):
    k = Kibana(tmp_path, "8.1.3")
    k.job("j1", "space1")
    body = k.ok("GET", "status")
    assert list(body["savedObjects"]) == list(body["jobs"]) == ["anomaly-detector", "data-frame-analytics"]


def test_status_shows_a_space_the_user_may_not_see_as_a_question_mark(kibana):
    k = kibana
    k.job("shared", "space1")
    k.ok("POST", "update_jobs_spaces", space="space1", body=moves("shared", add=["space2"]))
    mine = k.ok("GET", "status", "ml_viewer_space1")["savedObjects"]["anomaly-detector"]
    assert mine[0]["namespaces"] == ["space1", "?"]


def test_status_of_a_model_and_its_dfa_job(kibana):
    """checks.ts: dfaJobExists and dfaJobReferenced compare the job's create_time; null without one."""
    k = kibana
    created = k.dfa("dfa1")["create_time"]
    k.es(
        "PUT",
        "/_ml/trained_models/same",
        {**MODEL, "metadata": {"analytics_config": {"id": "dfa1", "create_time": created}}},
    )
    k.es(
        "PUT",
        "/_ml/trained_models/older",
        {**MODEL, "metadata": {"analytics_config": {"id": "dfa1", "create_time": 1}}},
    )
    k.es("PUT", "/_ml/trained_models/no_time", es_model("dfa1"))
    k.ok("GET", "sync")
    body = k.ok("GET", "status")
    exists = {m["modelId"]: m["checks"]["dfaJobExists"] for m in body["savedObjects"]["trained-model"]}
    assert exists == {"lang_ident_model_1": None, "same": True, "older": False, "no_time": None}
    referenced = {m["modelId"]: m["checks"]["dfaJobReferenced"] for m in body["jobs"]["trained-model"]}
    assert referenced == {"lang_ident_model_1": None, "no_time": True, "older": True, "same": True}
    # The saved object keeps the job as the model names it: no create_time where it has none.
    jobs = {m["modelId"]: m["job"] for m in body["savedObjects"]["trained-model"]}
    assert jobs["no_time"] == {"job_id": "dfa1"} and jobs["same"] == {"job_id": "dfa1", "create_time": created}


def test_status_sees_the_first_100_dfa_jobs_as_kibana_does(kibana):
    """Kibana lists DFA jobs without a size: Elasticsearch's default first 100."""
    k = kibana
    for n in range(101):
        k.es("PUT", f"/_ml/data_frame/analytics/dfa{n:03}", DFA)
    jobs = k.ok("GET", "status")["jobs"]["data-frame-analytics"]
    assert len(jobs) == 100 and jobs[-1]["jobId"] == "dfa099"
    assert (
        "dfa100" not in k.ok("GET", "sync", query={"simulate": "true"})["savedObjectsCreated"]["data-frame-analytics"]
    )


# -- sync_jobs.ts -----------------------------------------------------------------------------------
def test_sync_datafeeds_and_saved_objects(kibana):
    k = kibana
    assert k.sync_needed("ml_poweruser_all_spaces", "anomaly-detector") is False
    for job_id in ("fq_single_1", "fq_single_2", "fq_single_3"):
        k.job(job_id, "space1")
    k.es("PUT", "/_ml/anomaly_detectors/fq_single_es", AD)
    k.es("PUT", "/_ml/datafeeds/datafeed-fq_single_2", {"job_id": "fq_single_2", "indices": ["ft_farequote"]})
    k.datafeed("fq_single_3")
    k.es("DELETE", "/_ml/datafeeds/datafeed-fq_single_3")
    assert k.job_spaces("fq_single_es", "anomaly-detector") == []
    k.es("DELETE", "/_ml/anomaly_detectors/fq_single_1")
    assert k.sync_needed("ml_poweruser_all_spaces", "anomaly-detector") is True
    assert k.ok("GET", "sync", "ml_poweruser_all_spaces", "space1") == {
        "savedObjectsCreated": {"anomaly-detector": {"fq_single_es": {"success": True}}},
        "savedObjectsDeleted": {"anomaly-detector": {"fq_single_1": {"success": True}}},
        "datafeedsAdded": {"anomaly-detector": {"fq_single_2": {"success": True}}},
        "datafeedsRemoved": {"anomaly-detector": {"fq_single_3": {"success": True}}},
    }


def test_sync_simulates(kibana):
    k = kibana
    assert k.sync_needed("ml_poweruser_all_spaces", "anomaly-detector") is False
    k.es("PUT", "/_ml/anomaly_detectors/fq_single_1", AD)
    k.es("PUT", "/_ml/datafeeds/datafeed-fq_single_1", {"job_id": "fq_single_1", "indices": ["ft_farequote"]})
    assert k.sync_needed("ml_poweruser_all_spaces", "anomaly-detector") is True
    simulated = {**NOTHING, "savedObjectsCreated": {"anomaly-detector": {"fq_single_1": {"success": True}}}}
    assert k.ok("GET", "sync", "ml_poweruser_all_spaces", "space1", query={"simulate": "true"}) == simulated
    assert k.sync_needed("ml_poweruser_all_spaces", "anomaly-detector") is True
    assert k.ok("GET", "sync", "ml_poweruser_all_spaces", "space1", query={"simulate": "true"}) == simulated


def test_sync_leaves_what_is_in_another_space(kibana):
    k = kibana
    k.job("fq_single_1", "space2")
    k.datafeed("fq_single_1")
    for user in ("ml_poweruser_all_spaces", "ml_poweruser_space1"):
        assert k.sync_needed(user, "anomaly-detector") is False
        assert k.ok("GET", "sync", user, "space1", query={"simulate": "true"}) == NOTHING


def test_sync_follows_a_datafeed_recreated_under_another_id(kibana):
    k = kibana
    k.job("fq_single_1", "space1")
    k.es("PUT", "/_ml/datafeeds/datafeed-fq_single_1", {"job_id": "fq_single_1", "indices": ["ft_farequote"]})
    assert k.sync_needed("ml_poweruser_all_spaces", "anomaly-detector") is True
    added = {**NOTHING, "datafeedsAdded": {"anomaly-detector": {"fq_single_1": {"success": True}}}}
    assert k.ok("GET", "sync", "ml_poweruser_all_spaces", "space1") == added
    k.es("DELETE", "/_ml/datafeeds/datafeed-fq_single_1")
    k.es("PUT", "/_ml/datafeeds/different_datafeed-fq_single_1", {"job_id": "fq_single_1", "indices": ["x"]})
    assert k.sync_needed("ml_poweruser_all_spaces", "anomaly-detector") is True
    assert k.ok("GET", "sync", "ml_poweruser_all_spaces", "space1") == added
    assert k.sync_needed("ml_poweruser_all_spaces", "anomaly-detector") is False


def test_before_7_16_a_recreated_datafeed_takes_two_syncs(tmp_path):
    """The 7.x sync.ts test: the old id removed by one sync, the new one added by the next; items flat."""
    k = Kibana(tmp_path, "7.13.4")
    k.job("fq_single_1", "space1")
    k.es("PUT", "/_ml/datafeeds/datafeed-fq_single_1", {"job_id": "fq_single_1", "indices": ["ft_farequote"]})
    added = {**NOTHING, "datafeedsAdded": {"fq_single_1": {"success": True}}}
    assert k.ok("GET", "sync", "ml_poweruser_all_spaces", "space1") == added
    k.es("DELETE", "/_ml/datafeeds/datafeed-fq_single_1")
    k.es("PUT", "/_ml/datafeeds/different_datafeed-fq_single_1", {"job_id": "fq_single_1", "indices": ["x"]})
    removed = {**NOTHING, "datafeedsRemoved": {"fq_single_1": {"success": True}}}
    assert k.ok("GET", "sync", "ml_poweruser_all_spaces", "space1") == removed
    assert k.ok("GET", "sync", "ml_poweruser_all_spaces", "space1") == added


def test_sync_at_7_17_says_each_items_type(tmp_path):
    k = Kibana(tmp_path, "7.17.0")
    k.job("gone", "space1")
    k.es("DELETE", "/_ml/anomaly_detectors/gone")
    k.es("PUT", "/_ml/data_frame/analytics/dfa1", DFA)
    assert k.ok("GET", "sync", space="space1") == {
        **NOTHING,
        "savedObjectsCreated": {"dfa1": {"success": True, "type": "data-frame-analytics"}},
        "savedObjectsDeleted": {"gone": {"success": True, "type": "anomaly-detector"}},
    }
    assert k.ok("POST", "sync_check", body={"jobType": "anomaly-detector"}) == {"result": False}
    reply = k.call("POST", "sync_check", body={"mlSavedObjectType": "anomaly-detector"})
    boom(reply, 400, "[request body.mlSavedObjectType]: definition for this key is missing")


def test_sync_has_nothing_to_do_once_synced(kibana):
    k = kibana
    for job_id in ("fq_single_1", "fq_single_2", "fq_single_3"):
        k.job(job_id, "space1")
    k.es("PUT", "/_ml/anomaly_detectors/fq_single_es", AD)
    k.ok("GET", "sync", "ml_poweruser_all_spaces", "space1")
    assert k.ok("GET", "sync", "ml_poweruser_all_spaces", "space1") == NOTHING


# -- sync_trained_models.ts -----------------------------------------------------------------------
def models_drift(k: Kibana) -> None:
    k.dfa("ihp_od_1", "space1")
    k.ok("POST", "update_jobs_spaces", space="space1", body=moves("ihp_od_1", "data-frame-analytics", add=["space2"]))
    assert k.job_spaces("ihp_od_1", "data-frame-analytics") == ["space1", "space2"]
    k.es("PUT", "/_ml/trained_models/dfa1_classification_model_n_0", es_model("ihp_od_1"))
    k.model("dfa2_classification_model_n_0", job="ihp_od_1")
    k.model("dfa3_classification_model_n_0", job="ihp_od_1")
    k.es("DELETE", "/_ml/trained_models/dfa3_classification_model_n_0")


def test_sync_trained_model_saved_objects(kibana):
    k = kibana
    assert k.sync_needed("ml_poweruser_all_spaces", "trained-model") is False
    models_drift(k)
    assert k.sync_needed("ml_poweruser_all_spaces", "trained-model") is True
    assert k.ok("GET", "sync", "ml_poweruser_all_spaces", "space1") == {
        **NOTHING,
        "savedObjectsCreated": {"trained-model": {"dfa1_classification_model_n_0": {"success": True}}},
        "savedObjectsDeleted": {"trained-model": {"dfa3_classification_model_n_0": {"success": True}}},
    }
    assert k.ok("GET", "sync", "ml_poweruser_all_spaces", "space1") == NOTHING


def test_synced_models_get_their_jobs_spaces_or_all(kibana):
    k = kibana
    k.dfa("ihp_od_1", "space1")
    k.ok("POST", "update_jobs_spaces", space="space1", body=moves("ihp_od_1", "data-frame-analytics", add=["space2"]))
    k.es("PUT", "/_ml/trained_models/dfa1_classification_model_n_0", es_model("ihp_od_1"))
    k.es("PUT", "/_ml/trained_models/dfa2_classification_model_n_0", es_model(None))
    assert k.sync_needed("ml_poweruser_all_spaces", "trained-model") is True
    k.ok("GET", "sync", "ml_poweruser_all_spaces", "space1")
    assert k.model_spaces("dfa1_classification_model_n_0") == ["space1", "space2"]
    assert k.model_spaces("dfa2_classification_model_n_0") == ["*"]


# -- initialize_jobs.ts, initialize_trained_models.ts --------------------------------------------------
@pytest.mark.parametrize(
    "version, nothing",
    [
        ("7.13.4", {"jobs": [], "success": True}),  # 7.x's initialize.ts
        ("9.3.0", {"jobs": [], "datafeeds": [], "trainedModels": [], "success": True}),
    ],
)
def test_initialize_jobs_in_all_spaces_then_nothing(tmp_path, version, nothing):
    k = Kibana(tmp_path, version)
    k.es("PUT", "/_ml/anomaly_detectors/fq_single", AD)
    k.es("PUT", "/_ml/data_frame/analytics/ihp_od", DFA)
    assert k.job_spaces("fq_single", "anomaly-detector") == k.job_spaces("ihp_od", "data-frame-analytics") == []
    body = k.ok("GET", "initialize", "ml_poweruser_all_spaces")
    assert sorted(body["jobs"], key=lambda j: j["id"]) == [
        {"id": "fq_single", "type": "anomaly-detector"},
        {"id": "ihp_od", "type": "data-frame-analytics"},
    ]
    assert body["success"] is True
    assert k.job_spaces("fq_single", "anomaly-detector") == k.job_spaces("ihp_od", "data-frame-analytics") == ["*"]
    assert k.ok("GET", "initialize", "ml_poweruser_all_spaces") == nothing


def test_initialize_adds_a_datafeed_missing_or_renamed(kibana):
    k = kibana
    k.job("j1")
    k.job("j2")
    k.datafeed("j2")
    k.es("PUT", "/_ml/datafeeds/feed-j1", {"job_id": "j1", "indices": ["x"]})
    k.es("DELETE", "/_ml/datafeeds/datafeed-j2")
    k.es("PUT", "/_ml/datafeeds/renamed-j2", {"job_id": "j2", "indices": ["x"]})
    body = k.ok("GET", "initialize")
    assert body["datafeeds"] == [
        {"id": "feed-j1", "type": "anomaly-detector"},
        {"id": "renamed-j2", "type": "anomaly-detector"},
    ]
    saved = k.ok("GET", "status")["savedObjects"]["anomaly-detector"]
    assert [s["datafeedId"] for s in saved] == ["feed-j1", "renamed-j2"]


@pytest.mark.parametrize(
    "version, answer",
    [("7.13.4", {"jobs": [], "success": True}), ("8.1.3", {"jobs": [], "datafeeds": [], "success": True})],
)
def test_initialize_answers_in_its_versions_shape(tmp_path, version, answer):
    assert Kibana(tmp_path, version).ok("GET", "initialize") == answer


def test_initialize_trained_models_inherit_their_jobs_spaces(kibana):
    k = kibana
    k.dfa("ihp_od_1", "space1")
    k.ok("POST", "update_jobs_spaces", space="space1", body=moves("ihp_od_1", "data-frame-analytics", add=["space2"]))
    k.dfa("ihp_od_2", "space1")
    k.ok(
        "POST",
        "update_jobs_spaces",
        space="space1",
        body=moves("ihp_od_2", "data-frame-analytics", add=["*"], remove=["space1"]),
    )
    assert k.job_spaces("ihp_od_2", "data-frame-analytics") == ["*"]
    for model, job, spaces in (
        ("dfa1_classification_model_n_0", "ihp_od_1", ["space1", "space2"]),
        ("dfa3_classification_model_n_0", "ihp_od_2", ["*"]),
        ("dfa2_classification_model_n_0", None, ["*"]),
    ):
        k.es("PUT", f"/_ml/trained_models/{model}", es_model(job))
        body = k.ok("GET", "initialize", "ml_poweruser_all_spaces")
        assert body["trainedModels"] == [{"id": model}] and body["success"] is True
        assert k.model_spaces(model) == spaces


# -- update_jobs_spaces.ts, update_trained_model_spaces.ts, assign_job_to_space.ts, remove_job_from_space.ts
def moves(job_id: str, job_type: str = "anomaly-detector", add=(), remove=()) -> dict:
    return {"jobType": job_type, "jobIds": [job_id], "spacesToAdd": list(add), "spacesToRemove": list(remove)}


@pytest.mark.parametrize("job_type", ["anomaly-detector", "data-frame-analytics"])
def test_update_jobs_spaces(kibana, job_type):
    k = kibana
    (k.job if job_type == "anomaly-detector" else k.dfa)("job1")
    assert k.job_spaces("job1", job_type) == ["default"]
    body = k.ok(
        "POST", "update_jobs_spaces", "ml_poweruser_space1", body=moves("job1", job_type, ["space1"], ["default"])
    )
    assert body == {"job1": {"success": True, "type": job_type}}
    assert k.job_spaces("job1", job_type) == ["space1"]
    # A space the user may not see: the item fails, the job stays.
    body = k.ok(
        "POST", "update_jobs_spaces", "ml_poweruser_space1", space="space1", body=moves("job1", job_type, ["space2"])
    )
    assert body == {
        "job1": {
            "success": False,
            "type": job_type,
            "error": {"statusCode": 403, "error": "Forbidden", "message": "Unable to share_to_space ml-job"},
        }
    }
    assert k.job_spaces("job1", job_type) == ["space1"]


def test_update_jobs_spaces_of_an_unknown_job_and_nothing_to_do(kibana):
    k = kibana
    body = k.ok("POST", "update_jobs_spaces", body=moves("nope", add=["space1"]))
    assert body == {"nope": {"success": False, "type": "anomaly-detector", "error": "No known job with id 'nope'"}}
    assert k.ok("POST", "update_jobs_spaces", body=moves("nope")) == {}


def test_a_space_both_added_and_removed_is_the_saved_objects_clients_refusal(kibana):
    """updateObjectsSpaces refuses it for ML as for /api/spaces/_update_objects_spaces: nothing moves."""
    k = kibana
    k.job("job1")
    reply = k.call("POST", "update_jobs_spaces", body=moves("job1", add=["space1"], remove=["space1"]))
    assert boom(reply, 400, "spacesToAdd and spacesToRemove cannot contain any of the same strings: Bad Request")
    assert k.job_spaces("job1", "anomaly-detector") == ["default"]


@pytest.mark.parametrize("version, kept", [("9.3.0", False), ("9.5.0", True)])
def test_removing_a_job_from_all_its_spaces(tmp_path, version, kept):
    """#276490 (after 9.3): refused with a 400; before, core deletes an object left in no space."""
    k = Kibana(tmp_path, version)
    k.job("fq_single")
    reply = k.call("POST", "update_jobs_spaces", "ml_poweruser", body=moves("fq_single", remove=["default"]))
    if kept:
        assert boom(reply, 400, "Cannot remove job 'fq_single' from all spaces")
        assert k.job_spaces("fq_single", "anomaly-detector") == ["default"]
    else:
        assert reply.json == {"fq_single": {"success": True, "type": "anomaly-detector"}}
        assert k.job_spaces("fq_single", "anomaly-detector") == []


@pytest.mark.parametrize("base", ["/api", "/internal"])
def test_update_trained_models_spaces(kibana, base):
    k = kibana
    k.model("trained_model")
    headers = {**auth("ml_poweruser_space1"), "kbn-xsrf": "true", "x-elastic-internal-origin": "Kibana"}

    def update(add, remove):
        body = {"modelIds": ["trained_model"], "spacesToAdd": add, "spacesToRemove": remove}
        return k.http.post(f"{base}/ml/saved_objects/update_trained_models_spaces", json=body, headers=headers)

    assert update(["space1"], ["default"]).json == {"trained_model": {"success": True, "type": "trained-model"}}
    assert k.model_spaces("trained_model") == ["space1"]
    assert update(["space2"], []).json["trained_model"]["success"] is False
    assert k.model_spaces("trained_model") == ["space1"]


def test_removing_a_model_from_all_its_spaces_after_9_3(tmp_path):
    k = Kibana(tmp_path, "9.5.0")
    k.model("trained_model")
    body = {"modelIds": ["trained_model"], "spacesToAdd": [], "spacesToRemove": ["default"]}
    boom(
        k.call("POST", "update_trained_models_spaces", "ml_poweruser", body=body),
        400,
        "Cannot remove trained model 'trained_model' from all spaces",
    )
    assert k.model_spaces("trained_model") == ["default"]


@pytest.mark.parametrize("job_type", ["anomaly-detector", "data-frame-analytics"])
def test_assign_job_to_space_before_7_14(tmp_path, job_type):
    k = Kibana(tmp_path, "7.13.4")
    (k.job if job_type == "anomaly-detector" else k.dfa)("job1")
    body = {"jobType": job_type, "jobIds": ["job1"], "spaces": ["space1"]}
    assert k.ok("POST", "assign_job_to_space", "ml_poweruser_space1", body=body) == {"job1": {"success": True}}
    assert k.job_spaces("job1", job_type) == ["default", "space1"]
    body["spaces"] = ["space2"]
    assert k.ok("POST", "assign_job_to_space", "ml_poweruser_space1", body=body)["job1"]["success"] is False
    assert k.job_spaces("job1", job_type) == ["default", "space1"]


def test_remove_job_from_space_before_7_14(tmp_path):
    k = Kibana(tmp_path, "7.13.4")
    k.job("fq_single", "space1")
    body = {"jobType": "anomaly-detector", "jobIds": ["fq_single"], "spaces": ["space1"]}
    # Seen from another space, the job is not there, and not in the answer either (7.x's test).
    assert k.ok("POST", "remove_job_from_space", "ml_poweruser_all_spaces", "space2", body=body) == {}
    assert k.job_spaces("fq_single", "anomaly-detector") == ["space1"]
    assert k.ok("POST", "remove_job_from_space", "ml_poweruser_all_spaces", "space1", body=body) == {
        "fq_single": {"success": True}
    }
    assert k.job_spaces("fq_single", "anomaly-detector") == []


# -- remove_from_current_space.ts -----------------------------------------------------------------------
def test_remove_items_from_the_current_space(kibana):
    k = kibana
    k.job("fq_single")
    k.dfa("ihp_od")
    k.model("trained_model")
    k.ok("POST", "update_jobs_spaces", body=moves("fq_single", add=["space1", "space2"]))
    k.ok("POST", "update_jobs_spaces", body=moves("ihp_od", "data-frame-analytics", add=["space1", "space2"]))
    body = {"modelIds": ["trained_model"], "spacesToAdd": ["space1", "space2"], "spacesToRemove": []}
    k.ok("POST", "update_trained_models_spaces", body=body)
    for item, item_type, space, left in (
        ("fq_single", "anomaly-detector", "space1", ["default", "space2"]),
        ("ihp_od", "data-frame-analytics", "space2", ["default", "space1"]),
        ("trained_model", "trained-model", "space2", ["default", "space1"]),
    ):
        request = {"ids": [item], "mlSavedObjectType": item_type}
        body = k.ok("POST", "remove_item_from_current_space", "ml_poweruser", space, body=request)
        assert body == {item: {"success": True, "type": item_type}}
        spaces = k.model_spaces(item) if item_type == "trained-model" else k.job_spaces(item, item_type)
        assert spaces == left


def test_an_unknown_job_before_8_2_is_an_error_object(tmp_path):
    """service.ts createError before 8.2: the reason in an object, and no type on the item."""
    k = Kibana(tmp_path, "8.1.3")
    assert k.ok("POST", "update_jobs_spaces", body=moves("nope", add=["space1"])) == {
        "nope": {"success": False, "error": {"error": {"reason": "No known job with id 'nope'"}, "status": 404}}
    }


def test_remove_job_from_current_space_before_8_2(tmp_path):
    k = Kibana(tmp_path, "8.1.3")
    k.job("fq_single")
    k.ok("POST", "update_jobs_spaces", body=moves("fq_single", add=["space1"]))
    body = {"jobType": "anomaly-detector", "jobIds": ["fq_single"]}
    assert k.ok("POST", "remove_job_from_current_space", space="space1", body=body) == {"fq_single": {"success": True}}
    assert k.job_spaces("fq_single", "anomaly-detector") == ["default"]


# -- can_delete_job.ts, can_delete_trained_model.ts, can_sync_to_all_spaces.ts ---------------------------
@pytest.mark.parametrize("item_type", ["anomaly-detector", "trained-model"])
def test_can_delete_ml_space_aware_items(kibana, item_type):
    k = kibana
    if item_type == "anomaly-detector":
        k.job("in_12", "space1")
        k.job("in_star", "space1")
        k.ok("POST", "update_jobs_spaces", space="space1", body=moves("in_12", add=["space2"]))
        k.ok("POST", "update_jobs_spaces", space="space1", body=moves("in_star", add=["*"], remove=["space1"]))
    else:
        k.model("in_12", "space1")
        k.model("in_star", "space1")
        for model, add, remove in (("in_12", ["space2"], []), ("in_star", ["*"], ["space1"])):
            body = {"modelIds": [model], "spacesToAdd": add, "spacesToRemove": remove}
            k.ok("POST", "update_trained_models_spaces", space="space1", body=body)

    def check(item, user, space=None):
        return k.ok("POST", f"can_delete_ml_space_aware_item/{item_type}", user, space, body={"ids": [item]})[item]

    assert check("in_12", "ml_poweruser_space1", "space1") == {"canDelete": False, "canRemoveFromSpace": True}
    assert check("in_12", "ml_poweruser_all_spaces", "space1") == {"canDelete": True, "canRemoveFromSpace": True}
    assert check("in_star", "ml_poweruser_space1", "space1") == {"canDelete": False, "canRemoveFromSpace": False}
    assert check("in_star", "ml_poweruser_all_spaces") == {"canDelete": True, "canRemoveFromSpace": False}
    # A viewer may delete nothing; an item not in this space cannot be deleted from it.
    assert check("in_12", "ml_viewer_all_spaces", "space1") == {"canDelete": False, "canRemoveFromSpace": False}
    assert check("in_12", "ml_poweruser_all_spaces") == {"canDelete": False, "canRemoveFromSpace": False}


def test_can_delete_job_before_8_2(tmp_path):
    k = Kibana(tmp_path, "8.1.3")
    k.job("in_12", "space1")
    k.ok("POST", "update_jobs_spaces", space="space1", body=moves("in_12", add=["space2"]))
    body = k.ok("POST", "can_delete_job/anomaly-detector", "ml_poweruser_space1", "space1", body={"jobIds": ["in_12"]})
    assert body == {"in_12": {"canDelete": False, "canRemoveFromSpace": True}}
    reply = k.call("POST", "can_delete_job/trained-model", body={"jobIds": ["in_12"]})
    assert reply.status == 400 and reply.json["message"].startswith(
        "[request params.jobType]: types that failed validation:\n"
        "- [request params.jobType.0]: expected value to equal [anomaly-detector]"
    )


@pytest.mark.parametrize("user, can", [("ml_poweruser", True), ("ml_poweruser_space1", False)])
def test_can_sync_to_all_spaces(kibana, user, can):
    assert kibana.ok("GET", "can_sync_to_all_spaces", user) == {"canSync": can}
    assert kibana.ok("GET", "can_sync_to_all_spaces/trained-model", user) == {"canSync": can}


# -- get_jobs_spaces.ts, get_trained_model_spaces.ts ------------------------------------------------------
@pytest.mark.parametrize("version", ["7.17.0", "9.3.0"])  # 7.x's jobs_spaces.ts, on /api
def test_jobs_spaces_list_what_the_user_sees(tmp_path, version):
    k = Kibana(tmp_path, version)
    k.job("fq_single_space1", "space1")
    k.job("fq_single_space2", "space2")
    k.dfa("ihp_od_space1", "space1")
    k.dfa("ihp_od_space2", "space2")
    assert k.ok("GET", "jobs_spaces", "ml_viewer_all_spaces") == {
        "anomaly-detector": {"fq_single_space1": ["space1"], "fq_single_space2": ["space2"]},
        "data-frame-analytics": {"ihp_od_space1": ["space1"], "ihp_od_space2": ["space2"]},
    }
    assert k.ok("GET", "jobs_spaces", "ml_viewer_space1") == {
        "anomaly-detector": {"fq_single_space1": ["space1"]},
        "data-frame-analytics": {"ihp_od_space1": ["space1"]},
    }


def test_trained_models_spaces_list_what_the_user_sees(kibana):
    k = kibana
    k.model("trained_model_single_space1", "space1")
    k.model("trained_model_single_space2", "space2")
    assert k.ok("GET", "trained_models_spaces", "ml_viewer_all_spaces") == {
        "trainedModels": {
            "lang_ident_model_1": ["*"],
            "trained_model_single_space1": ["space1"],
            "trained_model_single_space2": ["space2"],
        }
    }
    assert k.ok("GET", "trained_models_spaces", "ml_viewer_space1") == {
        "trainedModels": {"lang_ident_model_1": ["*"], "trained_model_single_space1": ["space1"]}
    }


def test_read_side_views_take_any_query(kibana):
    """validate: false: Kibana reads no query there, so it refuses none."""
    assert kibana.ok("GET", "status", query={"anything": "1"})["jobs"]["anomaly-detector"] == []
