"""What the ML tests share: the smallest PUT bodies ES takes for each kind, and a job put."""

from __future__ import annotations

JOB = {
    "analysis_config": {"bucket_span": "15m", "detectors": [{"function": "count"}]},
    "data_description": {"time_field": "timestamp"},
}
DFA = {"source": {"index": "source-index"}, "dest": {"index": "dest-index"}, "analysis": {"outlier_detection": {}}}
MODEL = {"model_type": "pytorch", "inference_config": {"pass_through": {}}, "input": {"field_names": ["text_field"]}}


def put_job(http, job_id: str, **extra):
    reply = http.put(f"/_ml/anomaly_detectors/{job_id}", json={**JOB, **extra})
    assert reply.status == 200, reply.text
    return reply.json
