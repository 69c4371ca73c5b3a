"""Kibana's ML saved-object sync, and the read-side views of the same comparison.

Facts from x-pack/platform/plugins/shared/ml/server/saved_objects/{sync,checks,service}.ts
(../shared/specs/kibana-ml-sync.md §2–§4, §7). The comparison is between Elasticsearch's ML jobs
and models and Kibana's ``ml-job`` / ``ml-trained-model`` saved objects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..boom import BoomError, boom_body
from .errors import UnableToCreate, UnknownQueryKey
from .saved_objects import ALL_SPACES, JOB_TYPES, SavedObject, job_object_id

if TYPE_CHECKING:
    from ..elasticsearch.ml import Ml
    from .state import KibanaState

SECTIONS = ("savedObjectsCreated", "savedObjectsDeleted", "datafeedsAdded", "datafeedsRemoved")
GROUPED_FORMAT_SINCE = (8, 2)  # grouped by type, trained models included (elastic/kibana#123487)
ALL_SPACES_SINCE = (8, 18)  # new objects in all spaces, addToAllSpaces (elastic/kibana#202175)


class MlView:
    """Elasticsearch's ML side as the sync reads it (the internal user's lists)."""

    def __init__(self, ml):
        self.jobs = {"anomaly-detector": dict(ml.jobs.docs), "data-frame-analytics": dict(ml.analytics.docs)}
        self.datafeed_of_job = {df["job_id"]: df_id for df_id, df in ml.datafeeds.docs.items()}
        self.models = dict(ml.models.all_docs())

    def model_job(self, model_id: str) -> dict | None:
        """The DFA job a model came from (``metadata.analytics_config``), or None."""
        config = (self.models[model_id].get("metadata") or {}).get("analytics_config")
        if not config or "id" not in config:
            return None
        return {"job_id": config["id"], "create_time": config.get("create_time")}


class Result:
    """The sync's answer, filled section by section; a type key appears only with an item in it."""

    def __init__(self, grouped: bool):
        self.grouped = grouped
        self.body: dict[str, dict] = {section: {} for section in SECTIONS}

    def add(self, section: str, so_type: str, item_id: str, outcome: dict) -> None:
        target = self.body[section].setdefault(so_type, {}) if self.grouped else self.body[section]
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
    grouped = version >= GROUPED_FORMAT_SINCE
    to_all = version >= ALL_SPACES_SINCE and add_to_all_spaces is not False
    view = MlView(ml)
    objects = kibana.saved_objects
    result = Result(grouped)
    visible_jobs = [so for so in objects.jobs() if so.visible_in(visible)]
    visible_models = [so for so in objects.of_type("ml-trained-model") if so.visible_in(visible)]

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
        for job_id in view.jobs[job_type]:
            if objects.job(job_type, job_id) is None:
                datafeed_id = view.datafeed_of_job.get(job_id) if job_type == "anomaly-detector" else None
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
    if grouped:
        for model_id in view.models:
            if objects.get("ml-trained-model", model_id) is None:
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
    for so in visible_jobs:
        job_type, job_id = so.attributes["type"], so.attributes["job_id"]
        if job_id not in view.jobs.get(job_type, {}):
            result.add(
                "savedObjectsDeleted", job_type, job_id, attempt(write(lambda s=so: objects.delete(s.type, s.id)))
            )
    if grouped:
        for so in visible_models:
            if so.id not in view.models:
                result.add(
                    "savedObjectsDeleted",
                    "trained-model",
                    so.id,
                    attempt(write(lambda s=so: objects.delete(s.type, s.id))),
                )

    # 3 and 4. Follow the datafeeds of the jobs that are still there.
    for so in visible_jobs:
        job_id = so.attributes["job_id"]
        if so.attributes["type"] != "anomaly-detector" or job_id not in view.jobs["anomaly-detector"]:
            continue
        datafeed_id = view.datafeed_of_job.get(job_id)
        if datafeed_id is not None and so.attributes.get("datafeed_id") != datafeed_id:
            outcome = attempt(write(lambda s=so, d=datafeed_id: s.attributes.update(datafeed_id=d)))
            result.add("datafeedsAdded", "anomaly-detector", job_id, outcome)
        elif datafeed_id is None and so.attributes.get("datafeed_id"):
            outcome = attempt(write(lambda s=so: s.attributes.update(datafeed_id=None)))
            result.add("datafeedsRemoved", "anomaly-detector", job_id, outcome)
    return result.body


def _model_spaces(objects, job: dict | None, model_id: str, space: str, to_all: bool, version) -> list[str]:
    """Where a new trained model object goes: its DFA job's spaces if that job has an object; else
    all spaces (always for Elastic's own ``.`` models in the current line), or the request's space."""
    if job is not None:
        job_so = objects.job("data-frame-analytics", job["job_id"])
        if job_so is not None:
            return list(job_so.namespaces)
    if to_all or (model_id.startswith(".") and version >= ALL_SPACES_SINCE):
        return [ALL_SPACES]
    return [space]


def status(kibana: KibanaState, ml: Ml, visible: set[str] | None) -> dict[str, Any]:
    """``GET /internal/ml/saved_objects/status``: each side's view of the other (checks.ts)."""
    view = MlView(ml)
    objects = kibana.saved_objects
    saved: dict[str, list] = {"anomaly-detector": [], "data-frame-analytics": [], "trained-model": []}
    jobs: dict[str, list] = {"anomaly-detector": [], "data-frame-analytics": [], "trained-model": []}
    for so in objects.jobs():
        if not so.visible_in(visible):
            continue
        job_type, job_id = so.attributes["type"], so.attributes["job_id"]
        entry: dict[str, Any] = {"jobId": job_id, "type": job_type}
        checks = {"jobExists": job_id in view.jobs.get(job_type, {})}
        if job_type == "anomaly-detector":  # DFA entries have neither datafeed field
            entry["datafeedId"] = so.attributes.get("datafeed_id")
            checks["datafeedExists"] = job_id in view.datafeed_of_job
        saved[job_type].append({**entry, "namespaces": list(so.namespaces), "checks": checks})
    for so in objects.of_type("ml-trained-model"):
        if not so.visible_in(visible):
            continue
        job = so.attributes.get("job")
        saved["trained-model"].append(
            {
                "modelId": so.id,
                "namespaces": list(so.namespaces),
                "job": job,
                "checks": {
                    "trainedModelExists": so.id in view.models,
                    "dfaJobExists": bool(job) and job["job_id"] in view.jobs["data-frame-analytics"],
                },
            }
        )
    for job_type in JOB_TYPES:
        for job_id in view.jobs[job_type]:
            so = objects.job(job_type, job_id)
            if so is not None and not so.visible_in(visible):
                continue
            entry = {
                "jobId": job_id,
                "datafeedId": view.datafeed_of_job.get(job_id) if job_type == "anomaly-detector" else None,
                "checks": {"savedObjectExits": so is not None},
            }
            jobs[job_type].append(entry)
    for model_id in view.models:
        so = objects.get("ml-trained-model", model_id)
        if so is not None and not so.visible_in(visible):
            continue
        jobs["trained-model"].append(
            {
                "modelId": model_id,
                "checks": {
                    "savedObjectExits": so is not None,
                    "dfaJobReferenced": view.model_job(model_id) is not None,
                },
            }
        )
    return {"savedObjects": saved, "jobs": jobs}


def jobs_spaces(kibana: KibanaState, ml: Ml, visible: set[str] | None = None) -> dict[str, dict[str, list[str]]]:
    """``GET /internal/ml/saved_objects/jobs_spaces``: the spaces of each job that exists."""
    view = MlView(ml)
    spaces: dict[str, dict[str, list[str]]] = {}
    for so in kibana.saved_objects.jobs():
        if not so.visible_in(visible):
            continue
        job_type, job_id = so.attributes["type"], so.attributes["job_id"]
        if job_id in view.jobs.get(job_type, {}):
            spaces.setdefault(job_type, {})[job_id] = list(so.namespaces)
    return spaces


def trained_models_spaces(
    kibana: KibanaState, ml: Ml, visible: set[str] | None = None
) -> dict[str, dict[str, list[str]]]:
    view = MlView(ml)
    return {
        "trainedModels": {
            so.id: list(so.namespaces)
            for so in kibana.saved_objects.of_type("ml-trained-model")
            if so.id in view.models and so.visible_in(visible)
        }
    }


def initialize(kibana: KibanaState, ml: Ml, *, simulate: bool = False) -> dict[str, Any]:
    """Kibana's create-only pass (at start, and hourly): missing objects in all spaces, missing
    datafeed ids filled; nothing deleted, no datafeed id removed."""
    view = MlView(ml)
    objects = kibana.saved_objects
    done: dict[str, Any] = {"jobs": [], "datafeeds": [], "trainedModels": [], "success": True}
    for job_type in JOB_TYPES:
        for job_id in view.jobs[job_type]:
            if objects.job(job_type, job_id) is None:
                datafeed_id = view.datafeed_of_job.get(job_id) if job_type == "anomaly-detector" else None
                if not simulate:
                    objects.put(
                        "ml-job",
                        job_object_id(job_type, job_id),
                        {"job_id": job_id, "datafeed_id": datafeed_id, "type": job_type},
                        [ALL_SPACES],
                    )
                done["jobs"].append({"id": job_id, "type": job_type})
    for so in objects.jobs("anomaly-detector"):
        datafeed_id = view.datafeed_of_job.get(so.attributes["job_id"])
        if datafeed_id is not None and not so.attributes.get("datafeed_id"):
            if not simulate:
                so.attributes["datafeed_id"] = datafeed_id
            done["datafeeds"].append({"id": datafeed_id, "type": "anomaly-detector"})
    for model_id in view.models:
        if objects.get("ml-trained-model", model_id) is None:
            job = view.model_job(model_id)
            namespaces = _model_spaces(objects, job, model_id, "default", True, kibana.version)
            if not simulate:
                objects.put("ml-trained-model", model_id, {"model_id": model_id, "job": job}, namespaces)
            done["trainedModels"].append({"id": model_id})
    return done


__all__ = ["sync", "status", "jobs_spaces", "trained_models_spaces", "initialize", "SavedObject"]
