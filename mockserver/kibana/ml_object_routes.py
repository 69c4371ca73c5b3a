"""Kibana's ML routes that create and delete jobs, datafeeds, data frame analytics jobs and trained
models: each parses and calls ``ml_objects.MlObjects``.

The routes are under ``/internal/ml`` from 8.9 (elastic/kibana#156949 versioned the ML APIs and moved
them there) and under ``/api/ml`` before, since the ML saved objects came (7.11).
"""

from __future__ import annotations

from .errors import UnknownQueryKey
from .http import KIBANA, KibanaCall, released
from .ml_objects import MlObjects
from .ml_sync import DEFAULT_TRAINED_MODELS_PAGE_SIZE

route = KIBANA.operation

PREFIXES = (
    ("/api/ml", released(since=(7, 11), before=(8, 9))),
    ("/internal/ml", released(since=(8, 9))),
)


def _client(call: KibanaCall) -> MlObjects:
    return MlObjects(
        call.state.saved_objects,
        call.runtime.store["elasticsearch"].ml,
        call.space,
        call.principal,
        call.runtime.store["security"].index_privilege_check(call.principal),
    )


def _may_delete_index(call: KibanaCall):
    """userCanDeleteIndex: the user's ``delete_index`` on the index (anyone, without security)."""
    holds = call.runtime.store["security"].index_privilege_check(call.principal)
    return (lambda index: True) if holds is None else (lambda index: holds("delete_index", index))


# elastic/kibana#200977 (the trained_models_list route, merged for 8.18; taken as 8.18) took
# with_pipelines and with_indices out of the trained models GET and asks Elasticsearch for
# DEFAULT_TRAINED_MODELS_PAGE_SIZE over the query's size; before, 1000 unless the query says.
MODELS_LIST_SINCE = (8, 18)


def _get_trained_models(call: KibanaCall) -> list[dict]:
    q, kibana = call.query, call.state
    client = _client(call)
    if kibana.version >= MODELS_LIST_SINCE:
        for key in ("with_pipelines", "with_indices"):
            if key in q:
                raise UnknownQueryKey(key, kibana.new_unknown_key_wording)
        return client.get_models(call.path.get("model_id"), q.get("include"))
    pipelines = call.runtime.store["elasticsearch"].pipelines.definitions if q.get("with_pipelines") else None
    size = int(q["size"]) if q.get("size") else 1000
    return client.get_models(call.path.get("model_id"), q.get("include"), size=size, pipelines=pipelines)


for prefix, available in PREFIXES:

    @route(
        "GET", f"{prefix}/anomaly_detectors", "ml.get_anomaly_detectors", authz=("ml:canGetJobs",), available=available
    )
    @route(
        "GET",
        f"{prefix}/anomaly_detectors/<job_id>",
        "ml.get_anomaly_detectors",
        authz=("ml:canGetJobs",),
        available=available,
    )
    def get_anomaly_detectors(call: KibanaCall):
        return 200, _client(call).get_jobs(call.path.get("job_id"))

    @route(
        "GET",
        f"{prefix}/data_frame/analytics",
        "ml.get_data_frame_analytics",
        authz=("ml:canGetDataFrameAnalytics",),
        available=available,
    )
    @route(
        "GET",
        f"{prefix}/data_frame/analytics/<analytics_id>",
        "ml.get_data_frame_analytics",
        authz=("ml:canGetDataFrameAnalytics",),
        available=available,
    )
    def get_data_frame_analytics(call: KibanaCall):
        q = call.query
        return 200, _client(call).get_analytics(
            call.path.get("analytics_id"), q.get("size"), exclude_generated=bool(q.get("excludeGenerated"))
        )

    # anomaly_detectors.ts: ``/_stats`` is a route of its own (validate: false), before ``/{jobId}``.
    @route(
        "GET",
        f"{prefix}/anomaly_detectors/_stats",
        "ml.get_anomaly_detectors_stats",
        authz=("ml:canGetJobs",),
        available=available,
    )
    @route(
        "GET",
        f"{prefix}/anomaly_detectors/<job_id>/_stats",
        "ml.get_anomaly_detectors_stats",
        authz=("ml:canGetJobs",),
        available=available,
    )
    def get_anomaly_detectors_stats(call: KibanaCall):
        return 200, _client(call).get_job_stats(call.path.get("job_id"))

    @route("GET", f"{prefix}/datafeeds", "ml.get_datafeeds", authz=("ml:canGetDatafeeds",), available=available)
    @route(
        "GET",
        f"{prefix}/datafeeds/<datafeed_id>",
        "ml.get_datafeeds",
        authz=("ml:canGetDatafeeds",),
        available=available,
    )
    def get_datafeeds(call: KibanaCall):
        return 200, _client(call).get_datafeeds(call.path.get("datafeed_id"))

    @route(
        "GET",
        f"{prefix}/datafeeds/_stats",
        "ml.get_datafeeds_stats",
        authz=("ml:canGetDatafeeds",),
        available=available,
    )
    @route(
        "GET",
        f"{prefix}/datafeeds/<datafeed_id>/_stats",
        "ml.get_datafeeds_stats",
        authz=("ml:canGetDatafeeds",),
        available=available,
    )
    def get_datafeeds_stats(call: KibanaCall):
        return 200, _client(call).get_datafeeds(call.path.get("datafeed_id"), stats=True)

    @route(
        "GET",
        f"{prefix}/data_frame/analytics/_stats",
        "ml.get_data_frame_analytics_stats",
        authz=("ml:canGetDataFrameAnalytics",),
        available=available,
    )
    @route(
        "GET",
        f"{prefix}/data_frame/analytics/<analytics_id>/_stats",
        "ml.get_data_frame_analytics_stats",
        authz=("ml:canGetDataFrameAnalytics",),
        available=available,
    )
    def get_data_frame_analytics_stats(call: KibanaCall):
        return 200, _client(call).get_analytics_stats(call.path.get("analytics_id"))

    # trained_models.ts: ``/_stats`` is a route of its own (validate: false), before ``/{modelId}``.
    @route(
        "GET",
        f"{prefix}/trained_models/_stats",
        "ml.get_trained_models_stats",
        authz=("ml:canGetTrainedModels",),
        available=available,
    )
    @route(
        "GET",
        f"{prefix}/trained_models/<model_id>/_stats",
        "ml.get_trained_models_stats",
        authz=("ml:canGetTrainedModels",),
        available=available,
    )
    def get_trained_models_stats(call: KibanaCall):
        model_id = call.path.get("model_id")
        # The list asks for DEFAULT_TRAINED_MODELS_PAGE_SIZE from 8.18 (before, Elasticsearch's 100);
        # one by id, Elasticsearch's page.
        size = DEFAULT_TRAINED_MODELS_PAGE_SIZE if model_id is None and call.state.version >= MODELS_LIST_SINCE else 100
        pipelines = call.runtime.store["elasticsearch"].pipelines.definitions
        return 200, _client(call).get_model_stats(model_id, size, pipelines)

    @route(
        "GET",
        f"{prefix}/trained_models",
        "ml.get_trained_models",
        authz=("ml:canGetTrainedModels",),
        available=available,
    )
    @route(
        "GET",
        f"{prefix}/trained_models/<model_id>",
        "ml.get_trained_models",
        authz=("ml:canGetTrainedModels",),
        available=available,
    )
    def get_trained_models(call: KibanaCall):
        return 200, _get_trained_models(call)

    @route(
        "PUT",
        f"{prefix}/anomaly_detectors/<job_id>",
        "ml.put_anomaly_detector",
        authz=("ml:canCreateJob",),
        available=available,
    )
    def put_anomaly_detector(call: KibanaCall):
        return 200, _client(call).put_job(call.path["job_id"], call.body)

    @route(
        "DELETE",
        f"{prefix}/anomaly_detectors/<job_id>",
        "ml.delete_anomaly_detector",
        authz=("ml:canDeleteJob",),
        available=available,
    )
    def delete_anomaly_detector(call: KibanaCall):
        return 200, _client(call).delete_job(call.path["job_id"], call.query.get("force"))

    @route(
        "PUT",
        f"{prefix}/datafeeds/<datafeed_id>",
        "ml.put_datafeed",
        authz=("ml:canCreateDatafeed",),
        available=available,
    )
    def put_datafeed(call: KibanaCall):
        return 200, _client(call).put_datafeed(call.path["datafeed_id"], call.body or {})

    @route(
        "DELETE",
        f"{prefix}/datafeeds/<datafeed_id>",
        "ml.delete_datafeed",
        authz=("ml:canDeleteDatafeed",),
        available=available,
    )
    def delete_datafeed(call: KibanaCall):
        return 200, _client(call).delete_datafeed(call.path["datafeed_id"], call.query.get("force"))

    @route(
        "PUT",
        f"{prefix}/data_frame/analytics/<analytics_id>",
        "ml.put_data_frame_analytics",
        authz=("ml:canCreateDataFrameAnalytics",),
        available=available,
    )
    def put_data_frame_analytics(call: KibanaCall):
        return 200, _client(call).put_analytics(
            call.path["analytics_id"], call.body or {}, call.query.get("createDataView", False)
        )

    @route(
        "DELETE",
        f"{prefix}/data_frame/analytics/<analytics_id>",
        "ml.delete_data_frame_analytics",
        authz=("ml:canDeleteDataFrameAnalytics",),
        available=available,
    )
    def delete_data_frame_analytics(call: KibanaCall):
        q = call.query
        return 200, _client(call).delete_analytics(
            call.path["analytics_id"],
            delete_dest_index=q.get("deleteDestIndex", False),
            delete_dest_data_view=q.get("deleteDestDataView", False),
            force=q.get("force"),
            may_delete_index=_may_delete_index(call),
        )

    @route(
        "PUT",
        f"{prefix}/trained_models/<model_id>",
        "ml.put_trained_model",
        authz=("ml:canCreateTrainedModels",),
        available=available,
    )
    def put_trained_model(call: KibanaCall):
        return 200, _client(call).put_model(call.path["model_id"], call.body or {})

    @route(
        "DELETE",
        f"{prefix}/trained_models/<model_id>",
        "ml.delete_trained_model",
        authz=("ml:canDeleteTrainedModels",),
        available=available,
    )
    def delete_trained_model(call: KibanaCall):
        return 200, _client(call).delete_model(call.path["model_id"], call.query.get("force"))
