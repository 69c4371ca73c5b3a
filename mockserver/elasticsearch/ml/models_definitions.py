"""What a trained model's definition is checked for and what is derived from it: the tree and ensemble
checks, the estimated operations and memory, the compressed form, and the inference config filled in
and checked against the definition's target type.

Facts from x-pack/plugin/core/.../ml/inference (TrainedModelDefinition, trainedmodel/tree/Tree,
trainedmodel/ensemble/Ensemble, InferenceToXContentCompressor, ClassificationConfig, RegressionConfig,
the NLP configs and their Tokenization) and TransportPutTrainedModelAction.
"""

from __future__ import annotations

import base64
import json
import math
import struct
import zlib
from typing import Any

from ..errors import DefinitionTruncated, DefinitionUnreadable, ElasticsearchError, IllegalArgument, StatusException

CLASSIFICATION_DEFAULTS = {
    "num_top_classes": 0,
    "top_classes_results_field": "top_classes",
    "results_field": "predicted_value",
    "num_top_feature_importance_values": 0,
    "prediction_field_type": "string",
}
REGRESSION_DEFAULTS = {"results_field": "predicted_value", "num_top_feature_importance_values": 0}
# Tokenization.toXContent: the common fields in this order, then the tokenizer's own (RobertaTokenization's
# add_prefix_space); BertJapaneseTokenization and MPNetTokenization take Bert's defaults.
TOKENIZATION_DEFAULTS = {
    "bert": {"do_lower_case": False, "with_special_tokens": True, "max_sequence_length": 512, "truncate": "first"},
    "bert_ja": {"do_lower_case": False, "with_special_tokens": True, "max_sequence_length": 512, "truncate": "first"},
    "mpnet": {"do_lower_case": False, "with_special_tokens": True, "max_sequence_length": 512, "truncate": "first"},
    "roberta": {
        "do_lower_case": False,
        "with_special_tokens": True,
        "max_sequence_length": 512,
        "truncate": "first",
        "span": -1,
        "add_prefix_space": False,
    },
}
MASK_TOKENS = {"bert": "[MASK]", "bert_ja": "[MASK]", "mpnet": "<mask>", "roberta": "<mask>"}
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
NATIVE_INFERENCE_INDEX = ".ml-inference-native-000002"  # InferenceIndexConstants.nativeDefinitionStore()
LATEST_INFERENCE_INDEX = ".ml-inference-000005"  # InferenceIndexConstants.LATEST_INDEX_NAME


class DefinitionProblem(Exception):
    """A check of Tree.validate / Ensemble.validate that failed (ExceptionsHelper.badRequestException)."""


def java_list(values: list) -> str:
    """A list as Java's AbstractCollection.toString prints it (MessageFormat and ``{}`` use it)."""
    return "[" + ", ".join(str(v) for v in values) + "]"


# -- the inference config -------------------------------------------------------------------------


def inference_config_with_defaults(config: dict) -> dict:
    """The config as the strict parser builds it: each kind's defaults in, the NLP ones with their
    vocabulary location and the tokenizer's defaults (BertTokenization when none is named)."""
    written = {}
    for kind, params in config.items():
        params = dict(params or {})
        if kind == "classification":
            params = {**CLASSIFICATION_DEFAULTS, **params}
        elif kind == "regression":
            params = {**REGRESSION_DEFAULTS, **params}
        elif kind in NLP_CONFIGS:
            tokenizer, settings = next(iter((params.pop("tokenization", None) or {"bert": {}}).items()))
            defaults = TOKENIZATION_DEFAULTS.get(tokenizer, TOKENIZATION_DEFAULTS["bert"])
            tokenization = {**defaults, **(settings or {})}
            tokenization.setdefault("span", -1)
            tokenization = {k: tokenization[k] for k in [*defaults, "span", *tokenization] if k in tokenization}
            params = {
                "vocabulary": {"index": NATIVE_INFERENCE_INDEX},
                "tokenization": {tokenizer: tokenization},
                **params,
            }
            if kind == "fill_mask":
                params = fill_mask_config(params, tokenizer)
        written[kind] = params
    return written


def fill_mask_config(params: dict, tokenizer: str) -> dict:
    """FillMaskConfig.toXContent: vocabulary, tokenization, num_top_classes (5), results_field when set, and
    the tokenizer's mask token last (the one asked for was checked against it)."""
    written = {"vocabulary": params["vocabulary"], "tokenization": params["tokenization"]}
    written["num_top_classes"] = params.get("num_top_classes", 5)
    if "results_field" in params:
        written["results_field"] = params["results_field"]
    written["mask_token"] = MASK_TOKENS.get(tokenizer, "[MASK]")
    return written


def nlp_config_problem(config: dict) -> ElasticsearchError | None:
    """What the NLP configs' strict parsers refuse: a vocabulary location (the server chooses it), a fill_mask
    mask token that is not the tokenizer's (FillMaskConfig.Builder.validateMaskToken), windowing (span) on
    fill_mask."""
    for kind, params in config.items():
        if kind not in NLP_CONFIGS or not isinstance(params, dict):
            continue
        if "vocabulary" in params:
            return StatusException("illegal setting [vocabulary] on inference model creation")
        if kind == "fill_mask":
            tokenizer, settings = next(iter((params.get("tokenization") or {"bert": {}}).items()))
            expected = MASK_TOKENS.get(tokenizer, "[MASK]")
            if "mask_token" in params and params["mask_token"] != expected:
                requested = params["mask_token"]
                return IllegalArgument(
                    f"Mask token requested was [{requested}] but must be [{expected}] for this model"
                )
            span = (settings or {}).get("span", -1)
            if span != -1:
                return StatusException(
                    f"[fill_mask] does not support windowing long text sequences; configured span [{span}]"
                )
    return None


def supports_target_type(kind: str, target_type: str) -> bool:
    """InferenceConfig.isTargetTypeSupported: classification for classification, regression for regression."""
    return {"classification": "classification", "regression": "regression"}.get(kind) == target_type


# -- the definition -------------------------------------------------------------------------------


def trained_model_of(definition: dict) -> tuple[str, dict]:
    """The definition's one named trained model: (``tree`` / ``ensemble`` / ``lang_ident``, its body)."""
    trained = definition.get("trained_model") or {}
    kind, body = next(iter(trained.items()), ("tree", {}))
    return kind, body or {}


def target_type(definition: dict) -> str:
    """The trained model's target_type (regression unless it says otherwise)."""
    return trained_model_of(definition)[1].get("target_type", "regression")


def validate_definition(definition: dict) -> None:
    """TrainedModel.validate on the definition's model; raises DefinitionProblem."""
    kind, body = trained_model_of(definition)
    if kind == "ensemble":
        _validate_ensemble(body)
    elif kind == "tree":
        _validate_tree(body)


def _validate_ensemble(ensemble: dict) -> None:
    models = ensemble.get("trained_models") or []
    if not models:
        raise DefinitionProblem("[trained_models] must not be empty")
    labels_or_weights = "classification_labels" in ensemble or "classification_weights" in ensemble
    if labels_or_weights and ensemble.get("target_type", "regression") != "classification":
        raise DefinitionProblem(
            "[target_type] should be [classification] if [classification_labels] or [classification_weights] "
            "are provided"
        )
    for model in models:
        kind, body = next(iter(model.items()))
        if kind == "tree":
            _validate_tree(body)
        elif kind == "ensemble":
            _validate_ensemble(body)


def _validate_tree(tree: dict) -> None:
    features = tree.get("feature_names") or []
    nodes = tree.get("tree_structure") or []
    max_feature = max([node.get("split_feature", -1) for node in nodes] or [-1])
    if max_feature >= len(features):
        raise DefinitionProblem(f"feature index [{max_feature}] is out of bounds for the [feature_names] array")
    if len(nodes) > 1 and not features:
        raise DefinitionProblem(
            f"[feature_names] is empty and the tree has > 1 nodes; num nodes [{len(nodes)}]. "
            "The model Must have features if tree is not a stump"
        )
    tree_target = tree.get("target_type", "regression")
    if "classification_labels" in tree and tree_target != "classification":
        raise DefinitionProblem("[target_type] should be [classification] if [classification_labels] are provided")
    if tree_target != "classification" and any(len(_leaf_values(n)) > 1 for n in nodes):
        raise DefinitionProblem("[target_type] should be [classification] if leaf nodes have multiple values")
    missing = [
        child
        for node in nodes
        for child in (node.get("left_child", -1), node.get("right_child", -1))
        if child >= len(nodes)
    ]
    if missing:
        raise DefinitionProblem(f"[tree] contains missing nodes {java_list(missing)}")
    visited, to_visit = set(), [0] if nodes else []
    while to_visit:
        index = to_visit.pop(0)
        if index in visited:
            raise DefinitionProblem(f"[tree] contains cycle at node {index}")
        visited.add(index)
        node = nodes[index]
        to_visit += [c for c in (node.get("left_child", -1), node.get("right_child", -1)) if c >= 0]
    leaf_sizes = {len(_leaf_values(n)) for n in nodes if n.get("left_child", -1) < 0}
    if len(leaf_sizes) > 1:
        raise DefinitionProblem("[tree.tree_structure] all leaf nodes must have the same number of values")


def _leaf_values(node: dict) -> list:
    value = node.get("leaf_value", [])
    return value if isinstance(value, list) else [value]


def estimated_operations(definition: dict) -> int:
    """TrainedModel.estimatedNumOperations: a tree's depth estimate (ceil of ln of its node count) plus
    its features; an ensemble's average over its models (rounded up) plus 2 per model after the first."""

    def of(kind: str, body: dict) -> int:
        if kind == "ensemble":
            counts = [of(*next(iter(m.items()))) for m in body.get("trained_models") or []]
            return math.ceil(sum(counts) / len(counts)) + 2 * (len(counts) - 1) if counts else 0
        nodes = len(body.get("tree_structure") or [])
        return (math.ceil(math.log(nodes)) if nodes else 0) + len(body.get("feature_names") or [])

    return of(*trained_model_of(definition))


def estimated_size_bytes(definition: dict) -> int:
    """The definition's heap size, as TrainedModelDefinition.ramBytesUsed estimates it. The mock counts
    the same parts (the shallow objects, feature names and labels as strings, each node with its leaf
    values, each preprocessor) at JVM-like sizes; the total is near the server's, not equal to it."""

    def string(text: Any) -> int:
        return 40 + 2 * len(str(text))

    def of(kind: str, body: dict) -> int:
        size = 48 + sum(string(f) for f in body.get("feature_names") or [])
        size += sum(string(label) for label in body.get("classification_labels") or [])
        if kind == "ensemble":
            return size + 64 + sum(of(*next(iter(m.items()))) for m in body.get("trained_models") or [])
        return size + sum(72 + 8 * len(_leaf_values(n)) for n in body.get("tree_structure") or [])

    preprocessors = definition.get("preprocessors") or []
    return 32 + of(*trained_model_of(definition)) + sum(64 + 2 * len(json.dumps(p)) for p in preprocessors)


# -- the compressed form --------------------------------------------------------------------------


def compress(definition: dict) -> str:
    """InferenceToXContentCompressor.deflate: the definition's JSON gzipped (java.util.zip's header: no
    mtime, no OS), in base64."""
    data = json.dumps(definition, separators=(",", ":")).encode()
    deflater = zlib.compressobj(6, zlib.DEFLATED, -15)
    body = deflater.compress(data) + deflater.flush()
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x00"
    trailer = struct.pack("<II", zlib.crc32(data) & 0xFFFFFFFF, len(data) & 0xFFFFFFFF)
    return base64.b64encode(header + body + trailer).decode()


def base64_problem(text: str) -> str | None:
    """java.util.Base64.Decoder's refusal of a text that is not base64 (LazyModelDefinition.fromBase64String)."""
    for char in text.rstrip("="):
        if not (char.isascii() and (char.isalnum() or char in "+/")):
            return f"Illegal base64 character {ord(char):x}"
    if len(text.rstrip("=")) % 4 == 1:
        return "Last unit does not have enough valid bits"
    return None


def inflate(model_id: str, compressed: str) -> dict:
    """The definition a base64 gzip holds (InferenceToXContentCompressor.inflate); one that does not inflate
    is refused as TransportPutTrainedModelAction refuses it, ``Failed to parse definition for [id]``, with
    the java.util.zip exception as its cause."""
    data = base64.b64decode(compressed + "=" * (-len(compressed) % 4))
    try:
        definition = json.loads(zlib.decompress(data, 16 + zlib.MAX_WBITS))
    except zlib.error as e:
        if not data.startswith(b"\x1f\x8b"):
            cause: ElasticsearchError = DefinitionUnreadable("Not in GZIP format")
        elif "incomplete" in str(e) or "truncated" in str(e):
            cause = DefinitionTruncated("Unexpected end of ZLIB input stream")
        else:
            cause = DefinitionUnreadable("invalid stored block lengths")
        raise StatusException(f"Failed to parse definition for [{model_id}]", caused_by=cause) from None
    except ValueError:
        raise StatusException(f"Failed to parse definition for [{model_id}]") from None
    if not isinstance(definition, dict):
        raise StatusException(f"Failed to parse definition for [{model_id}]")
    return definition
