"""``GET initialize`` by a user who may not create ML objects in every space: the route's saved-objects
client is the user's, and its bulk creates are refused whole (sync.ts initSavedObjects: the steps
run in order in one try, the error boomified into the answer with ``success: false``, status 200)."""

from __future__ import annotations

import pytest
from test_kibana_ml_routes_spaces import AD, Kibana, es_model


def refusal(so_type: str) -> dict:
    message = f"Unable to bulk_create {so_type}"
    return {
        "isBoom": True,
        "isServer": False,
        "data": None,
        "output": {
            "statusCode": 403,
            "payload": {"statusCode": 403, "error": "Forbidden", "message": message},
            "headers": {},
        },
    }


@pytest.fixture
def k(tmp_path):
    return Kibana(tmp_path, "9.3.0")


def test_jobs_for_all_spaces_are_refused_to_a_user_of_some_spaces(k):
    k.es("PUT", "/_ml/anomaly_detectors/fq_single", AD)
    body = k.ok("GET", "initialize", "ml_poweruser_space1", space="space1")
    assert body == {
        "jobs": [],
        "datafeeds": [],
        "trainedModels": [],
        "success": False,
        "error": refusal("ml-job"),
    }
    assert k.job_spaces("fq_single", "anomaly-detector") == []  # nothing made
    # ... which a user of every space may do.
    assert k.ok("GET", "initialize", "ml_poweruser_all_spaces")["jobs"] == [
        {"id": "fq_single", "type": "anomaly-detector"}
    ]
    assert k.job_spaces("fq_single", "anomaly-detector") == ["*"]


def test_the_steps_before_the_refusal_are_done(k):
    # A datafeed id to fill in (the job's object in space1) comes before the models, whose fallback
    # space is all of them.
    k.job("j1", "space1")
    k.es("PUT", "/_ml/datafeeds/feed-j1", {"job_id": "j1", "indices": ["x"]})
    k.es("PUT", "/_ml/trained_models/m_free", es_model(None))
    body = k.ok("GET", "initialize", "ml_poweruser_space1", space="space1")
    assert body["datafeeds"] == [{"id": "feed-j1", "type": "anomaly-detector"}]
    assert (body["trainedModels"], body["success"], body["error"]) == ([], False, refusal("ml-trained-model"))
    saved = k.ok("GET", "status")["savedObjects"]["anomaly-detector"]
    assert [s["datafeedId"] for s in saved if s["jobId"] == "j1"] == ["feed-j1"]
    assert k.model_spaces("m_free") == []


def test_a_model_in_its_jobs_spaces_the_user_sees_is_made(k):
    k.dfa("ihp_od", "space1")
    k.es("PUT", "/_ml/trained_models/m_od", es_model("ihp_od"))
    body = k.ok("GET", "initialize", "ml_poweruser_space1", space="space1")
    assert (body["trainedModels"], body["success"]) == ([{"id": "m_od"}], True)
    assert "error" not in body
    assert k.model_spaces("m_od") == ["space1"]


def test_simulate_creates_nothing_and_is_not_refused(k):
    k.es("PUT", "/_ml/anomaly_detectors/fq_single", AD)
    body = k.ok("GET", "initialize", "ml_poweruser_space1", space="space1", query={"simulate": "true"})
    assert body == {
        "jobs": [{"id": "fq_single", "type": "anomaly-detector"}],
        "datafeeds": [],
        "trainedModels": [],
        "success": True,
    }
