"""Kibana's ML client sends the creating calls with the user's credentials as secondary authorization
(lib/ml_client/ml_client.ts mlClientWithSecondaryAuth, lib/request_authorization.ts): Elasticsearch
keeps the Kibana user's roles with a datafeed and a data frame analytics job, and checks that
user's index privileges, not Kibana's."""

from __future__ import annotations

import base64

from test_kibana_ml_objects import FQ_JOB, H, auth, dfa_job, secured  # noqa: F401  (secured: a fixture)

ELASTIC = {"Authorization": "Basic " + base64.b64encode(b"elastic:changeme").decode()}


def test_a_datafeed_made_with_its_job_keeps_the_users_roles(secured):  # noqa: F811
    body = {**FQ_JOB, "datafeed_config": {"datafeed_id": "datafeed-u1", "indices": ["ft_farequote"]}}
    reply = secured.put("/internal/ml/anomaly_detectors/u1", json=body, headers=auth("ml_poweruser"))
    assert reply.status == 200, reply.text
    feed = secured.get("/_ml/datafeeds/datafeed-u1", headers=ELASTIC).json["datafeeds"][0]
    assert feed["authorization"] == {"roles": ["ml_all"]}


def test_a_datafeed_put_keeps_the_users_roles(secured):  # noqa: F811
    power = auth("ml_poweruser")
    assert secured.put("/internal/ml/anomaly_detectors/u2", json=FQ_JOB, headers=power).status == 200
    feed = {"job_id": "u2", "indices": ["ft_farequote"]}
    reply = secured.put("/internal/ml/datafeeds/datafeed-u2", json=feed, headers=power)
    assert reply.status == 200, reply.text
    assert reply.json["authorization"] == {"roles": ["ml_all"]}


def test_a_dfa_job_keeps_the_users_roles(secured):  # noqa: F811
    reply = secured.put("/internal/ml/data_frame/analytics/u3", json=dfa_job("u3"), headers=auth("ml_poweruser"))
    assert reply.json["dataFrameAnalyticsJobsCreated"] == [{"id": "u3"}], reply.text
    job = secured.get("/_ml/data_frame/analytics/u3", headers=ELASTIC).json["data_frame_analytics"][0]
    assert job["authorization"] == {"roles": ["ml_all"]}


def test_a_dfa_job_needs_the_users_index_privileges(secured):  # noqa: F811
    # The poweruser may write user-* only: Elasticsearch's has-privileges check is of that user.
    body = {**dfa_job("u4"), "dest": {"index": "elsewhere-u4", "results_field": "ml"}}
    reply = secured.put("/internal/ml/data_frame/analytics/u4", json=body, headers=auth("ml_poweruser"))
    assert reply.status == 200
    [failure] = reply.json["dataFrameAnalyticsJobsErrors"]
    assert failure["error"]["statusCode"] == 403
    reason = failure["error"]["body"]["attributes"]["body"]["error"]["reason"]
    assert reason.startswith("Cannot create data frame analytics [u4] because user ml_poweruser lacks permissions")
    assert secured.get("/_ml/data_frame/analytics/u4", headers=ELASTIC).status == 404


def test_without_security_no_authorization_is_kept(http):
    body = {**FQ_JOB, "datafeed_config": {"datafeed_id": "datafeed-u5", "indices": ["x"]}}
    assert http.put("/internal/ml/anomaly_detectors/u5", json=body, headers=H).status == 200
    assert "authorization" not in http.get("/_ml/datafeeds/datafeed-u5").json["datafeeds"][0]
