"""Anomaly detection jobs: ``/_ml/anomaly_detectors``. Each route calls ``call.state.ml.jobs`` and answers."""

from __future__ import annotations

from ..errors import XContentParseError
from ..http import ELASTICSEARCH, ElasticsearchCall, Wire
from ..ml.jobs import DEPRECATED_ALLOW_NO_JOBS
from ..schema_errors import did_you_mean, unrecognized_params
from ..xcontent import Locations
from .datafeeds import url_indices_options

route = ELASTICSEARCH.operation


def allow_no_match(call: ElasticsearchCall, body: dict | None = None) -> bool:
    """allow_no_match, or its old name allow_no_jobs (deprecated in 7.10, elastic/elasticsearch#60601):
    since 8.0 only a request compatible with 7 may still say it (#80048); others are refused as an
    unknown parameter (or, in a body, an unknown field). A body, when sent, is read instead of the
    parameters (RestCloseJobAction)."""
    wire = Wire.of(call.request)
    compatible_with_7 = any(media is not None and media.version == "7" for media in (wire.accept, wire.sent))
    old_name_accepted = not call.state.release.at_least(8) or compatible_with_7
    given = body if body is not None else call.query
    if "allow_no_jobs" in given:
        if not old_name_accepted and body is not None:
            raise XContentParseError(
                "[close_job_request] unknown field [allow_no_jobs]"
                + did_you_mean("allow_no_jobs", ["allow_no_match", "force", "timeout", "job_id"]),
                Locations(call.body_text).key(("allow_no_jobs",)),
            )
        if not old_name_accepted:
            candidates = ["allow_no_match", *call.path]
            raise unrecognized_params(call.request.path, ["allow_no_jobs"], candidates)
        call.warn(DEPRECATED_ALLOW_NO_JOBS)
        return given.get("allow_no_match", given["allow_no_jobs"])
    return given.get("allow_no_match", True)


@route("PUT", "/_ml/anomaly_detectors/<job_id>", "ml.put_job")
def ml_put_job(call: ElasticsearchCall):
    options = url_indices_options(call) or {}
    return 200, call.state.ml.jobs.put(call.path["job_id"], call.body, call.body_text, options, call.principal)


@route("GET", "/_ml/anomaly_detectors", "ml.get_jobs")
@route("GET", "/_ml/anomaly_detectors/<job_id>", "ml.get_jobs")
def ml_get_job(call: ElasticsearchCall):
    jobs = call.state.ml.jobs
    return 200, jobs.get(call.path.get("job_id"), allow_no_match(call), call.query.get("exclude_generated", False))


@route("GET", "/_ml/anomaly_detectors/_stats", "ml.get_job_stats")
@route("GET", "/_ml/anomaly_detectors/<job_id>/_stats", "ml.get_job_stats")
def ml_get_job_stats(call: ElasticsearchCall):
    return 200, call.state.ml.jobs.stats(call.path.get("job_id"), allow_no_match(call))


@route("POST", "/_ml/anomaly_detectors/<job_id>/_open", "ml.open_job")
def ml_open_job(call: ElasticsearchCall):
    return 200, call.state.ml.jobs.open(call.path["job_id"])


@route("POST", "/_ml/anomaly_detectors/<job_id>/_close", "ml.close_job")
def ml_close_job(call: ElasticsearchCall):
    force = (call.body if call.body is not None else call.query).get("force", False)
    return 200, call.state.ml.jobs.close(call.path["job_id"], allow_no_match(call, call.body), force)


@route("POST", "/_ml/anomaly_detectors/<job_id>/_update", "ml.update_job")
def ml_update_job(call: ElasticsearchCall):
    return 200, call.state.ml.jobs.update(call.path["job_id"], call.body, call.body_text)


@route("DELETE", "/_ml/anomaly_detectors/<job_id>", "ml.delete_job")
def ml_delete_job(call: ElasticsearchCall):
    q = call.query
    return 200, call.state.ml.jobs.delete(
        call.path["job_id"], q.get("force", False), q.get("wait_for_completion", True)
    )
