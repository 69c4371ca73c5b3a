"""Elasticsearch's routes: each parses nothing itself (the pipeline did), calls the model, answers."""

from __future__ import annotations

from ..journal import keep_secret
from . import api_keys
from .cluster import cluster_info
from .errors import IllegalArgument
from .http import ELASTICSEARCH, ElasticsearchCall
from .xcontent import Locator

route = ELASTICSEARCH.operation


# -- cluster ------------------------------------------------------------------------------------
@route("GET,HEAD", "/", "info")
def info(call: ElasticsearchCall):
    """GET / and HEAD / (the server drops the body of a HEAD answer, keeping its length)."""
    return 200, cluster_info(call.state.release)


@route("GET", "/_cluster/settings", "cluster.get_settings")
def cluster_get_settings(call: ElasticsearchCall):
    q = call.query
    return 200, call.state.cluster_settings.show(q.get("flat_settings", False), q.get("include_defaults", False))


@route("PUT", "/_cluster/settings", "cluster.put_settings")
def cluster_put_settings(call: ElasticsearchCall):
    warn = call.warn if call.state.release.at_least(7, 16) else None
    return 200, call.state.cluster_settings.update(call.body, call.query.get("flat_settings", False), warn)


# -- connectors ---------------------------------------------------------------------------------
# An id segment that may be empty: RestController's PathTrie matches an empty segment between two
# others (``/_connector//_error``) to a {param}, and the action's validate() refuses the empty id.
# (An empty last segment is dropped by its path split: ``/_connector/`` is ``/_connector``.)
MAYBE_EMPTY = "string(minlength=0):"


def _put(call: ElasticsearchCall, connector_id: str | None):
    connector_id, result = call.state.connectors.put(connector_id, call.body or {})
    return (201 if result == "created" else 200), {"id": connector_id, "result": result}


@route("PUT", "/_connector/<connector_id>", "connector.put")
def connector_put(call: ElasticsearchCall):
    return _put(call, call.path["connector_id"])


@route("PUT", "/_connector", "connector.put")
def connector_put_without_id(call: ElasticsearchCall):
    return _put(call, None)


@route("POST", "/_connector", "connector.post")
def connector_post(call: ElasticsearchCall):
    return _put(call, None)


@route("GET", "/_connector/<connector_id>", "connector.get")
def connector_get(call: ElasticsearchCall):
    return 200, call.state.connectors.get(call.path["connector_id"], call.query.get("include_deleted", False))


@route("GET", "/_connector", "connector.list")
def connector_list(call: ElasticsearchCall):
    q = call.query
    count, results = call.state.connectors.list(
        from_=q.get("from", 0),
        size=q.get("size", 100),
        index_names=q.get("index_name"),
        names=q.get("connector_name"),
        service_types=q.get("service_type"),
        query=q.get("query"),
        include_deleted=q.get("include_deleted", False),
    )
    return 200, {"count": count, "results": results}


@route("DELETE", "/_connector/<connector_id>", "connector.delete")
def connector_delete(call: ElasticsearchCall):
    call.state.connectors.delete(
        call.path["connector_id"],
        hard=call.query.get("hard", False),
        delete_sync_jobs=call.query.get("delete_sync_jobs", False),
    )
    return 200, {"acknowledged": True}


def _update(suffix: str, schema: str, apply):
    """Declares ``PUT /_connector/{id}/<suffix>``: ``apply(connectors, id, body)`` gives the result."""

    def handler(call: ElasticsearchCall):
        return 200, {"result": apply(call.state.connectors, call.path["connector_id"], call.body or {})}

    handler.__name__ = schema.replace(".", "_")
    route("PUT", f"/_connector/<{MAYBE_EMPTY}connector_id>/{suffix}", schema)(handler)


_update("_check_in", "connector.check_in", lambda c, cid, b: c.check_in(cid))
_update("_error", "connector.update_error", lambda c, cid, b: c.set_error(cid, b["error"]))
_update("_name", "connector.update_name", lambda c, cid, b: c.set_name(cid, b.get("name"), b.get("description")))
_update("_index_name", "connector.update_index_name", lambda c, cid, b: c.set_index_name(cid, b["index_name"]))
_update("_service_type", "connector.update_service_type", lambda c, cid, b: c.set_service_type(cid, b["service_type"]))
_update("_native", "connector.update_native", lambda c, cid, b: c.set_native(cid, b["is_native"]))
_update("_status", "connector.update_status", lambda c, cid, b: c.set_status(cid, b.get("status")))
_update(
    "_configuration",
    "connector.update_configuration",
    lambda c, cid, b: c.set_configuration(cid, b.get("configuration"), b.get("values")),
)
_update("_scheduling", "connector.update_scheduling", lambda c, cid, b: c.set_scheduling(cid, b["scheduling"]))
_update("_pipeline", "connector.update_pipeline", lambda c, cid, b: c.set_pipeline(cid, b["pipeline"]))
_update(
    "_filtering",
    "connector.update_filtering",
    lambda c, cid, b: c.set_filtering(cid, b.get("filtering"), b.get("rules"), b.get("advanced_snippet")),
)
_update(
    "_filtering/_validation",
    "connector.update_filtering_validation",
    lambda c, cid, b: c.set_filtering_validation(cid, b["validation"]),
)
_update("_filtering/_activate", "connector.update_active_filtering", lambda c, cid, b: c.activate_filtering(cid))
_update("_last_sync", "connector.last_sync", lambda c, cid, b: c.set_last_sync(cid, b))
_update(
    "_api_key_id",
    "connector.update_api_key_id",
    lambda c, cid, b: c.set_api_key_id(cid, b.get("api_key_id"), b.get("api_key_secret_id")),
)
_update("_features", "connector.update_features", lambda c, cid, b: c.set_features(cid, b.get("features")))


# -- sync jobs ----------------------------------------------------------------------------------
@route("POST", "/_connector/_sync_job", "connector.sync_job_post")
def sync_job_post(call: ElasticsearchCall):
    body = call.body
    job_id = call.state.sync_jobs.create(body["id"], body.get("job_type"), body.get("trigger_method"))
    return 201, {"id": job_id}


@route("GET", "/_connector/_sync_job", "connector.sync_job_list")
def sync_job_list(call: ElasticsearchCall):
    q = call.query
    count, results = call.state.sync_jobs.list(
        from_=q.get("from", 0),
        size=q.get("size", 100),
        connector_id=q.get("connector_id"),
        status=q.get("status"),
        job_types=q.get("job_type"),
    )
    return 200, {"count": count, "results": results}


@route("GET", "/_connector/_sync_job/<connector_sync_job_id>", "connector.sync_job_get")
def sync_job_get(call: ElasticsearchCall):
    return 200, call.state.sync_jobs.get(call.path["connector_sync_job_id"])


@route("DELETE", "/_connector/_sync_job/<connector_sync_job_id>", "connector.sync_job_delete")
def sync_job_delete(call: ElasticsearchCall):
    call.state.sync_jobs.delete(call.path["connector_sync_job_id"])
    return 200, {"acknowledged": True}


@route("PUT", f"/_connector/_sync_job/<{MAYBE_EMPTY}connector_sync_job_id>/_cancel", "connector.sync_job_cancel")
def sync_job_cancel(call: ElasticsearchCall):
    call.state.sync_jobs.cancel(call.path["connector_sync_job_id"])
    return 200, {"result": "updated"}


@route("PUT", f"/_connector/_sync_job/<{MAYBE_EMPTY}connector_sync_job_id>/_check_in", "connector.sync_job_check_in")
def sync_job_check_in(call: ElasticsearchCall):
    call.state.sync_jobs.check_in(call.path["connector_sync_job_id"])
    return 200, {"result": "updated"}


@route("PUT", f"/_connector/_sync_job/<{MAYBE_EMPTY}connector_sync_job_id>/_claim", "connector.sync_job_claim")
def sync_job_claim(call: ElasticsearchCall):
    call.state.sync_jobs.claim(
        call.path["connector_sync_job_id"], call.body["worker_hostname"], call.body.get("sync_cursor")
    )
    return 200, {"result": "updated"}


@route("PUT", f"/_connector/_sync_job/<{MAYBE_EMPTY}connector_sync_job_id>/_error", "connector.sync_job_error")
def sync_job_error(call: ElasticsearchCall):
    call.state.sync_jobs.set_error(call.path["connector_sync_job_id"], call.body["error"])
    return 200, {"result": "updated"}


@route("PUT", f"/_connector/_sync_job/<{MAYBE_EMPTY}connector_sync_job_id>/_stats", "connector.sync_job_update_stats")
def sync_job_update_stats(call: ElasticsearchCall):
    call.state.sync_jobs.update_stats(call.path["connector_sync_job_id"], **call.body)
    return 200, {"result": "updated"}


# -- security -----------------------------------------------------------------------------------
SECURITY_OFF = (
    "Security must be explicitly enabled when using a [basic] license. Enable security by setting "
    "[xpack.security.enabled] to [true] in the elasticsearch.yml file and restart the node."
)


def _security(call: ElasticsearchCall):
    """The security state, for a caller security knows (with it off, these APIs are not there)."""
    if call.principal is None:
        raise IllegalArgument(SECURITY_OFF)
    return call.runtime.store["security"]


@route("POST", "/_security/api_key", "security.create_api_key")
@route("PUT", "/_security/api_key", "security.create_api_key")
def security_create_api_key(call: ElasticsearchCall):
    """An API key for the caller, limited by the caller's privileges (and its role descriptors)."""
    answer = api_keys.create(_security(call), call.principal, call.body)
    keep_secret(call.request.environ, "api_key", "encoded")
    return 200, answer


@route("GET", "/_security/api_key", "security.get_api_key")
def security_get_api_key(call: ElasticsearchCall):
    return api_keys.get(_security(call), call.principal, call.query)


@route("GET,POST", "/_security/_query/api_key", "security.query_api_keys")
def security_query_api_keys(call: ElasticsearchCall):
    return 200, api_keys.query(_security(call), call.principal, call.body, call.query, Locator(call.body_text))


@route("DELETE", "/_security/api_key", "security.invalidate_api_key")
def security_invalidate_api_key(call: ElasticsearchCall):
    return 200, api_keys.invalidate(_security(call), call.principal, call.body)


@route("GET", "/_security/_authenticate", "security.authenticate")
def security_authenticate(call: ElasticsearchCall):
    principal = call.principal
    if principal is None:
        raise IllegalArgument(SECURITY_OFF)
    realm = {"name": principal.realm, "type": principal.realm}
    answer = {
        "username": principal.username,
        "roles": [] if principal.api_key_id else principal.roles,
        "full_name": principal.full_name,
        "email": principal.email,
        "metadata": principal.metadata,
        "enabled": True,
        "authentication_realm": realm,
        "lookup_realm": dict(realm),
        "authentication_type": "api_key" if principal.api_key_id else "realm",
    }
    if principal.api_key_id:
        # ES 9 names who manages the key (Authentication#toXContent; cloud keys say "cloud")
        answer["api_key"] = {"id": principal.api_key_id, "name": principal.api_key_name, "managed_by": "elasticsearch"}
    return 200, answer
