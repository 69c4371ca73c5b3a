"""Datafeeds: ``/_ml/datafeeds``. Facts from DatafeedConfig, DatafeedUpdate, DatafeedJobValidator,
DatafeedConfigUtils, IndicesOptions, XContentUtils.addAuthorizationInfo and the datafeed transport
actions (put, update, start, stop, delete, stats) of x-pack/plugin/ml.

The mock has no datafeed process: a started datafeed stays started until it is stopped (or force-deleted).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..dates import DateParseError, parse_math
from ..errors import (
    NODE_ID,
    ActionRequestValidation,
    ElasticsearchError,
    IllegalArgument,
    NotMocked,
    ParseException,
    ResourceAlreadyExists,
    ResourceNotFound,
    StatusException,
    XContentParseError,
)
from ..query import NamedObjectNotFound, parse_query
from ..xcontent import Locations, Locator, java_string_hash
from .common import (
    AWAITING_UPGRADE,
    ID_PATTERN,
    TimeValue,
    authorization_of,
    expand_ids,
    invalid_id,
    job_missing,
    ml_node,
    ordered,
)

if TYPE_CHECKING:
    from ...security import Principal
    from . import Ml


def default_query_delay(job_id: str) -> str:
    """A datafeed's default query_delay: java.util.Random(jobId.hashCode()).longs(60000, 120000), first."""
    mask = (1 << 48) - 1
    hash_code = java_string_hash(job_id)
    hash_code -= (1 << 32) if hash_code >= 1 << 31 else 0  # the int, sign-extended to Random's long seed
    seed = (hash_code ^ 0x5DEECE66D) & mask

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
# SearchRequest.DEFAULT_INDICES_OPTIONS (strictExpandOpenAndForbidClosedIgnoreThrottled): a datafeed's
# own, and the base that indices_options given in a body or as URL parameters are read over.
# A tuple of pairs, never a dict a caller could edit: default_indices_options() makes a new one.
DEFAULT_INDICES_OPTIONS = (
    ("ignore_unavailable", False),
    ("expand_wildcards", ("open",)),
    ("allow_no_indices", True),
    ("ignore_throttled", True),
)


def default_indices_options() -> dict:
    """SearchRequest.DEFAULT_INDICES_OPTIONS as a datafeed writes it, a new dict (and list) each time."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in DEFAULT_INDICES_OPTIONS}


WILDCARD_STATES = ("open", "closed", "hidden")  # IndicesOptions.WildcardStates, the order it writes them
# IndicesOptions.fromMap reads each option under its snake_case or camelCase name.
INDICES_OPTION_NAMES = {
    "expand_wildcards": "expandWildcards",
    "ignore_unavailable": "ignoreUnavailable",
    "allow_no_indices": "allowNoIndices",
    "ignore_throttled": "ignoreThrottled",
}
IGNORE_THROTTLED_DEPRECATION = (
    "[ignore_throttled] parameter is deprecated because frozen indices have been deprecated. "
    "Consider cold or frozen tiers in place of frozen indices."
)
CALENDAR_INTERVALS = {
    **dict.fromkeys(("1ms",), 1),
    **dict.fromkeys(("1s", "second"), 1000),
    **dict.fromkeys(("1m", "minute"), 60_000),
    **dict.fromkeys(("1h", "hour"), 3_600_000),
    **dict.fromkeys(("1d", "day"), 86_400_000),
    **dict.fromkeys(("1w", "week"), 604_800_000),
}


def datafeed_missing(ids: str) -> ResourceNotFound:
    return ResourceNotFound(f"No datafeed with id [{ids}] exists")


def message_number(value: int) -> str:
    """A number as java.text.MessageFormat writes a ``{0}`` argument: grouped by thousands."""
    return f"{value:,}"


def invalid_option(field: str, value: Any) -> StatusException:
    """DATAFEED_CONFIG_INVALID_OPTION_VALUE: ``Invalid {0} value ''{1}'' in datafeed configuration``."""
    shown = message_number(value) if isinstance(value, int) else value
    return StatusException(f"Invalid {field} value '{shown}' in datafeed configuration")


def string_list(value: str | list[str]) -> list[str]:
    """ObjectParser.declareStringArray: an array, or one string as a list of one."""
    return [value] if isinstance(value, str) else list(value)


def to_millis(rep: str) -> float:
    return TimeValue.parse(rep, "value").millis


def millis_rep(millis: float) -> str:
    """TimeValue.timeValueMillis(n).getStringRep()."""
    return TimeValue.of_millis(millis).rep


def indices_options(given: dict) -> dict:
    """IndicesOptions.fromMap over SearchRequest.DEFAULT_INDICES_OPTIONS (fromParameters: an option not
    given keeps the default), as IndicesOptions.toXContent writes it."""
    options = default_indices_options()
    for name, alias in INDICES_OPTION_NAMES.items():
        value = given.get(name, given.get(alias))
        if value is None:
            continue
        if name == "expand_wildcards":
            options[name] = _wildcard_states(value)
        else:
            options[name] = _boolean(value, name)
    return options


def _wildcard_states(value: Any) -> list[str]:
    """WildcardOptions.Builder.expandStates over nodeStringArrayValue (a comma list or an array)."""
    states = value.split(",") if isinstance(value, str) else [str(v) for v in value]
    chosen: set[str] = set()
    for state in states:
        if state in WILDCARD_STATES:
            chosen.add(state)
        elif state == "all":
            chosen.update(WILDCARD_STATES)
        elif state == "none":
            chosen.clear()
        else:
            raise IllegalArgument(f"No valid expand wildcard value [{state}]")
    return [s for s in WILDCARD_STATES if s in chosen]


def _boolean(value: Any, name: str) -> bool:
    """XContentMapValues.nodeBooleanValue(value, name)."""
    if isinstance(value, bool):
        return value
    if str(value) in ("true", "false"):
        return str(value) == "true"
    raise IllegalArgument(f"Could not convert [{name}] to boolean")


def indices_options_xcontent(options: dict, release) -> dict:
    """IndicesOptions.toXContent's order: the record's (concrete target, wildcard, gatekeeper options)
    since 8.13 (elastic/elasticsearch#104655, merged early 2024); before it the flags' toXContent,
    expand_wildcards first."""
    order = (
        ("ignore_unavailable", "expand_wildcards", "allow_no_indices", "ignore_throttled")
        if release is None or release.at_least(8, 13)
        else ("expand_wildcards", "ignore_unavailable", "allow_no_indices", "ignore_throttled")
    )
    return {k: options[k] for k in order}


# -- aggregations ---------------------------------------------------------------------------------

_AGG_CHILDREN = ("aggs", "aggregations")


def _agg_type(spec: dict) -> tuple[str | None, dict]:
    kind = next((k for k in spec if k not in (*_AGG_CHILDREN, "meta")), None)
    body = spec.get(kind) if kind is not None else None
    return kind, body if isinstance(body, dict) else {}


def _sub_aggs(spec: dict) -> dict:
    children = spec.get("aggs", spec.get("aggregations"))
    return children if isinstance(children, dict) else {}


def histogram_aggregation(aggs: dict) -> tuple[str, dict]:
    """DatafeedConfigUtils.getHistogramAggregation: the one date_histogram, histogram or composite,
    at the top or down a single chain of aggregations."""
    if not aggs:
        raise StatusException("A date_histogram (or histogram) aggregation is required")
    if len(aggs) > 1:
        raise StatusException("The date_histogram (or histogram) aggregation cannot have sibling aggregations")
    name, spec = next(iter(aggs.items()))
    kind, _ = _agg_type(spec if isinstance(spec, dict) else {})
    if kind in ("date_histogram", "histogram", "composite"):
        return name, spec
    return histogram_aggregation(_sub_aggs(spec))


def histogram_interval_millis(spec: dict) -> float:
    """DatafeedConfigUtils.getHistogramIntervalMillis: a date_histogram's fixed or calendar interval
    (or the older ``interval``), a histogram's interval."""
    kind, body = _agg_type(spec)
    if kind == "composite":
        sources = body.get("sources") or []
        for source in sources:
            for inner in source.values():
                if "date_histogram" in inner:
                    return histogram_interval_millis({"date_histogram": inner["date_histogram"]})
        return 0
    if kind == "histogram":
        return float(body.get("interval", 0))
    if "fixed_interval" in body:
        return to_millis(str(body["fixed_interval"]))
    if "calendar_interval" in body:
        interval = str(body["calendar_interval"])
        if interval not in CALENDAR_INTERVALS:
            raise StatusException(
                f"When specifying a date_histogram calendar interval [{interval}], ML does not accept intervals "
                "longer than a week because of variable lengths of periods greater than a week"
            )
        return CALENDAR_INTERVALS[interval]
    interval = body.get("interval", 0)
    return float(interval) if isinstance(interval, (int, float)) else to_millis(str(interval))


def validate_aggregations(aggs: dict) -> None:
    """DatafeedConfig.validateAggregations, for what the mock reads of aggregations: one histogram,
    with a max of its time field beneath it, and a positive interval."""
    name, histogram = histogram_aggregation(aggs)
    kind, body = _agg_type(histogram)
    subs = _sub_aggs(histogram)
    for sub in subs.values():
        if isinstance(sub, dict) and any(k in ("date_histogram", "histogram") for k in sub):
            raise StatusException("Aggregations can only have 1 date_histogram or histogram aggregation")
    time_field = body.get("field")
    if kind == "composite":
        for source in body.get("sources") or []:
            for inner in source.values():
                if "date_histogram" in inner:
                    time_field = inner["date_histogram"].get("field")
    has_max = any(
        isinstance(sub, dict) and _agg_type(sub)[0] == "max" and _agg_type(sub)[1].get("field") == time_field
        for sub in subs.values()
    )
    if not has_max:
        raise StatusException(f"Date histogram must have nested max aggregation for time_field [{time_field}]")
    if histogram_interval_millis(histogram) <= 0:
        raise StatusException("Aggregation interval must be greater than 0")


def default_chunking_config(aggs: dict | None) -> dict:
    """DatafeedConfig.defaultChunkingConfig: auto; with aggregations manual over 1000 histogram buckets
    (off for a composite)."""
    if not aggs:
        return {"mode": "auto"}
    _, histogram = histogram_aggregation(aggs)
    if _agg_type(histogram)[0] == "composite":
        return {"mode": "off"}
    return {"mode": "manual", "time_span": millis_rep(1000 * histogram_interval_millis(histogram))}


# -- the config parsers ---------------------------------------------------------------------------


class ConfigReader:
    """What DatafeedConfig's STRICT_PARSER and DatafeedUpdate's PARSER do with each field's value beyond
    its JSON type (the schemas check those): each refusal wrapped as ``[parser] failed to parse field``
    (ObjectParser.parseValue), placed where the parser stood: a scalar's start, an object's closing
    brace (the whole object is read before it is looked at)."""

    def __init__(self, parser: str, text: str | None):
        self.parser = parser
        self.text = text

    def failed(self, field: str, value: Any, cause: ElasticsearchError) -> XContentParseError:
        return XContentParseError(
            f"[{self.parser}] failed to parse field [{field}]", self._where(field, value), caused_by=cause
        )

    def _where(self, field: str, value: Any) -> tuple[int, int] | None:
        if not self.text:
            return None
        locations = Locations(self.text)
        offset = locations.values.get((field,))
        if offset is None:
            return None
        if isinstance(value, (dict, list)):
            _, end = json.JSONDecoder().raw_decode(locations.text, offset)
            offset = end - 1
        return locations.line_column(offset)

    def read(self, body: dict) -> dict:
        """The body's fields as the config keeps them, in the body's order (the parser's)."""
        fields: dict[str, Any] = {}
        for key, value in body.items():
            try:
                if key in ("indices", "indexes"):
                    fields["indices"] = string_list(value)
                elif key in ("query_delay", "frequency"):
                    fields[key] = TimeValue.parse(value, key).rep
                elif key == "query":
                    fields[key] = check_query(value)
                elif key in ("aggs", "aggregations"):
                    if "aggregations" in fields:  # setAggregationsSafe
                        raise StatusException("Found two aggregation definitions: [aggs] and [aggregations]")
                    fields["aggregations"] = value
                elif key == "scroll_size":
                    if value < 0:
                        raise invalid_option(key, value)
                    fields[key] = value
                elif key == "max_empty_searches":
                    if value != -1 and value <= 0:
                        raise invalid_option(key, value)
                    fields[key] = None if value == -1 else value
                elif key == "indices_options":
                    fields[key] = indices_options(value)
                elif key == "chunking_config":
                    fields[key] = chunking_config(value)
                elif key == "script_fields":
                    fields[key] = dict(sorted(value.items()))  # parsedScriptFields.sort by field name
                else:
                    fields[key] = value
            except ElasticsearchError as e:
                raise self.failed(key, value, e) from None
        return fields


def chunking_config(value: dict) -> dict:
    """ChunkingConfig as it writes itself: the mode, then the time span (TimeValue's string)."""
    config = {"mode": value.get("mode")}
    if value.get("time_span") is not None:
        config["time_span"] = TimeValue.parse(value["time_span"], "time_span").rep
    return config


def check_query(query: dict) -> dict:
    """QueryProvider.fromXContent, strict: the query is parsed from its own compact JSON (as
    XContentObjectTransformer writes the map out again); a refusal is the datafeed's bad query, caused
    by the parser's IllegalArgumentException when there is one beneath it. A query the mock knows of
    but does not run is taken as it is."""
    text = json.dumps(query, separators=(",", ":"))
    try:
        parse_query(query, (), Locator(text))
    except NotMocked:
        pass
    except ElasticsearchError as e:
        cause = e.caused_by if isinstance(e.caused_by, (IllegalArgument, NamedObjectNotFound)) else e
        raise StatusException("Datafeed query is not parsable", caused_by=cause) from None
    return query


class Datafeeds:
    def __init__(self, ml: Ml):
        self.ml = ml
        self.docs: dict[str, dict] = {}
        # DatafeedState by datafeed id ("started", "stopping", ...); a datafeed not here is stopped.
        self.states: dict[str, str] = {}
        # What a started datafeed was started with (StartDatafeedAction.DatafeedParams), by datafeed id.
        self.tasks: dict[str, dict] = {}

    def state_of(self, datafeed_id: str) -> str:
        return self.states.get(datafeed_id, "stopped")

    def of_job(self, job_id: str) -> str | None:
        return next((d for d, doc in self.docs.items() if doc["job_id"] == job_id), None)

    def by_job(self) -> dict[str, str]:
        """Each job's datafeed id (a job has one at most), in one walk."""
        return {doc["job_id"]: datafeed_id for datafeed_id, doc in self.docs.items()}

    # -- put ----------------------------------------------------------------------------------------
    def check_new(self, datafeed_id: str, body: dict, job_exists: bool = True, text: str | None = None) -> dict:
        """The checks of the strict parser, DatafeedConfig.Builder.build and DatafeedManager.putDatafeed,
        in their order; the fields as read."""
        fields = ConfigReader("datafeed_config", text).read(body)
        if fields.get("job_id") is None:
            raise IllegalArgument("[job_id] must not be null.")
        if not ID_PATTERN.match(datafeed_id):
            raise StatusException(invalid_id("datafeed_id", datafeed_id))
        self._check_indices(fields.get("indices"))
        if fields.get("aggregations") and fields.get("script_fields"):
            raise StatusException("script_fields cannot be used in combination with aggregations")
        existing = self.of_job(fields["job_id"])
        if existing is not None:
            raise StatusException(f"A datafeed [{existing}] already exists for job [{fields['job_id']}]", 409)
        if job_exists and fields["job_id"] not in self.ml.jobs.docs:
            raise job_missing(fields["job_id"])
        if datafeed_id in self.docs:
            raise ResourceAlreadyExists(f"A datafeed with id [{datafeed_id}] already exists")
        return fields

    @staticmethod
    def _check_indices(indices: list[str] | None) -> None:
        if not indices or any(not i for i in indices):
            raise invalid_option("indices", "[" + ", ".join(indices or []) + "]")

    def put(
        self,
        datafeed_id: str,
        body: dict,
        *,
        principal: Principal | None = None,
        options: dict | None = None,
        text: str | None = None,
    ) -> dict:
        """``PUT _ml/datafeeds/{id}``: the path's id wins over one in the body; indices options given as
        URL parameters win over the body's (RestPutDatafeedAction); the creator's roles are kept."""
        self.ml.refuse_in_upgrade_mode("ml.put_datafeed")
        fields = self.check_new(datafeed_id, body, text=text)
        if options:
            fields["indices_options"] = indices_options(options)
        job = self.ml.jobs.docs.get(fields["job_id"])
        doc = self._build(datafeed_id, fields, authorization_of(principal))
        if job is not None:
            self.validate_with_job(doc, job)
        self.docs[datafeed_id] = doc
        return self.shown(datafeed_id)

    def _build(self, datafeed_id: str, fields: dict, authorization: dict | None) -> dict:
        """DatafeedConfig.Builder.build: its defaults filled in."""
        aggregations = fields.get("aggregations")
        doc = {
            **{k: v for k, v in fields.items() if k != "datafeed_id"},
            "datafeed_id": datafeed_id,
            "authorization": authorization,
            "query_delay": fields.get("query_delay") or default_query_delay(fields["job_id"]),
            "chunking_config": fields.get("chunking_config") or default_chunking_config(aggregations),
            "indices_options": fields.get("indices_options") or default_indices_options(),
            "query": fields.get("query", {"match_all": {}}),
            "scroll_size": fields.get("scroll_size", 1000),
            "delayed_data_check_config": fields.get("delayed_data_check_config", {"enabled": True}),
            "runtime_mappings": fields.get("runtime_mappings") or None,
        }
        return ordered(doc, DATAFEED_ORDER)

    def validate_with_job(self, doc: dict, job: dict) -> None:
        """DatafeedJobValidator.validate: aggregations need the job's summary_count_field_name and a
        histogram interval that divides its bucket_span (and the frequency)."""
        analysis = job.get("analysis_config", {})
        latency = analysis.get("latency")
        if latency is not None and to_millis(latency) > 0:
            raise StatusException("A job configured with datafeed cannot support latency")
        aggs = doc.get("aggregations")
        if not aggs:
            return
        validate_aggregations(aggs)
        if not analysis.get("summary_count_field_name"):
            raise StatusException(
                "A job configured with a datafeed with aggregations must set summary_count_field_name; "
                "use doc_count or suitable alternative"
            )
        interval = histogram_interval_millis(histogram_aggregation(aggs)[1])
        bucket_span = to_millis(analysis.get("bucket_span", "5m"))
        if interval > bucket_span:
            raise StatusException(
                f"Aggregation interval [{millis_rep(interval)}] must be less than or equal to the bucket_span "
                f"[{millis_rep(bucket_span)}]"
            )
        if bucket_span % interval:
            raise StatusException(
                f"Aggregation interval [{millis_rep(interval)}] must be a divisor of the bucket_span "
                f"[{millis_rep(bucket_span)}]"
            )
        frequency = doc.get("frequency")
        if frequency is not None and to_millis(frequency) % interval:
            raise StatusException(
                f"Datafeed frequency [{frequency}] must be a multiple of the aggregation interval "
                f"[{millis_rep(interval)}]"
            )

    # -- get ----------------------------------------------------------------------------------------
    def shown(self, datafeed_id: str, exclude_generated: bool = False) -> dict:
        """DatafeedConfig.toXContent: for export (exclude_generated) without the authorization, and
        without the random query_delay, the default indices options and the default chunking."""
        doc = dict(self.docs[datafeed_id])
        if exclude_generated:
            doc.pop("authorization", None)
            if doc["query_delay"] == default_query_delay(doc["job_id"]):
                del doc["query_delay"]
            if doc["indices_options"] == default_indices_options():
                del doc["indices_options"]
            if doc.get("chunking_config") == default_chunking_config(doc.get("aggregations")):
                del doc["chunking_config"]
        if "indices_options" in doc:
            doc["indices_options"] = indices_options_xcontent(doc["indices_options"], self.ml.release)
        return doc

    def get(self, expression: str | None, allow_no_match: bool = True, exclude_generated: bool = False) -> dict:
        ids = expand_ids(expression, list(self.docs), allow_no_match=allow_no_match, missing=datafeed_missing)
        return {"count": len(ids), "datafeeds": [self.shown(i, exclude_generated) for i in ids]}

    def stats(self, expression: str | None, allow_no_match: bool = True) -> dict:
        """``GET _ml/datafeeds/{id}/_stats`` (GetDatafeedsStatsAction.Response.DatafeedStats): the state;
        a started datafeed's node, assignment and running state; the timing stats of its job (none run)."""
        ids = expand_ids(expression, list(self.docs), allow_no_match=allow_no_match, missing=datafeed_missing)
        return {"count": len(ids), "datafeeds": [self._stats_of(i) for i in ids]}

    def _stats_of(self, datafeed_id: str) -> dict:
        state = self.state_of(datafeed_id)
        stats: dict[str, Any] = {"datafeed_id": datafeed_id, "state": state}
        task = self.tasks.get(datafeed_id)
        if task is not None and self.ml.info.upgrade_mode:
            # TransportSetUpgradeModeAction unassigns the task (it stays started): no node, and no
            # node to tell its running state.
            stats["assignment_explanation"] = AWAITING_UPGRADE
            task = None
        if task is not None:
            stats["node"] = ml_node()
            stats["assignment_explanation"] = ""
        stats["timing_stats"] = {
            "job_id": self.docs[datafeed_id]["job_id"],
            "search_count": 0,
            "bucket_count": 0,
            "total_search_time_ms": 0.0,
            "exponential_average_search_time_per_hour_ms": 0.0,
        }
        if task is not None:
            real_time = task.get("end") is None
            stats["running_state"] = {"real_time_configured": real_time, "real_time_running": real_time}
        return stats

    # -- update -------------------------------------------------------------------------------------
    def update(
        self,
        datafeed_id: str,
        body: dict,
        *,
        principal: Principal | None = None,
        options: dict | None = None,
        text: str | None = None,
    ) -> dict:
        """``POST _ml/datafeeds/{id}/_update`` (DatafeedManager.updateDatafeed, DatafeedUpdate.apply): a
        started datafeed may not change; the job may not change; what is given replaces what was (URL
        indices options over the body's); the whole datafeed is answered, its authorization the updater's."""
        self.ml.refuse_in_upgrade_mode("ml.update_datafeed")
        fields = ConfigReader("datafeed_update", text).read(body)
        fields.pop("datafeed_id", None)  # the path's id is the update's
        if options:
            fields["indices_options"] = indices_options(options)
        if self.state_of(datafeed_id) != "stopped":
            raise StatusException(
                f"Cannot update datafeed [{datafeed_id}] while its status is {self.state_of(datafeed_id)}", 409
            )
        if datafeed_id not in self.docs:
            raise datafeed_missing(datafeed_id)
        current = self.docs[datafeed_id]
        if fields.get("job_id") not in (None, current["job_id"]):
            raise StatusException("Datafeed's job_id cannot be changed.")
        if fields.get("aggregations"):
            validate_aggregations(fields["aggregations"])
        updated = {**current, **fields}
        if "max_empty_searches" in fields and fields["max_empty_searches"] is None:
            updated.pop("max_empty_searches", None)
        self._check_indices(updated.get("indices"))
        if updated.get("aggregations") and updated.get("script_fields"):
            raise StatusException("script_fields cannot be used in combination with aggregations")
        if principal is not None:
            updated["authorization"] = authorization_of(principal)
        updated = ordered(updated, DATAFEED_ORDER)
        job = self.ml.jobs.docs.get(updated["job_id"])
        if job is None:
            raise job_missing(updated["job_id"])
        self.validate_with_job(updated, job)
        self.docs[datafeed_id] = updated
        return self.shown(datafeed_id)

    # -- start and stop -----------------------------------------------------------------------------
    def start(self, datafeed_id: str, start: str | None = None, end: str | None = None) -> dict:
        """``POST _ml/datafeeds/{id}/_start`` (StartDatafeedAction, TransportStartDatafeedAction): the
        times as the request reads them and checks them; then the datafeed, its job (which must be
        opened), the indices it reads and the fields the job analyses; a started one conflicts. In upgrade
        mode the action is refused before anything is read."""
        self.ml.refuse_in_upgrade_mode("ml.start_datafeed")
        start_ms = self._time_param("start", start) if start is not None else 0
        end_ms = self._time_param("end", end) if end is not None else None
        if end_ms is not None and end_ms <= start_ms:
            raise ActionRequestValidation([f"start [{start_ms}] must be earlier than end [{end_ms}]"])
        if datafeed_id not in self.docs:
            raise datafeed_missing(datafeed_id)
        doc = self.docs[datafeed_id]
        job = self.ml.jobs.docs.get(doc["job_id"])
        if job is None:
            raise job_missing(doc["job_id"])
        self.validate_with_job(doc, job)
        if doc.get("aggregations"):
            validate_aggregations(doc["aggregations"])
        job_state = self.ml.jobs.state_of(doc["job_id"])
        if job_state not in ("opening", "opened"):
            raise StatusException(
                f"cannot start datafeed [{datafeed_id}] because job [{doc['job_id']}] is {job_state}", 409
            )
        self._check_sources(datafeed_id, doc, job)
        if datafeed_id in self.tasks:
            raise StatusException(f"cannot start datafeed [{datafeed_id}] because it has already been started", 409)
        refused = self.ml.assignment_refused("xpack/ml/datafeed")
        if refused is not None:  # TransportStartDatafeedAction.DatafeedPredicate; the task is cancelled
            raise StatusException(f"Could not start datafeed, allocation explanation [{refused}]", 429)
        self.tasks[datafeed_id] = {"start": start_ms, "end": end_ms}
        self.states[datafeed_id] = "started"
        return {"started": True, "node": NODE_ID}

    @staticmethod
    def _time_param(name: str, value: str) -> int:
        """StartDatafeedAction.DatafeedParams.parseDateOrThrow: date math over the default date format."""
        try:
            return parse_math(str(value), round_up=False)
        except (DateParseError, ValueError):
            raise ParseException(
                f"Query param [{name}] with value [{value}] cannot be parsed as a date or converted to a number "
                "(epoch)."
            ) from None

    def _check_sources(self, datafeed_id: str, doc: dict, job: dict) -> None:
        """What creating the data extractor finds: a named index that is not there (a wildcard may match
        nothing), then a field the job reads that no index maps (scroll extraction only)."""
        options = doc["indices_options"]
        indices = self.ml.indices
        targets = []
        for name in doc["indices"]:
            if "*" in name or ":" in name:
                targets.extend(
                    t for _, ts in indices.wildcard_matches(name, set(options["expand_wildcards"])) for t in ts
                )
                continue
            found = [indices.get(name)] if indices.get(name) is not None else indices.alias_targets(name)
            if not found and not options["ignore_unavailable"]:
                raise ResourceNotFound(
                    f"datafeed [{datafeed_id}] cannot retrieve data because index [{name}] does not exist"
                )
            targets.extend(found)
        if doc.get("aggregations") or not targets:
            return
        analysis = job.get("analysis_config", {})
        time_field = job.get("data_description", {}).get("time_field", "time")
        wanted: set[str] = set(analysis.get("influencers", []))
        for detector in analysis.get("detectors", []):
            wanted.update(
                detector[k]
                for k in ("field_name", "by_field_name", "over_field_name", "partition_field_name")
                if k in detector
            )
        if analysis.get("categorization_field_name"):
            wanted.add(analysis["categorization_field_name"])
        wanted.discard(time_field)
        runtime = set((doc.get("runtime_mappings") or {}) | (doc.get("script_fields") or {}))
        for field in [time_field, *sorted(wanted)]:
            if field in runtime:
                continue
            if all(index.field(field) is None for index in targets):
                raise StatusException(f"[{datafeed_id}] cannot retrieve field [{field}] because it has no mappings")

    def stop(self, expression: str, allow_no_match: bool = True, force: bool = False) -> dict:
        """``POST _ml/datafeeds/{id}/_stop``: every datafeed the expression names stops; one already
        stopped is no error."""
        self.ml.refuse_in_upgrade_mode("ml.stop_datafeed")
        ids = expand_ids(expression, list(self.docs), allow_no_match=allow_no_match, missing=datafeed_missing)
        for datafeed_id in ids:
            self.tasks.pop(datafeed_id, None)
            self.states.pop(datafeed_id, None)
        return {"stopped": True}

    # -- delete -------------------------------------------------------------------------------------
    def delete(self, datafeed_id: str, force: bool = False) -> None:
        """``DELETE _ml/datafeeds/{id}``: a started datafeed only with force, which stops it first."""
        self.ml.refuse_in_upgrade_mode("ml.delete_datafeed")
        if datafeed_id not in self.docs:
            raise datafeed_missing(datafeed_id)
        if self.state_of(datafeed_id) != "stopped" and not force:
            raise StatusException(
                f"Cannot delete datafeed [{datafeed_id}] while its status is {self.state_of(datafeed_id)}", 409
            )
        self.tasks.pop(datafeed_id, None)
        self.states.pop(datafeed_id, None)
        del self.docs[datafeed_id]
