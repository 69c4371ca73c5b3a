"""What Kibana's ML routes that create and delete ML objects do: Elasticsearch first (through the Ml
model, as Kibana's ML client does), then the ML saved object in the request's space, so that no sync
is needed after.

Facts from x-pack/platform/plugins/shared/ml/server: lib/ml_client/ml_client.ts (which call checks the
space's saved objects, which writes them), saved_objects/service.ts (``_createJob``, ``addDatafeed``,
``deleteDatafeed``, ``_createTrainedModel``, the "No known ..." messages), client/error_wrapper.ts
(``wrapError``) and routes/{anomaly_detectors,datafeeds,data_frame_analytics,trained_models}.ts.

What the ML client leaves as it is: deleting an anomaly detection job, a data frame analytics job or a
trained model keeps its saved object ("the real job will not be deleted initially and could still
fail", ml_client.ts); the next sync removes it. Deleting a datafeed clears the job object's
``datafeed_id`` at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ..boom import BoomError
from ..elasticsearch.errors import ElasticsearchError
from .errors import (
    DatafeedNotFoundInSpace,
    DataViewsNotModelled,
    ElasticsearchRefused,
    Forbidden,
    JobNotFoundInSpace,
    JobOrGroupNotFound,
    MlObjectNotFound,
    ModelNotFoundInSpace,
    NoJobObjectForDatafeed,
)
from .ml_sync import DEFAULT_TRAINED_MODELS_PAGE_SIZE, MlView, boomified
from .saved_objects import SavedObject, job_object_id

if TYPE_CHECKING:
    from ..elasticsearch.ml import Ml
    from ..security import Principal
    from .saved_objects import MlSavedObjects

AD, DFA = "anomaly-detector", "data-frame-analytics"


@contextmanager
def elasticsearch() -> Iterator[None]:
    """A call to Elasticsearch: its refusal comes back as the ML route's ``wrapError`` shows it."""
    try:
        yield
    except ElasticsearchError as error:
        raise ElasticsearchRefused(error) from None


def wrapped_error(error: BoomError) -> dict:
    """``wrapError(e)`` itself, as the data frame analytics put route lists it in its answer:
    ``{body: {message, attributes?}, headers, statusCode}``. The message is the Boom-ified error
    object; the mock writes its Boom ``output`` (the client's request diagnostics it cannot know)."""
    body: dict[str, Any] = {"message": boomified(error)}
    if error.status != 500 and isinstance(error, ElasticsearchRefused):
        body["attributes"] = {"body": error.es_body}
    return {"body": body, "headers": {}, "statusCode": error.status}


def _ids(expression: str) -> list[str]:
    """getADJobIdsFromRequest and friends: a comma-separated id list."""
    return expression.split(",")


def _missing(ids: list[str], known: list[str], allow_wildcards: bool = False) -> list[str]:
    """filterJobIdsForSpace's complement: the ids the space's objects do not know (a wildcard, where
    allowed, is never reported, whatever it matches)."""
    return [i for i in ids if i not in known and not (allow_wildcards and "*" in i)]


def _job_or_group_missing(reason: str) -> MlObjectNotFound:
    """formatJobNotFoundError: Elasticsearch's "No known job with id" as the ML client words it."""
    match = re.search(r"No known job with id '([^']+)'", reason)
    if not match:
        return MlObjectNotFound(reason)
    return JobOrGroupNotFound(match.group(1).split(","))


def _inference_model_ids(pipeline: dict) -> list[str]:
    """models_provider.ts getModelsPipelines: the ``inference.model_id`` of a pipeline's top-level
    processors."""
    return [
        p["inference"].get("model_id")
        for p in pipeline.get("processors") or []
        if isinstance(p, dict) and isinstance(p.get("inference"), dict)
    ]


class MlObjects:
    """Kibana's ML client over one request: the cluster's ML, the saved objects, the request's space,
    and the user the creating calls act as. ``getMlClient`` sends the job, datafeed and data frame
    analytics puts with the user's credentials as secondary authorization (``es-secondary-
    authorization``, getAuthorizationHeader; before, asCurrentUser), so Elasticsearch keeps the
    user's roles with a datafeed or an analytics job and checks the user's index privileges; the
    reads and a trained model's put are the internal user's. ``principal``: that user (None when
    security is off); ``holds(privilege, index)``: whether its roles grant an index privilege."""

    def __init__(
        self,
        objects: MlSavedObjects,
        ml: Ml,
        space: str,
        principal: Principal | None = None,
        holds: Callable[[str, str], bool] | None = None,
    ):
        self.objects = objects
        self.ml = ml
        self.space = space
        self.principal = principal
        self.holds = holds

    # -- the space's saved objects ------------------------------------------------------------------
    def space_jobs(self, job_type: str) -> list[SavedObject]:
        return [so for so in self.objects.jobs(job_type) if so.visible_in({self.space})]

    def check_jobs(self, job_type: str, expression: str, allow_wildcards: bool = False) -> None:
        """jobIdsCheck: every id must be a job the space's saved objects know."""
        known = [so.attributes["job_id"] for so in self.space_jobs(job_type)]
        missing = _missing(_ids(expression), known, allow_wildcards)
        if missing:
            raise JobNotFoundInSpace(missing)

    def check_datafeeds(self, expression: str) -> None:
        known = [so.attributes.get("datafeed_id") for so in self.space_jobs(AD)]
        missing = _missing(_ids(expression), known)
        if missing:
            raise DatafeedNotFoundInSpace(missing)

    def space_model_ids(self) -> list[str]:
        return [so.id for so in self.objects.of_type("ml-trained-model") if so.visible_in({self.space})]

    def check_models(self, expression: str, allow_wildcards: bool = False) -> None:
        """modelIdsCheck (``_all`` is no id)."""
        ids = _ids(expression)
        # filterAll: _all alone is everything
        missing = _missing([] if ids == ["_all"] else ids, self.space_model_ids(), allow_wildcards)
        if missing:
            raise ModelNotFoundInSpace(missing)

    def get_jobs(self, expression: str | None) -> dict:
        """``GET /internal/ml/anomaly_detectors[/{jobId}]``: Elasticsearch's jobs that have an object in
        this space; a requested group none of them is in, or a job of another space, is 404; so is
        Elasticsearch's own 404, in the ML client's words (formatJobNotFoundError)."""
        try:
            found = self.ml.jobs.get(expression)["jobs"]
        except ElasticsearchError as error:
            if error.status != 404:
                raise ElasticsearchRefused(error) from None
            raise _job_or_group_missing(error.reason) from None
        jobs = self._of_space(found)
        if expression:
            self._check_groups(expression, found, jobs)
        return {"count": len(jobs), "jobs": jobs}

    def get_job_stats(self, expression: str | None) -> dict:
        """``GET /internal/ml/anomaly_detectors[/{jobId}]/_stats`` (getJobStats): Elasticsearch's stats
        of this space's jobs; its 404 passes on in its own words; requested ids (``_all`` aside) are
        checked as the jobs GET checks them (groupIdsCheckFromJobStats, which reads the jobs)."""
        try:
            found = self.ml.jobs.stats(expression)
        except ElasticsearchError as error:
            if error.status != 404:
                raise ElasticsearchRefused(error) from None
            raise MlObjectNotFound(error.reason) from None
        jobs = self._of_space(found["jobs"])
        if expression and _ids(expression) != ["_all"]:
            with elasticsearch():
                all_jobs = self.ml.jobs.get(expression)["jobs"]
            self._check_groups(expression, all_jobs, self._of_space(all_jobs))
        return {**found, "count": len(jobs), "jobs": jobs}

    def _of_space(self, jobs: list[dict]) -> list[dict]:
        """filterJobsForSpace: the AD jobs (configs or stats) whose object is in this space."""
        space_ids = {so.attributes["job_id"] for so in self.space_jobs(AD)}
        return [j for j in jobs if j["job_id"] in space_ids]

    def _check_groups(self, expression: str, found: list[dict], jobs: list[dict]) -> None:
        """groupIdsCheck: a requested group none of the space's jobs is in is unknown; the other ids
        must be the space's jobs (wildcards allowed)."""
        all_groups = {g for j in found for g in j.get("groups") or []}
        space_groups = {g for j in jobs for g in j.get("groups") or []}
        requested = _ids(expression)
        unmatched = [i for i in requested if i in all_groups and i not in space_groups]
        if unmatched:
            raise JobNotFoundInSpace(unmatched)
        job_ids = [i for i in requested if i not in all_groups]
        if job_ids:
            self.check_jobs(AD, ",".join(job_ids), allow_wildcards=True)

    # -- reading datafeeds, analytics stats and trained models ------------------------------------------
    def _space_datafeed_ids(self) -> set[str]:
        """filterDatafeedIdsForSpace: the datafeed ids this space's job objects name (a datafeed made
        with its job is named there by the next sync only)."""
        return {so.attributes.get("datafeed_id") for so in self.space_jobs(AD)} - {None}

    def get_datafeeds(self, expression: str | None, stats: bool = False) -> dict:
        """``GET /internal/ml/datafeeds[/{datafeedId}]`` and ``.../_stats`` (getDatafeeds,
        getDatafeedStats): the ids must be this space's (wildcards allowed); Elasticsearch's answer
        keeps this space's datafeeds; its 404 passes on in its own words."""
        if expression:
            missing = _missing(_ids(expression), list(self._space_datafeed_ids()), allow_wildcards=True)
            if missing:
                raise DatafeedNotFoundInSpace(missing)
        try:
            found = self.ml.datafeeds.stats(expression) if stats else self.ml.datafeeds.get(expression)
        except ElasticsearchError as error:
            if error.status != 404:
                raise ElasticsearchRefused(error) from None
            raise MlObjectNotFound(error.reason) from None
        known = self._space_datafeed_ids()
        datafeeds = [d for d in found["datafeeds"] if d["datafeed_id"] in known]
        return {**found, "count": len(datafeeds), "datafeeds": datafeeds}

    def get_analytics_stats(self, expression: str | None) -> dict:
        """``GET /internal/ml/data_frame/analytics[/{analyticsId}]/_stats``: the list asks for 1000,
        one by id Elasticsearch's default page; this space's jobs only."""
        if expression:
            self.check_jobs(DFA, expression, allow_wildcards=True)
        try:
            found = self.ml.analytics.stats(expression, size=100 if expression else 1000)
        except ElasticsearchError as error:
            if error.status != 404:
                raise ElasticsearchRefused(error) from None
            raise MlObjectNotFound(error.reason) from None
        space_ids = {so.attributes["job_id"] for so in self.space_jobs(DFA)}
        jobs = [j for j in found["data_frame_analytics"] if j["id"] in space_ids]
        return {**found, "count": len(jobs), "data_frame_analytics": jobs}

    def get_models(
        self,
        expression: str | None,
        include: str | None,
        size: int = DEFAULT_TRAINED_MODELS_PAGE_SIZE,
        pipelines: dict[str, dict] | None = None,
    ) -> list[dict]:
        """``GET /internal/ml/trained_models[/{modelId}]``: the ids must be this space's (wildcards
        allowed); Elasticsearch asked for ``size`` configs with the query's ``include``; the answer is
        the list of this space's configs (filterForEnabledFeatureModels keeps all: every ML feature
        is on). ``pipelines``: the cluster's ingest pipelines when ``with_pipelines`` asks (before
        8.18): each config gets the pipelines that name it, an alias or a deployment of it."""
        if expression:
            self.check_models(expression, allow_wildcards=True)
        try:
            found = self.ml.models.get(expression, size=size, include=include.split(",") if include else None)
        except ElasticsearchError as error:
            if error.status != 404:
                raise ElasticsearchRefused(error) from None
            raise MlObjectNotFound(error.reason) from None
        known = set(self.space_model_ids())
        models = [m for m in found["trained_model_configs"] if m["model_id"] in known]
        if pipelines is not None:
            for model in models:
                names = [
                    model["model_id"],
                    *(model.get("metadata") or {}).get("model_aliases", []),
                    *self.ml.models.deployments.of_model(model["model_id"]),
                ]
                model["pipelines"] = {
                    pipeline_id: definition
                    for name in names
                    for pipeline_id, definition in pipelines.items()
                    if name in _inference_model_ids(definition)
                }
        return models

    def get_model_stats(self, expression: str | None, size: int, pipelines: dict[str, dict]) -> dict:
        """``GET /internal/ml/trained_models[/{modelId}]/_stats`` (getTrainedModelsStats): the ids must
        be this space's (wildcards allowed); Elasticsearch's entries of this space's models, counted
        (an entry per deployment)."""
        if expression:
            self.check_models(expression, allow_wildcards=True)
        try:
            found = self.ml.models.stats(expression, size=size, pipelines=pipelines)
        except ElasticsearchError as error:
            if error.status != 404:
                raise ElasticsearchRefused(error) from None
            raise MlObjectNotFound(error.reason) from None
        known = set(self.space_model_ids())
        entries = [m for m in found["trained_model_stats"] if m["model_id"] in known]
        return {**found, "count": len(entries), "trained_model_stats": entries}

    def get_analytics(self, expression: str | None, size: int | None, exclude_generated: bool = False) -> dict:
        """``GET /internal/ml/data_frame/analytics[/{analyticsId}]``: Elasticsearch's jobs that have an
        object in this space. The list asks for ``size`` (1000 unless given) and nothing else; one by
        id asks Elasticsearch's default page, with ``exclude_generated`` when ``excludeGenerated``."""
        if expression:
            self.check_jobs(DFA, expression, allow_wildcards=True)
        try:
            if expression:
                found = self.ml.analytics.get(expression, exclude_generated=exclude_generated)
            else:
                found = self.ml.analytics.get(None, size=size if size is not None else 1000)
        except ElasticsearchError as error:
            if error.status != 404:
                raise ElasticsearchRefused(error) from None
            raise MlObjectNotFound(error.reason) from None
        space_ids = {so.attributes["job_id"] for so in self.space_jobs(DFA)}
        jobs = [j for j in found["data_frame_analytics"] if j["id"] in space_ids]
        return {**found, "count": len(jobs), "data_frame_analytics": jobs}

    def _create_job_object(self, job_type: str, job_id: str) -> None:
        """service.ts ``_createJob``: a left-over object of the same id goes first, whatever its
        spaces; the new one is in the request's space only, with no datafeed."""
        self.objects.delete("ml-job", job_object_id(job_type, job_id))
        self.objects.put(
            "ml-job",
            job_object_id(job_type, job_id),
            {"job_id": job_id, "datafeed_id": None, "type": job_type},
            [self.space],
        )

    # -- anomaly detection jobs -------------------------------------------------------------------
    def put_job(self, job_id: str, body: dict) -> dict:
        """``PUT /internal/ml/anomaly_detectors/{jobId}``: the job (and the datafeed its body carries) in
        Elasticsearch, then its saved object, which names no datafeed (putJob passes none)."""
        with elasticsearch():
            created = self.ml.jobs.put(job_id, body, principal=self.principal)
        self._create_job_object(AD, job_id)
        return created

    def delete_job(self, job_id: str, force: bool | None) -> dict:
        """``DELETE /internal/ml/anomaly_detectors/{jobId}``: asked with ``wait_for_completion=false``,
        Elasticsearch answers the task that deletes (RestDeleteJobAction); the object stays."""
        self.check_jobs(AD, job_id)
        with elasticsearch():
            return self.ml.jobs.delete(job_id, force=bool(force), wait_for_completion=False)

    # -- datafeeds --------------------------------------------------------------------------------
    def put_datafeed(self, datafeed_id: str, body: dict) -> dict:
        """``PUT /internal/ml/datafeeds/{datafeedId}``: the datafeed in Elasticsearch, then its id on
        the job's object; a job with no object in this space leaves the datafeed made and answers 404
        (service.ts ``addDatafeed``)."""
        with elasticsearch():
            created = self.ml.datafeeds.put(datafeed_id, body, principal=self.principal)
        job_id = body.get("job_id")
        if job_id is not None:
            job = next((so for so in self.space_jobs(AD) if so.attributes["job_id"] == job_id), None)
            if job is None:
                raise NoJobObjectForDatafeed(datafeed_id)
            job.attributes["datafeed_id"] = datafeed_id
        return created

    def delete_datafeed(self, datafeed_id: str, force: bool | None) -> dict:
        """``DELETE /internal/ml/datafeeds/{datafeedId}``: gone from Elasticsearch, and from its job's
        object (``datafeed_id`` null)."""
        self.check_datafeeds(datafeed_id)
        with elasticsearch():
            self.ml.datafeeds.delete(datafeed_id, force=bool(force))
        first = _ids(datafeed_id)[0]
        job = next((so for so in self.space_jobs(AD) if so.attributes.get("datafeed_id") == first), None)
        if job is None:
            raise NoJobObjectForDatafeed(first)
        job.attributes["datafeed_id"] = None
        return {"acknowledged": True}

    # -- data frame analytics ---------------------------------------------------------------------
    def put_analytics(self, analytics_id: str, body: dict, create_data_view: bool) -> dict:
        """``PUT /internal/ml/data_frame/analytics/{analyticsId}``: always 200, the outcome listed."""
        if create_data_view:
            raise DataViewsNotModelled()
        answer: dict[str, list] = {
            "dataFrameAnalyticsJobsCreated": [],
            "dataFrameAnalyticsJobsErrors": [],
            "dataViewsCreated": [],
            "dataViewsErrors": [],
        }
        try:
            with elasticsearch():
                self.ml.analytics.put(analytics_id, body, principal=self.principal, holds=self.holds)
            self._create_job_object(DFA, analytics_id)
            answer["dataFrameAnalyticsJobsCreated"].append({"id": analytics_id})
        except BoomError as error:
            answer["dataFrameAnalyticsJobsErrors"].append({"id": analytics_id, "error": wrapped_error(error)})
        return answer

    def delete_analytics(
        self,
        analytics_id: str,
        *,
        delete_dest_index: bool,
        delete_dest_data_view: bool,
        force: bool | None,
        may_delete_index: Callable[[str], bool],
    ) -> dict:
        """``DELETE /internal/ml/data_frame/analytics/{analyticsId}``: the job must be this space's and
        exist; then its destination index (behind an alias, the index it names), when asked and the
        user may (else a bare 403); a data view of that name (the mock has none); then the job."""
        self.check_jobs(DFA, analytics_id, allow_wildcards=True)
        try:
            found = self.ml.analytics.get(analytics_id)["data_frame_analytics"]
        except ElasticsearchError as error:
            if error.status != 404:
                raise ElasticsearchRefused(error) from None
            raise MlObjectNotFound(error.reason) from None  # getDataFrameAnalytics: a 404 in its words
        destination = found[0]["dest"]["index"] if found else None
        job_deleted: dict[str, Any] = {"success": False}
        index_deleted: dict[str, Any] = {"success": False}
        if destination and delete_dest_index:
            if not may_delete_index(destination):
                raise Forbidden()
            indices = self.ml.indices
            targets = [i.name for i in indices.alias_targets(destination)]
            name = targets[0] if targets else destination
            if indices.get(name) is not None:  # a missing index is ignored (ignore: [404])
                indices.delete([name])
                index_deleted["success"] = True
        try:
            self.check_jobs(DFA, analytics_id)
            with elasticsearch():
                self.ml.analytics.delete(analytics_id, force=bool(force))
            job_deleted["success"] = True
        except ElasticsearchRefused as error:
            job_deleted["error"] = error.es_body
        except MlObjectNotFound:
            pass  # the ML client's own error has no body
        return {
            "analyticsJobDeleted": job_deleted,
            "destIndexDeleted": index_deleted,
            "destDataViewDeleted": {"success": False},
        }

    # -- trained models ---------------------------------------------------------------------------
    def put_model(self, model_id: str, body: dict) -> dict:
        """``PUT /internal/ml/trained_models/{modelId}``: the model, then its object (service.ts
        ``_createTrainedModel``): in its DFA job's spaces when that job has an object, else the
        request's space."""
        with elasticsearch():
            created = self.ml.models.put(model_id, body)
        job = MlView(self.ml).model_job(model_id)
        namespaces = [self.space]
        if job is not None:
            job_so = self.objects.job(DFA, job["job_id"])
            if job_so is not None:
                namespaces = list(job_so.namespaces)
        self.objects.delete("ml-trained-model", model_id)
        self.objects.put("ml-trained-model", model_id, {"model_id": model_id, "job": job}, namespaces)
        return created

    def delete_model(self, model_id: str, force: bool | None) -> dict:
        """``DELETE /internal/ml/trained_models/{modelId}``: the object stays (deleteTrainedModel)."""
        self.check_models(model_id)
        with elasticsearch():
            self.ml.models.delete(model_id, force=bool(force))
        return {"acknowledged": True}


__all__ = ["MlObjects", "ElasticsearchRefused", "MlObjectNotFound", "DataViewsNotModelled"]
