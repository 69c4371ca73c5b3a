"""Kibana's routes: each calls the model (``ml_sync``, ``spaces``) and answers."""

from __future__ import annotations

from . import ml_sync
from .errors import Forbidden, SpacesUnauthorized, SpaceUnauthorized
from .http import KIBANA, KibanaCall

route = KIBANA.operation


# The Kibana privileges each route needs (any one of them), as the ML plugin declares them.
CAN_SYNC = ("ml:canCreateJob", "ml:canCreateDataFrameAnalytics", "ml:canCreateTrainedModels")
CAN_GET = ("ml:canGetJobs", "ml:canGetDataFrameAnalytics", "ml:canGetTrainedModels")


def _sides(call: KibanaCall):
    return call.state, call.runtime.store["elasticsearch"].ml


def _visible(call: KibanaCall) -> set[str] | None:
    """The spaces the caller sees (None: every space, as without security)."""
    return call.runtime.store["security"].visible_spaces(call.principal)


@route("GET", "/api/ml/saved_objects/sync", "ml.sync", authz=CAN_SYNC)
def ml_sync_route(call: KibanaCall):
    kibana, ml = _sides(call)
    return 200, ml_sync.sync(
        kibana,
        ml,
        space=call.space,
        visible=_visible(call),
        simulate=call.query.get("simulate", False),
        add_to_all_spaces=call.query.get("addToAllSpaces"),
    )


# The read-side views: under /internal in the current line, under /api in older ones.
for prefix in ("/api", "/internal"):

    @route("GET", f"{prefix}/ml/saved_objects/status", "ml.status", authz=CAN_GET)
    def ml_status(call: KibanaCall):
        kibana, ml = _sides(call)
        return 200, ml_sync.status(kibana, ml, visible=_visible(call))

    @route("GET", f"{prefix}/ml/saved_objects/jobs_spaces", "ml.jobs_spaces", authz=CAN_GET[:2])
    def ml_jobs_spaces(call: KibanaCall):
        return 200, ml_sync.jobs_spaces(*_sides(call), visible=_visible(call))

    @route(
        "GET",
        f"{prefix}/ml/saved_objects/trained_models_spaces",
        "ml.trained_models_spaces",
        authz=("ml:canGetTrainedModels",),
    )
    def ml_trained_models_spaces(call: KibanaCall):
        return 200, ml_sync.trained_models_spaces(*_sides(call), visible=_visible(call))

    @route("GET", f"{prefix}/ml/saved_objects/initialize", "ml.initialize", authz=CAN_SYNC)
    def ml_initialize(call: KibanaCall):
        kibana, ml = _sides(call)
        return 200, ml_sync.initialize(kibana, ml, simulate=call.query.get("simulate", False))


# -- spaces -------------------------------------------------------------------------------------
# The spaces routes check nothing themselves; the secure spaces client does, with these messages.
def _may(call: KibanaCall, privilege: str, space: str = "default") -> bool:
    if call.principal is None:
        return True
    return privilege in call.runtime.store["security"].kibana_privileges(call.principal, space)


def _manage(call: KibanaCall, verb: str) -> None:
    if not _may(call, "space:manage"):
        raise SpacesUnauthorized(verb)


@route("GET", "/api/spaces/space", "spaces.list")
def spaces_list(call: KibanaCall):
    spaces = [s for s in call.state.spaces.list() if _may(call, "login", s["id"])]
    if not spaces:
        raise Forbidden()
    return 200, spaces


@route("GET", "/api/spaces/space/<id>", "spaces.get")
def spaces_get(call: KibanaCall):
    if not _may(call, "login", call.path["id"]):
        raise SpaceUnauthorized(call.path["id"])
    return 200, call.state.spaces.get(call.path["id"])


@route("POST", "/api/spaces/space", "spaces.create")
def spaces_create(call: KibanaCall):
    _manage(call, "create")
    return 200, call.state.spaces.create(call.body)


@route("PUT", "/api/spaces/space/<id>", "spaces.update")
def spaces_update(call: KibanaCall):
    _manage(call, "update")
    return 200, call.state.spaces.update(call.path["id"], call.body)


@route("DELETE", "/api/spaces/space/<id>", "spaces.delete")
def spaces_delete(call: KibanaCall):
    """Deleting a space also deletes the saved objects that were only in it."""
    _manage(call, "delete")
    call.state.spaces.delete(call.path["id"])
    call.state.saved_objects.forget_space(call.path["id"])
    return 204, None
