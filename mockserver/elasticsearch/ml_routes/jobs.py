"""Anomaly detection jobs: ``/_ml/anomaly_detectors``. Each route calls ``call.state.ml.jobs`` and answers."""

from __future__ import annotations

from ..http import ELASTICSEARCH, ElasticsearchCall

route = ELASTICSEARCH.operation


@route("PUT", "/_ml/anomaly_detectors/<job_id>", "ml.put_job")
def ml_put_job(call: ElasticsearchCall):
    return 200, call.state.ml.jobs.put(call.path["job_id"], call.body)


@route("GET", "/_ml/anomaly_detectors", "ml.get_jobs")
@route("GET", "/_ml/anomaly_detectors/<job_id>", "ml.get_jobs")
def ml_get_job(call: ElasticsearchCall):
    q = call.query
    return 200, call.state.ml.jobs.get(call.path.get("job_id"), q.get("allow_no_match", True))


@route("DELETE", "/_ml/anomaly_detectors/<job_id>", "ml.delete_job")
def ml_delete_job(call: ElasticsearchCall):
    call.state.ml.jobs.delete(call.path["job_id"], force=call.query.get("force", False))
    return 200, {"acknowledged": True}
