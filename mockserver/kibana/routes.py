"""Kibana's routes: each calls the model (``ml_sync``, ``spaces``) and answers."""

from __future__ import annotations

from ..boom import BoomError
from ..product import Call
from . import ml_sync
from .http import KIBANA, NEW_UNKNOWN_KEY_WORDING_SINCE, unknown_key_message

route = KIBANA.operation


# The Kibana privileges each route needs (any one of them), as the ML plugin declares them.
CAN_SYNC = ("ml:canCreateJob", "ml:canCreateDataFrameAnalytics", "ml:canCreateTrainedModels")
CAN_GET = ("ml:canGetJobs", "ml:canGetDataFrameAnalytics", "ml:canGetTrainedModels")


def _sides(call: Call):
    return call.state, call.runtime.store["elasticsearch"].ml


def _visible(call: Call) -> set[str] | None:
    """The spaces the caller sees (None: every space, as without security)."""
    return call.runtime.store["security"].visible_spaces(call.principal)


@route("GET", "/api/ml/saved_objects/sync", "ml.sync", authz=CAN_SYNC)
def ml_sync_route(call: Call):
    kibana, ml = _sides(call)
    if "addToAllSpaces" in call.query and kibana.version < ml_sync.ALL_SPACES_SINCE:
        # Before 8.18 the route's query schema had only simulate.
        raise BoomError(unknown_key_message("query", "addToAllSpaces", kibana.version >= NEW_UNKNOWN_KEY_WORDING_SINCE), 400)
    return 200, ml_sync.sync(kibana, ml, space=call.space, visible=_visible(call), simulate=call.query.get("simulate", False),
                             add_to_all_spaces=call.query.get("addToAllSpaces"))


# The read-side views: under /internal in the current line, under /api in older ones.
for prefix in ("/api", "/internal"):
    @route("GET", f"{prefix}/ml/saved_objects/status", "ml.status", authz=CAN_GET)
    def ml_status(call: Call):
        kibana, ml = _sides(call)
        return 200, ml_sync.status(kibana, ml, visible=_visible(call))

    @route("GET", f"{prefix}/ml/saved_objects/jobs_spaces", "ml.jobs_spaces", authz=CAN_GET[:2])
    def ml_jobs_spaces(call: Call):
        return 200, ml_sync.jobs_spaces(*_sides(call), visible=_visible(call))

    @route("GET", f"{prefix}/ml/saved_objects/trained_models_spaces", "ml.trained_models_spaces",
           authz=("ml:canGetTrainedModels",))
    def ml_trained_models_spaces(call: Call):
        return 200, ml_sync.trained_models_spaces(*_sides(call), visible=_visible(call))

    @route("GET", f"{prefix}/ml/saved_objects/initialize", "ml.initialize", authz=CAN_SYNC)
    def ml_initialize(call: Call):
        kibana, ml = _sides(call)
        return 200, ml_sync.initialize(kibana, ml, simulate=call.query.get("simulate", False))


# -- spaces -------------------------------------------------------------------------------------
# The spaces routes check nothing themselves; the secure spaces client does, with these messages.
def _may(call: Call, privilege: str, space: str = "default") -> bool:
    if call.principal is None:
        return True
    return privilege in call.runtime.store["security"].kibana_privileges(call.principal, space)


def _manage(call: Call, verb: str) -> None:
    if not _may(call, "space:manage"):
        raise BoomError(f"Unauthorized to {verb} spaces", 403)


@route("GET", "/api/spaces/space", "spaces.list")
def spaces_list(call: Call):
    spaces = [s for s in call.state.spaces.list() if _may(call, "login", s["id"])]
    if not spaces:
        raise BoomError("Forbidden", 403)
    return 200, spaces


@route("GET", "/api/spaces/space/<id>", "spaces.get")
def spaces_get(call: Call):
    if not _may(call, "login", call.path["id"]):
        raise BoomError(f"Unauthorized to get {call.path['id']} space", 403)
    return 200, call.state.spaces.get(call.path["id"])


@route("POST", "/api/spaces/space", "spaces.create")
def spaces_create(call: Call):
    _manage(call, "create")
    return 200, call.state.spaces.create(call.body)


@route("PUT", "/api/spaces/space/<id>", "spaces.update")
def spaces_update(call: Call):
    _manage(call, "update")
    return 200, call.state.spaces.update(call.path["id"], call.body)


@route("DELETE", "/api/spaces/space/<id>", "spaces.delete")
def spaces_delete(call: Call):
    """Deleting a space also deletes the saved objects that were only in it."""
    _manage(call, "delete")
    call.state.spaces.delete(call.path["id"])
    call.state.saved_objects.forget_space(call.path["id"])
    return 204, None
