"""Trained models: ``/_ml/trained_models``. Facts from TrainedModelConfig and its transport actions."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from ..errors import ActionRequestValidation, IllegalArgument, ResourceAlreadyExists, ResourceNotFound, StatusException
from .common import CONFIG_VERSION, MAX_ID_LENGTH, expand_ids, invalid_id, is_valid_id, now_millis, ordered, page_count

if TYPE_CHECKING:
    from . import Ml

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
        self.docs[model_id] = ordered(doc, MODEL_ORDER)
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
            "count": page_count(expression, ids, page),
            "trained_model_configs": [copy.deepcopy(models[i]) for i in page],
        }

    def delete(self, model_id: str, force: bool = False) -> None:
        if model_id == LANG_IDENT:
            raise StatusException(f"Unable to delete model [{model_id}] as it is required by machine learning")
        if model_id not in self.docs:
            raise ResourceNotFound(f"Could not find trained model [{model_id}]")
        del self.docs[model_id]
