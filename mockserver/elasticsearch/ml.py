"""Elasticsearch's ML jobs, datafeeds, data frame analytics and trained models: what each call of
``/_ml/anomaly_detectors``, ``/_ml/datafeeds``, ``/_ml/data_frame/analytics`` and ``/_ml/trained_models``
does to the state.

Facts from x-pack/plugin/core/.../ml (Job, AnalysisConfig, DatafeedConfig, DataFrameAnalyticsConfig,
TrainedModelConfig, Messages, ExceptionsHelper, ExpandedIdsMatcher) and x-pack/plugin/ml (JobManager,
DatafeedManager, the transport actions); see ../shared/specs/kibana-ml-sync.md §9. Documents are kept in
the order the server writes them.
"""

from __future__ import annotations

import copy
import fnmatch
import re
import time
from collections.abc import Callable
from typing import Any

from .errors import (
    ActionRequestValidation,
    IllegalArgument,
    ResourceAlreadyExists,
    ResourceNotFound,
    StatusException,
)

CONFIG_VERSION = "12.0.0"  # MlConfigVersion.CURRENT since 8.12: not the stack version
ID_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9_\-.]*[a-z0-9])?$")
MAX_ID_LENGTH = 64


def invalid_id(field: str, value: str) -> str:
    return (
        f"Invalid {field}; '{value}' can contain lowercase alphanumeric (a-z and 0-9), hyphens or underscores; "
        "must start and end with alphanumeric"
    )


def is_valid_id(value: str) -> bool:
    return bool(ID_PATTERN.match(value)) and value != "_all"


def now_millis() -> int:
    return int(time.time() * 1000)


def expand_ids(
    expression: str | None,
    ids: list[str],
    *,
    allow_no_match: bool,
    missing: Callable[[str], Exception],
    groups: dict[str, list[str]] | None = None,
) -> list[str]:
    """ExpandedIdsMatcher: which ids a GET expression names, in id order.

    Comma lists, ``*`` wildcards, ``_all``/``*``/nothing for everything. Exact tokens must match (an id
    or, for jobs, a group); wildcard tokens may match nothing unless ``allow_no_match`` is false. The
    404 lists every token that matched nothing, in request order.
    """
    groups = groups or {}
    everything = not expression or expression in ("_all", "*")
    tokens = ["*"] if everything else [t.strip() for t in expression.split(",")]
    chosen: set[str] = set()
    unmatched: list[str] = []
    for token in tokens:
        if "*" in token:
            matched = {i for i in ids if fnmatch.fnmatchcase(i, token)}
            matched |= {j for g, members in groups.items() if fnmatch.fnmatchcase(g, token) for j in members}
            if not matched and not allow_no_match:
                unmatched.append(token)
        else:
            matched = ({token} if token in ids else set()) | set(groups.get(token, []))
            if not matched:
                unmatched.append(token)
        chosen |= matched
    if unmatched:
        raise missing(",".join(unmatched))
    return sorted(chosen)


def byte_size_to_mb(value: Any) -> str:
    """A memory limit as the server stores it: whole megabytes (a bare number means MB)."""
    if isinstance(value, (int, float)):
        return f"{int(value)}mb"
    match = re.match(r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$", str(value))
    if not match:
        raise StatusException(f"failed to parse setting [model_memory_limit] with value [{value}] as a size in bytes")
    number, unit = float(match.group(1)), match.group(2).lower()
    factor = {
        "": 1 / (1024 * 1024),
        "b": 1 / (1024 * 1024),
        "kb": 1 / 1024,
        "k": 1 / 1024,
        "mb": 1,
        "m": 1,
        "gb": 1024,
        "g": 1024,
        "tb": 1024**2,
        "t": 1024**2,
        "pb": 1024**3,
        "p": 1024**3,
    }.get(unit)
    if factor is None:
        raise StatusException(f"failed to parse setting [model_memory_limit] with value [{value}] as a size in bytes")
    return f"{int(number * factor)}mb"


def _java_hash(text: str) -> int:
    h = 0
    for ch in text:
        h = (31 * h + ord(ch)) & 0xFFFFFFFF
    return h - (1 << 32) if h >= 1 << 31 else h


def default_query_delay(job_id: str) -> str:
    """A datafeed's default query_delay: java.util.Random(jobId.hashCode()).longs(60000, 120000), first."""
    mask = (1 << 48) - 1
    seed = (_java_hash(job_id) ^ 0x5DEECE66D) & mask

    def next_bits(bits: int) -> int:
        nonlocal seed
        seed = (seed * 0x5DEECE66D + 0xB) & mask
        value = seed >> (48 - bits)
        return value - (1 << bits) if value >= 1 << (bits - 1) else value

    def next_long() -> int:
        return ((next_bits(32) << 32) + next_bits(32)) & ((1 << 64) - 1)

    origin, bound = 60000, 120000
    n, m = bound - origin, bound - origin - 1
    u = next_long() >> 1
    while True:
        r = u % n
        if u + m - r < (1 << 63):
            return f"{r + origin}ms"
        u = next_long() >> 1


def _ordered(doc: dict, order: tuple[str, ...]) -> dict:
    return {k: doc[k] for k in order if k in doc and doc[k] is not None}


# -- anomaly detection jobs ---------------------------------------------------------------------

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
                _ordered(
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
        return _ordered(analysis, ANALYSIS_ORDER)

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
        return _ordered(doc, JOB_ORDER)

    def get_one(self, job_id: str) -> dict:
        """A job as GET shows it: with its datafeed's config when it has one."""
        doc = dict(self.docs[job_id])
        datafeed_id = self.ml.datafeeds.of_job(job_id)
        if datafeed_id is not None:
            doc["datafeed_config"] = self.ml.datafeeds.docs[datafeed_id]
            doc = _ordered(doc, JOB_ORDER)
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


# -- datafeeds ----------------------------------------------------------------------------------

DATAFEED_ORDER = (
    "datafeed_id",
    "job_id",
    "authorization",
    "query_delay",
    "chunking_config",
    "indices_options",
    "query",
    "frequency",
    "indices",
    "aggregations",
    "script_fields",
    "scroll_size",
    "delayed_data_check_config",
    "max_empty_searches",
    "runtime_mappings",
)
DEFAULT_INDICES_OPTIONS = {
    "ignore_unavailable": False,
    "expand_wildcards": ["open"],
    "allow_no_indices": True,
    "ignore_throttled": True,
}


def datafeed_missing(ids: str) -> ResourceNotFound:
    return ResourceNotFound(f"No datafeed with id [{ids}] exists")


class Datafeeds:
    def __init__(self, ml: Ml):
        self.ml = ml
        self.docs: dict[str, dict] = {}

    def of_job(self, job_id: str) -> str | None:
        return next((d for d, doc in self.docs.items() if doc["job_id"] == job_id), None)

    def check_new(self, datafeed_id: str, body: dict, job_exists: bool = True) -> None:
        """The checks of DatafeedConfig.build and DatafeedManager.putDatafeed, in their order."""
        if body.get("job_id") is None:
            raise IllegalArgument("[job_id] must not be null.")
        if not ID_PATTERN.match(datafeed_id):
            raise StatusException(invalid_id("datafeed_id", datafeed_id))
        indices = body.get("indices", body.get("indexes"))
        if not indices or any(not i for i in indices):
            shown = "[" + ", ".join(indices or []) + "]"
            raise StatusException(f"Invalid indices value '{shown}' in datafeed configuration")
        if "aggs" in body and "aggregations" in body:
            raise IllegalArgument("Found two aggregation definitions: [aggs] and [aggregations]")
        if body.get("scroll_size", 1000) < 0:
            raise StatusException(f"Invalid scroll_size value '{body['scroll_size']}' in datafeed configuration")
        existing = self.of_job(body["job_id"])
        if existing is not None:
            raise StatusException(f"A datafeed [{existing}] already exists for job [{body['job_id']}]", 409)
        if job_exists and body["job_id"] not in self.ml.jobs.docs:
            raise job_missing(body["job_id"])
        if datafeed_id in self.docs:
            raise ResourceAlreadyExists(f"A datafeed with id [{datafeed_id}] already exists")

    def put(self, datafeed_id: str, body: dict) -> dict:
        """``PUT _ml/datafeeds/{id}``: the path's id wins over one in the body."""
        self.check_new(datafeed_id, body)
        indices = body.get("indices", body.get("indexes"))
        doc = {
            **{k: v for k, v in body.items() if k not in ("indexes", "aggs", "datafeed_id")},
            "datafeed_id": datafeed_id,
            "query_delay": body.get("query_delay") or default_query_delay(body["job_id"]),
            "chunking_config": body.get("chunking_config", {"mode": "auto"}),
            "indices_options": body.get("indices_options", dict(DEFAULT_INDICES_OPTIONS)),
            "query": body.get("query", {"match_all": {}}),
            "indices": list(indices),
            "aggregations": body.get("aggregations", body.get("aggs")),
            "scroll_size": body.get("scroll_size", 1000),
            "delayed_data_check_config": body.get("delayed_data_check_config", {"enabled": True}),
        }
        self.docs[datafeed_id] = _ordered(doc, DATAFEED_ORDER)
        return dict(self.docs[datafeed_id])

    def get(self, expression: str | None, allow_no_match: bool = True) -> dict:
        ids = expand_ids(expression, list(self.docs), allow_no_match=allow_no_match, missing=datafeed_missing)
        return {"count": len(ids), "datafeeds": [dict(self.docs[i]) for i in ids]}

    def delete(self, datafeed_id: str, force: bool = False) -> None:
        if datafeed_id not in self.docs:
            raise datafeed_missing(datafeed_id)
        del self.docs[datafeed_id]


# -- data frame analytics ------------------------------------------------------------------------

DFA_ORDER = (
    "id",
    "create_time",
    "version",
    "authorization",
    "description",
    "source",
    "dest",
    "analysis",
    "analyzed_fields",
    "model_memory_limit",
    "allow_lazy_start",
    "max_num_threads",
    "_meta",
)
OUTLIER_ORDER = (
    "n_neighbors",
    "method",
    "feature_influence_threshold",
    "compute_feature_influence",
    "outlier_fraction",
    "standardization_enabled",
)


def analytics_missing(ids: str) -> ResourceNotFound:
    return ResourceNotFound(f"No known data frame analytics with id [{ids}]")


def analysis_with_defaults(analysis: dict) -> dict:
    ((kind, params),) = analysis.items() if len(analysis) == 1 else ((None, None),)
    if kind is None:
        raise StatusException("analysis must contain exactly one analysis type")
    params = dict(params or {})
    if kind == "outlier_detection":
        for name in ("n_neighbors",):
            if name in params and params[name] < 1:
                raise IllegalArgument(f"[{name}] must be a positive integer")
        for name in ("feature_influence_threshold", "outlier_fraction"):
            if name in params and not 0 <= params[name] <= 1:
                raise IllegalArgument(f"[{name}] must be in [0, 1]")
        params = _ordered(
            {"compute_feature_influence": True, "outlier_fraction": 0.05, "standardization_enabled": True, **params},
            OUTLIER_ORDER,
        )
    elif kind in ("regression", "classification"):
        dependent = params.get("dependent_variable", "")
        defaults = {
            "prediction_field_name": f"{dependent}_prediction",
            "training_percent": 100.0,
            "randomize_seed": int.from_bytes(__import__("os").urandom(7), "big"),
            "early_stopping_enabled": True,
        }
        if kind == "regression":
            defaults["loss_function"] = "mse"
        else:
            defaults.update(class_assignment_objective="maximize_minimum_recall", num_top_classes=2)
        params = {**params, **{k: v for k, v in defaults.items() if k not in params}}
    return {kind: params}


class Analytics:
    def __init__(self, ml: Ml):
        self.ml = ml
        self.docs: dict[str, dict] = {}

    def put(self, analytics_id: str, body: dict) -> dict:
        """``PUT _ml/data_frame/analytics/{id}`` (the mock has no indices: a source index is taken as it is)."""
        if body.get("id") not in (None, analytics_id):
            raise IllegalArgument(
                f"Inconsistent id; '{body['id']}' specified in the body differs from "
                f"'{analytics_id}' specified as a URL argument"
            )
        for field in ("source", "dest", "analysis"):
            if body.get(field) is None:
                raise IllegalArgument(f"[{field}] must not be null.")
        source, dest = body["source"], body["dest"]
        indices = source["index"] if isinstance(source["index"], list) else [source["index"]]
        if not indices:
            raise IllegalArgument("source.index must specify at least one index")
        if any(not i for i in indices):
            raise IllegalArgument("source.index must contain non-null and non-empty strings")
        if not dest["index"]:
            raise StatusException("[index] must be non-empty")
        problems = []
        if not is_valid_id(analytics_id):
            problems.append(invalid_id("id", analytics_id))
        elif len(analytics_id) > MAX_ID_LENGTH:
            problems.append(f"Invalid id; '{analytics_id}' cannot contain more than {MAX_ID_LENGTH} characters.")
        if problems:
            raise ActionRequestValidation(problems)
        if dest["index"] in indices:
            raise StatusException(
                f"Destination index [{dest['index']}] is included in source expression [{','.join(indices)}]"
            )
        if dest["index"] != dest["index"].lower():
            raise StatusException(f"Destination index [{dest['index']}] must be lowercase")
        if body.get("max_num_threads", 1) < 1:
            raise StatusException("[max_num_threads] must be a positive integer")
        if analytics_id in self.docs:
            raise ResourceAlreadyExists(f"A data frame analytics with id [{analytics_id}] already exists")
        analyzed = body.get("analyzed_fields")
        if isinstance(analyzed, list):
            analyzed = {"includes": analyzed, "excludes": []}
        doc = {
            **{k: v for k, v in body.items() if k != "id"},
            "id": analytics_id,
            "create_time": now_millis(),
            "version": CONFIG_VERSION,
            "source": {**source, "index": indices, "query": source.get("query", {"match_all": {}})},
            "dest": {"index": dest["index"], "results_field": dest.get("results_field", "ml")},
            "analysis": analysis_with_defaults(body["analysis"]),
            "analyzed_fields": analyzed,
            "model_memory_limit": byte_size_to_mb(body["model_memory_limit"])
            if "model_memory_limit" in body
            else "1gb",
            "allow_lazy_start": body.get("allow_lazy_start", False),
            "max_num_threads": body.get("max_num_threads", 1),
        }
        self.docs[analytics_id] = _ordered(doc, DFA_ORDER)
        return dict(self.docs[analytics_id])

    def get(self, expression: str | None, allow_no_match: bool = True, from_: int = 0, size: int = 100) -> dict:
        ids = expand_ids(expression, list(self.docs), allow_no_match=allow_no_match, missing=analytics_missing)
        page = ids[from_ : from_ + size]
        return {"count": _page_count(expression, ids, page), "data_frame_analytics": [dict(self.docs[i]) for i in page]}

    def delete(self, analytics_id: str, force: bool = False) -> None:
        if analytics_id not in self.docs:
            raise analytics_missing(analytics_id)
        del self.docs[analytics_id]


def _page_count(expression: str | None, ids: list[str], page: list[str]) -> int:
    """A wildcard or everything counts every hit; exact ids count what is returned."""
    broad = not expression or expression in ("_all", "*") or "*" in expression
    return len(ids) if broad else len(page)


# -- trained models -----------------------------------------------------------------------------

MODEL_ORDER = (
    "model_id",
    "model_type",
    "model_package",
    "platform_architecture",
    "created_by",
    "version",
    "create_time",
    "model_size_bytes",
    "estimated_operations",
    "license_level",
    "description",
    "tags",
    "metadata",
    "input",
    "default_field_map",
    "inference_config",
    "location",
    "prefix_strings",
)
LANG_IDENT = "lang_ident_model_1"
CLASSIFICATION_DEFAULTS = {
    "num_top_classes": 0,
    "top_classes_results_field": "top_classes",
    "results_field": "predicted_value",
    "num_top_feature_importance_values": 0,
    "prediction_field_type": "string",
}
REGRESSION_DEFAULTS = {"results_field": "predicted_value", "num_top_feature_importance_values": 0}
BERT_TOKENIZATION = {
    "bert": {
        "do_lower_case": False,
        "with_special_tokens": True,
        "max_sequence_length": 512,
        "truncate": "first",
        "span": -1,
    }
}
NLP_CONFIGS = (
    "pass_through",
    "text_embedding",
    "text_classification",
    "ner",
    "fill_mask",
    "question_answering",
    "text_similarity",
    "zero_shot_classification",
    "text_expansion",
)
NATIVE_INFERENCE_INDEX = ".ml-inference-native-000002"
BUILT_IN_MODELS = {
    LANG_IDENT: {
        "model_id": LANG_IDENT,
        "model_type": "lang_ident",
        "created_by": "_xpack",
        "version": "7.6.0",
        "create_time": 1575548914594,
        "model_size_bytes": 1053992,
        "estimated_operations": 39629,
        "license_level": "basic",
        "description": "Model used for identifying language from arbitrary input text.",
        "tags": ["lang_ident", "prepackaged"],
        "input": {"field_names": ["text"]},
        "inference_config": {"classification": dict(CLASSIFICATION_DEFAULTS)},
    },
}


def model_missing(ids: str) -> ResourceNotFound:
    return ResourceNotFound(f"No known trained model with model_id [{ids}]")


def inference_config_with_defaults(config: dict) -> dict:
    written = {}
    for kind, params in config.items():
        params = dict(params or {})
        if kind == "classification":
            params = {**CLASSIFICATION_DEFAULTS, **params}
        elif kind == "regression":
            params = {**REGRESSION_DEFAULTS, **params}
        elif kind in NLP_CONFIGS:
            params = {"vocabulary": {"index": NATIVE_INFERENCE_INDEX}, "tokenization": BERT_TOKENIZATION, **params}
        written[kind] = params
    return written


class Models:
    def __init__(self, ml: Ml):
        self.ml = ml
        self.docs: dict[str, dict] = {}

    def all_docs(self) -> dict[str, dict]:
        """Every model, the cluster's built-in ones included, by id."""
        return dict(sorted({**BUILT_IN_MODELS, **self.docs}.items()))

    def put(self, model_id: str, body: dict) -> dict:
        """``PUT _ml/trained_models/{id}``: the config; a definition is accepted and not kept."""
        if body.get("model_id") not in (None, model_id):
            raise IllegalArgument(
                f"Inconsistent model_id; '{body['model_id']}' specified in the body differs from "
                f"'{model_id}' specified as a URL argument"
            )
        has_definition = "definition" in body or "compressed_definition" in body
        problems = []
        if has_definition and "location" in body:
            problems.append("[definition] and [location] are both defined but only one can be used.")
        if not has_definition and not body.get("model_type"):
            problems.append("[model_type] must be set if [definition] is not defined.")
        if body.get("inference_config") is None:
            problems.append("[inference_config] must not be null.")
        if model_id.startswith("."):
            problems.append(f"Invalid model_id; '{model_id}' can start with '.' only for Elastic packaged models")
        elif not is_valid_id(model_id):
            problems.append(invalid_id("model_id", model_id))
        elif len(model_id) > MAX_ID_LENGTH:
            problems.append(f"Invalid model_id; '{model_id}' cannot contain more than {MAX_ID_LENGTH} characters.")
        tags = body.get("tags", [])
        bad_tags = [t for t in tags if not is_valid_id(t) or len(t) > MAX_ID_LENGTH]
        if bad_tags:
            problems.append(
                f"Invalid tags {bad_tags}; must only can contain lowercase alphanumeric (a-z and 0-9), "
                "hyphens or underscores, must start and end with alphanumeric, and must be less than 64 "
                "characters.".replace("'", "")
            )
        if model_id in tags:
            problems.append("none of the tags must equal the model_id")
        illegal = [f for f in ("version", "created_by", "create_time", "license_level", "model_package") if f in body]
        problems += [f"illegal to set [{f}] at inference model creation" for f in illegal]
        if problems:
            raise ActionRequestValidation(problems)
        model_type = body.get("model_type") or "tree_ensemble"
        nlp = any(kind in NLP_CONFIGS for kind in body["inference_config"])
        field_names = (body.get("input") or {}).get("field_names")
        if field_names == []:
            raise IllegalArgument("[input.field_names] must not be empty")
        if body.get("input") is None and not nlp:  # TrainedModelConfig: only NLP configs have a default input
            raise IllegalArgument("[input] must not be null.")
        if model_id in self.all_docs():
            raise ResourceAlreadyExists(f"Trained machine learning model [{model_id}] already exists")
        doc = {
            **{
                k: v
                for k, v in body.items()
                if k not in ("definition", "compressed_definition", "model_id", "estimated_heap_memory_usage_bytes")
            },
            "model_id": model_id,
            "model_type": model_type,
            "created_by": "api_user",
            "version": CONFIG_VERSION,
            "create_time": now_millis(),
            "model_size_bytes": body.get("model_size_bytes", body.get("estimated_heap_memory_usage_bytes", 0)),
            "estimated_operations": body.get("estimated_operations", 0),
            "license_level": "platinum",
            "tags": tags,
            "input": body["input"] if body.get("input") is not None else {"field_names": ["text_field"]},
            "inference_config": inference_config_with_defaults(body["inference_config"]),
            "location": body.get("location")
            or ({"index": {"name": NATIVE_INFERENCE_INDEX}} if model_type == "pytorch" else None),
        }
        self.docs[model_id] = _ordered(doc, MODEL_ORDER)
        return dict(self.docs[model_id])

    def get(
        self,
        expression: str | None,
        allow_no_match: bool = True,
        from_: int = 0,
        size: int = 100,
        tags: list[str] | None = None,
    ) -> dict:
        models = self.all_docs()
        if tags:
            models = {i: m for i, m in models.items() if set(tags) <= set(m.get("tags", []))}
        ids = expand_ids(expression, list(models), allow_no_match=allow_no_match, missing=model_missing)
        page = ids[from_ : from_ + size]
        return {
            "count": _page_count(expression, ids, page),
            "trained_model_configs": [copy.deepcopy(models[i]) for i in page],
        }

    def delete(self, model_id: str, force: bool = False) -> None:
        if model_id == LANG_IDENT:
            raise StatusException(f"Unable to delete model [{model_id}] as it is required by machine learning")
        if model_id not in self.docs:
            raise ResourceNotFound(f"Could not find trained model [{model_id}]")
        del self.docs[model_id]


class Ml:
    """The four kinds of ML configuration, which refer to each other (a datafeed to its job)."""

    def __init__(self):
        self.jobs = Jobs(self)
        self.datafeeds = Datafeeds(self)
        self.analytics = Analytics(self)
        self.models = Models(self)
