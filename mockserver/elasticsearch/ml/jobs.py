"""Anomaly detection jobs: ``/_ml/anomaly_detectors``. Facts from Job, AnalysisConfig, Detector, JobUpdate,
CategorizationAnalyzerConfig, GetJobsStatsAction and JobManager, and the transport actions of open, close,
update and delete (x-pack/plugin/core/.../ml/job/config, x-pack/plugin/ml/.../action)."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from ..cluster_settings import MAX_MODEL_MEMORY_LIMIT, TASKS_ALLOCATION_ENABLE
from ..errors import (
    NODE_ID,
    ElasticsearchError,
    IllegalArgument,
    IllegalState,
    IndexOutOfBounds,
    ResourceAlreadyExists,
    StatusException,
    XContentParseError,
)
from ..xcontent import Locations
from .common import (
    AWAITING_UPGRADE,
    CONFIG_VERSION,
    MAX_ID_LENGTH,
    ML_MEMORY,
    NODE_ATTRIBUTES,
    NODE_NAME,
    TimeValue,
    byte_size_to_mb,
    check_same_id,
    expand_ids,
    format_byte_size,
    invalid_id,
    is_valid_id,
    java_number,
    job_missing,
    ml_node,
    now_millis,
    ordered,
    string_list,
)
from .info import DEFAULT_MODEL_MEMORY_LIMIT_MB, date_words_filter

if TYPE_CHECKING:
    from ...security import Principal
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
# Job.doXContentBody with exclude_generated: what the server made up is left out.
GENERATED = ("job_type", "job_version", "create_time", "finished_time", "model_snapshot_id", "deleting")
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
# DetectorFunction: the shortcuts a detector may name its function by.
FUNCTION_SHORTCUTS = {
    "nzc": "non_zero_count",
    "low_nzc": "low_non_zero_count",
    "high_nzc": "high_non_zero_count",
    "dc": "distinct_count",
    "low_dc": "low_distinct_count",
    "high_dc": "high_distinct_count",
    "avg": "mean",
    "low_avg": "low_mean",
    "high_avg": "high_mean",
}
ML_CATEGORY = "mlcategory"
MIN_MODEL_PRUNE_WINDOW_BUCKETS = 2  # AnalysisConfig.MINIMUM_MODEL_PRUNE_WINDOW_BUCKETS
DEFAULT_MODEL_PRUNE_WINDOW = TimeValue.parse("30d", "model_prune_window")
# CategorizationAnalyzerConfig's maps are HashMaps: a pattern_replace char filter writes "pattern" before
# "type" (the date words filter is info.date_words_filter).
DEPRECATED_ALLOW_NO_JOBS = "Deprecated field [allow_no_jobs] used, expected [allow_no_match] instead"

# The memory JobNodeSelector assigns by: the node's ML memory (common.ML_MEMORY) less
# Job.PROCESS_MEMORY_OVERHEAD 10mb a job and MachineLearning.NATIVE_EXECUTABLE_CODE_OVERHEAD 30mb for the
# node's first job.
PROCESS_MEMORY_OVERHEAD = 10 * 1024**2
NATIVE_CODE_OVERHEAD = 30 * 1024**2


def names_clash(name: str) -> ResourceAlreadyExists:
    return ResourceAlreadyExists(
        f"job and group names must be unique but job [{name}] and group [{name}] have the same name"
    )


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


def detection_rule(rule: dict) -> dict:
    """DetectionRule as written: actions (skip_result unless given), then the scope (each filter
    include unless said: FilterRef) and the conditions, each only when there is one."""
    scope = {
        field: {"filter_id": ref.get("filter_id"), "filter_type": ref.get("filter_type", "include")}
        for field, ref in (rule.get("scope") or {}).items()
    }
    conditions = [ordered(c, ("applies_to", "operator", "value")) for c in rule.get("conditions") or []]
    return ordered(
        {
            "actions": string_list(rule.get("actions")) or ["skip_result"],
            "scope": scope or None,
            "conditions": conditions or None,
        },
        ("actions", "scope", "conditions"),
    )


def standard_categorization_analyzer(filters: list[str] | None) -> dict:
    """CategorizationAnalyzerConfig.buildStandardCategorizationAnalyzer, the default of a job created
    since 7.14: the first line with letters (first_line_with_letters since 7.16, elastic/elasticsearch#77457),
    each categorization filter as a pattern_replace char filter, ml_standard, the date words."""
    char_filters: list[Any] = ["first_line_with_letters"]
    char_filters += [{"pattern": f, "type": "pattern_replace"} for f in filters or []]
    return {"char_filter": char_filters, "tokenizer": "ml_standard", "filter": [date_words_filter()]}


def per_partition(config: dict | None) -> dict:
    """PerPartitionCategorizationConfig: stop_on_warn is written only when enabled."""
    config = config or {}
    enabled = config.get("enabled", False)
    return {"enabled": enabled, "stop_on_warn": config.get("stop_on_warn", False)} if enabled else {"enabled": False}


def model_plot_config(config: dict) -> dict:
    """ModelPlotConfig: annotations_enabled follows enabled unless given."""
    enabled = config.get("enabled", False)
    return ordered(
        {
            "enabled": enabled,
            "terms": config.get("terms"),
            "annotations_enabled": config.get("annotations_enabled", enabled),
        },
        ("enabled", "terms", "annotations_enabled"),
    )


def job_memory(doc: dict) -> int:
    """MlMemoryTracker's requirement of a job: its model memory limit and the process overhead."""
    return int(doc["analysis_limits"]["model_memory_limit"].removesuffix("mb")) * 1024**2 + PROCESS_MEMORY_OVERHEAD


def parsed_duration(value: str, name: str, parser: str, path: tuple, body_text: str) -> TimeValue:
    """A duration field as an ObjectParser reads it (TimeValue.parseTimeValue): a refusal is wrapped as a
    failure to parse the field, placed where its value starts."""
    try:
        return TimeValue.parse(value, name)
    except IllegalArgument as e:
        location = Locations(body_text).value(path) if body_text else None
        error = XContentParseError(f"[{parser}] failed to parse field [{name}]", location, caused_by=e)
        error.location = location  # a wrapper around it is placed there too
        raise error from None


def check_not_less_than(minimum: int, name: str, value: Any) -> None:
    """Job.checkValueNotLessThan: Messages.JOB_CONFIG_FIELD_VALUE_TOO_LOW."""
    if value is not None and value < minimum:
        raise IllegalArgument(f"{name} cannot be less than {java_number(minimum)}. Value = {java_number(value)}")


class Jobs:
    def __init__(self, ml: Ml):
        self.ml = ml
        self.docs: dict[str, dict] = {}
        # JobState by job id ("opened", or "opening" for a lazy job no node can take yet); a job not
        # here has no persistent task and is closed.
        self.states: dict[str, str] = {}
        # When each job's task started (millis), for open_time; and why a lazy job waits.
        self.opened_at: dict[str, int] = {}
        self.explanations: dict[str, str] = {}

    def state_of(self, job_id: str) -> str:
        return self.states.get(job_id, "closed")

    def groups(self) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = {}
        for job_id, doc in self.docs.items():
            for group in doc.get("groups", []):
                groups.setdefault(group, []).append(job_id)
        return groups

    def expand(self, expression: str | None, allow_no_match: bool) -> list[str]:
        return expand_ids(
            expression, list(self.docs), allow_no_match=allow_no_match, missing=job_missing, groups=self.groups()
        )

    # -- put -----------------------------------------------------------------------------------------
    def put(
        self,
        job_id: str,
        body: dict,
        body_text: str = "",
        indices_options: dict | None = None,
        principal: Principal | None = None,
    ) -> dict:
        """``PUT _ml/anomaly_detectors/{id}``: the job with the server's defaults (and its datafeed, whose
        indices options the request's parameters set: RestPutJobAction's IndicesOptions.fromRequest, and
        which keeps the creator's roles as a datafeed put does)."""
        self.ml.refuse_in_upgrade_mode("ml.put_job")
        check_same_id(body.get("job_id"), job_id, "job_id")
        # The parser builds the analysis config as it reads it (Job.Builder.setAnalysisConfig): what
        # AnalysisConfig.Builder.build refuses comes wrapped as a failure to parse that field.
        analysis = None
        if body.get("analysis_config") is not None:
            try:
                analysis = self._analysis_config(body["analysis_config"], body_text)
            except (StatusException, XContentParseError) as e:
                raise XContentParseError(
                    "[job_details] failed to parse field [analysis_config]",
                    self._failure_location(e, body_text, ("analysis_config",)),
                    caused_by=e,
                ) from None
        if body.get("background_persist_interval") is not None:
            interval = body["background_persist_interval"]
            body = {
                **body,
                "background_persist_interval": parsed_duration(
                    interval, "background_persist_interval", "job_details", ("background_persist_interval",), body_text
                ).rep,
            }
        if analysis is None:
            raise IllegalArgument("An analysis_config must be set")
        if body.get("data_description") is None:
            raise IllegalArgument("A data_description must be set")
        groups = string_list(body.get("groups")) or []
        self._validate_fields(job_id, {**body, "groups": groups}, analysis, body["data_description"])
        illegal = [f for f in CREATION_ONLY_ILLEGAL if f in body]
        if illegal:
            raise IllegalArgument(
                f"The job is configured with fields [{', '.join(illegal)}] that are illegal to set at job creation"
            )
        if job_id in self.docs:
            raise ResourceAlreadyExists(f"The job cannot be created with the Id '{job_id}'. The Id is already used.")
        if job_id in self.groups():
            raise names_clash(job_id)
        for group in groups:
            if group in self.docs:
                raise names_clash(group)
        datafeed = body.get("datafeed_config")
        if datafeed is not None and indices_options:
            from .datafeeds import default_indices_options  # datafeeds.py imports this module

            datafeed = {
                **datafeed,
                "indices_options": {
                    **default_indices_options(),
                    **datafeed.get("indices_options", {}),
                    **indices_options,
                },
            }
        if datafeed is not None and datafeed.get("job_id") not in (None, job_id):
            raise IllegalArgument(f"datafeed job_id [{datafeed['job_id']}] does not equal job id [{job_id}}}")
        doc = self._document(job_id, {**body, "groups": groups}, self._with_put_defaults(analysis))
        if datafeed is not None:
            datafeed_id = datafeed.get("datafeed_id") or job_id
            self.ml.datafeeds.check_new(datafeed_id, {**datafeed, "job_id": job_id}, job_exists=False)
        self.docs[job_id] = doc
        if datafeed is not None:
            try:  # the datafeed is checked against the job it belongs to: refused, neither is kept
                self.ml.datafeeds.put(datafeed_id, {**datafeed, "job_id": job_id}, principal=principal)
            except ElasticsearchError:
                del self.docs[job_id]
                raise
        return self.get_one(job_id)

    @staticmethod
    def _failure_location(cause: Exception, body_text: str, path: tuple) -> tuple[int, int] | None:
        """Where ObjectParser places its wrapper: at the parser's token when the failure went up. A value
        inside failed: still at that value; the object's builder failed: at the object's closing brace."""
        if not body_text:
            return None
        if isinstance(cause, XContentParseError):
            return getattr(cause, "location", None)
        locations = Locations(body_text)
        start = locations.values.get(path)
        if start is None:
            return None
        _, end = json.JSONDecoder().raw_decode(locations.text, start)
        return locations.line_column(end - 1)

    def _validate_fields(self, job_id: str, body: dict, analysis: dict, data_description: dict) -> None:
        """Job.Builder.validateInputFields and validateModelSnapshotRetentionSettings, in their order."""
        time_field = data_description.get("time_field", "time")
        if time_field in self._analysis_fields(analysis):
            raise IllegalArgument("data_description.time_field may not be used in the analysis_config")
        check_not_less_than(0, "renormalization_window_days", body.get("renormalization_window_days"))
        check_not_less_than(0, "model_snapshot_retention_days", body.get("model_snapshot_retention_days"))
        check_not_less_than(
            0, "daily_model_snapshot_retention_after_days", body.get("daily_model_snapshot_retention_after_days")
        )
        check_not_less_than(1, "results_retention_days", body.get("results_retention_days"))
        check_not_less_than(0, "system_annotations_retention_days", body.get("system_annotations_retention_days"))
        if not is_valid_id(job_id):
            raise IllegalArgument(invalid_id("job_id", job_id))
        if len(job_id) > MAX_ID_LENGTH:
            raise IllegalArgument(f"The job id cannot contain more than {MAX_ID_LENGTH} characters.")
        self._validate_groups(job_id, body["groups"])
        results_index = body.get("results_index_name")
        if results_index and not is_valid_id(results_index):
            raise IllegalArgument(invalid_id("results_index_name", results_index))
        limits = body.get("analysis_limits") or {}
        check_not_less_than(0, "categorization_examples_limit", limits.get("categorization_examples_limit"))
        self._validate_retention(body)

    @staticmethod
    def _validate_groups(job_id: str, groups: list[str]) -> None:
        for group in groups:
            if not is_valid_id(group):
                # Messages.INVALID_GROUP
                raise IllegalArgument(
                    f"Invalid group id '{group}'; must be non-empty string and may contain lowercase alphanumeric "
                    "(a-z and 0-9), hyphens or underscores; must start and end with alphanumeric"
                )
            if group == job_id:
                raise names_clash(group)

    @staticmethod
    def _validate_retention(job: dict) -> None:
        # Messages.JOB_CONFIG_MODEL_SNAPSHOT_RETENTION_SETTINGS_INCONSISTENT: its quotes are MessageFormat's.
        retention = job.get("model_snapshot_retention_days", 10)
        daily = job.get("daily_model_snapshot_retention_after_days")
        if daily is not None and retention is not None and daily > retention:
            raise IllegalArgument(
                f"The value of daily_model_snapshot_retention_after_days [{daily}] cannot be greater "
                f"than model_snapshot_retention_days [{retention}]"
            )

    @staticmethod
    def _analysis_fields(analysis: dict) -> set[str]:
        """AnalysisConfig.analysisFields: by/over/partition and field names, influencers, categorization
        and summary count fields."""
        fields = set(analysis.get("influencers", []))
        for detector in analysis["detectors"]:
            for key in ("field_name", "by_field_name", "over_field_name", "partition_field_name"):
                if detector.get(key):
                    fields.add(detector[key])
        for key in ("categorization_field_name", "summary_count_field_name"):
            if analysis.get(key):
                fields.add(analysis[key])
        return fields - {""}

    def _analysis_config(self, config: dict, body_text: str = "") -> dict:
        """AnalysisConfig.Builder.build: detectors numbered in order, then its checks in their order."""
        detectors = config.get("detectors") or []
        durations = {
            name: parsed_duration(config[name], name, "analysis_config", ("analysis_config", name), body_text)
            for name in ("bucket_span", "model_prune_window")
            if config.get(name) is not None
        }
        bucket_span = durations.get("bucket_span") or TimeValue.parse("5m", "bucket_span")
        prune_window = durations.get("model_prune_window")
        if prune_window is not None:
            self._verify_model_prune_window(prune_window, bucket_span)
        if not detectors:
            raise StatusException("No detectors configured")
        written = []
        seen = set()
        for index, detector in enumerate(detectors):
            function = FUNCTION_SHORTCUTS.get(detector.get("function"), detector.get("function"))
            detector = {**detector, "function": function}
            description = detector.get("detector_description") or detector_description(detector)
            key = detector_description(detector)
            if key in seen:
                raise IllegalArgument(f"Duplicate detectors are not allowed: [{key}]")
            seen.add(key)
            rules = [detection_rule(r) for r in detector.get("custom_rules") or []]
            written.append(
                ordered(
                    {
                        **detector,
                        "detector_description": description,
                        "detector_index": index,
                        "use_null": detector.get("use_null") or None,
                        "custom_rules": rules or None,
                    },
                    DETECTOR_ORDER,
                )
            )
        analysis = {
            **config,
            "bucket_span": bucket_span.rep,
            "categorization_filters": string_list(config.get("categorization_filters")),
            "detectors": written,
            "influencers": string_list(config.get("influencers")) or [],
            "model_prune_window": prune_window.rep if prune_window is not None else None,
        }
        self._verify_categorization(analysis)
        if analysis.get("categorization_field_name") is not None:
            analysis["per_partition_categorization"] = per_partition(config.get("per_partition_categorization"))
        return ordered(analysis, ANALYSIS_ORDER)

    @staticmethod
    def _verify_model_prune_window(window: TimeValue, bucket_span: TimeValue) -> None:
        if bucket_span.seconds and window.seconds % bucket_span.seconds != 0:
            raise StatusException(f"model_prune_window [{window}] must be a multiple of bucket_span [{bucket_span}]")
        if bucket_span.seconds and window.seconds // bucket_span.seconds < MIN_MODEL_PRUNE_WINDOW_BUCKETS:
            raise StatusException(
                f"model_prune_window [{window}] must be at least {MIN_MODEL_PRUNE_WINDOW_BUCKETS} times greater "
                f"than bucket_span [{bucket_span}]"
            )

    @staticmethod
    def _verify_categorization(analysis: dict) -> None:
        """AnalysisConfig: verifyMlCategoryIsUsedWhenCategorizationFieldNameIsSet, then the analyzer's
        and the filters' checks (Messages.JOB_CONFIG_CATEGORIZATION_*)."""
        field = analysis.get("categorization_field_name")
        uses = any(
            ML_CATEGORY in (d.get("by_field_name"), d.get("over_field_name"), d.get("partition_field_name"))
            for d in analysis["detectors"]
        )
        if field is not None and not uses:
            raise StatusException(
                f"categorization_field_name is set but {ML_CATEGORY} is not used in any detector "
                "by/over/partition field"
            )
        if field is None and uses:
            raise StatusException(f"categorization_field_name must be set for {ML_CATEGORY} to be available")
        if analysis.get("categorization_analyzer") is not None and field is None:
            raise StatusException("categorization_analyzer requires setting categorization_field_name")
        filters = analysis.get("categorization_filters")
        if filters is None:
            return
        if analysis.get("categorization_analyzer") is not None:
            raise StatusException(
                "categorization_filters cannot be used with categorization_analyzer - "
                "instead specify them as pattern_replace char_filters in the analyzer"
            )
        if field is None:
            raise StatusException("categorization_filters require setting categorization_field_name")
        if len(set(filters)) != len(filters):
            raise StatusException("categorization_filters contain duplicates")
        if any(f == "" for f in filters):
            raise StatusException("categorization_filters are not allowed to contain empty strings")
        for pattern in filters:
            try:
                re.compile(pattern)
            except re.error:
                raise StatusException(
                    f"categorization_filters contains invalid regular expression '{pattern}'"
                ) from None

    def _with_put_defaults(self, analysis: dict) -> dict:
        """What JobManager.putJob fills in: the standard categorization analyzer (taking over the
        categorization filters) and, for jobs created since 8.1, a model_prune_window of the greater
        of 30d and 20 buckets."""
        analysis = dict(analysis)
        if analysis.get("categorization_field_name") is not None and analysis.get("categorization_analyzer") is None:
            analysis["categorization_analyzer"] = standard_categorization_analyzer(
                analysis.pop("categorization_filters", None)
            )
        if analysis.get("model_prune_window") is None and self.ml.release.at_least(8, 1):
            bucket_span = TimeValue.parse(analysis["bucket_span"], "bucket_span")
            twenty = 20 * bucket_span.seconds
            analysis["model_prune_window"] = (
                DEFAULT_MODEL_PRUNE_WINDOW.rep if twenty <= DEFAULT_MODEL_PRUNE_WINDOW.seconds else f"{twenty}s"
            )
        return ordered(analysis, ANALYSIS_ORDER)

    def _model_memory_limit(self, limits: dict) -> str:
        """AnalysisLimits.validateAndSetDefaults: the limit in whole megabytes; its default (1024mb) comes
        down to xpack.ml.max_model_memory_limit when that is set (to a megabyte or more) and lower, and a
        limit above it is refused."""
        maximum = self.ml.max_model_memory_limit()
        maximum_mb = maximum[0] // 1024**2 if maximum else 0
        default_mb = min(maximum_mb, DEFAULT_MODEL_MEMORY_LIMIT_MB) if maximum_mb > 0 else DEFAULT_MODEL_MEMORY_LIMIT_MB
        limit = byte_size_to_mb(limits.get("model_memory_limit", f"{default_mb}mb"))
        limit_mb = int(limit.removesuffix("mb"))
        if maximum and maximum_mb > 0 and limit_mb > maximum_mb:
            raise StatusException(
                f"model_memory_limit [{format_byte_size(limit_mb * 1024**2)}] must be less than the value of the "
                f"{MAX_MODEL_MEMORY_LIMIT} setting [{format_byte_size(maximum[0])}]"
            )
        return limit

    def _document(self, job_id: str, body: dict, analysis: dict) -> dict:
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
                "model_memory_limit": self._model_memory_limit(limits),
                "categorization_examples_limit": limits.get("categorization_examples_limit", 4),
            },
            "data_description": {
                **description,
                "time_field": description.get("time_field", "time"),
                "time_format": description.get("time_format", "epoch_ms"),
            },
            "model_plot_config": model_plot_config(body["model_plot_config"])
            if body.get("model_plot_config")
            else None,
            "background_persist_interval": body.get("background_persist_interval"),
            "model_snapshot_retention_days": retention,
            "daily_model_snapshot_retention_after_days": body.get(
                "daily_model_snapshot_retention_after_days", 1 if retention > 1 else None
            ),
            "results_index_name": f"custom-{results_index}" if results_index else "shared",
            "allow_lazy_open": body.get("allow_lazy_open", False),
        }
        return ordered(doc, JOB_ORDER)

    # -- get -----------------------------------------------------------------------------------------
    def get_one(self, job_id: str, exclude_generated: bool = False, feeds: dict[str, str] | None = None) -> dict:
        """A job as GET shows it: with its datafeed's config when it has one. exclude_generated drops
        what the server made up, custom_settings.created_by and the datafeed (Job.doXContentBody writes
        datafeed_config among the generated fields, "TODO in v8.0.0 move this out"). ``feeds`` (job id
        to datafeed id) spares a listing one walk of the datafeeds per job."""
        doc = dict(self.docs[job_id])
        datafeed_id = feeds.get(job_id) if feeds is not None else self.ml.datafeeds.of_job(job_id)
        if datafeed_id is not None and not exclude_generated:
            doc["datafeed_config"] = self.ml.datafeeds.shown(datafeed_id)
        if exclude_generated:
            doc = {k: v for k, v in doc.items() if k not in GENERATED}
            if "custom_settings" in doc:
                doc["custom_settings"] = {k: v for k, v in doc["custom_settings"].items() if k != "created_by"}
        return ordered(doc, JOB_ORDER)

    def get(self, expression: str | None, allow_no_match: bool = True, exclude_generated: bool = False) -> dict:
        ids = self.expand(expression, allow_no_match)
        feeds = self.ml.datafeeds.by_job()
        return {"count": len(ids), "jobs": [self.get_one(i, exclude_generated, feeds) for i in ids]}

    # -- stats ---------------------------------------------------------------------------------------
    def stats(self, expression: str | None, allow_no_match: bool = True) -> dict:
        """``GET _ml/anomaly_detectors/{id}/_stats``: JobStats of each job, in id order. The mock's jobs
        never see data: their counts are those of a job with no results (JobResultsProvider's defaults)."""
        ids = self.expand(expression, allow_no_match)
        return {"count": len(ids), "jobs": [self._job_stats(i) for i in ids]}

    def _job_stats(self, job_id: str) -> dict:
        now = now_millis()
        state = self.state_of(job_id)
        stats: dict[str, Any] = {
            "job_id": job_id,
            "data_counts": {
                "job_id": job_id,
                **dict.fromkeys(
                    (
                        "processed_record_count",
                        "processed_field_count",
                        "input_bytes",
                        "input_field_count",
                        "invalid_date_count",
                        "missing_field_count",
                        "out_of_order_timestamp_count",
                        "empty_bucket_count",
                        "sparse_bucket_count",
                        "bucket_count",
                        "input_record_count",
                    ),
                    0,
                ),
            },
            "model_size_stats": {
                "job_id": job_id,
                "result_type": "model_size_stats",
                **dict.fromkeys(
                    (
                        "model_bytes",
                        "total_by_field_count",
                        "total_over_field_count",
                        "total_partition_field_count",
                        "bucket_allocation_failures_count",
                    ),
                    0,
                ),
                "memory_status": "ok",
                **dict.fromkeys(
                    (
                        "categorized_doc_count",
                        "total_category_count",
                        "frequent_category_count",
                        "rare_category_count",
                        "dead_category_count",
                        "failed_category_count",
                    ),
                    0,
                ),
                "categorization_status": "ok",
                # A new ModelSizeStats.Builder's log time is its creation: the process's start when
                # the job runs, else the request's.
                "log_time": self.opened_at.get(job_id, now) if state == "opened" else now,
            },
            "forecasts_stats": {"total": 0, "forecasted_jobs": 0},
            "state": state,
        }
        # In upgrade mode the task is unassigned (TransportSetUpgradeModeAction) but keeps its state: no
        # node, no process to say its open time (TransportGetJobsStatsAction.gatherStatsForClosedJobs).
        assigned = state == "opened" and not self.ml.info.upgrade_mode
        if assigned:
            stats["node"] = ml_node()
        if job_id in self.states:
            stats["assignment_explanation"] = (
                AWAITING_UPGRADE if self.ml.info.upgrade_mode else self.explanations.get(job_id, "")
            )
        if assigned:
            stats["open_time"] = f"{max(0, now - self.opened_at.get(job_id, now)) // 1000}s"
        stats["timing_stats"] = {
            "job_id": job_id,
            "bucket_count": 0,
            "total_bucket_processing_time_ms": 0.0,
            "exponential_average_bucket_processing_time_per_hour_ms": 0.0,
        }
        return stats

    # -- open and close ------------------------------------------------------------------------------
    def open(self, job_id: str) -> dict:
        """``POST _ml/anomaly_detectors/{id}/_open``: starts the job's persistent task on the node if its
        memory fits there (JobNodeSelector); a job allowed to open lazily waits, opening, with no node.
        With cluster.persistent_tasks.allocation.enable none the master assigns no new task: refused; in
        upgrade mode the action is refused. Opening clears the job's finished_time (clearJobFinishTime)."""
        self.ml.refuse_in_upgrade_mode("ml.open_job")
        if job_id not in self.docs:
            raise job_missing(job_id)
        if job_id in self.states:
            # PersistentTasksClusterService refuses a second task; TransportOpenJobAction words it.
            raise StatusException(
                f"Cannot open job [{job_id}] because it has already been opened",
                409,
                caused_by=ResourceAlreadyExists(f"task with id {{job-{job_id}}} already exist"),
            )
        doc = self.docs[job_id]
        explanation = self._assignment_failure(job_id)
        if explanation is not None and not doc.get("allow_lazy_open"):
            raise StatusException(
                "Could not open job because no ML nodes with sufficient capacity were found",
                429,
                caused_by=IllegalState(
                    f"Could not open job because no suitable nodes were found, allocation explanation [{explanation}]"
                ),
            )
        if self.ml.assignment_refused("xpack/ml/job") is not None:
            # TransportOpenJobAction.JobPredicate: the task the master would not assign is cancelled.
            raise StatusException(
                "Cannot open jobs because persistent task assignment is disabled by the "
                f"[{TASKS_ALLOCATION_ENABLE}] setting",
                429,
            )
        self.docs[job_id] = {k: v for k, v in doc.items() if k != "finished_time"}
        self.opened_at[job_id] = now_millis()
        if explanation is not None:
            self.states[job_id] = "opening"
            self.explanations[job_id] = explanation
            return {"opened": True, "node": ""}
        self.states[job_id] = "opened"
        return {"opened": True, "node": NODE_ID}

    def assign_waiting(self) -> None:
        """PersistentTasksClusterService.reassignTasks, run when the cluster changes (a job closed or
        deleted frees its memory, upgrade mode ends): each lazy job waiting in opening is assigned if
        the node now has the memory (JobNodeSelector), and then opens there (its process starts: opened,
        the node, an empty explanation); one that still does not fit gets the node's new reason."""
        if self.ml.info.upgrade_mode:
            return  # TransportSetUpgradeModeAction: no ML task is assigned while upgrade mode is on
        for job_id in [j for j, s in self.states.items() if s == "opening"]:
            explanation = self._assignment_failure(job_id)
            if explanation is not None:
                self.explanations[job_id] = explanation
                continue
            self.states[job_id] = "opened"
            self.explanations.pop(job_id, None)
            self.opened_at[job_id] = now_millis()

    def _assignment_failure(self, job_id: str) -> str | None:
        """Why the node cannot take the job (JobNodeSelector's reason), or None when it can."""
        assigned = [j for j, s in self.states.items() if s == "opened"]
        used = sum(job_memory(self.docs[j]) for j in assigned)
        required = job_memory(self.docs[job_id]) + (0 if assigned else NATIVE_CODE_OVERHEAD)
        if required <= ML_MEMORY - used:
            return None
        attributes = "".join(f"{{{k}={v}}}" for k, v in NODE_ATTRIBUTES if k.startswith("ml."))
        return (
            f"Not opening job [{job_id}] on node [{{{NODE_NAME}}}{attributes}]. Reason: This node has insufficient "
            f"available memory. Available memory for ML [{ML_MEMORY} ({format_byte_size(ML_MEMORY)})], "
            f"memory required by existing jobs [{used} ({format_byte_size(used)})], estimated memory required for "
            f"this job [{required} ({format_byte_size(required)})]."
        )

    def close(self, expression: str, allow_no_match: bool = True, force: bool = False) -> dict:
        """``POST _ml/anomaly_detectors/{id}/_close``: ends the tasks of the jobs named; a closed job is
        already closed. A started datafeed of a closing job is stopped first, as forcefully as the
        close (elastic/elasticsearch#74257, 7.14). A job that ran gets its finished_time."""
        self.ml.refuse_in_upgrade_mode("ml.close_job")
        ids = self.expand(expression, allow_no_match)
        for job_id in ids:
            state = self.states.pop(job_id, None)
            if state is None:
                continue
            datafeed_id = self.ml.datafeeds.of_job(job_id)
            if datafeed_id is not None:
                self.ml.datafeeds.stop(datafeed_id, force=force)
            self.opened_at.pop(job_id, None)
            self.explanations.pop(job_id, None)
            if state == "opened":
                self.docs[job_id] = ordered({**self.docs[job_id], "finished_time": now_millis()}, JOB_ORDER)
        self.assign_waiting()
        return {"closed": True}

    # -- update --------------------------------------------------------------------------------------
    def update(self, job_id: str, update: dict, body_text: str = "") -> dict:
        """``POST _ml/anomaly_detectors/{id}/_update``: JobManager.updateJob's checks, then
        JobUpdate.mergeWithJob and the job's own validation. The answer is the whole job."""
        self.ml.refuse_in_upgrade_mode("ml.update_job")
        # JobUpdate.EXTERNAL_PARSER reads its durations as it parses.
        durations = {
            name: parsed_duration(update[name], name, "job_update", (name,), body_text)
            for name in ("background_persist_interval", "model_prune_window")
            if update.get(name) is not None
        }
        if job_id == "_all":
            raise StatusException("Cannot update more than 1 job at a time")
        if job_id not in self.docs:
            raise job_missing(job_id)
        source = self.docs[job_id]
        if update.get("analysis_limits") is not None and self.state_of(job_id) == "opened":
            raise StatusException("Cannot update analysis_limits while the job is open")
        groups = string_list(update.get("groups"))
        if groups is not None:
            for group in groups:
                if group in self.docs:
                    raise names_clash(group)
        job = dict(source)
        analysis = dict(source["analysis_config"])
        if groups is not None:
            self._validate_groups(job_id, groups)
            job["groups"] = groups or None
        if update.get("description") is not None:
            job["description"] = update["description"]
        if update.get("detectors"):
            detectors = [dict(d) for d in analysis["detectors"]]
            for change in update["detectors"]:
                index = change.get("detector_index", 0)
                if index >= len(detectors):
                    raise StatusException(
                        f"Supplied detector_index [{index}] is >= the number of detectors [{len(detectors)}]"
                    )
                if index < 0:  # JobUpdate checks only the upper bound; the list lookup then fails
                    raise IndexOutOfBounds(index, len(detectors))
                if change.get("description") is not None:
                    detectors[index]["detector_description"] = change["description"]
                if change.get("custom_rules") is not None:
                    rules = [detection_rule(r) for r in change["custom_rules"]]
                    detectors[index]["custom_rules"] = rules or None
                detectors[index] = ordered(detectors[index], DETECTOR_ORDER)
            analysis["detectors"] = detectors
        if update.get("model_plot_config") is not None:
            job["model_plot_config"] = model_plot_config(update["model_plot_config"])
        if update.get("analysis_limits") is not None:
            limits = update["analysis_limits"]
            check_not_less_than(0, "categorization_examples_limit", limits.get("categorization_examples_limit"))
            job["analysis_limits"] = {
                "model_memory_limit": self._model_memory_limit(limits),
                "categorization_examples_limit": limits.get("categorization_examples_limit", 4),
            }
        for field in (
            "renormalization_window_days",
            "model_snapshot_retention_days",
            "daily_model_snapshot_retention_after_days",
            "results_retention_days",
            "system_annotations_retention_days",
            "custom_settings",
            "allow_lazy_open",
        ):
            if update.get(field) is not None:
                job[field] = update[field]
        if "background_persist_interval" in durations:
            job["background_persist_interval"] = durations["background_persist_interval"].rep
        if update.get("categorization_filters") is not None:
            analysis["categorization_filters"] = string_list(update["categorization_filters"])
        if update.get("per_partition_categorization") is not None:
            current = analysis.get("per_partition_categorization", {"enabled": False})
            if update["per_partition_categorization"].get("enabled", False) != current.get("enabled", False):
                raise StatusException("analysis_config.per_partition_categorization.enabled cannot be updated")
            analysis["per_partition_categorization"] = per_partition(update["per_partition_categorization"])
        bucket_span = TimeValue.parse(analysis["bucket_span"], "bucket_span")
        if "model_prune_window" in durations:
            analysis["model_prune_window"] = durations["model_prune_window"].rep
        if analysis.get("model_prune_window") is not None:
            self._verify_model_prune_window(
                TimeValue.parse(analysis["model_prune_window"], "model_prune_window"), bucket_span
            )
        self._verify_categorization(analysis)
        for field in (
            "renormalization_window_days",
            "model_snapshot_retention_days",
            "daily_model_snapshot_retention_after_days",
        ):
            check_not_less_than(0, field, job.get(field))
        check_not_less_than(1, "results_retention_days", job.get("results_retention_days"))
        self._validate_retention(job)
        job["analysis_config"] = ordered(analysis, ANALYSIS_ORDER)
        self.docs[job_id] = ordered(job, JOB_ORDER)
        return dict(self.docs[job_id])

    # -- delete --------------------------------------------------------------------------------------
    def delete(self, job_id: str, force: bool = False, wait_for_completion: bool = True) -> dict:
        """``DELETE _ml/anomaly_detectors/{id}``: a job with a task needs force (checkJobIsNotOpen).
        Its datafeed is deleted first, as forcefully as the job (elastic/elasticsearch#76010, 7.15).
        Asked not to wait, the answer is the task that deletes (RestDeleteJobAction): the mock's
        deletion is done by then."""
        self.ml.refuse_in_upgrade_mode("ml.delete_job")
        if job_id not in self.docs:
            raise job_missing(job_id)
        if not force and job_id in self.states:
            raise StatusException(f"Cannot delete job [{job_id}] because the job is {self.states[job_id]}", 409)
        datafeed_id = self.ml.datafeeds.of_job(job_id)
        if datafeed_id is not None:
            self.ml.datafeeds.delete(datafeed_id, force=force)
        for kept in (self.states, self.opened_at, self.explanations):
            kept.pop(job_id, None)
        self.ml.calendars.forget_job(job_id)  # JobResultsProvider.removeJobFromCalendars
        del self.docs[job_id]
        self.assign_waiting()
        return {"acknowledged": True} if wait_for_completion else {"task": self.ml.new_task_id()}
