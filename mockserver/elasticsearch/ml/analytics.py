"""Data frame analytics: ``/_ml/data_frame/analytics``.

Facts from x-pack/plugin/core/.../ml/dataframe (DataFrameAnalyticsConfig, DataFrameAnalyticsSource,
DataFrameAnalyticsDest, DataFrameAnalyticsConfigUpdate, analyses/OutlierDetection, Regression,
Classification, BoostedTreeParams), the request classes (PutDataFrameAnalyticsAction.Request.validate),
SourceDestValidator with ml's SourceDestValidations.ALL_VALIDATIONS, and the transport actions of
x-pack/plugin/ml (Put, Update, Start, Stop, Delete, GetDataFrameAnalyticsStats). The mock runs no
analytics process: a started job stays started, at zero progress, until it is stopped.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..cluster_settings import MAX_MODEL_MEMORY_LIMIT
from ..errors import (
    NODE_ID,
    ActionRequestValidation,
    ElasticsearchError,
    IllegalArgument,
    IndexNotFound,
    ParseException,
    ParsingError,
    ResourceAlreadyExists,
    ResourceNotFound,
    SecurityException,
    StatusException,
    Validation,
    XContentParseError,
)
from ..indices import index_name_problem, wildcard_pattern
from ..query import NamedObjectNotFound, parse_query
from ..schema_errors import did_you_mean
from ..xcontent import Locations, java_hashmap_order, token_kind
from .common import (
    AWAITING_UPGRADE,
    CONFIG_VERSION,
    MAX_ID_LENGTH,
    authorization_of,
    check_same_id,
    expand_ids,
    format_byte_size,
    invalid_id,
    is_valid_id,
    ml_node,
    now_millis,
    ordered,
    page_count,
    parse_byte_size,
)

if TYPE_CHECKING:
    from ...security import Principal
    from . import Ml

CONFIG = "data_frame_analytics_config"
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
GENERATED = ("create_time", "version", "authorization")  # what ?exclude_generated leaves out
SOURCE_FIELDS = ("index", "query", "_source", "runtime_mappings")
DEST_FIELDS = ("index", "results_field")

# The parameters of each analysis as its parser declares them: name -> value kind.
OUTLIER_PARAMS = {
    "n_neighbors": "int",
    "method": "enum",
    "feature_influence_threshold": "double",
    "compute_feature_influence": "bool",
    "outlier_fraction": "double",
    "standardization_enabled": "bool",
}
BOOSTED_TREE_PARAMS = {
    "lambda": "double",
    "gamma": "double",
    "eta": "double",
    "max_trees": "int",
    "feature_bag_fraction": "double",
    "num_top_feature_importance_values": "int",
    "alpha": "double",
    "eta_growth_rate_per_tree": "double",
    "soft_tree_depth_limit": "double",
    "soft_tree_depth_tolerance": "double",
    "downsample_factor": "double",
    "max_optimization_rounds_per_hyperparameter": "int",
}
# BoostedTreeParams.toXContent's order (not its declaration order).
BOOSTED_TREE_ORDER = (
    "alpha",
    "lambda",
    "gamma",
    "eta",
    "eta_growth_rate_per_tree",
    "max_trees",
    "feature_bag_fraction",
    "num_top_feature_importance_values",
    "soft_tree_depth_limit",
    "soft_tree_depth_tolerance",
    "downsample_factor",
    "max_optimization_rounds_per_hyperparameter",
)
SUPERVISED_PARAMS = {
    "dependent_variable": "string",
    **BOOSTED_TREE_PARAMS,
    "prediction_field_name": "string",
    "training_percent": "double",
    "randomize_seed": "long",
    "feature_processors": "list",
    "early_stopping_enabled": "bool",
}
PARAMS = {
    "outlier_detection": OUTLIER_PARAMS,
    "regression": {**SUPERVISED_PARAMS, "loss_function": "enum", "loss_function_parameter": "double"},
    "classification": {**SUPERVISED_PARAMS, "class_assignment_objective": "enum", "num_top_classes": "int"},
}
OLD_NAMES = {"maximum_number_trees": "max_trees"}  # BoostedTreeParams.MAX_TREES's deprecated name
ENUMS = {
    "method": ("OutlierDetection.Method", ("lof", "ldof", "distance_kth_nn", "distance_knn")),
    "loss_function": ("Regression.LossFunction", ("mse", "msle", "huber")),
    "class_assignment_objective": (
        "Classification.ClassAssignmentObjective",
        ("maximize_accuracy", "maximize_minimum_recall"),
    ),
}
OUTLIER_ORDER = tuple(OUTLIER_PARAMS)
REGRESSION_ORDER = (
    "dependent_variable",
    *BOOSTED_TREE_ORDER,
    "prediction_field_name",
    "training_percent",
    "randomize_seed",
    "loss_function",
    "loss_function_parameter",
    "feature_processors",
    "early_stopping_enabled",
)
CLASSIFICATION_ORDER = (
    "dependent_variable",
    *BOOSTED_TREE_ORDER,
    "class_assignment_objective",
    "num_top_classes",
    "prediction_field_name",
    "training_percent",
    "randomize_seed",
    "feature_processors",
    "early_stopping_enabled",
)
# The phases of each analysis (DataFrameAnalysis.getProgressPhases); ProgressTracker puts reindexing and
# loading_data before them, writing_results after, then inference for the analyses that support it.
ANALYSIS_PHASES = {
    "outlier_detection": ["computing_outliers"],
    "regression": ["feature_selection", "coarse_parameter_search", "fine_tuning_parameters", "final_training"],
    "classification": ["feature_selection", "coarse_parameter_search", "fine_tuning_parameters", "final_training"],
}
# Types.numerical(), Types.categorical() and Types.bool() of ExtractedFieldsDetector: what an analysis reads.
NUMERICAL = {"long", "integer", "short", "byte", "double", "float", "half_float", "scaled_float", "unsigned_long"}
CATEGORICAL = {"keyword", "ip", "constant_keyword", "wildcard"}  # text is read through its keyword multi-field
CLASSIFICATION_CLASSES = (2, 100)  # FieldCardinalityConstraint of the dependent variable
MAX_MEMORY_SETTING = MAX_MODEL_MEMORY_LIMIT  # the cluster setting that caps a job's memory
DEFAULT_MODEL_MEMORY_LIMIT = "1gb"
MIN_MODEL_MEMORY_BYTES = 1024  # DataFrameAnalyticsConfig.MIN_MODEL_MEMORY_LIMIT: 1kb


def analytics_missing(ids: str) -> ResourceNotFound:
    return ResourceNotFound(f"No known data frame analytics with id [{ids}]")


# -- where in the body (for the parse errors) ------------------------------------------------------
class Places:
    """Where the parts of a request body are, (line, column) as Jackson reports them: a field's name
    (``key``), its value's first token (``value``), the last token of an object or array (``end``,
    where a parser stands when it builds what it read). Without a text, nothing is placed."""

    def __init__(self, text: str = ""):
        self.text = text
        self._locations: Locations | None = None

    def _walked(self) -> Locations | None:
        if self._locations is None and self.text:
            self._locations = Locations(self.text)
        return self._locations

    def key(self, path: tuple) -> tuple[int, int] | None:
        walked = self._walked()
        return walked.key(path) if walked and path in walked.keys else None

    def value(self, path: tuple) -> tuple[int, int] | None:
        walked = self._walked()
        return walked.value(path) if walked and path in walked.values else None

    def end(self, path: tuple) -> tuple[int, int] | None:
        walked = self._walked()
        if not walked or path not in walked.values:
            return None
        try:
            _, after = json.JSONDecoder().raw_decode(walked.text, walked.values[path])
        except ValueError:
            return None
        return walked.line_column(after - 1)


def failed_field(field: str, where: tuple[int, int] | None, cause: Exception) -> XContentParseError:
    """ObjectParser's wrapper of what a field's own parser threw, placed where the parser stood."""
    return XContentParseError(f"[{CONFIG}] failed to parse field [{field}]", where, caused_by=cause)


def failed_to_build(parser: str, cause: Exception) -> XContentParseError:
    """ConstructingObjectParser building its object at the end: the wrapper has no location."""
    return XContentParseError(f"Failed to build [{parser}] after last required field arrived", caused_by=cause)


class FieldError(Exception):
    """What a nested parser threw and where its parser stood, for the config's parser to wrap."""

    def __init__(self, error: Exception, where: tuple[int, int] | None):
        super().__init__(str(error))
        self.error, self.where = error, where


def check_fields(parser: str, value: dict, known: tuple | dict, path: tuple, places: Places) -> None:
    """A strict ObjectParser: the first field it does not know (by any of its names), in document order."""
    for name in value:
        if name not in known and OLD_NAMES.get(name) not in known:
            where = places.key(path + (name,))
            raise FieldError(
                XContentParseError(f"[{parser}] unknown field [{name}]{did_you_mean(name, known)}", where), where
            )


# -- byte sizes (ByteSizeValue) ----------------------------------------------------------------------
# -- the analyses --------------------------------------------------------------------------------------
def _typed(parser: str, name: str, kind: str, value: Any, path: tuple, places: Places) -> Any:
    """The value as the field's declared reader takes it (declareDouble, declareInt, ...)."""
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    fits = {
        "double": number,
        "int": number,
        "long": number,
        "bool": isinstance(value, bool),
        "string": isinstance(value, str),
        "enum": isinstance(value, str),
        "list": isinstance(value, list),
    }[kind]
    where = places.value(path)
    if not fits:
        raise FieldError(
            XContentParseError(f"[{parser}] {name} doesn't support values of type: {token_kind(value)}", where), where
        )
    if kind == "double":
        return float(value)
    if kind in ("int", "long"):
        return int(value)
    if kind == "enum":
        java, allowed = ENUMS[name]
        if value.lower() not in allowed:
            cause = IllegalArgument(
                f"No enum constant org.elasticsearch.xpack.core.ml.dataframe.analyses.{java}.{value.upper()}"
            )
            raise FieldError(
                XContentParseError(f"[{parser}] failed to parse field [{name}]", where, caused_by=cause), where
            )
        return value.lower()
    return value


def _read_params(kind: str, given: dict, path: tuple, places: Places, warn: Callable[[str], None]) -> dict:
    check_fields(kind, given, PARAMS[kind], path, places)
    params: dict[str, Any] = {}
    for name, value in given.items():
        new_name = OLD_NAMES.get(name, name)
        if new_name != name:
            warn(f"Deprecated field [{name}] used, expected [{new_name}] instead")
        params[new_name] = _typed(kind, new_name, PARAMS[kind][new_name], value, path + (name,), places)
    return params


def _outlier_detection(params: dict) -> dict:
    """OutlierDetection's constructor, as Builder.build calls it."""
    if params.get("n_neighbors") is not None and params["n_neighbors"] <= 0:
        raise StatusException("[n_neighbors] must be a positive integer")
    threshold = params.get("feature_influence_threshold")
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise StatusException("[feature_influence_threshold] must be in [0, 1]")
    params = {"compute_feature_influence": True, "outlier_fraction": 0.05, "standardization_enabled": True, **params}
    if not 0.0 <= params["outlier_fraction"] <= 1.0:
        raise StatusException("[outlier_fraction] must be in [0, 1]")
    return ordered(params, OUTLIER_ORDER)


def _check_boosted_tree_params(p: dict) -> None:
    """BoostedTreeParams's constructor, in its order."""

    def bad(name: str, rule: str) -> None:
        raise StatusException(f"[{name}] must be {rule}")

    def given(name: str) -> bool:
        return p.get(name) is not None

    if given("lambda") and p["lambda"] < 0:
        bad("lambda", "a non-negative double")
    if given("gamma") and p["gamma"] < 0:
        bad("gamma", "a non-negative double")
    if given("eta") and not 0.001 <= p["eta"] <= 1:
        bad("eta", "a double in [0.001, 1]")
    if given("max_trees") and not 1 <= p["max_trees"] <= 2000:
        bad("max_trees", "an integer in [1, 2000]")
    if given("feature_bag_fraction") and not 0 < p["feature_bag_fraction"] <= 1.0:
        bad("feature_bag_fraction", "a double in (0, 1]")
    if given("num_top_feature_importance_values") and p["num_top_feature_importance_values"] < 0:
        bad("num_top_feature_importance_values", "a non-negative integer")
    if given("alpha") and p["alpha"] < 0:
        bad("alpha", "a non-negative double")
    if given("eta_growth_rate_per_tree") and not 0.5 <= p["eta_growth_rate_per_tree"] <= 2.0:
        bad("eta_growth_rate_per_tree", "a double in [0.5, 2.0]")
    if given("soft_tree_depth_limit") and p["soft_tree_depth_limit"] < 0:
        bad("soft_tree_depth_limit", "a non-negative double")
    if given("soft_tree_depth_tolerance") and p["soft_tree_depth_tolerance"] < 0.01:
        bad("soft_tree_depth_tolerance", "a double greater than or equal to 0.01")
    if given("downsample_factor") and not 0 < p["downsample_factor"] <= 1.0:
        bad("downsample_factor", "a double in (0, 1]")
    rounds = p.get("max_optimization_rounds_per_hyperparameter")
    if rounds is not None and not 0 <= rounds <= 20:
        bad("max_optimization_rounds_per_hyperparameter", "an integer in [0, 20]")


def _supervised(kind: str, params: dict) -> dict:
    """Regression's and Classification's constructors: the tree parameters first, then their own."""
    _check_boosted_tree_params(params)
    if kind == "classification":
        top = params.get("num_top_classes")
        if top is not None and not -1 <= top <= 1000:
            raise StatusException("[num_top_classes] must be an integer in [0, 1000] or a special value -1")
    percent = params.get("training_percent")
    if percent is not None and not 0.0 < percent <= 100.0:
        raise StatusException("[training_percent] must be a positive double in (0, 100]")
    if kind == "regression":
        parameter = params.get("loss_function_parameter")
        if parameter is not None and parameter <= 0.0:
            raise StatusException("[loss_function_parameter] must be a positive double")
    defaults: dict[str, Any] = {
        "prediction_field_name": f"{params['dependent_variable']}_prediction",
        "training_percent": 100.0,
        # Randomness.get().nextLong(): any long
        "randomize_seed": int.from_bytes(os.urandom(8), "big", signed=True),
        "early_stopping_enabled": True,
    }
    if kind == "regression":
        defaults["loss_function"] = "mse"
        order = REGRESSION_ORDER
    else:
        defaults.update(class_assignment_objective="maximize_minimum_recall", num_top_classes=2)
        order = CLASSIFICATION_ORDER
    merged = {**defaults, **{k: v for k, v in params.items() if v is not None}}
    if not merged.get("feature_processors"):
        merged.pop("feature_processors", None)  # written only when there are some
    return ordered(merged, order)


def parse_analysis(analysis: Any, places: Places, warn: Callable[[str], None]) -> dict:
    """DataFrameAnalyticsConfig.parseAnalysis: one named analysis object, then its parser and constructor.
    Every error is wrapped as the config's parser's failure to parse [analysis]."""
    path = ("analysis",)
    if not analysis:
        where = places.end(path)
        raise failed_field(
            "analysis",
            where,
            ParsingError("Failed to parse object: expecting token of type [FIELD_NAME] but found [END_OBJECT]", where),
        )
    kind, given = next(iter(analysis.items()))
    here = path + (kind,)
    if kind not in PARAMS:
        where = places.key(here)
        at = f"[{where[0]}:{where[1]}] " if where else ""
        raise failed_field("analysis", where, NamedObjectNotFound(f"{at}unknown field [{kind}]"))
    if not isinstance(given, dict):
        where = places.value(here)
        cause = XContentParseError(f"[{kind}] Expected START_OBJECT but was: {token_kind(given)}", where)
        raise failed_field("analysis", where, cause)
    try:
        params = _read_params(kind, given, here, places, warn)
    except FieldError as failure:
        raise failed_field("analysis", failure.where, failure.error) from None
    end = places.end(here)
    if kind == "outlier_detection":
        try:
            built = _outlier_detection(params)
        except StatusException as error:
            raise failed_field("analysis", end, error) from None
    else:
        if params.get("dependent_variable") is None:
            raise failed_field("analysis", end, IllegalArgument("Required [dependent_variable]"))
        try:
            built = _supervised(kind, params)
        except StatusException as error:
            raise failed_field("analysis", end, failed_to_build(kind, error)) from None
    if len(analysis) > 1:
        second = places.key(path + (list(analysis)[1],))
        cause = ParsingError(
            "Failed to parse object: expecting token of type [END_OBJECT] but found [FIELD_NAME]", second
        )
        raise failed_field("analysis", second, cause)
    return {kind: built}


# -- source, dest, analyzed fields ---------------------------------------------------------------------
def fetch_source_context(value: Any) -> dict:
    """FetchSourceContext.fromXContent, written back as toXContent does: includes and excludes."""

    def names(v: Any) -> list[str]:
        return [v] if isinstance(v, str) else list(v or [])

    if isinstance(value, bool):
        return {"fetch": value, "includes": [], "excludes": []}
    if isinstance(value, (str, list)):
        return {"fetch": True, "includes": names(value), "excludes": []}
    includes = value.get("includes", value.get("include"))
    excludes = value.get("excludes", value.get("exclude"))
    return {"fetch": True, "includes": names(includes), "excludes": names(excludes)}


def source_filter_xcontent(context: dict) -> Any:
    return {"includes": context["includes"], "excludes": context["excludes"]} if context["fetch"] else False


def parse_source(source: dict, places: Places) -> dict:
    """DataFrameAnalyticsSource: its parser, then its constructor (at the end of the object)."""
    path = ("source",)
    try:
        check_fields("data_frame_analytics_source", source, SOURCE_FIELDS, path, places)
    except FieldError as failure:
        raise failed_field("source", failure.where, failure.error) from None
    if source.get("query") is not None:
        check_query(source["query"], places)
    index = source["index"] if isinstance(source["index"], list) else [source["index"]]
    problem = None
    if not index:
        problem = "source.index must specify at least one index"
    elif any(not i for i in index):
        problem = "source.index must contain non-null and non-empty strings"
    filtering = fetch_source_context(source["_source"]) if source.get("_source") is not None else None
    if problem is None and filtering is not None and not filtering["fetch"]:
        problem = "source._source cannot be disabled"
    refusal: ElasticsearchError | None = IllegalArgument(problem) if problem is not None else None
    for name, definition in (source.get("runtime_mappings") or {}).items() if refusal is None else ():
        # RuntimeMappingsValidator (its "got a" names the key's class, always a String)
        if not isinstance(definition, dict):
            refusal = StatusException(f"Expected map for runtime field [{name}] definition but got a String")
        elif definition.get("type") is None:
            refusal = StatusException(f"No type specified for runtime field [{name}]")
        if refusal is not None:
            break
    if refusal is not None:
        raise failed_field("source", places.end(path), failed_to_build("data_frame_analytics_source", refusal))
    written: dict[str, Any] = {"index": index, "query": source.get("query") or {"match_all": {}}}
    if filtering is not None:
        written["_source"] = source_filter_xcontent(filtering)
    if source.get("runtime_mappings"):
        written["runtime_mappings"] = source["runtime_mappings"]
    return written


def check_query(query: Any, places: Places) -> None:
    """QueryProvider.fromXContent, strict: the query is parsed from its map (re-serialised, so the places
    in its errors are in that text); a query that does not parse is refused with the cause inside."""
    text = json.dumps(query, separators=(",", ":"))
    try:
        parse_query(query, (), Places(text).value)
    except ElasticsearchError as error:
        cause = error.caused_by if isinstance(error.caused_by, (IllegalArgument, NamedObjectNotFound)) else error
        where = places.end(("source", "query"))
        refused = StatusException("Data Frame Analytics config query is not parsable", caused_by=cause)
        raise failed_field(
            "source",
            where,
            XContentParseError("[data_frame_analytics_source] failed to parse field [query]", where, caused_by=refused),
        ) from None


def parse_dest(dest: dict, places: Places) -> dict:
    path = ("dest",)
    try:
        check_fields("data_frame_analytics_dest", dest, DEST_FIELDS, path, places)
    except FieldError as failure:
        raise failed_field("dest", failure.where, failure.error) from None
    if not dest["index"]:
        cause = failed_to_build("data_frame_analytics_dest", StatusException("[index] must be non-empty"))
        raise failed_field("dest", places.end(path), cause)
    return {"index": dest["index"], "results_field": dest.get("results_field") or "ml"}


def is_field_excluded(filtering: dict | None, path: str) -> bool:
    """DataFrameAnalyticsSource.isFieldExcluded: the excludes first, then whether includes name it."""
    if filtering is None:
        return False

    def matches(pattern: str) -> bool:
        if pattern == path:
            return True
        if "*" in pattern:
            return bool(wildcard_pattern(pattern).match(path))
        return bool(wildcard_pattern(pattern + ".*").match(path))

    if any(matches(p) for p in filtering["excludes"]):
        return True
    return bool(filtering["includes"]) and not any(matches(p) for p in filtering["includes"])


def check_index_privileges(
    analytics_id: str, config: dict, principal: Principal | None, holds: Callable[[str, str], bool] | None
) -> None:
    """TransportPutDataFrameAnalyticsAction's has-privileges check, when security is on: read on the source
    indices (not remote ones), read, index and create_index on the dest. ``holds(privilege, index)``:
    whether the caller's roles grant it."""
    if principal is None or holds is None:
        return
    wanted = {i: ["read"] for i in config["source"]["index"] if ":" not in i}
    wanted[config["dest"]["index"]] = ["read", "index", "create_index"]
    answer = {
        index: {p: holds(p, index) for p in java_hashmap_order(privileges)}
        for index, privileges in sorted(wanted.items())
    }
    if all(all(granted.values()) for granted in answer.values()):
        return
    raise SecurityException(
        f"Cannot create data frame analytics [{analytics_id}] because user {principal.username} lacks permissions "
        f"on the indices: {json.dumps(answer, separators=(',', ':'))}",
        403,
    )


class Analytics:
    def __init__(self, ml: Ml):
        self.ml = ml
        self.docs: dict[str, dict] = {}
        # DataFrameAnalyticsState by id; a job not here is stopped (it has no persistent task).
        self.states: dict[str, str] = {}

    def state_of(self, analytics_id: str) -> str:
        return self.states.get(analytics_id, "stopped")

    # -- put -------------------------------------------------------------------------------------------
    def put(
        self,
        analytics_id: str,
        body: dict,
        *,
        principal: Principal | None = None,
        places: Places | None = None,
        warn: Callable[[str], None] = lambda message: None,
        holds: Callable[[str, str], bool] | None = None,
    ) -> dict:
        """``PUT _ml/data_frame/analytics/{id}``: the REST parser (fields in body order, then the id, then
        the builder), the request's validation, the source and dest against the cluster's indices, the
        memory limit against the cluster's maximum, then the store."""
        self.ml.refuse_in_upgrade_mode("ml.put_data_frame_analytics")
        places = places or Places()
        config = self._parse(body, places, warn)
        check_same_id(config.get("id"), analytics_id)
        config["id"] = analytics_id
        explicit_limit = config.get("model_memory_limit")
        self._check_minimum_memory(explicit_limit)
        for field in ("source", "dest", "analysis"):
            if config.get(field) is None:
                raise IllegalArgument(f"[{field}] must not be null.")
        if config.get("max_num_threads") is not None and config["max_num_threads"] < 1:
            raise StatusException("[max_num_threads] must be a positive integer")
        self._validate_request(config)
        self.validate_source_dest(config["source"]["index"], config["dest"]["index"])
        config["model_memory_limit"] = self._capped_memory(explicit_limit)
        check_index_privileges(analytics_id, config, principal, holds)
        if analytics_id in self.docs:
            raise ResourceAlreadyExists(f"A data frame analytics with id [{analytics_id}] already exists")
        config.update(create_time=now_millis(), version=CONFIG_VERSION, authorization=authorization_of(principal))
        config.setdefault("allow_lazy_start", False)
        config.setdefault("max_num_threads", 1)
        self.docs[analytics_id] = ordered(config, DFA_ORDER)
        return self.render(analytics_id)

    def _parse(self, body: dict, places: Places, warn: Callable[[str], None]) -> dict:
        """STRICT_PARSER: each field's reader in document order (the schema has refused unknown fields)."""
        config: dict[str, Any] = {}
        for field, value in body.items():
            if value is None:
                continue
            if field == "source":
                config["source"] = parse_source(value, places)
            elif field == "dest":
                config["dest"] = parse_dest(value, places)
            elif field == "analysis":
                config["analysis"] = parse_analysis(value, places, warn)
            elif field == "analyzed_fields":
                config["analyzed_fields"] = source_filter_xcontent(fetch_source_context(value))
            elif field == "model_memory_limit":
                try:
                    config["model_memory_limit"] = parse_byte_size(value)
                except (ParseException, IllegalArgument) as error:
                    raise failed_field(field, places.value((field,)), error) from None
            elif field == "_meta" and not self.ml.release.at_least(8, 8):  # DataFrameAnalyticsConfig.META: 8.8
                raise XContentParseError(f"[{CONFIG}] unknown field [_meta]", places.key(("_meta",)))
            else:
                config[field] = value
        return config

    @staticmethod
    def _check_minimum_memory(limit: tuple[int, str] | None) -> None:
        if limit is not None and limit[0] < MIN_MODEL_MEMORY_BYTES:
            raise StatusException(f"model_memory_limit must be at least 1kb. Value = {format_byte_size(limit[0])}")

    def _capped_memory(self, limit: tuple[int, str] | None) -> str:
        """Builder.applyMaxModelMemoryLimit: an explicit limit over the cluster's maximum is refused; the
        default is silently capped to it."""
        maximum = self.ml.max_model_memory_limit()
        capped = maximum is not None and maximum[0] >= 1024 * 1024
        if limit is not None:
            if capped and limit[0] > maximum[0]:
                raise StatusException(
                    f"model_memory_limit [{format_byte_size(limit[0])}] must be less than the value of the "
                    f"{MAX_MEMORY_SETTING} setting [{format_byte_size(maximum[0])}]"
                )
            return limit[1]
        if capped and maximum[0] < 1024**3:
            return maximum[1]
        return DEFAULT_MODEL_MEMORY_LIMIT

    @staticmethod
    def _validate_request(config: dict) -> None:
        """PutDataFrameAnalyticsAction.Request.validate: the id, the dest name, the analyzed fields."""
        problems = []
        analytics_id = config["id"]
        if not is_valid_id(analytics_id):
            problems.append(invalid_id("id", analytics_id))
        if len(analytics_id) > MAX_ID_LENGTH:
            problems.append(f"Invalid id; '{analytics_id}' cannot contain more than {MAX_ID_LENGTH} characters.")
        dest = config["dest"]["index"]
        problem = index_name_problem(dest, lowercase=False)  # validateIndexOrAliasName
        if problem is not None:
            problems.append(f"Invalid index name [{dest}], {problem}")
        elif dest.lower() != dest:
            problems.append(f"Destination index [{dest}] must be lowercase")
        if config.get("analyzed_fields") is not None:
            analyzed = fetch_source_context(config["analyzed_fields"])
            filtering = config["source"].get("_source")
            context = fetch_source_context(filtering) if filtering is not None else None
            for include in analyzed["includes"]:
                if is_field_excluded(context, include):
                    problems.append(f"field [{include}] is included in [analyzed_fields] but not in [source._source]")
                    break
        if problems:
            raise ActionRequestValidation(problems)

    def validate_source_dest(self, source: list[str], dest: str) -> None:
        """SourceDestValidator with ALL_VALIDATIONS: the source must resolve (a missing concrete index is an
        error, a wildcard may match nothing), the dest must name one write index and not be in the
        source, and no source index may be remote. The errors are collected into one ValidationException."""
        problems: list[str] = []
        remote = sorted({i for i in source if ":" in i})
        local = sorted(set(source) - set(remote))
        try:
            resolved = sorted({i.name for i in self.ml.indices.resolve(local)}) if local else []
        except IndexNotFound as error:
            problems.append(error.reason)
            resolved = local
        resolved_dest = self._write_index(dest, problems)
        matched = False
        for pattern in source:
            if wildcard_pattern(pattern).match(dest):
                problems.append(f"Destination index [{dest}] is included in source expression [{pattern}]")
                matched = True
        if not matched:
            if dest in resolved:
                problems.append(f"Destination index [{dest}] is included in source expression [{','.join(source)}]")
            elif resolved_dest in resolved:
                problems.append(
                    f"Destination index [{resolved_dest}] is included in source expression [{','.join(resolved)}]"
                )
        if remote:
            problems.append("remote source indices are not supported")
        if problems:
            raise Validation(problems)

    def _write_index(self, dest: str, problems: list[str]) -> str:
        """IndexNameExpressionResolver.concreteWriteIndex of the dest: an index, an alias's one index or
        its write index, or the name itself when nothing has it yet. An alias of several indices without
        a write index stops the validation there."""
        indices = self.ml.indices
        if indices.get(dest) is not None:
            return dest
        targets = indices.alias_targets(dest)
        if not targets:
            return dest
        writable = [i for i in targets if i.aliases[dest].get("is_write_index")]
        if len(targets) == 1 or writable:
            return (writable or targets)[0].name
        problems.append(
            f"no write index is defined for alias [{dest}]. The write index may be explicitly disabled using "
            "is_write_index=false or the alias points to multiple indices without one being designated as a "
            "write index"
        )
        raise Validation(problems)

    # -- get, stats ------------------------------------------------------------------------------------
    def render(self, analytics_id: str, exclude_generated: bool = False) -> dict:
        doc = dict(self.docs[analytics_id])
        if exclude_generated:
            for field in GENERATED:
                doc.pop(field, None)
        return doc

    def _expand(self, expression: str | None, allow_no_match: bool) -> list[str]:
        return expand_ids(expression, list(self.docs), allow_no_match=allow_no_match, missing=analytics_missing)

    def page_ids(self, expression: str | None, allow_no_match: bool = True, from_: int = 0, size: int = 100) -> list:
        """The ids a GET of this page answers, in its order."""
        return self._expand(expression, allow_no_match)[from_ : from_ + size]

    def get(
        self,
        expression: str | None,
        allow_no_match: bool = True,
        from_: int = 0,
        size: int = 100,
        exclude_generated: bool = False,
    ) -> dict:
        ids = self._expand(expression, allow_no_match)
        page = ids[from_ : from_ + size]
        return {
            "count": page_count(expression, ids, page),
            "data_frame_analytics": [self.render(i, exclude_generated) for i in page],
        }

    def stats(self, expression: str | None, allow_no_match: bool = True, from_: int = 0, size: int = 100) -> dict:
        """``GET _ml/data_frame/analytics/{id}/_stats``: the page of the GET, each job's Stats; the count is
        the GET's."""
        ids = self._expand(expression, allow_no_match)
        page = ids[from_ : from_ + size]
        return {"count": page_count(expression, ids, page), "data_frame_analytics": [self.stats_of(i) for i in page]}

    def stats_of(self, analytics_id: str) -> dict:
        """GetDataFrameAnalyticsStatsAction.Response.Stats.toUnwrappedXContent for a job that has not run
        (the mock runs none): every phase at 0, no documents counted, no memory used."""
        (kind,) = self.docs[analytics_id]["analysis"]
        phases = ["reindexing", "loading_data", *ANALYSIS_PHASES[kind], "writing_results"]
        if kind != "outlier_detection":  # supportsInference
            phases.append("inference")
        state = self.state_of(analytics_id)
        stats: dict[str, Any] = {
            "id": analytics_id,
            "state": state,
            "progress": [{"phase": phase, "progress_percent": 0} for phase in phases],
            "data_counts": {"training_docs_count": 0, "test_docs_count": 0, "skipped_docs_count": 0},
            "memory_usage": {"peak_usage_bytes": 0, "status": "ok"},
        }
        if state != "stopped" and self.ml.info.upgrade_mode:  # TransportSetUpgradeModeAction unassigned it
            stats["assignment_explanation"] = AWAITING_UPGRADE
        elif state != "stopped":  # its persistent task is assigned to the node
            stats["node"] = ml_node()
            stats["assignment_explanation"] = ""
        return stats

    # -- start, stop -------------------------------------------------------------------------------------
    def start(self, analytics_id: str, body: dict | None = None) -> dict:
        """``POST _ml/data_frame/analytics/{id}/_start``: TransportStartDataFrameAnalyticsAction's steps:
        the config, its source and dest, the fields it can analyse, an empty dest, documents that have
        them; then the task, which must not exist yet."""
        self.ml.refuse_in_upgrade_mode("ml.start_data_frame_analytics")
        check_same_id((body or {}).get("id"), analytics_id)
        if analytics_id not in self.docs:
            raise analytics_missing(analytics_id)
        config = self.docs[analytics_id]
        source, dest = config["source"]["index"], config["dest"]["index"]
        self.validate_source_dest(source, dest)
        indices = [i for i in self.ml.indices.resolve([s for s in source if ":" not in s])]
        (kind,) = config["analysis"]
        analysis = config["analysis"][kind]
        required = [analysis["dependent_variable"]] if kind != "outlier_detection" else []
        sources = matching_sources(config["source"]["query"], indices)
        features = self._detect_fields(config, kind, indices, required, sources)
        dest_index = self.ml.indices.get(self._write_index(dest, []))
        if dest_index is not None and len(dest_index) > 0:
            raise StatusException(f"dest index [{dest}] must be empty")
        if not [f for f in features if f not in required]:
            excluding = f" (excluding fields [{', '.join(required)}])" if required else ""
            raise StatusException(f"at least one field must be included in the analysis{excluding}")
        # Outlier detection needs every field in a document; the others do with the required ones.
        needed = features if kind == "outlier_detection" else required
        rows = sum(1 for doc in sources if all(_has(doc, f) for f in needed))
        if rows == 0:
            raise StatusException(
                f"Unable to start {analytics_id} as no documents in the source indices [{','.join(source)}] "
                "contained all the fields selected for analysis. If you are relying on automatic field selection "
                "then there are currently mapped fields that do not exist in any indexed documents, and you will "
                "have to switch to explicit field selection and include only fields that exist in indexed documents."
            )
        if self.state_of(analytics_id) != "stopped":
            raise StatusException(
                f"Cannot start data frame analytics [{analytics_id}] because it has already been started", 409
            )
        refused = self.ml.assignment_refused("xpack/ml/data_frame/analytics")
        if refused is not None:  # TransportStartDataFrameAnalyticsAction.AnalyticsPredicate
            raise StatusException(f"Could not start data frame analytics task, allocation explanation [{refused}]", 429)
        self.states[analytics_id] = "started"
        return {"acknowledged": True, "node": NODE_ID}

    @staticmethod
    def _detect_fields(config: dict, kind: str, indices: list, required: list[str], sources: list[dict]) -> list[str]:
        """ExtractedFieldsDetector, simply: the mapped fields of a type the analysis reads, those the
        analyzed_fields and source._source keep, with the dependent variable's checks."""
        types: dict[str, set[str]] = {}
        read_from: dict[str, str] = {}  # a multi-field's values are its parent's
        for index in indices:
            for path, field in index.mapping.fields.items():
                if field.type not in ("object", "nested"):
                    types.setdefault(path, set()).add(field.type)
                    read_from[path] = field.source_path
        allowed = NUMERICAL | {"boolean"} if kind == "outlier_detection" else NUMERICAL | CATEGORICAL | {"boolean"}
        analyzed = (
            fetch_source_context(config["analyzed_fields"]) if config.get("analyzed_fields") is not None else None
        )
        filtering = config["source"].get("_source")
        context = fetch_source_context(filtering) if filtering is not None else None
        for name in required:
            if name not in types:
                raise StatusException(f"no mappings could be found for field [{name}]")
        features = []
        for path, kinds in sorted(types.items()):
            if not kinds <= allowed or is_field_excluded(context, path):
                continue
            if analyzed is not None and path not in required and is_field_excluded(analyzed, path):
                continue
            features.append(read_from[path])
        if kind == "classification":
            (dependent,) = required
            values = {json.dumps(_value(doc, dependent), sort_keys=True) for doc in sources if _has(doc, dependent)}
            low, high = CLASSIFICATION_CLASSES
            if len(values) < low:
                raise StatusException(
                    f"Field [{dependent}] must have at least [{low}] distinct values but there were [{len(values)}]"
                )
            if len(values) > high:
                raise StatusException(
                    f"Field [{dependent}] must have at most [{high}] distinct values but there were at least "
                    f"[{len(values)}]"
                )
        return features

    def stop(self, expression: str, allow_no_match: bool = True, force: bool = False, body: dict | None = None) -> dict:
        """``POST _ml/data_frame/analytics/{id}/_stop``: the ids the expression names (an exact id must
        exist), each stopped; stopping a stopped job is no error. ``force`` is what stops a failed job
        too, and the mock's jobs never fail."""
        self.ml.refuse_in_upgrade_mode("ml.stop_data_frame_analytics")
        body = body or {}
        check_same_id(body.get("id"), expression)
        allow_no_match = body.get("allow_no_match", allow_no_match)
        for analytics_id in self._expand(expression, allow_no_match):
            self.states.pop(analytics_id, None)
        return {"stopped": True}

    # -- update, delete ----------------------------------------------------------------------------------
    def update(
        self,
        analytics_id: str,
        body: dict,
        *,
        principal: Principal | None = None,
        places: Places | None = None,
    ) -> dict:
        """``POST _ml/data_frame/analytics/{id}/_update``: DataFrameAnalyticsConfigUpdate merged into the
        config; a started job takes only what needs no restart (not the memory limit nor the threads)."""
        places = places or Places()
        update: dict[str, Any] = {}
        for field, value in body.items():
            if field == "model_memory_limit":
                try:
                    update[field] = parse_byte_size(value)
                except (ParseException, IllegalArgument) as error:
                    raise XContentParseError(
                        f"[data_frame_analytics_config_update] failed to parse field [{field}]",
                        places.value((field,)),
                        caused_by=error,
                    ) from None
            elif value is not None:
                update[field] = value
        check_same_id(update.get("id"), analytics_id)
        if update.get("max_num_threads") is not None and update["max_num_threads"] < 1:
            raise StatusException("[max_num_threads] must be a positive integer")
        if analytics_id not in self.docs:
            raise analytics_missing(analytics_id)
        config = self.docs[analytics_id]
        limit = update.get("model_memory_limit")
        current_limit = parse_byte_size(config["model_memory_limit"])[0]
        restart = (limit is not None and limit[0] != current_limit) or update.get("max_num_threads") not in (
            None,
            config["max_num_threads"],
        )
        if self.state_of(analytics_id) != "stopped" and restart:
            raise StatusException(f"Cannot update analytics [{analytics_id}] unless it's stopped", 409)
        self._check_minimum_memory(limit)
        merged = dict(config)
        for field in ("description", "allow_lazy_start", "max_num_threads"):
            if field in update:
                merged[field] = update[field]
        if limit is not None:
            merged["model_memory_limit"] = self._capped_memory(limit)
        merged["authorization"] = authorization_of(principal)  # the updater's headers replace the old
        self.docs[analytics_id] = ordered(merged, DFA_ORDER)
        return self.render(analytics_id)

    def delete(self, analytics_id: str, force: bool = False) -> None:
        """TransportDeleteDataFrameAnalyticsAction: a job that is not stopped needs ``force`` (which
        stops it first)."""
        self.ml.refuse_in_upgrade_mode("ml.delete_data_frame_analytics")
        state = self.state_of(analytics_id)
        if state != "stopped" and not force:
            raise StatusException(
                f"Cannot delete data frame analytics [{analytics_id}] while its status is [{state}]", 409
            )
        if analytics_id not in self.docs:
            raise analytics_missing(analytics_id)
        self.states.pop(analytics_id, None)
        del self.docs[analytics_id]


def matching_sources(query: dict, indices: list) -> list[dict]:
    """The sources of the documents the job's query matches in its source indices (what its searches read)."""
    parsed = parse_query(query, (), Places(json.dumps(query, separators=(",", ":"))).value)
    return [index.source(doc_id) for index in indices for doc_id in parsed.run(index)]


def _value(doc: dict, path: str) -> Any:
    """A field's value in a source, by its dotted path (objects or dotted keys)."""
    if path in doc:
        return doc[path]
    head, _, rest = path.partition(".")
    if rest and isinstance(doc.get(head), dict):
        return _value(doc[head], rest)
    return None


def _has(doc: dict, path: str) -> bool:
    return _value(doc, path) is not None
