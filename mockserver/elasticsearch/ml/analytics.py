"""Data frame analytics: ``/_ml/data_frame/analytics``. Facts from DataFrameAnalyticsConfig and its
transport actions."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ..errors import ActionRequestValidation, IllegalArgument, ResourceAlreadyExists, ResourceNotFound, StatusException
from .common import (
    CONFIG_VERSION,
    MAX_ID_LENGTH,
    byte_size_to_mb,
    expand_ids,
    invalid_id,
    is_valid_id,
    now_millis,
    ordered,
    page_count,
)

if TYPE_CHECKING:
    from . import Ml

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
        params = ordered(
            {"compute_feature_influence": True, "outlier_fraction": 0.05, "standardization_enabled": True, **params},
            OUTLIER_ORDER,
        )
    elif kind in ("regression", "classification"):
        dependent = params.get("dependent_variable", "")
        defaults = {
            "prediction_field_name": f"{dependent}_prediction",
            "training_percent": 100.0,
            "randomize_seed": int.from_bytes(os.urandom(7), "big"),
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
        self.docs[analytics_id] = ordered(doc, DFA_ORDER)
        return dict(self.docs[analytics_id])

    def get(self, expression: str | None, allow_no_match: bool = True, from_: int = 0, size: int = 100) -> dict:
        ids = expand_ids(expression, list(self.docs), allow_no_match=allow_no_match, missing=analytics_missing)
        page = ids[from_ : from_ + size]
        return {"count": page_count(expression, ids, page), "data_frame_analytics": [dict(self.docs[i]) for i in page]}

    def delete(self, analytics_id: str, force: bool = False) -> None:
        if analytics_id not in self.docs:
            raise analytics_missing(analytics_id)
        del self.docs[analytics_id]
