"""Kibana's routes: each calls the model (``ml_sync``, ``spaces``) and answers."""

from __future__ import annotations

from . import ml_sync
from .errors import Forbidden, SpacesUnauthorized, SpaceUnauthorized, UnknownBodyKey, UnknownQueryKey
from .http import KIBANA, KibanaCall, released

route = KIBANA.operation


# The Kibana privileges each route needs (any one of them), as the ML plugin declares them.
CAN_SYNC = ("ml:canCreateJob", "ml:canCreateDataFrameAnalytics", "ml:canCreateTrainedModels")
CAN_GET = ("ml:canGetJobs", "ml:canGetDataFrameAnalytics", "ml:canGetTrainedModels")
CAN_CREATE_JOBS = ("ml:canCreateJob", "ml:canCreateDataFrameAnalytics")

# Where each ML saved-objects route is, by Kibana version: name -> {base path: [(since, before)]}, the
# route being ``GET|POST [/s/{space}]{base}/ml/saved_objects/{name}``. Read from
# x-pack/plugins/ml/server/routes/saved_objects.ts (from 8.18 x-pack/platform/plugins/shared/ml/...),
# its versions in the releases' builds, and the PRs that changed it:
#   7.11 space-aware jobs (#77916, #83320, #83871): status, sync, initialize, assign_job_to_space,
#        remove_job_from_space, remove_job_from_current_space, jobs_spaces, can_delete_job/{jobType};
#   7.14 update_jobs_spaces (core's updateObjectsSpaces, "Sharing saved objects phase 3.5" #100424)
#        replaces assign_job_to_space and remove_job_from_space;
#   7.16 sync_check ("[ML] Job sync usability improvements" #112693);
#   8.2  trained models (#123487, #127438): trained_models_spaces, update_trained_models_spaces,
#        remove_item_from_current_space and can_delete_ml_space_aware_item/{jobType} replace
#        remove_job_from_current_space and can_delete_job. (models_spaces and update_models_spaces
#        were names on that PR's way, in no release.)
#   8.9  versioned routes (#156949): every route but sync moves to /internal;
#   8.18 can_sync_to_all_spaces[/{mlSavedObjectType}] (#202175);
#   9.3  update_jobs_spaces and update_trained_models_spaces public again under /api, the internal
#        ones kept ("[ML] Makes update space APIs public" #241109).
API_UNTIL_8_9 = {"/api": [((7, 11), (8, 9))], "/internal": [((8, 9), None)]}
ML_SAVED_OBJECT_ROUTES: dict[str, dict[str, list[tuple[tuple[int, ...], tuple[int, ...] | None]]]] = {
    "sync": {"/api": [((7, 11), None)]},
    "status": API_UNTIL_8_9,
    "initialize": API_UNTIL_8_9,
    "jobs_spaces": API_UNTIL_8_9,
    "assign_job_to_space": {"/api": [((7, 11), (7, 14))]},
    "remove_job_from_space": {"/api": [((7, 11), (7, 14))]},
    "remove_job_from_current_space": {"/api": [((7, 11), (8, 2))]},
    "can_delete_job": {"/api": [((7, 11), (8, 2))]},
    "update_jobs_spaces": {"/api": [((7, 14), (8, 9)), ((9, 3), None)], "/internal": [((8, 9), None)]},
    "sync_check": {"/api": [((7, 16), (8, 9))], "/internal": [((8, 9), None)]},
    "trained_models_spaces": {"/api": [((8, 2), (8, 9))], "/internal": [((8, 9), None)]},
    "update_trained_models_spaces": {"/api": [((8, 2), (8, 9)), ((9, 3), None)], "/internal": [((8, 9), None)]},
    "remove_item_from_current_space": {"/api": [((8, 2), (8, 9))], "/internal": [((8, 9), None)]},
    "can_delete_ml_space_aware_item": {"/api": [((8, 2), (8, 9))], "/internal": [((8, 9), None)]},
    "can_sync_to_all_spaces": {"/internal": [((8, 18), None)]},
}


def released_in(ranges: list[tuple[tuple[int, ...], tuple[int, ...] | None]]):
    """A route's ``available`` over several ranges of versions."""
    checks = [released(since, before) for since, before in ranges]

    def available(runtime) -> bool:
        return any(check(runtime) for check in checks)

    return available


def ml_route(method: str, name: str, tail: str, schema: str, authz: tuple[str, ...]):
    """Declares the handler on each path the table gives the route, in the versions it gives."""

    def register(handler):
        for base, ranges in ML_SAVED_OBJECT_ROUTES[name].items():
            rule = f"{base}/ml/saved_objects/{tail}"
            route(method, rule, schema, authz=authz, available=released_in(ranges))(handler)
        return handler

    return register


def _sides(call: KibanaCall):
    return call.state, call.runtime.store["elasticsearch"].ml


def _visible(call: KibanaCall) -> set[str] | None:
    """The spaces the caller sees (None: every space, as without security)."""
    return call.runtime.store["security"].visible_spaces(call.principal)


def _has(call: KibanaCall, privilege: str, space: str = "default") -> bool:
    """Whether the caller has the Kibana privilege in ``space`` ("*": in every space); anyone has
    every privilege without security."""
    if call.principal is None:
        return True
    return privilege in call.runtime.store["security"].kibana_privileges(call.principal, space)


def _may_share(call: KibanaCall, privilege: str):
    """The secure saved-objects client's share_to_space check: the ML feature's "all" in each space."""
    return lambda spaces: all(_has(call, privilege, s) for s in spaces)


def _known_keys(call: KibanaCall, body: dict, allowed: tuple[str, ...]) -> None:
    """A body key this version's schema does not have (the route's schema file takes every version's)."""
    for key in body:
        if key not in allowed:
            raise UnknownBodyKey(key, call.state.new_unknown_key_wording)


def _grouped(call: KibanaCall) -> bool:
    return call.state.version >= ml_sync.GROUPED_FORMAT_SINCE


@ml_route("GET", "sync", "sync", "ml.sync", CAN_SYNC)
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


@ml_route("GET", "status", "status", "ml.status", CAN_GET)
def ml_status(call: KibanaCall):
    return 200, ml_sync.status(*_sides(call), visible=_visible(call))


@ml_route("GET", "jobs_spaces", "jobs_spaces", "ml.jobs_spaces", CAN_GET[:2])
def ml_jobs_spaces(call: KibanaCall):
    return 200, ml_sync.jobs_spaces(*_sides(call), visible=_visible(call))


@ml_route("GET", "trained_models_spaces", "trained_models_spaces", "ml.trained_models_spaces", CAN_GET[2:])
def ml_trained_models_spaces(call: KibanaCall):
    return 200, ml_sync.trained_models_spaces(*_sides(call), visible=_visible(call))


@ml_route("GET", "initialize", "initialize", "ml.initialize", CAN_SYNC)
def ml_initialize(call: KibanaCall):
    kibana, ml = _sides(call)
    # The query schema is the sync's (syncJobObjects): addToAllSpaces from 8.18, and unused.
    if "addToAllSpaces" in call.query and kibana.version < ml_sync.ALL_SPACES_SINCE:
        raise UnknownQueryKey("addToAllSpaces", kibana.new_unknown_key_wording)
    return 200, ml_sync.initialize(kibana, ml, visible=_visible(call), simulate=call.query.get("simulate", False))


@ml_route("POST", "sync_check", "sync_check", "ml.sync_check", CAN_GET)
def ml_sync_check(call: KibanaCall):
    """Body ``{jobType?}`` before 8.2, ``{mlSavedObjectType?}`` after."""
    key = "mlSavedObjectType" if _grouped(call) else "jobType"
    _known_keys(call, call.body, (key,))
    return 200, {"result": ml_sync.sync_needed(*_sides(call), _visible(call), call.body.get(key))}


def _update_spaces(
    call: KibanaCall,
    so_type: str,
    item_type: str,
    ids: list[str],
    add: list[str],
    remove: list[str],
    skip_unknown: bool = False,
):
    privilege = "ml:canCreateTrainedModels" if so_type == "ml-trained-model" else "ml:canCreateJob"
    return ml_sync.update_spaces(
        call.state,
        so_type,
        item_type,
        ids,
        space=call.space,
        spaces_to_add=add,
        spaces_to_remove=remove,
        may_share=_may_share(call, privilege),
        skip_unknown=skip_unknown,
    )


@ml_route("POST", "update_jobs_spaces", "update_jobs_spaces", "ml.update_jobs_spaces", CAN_CREATE_JOBS)
def ml_update_jobs_spaces(call: KibanaCall):
    body = call.body
    return 200, _update_spaces(
        call, "ml-job", body["jobType"], body["jobIds"], body["spacesToAdd"], body["spacesToRemove"]
    )


@ml_route(
    "POST",
    "update_trained_models_spaces",
    "update_trained_models_spaces",
    "ml.update_trained_models_spaces",
    ("ml:canCreateTrainedModels",),
)
def ml_update_trained_models_spaces(call: KibanaCall):
    body = call.body
    return 200, _update_spaces(
        call, "ml-trained-model", "trained-model", body["modelIds"], body["spacesToAdd"], body["spacesToRemove"]
    )


@ml_route("POST", "assign_job_to_space", "assign_job_to_space", "ml.assign_job_to_space", CAN_CREATE_JOBS)
def ml_assign_job_to_space(call: KibanaCall):
    """7.11 to 7.13: service.ts assignJobsToSpaces, the spaces added."""
    body = call.body
    return 200, _update_spaces(call, "ml-job", body["jobType"], body["jobIds"], body["spaces"], [], skip_unknown=True)


@ml_route("POST", "remove_job_from_space", "remove_job_from_space", "ml.remove_job_from_space", CAN_CREATE_JOBS)
def ml_remove_job_from_space(call: KibanaCall):
    """7.11 to 7.13: service.ts removeJobsFromSpaces, the spaces taken away."""
    body = call.body
    return 200, _update_spaces(call, "ml-job", body["jobType"], body["jobIds"], [], body["spaces"], skip_unknown=True)


@ml_route(
    "POST",
    "remove_job_from_current_space",
    "remove_job_from_current_space",
    "ml.remove_job_from_current_space",
    CAN_CREATE_JOBS,
)
def ml_remove_job_from_current_space(call: KibanaCall):
    """7.11 to 8.1: ``{jobType, jobIds}`` out of the request's space."""
    body = call.body
    return 200, _update_spaces(call, "ml-job", body["jobType"], body["jobIds"], [], [call.space])


@ml_route(
    "POST",
    "remove_item_from_current_space",
    "remove_item_from_current_space",
    "ml.remove_item_from_current_space",
    CAN_SYNC,
)
def ml_remove_item_from_current_space(call: KibanaCall):
    """8.2 and later: ``{mlSavedObjectType, ids}`` out of the request's space."""
    item_type, ids = call.body["mlSavedObjectType"], call.body["ids"]
    so_type = "ml-trained-model" if item_type == "trained-model" else "ml-job"
    return 200, _update_spaces(call, so_type, item_type, ids, [], [call.space])


DELETE_PRIVILEGE = {
    "anomaly-detector": "ml:canDeleteJob",
    "data-frame-analytics": "ml:canDeleteDataFrameAnalytics",
    "trained-model": "ml:canDeleteTrainedModels",
}


def _can_delete(call: KibanaCall, item_type: str, ids: list[str]):
    global_privilege = "ml:canCreateTrainedModels" if item_type == "trained-model" else "ml:canCreateJob"
    return ml_sync.can_delete(
        call.state,
        item_type,
        ids,
        space=call.space,
        visible=_visible(call),
        may_delete=_has(call, DELETE_PRIVILEGE[item_type], call.space),
        can_create_globally=_has(call, global_privilege, "*"),
    )


@ml_route("POST", "can_delete_job", "can_delete_job/<jobType>", "ml.can_delete_job", CAN_GET[:2])
def ml_can_delete_job(call: KibanaCall):
    """7.11 to 8.1: ``{jobIds}`` of an AD or DFA job type."""
    return 200, _can_delete(call, call.path["jobType"], call.body["jobIds"])


@ml_route(
    "POST",
    "can_delete_ml_space_aware_item",
    "can_delete_ml_space_aware_item/<jobType>",
    "ml.can_delete_ml_space_aware_item",
    CAN_GET,
)
def ml_can_delete_ml_space_aware_item(call: KibanaCall):
    """8.2 and later: ``{ids}`` of a job type or ``trained-model``."""
    return 200, _can_delete(call, call.path["jobType"], call.body["ids"])


def _can_sync_to_all_spaces(call: KibanaCall):
    """service.ts canCreateGlobalMlSavedObjects: the type's creation in every space (no type: jobs
    and trained models both)."""
    item_type = call.path.get("mlSavedObjectType")
    jobs, models = _has(call, "ml:canCreateJob", "*"), _has(call, "ml:canCreateTrainedModels", "*")
    can_sync = (jobs and models) if item_type is None else (models if item_type == "trained-model" else jobs)
    return 200, {"canSync": can_sync}


ml_route("GET", "can_sync_to_all_spaces", "can_sync_to_all_spaces", "ml.can_sync_to_all_spaces", CAN_GET)(
    _can_sync_to_all_spaces
)
ml_route(
    "GET",
    "can_sync_to_all_spaces",
    "can_sync_to_all_spaces/<mlSavedObjectType>",
    "ml.can_sync_to_all_spaces",
    CAN_GET,
)(_can_sync_to_all_spaces)


# -- spaces -------------------------------------------------------------------------------------
# The spaces routes check nothing themselves; the secure spaces client does, with these messages.
def _manage(call: KibanaCall, verb: str) -> None:
    if not _has(call, "space:manage"):
        raise SpacesUnauthorized(verb)


@route("GET", "/api/spaces/space", "spaces.list")
def spaces_list(call: KibanaCall):
    spaces = [s for s in call.state.spaces.list() if _has(call, "login", s["id"])]
    if not spaces:
        raise Forbidden()
    return 200, spaces


@route("GET", "/api/spaces/space/<id>", "spaces.get")
def spaces_get(call: KibanaCall):
    if not _has(call, "login", call.path["id"]):
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
