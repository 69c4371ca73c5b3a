"""Each route's transport action and the cluster privilege family that grants it (for 403s).

Action names from the REST and transport actions of x-pack ent-search, ml and security; the
privileges per family are in ``mockserver.security.CLUSTER_GRANTS``.
"""

from __future__ import annotations

CONNECTOR = "cluster:admin/xpack/connector/"
SYNC_JOB = CONNECTOR + "sync_job/"

ACTIONS: dict[str, tuple[str, str]] = {
    "info": ("cluster:monitor/main", "monitor"),
    "cluster.get_settings": ("cluster:monitor/settings", "monitor"),
    "cluster.put_settings": ("cluster:admin/settings/update", "manage"),
    "connector.put": (CONNECTOR + "put", "manage_connector"),
    "connector.post": (CONNECTOR + "post", "manage_connector"),
    "connector.get": (CONNECTOR + "get", "monitor_connector"),
    "connector.list": (CONNECTOR + "list", "monitor_connector"),
    "connector.delete": (CONNECTOR + "delete", "manage_connector"),
    "connector.check_in": ("indices:data/write/xpack/connector/update_last_seen", "manage_connector"),
    "connector.last_sync": (CONNECTOR + "update_last_sync_stats", "manage_connector"),
    "connector.update_active_filtering": (CONNECTOR + "update_filtering/activate", "manage_connector"),
    "connector.update_filtering_validation": (CONNECTOR + "update_filtering/draft_validation", "manage_connector"),
    **{
        f"connector.update_{name}": (CONNECTOR + f"update_{name}", "manage_connector")
        for name in (
            "error",
            "name",
            "index_name",
            "service_type",
            "native",
            "status",
            "configuration",
            "scheduling",
            "pipeline",
            "filtering",
            "api_key_id",
            "features",
        )
    },
    "connector.sync_job_get": (SYNC_JOB + "get", "monitor_connector"),
    "connector.sync_job_list": (SYNC_JOB + "list", "monitor_connector"),
    **{
        f"connector.sync_job_{name}": (SYNC_JOB + action, "manage_connector")
        for name, action in (
            ("post", "post"),
            ("delete", "delete"),
            ("cancel", "cancel"),
            ("check_in", "check_in"),
            ("claim", "claim"),
            ("error", "update_error"),
            ("update_stats", "update_stats"),
        )
    },
    "ml.put_job": ("cluster:admin/xpack/ml/job/put", "manage_ml"),
    "ml.get_jobs": ("cluster:monitor/xpack/ml/job/get", "monitor_ml"),
    "ml.delete_job": ("cluster:admin/xpack/ml/job/delete", "manage_ml"),
    "ml.get_job_stats": ("cluster:monitor/xpack/ml/job/stats/get", "monitor_ml"),
    "ml.open_job": ("cluster:admin/xpack/ml/job/open", "manage_ml"),
    "ml.close_job": ("cluster:admin/xpack/ml/job/close", "manage_ml"),
    "ml.update_job": ("cluster:admin/xpack/ml/job/update", "manage_ml"),
    "ml.put_datafeed": ("cluster:admin/xpack/ml/datafeeds/put", "manage_ml"),
    "ml.get_datafeeds": ("cluster:monitor/xpack/ml/datafeeds/get", "monitor_ml"),
    "ml.delete_datafeed": ("cluster:admin/xpack/ml/datafeeds/delete", "manage_ml"),
    "ml.update_datafeed": ("cluster:admin/xpack/ml/datafeeds/update", "manage_ml"),
    "ml.get_datafeed_stats": ("cluster:monitor/xpack/ml/datafeeds/stats/get", "monitor_ml"),
    "ml.start_datafeed": ("cluster:admin/xpack/ml/datafeed/start", "manage_ml"),
    "ml.stop_datafeed": ("cluster:admin/xpack/ml/datafeed/stop", "manage_ml"),
    "ml.put_calendar": ("cluster:admin/xpack/ml/calendars/put", "manage_ml"),
    "ml.get_calendars": ("cluster:monitor/xpack/ml/calendars/get", "monitor_ml"),
    "ml.delete_calendar": ("cluster:admin/xpack/ml/calendars/delete", "manage_ml"),
    "ml.put_calendar_job": ("cluster:admin/xpack/ml/calendars/jobs/update", "manage_ml"),
    "ml.delete_calendar_job": ("cluster:admin/xpack/ml/calendars/jobs/update", "manage_ml"),
    "ml.post_calendar_events": ("cluster:admin/xpack/ml/calendars/events/post", "manage_ml"),
    "ml.get_calendar_events": ("cluster:monitor/xpack/ml/calendars/events/get", "monitor_ml"),
    "ml.delete_calendar_event": ("cluster:admin/xpack/ml/calendars/event/delete", "manage_ml"),
    "ml.info": ("cluster:monitor/xpack/ml/info/get", "monitor_ml"),
    "ml.set_upgrade_mode": ("cluster:admin/xpack/ml/upgrade_mode", "manage_ml"),
    "ml.put_data_frame_analytics": ("cluster:admin/xpack/ml/data_frame/analytics/put", "manage_ml"),
    "ml.get_data_frame_analytics": ("cluster:monitor/xpack/ml/data_frame/analytics/get", "monitor_ml"),
    "ml.delete_data_frame_analytics": ("cluster:admin/xpack/ml/data_frame/analytics/delete", "manage_ml"),
    "ml.get_data_frame_analytics_stats": ("cluster:monitor/xpack/ml/data_frame/analytics/stats/get", "monitor_ml"),
    "ml.start_data_frame_analytics": ("cluster:admin/xpack/ml/data_frame/analytics/start", "manage_ml"),
    "ml.stop_data_frame_analytics": ("cluster:admin/xpack/ml/data_frame/analytics/stop", "manage_ml"),
    "ml.update_data_frame_analytics": ("cluster:admin/xpack/ml/data_frame/analytics/update", "manage_ml"),
    "ml.put_trained_model": ("cluster:admin/xpack/ml/inference/put", "manage_ml"),
    "ml.get_trained_models": ("cluster:monitor/xpack/ml/inference/get", "monitor_ml"),
    "ml.delete_trained_model": ("cluster:admin/xpack/ml/inference/delete", "manage_ml"),
    "ml.get_trained_models_stats": ("cluster:monitor/xpack/ml/inference/stats/get", "monitor_ml"),
    "ml.put_trained_model_alias": ("cluster:admin/xpack/ml/inference/model_aliases/put", "manage_ml"),
    "ml.delete_trained_model_alias": ("cluster:admin/xpack/ml/inference/model_aliases/delete", "manage_ml"),
    "ml.put_trained_model_definition_part": ("cluster:admin/xpack/ml/trained_models/part/put", "manage_ml"),
    "ml.put_trained_model_vocabulary": ("cluster:admin/xpack/ml/trained_models/vocabulary/put", "manage_ml"),
    "ml.start_trained_model_deployment": ("cluster:admin/xpack/ml/trained_models/deployment/start", "manage_ml"),
    "ml.stop_trained_model_deployment": ("cluster:admin/xpack/ml/trained_models/deployment/stop", "manage_ml"),
    "ml.update_trained_model_deployment": ("cluster:admin/xpack/ml/trained_models/deployment/update", "manage_ml"),
    "security.create_api_key": ("cluster:admin/xpack/security/api_key/create", "manage_own_api_key"),
    # What these need depends on the request (the caller's own keys or anyone's): api_keys.required_privilege.
    "security.get_api_key": ("cluster:admin/xpack/security/api_key/get", "read_api_keys"),
    "security.query_api_keys": ("cluster:admin/xpack/security/api_key/query", "read_api_keys"),
    "security.invalidate_api_key": ("cluster:admin/xpack/security/api_key/invalidate", "manage_api_key"),
    "connector.secret_get": (CONNECTOR + "secret/get", "read_connector_secrets"),
    **{
        f"connector.secret_{name}": (CONNECTOR + f"secret/{name}", "write_connector_secrets")
        for name in ("post", "put", "delete")
    },
    "license.get": ("cluster:monitor/xpack/license/get", "monitor"),
    "ingest.get_pipeline": ("cluster:admin/ingest/pipeline/get", "read_pipeline"),
    "ingest.put_pipeline": ("cluster:admin/ingest/pipeline/put", "manage_pipeline"),
    "ingest.delete_pipeline": ("cluster:admin/ingest/pipeline/delete", "manage_pipeline"),
}

# Index actions: (transport action, what it targets). "one": the name in the path; "many": an index
# expression, narrowed to what the caller may act on; "bulk": the action's name only, each item
# checked on its own (ITEM_ACTIONS); "scroll": the scroll's search was checked when it began.
INDEX_ACTIONS: dict[str, tuple[str, str]] = {
    "index": ("indices:data/write/index", "one"),
    "create": ("indices:data/write/index", "one"),
    "update": ("indices:data/write/update", "one"),
    "delete": ("indices:data/write/delete", "one"),
    "get": ("indices:data/read/get", "one"),
    "exists": ("indices:data/read/get", "one"),
    "get_source": ("indices:data/read/get", "one"),
    "exists_source": ("indices:data/read/get", "one"),
    "bulk": ("indices:data/write/bulk", "bulk"),
    "search": ("indices:data/read/search", "many"),
    "count": ("indices:data/read/search", "many"),
    "scroll": ("indices:data/read/scroll", "scroll"),
    "delete_by_query": ("indices:data/write/delete/byquery", "many"),
    "indices.create": ("indices:admin/create", "one"),
    "indices.delete": ("indices:admin/delete", "many"),
    "indices.get": ("indices:admin/get", "many"),
    "indices.exists": ("indices:admin/get", "many"),
    "indices.get_mapping": ("indices:admin/mappings/get", "many"),
    "indices.put_mapping": ("indices:admin/mapping/put", "many"),
    "indices.refresh": ("indices:admin/refresh", "many"),
    "indices.get_alias": ("indices:admin/aliases/get", "many"),
    "indices.exists_alias": ("indices:admin/aliases/get", "many"),
    "indices.put_alias": ("indices:admin/aliases", "many"),
    "indices.delete_alias": ("indices:admin/aliases", "many"),
    "indices.update_aliases": ("indices:admin/aliases", "aliases"),
}

# A document write, as the bulk shard request checks each of its items (AuthorizationService's
# IMPLIED_INDEX_ACTION and IMPLIED_CREATE_ACTION), after the shard itself and any index it creates.
ITEM_ACTIONS: dict[str, str] = {
    "index": "indices:data/write/index:op_type/index",
    "create": "indices:data/write/index:op_type/create",
    "update": "indices:data/write/update",
    "delete": "indices:data/write/delete",
}
BULK_SHARD = "indices:data/write/bulk[s]"
AUTO_CREATE = "indices:admin/auto_create"
SEARCH = "indices:data/read/search"
ALIASES = "indices:admin/aliases"
# The requests that may name remote indices (IndicesRequest.Replaceable.allowsRemoteIndices): security
# resolves their names even when nothing grants the action on any index.
REMOTE_CAPABLE = frozenset({"search", "count"})
