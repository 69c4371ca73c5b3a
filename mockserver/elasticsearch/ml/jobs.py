"""Anomaly detection jobs: ``/_ml/anomaly_detectors``. Facts from Job, AnalysisConfig, Detector and JobManager."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..errors import IllegalArgument, ResourceAlreadyExists, ResourceNotFound, StatusException
from .common import (
    CONFIG_VERSION,
    MAX_ID_LENGTH,
    byte_size_to_mb,
    expand_ids,
    invalid_id,
    is_valid_id,
    now_millis,
    ordered,
)

if TYPE_CHECKING:
    from . import Ml

JOB_ORDER = (
    "job_id",
    "job_type",
    "job_version",
    "create_time",
    "finished_time",
    "model_snapshot_id",
    "deleting",
    "model_snapshot_min_version",
    "custom_settings",
    "datafeed_config",
    "groups",
    "description",
    "analysis_config",
    "analysis_limits",
    "data_description",
    "model_plot_config",
    "renormalization_window_days",
    "background_persist_interval",
    "model_snapshot_retention_days",
    "daily_model_snapshot_retention_after_days",
    "results_retention_days",
    "system_annotations_retention_days",
    "results_index_name",
    "allow_lazy_open",
    "blocked",
)
ANALYSIS_ORDER = (
    "bucket_span",
    "categorization_field_name",
    "categorization_filters",
    "categorization_analyzer",
    "per_partition_categorization",
    "latency",
    "summary_count_field_name",
    "detectors",
    "influencers",
    "multivariate_by_fields",
    "model_prune_window",
)
DETECTOR_ORDER = (
    "detector_description",
    "function",
    "field_name",
    "by_field_name",
    "over_field_name",
    "partition_field_name",
    "use_null",
    "exclude_frequent",
    "custom_rules",
    "detector_index",
)
CREATION_ONLY_ILLEGAL = ("model_snapshot_id", "finished_time", "create_time")


def job_missing(ids: str) -> ResourceNotFound:
    return ResourceNotFound(f"No known job with id '{ids}'")


def detector_description(detector: dict) -> str:
    """DefaultDetectorDescription: function(field) by X over Y partitionfield=Z ..."""

    def quoted(name: str) -> str:
        return f'"{name}"' if re.search(r"\W", name) else name

    text = detector.get("function", "")
    if detector.get("field_name"):
        text += f"({quoted(detector['field_name'])})"
    if detector.get("by_field_name"):
        text += f" by {quoted(detector['by_field_name'])}"
    if detector.get("over_field_name"):
        text += f" over {quoted(detector['over_field_name'])}"
    if detector.get("use_null"):
        text += " usenull=true"
    if detector.get("partition_field_name"):
        text += f" partitionfield={quoted(detector['partition_field_name'])}"
    if detector.get("exclude_frequent"):
        text += f" excludefrequent={detector['exclude_frequent']}"
    return text


class Jobs:
    def __init__(self, ml: Ml):
        self.ml = ml
        self.docs: dict[str, dict] = {}
        # JobState by job id ("opened", "closing", ...); a job not here is closed.
        self.states: dict[str, str] = {}

    def state_of(self, job_id: str) -> str:
        return self.states.get(job_id, "closed")

    def groups(self) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = {}
        for job_id, doc in self.docs.items():
            for group in doc.get("groups", []):
                groups.setdefault(group, []).append(job_id)
        return groups

    def put(self, job_id: str, body: dict) -> dict:
        """``PUT _ml/anomaly_detectors/{id}``: the job with the server's defaults (and its datafeed)."""
        if body.get("job_id") not in (None, job_id):
            raise IllegalArgument(
                f"Inconsistent job_id; '{body['job_id']}' specified in the body differs from "
                f"'{job_id}' specified as a URL argument"
            )
        if body.get("analysis_config") is None:
            raise IllegalArgument("An analysis_config must be set")
        if body.get("data_description") is None:
            raise IllegalArgument("A data_description must be set")
        if not is_valid_id(job_id):
            raise IllegalArgument(invalid_id("job_id", job_id))
        if len(job_id) > MAX_ID_LENGTH:
            raise IllegalArgument(f"The job id cannot contain more than {MAX_ID_LENGTH} characters.")
        retention = body.get("model_snapshot_retention_days", 10)
        daily = body.get("daily_model_snapshot_retention_after_days")
        if daily is not None and daily > retention:
            raise IllegalArgument(
                f"The value of 'daily_model_snapshot_retention_after_days' [{daily}] cannot be greater "
                f"than 'model_snapshot_retention_days' [{retention}]"
            )
        for group in body.get("groups", []):
            if not is_valid_id(group):
                raise IllegalArgument(invalid_id("group_id", group))
            if group == job_id:
                raise ResourceAlreadyExists(
                    f"job and group names must be unique but job [{job_id}] and group [{group}] have the same name"
                )
        analysis = self._analysis_config(body["analysis_config"])
        illegal = [f for f in CREATION_ONLY_ILLEGAL if f in body]
        if illegal:
            raise IllegalArgument(
                f"The job is configured with fields [{', '.join(illegal)}] that are illegal to set at job creation"
            )
        if job_id in self.docs:
            raise ResourceAlreadyExists(f"The job cannot be created with the Id '{job_id}'. The Id is already used.")
        groups = self.groups()
        if job_id in groups:
            raise ResourceAlreadyExists(
                f"job and group names must be unique but job [{job_id}] and group [{job_id}] have the same name"
            )
        for group in body.get("groups", []):
            if group in self.docs:
                raise ResourceAlreadyExists(
                    f"job and group names must be unique but job [{group}] and group [{group}] have the same name"
                )
        datafeed = body.get("datafeed_config")
        if datafeed is not None and datafeed.get("job_id") not in (None, job_id):
            raise IllegalArgument(f"datafeed job_id [{datafeed['job_id']}] does not equal job id [{job_id}}}")
        doc = self._document(job_id, body, analysis)
        if datafeed is not None:
            datafeed_id = datafeed.get("datafeed_id") or job_id
            self.ml.datafeeds.check_new(datafeed_id, {**datafeed, "job_id": job_id}, job_exists=False)
        self.docs[job_id] = doc
        if datafeed is not None:
            self.ml.datafeeds.put(datafeed_id, {**datafeed, "job_id": job_id})
        return self.get_one(job_id)

    @staticmethod
    def _analysis_config(config: dict) -> dict:
        detectors = config.get("detectors") or []
        if not detectors:
            raise StatusException("No detectors configured")
        written = []
        seen = set()
        for index, detector in enumerate(detectors):
            description = detector.get("detector_description") or detector_description(detector)
            key = detector_description(detector)
            if key in seen:
                raise IllegalArgument(f"Duplicate detectors are not allowed: [{key}]")
            seen.add(key)
            written.append(
                ordered(
                    {
                        **detector,
                        "detector_description": description,
                        "detector_index": index,
                        "use_null": detector.get("use_null") or None,
                        "custom_rules": detector.get("custom_rules") or None,
                    },
                    DETECTOR_ORDER,
                )
            )
        analysis = {
            **config,
            "bucket_span": config.get("bucket_span", "5m"),
            "detectors": written,
            "influencers": config.get("influencers", []),
            "model_prune_window": config.get("model_prune_window", "30d"),
        }
        return ordered(analysis, ANALYSIS_ORDER)

    @staticmethod
    def _document(job_id: str, body: dict, analysis: dict) -> dict:
        limits = body.get("analysis_limits") or {}
        retention = body.get("model_snapshot_retention_days", 10)
        description = body.get("data_description") or {}
        results_index = body.get("results_index_name")
        doc = {
            **{k: v for k, v in body.items() if k not in ("datafeed_config", "job_id")},
            "job_id": job_id,
            "job_type": "anomaly_detector",
            "job_version": CONFIG_VERSION,
            "create_time": now_millis(),
            "groups": body.get("groups") or None,
            "analysis_config": analysis,
            "analysis_limits": {
                "model_memory_limit": byte_size_to_mb(limits.get("model_memory_limit", "1024mb")),
                "categorization_examples_limit": limits.get("categorization_examples_limit", 4),
            },
            "data_description": {
                **description,
                "time_field": description.get("time_field", "time"),
                "time_format": description.get("time_format", "epoch_ms"),
            },
            "model_snapshot_retention_days": retention,
            "daily_model_snapshot_retention_after_days": body.get(
                "daily_model_snapshot_retention_after_days", 1 if retention > 1 else None
            ),
            "results_index_name": f"custom-{results_index}" if results_index else "shared",
            "allow_lazy_open": body.get("allow_lazy_open", False),
        }
        return ordered(doc, JOB_ORDER)

    def get_one(self, job_id: str) -> dict:
        """A job as GET shows it: with its datafeed's config when it has one."""
        doc = dict(self.docs[job_id])
        datafeed_id = self.ml.datafeeds.of_job(job_id)
        if datafeed_id is not None:
            doc["datafeed_config"] = self.ml.datafeeds.docs[datafeed_id]
            doc = ordered(doc, JOB_ORDER)
        return doc

    def get(self, expression: str | None, allow_no_match: bool = True) -> dict:
        ids = expand_ids(
            expression, list(self.docs), allow_no_match=allow_no_match, missing=job_missing, groups=self.groups()
        )
        return {"count": len(ids), "jobs": [self.get_one(i) for i in ids]}

    def delete(self, job_id: str, force: bool = False) -> None:
        """Deletes the job, and first its datafeed (8.15 and later do so themselves)."""
        if job_id not in self.docs:
            raise job_missing(job_id)
        datafeed_id = self.ml.datafeeds.of_job(job_id)
        if datafeed_id is not None:
            self.ml.datafeeds.delete(datafeed_id, force=force)
        del self.docs[job_id]
