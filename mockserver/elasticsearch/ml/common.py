"""What the kinds of ML configuration share: the cluster's one ML node, ids, their expansion in GET
expressions, the body-versus-URL id check, byte sizes and durations (ByteSizeValue, TimeValue), the
authorization a config records, the config version, and documents written in the order the server
writes them.

Facts from x-pack/plugin/core/.../ml (MlStrings, ExpandedIdsMatcher, Messages, ExceptionsHelper).
"""

from __future__ import annotations

import fnmatch
import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import NODE_ID, IllegalArgument, ParseException, ResourceNotFound, StatusException

if TYPE_CHECKING:
    from ...security import Principal

CONFIG_VERSION = "12.0.0"  # MlConfigVersion.CURRENT since 8.12: not the stack version
ID_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9_\-.]*[a-z0-9])?$")
MAX_ID_LENGTH = 64

# -- the cluster's one node, an ML node -------------------------------------------------------------------
# What every answer shows of it (DiscoveryNode) and what ML places work by: JobNodeSelector and
# TransportMlInfoAction read the machine memory of which ML may use xpack.ml.max_machine_memory_percent (30,
# NativeMemoryCalculator.allowedBytesForMl), and the allocated processors.
MACHINE_MEMORY = 16 * 1024**3
MAX_MACHINE_MEMORY_PERCENT = 30
ML_MEMORY = MACHINE_MEMORY * MAX_MACHINE_MEMORY_PERCENT // 100
ALLOCATED_PROCESSORS = 2
MAX_JVM_SIZE = 8 * 1024**3  # half the machine: the heap the JVM sizes itself for a node of these roles
NODE_NAME = "mockserver"
NODE_EPHEMERAL_ID = "mOcKePhEmErAl000000000w"
NODE_TRANSPORT_ADDRESS = "127.0.0.1:9300"
NODE_ATTRIBUTES = (
    ("ml.allocated_processors", str(ALLOCATED_PROCESSORS)),
    ("ml.config_version", CONFIG_VERSION),
    ("ml.machine_memory", str(MACHINE_MEMORY)),
    ("ml.max_jvm_size", str(MAX_JVM_SIZE)),
    ("xpack.installed", "true"),
)


# MlTasks.AWAITING_UPGRADE: the assignment of every ML task while upgrade mode is on.
AWAITING_UPGRADE = "persistent task cannot be assigned while upgrade mode is enabled."


def ml_node() -> dict:
    """The node as the job, datafeed and data frame analytics stats write it (id, name, ephemeral_id,
    transport_address and only the ``ml.`` attributes: GetJobsStatsAction, DatafeedStats,
    GetDataFrameAnalyticsStatsAction); a new dict each time, so an answer edited in place changes nothing."""
    return {
        "id": NODE_ID,
        "name": NODE_NAME,
        "ephemeral_id": NODE_EPHEMERAL_ID,
        "transport_address": NODE_TRANSPORT_ADDRESS,
        "attributes": {k: v for k, v in NODE_ATTRIBUTES if k.startswith("ml.")},
    }


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


BYTE_UNITS = (("pb", 1024**5), ("tb", 1024**4), ("gb", 1024**3), ("mb", 1024**2), ("kb", 1024), ("b", 1))
SUFFIXES = {"k": "kb", "kb": "kb", "m": "mb", "mb": "mb", "g": "gb", "gb": "gb", "t": "tb", "tb": "tb"}
SUFFIXES.update({"p": "pb", "pb": "pb", "b": "b"})


def parse_byte_size(value: Any, setting: str = "model_memory_limit") -> tuple[int, str]:
    """ByteSizeValue.parseBytesSizeValue of a value's text: (bytes, getStringRep), the unit as given; the one
    parser of byte sizes in the ML model (a refusal is the ElasticsearchParseException)."""
    stripped = str(value).lower().strip()
    for suffix in sorted(SUFFIXES, key=len, reverse=True):
        if stripped.endswith(suffix):
            number, unit = stripped[: -len(suffix)].strip(), SUFFIXES[suffix]
            break
    else:
        if stripped in ("-1", "0"):
            return int(stripped), stripped
        raise ParseException(
            f"failed to parse setting [{setting}] with value [{value}] as a size in bytes: "
            "unit is missing or unrecognized"
        )
    factor = dict(BYTE_UNITS)[unit]
    if re.fullmatch(r"[+-]?\d+", number):
        size = int(number)
        if size < -1 or (size == -1 and unit != "b"):
            cause = IllegalArgument(f"Values less than -1 bytes are not supported: {size}{unit}")
            raise ParseException(
                f"failed to parse setting [{setting}] with value [{value}] as a size in bytes", caused_by=cause
            )
        return size * factor, (f"{size}{unit}" if size > 0 else str(size))
    try:
        fraction = float(number)
    except ValueError:
        raise ParseException(f"failed to parse setting [{setting}] with value [{value}]") from None
    size = int(fraction * factor)  # fractional values become bytes
    return size, (f"{size}b" if size > 0 else str(size))


def format_byte_size(size: int) -> str:
    """ByteSizeValue.toString: the largest unit, one decimal unless it is zero (Strings.format1Decimals, which
    cuts the decimals of Double.toString: 20615843020 bytes is 19.1gb, not 19.2gb)."""
    for suffix, factor in BYTE_UNITS:
        if abs(size) >= factor or suffix == "b":
            return one_decimal(size / factor) + suffix
    return f"{size}b"


def one_decimal(value: float) -> str:
    """Strings.format1Decimals (and TimeValue.formatDecimal with one piece): Double.toString's text cut
    after its first decimal, not rounded, and without it when that decimal is 0."""
    whole, _, decimals = repr(float(value)).partition(".")
    first = decimals[:1]
    return whole if first in ("", "0") else f"{whole}.{first}"


def byte_size_to_mb(value: Any) -> str:
    """A job's memory limit as AnalysisLimits stores it: whole megabytes (a bare number means MB)."""
    if isinstance(value, (int, float)):
        return f"{int(value)}mb"
    try:
        size = parse_byte_size(value, "model_memory_limit")[0]
    except ParseException:
        raise StatusException(
            f"failed to parse setting [model_memory_limit] with value [{value}] as a size in bytes"
        ) from None
    return f"{size // 1024**2}mb"


def authorization_of(principal: Principal | None) -> dict | None:
    """XContentUtils.addAuthorizationInfo of the headers a datafeed or data frame analytics put or update
    stores: an API key's id (and its name when it has one), a service account's name, else the user's
    roles. Nothing when security is off (no headers)."""
    if principal is None:
        return None
    if principal.api_key_id is not None:
        key = {"id": principal.api_key_id}
        if principal.api_key_name is not None:
            key["name"] = principal.api_key_name
        return {"api_key": key}
    if principal.realm == "_service_account":
        return {"service_account": principal.username}
    return {"roles": list(principal.roles)}


def check_same_id(
    body_id: str | None, url_id: str, field: str = "id", error: type[Exception] = IllegalArgument
) -> None:
    """Messages.INCONSISTENT_ID: an id in the body must be the one in the URL (the error is the kind the
    action raises: ExceptionsHelper.badRequestException where it is a status exception)."""
    if body_id is not None and body_id != url_id:
        raise error(
            f"Inconsistent {field}; '{body_id}' specified in the body differs from '{url_id}' specified as a URL "
            "argument"
        )


def ordered(doc: dict, order: tuple[str, ...]) -> dict:
    return {k: doc[k] for k in order if k in doc and doc[k] is not None}


def page_count(expression: str | None, ids: list[str], page: list[str]) -> int:
    """A wildcard or everything counts every hit; exact ids count what is returned."""
    broad = not expression or expression in ("_all", "*") or "*" in expression
    return len(ids) if broad else len(page)


def string_list(value: Any) -> list[str] | None:
    """A string array as ObjectParser.declareStringArray reads it: a single string is a list of one."""
    return [value] if isinstance(value, str) else value


def java_number(value: int | float) -> str:
    """``{0,number}`` in a java.text.MessageFormat (Locale.ROOT): digits grouped by threes."""
    return f"{value:,}" if isinstance(value, int) else f"{value:,.3f}".rstrip("0").rstrip(".")


# TimeValue's units, in nanoseconds, as parseTimeValue reads their suffixes (longest first).
_TIME_UNITS = (
    ("nanos", 1),
    ("micros", 1_000),
    ("ms", 1_000_000),
    ("s", 10**9),
    ("m", 60 * 10**9),
    ("h", 3600 * 10**9),
    ("d", 86400 * 10**9),
)
_LONG = re.compile(r"[+-]?\d+")  # what Long.parseLong reads
_DOUBLE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?[fd]?")  # what Double.parseDouble reads


class TimeValue:
    """org.elasticsearch.core.TimeValue: a duration and the text it was given as (getStringRep). The one
    parser of durations in the ML model (jobs, datafeeds, deployments)."""

    def __init__(self, nanos: int, rep: str):
        self.nanos, self.rep = nanos, rep

    @classmethod
    def parse(cls, text: Any, setting: str) -> TimeValue:
        """TimeValue.parseTimeValue: a whole number with a unit suffix, ``-1`` or ``0``; its refusals are
        IllegalArgumentExceptions, worded as the Java ones."""
        text = str(text)
        normalized = text.lower().strip()
        for suffix, factor in sorted(_TIME_UNITS, key=lambda u: -len(u[0])):
            if normalized.endswith(suffix):
                number = normalized[: -len(suffix)].strip()
                if not _LONG.fullmatch(number):
                    if _DOUBLE.fullmatch(number):
                        raise IllegalArgument(f"failed to parse [{text}], fractional time values are not supported")
                    raise IllegalArgument(f"failed to parse [{text}]")
                value = int(number)
                if value < -1:  # -1 is magic, other negative values are refused
                    raise IllegalArgument(
                        f"failed to parse setting [{setting}] with value [{text}] as a time value: negative "
                        "durations are not supported"
                    )
                return cls(value * factor, str(value) if value < 0 else f"{value}{suffix}")
        if normalized in ("-1", "0"):
            return cls(int(normalized), normalized)
        raise IllegalArgument(
            f"failed to parse setting [{setting}] with value [{text}] as a time value: unit is missing or unrecognized"
        )

    @classmethod
    def of_millis(cls, millis: float) -> TimeValue:
        """TimeValue.timeValueMillis: written in milliseconds."""
        return cls(int(millis * 1_000_000), f"{int(millis)}ms")

    @property
    def millis(self) -> float:
        return self.nanos / 1_000_000

    @classmethod
    def of_seconds(cls, seconds: int) -> TimeValue:
        return cls(seconds * 10**9, f"{seconds}s")

    @property
    def seconds(self) -> int:
        return self.nanos // 10**9

    def __str__(self) -> str:
        """TimeValue.toString() (toHumanReadableString(1)): in the largest unit it fills, its first decimal
        cut, not rounded (``90s`` is ``1.5m``, ``100s`` is ``1.6m``); nothing is ``0s``."""
        if self.nanos < 0:
            return self.rep
        if self.nanos == 0:
            return "0s"
        unit, factor = next(((u, f) for u, f in reversed(_TIME_UNITS) if self.nanos >= f), ("nanos", 1))
        return one_decimal(self.nanos / factor) + unit


def job_missing(ids: str) -> ResourceNotFound:
    """Messages.JOB_UNKNOWN_ID, which jobs, datafeeds and calendars all answer."""
    return ResourceNotFound(f"No known job with id '{ids}'")
