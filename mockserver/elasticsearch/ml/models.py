"""Trained models: ``/_ml/trained_models``, their aliases, definitions, vocabularies and stats.

Facts from TrainedModelConfig, PutTrainedModelAction, GetTrainedModelsAction and the transport actions
(TransportPutTrainedModelAction, TransportGetTrainedModelsAction, TransportDeleteTrainedModelAction,
TransportPutTrainedModelAliasAction, TransportDeleteTrainedModelAliasAction,
TransportPutTrainedModelDefinitionPartAction, TransportPutTrainedModelVocabularyAction,
TransportGetTrainedModelsStatsAction). Deployments are in models_deployments.py, what is checked in and
derived from a definition in models_definitions.py.
"""

from __future__ import annotations

import base64
import copy
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ...jsonvalue import clone
from ..errors import (
    ActionRequestValidation,
    IllegalArgument,
    ResourceAlreadyExists,
    ResourceNotFound,
    StatusException,
    XContentParseError,
)
from .common import (
    CONFIG_VERSION,
    MAX_ID_LENGTH,
    check_same_id,
    expand_ids,
    invalid_id,
    is_valid_id,
    now_millis,
    ordered,
)
from .models_definitions import (
    CLASSIFICATION_DEFAULTS,
    LATEST_INFERENCE_INDEX,
    NATIVE_INFERENCE_INDEX,
    DefinitionProblem,
    base64_problem,
    compress,
    estimated_operations,
    estimated_size_bytes,
    inference_config_with_defaults,
    inflate,
    java_list,
    nlp_config_problem,
    supports_target_type,
    target_type,
    trained_model_of,
    validate_definition,
)
from .models_deployments import Deployments
from .models_ingest import inference_model_ids, ingest_stats, refuse_an_alias_in_use

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
    "definition",
    "compressed_definition",
    "tags",
    "metadata",
    "input",
    "default_field_map",
    "inference_config",
    "location",
    "prefix_strings",
    "fully_defined",
)
# TrainedModelConfig.toXContent leaves these out under exclude_generated (a model exported for import).
GENERATED_FIELDS = ("created_by", "version", "create_time", "model_size_bytes", "estimated_operations", "license_level")
# GetTrainedModelsAction.Includes.KNOWN_INCLUDES, in the order its HashSet (4 buckets, load factor 1, grown to 8)
# iterates and so prints them.
KNOWN_INCLUDES = (
    "hyperparameters",
    "definition",
    "feature_importance_baseline",
    "definition_status",
    "total_feature_importance",
)
LANG_IDENT = "lang_ident_model_1"
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
# PutTrainedModelAliasAction.VALID_MODEL_ALIAS_CHAR_PATTERN: like an id, but not ending in a digit.
MODEL_ALIAS_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9_\-.]*[a-z])?")
MAX_NUM_NATIVE_DEFINITION_PARTS = 10_000
Warn = Callable[[str], None]


def model_missing(ids: str) -> ResourceNotFound:
    """ExceptionsHelper.missingTrainedModel (GET, the alias and deployment actions)."""
    return ResourceNotFound(f"No known trained model with model_id [{ids}]")


def string_array(value: Any) -> Any:
    """ObjectParser.declareStringArray takes a lone string as an array of one."""
    return [value] if isinstance(value, str) else value


def model_not_found(model_id: str) -> ResourceNotFound:
    """Messages.INFERENCE_NOT_FOUND (the delete, definition and vocabulary actions)."""
    return ResourceNotFound(f"Could not find trained model [{model_id}]")


class Models:
    def __init__(self, ml: Ml):
        self.ml = ml
        self.docs: dict[str, dict] = {}
        # The definitions kept apart from the configs (the server stores them as other documents): a tree
        # model's {"definition": ...} or {"compressed": base64}; a pytorch model's parts by number.
        self.definitions: dict[str, dict] = {}
        self.definition_parts: dict[str, dict[int, dict]] = {}
        self.vocabularies: dict[str, dict] = {}
        self.aliases: dict[str, str] = {}  # ModelAliasMetadata: model_alias -> model_id
        self.deployments = Deployments(self)

    def all_docs(self) -> dict[str, dict]:
        """Every model, the cluster's built-in ones included, by id."""
        return dict(sorted({**BUILT_IN_MODELS, **self.docs}.items()))

    def doc_of(self, model_id: str) -> dict:
        """One model's stored config, built-in or put (without building every model's view)."""
        return self.docs[model_id] if model_id in self.docs else BUILT_IN_MODELS[model_id]

    # -- PUT ------------------------------------------------------------------------------------------

    def put(
        self, model_id: str, body: dict, *, defer_definition_decompression: bool = False, warn: Warn | None = None
    ) -> dict:
        """``PUT _ml/trained_models/{id}``: the strict parse and TrainedModelConfig.Builder.validate(true),
        then the transport action's checks of the definition; the definition is kept apart."""
        body = dict(body)
        if "estimated_heap_memory_usage_bytes" in body and warn is not None:  # MODEL_SIZE_BYTES_WITH_DEPRECATION
            warn("Deprecated field [estimated_heap_memory_usage_bytes] used, expected [model_size_bytes] instead")
        check_same_id(body.get("model_id"), model_id, "model_id")
        if "definition" in body and "compressed_definition" in body:
            second = [k for k in body if k in ("definition", "compressed_definition")][1]
            raise XContentParseError(
                f"[trained_model_config] failed to parse field [{second}]",
                caused_by=IllegalArgument("both [compressed_definition] and [definition] cannot be set."),
            )
        if isinstance(body.get("definition"), dict) and not body["definition"].get("trained_model"):
            raise XContentParseError(  # TrainedModelDefinition.Builder.build
                "[trained_model_config] failed to parse field [definition]",
                caused_by=IllegalArgument("[trained_model] must not be null."),
            )
        if isinstance(body.get("compressed_definition"), str) and base64_problem(body["compressed_definition"]):
            raise XContentParseError(
                "[trained_model_config] failed to parse field [compressed_definition]",
                caused_by=IllegalArgument(base64_problem(body["compressed_definition"])),
            )
        config = body.get("inference_config")
        if isinstance(config, dict) and len(config) != 1:  # a named object: exactly one kind of config
            raise XContentParseError("[trained_model_config] failed to parse field [inference_config]")
        config_problem = nlp_config_problem(config or {})
        if config_problem is not None:
            raise XContentParseError(
                "[trained_model_config] failed to parse field [inference_config]", caused_by=config_problem
            )
        body["tags"] = string_array(body.get("tags", []))
        if isinstance(body.get("input"), dict):
            body["input"] = {**body["input"], "field_names": string_array(body["input"].get("field_names"))}
        self._validate_for_creation(model_id, body)
        model_type = body.get("model_type")
        if body.get("input") is None and model_type != "pytorch":  # TrainedModelType: pytorch's default input
            raise IllegalArgument("[input] must not be null.")
        for field in ("model_size_bytes", "estimated_operations"):
            if body.get(field, 0) < 0:
                raise IllegalArgument(f"[{field}] must be greater than or equal to 0")
        model_size = body.get("model_size_bytes", body.get("estimated_heap_memory_usage_bytes", 0))
        compressed = body.get("compressed_definition")
        if defer_definition_decompression and model_size == 0 and compressed is not None:
            raise ActionRequestValidation(
                [
                    "when [defer_definition_decompression] is true and a compressed definition is provided, "
                    "model_size_bytes must be set"
                ]
            )
        definition = body.get("definition")
        if compressed is not None and not defer_definition_decompression:
            definition = inflate(model_id, compressed)
        doc = {
            k: v
            for k, v in body.items()
            if k not in ("definition", "compressed_definition", "model_id", "estimated_heap_memory_usage_bytes")
        }
        if definition is not None:
            model_type = self._check_definition(model_id, model_type, body["inference_config"], definition)
            doc.update(
                model_size_bytes=estimated_size_bytes(definition), estimated_operations=estimated_operations(definition)
            )
        else:
            doc.update(
                model_size_bytes=model_size,
                estimated_operations=body.get("estimated_operations", 0),
                location={
                    "index": {"name": NATIVE_INFERENCE_INDEX if model_type == "pytorch" else LATEST_INFERENCE_INDEX}
                },
            )
        if model_id in self.aliases:
            raise StatusException(
                f"requested model_id [{model_id}] is the same as an existing model_alias. "
                "Model model_aliases and ids must be unique"
            )
        if model_id in self.deployments.assignments:
            raise StatusException(f"Cannot create model [{model_id}] the id is the same as an current model deployment")
        if any(model_id in m.get("tags", []) for m in self.docs.values()):
            raise StatusException(f"The provided model_id {model_id} must not match existing tags.")
        if any(tag in self.docs for tag in body["tags"]):
            raise StatusException(f"The provided tags {java_list(body['tags'])} must not match existing model_ids.")
        if model_id in self.all_docs():
            raise ResourceAlreadyExists(f"Trained machine learning model [{model_id}] already exists")
        doc.update(
            model_id=model_id,
            model_type=model_type,
            created_by="api_user",
            version=CONFIG_VERSION,
            create_time=now_millis(),
            license_level="platinum",
            input=body["input"] if body.get("input") is not None else {"field_names": ["text_field"]},
            inference_config=inference_config_with_defaults(body["inference_config"]),
        )
        self.docs[model_id] = ordered(doc, MODEL_ORDER)
        if definition is not None:
            self.definitions[model_id] = {"definition": definition}
        elif compressed is not None:
            self.definitions[model_id] = {"compressed": compressed}
        return dict(self.docs[model_id])

    @staticmethod
    def _validate_for_creation(model_id: str, body: dict) -> None:
        """TrainedModelConfig.Builder.validate(forCreation=true): every problem, in the builder's order."""
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
        if len(model_id) > MAX_ID_LENGTH:
            problems.append(f"Invalid model_id; '{model_id}' cannot contain more than {MAX_ID_LENGTH} characters.")
        tags = body["tags"]
        bad_tags = [t for t in tags if not is_valid_id(t) or len(t) > MAX_ID_LENGTH]
        if bad_tags:
            problems.append(
                f"Invalid tags {java_list(bad_tags)}; must only can contain lowercase alphanumeric (a-z and 0-9), "
                f"hyphens or underscores, must start and end with alphanumeric, and must be less than "
                f"{MAX_ID_LENGTH} characters."
            )
        if model_id in tags:
            problems.append("none of the tags must equal the model_id")
        field_names = (body.get("input") or {}).get("field_names")
        if field_names == []:
            problems.append("[input.field_names] must not be empty")
        if any(part == "" for name in field_names or [] if "." in name for part in name.split(".")):
            problems.append("[input.field_names] must only contain valid dot delimited field names")
        illegal = [f for f in ("version", "created_by", "create_time", "license_level", "location") if f in body]
        metadata = body.get("metadata") or {}
        illegal += [f"metadata.{f}" for f in ("total_feature_importance", "model_aliases") if f in metadata]
        illegal += ["model_package"] if "model_package" in body else []
        problems += [f"illegal to set [{f}] at inference model creation" for f in illegal]
        if problems:
            raise ActionRequestValidation(problems)

    @staticmethod
    def _check_definition(model_id: str, model_type: str | None, config: dict, definition: dict) -> str:
        """TransportPutTrainedModelAction on a parsed definition: the model validates, its type is the
        config's, and the inference config supports its target type. Answers the model type."""
        try:
            validate_definition(definition)
        except DefinitionProblem as problem:
            raise StatusException(
                f"Definition for [{model_id}] has validation failures.", caused_by=StatusException(str(problem))
            ) from None
        kind = trained_model_of(definition)[0]
        definition_type = "lang_ident" if kind == "lang_ident" else "tree_ensemble"
        if model_type is not None and model_type != definition_type:
            raise StatusException(
                f"model_type [{model_type}] does not match the model definition type [{definition_type}]"
            )
        config_kind = next(iter(config))
        target = target_type(definition)
        if not supports_target_type(config_kind, target):
            raise StatusException(
                f"Model [{model_id}] inference config type [{config_kind}] does not support definition target "
                f"type [{target}]"
            )
        return definition_type

    # -- GET ------------------------------------------------------------------------------------------

    def expand(
        self,
        expression: str | None,
        allow_no_match: bool = True,
        from_: int = 0,
        size: int = 100,
        tags: list[str] | None = None,
    ) -> tuple[int, list[str]]:
        """TrainedModelProvider.expandIds: (the total, the page of model ids). A token, exact or wildcard,
        may name a model_alias, which stands for its model; tags narrow the models first. The total counts
        every match, whatever the expression (the search's total hits)."""
        models = self.all_docs()
        if tags:
            models = {i: m for i, m in models.items() if set(tags) <= set(m.get("tags", []))}
        aliased = {alias: [model_id] for alias, model_id in self.aliases.items() if model_id in models}
        ids = expand_ids(expression, list(models), allow_no_match=allow_no_match, missing=model_missing, groups=aliased)
        return len(ids), ids[from_ : from_ + size]

    def get(
        self,
        expression: str | None,
        allow_no_match: bool = True,
        from_: int = 0,
        size: int = 100,
        tags: list[str] | None = None,
        *,
        include: list[str] | None = None,
        decompress_definition: bool = True,
        exclude_generated: bool = False,
    ) -> dict:
        """``GET _ml/trained_models[/{ids}]``: the configs, each with its model_aliases in its metadata;
        ``include`` adds the definition (one model only) or whether a pytorch model's definition is
        complete (``fully_defined``, one model only)."""
        include = include or []
        unknown = [i for i in dict.fromkeys(include) if i not in KNOWN_INCLUDES]
        if unknown:
            raise StatusException(
                f"unknown [include] parameters {java_list(unknown)}. "
                f"Valid options are {java_list(list(KNOWN_INCLUDES))}"
            )
        count, page = self.expand(expression, allow_no_match, from_, size, tags)
        if page and "definition" in include and len(page) > 1:
            raise StatusException("Getting model definition is not supported when getting more than one model")
        if page and "definition_status" in include:
            if len(page) > 1:
                raise StatusException(
                    "Getting the model download status is not supported when getting more than one model"
                )
            if self.doc_of(page[0]).get("model_type") != "pytorch":
                raise StatusException("Definition status is only relevant to PyTorch model types")
        configs = [self._shown(i, include, decompress_definition, exclude_generated) for i in page]
        return {"count": count, "trained_model_configs": configs}

    def _shown(self, model_id: str, include: list[str], decompress: bool, exclude_generated: bool) -> dict:
        doc = clone(self.doc_of(model_id))
        aliases = sorted(a for a, target in self.aliases.items() if target == model_id)
        if aliases:  # TrainedModelConfig.Builder.setModelAliases
            doc["metadata"] = {**(doc.get("metadata") or {}), "model_aliases": aliases}
        stored = self.definitions.get(model_id)
        if "definition" in include and stored is not None:
            if decompress:
                doc["definition"] = copy.deepcopy(stored.get("definition") or inflate(model_id, stored["compressed"]))
            else:
                doc["compressed_definition"] = stored.get("compressed") or compress(stored["definition"])
        if "definition_status" in include:
            doc["fully_defined"] = self.full_definition_length(model_id) > 0
        for field in GENERATED_FIELDS if exclude_generated else ():
            doc.pop(field, None)
        return ordered(doc, MODEL_ORDER)

    # -- DELETE ---------------------------------------------------------------------------------------

    def delete(self, model_id: str, force: bool = False, pipelines: dict[str, dict] | None = None) -> None:
        """``DELETE _ml/trained_models/{id}``: refused while ingest pipelines name the model or one of its
        aliases, or while it is deployed, unless forced (which stops its deployments); its aliases go
        with it. A model that is not there is a 404 first, whatever names it."""
        if model_id == LANG_IDENT:
            raise StatusException(f"Unable to delete model [{model_id}] as it is required by machine learning")
        if model_id not in self.docs:
            raise model_not_found(model_id)
        referenced = inference_model_ids(pipelines or {})
        aliases = [a for a, target in self.aliases.items() if target == model_id]
        if not force:
            if model_id in referenced:
                raise StatusException(
                    f"Cannot delete model [{model_id}] as it is still referenced by ingest processors; "
                    "use force to delete the model",
                    409,
                )
            refuse_an_alias_in_use("delete", "model", model_id, aliases, referenced)
        if self.deployments.of_model(model_id):
            if not force:
                raise StatusException(
                    f"Cannot delete model [{model_id}] as it is currently deployed; use force to delete the model", 409
                )
            self.deployments.forget_model(model_id)
        for alias in aliases:
            del self.aliases[alias]
        del self.docs[model_id]
        for kept in (self.definitions, self.definition_parts, self.vocabularies):
            kept.pop(model_id, None)

    # -- aliases --------------------------------------------------------------------------------------

    def put_alias(self, model_alias: str, model_id: str, reassign: bool = False, warn: Warn | None = None) -> None:
        """``PUT _ml/trained_models/{id}/model_aliases/{alias}``: PutTrainedModelAliasAction.Request.validate,
        then TransportPutTrainedModelAliasAction's rules for moving an alias from one model to another."""
        problems = []
        if model_alias == model_id:
            problems.append(f"model_alias [{model_alias}] cannot equal model_id [{model_id}]")
        if not MODEL_ALIAS_PATTERN.fullmatch(model_alias):
            problems.append(
                f"Invalid model_alias; '{model_alias}' can contain lowercase alphanumeric (a-z and 0-9), hyphens "
                "or underscores; must start with alphanumeric and cannot end with numbers"
            )
        if problems:
            raise ActionRequestValidation(problems)
        old_id = self.aliases.get(model_alias)
        if old_id is not None and not reassign:
            raise StatusException(
                f"cannot assign model_alias [{model_alias}] to model_id [{model_id}] as model_alias already refers "
                f"to [{old_id}]. Set parameter [reassign] to [true] if model_alias should be reassigned."
            )
        models = self.all_docs()
        if model_alias in models:
            raise StatusException("model_alias cannot be the same as an existing trained model_id")
        new = models.get(model_id)
        if new is None:
            raise model_missing(model_id)
        old = models.get(old_id) if old_id is not None else None
        if old is not None:
            new_kind, old_kind = next(iter(new["inference_config"])), next(iter(old["inference_config"]))
            if new_kind != old_kind:
                raise StatusException(
                    f"cannot reassign model_alias [{model_alias}] to model [{model_id}] with inference config type "
                    f"[{new_kind}] from model [{old_id}] with type [{old_kind}]"
                )
            new_type, old_type = new.get("model_type", "tree_ensemble"), old.get("model_type", "tree_ensemble")
            if new_type != old_type:
                raise StatusException(
                    f"cannot reassign model_alias [{model_alias}] to model [{model_id}] with type [{new_type}] "
                    f"from model [{old_id}] with type [{old_type}]"
                )
            if new_type == "pytorch" and self.deployments.of_model(old_id) and not self.deployments.of_model(model_id):
                raise StatusException(
                    f"cannot reassign model_alias [{model_alias}] to model [{model_id}] from model [{old_id}] as it "
                    "is not yet deployed"
                )
            old_fields, new_fields = set(old["input"]["field_names"]), set(new["input"]["field_names"])
            if (
                len(old_fields - new_fields) > len(old_fields) // 2
                or len(new_fields & old_fields) < len(old_fields) // 2
            ):
                if warn is not None:
                    warn(
                        f"The input fields for new model [{model_id}] and for old model [{old_id}] differ "
                        "significantly, model results may change drastically."
                    )
        self.aliases[model_alias] = model_id

    def delete_alias(self, model_alias: str, model_id: str, pipelines: dict[str, dict] | None = None) -> None:
        """``DELETE _ml/trained_models/{id}/model_aliases/{alias}`` (TransportDeleteTrainedModelAliasAction)."""
        target = self.aliases.get(model_alias)
        if target is None:
            raise StatusException(f"model_alias [{model_alias}] could not be found", 404)
        if target != model_id:
            raise StatusException(f"model_alias [{model_alias}] does not refer to provided model_id [{model_id}]", 409)
        if model_alias in inference_model_ids(pipelines or {}):
            raise StatusException(
                f"Cannot delete model_alias [{model_alias}] as it is still referenced by ingest processors", 409
            )
        del self.aliases[model_alias]

    # -- a pytorch model's definition and vocabulary ---------------------------------------------------

    def put_definition_part(self, model_id: str, part: int, body: dict) -> None:
        """``PUT _ml/trained_models/{id}/definition/{part}``: one base64 chunk of the model, kept with its
        length; the first part of a model that has no size gives it its total_definition_length."""
        total_parts, total_length = body["total_parts"], body["total_definition_length"]
        problems = []
        if part < 0:
            problems.append("[part] must be greater or equal to 0")
        if total_parts <= 0:
            problems.append("[total_parts] must be greater than 0")
        if total_parts > MAX_NUM_NATIVE_DEFINITION_PARTS:
            problems.append(f"[total_parts] must be less than or equal to {MAX_NUM_NATIVE_DEFINITION_PARTS}")
        if total_length <= 0:
            problems.append("[total_definition_length] must be greater than 0")
        if part >= total_parts:
            problems.append("[part] must be less than total_parts")
        if problems:
            raise ActionRequestValidation(problems)
        problem = base64_problem(body["definition"])
        if problem:  # the parser's binaryValue: Jackson's base64 reading
            raise XContentParseError(
                "[put_trained_model_definition_part_action] failed to parse field [definition]",
                caused_by=IllegalArgument(problem),
            )
        encoded = body["definition"]
        length = len(base64.b64decode(encoded + "=" * (-len(encoded) % 4)))
        config = self.docs.get(model_id)
        if config is None:
            raise model_not_found(model_id)
        if config.get("location") is None:
            raise StatusException(f"cannot put definition for model [{model_id}] as location is null")
        parts = self.definition_parts.setdefault(model_id, {})
        if part in parts:
            raise ResourceAlreadyExists(
                f"Trained machine learning model chunked doc [{model_id}][{part}] already exists"
            )
        parts[part] = {"definition_length": length, "total_definition_length": total_length, "total_parts": total_parts}
        if config.get("model_type") == "pytorch" and config.get("model_size_bytes", 0) == 0:
            config["model_size_bytes"] = total_length

    def full_definition_length(self, model_id: str) -> int:
        """TransportStartTrainedModelDeploymentAction.checkFullModelDefinitionIsPresent without errors: the
        total definition length when every part is there, else 0."""
        parts = self.definition_parts.get(model_id) or {}
        if not parts:
            return 0
        total = parts[min(parts)]["total_definition_length"]
        complete = all(p["total_definition_length"] == total for p in parts.values())
        return total if complete and sum(p["definition_length"] for p in parts.values()) == total else 0

    def check_full_definition(self, model_id: str) -> int:
        """The same check as the deployment start makes it: a missing or truncated definition is an error."""
        parts = self.definition_parts.get(model_id) or {}
        if not parts:
            raise ResourceNotFound(f"Could not find trained model definition [{model_id}]")
        length = self.full_definition_length(model_id)
        if length == 0:
            raise StatusException(
                f"Model definition truncated. Unable to deserialize trained model definition [{model_id}]"
            )
        return length

    def put_vocabulary(self, model_id: str, body: dict) -> None:
        """``PUT _ml/trained_models/{id}/vocabulary``: an NLP model's vocabulary (RoBERTa's needs merges)."""
        config = self.docs.get(model_id)
        if config is None:
            raise model_not_found(model_id)
        kind, params = next(iter(config["inference_config"].items()))
        tokenization = (params or {}).get("tokenization") if isinstance(params, dict) else None
        if not tokenization:
            raise StatusException(f"cannot put vocabulary for model [{model_id}] as it is not an NLP model")
        tokenizer = next(iter(tokenization))
        if tokenizer == "roberta" and not body.get("merges"):
            raise StatusException(
                f"cannot put vocabulary for model [{model_id}] as tokenizer type [{tokenizer}] requires [merges] "
                "to be provided and non-empty"
            )
        self.vocabularies[model_id] = copy.deepcopy(body)

    # -- stats ----------------------------------------------------------------------------------------

    def stats(
        self,
        expression: str | None,
        allow_no_match: bool = True,
        from_: int = 0,
        size: int = 100,
        pipelines: dict[str, dict] | None = None,
    ) -> dict:
        """``GET _ml/trained_models[/{ids}]/_stats``: a model's size, the pipelines that name it (by id or
        alias) and its inference counts; a deployed model has an entry per deployment, with its
        deployment_stats, sorted by model then deployment id. ``count`` counts models."""
        count, page = self.expand(expression, allow_no_match, from_, size)
        referenced = inference_model_ids(pipelines or {})
        models = self.all_docs()
        entries = []
        for model_id in page:
            model = models[model_id]
            names = [model_id, *(a for a, target in self.aliases.items() if target == model_id)]
            pipeline_ids = list(dict.fromkeys(p for name in names for p in referenced.get(name, [])))
            if model.get("model_type") == "pytorch":
                # definitionLengths: the total_definition_length of part 0, whether every part is there or not
                length = (self.definition_parts.get(model_id) or {}).get(0, {}).get("total_definition_length", 0)
                size_stats = {
                    "model_size_bytes": length,
                    "required_native_memory_bytes": self.deployments.required_memory(model, length) if length else 0,
                }
            else:
                size_stats = {"model_size_bytes": model.get("model_size_bytes", 0), "required_native_memory_bytes": 0}
            deployments = self.deployments.of_model(model_id)
            for deployment_id in deployments or [None]:
                used_by = pipeline_ids
                if deployment_id is not None:
                    used_by = list(dict.fromkeys([*referenced.get(deployment_id, []), *pipeline_ids]))
                entry: dict[str, Any] = {"model_id": model_id, "model_size_stats": size_stats}
                entry["pipeline_count"] = len(used_by)
                if used_by:
                    entry["ingest"] = ingest_stats(used_by, pipelines or {})
                entry["inference_stats"] = {
                    "failure_count": 0,
                    "inference_count": 0,
                    "cache_miss_count": 0,
                    "missing_all_fields_count": 0,
                    "timestamp": now_millis(),
                }
                if deployment_id is not None:
                    entry["deployment_stats"] = self.deployments.stats_of(deployment_id)
                entries.append(entry)
        return {"count": count, "trained_model_stats": entries}
