"""Kibana's ML saved objects beside Elasticsearch's ML: the status of both sides, the sync, the
create-only initialize pass, and the spaces of jobs and trained models.

Facts from x-pack/plugins/ml/server/saved_objects/{sync,checks,service,util}.ts (from 8.18
x-pack/platform/plugins/shared/ml/server/saved_objects/), at the versions the routes' table in
routes.py names, and ../shared/specs/kibana-ml-sync.md. The comparison is between Elasticsearch's ML
jobs and models and Kibana's ``ml-job`` / ``ml-trained-model`` saved objects, as the requesting user's
saved-objects client sees them (``visible``: the spaces it may see, None for all).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..boom import BoomError, boom_body, phrase
from .errors import (
    CannotRemoveFromAllSpaces,
    JobNotFoundInSpace,
    TrainedModelNotFoundInSpace,
    UnableToBulkCreate,
    UnableToCreate,
    UnableToShare,
    UnknownQueryKey,
)
from .saved_objects import ALL_SPACES, JOB_TYPES, SavedObject, job_object_id
from .shared_objects import check_disjoint

if TYPE_CHECKING:
    from ..elasticsearch.ml import Ml
    from .state import KibanaState

SECTIONS = ("savedObjectsCreated", "savedObjectsDeleted", "datafeedsAdded", "datafeedsRemoved")
# The flat answers' items say their job type; the sync and initialize follow a datafeed whose id
# changed; initialize fills datafeed ids and sync_check exists ("[ML] Job sync usability
# improvements", elastic/kibana#112693).
TYPED_ITEMS_SINCE = (7, 16)
# Trained models have saved objects: grouped answers, status and initialize with models, item
# results of the spaces updates with their type and a text error (elastic/kibana#123487, #127438).
GROUPED_FORMAT_SINCE = (8, 2)
ALL_SPACES_SINCE = (8, 18)  # new objects in all spaces, addToAllSpaces (elastic/kibana#202175)
# updateJobsSpaces/updateTrainedModelsSpaces refuse to take an item out of its last space
# (elastic/kibana#276490, merged after 9.3; taken as 9.5). Before, core deletes the object.
LAST_SPACE_KEPT_SINCE = (9, 5)
DEFAULT_TRAINED_MODELS_PAGE_SIZE = 10000  # common/constants/trained_models.ts
DEFAULT_ANALYTICS_PAGE_SIZE = 100  # what Elasticsearch answers a GET without a size (PageParams.DEFAULT_SIZE)
ITEM_WORDS = {"ml-job": "job", "ml-trained-model": "trained model"}


class MlView:
    """Elasticsearch's ML side as Kibana reads it: the internal user's list calls with Kibana's own
    parameters (util.ts mlFunctionsFactory). ``getDataFrameAnalytics()`` sends no size, so Kibana
    sees Elasticsearch's default first 100; trained models are asked with size 10000."""

    def __init__(self, ml: Ml):
        # The ids those calls answer, in their order and pages, over the stored documents (read, never
        # written: only ids, datafeeds' job ids, create times and models' metadata are looked at).
        analytics_ids = ml.analytics.page_ids(None, size=DEFAULT_ANALYTICS_PAGE_SIZE)
        self.jobs = {
            "anomaly-detector": {job_id: ml.jobs.docs[job_id] for job_id in ml.jobs.expand(None, True)},
            "data-frame-analytics": {job_id: ml.analytics.docs[job_id] for job_id in analytics_ids},
        }
        self.datafeed_of_job: dict[str, str] = {}
        self.job_of_datafeed: dict[str, str] = {}
        for datafeed_id in sorted(ml.datafeeds.docs):  # datafeeds.find(d => d.job_id === jobId)
            job_id = ml.datafeeds.docs[datafeed_id]["job_id"]
            self.datafeed_of_job.setdefault(job_id, datafeed_id)
            self.job_of_datafeed[datafeed_id] = job_id
        _, model_ids = ml.models.expand(None, size=DEFAULT_TRAINED_MODELS_PAGE_SIZE)
        self.models = {model_id: ml.models.doc_of(model_id) for model_id in model_ids}

    def datafeed_exists(self, job_id: str, named: str | None, version: tuple[int, ...]) -> bool:
        """checks.ts datafeedExists: a datafeed of the job. Before 7.16 the object's own datafeed id,
        where it has one, had to be that datafeed: 7.x's sync test (sync.ts "should sync datafeeds and
        saved objects2") sees a datafeed recreated under another id removed by one sync and added by
        the next, which #112693 made one step."""
        if named and version < TYPED_ITEMS_SINCE:
            return self.job_of_datafeed.get(named) == job_id
        return job_id in self.datafeed_of_job

    def model_job(self, model_id: str) -> dict | None:
        """util.ts getJobDetailsFromTrainedModel: the DFA job named by ``metadata.analytics_config``
        (its ``id`` and ``create_time``, each only where the model has it), or None."""
        config = (self.models[model_id].get("metadata") or {}).get("analytics_config")
        if config is None:
            return None
        job = {"job_id": config.get("id"), "create_time": config.get("create_time")}
        return {k: v for k, v in job.items() if v is not None}


class Check:
    """checks.ts checkStatus, with what it read: the user's saved objects (every space it may see),
    everyone's (the internal client), and Elasticsearch's side."""

    def __init__(self, kibana: KibanaState, ml: Ml, visible: set[str] | None):
        self.version = kibana.version
        self.with_models = self.version >= GROUPED_FORMAT_SINCE
        self.view = view = MlView(ml)
        objects = kibana.saved_objects
        all_jobs = objects.jobs()
        all_models = objects.of_type("ml-trained-model") if self.with_models else []
        self.job_objects = [so for so in all_jobs if so.visible_in(visible)]
        self.model_objects = [so for so in all_models if so.visible_in(visible)]

        saved: dict[str, list] = {job_type: [] for job_type in JOB_TYPES}
        for so in self.job_objects:
            job_type, job_id = so.attributes["type"], so.attributes["job_id"]
            entry: dict[str, Any] = {"jobId": job_id, "type": job_type}
            checks = {"jobExists": job_id in view.jobs[job_type]}
            if job_type == "anomaly-detector":  # DFA entries have neither datafeed field
                entry["datafeedId"] = so.attributes.get("datafeed_id")
                checks["datafeedExists"] = view.datafeed_exists(job_id, entry["datafeedId"], self.version)
            saved[job_type].append({**entry, "namespaces": so.namespaces_seen_by(visible), "checks": checks})

        jobs: dict[str, list] = {job_type: [] for job_type in JOB_TYPES}
        for job_type in JOB_TYPES:
            seen = {so.attributes["job_id"] for so in self.job_objects if so.attributes["type"] == job_type}
            anywhere = {so.attributes["job_id"] for so in all_jobs if so.attributes["type"] == job_type}
            for job_id in view.jobs[job_type]:
                # only jobs in a space the user sees, or in no space at all
                if job_id in seen or job_id not in anywhere:
                    datafeed_id = view.datafeed_of_job.get(job_id) if job_type == "anomaly-detector" else None
                    jobs[job_type].append(
                        {"jobId": job_id, "datafeedId": datafeed_id, "checks": {"savedObjectExits": job_id in anywhere}}
                    )
        self.report: dict[str, Any] = {"savedObjects": saved, "jobs": jobs}
        if not self.with_models:
            return

        # A model's DFA job "exists" when a job of that id has the create_time the model names.
        dfa_create_times = {i: job.get("create_time") for i, job in view.jobs["data-frame-analytics"].items()}
        model_job_exists: dict[str, bool] = {}
        for model_id in view.models:
            job = view.model_job(model_id)
            if job and job.get("job_id") and job.get("create_time"):
                model_job_exists[model_id] = job["create_time"] == dfa_create_times.get(job["job_id"])
        saved["trained-model"] = [
            {
                "modelId": so.id,
                "namespaces": so.namespaces_seen_by(visible),
                "job": so.attributes.get("job"),
                "checks": {
                    "trainedModelExists": so.id in view.models,
                    "dfaJobExists": model_job_exists.get(so.id),
                },
            }
            for so in self.model_objects
        ]
        seen_models = {so.id for so in self.model_objects}
        everyone_models = {so.id: so for so in all_models}
        jobs["trained-model"] = []
        for model_id in view.models:
            if model_id not in seen_models and model_id in everyone_models:
                continue
            job = view.model_job(model_id)
            referenced = None
            if job is not None:
                so = everyone_models.get(model_id)
                so_job = (so.attributes.get("job") if so else None) or {}
                referenced = so_job.get("job_id") == job.get("job_id") and so_job.get("create_time") == job.get(
                    "create_time"
                )
            jobs["trained-model"].append(
                {
                    "modelId": model_id,
                    "checks": {"savedObjectExits": model_id in everyone_models, "dfaJobReferenced": referenced},
                }
            )


def status(kibana: KibanaState, ml: Ml, visible: set[str] | None = None) -> dict[str, Any]:
    """``GET status``: each side's view of the other; no trained models before 8.2."""
    return Check(kibana, ml, visible).report


def jobs_spaces(kibana: KibanaState, ml: Ml, visible: set[str] | None = None) -> dict[str, dict[str, list[str]]]:
    """``GET jobs_spaces``: the spaces of each job whose saved object the user sees and that exists."""
    saved = Check(kibana, ml, visible).report["savedObjects"]
    spaces: dict[str, dict[str, list[str]]] = {}
    for entry in saved["anomaly-detector"] + saved["data-frame-analytics"]:
        if entry["checks"]["jobExists"]:
            spaces.setdefault(entry["type"], {})[entry["jobId"]] = entry["namespaces"]
    return spaces


def trained_models_spaces(
    kibana: KibanaState, ml: Ml, visible: set[str] | None = None
) -> dict[str, dict[str, list[str]]]:
    """``GET trained_models_spaces`` (8.2 and later): the spaces of each model that exists."""
    saved = Check(kibana, ml, visible).report["savedObjects"]["trained-model"]
    return {"trainedModels": {e["modelId"]: e["namespaces"] for e in saved if e["checks"]["trainedModelExists"]}}


# -- sync ---------------------------------------------------------------------------------------
class Result:
    """The sync's answer, filled section by section; a type key appears only with an item in it.
    Flat (by job id) before 8.2, its items saying their type from 7.16."""

    def __init__(self, version: tuple[int, ...]):
        self.grouped = version >= GROUPED_FORMAT_SINCE
        self.typed = not self.grouped and version >= TYPED_ITEMS_SINCE
        self.body: dict[str, dict] = {section: {} for section in SECTIONS}

    def add(self, section: str, item_type: str, item_id: str, outcome: dict) -> None:
        target = self.body[section].setdefault(item_type, {}) if self.grouped else self.body[section]
        if self.typed:
            outcome = {"success": outcome["success"], "type": item_type, **outcome}
        target[item_id] = outcome


def attempt(action: Callable[[], None] | None) -> dict:
    """One item of the sync: its outcome, ``{"success": true}`` or the error it met."""
    if action is not None:
        try:
            action()
        except BoomError as error:
            return {"success": False, "error": boom_body(error)}
    return {"success": True}


def sync(
    kibana: KibanaState,
    ml: Ml,
    *,
    space: str,
    visible: set[str] | None,
    simulate: bool = False,
    add_to_all_spaces: bool | None = None,
) -> dict:
    """``GET [/s/{space}]/api/ml/saved_objects/sync``: creates the saved objects Elasticsearch's jobs
    and models lack, deletes those whose job or model is gone, and follows datafeed changes.

    ``visible``: the spaces the requesting user sees (None: all). ``simulate``: decide and report,
    write nothing. ``add_to_all_spaces``: the parameter as sent (None: not sent); before 8.18 the
    route's query schema had only ``simulate``.
    """
    version = kibana.version
    if add_to_all_spaces is not None and version < ALL_SPACES_SINCE:
        raise UnknownQueryKey("addToAllSpaces", kibana.new_unknown_key_wording)
    to_all = version >= ALL_SPACES_SINCE and add_to_all_spaces is not False
    check = Check(kibana, ml, visible)
    view, report = check.view, check.report
    objects = kibana.saved_objects
    result = Result(version)

    def write(action: Callable[[], None]) -> Callable[[], None] | None:
        return None if simulate else action

    def create(so_type: str, action: Callable[[], None], namespaces: list[str]) -> Callable[[], None] | None:
        """The user's saved-objects client refuses an object in spaces the user does not all see."""
        if visible is not None and not set(namespaces) <= visible:

            def refused() -> None:
                raise UnableToCreate(so_type)

            return write(refused)
        return write(action)

    # 1. Create what has no saved object in any space.
    for job_type in JOB_TYPES:
        for job in report["jobs"][job_type]:
            if job["checks"]["savedObjectExits"]:
                continue
            job_id, datafeed_id = job["jobId"], job["datafeedId"]
            namespaces = [ALL_SPACES] if to_all else [space]
            outcome = attempt(
                create(
                    "ml-job",
                    lambda t=job_type, j=job_id, d=datafeed_id, n=namespaces: objects.put(
                        "ml-job", job_object_id(t, j), {"job_id": j, "datafeed_id": d, "type": t}, n
                    ),
                    namespaces,
                )
            )
            result.add("savedObjectsCreated", job_type, job_id, outcome)
    for model in report["jobs"].get("trained-model", []):
        if model["checks"]["savedObjectExits"]:
            continue
        model_id = model["modelId"]
        job = view.model_job(model_id)
        namespaces = _model_spaces(objects, job, model_id, space, to_all, version)
        outcome = attempt(
            create(
                "ml-trained-model",
                lambda m=model_id, jb=job, n=namespaces: objects.put(
                    "ml-trained-model", m, {"model_id": m, "job": jb}, n
                ),
                namespaces,
            )
        )
        result.add("savedObjectsCreated", "trained-model", model_id, outcome)

    # 2. Delete what lost its job or model.
    for job_type in JOB_TYPES:
        for entry in report["savedObjects"][job_type]:
            if not entry["checks"]["jobExists"]:
                so_id = job_object_id(job_type, entry["jobId"])
                outcome = attempt(write(lambda i=so_id: objects.delete("ml-job", i)))
                result.add("savedObjectsDeleted", job_type, entry["jobId"], outcome)
    for entry in report["savedObjects"].get("trained-model", []):
        if not entry["checks"]["trainedModelExists"]:
            outcome = attempt(write(lambda i=entry["modelId"]: objects.delete("ml-trained-model", i)))
            result.add("savedObjectsDeleted", "trained-model", entry["modelId"], outcome)

    # 3 and 4. Follow the datafeeds: a new one (from 7.16 also one whose id changed), or one gone.
    listed = {job["jobId"]: job for job in report["jobs"]["anomaly-detector"]}
    for entry in report["savedObjects"]["anomaly-detector"]:
        job_id, checks = entry["jobId"], entry["checks"]
        so = objects.job("anomaly-detector", job_id)
        if checks["datafeedExists"] and _datafeed_to_add(entry, listed.get(job_id), version):
            datafeed_id = view.datafeed_of_job[job_id]
            outcome = attempt(write(lambda s=so, d=datafeed_id: s.attributes.update(datafeed_id=d)))
            result.add("datafeedsAdded", "anomaly-detector", job_id, outcome)
        elif checks["jobExists"] and not checks["datafeedExists"] and entry["datafeedId"] is not None:
            outcome = attempt(write(lambda s=so: s.attributes.update(datafeed_id=None)))
            result.add("datafeedsRemoved", "anomaly-detector", job_id, outcome)
    return result.body


def _datafeed_to_add(entry: dict, job: dict | None, version: tuple[int, ...]) -> bool:
    """An AD job object whose datafeed exists: its id missing from the object, or (7.16 and later)
    not the one Elasticsearch has for the job."""
    if entry["datafeedId"] is None:
        return True
    return version >= TYPED_ITEMS_SINCE and job is not None and job["datafeedId"] != entry["datafeedId"]


def _model_spaces(objects, job: dict | None, model_id: str, space: str, to_all: bool, version) -> list[str]:
    """Where a new trained model object goes: its DFA job's spaces if that job has an object; else
    all spaces (always for Elastic's own ``.`` models in the current line), or the request's space."""
    if job is not None and job.get("job_id") is not None:
        job_so = objects.job("data-frame-analytics", job["job_id"])
        if job_so is not None:
            return list(job_so.namespaces)
    if to_all or (model_id.startswith(".") and version >= ALL_SPACES_SINCE):
        return [ALL_SPACES]
    return [space]


def boomified(error: BoomError) -> dict:
    """``Boom.boomify(error)`` as JSON shows it: its enumerable fields (message and stack are not)."""
    payload = {"statusCode": error.status, "error": phrase(error.status), "message": error.message}
    return {
        "isBoom": True,
        "isServer": error.status >= 500,
        "data": None,
        "output": {"statusCode": error.status, "payload": payload, "headers": {}},
    }


def initialize(
    kibana: KibanaState, ml: Ml, *, visible: set[str] | None = None, simulate: bool = False
) -> dict[str, Any]:
    """``GET initialize``, and Kibana's own pass at start and hourly (sync.ts initSavedObjects):
    missing job objects in all spaces, datafeed ids filled (7.16 and later, also one that changed),
    missing model objects (8.2 and later) in their DFA job's spaces or all; nothing deleted, no
    datafeed id removed. The answer: ``jobs``, then ``datafeeds`` (7.16), ``trainedModels`` (8.2).

    The route's saved-objects client is the user's (``visible``: the spaces it sees, None: all): its
    bulk creates are refused whole when an object would be in a space the user does not see (all
    spaces, for a job). The steps run in order, jobs, datafeeds, models, and the first refusal ends
    them: ``success: false`` and the boomified error, what was done before listed (the route still
    answers 200)."""
    check = Check(kibana, ml, visible)
    version, view, report = check.version, check.view, check.report
    objects = kibana.saved_objects
    done: dict[str, Any] = {"jobs": []}
    if version >= TYPED_ITEMS_SINCE:
        done["datafeeds"] = []
    if check.with_models:
        done["trainedModels"] = []
    done["success"] = True
    missing_jobs = [
        (job_type, job)
        for job_type in JOB_TYPES
        for job in report["jobs"][job_type]
        if not job["checks"]["savedObjectExits"]
    ]
    datafeeds: list[tuple[str, str]] = []
    if "datafeeds" in done:
        listed = {job["jobId"]: job for job in report["jobs"]["anomaly-detector"]}
        for entry in report["savedObjects"]["anomaly-detector"]:
            datafeed_id = (listed.get(entry["jobId"]) or {}).get("datafeedId")
            if datafeed_id and entry["checks"]["datafeedExists"]:
                if _datafeed_to_add(entry, listed[entry["jobId"]], version):
                    datafeeds.append((entry["jobId"], datafeed_id))
    missing_models = [
        m["modelId"] for m in report["jobs"].get("trained-model", []) if not m["checks"]["savedObjectExits"]
    ]
    if simulate:
        done["jobs"] = [{"id": job["jobId"], "type": job_type} for job_type, job in missing_jobs]
        if "datafeeds" in done:
            done["datafeeds"] = [{"id": d, "type": "anomaly-detector"} for _, d in datafeeds]
        if "trainedModels" in done:
            done["trainedModels"] = [{"id": m} for m in missing_models]
        return done

    def may_create(namespaces: list[str]) -> bool:
        return visible is None or set(namespaces) <= visible

    try:
        if missing_jobs and not may_create([ALL_SPACES]):  # bulkCreateJobs
            raise UnableToBulkCreate("ml-job")
        for job_type, job in missing_jobs:
            attributes = {"job_id": job["jobId"], "datafeed_id": job["datafeedId"], "type": job_type}
            objects.put("ml-job", job_object_id(job_type, job["jobId"]), attributes, [ALL_SPACES])
            done["jobs"].append({"id": job["jobId"], "type": job_type})
        for job_id, datafeed_id in datafeeds:  # addDatafeed
            objects.job("anomaly-detector", job_id).attributes["datafeed_id"] = datafeed_id
            done["datafeeds"].append({"id": datafeed_id, "type": "anomaly-detector"})
        # bulkCreateTrainedModel: the spaces of a job object of that job id, else the fallback "*"
        job_spaces = {so.attributes["job_id"]: so.namespaces for so in objects.jobs()}
        models = []
        for model_id in missing_models:
            job = view.model_job(model_id)
            models.append((model_id, job, list((job and job_spaces.get(job.get("job_id"))) or [ALL_SPACES])))
        if not all(may_create(namespaces) for _, _, namespaces in models):
            raise UnableToBulkCreate("ml-trained-model")
        for model_id, job, namespaces in models:
            objects.put("ml-trained-model", model_id, {"model_id": model_id, "job": job}, namespaces)
            done["trainedModels"].append({"id": model_id})
    except BoomError as error:
        done["success"] = False
        done["error"] = boomified(error)
    return done


def sync_needed(kibana: KibanaState, ml: Ml, visible: set[str] | None, item_type: str | None) -> bool:
    """``POST sync_check`` (7.16 and later): whether initialize would do anything for that type."""
    pending = initialize(kibana, ml, visible=visible, simulate=True)
    jobs, models = pending["jobs"], pending.get("trainedModels", [])
    missing_jobs = bool(jobs) and (item_type is None or any(job["type"] == item_type for job in jobs))
    missing_models = bool(models) and item_type in (None, "trained-model")
    missing_datafeeds = bool(pending["datafeeds"]) and item_type != "data-frame-analytics"
    return missing_jobs or missing_models or missing_datafeeds


# -- spaces ---------------------------------------------------------------------------------------
def update_spaces(
    kibana: KibanaState,
    so_type: str,
    item_type: str,
    ids: list[str],
    *,
    space: str,
    spaces_to_add: list[str],
    spaces_to_remove: list[str],
    may_share: Callable[[set[str]], bool],
    skip_unknown: bool = False,
) -> dict[str, dict]:
    """service.ts updateJobsSpaces / updateTrainedModelsSpaces (7.14 and later; before, the
    assign_job_to_space and remove_job_from_space routes did the same with one list): each item's
    object in the request's space gets ``spaces_to_add`` and loses ``spaces_to_remove``.

    ``item_type``: the job type or ``trained-model``, which item results carry from 8.2.
    ``may_share``: whether the user may ``share_to_space`` this type in all the spaces given ("*":
    in every space). An item without an object in this space fails alone (``skip_unknown``: is left
    out, as 7.x's assignJobsToSpaces/removeJobsFromSpaces did); a refusal fails them all.
    """
    version = kibana.version
    if not ids or (not spaces_to_add and not spaces_to_remove):
        return {}
    objects = kibana.saved_objects
    everywhere = {_item_id(so): so for so in objects.of_type(so_type) if _is_item(so, item_type)}
    if not spaces_to_add and version >= LAST_SPACE_KEPT_SINCE:
        for item_id in ids:
            current = everywhere[item_id].namespaces if item_id in everywhere else []
            if current and all(s in spaces_to_remove for s in current):
                raise CannotRemoveFromAllSpaces(ITEM_WORDS[so_type], item_id)
    check_disjoint(spaces_to_add, spaces_to_remove)  # the saved objects client's own refusal
    typed = version >= GROUPED_FORMAT_SINCE
    extra = {"type": item_type} if typed else {}
    results: dict[str, dict] = {}
    found: list[tuple[str, SavedObject]] = []
    for item_id in ids:
        so = everywhere.get(item_id)
        if so is None or not so.in_space(space):
            if not skip_unknown:
                results[item_id] = {"success": False, **extra, "error": _no_such_item(so_type, item_id, typed)}
        else:
            found.append((item_id, so))
    if not may_share({space, *spaces_to_add, *spaces_to_remove}):
        refusal = boom_body(UnableToShare([so_type]))
        for item_id, _ in found:
            results[item_id] = {"success": False, **extra, "error": refusal}
        return results
    for item_id, so in found:
        # core's updateObjectsSpaces (getNewSpacesArray): kept spaces in order, then the new ones
        kept = [n for n in so.namespaces if n not in spaces_to_remove]
        so.namespaces = kept + [n for n in dict.fromkeys(spaces_to_add) if n not in kept]
        if not so.namespaces:  # an object in no space is deleted
            objects.delete(so.type, so.id)
        results[item_id] = {"success": True, **extra}
    return results


def _item_id(so: SavedObject) -> str:
    return so.attributes["job_id"] if so.type == "ml-job" else so.id


def _is_item(so: SavedObject, item_type: str) -> bool:
    return so.type != "ml-job" or so.attributes.get("type") == item_type


def _no_such_item(so_type: str, item_id: str, text: bool) -> Any:
    """service.ts createJobError / createTrainedModelError: a text from 8.2, before an object."""
    missing = JobNotFoundInSpace([item_id]) if so_type == "ml-job" else TrainedModelNotFoundInSpace(item_id)
    reason = missing.message
    return reason if text else {"error": {"reason": reason}, "status": 404}


def can_delete(
    kibana: KibanaState,
    item_type: str,
    ids: list[str],
    *,
    space: str,
    visible: set[str] | None,
    may_delete: bool,
    can_create_globally: bool,
) -> dict[str, dict[str, bool]]:
    """checks.ts canDeleteMLSpaceAwareItems (canDeleteJobs before 8.2): whether the user may delete
    each item or only take it out of the request's space, as the UI offers it. ``may_delete``: the
    user's ML capability to delete this type here; ``can_create_globally``: to create it in ``*``."""
    if not may_delete:
        return {item_id: {"canDelete": False, "canRemoveFromSpace": False} for item_id in ids}
    so_type = "ml-trained-model" if item_type == "trained-model" else "ml-job"
    here = {
        _item_id(so): so
        for so in kibana.saved_objects.of_type(so_type)
        if _is_item(so, item_type) and so.in_space(space)
    }
    results: dict[str, dict[str, bool]] = {}
    for item_id in ids:
        so = here.get(item_id)
        if so is None:
            results[item_id] = {"canDelete": False, "canRemoveFromSpace": False}
            continue
        namespaces = so.namespaces_seen_by(visible)
        if ALL_SPACES in namespaces:  # in every space: deleting needs the user to see every space
            results[item_id] = {"canDelete": can_create_globally, "canRemoveFromSpace": False}
        else:
            results[item_id] = {"canDelete": "?" not in namespaces, "canRemoveFromSpace": len(namespaces) > 1}
    return results


__all__ = [
    "sync",
    "status",
    "jobs_spaces",
    "trained_models_spaces",
    "initialize",
    "sync_needed",
    "update_spaces",
    "can_delete",
    "SavedObject",
]
