"""Kibana's ML read routes that its API integration tests call after a create or a delete, each
filtered to the request's space as the ML client filters them (lib/ml_client/ml_client.ts
getJobStats, getDatafeeds, getDatafeedStats, getDataFrameAnalyticsStats, getTrainedModels; routes/
{anomaly_detectors,datafeeds,data_frame_analytics,trained_models}.ts)."""

from __future__ import annotations

from conftest import Http, boom
from test_kibana_ml_objects import (  # noqa: F401  (spaced, secured: fixtures)
    FQ_JOB,
    MODEL,
    H,
    auth,
    dfa_job,
    secured,
    spaced,
    sync,
)

from mockserver import create_app

STATS_KEYS = {"timing_stats", "state", "forecasts_stats", "model_size_stats", "data_counts"}


# -- anomaly_detectors/get.ts: GetAnomalyDetectorsStats, GetAnomalyDetectorsStatsById ---------------------
def test_job_stats_of_the_space(secured):  # noqa: F811
    power, viewer = auth("ml_poweruser"), auth("ml_viewer")
    for n in (1, 2):
        assert secured.put(f"/internal/ml/anomaly_detectors/fq_{n}", json=FQ_JOB, headers=power).status == 200
    listed = secured.get("/internal/ml/anomaly_detectors/_stats", headers=viewer)
    assert listed.status == 200, listed.text
    assert listed.headers["elastic-api-version"] == "1"
    assert (listed.json["count"], [j["job_id"] for j in listed.json["jobs"]]) == (2, ["fq_1", "fq_2"])
    assert STATS_KEYS <= set(listed.json["jobs"][0])
    one = secured.get("/internal/ml/anomaly_detectors/fq_1/_stats", headers=viewer).json
    assert (one["count"], [j["job_id"] for j in one["jobs"]]) == (1, ["fq_1"])
    assert STATS_KEYS <= set(one["jobs"][0]) and one["jobs"][0]["state"] == "closed"
    two = secured.get("/internal/ml/anomaly_detectors/fq_1,fq_2/_stats", headers=viewer).json
    assert (two["count"], [j["job_id"] for j in two["jobs"]]) == (2, ["fq_1", "fq_2"])


def test_job_stats_need_can_get_jobs(secured):  # noqa: F811
    assert secured.put("/internal/ml/anomaly_detectors/fq_1", json=FQ_JOB, headers=auth("ml_poweruser")).status == 200
    for path in ("/internal/ml/anomaly_detectors/_stats", "/internal/ml/anomaly_detectors/fq_1/_stats"):
        reply = secured.get(path, headers=auth("ml_unauthorized"))
        assert (reply.status, reply.json["error"]) == (403, "Forbidden")


def test_job_stats_of_another_space_are_unknown(spaced):  # noqa: F811
    assert spaced.put("/s/space1/internal/ml/anomaly_detectors/j1", json=FQ_JOB, headers=H).status == 200
    assert spaced.put("/internal/ml/anomaly_detectors/j0", json=FQ_JOB, headers=H).status == 200
    listed = spaced.get("/internal/ml/anomaly_detectors/_stats", headers=H).json
    # The seed's myjob1 and myjob2 got their objects in every space from the fixture's sync.
    assert [j["job_id"] for j in listed["jobs"]] == ["j0", "myjob1", "myjob2"]
    in_space1 = spaced.get("/s/space1/internal/ml/anomaly_detectors/_stats", headers=H).json
    assert [j["job_id"] for j in in_space1["jobs"]] == ["j1", "myjob1", "myjob2"]
    boom(spaced.get("/internal/ml/anomaly_detectors/j1/_stats", headers=H), 404, "No known job with id 'j1'")
    # Elasticsearch's 404 in its own words (getJobStats does not reword it as getJobs does).
    boom(spaced.get("/internal/ml/anomaly_detectors/nope/_stats", headers=H), 404, "No known job with id 'nope'")
    # A group: the space's jobs in it, and a group none of them is in is unknown here.
    in_space1 = spaced.get("/s/space1/internal/ml/anomaly_detectors/farequote/_stats", headers=H).json
    assert [j["job_id"] for j in in_space1["jobs"]] == ["j1"]
    assert spaced.delete("/internal/ml/anomaly_detectors/j0", headers=H).status == 200
    boom(
        spaced.get("/internal/ml/anomaly_detectors/farequote/_stats", headers=H),
        404,
        "No known job with id 'farequote'",
    )


# -- datafeeds ------------------------------------------------------------------------------------------
def test_datafeeds_of_the_space(spaced):  # noqa: F811
    assert spaced.put("/s/space1/internal/ml/anomaly_detectors/j1", json=FQ_JOB, headers=H).status == 200
    feed = {"job_id": "j1", "indices": ["ft_farequote"]}
    assert spaced.put("/s/space1/internal/ml/datafeeds/datafeed-j1", json=feed, headers=H).status == 200
    listed = spaced.get("/s/space1/internal/ml/datafeeds", headers=H).json  # and the seed's, in every space
    assert (listed["count"], [d["datafeed_id"] for d in listed["datafeeds"]]) == (2, ["datafeed-j1", "datafeed-myjob1"])
    one = spaced.get("/s/space1/internal/ml/datafeeds/datafeed-j1", headers=H).json
    assert one["datafeeds"][0]["job_id"] == "j1"
    stats = spaced.get("/s/space1/internal/ml/datafeeds/datafeed-j1/_stats", headers=H).json
    assert (stats["count"], stats["datafeeds"][0]["state"]) == (1, "stopped")
    assert spaced.get("/s/space1/internal/ml/datafeeds/_stats", headers=H).json["count"] == 2
    in_space2 = spaced.get("/s/space2/internal/ml/datafeeds", headers=H).json
    assert (in_space2["count"], [d["datafeed_id"] for d in in_space2["datafeeds"]]) == (1, ["datafeed-myjob1"])
    boom(
        spaced.get("/s/space2/internal/ml/datafeeds/datafeed-j1", headers=H),
        404,
        "No known datafeed with id 'datafeed-j1'",
    )
    boom(
        spaced.get("/s/space2/internal/ml/datafeeds/datafeed-j1/_stats", headers=H),
        404,
        "No known datafeed with id 'datafeed-j1'",
    )


def test_a_datafeed_made_with_its_job_is_the_spaces_after_the_sync(spaced):  # noqa: F811
    # putJob's object names no datafeed: filterDatafeedIdsForSpace does not know it until a sync.
    body = {**FQ_JOB, "datafeed_config": {"datafeed_id": "datafeed-j2", "indices": ["x"]}}
    assert spaced.put("/internal/ml/anomaly_detectors/j2", json=body, headers=H).status == 200
    boom(spaced.get("/internal/ml/datafeeds/datafeed-j2", headers=H), 404, "No known datafeed with id 'datafeed-j2'")
    sync(spaced)
    assert spaced.get("/internal/ml/datafeeds/datafeed-j2", headers=H).json["count"] == 1


# -- data frame analytics stats ----------------------------------------------------------------------------
def test_dfa_stats_of_the_space(spaced):  # noqa: F811
    assert spaced.put("/internal/ml/data_frame/analytics/d1", json=dfa_job("d1"), headers=H).status == 200
    assert spaced.put("/s/space1/internal/ml/data_frame/analytics/d2", json=dfa_job("d2"), headers=H).status == 200
    listed = spaced.get("/internal/ml/data_frame/analytics/_stats", headers=H).json
    assert (listed["count"], [j["id"] for j in listed["data_frame_analytics"]]) == (1, ["d1"])
    one = spaced.get("/internal/ml/data_frame/analytics/d1/_stats", headers=H).json
    assert one["data_frame_analytics"][0]["state"] == "stopped"
    boom(spaced.get("/internal/ml/data_frame/analytics/d2/_stats", headers=H), 404, "No known job with id 'd2'")
    assert spaced.delete("/internal/ml/data_frame/analytics/d1", headers=H).status == 200
    # The object stays until a sync: Elasticsearch's own 404 comes back.
    reply = spaced.get("/internal/ml/data_frame/analytics/d1/_stats", headers=H)
    assert reply.status == 404 and "d1" in reply.json["message"]


# -- trained_models/put_model.ts, delete_model.ts ---------------------------------------------------------
def test_a_model_put_is_read_back_and_a_refused_put_is_not_there(secured):  # noqa: F811
    power = auth("ml_poweruser")
    assert secured.put("/internal/ml/trained_models/dfa_regression_model_n_0", json=MODEL, headers=power).status == 200
    reply = secured.get("/internal/ml/trained_models/dfa_regression_model_n_0", headers=power)
    assert reply.status == 200, reply.text
    assert [m["model_id"] for m in reply.json] == ["dfa_regression_model_n_0"]  # a list, not ES's body
    viewer_put = secured.put(
        "/internal/ml/trained_models/dfa_regression_model_n_1", json=MODEL, headers=auth("ml_viewer")
    )
    assert viewer_put.status == 403
    boom(
        secured.get("/internal/ml/trained_models/dfa_regression_model_n_1", headers=power),
        404,
        "No known model with id 'dfa_regression_model_n_1'",
    )


def test_a_deleted_model_is_404_and_one_left_is_200(secured):  # noqa: F811
    power = auth("ml_poweruser")
    for n in (0, 1):
        assert secured.put(f"/internal/ml/trained_models/m_{n}", json=MODEL, headers=power).status == 200
    assert secured.delete("/internal/ml/trained_models/m_0", headers=power).status == 200
    assert secured.delete("/internal/ml/trained_models/m_1", headers=auth("ml_viewer")).status == 403
    # The object stays (deleteTrainedModel): Elasticsearch's 404, in its words.
    gone = secured.get("/internal/ml/trained_models/m_0", headers=power)
    assert gone.status == 404 and "m_0" in gone.json["message"]
    assert secured.get("/internal/ml/trained_models/m_1", headers=power).status == 200


def test_models_of_the_space_with_the_query(spaced):  # noqa: F811
    assert spaced.put("/internal/ml/trained_models/m_here", json=MODEL, headers=H).status == 200
    assert spaced.put("/s/space1/internal/ml/trained_models/m_there", json=MODEL, headers=H).status == 200
    listed = spaced.get("/internal/ml/trained_models", headers=H).json  # the built-in one is in every space
    assert [m["model_id"] for m in listed] == ["lang_ident_model_1", "m_here"]
    in_space1 = spaced.get("/s/space1/internal/ml/trained_models", headers=H).json
    assert [m["model_id"] for m in in_space1] == ["lang_ident_model_1", "m_there"]
    assert [m["model_id"] for m in spaced.get("/internal/ml/trained_models/m_*", headers=H).json] == ["m_here"]
    boom(spaced.get("/internal/ml/trained_models/m_there", headers=H), 404, "No known model with id 'm_there'")
    # include is Elasticsearch's; size is taken and replaced by 10000.
    reply = spaced.get("/internal/ml/trained_models/m_here", query={"include": "definition", "size": "1"}, headers=H)
    assert "definition" in reply.json[0]
    boom(
        spaced.get("/internal/ml/trained_models", query={"with_pipelines": "true"}, headers=H),
        400,
        "[request query.with_pipelines]: definition for this key is missing",
    )


def test_before_8_9_the_read_routes_are_under_api_ml():
    http = Http(create_app(kibana_version="8.8.2").test_client())
    assert http.put("/api/ml/anomaly_detectors/old", json=FQ_JOB, headers=H).status == 200
    assert http.get("/api/ml/anomaly_detectors/old/_stats", headers=H).json["count"] == 1
    assert http.get("/internal/ml/anomaly_detectors/old/_stats", headers=H).status == 404
    assert http.get("/api/ml/datafeeds", headers=H).status == 200
    assert http.get("/api/ml/trained_models", headers=H).status == 200


def test_before_8_18_the_models_come_with_their_pipelines_when_asked():
    # The old GET (before elastic/kibana#200977): with_pipelines adds each model's pipelines, named by
    # the model's id, an alias or a deployment (models_provider.ts getModelsPipelines).
    http = Http(create_app(kibana_version="8.17.0").test_client())
    assert http.put("/internal/ml/trained_models/m_p", json=MODEL, headers=H).status == 200
    assert http.put("/internal/ml/trained_models/m_q", json=MODEL, headers=H).status == 200
    inference = {"processors": [{"inference": {"model_id": "m_p"}}]}
    assert http.put("/_ingest/pipeline/uses_m_p", json=inference).status == 200
    models = http.get("/internal/ml/trained_models", query={"with_pipelines": "true"}, headers=H).json
    by_id = {m["model_id"]: m for m in models}
    assert by_id["m_p"]["pipelines"] == {"uses_m_p": http.get("/_ingest/pipeline/uses_m_p").json["uses_m_p"]}
    assert by_id["m_q"]["pipelines"] == {}
    assert "pipelines" not in http.get("/internal/ml/trained_models/m_p", headers=H).json[0]


def test_model_stats_of_the_space(spaced):  # noqa: F811
    # trained_models.ts's _stats routes, before /{modelId}: not a model called "_stats".
    assert spaced.put("/internal/ml/trained_models/m_here", json=MODEL, headers=H).status == 200
    assert spaced.put("/s/space1/internal/ml/trained_models/m_there", json=MODEL, headers=H).status == 200
    listed = spaced.get("/internal/ml/trained_models/_stats", headers=H).json
    assert [m["model_id"] for m in listed["trained_model_stats"]] == ["lang_ident_model_1", "m_here"]
    assert listed["count"] == 2
    one = spaced.get("/internal/ml/trained_models/m_here/_stats", headers=H).json
    assert (one["count"], one["trained_model_stats"][0]["pipeline_count"]) == (1, 0)
    boom(spaced.get("/internal/ml/trained_models/m_there/_stats", headers=H), 404, "No known model with id 'm_there'")


def test_a_dfa_job_by_id_without_its_generated_fields(spaced):  # noqa: F811
    # data_frame_analytics.ts: excludeGenerated becomes Elasticsearch's exclude_generated.
    assert spaced.put("/internal/ml/data_frame/analytics/d1", json=dfa_job("d1"), headers=H).status == 200
    full = spaced.get("/internal/ml/data_frame/analytics/d1", headers=H).json["data_frame_analytics"][0]
    assert "create_time" in full and "version" in full
    bare = spaced.get("/internal/ml/data_frame/analytics/d1", query={"excludeGenerated": "true"}, headers=H).json
    assert not {"create_time", "version"} & set(bare["data_frame_analytics"][0])
