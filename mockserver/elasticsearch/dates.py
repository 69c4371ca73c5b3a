"""Dates as Elasticsearch reads them: the default date format of a ``date`` field
(``strict_date_optional_time||epoch_millis``) and date math (``now-300s``, ``2026-01-01||+1M/d``),
as JavaDateMathParser evaluates it. Everything is epoch milliseconds, UTC."""

from __future__ import annotations

import calendar
import re
import time
from datetime import UTC, datetime, timedelta
from functools import lru_cache

_ISO = re.compile(
    r"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?)?)?)?"
    r"(Z|[+-]\d{2}(?::?\d{2})?)?$"
)
_MATH = re.compile(r"([+-]\d*[yMwdhHms])|(/[yMwdhHms])")
_UNIT_MILLIS = {"w": 7 * 86_400_000, "d": 86_400_000, "h": 3_600_000, "H": 3_600_000, "m": 60_000, "s": 1000}


class DateParseError(ValueError):
    """A value the date format does not read (the caller words the server's error)."""


@lru_cache(maxsize=65536)
def parse_date(text: str) -> int:
    """``strict_date_optional_time||epoch_millis``: ISO 8601 (date, optional time, optional zone) or
    a number of milliseconds."""
    match = _ISO.match(text)
    if match is None:
        try:
            return int(text)
        except ValueError:
            raise DateParseError(text) from None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        moment = datetime(
            int(year),
            int(month or 1),
            int(day or 1),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=UTC,
        )
    except ValueError:
        raise DateParseError(text) from None
    millis = calendar.timegm(moment.utctimetuple()) * 1000 + (int((fraction or "0").ljust(9, "0")[:3]))
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        offset = int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) > 2 else 0)
        millis -= sign * offset * 60_000
    return millis


def is_iso_date(text: str) -> bool:
    """Whether ``strict_date_optional_time`` reads the text (epoch millis aside)."""
    if _ISO.match(text) is None:
        return False
    try:
        parse_date(text)
    except DateParseError:
        return False
    return True


def date_value(value) -> int:
    """A document's or a query's date value as epoch milliseconds."""
    if isinstance(value, bool):
        raise DateParseError(str(value).lower())
    if isinstance(value, (int, float)):
        return int(value)
    if isinstance(value, str):
        return parse_date(value)
    raise DateParseError(str(value))


def now_millis() -> int:
    return int(time.time() * 1000)


def parse_math(text: str, round_up: bool, now: int | None = None) -> int:
    """Date math: ``now`` or ``<date>||`` followed by ``+N<unit>``, ``-N<unit>`` and ``/<unit>``
    steps. Rounding goes to the unit's start, or (``round_up``, for ``lte`` and ``gt``) to its last
    millisecond."""
    if text.startswith("now"):
        base, math = (now if now is not None else now_millis()), text[3:]
    else:
        anchor, sep, math = text.partition("||")
        base = parse_date(anchor)
        if not sep:
            return base
    moment = datetime.fromtimestamp(base / 1000, tz=UTC)
    position = 0
    while position < len(math):
        step = _MATH.match(math, position)
        if step is None:
            raise DateParseError(text)
        position = step.end()
        if step.group(1):
            sign = 1 if step.group(1)[0] == "+" else -1
            amount = int(step.group(1)[1:-1] or 1) * sign
            moment = _add(moment, amount, step.group(1)[-1])
        else:
            moment = _round(moment, step.group(2)[1], round_up)
    return int(moment.timestamp() * 1000)


def _add(moment: datetime, amount: int, unit: str) -> datetime:
    if unit == "y":
        return _add_months(moment, 12 * amount)
    if unit == "M":
        return _add_months(moment, amount)
    return moment + timedelta(milliseconds=amount * _UNIT_MILLIS[unit])


def _add_months(moment: datetime, months: int) -> datetime:
    total = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(total, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _round(moment: datetime, unit: str, round_up: bool) -> datetime:
    if unit == "y":
        start = moment.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
        following = start.replace(year=start.year + 1)
    elif unit == "M":
        start = moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        following = _add_months(start, 1)
    elif unit == "w":
        day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        start = day - timedelta(days=day.weekday())
        following = start + timedelta(days=7)
    else:
        size = _UNIT_MILLIS[unit]
        millis = int(moment.timestamp() * 1000)
        start = datetime.fromtimestamp((millis - millis % size) / 1000, tz=UTC)
        following = start + timedelta(milliseconds=size)
    return following - timedelta(milliseconds=1) if round_up else start


def format_millis(millis: int) -> str:
    """strict_date_optional_time as Elasticsearch prints it: milliseconds, UTC, ``Z``."""
    moment = datetime.fromtimestamp(millis / 1000, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{millis % 1000:03d}Z"


# -- instants (the connector APIs' timestamps) ------------------------------------------------

_INSTANT_ISO = re.compile(
    r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?)?)?)?"
    r"(Z|[+-]\d{2}(?::?\d{2})?)?"
)
_EPOCH_MILLIS = re.compile(r"(-?)(\d{1,19})(?:\.(\d{1,6}))?")
INSTANT_FORMAT = "strict_date_optional_time||epoch_millis"


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (any year, as java.time counts them)."""
    year -= month <= 2
    era = year // 400
    yoe = year - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _civil_from_days(days: int) -> tuple[int, int, int]:
    days += 719468
    era = days // 146097
    doe = days - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + (3 if mp < 10 else -9)
    return yoe + era * 400 + (month <= 2), month, day


def parse_instant(text: str) -> tuple[int, int]:
    """An instant as TimeUtils.parseTimeFieldToInstant reads a string (the default date format,
    ``strict_date_optional_time||epoch_millis``): (epoch seconds, nanoseconds). A time or zone left
    out is midnight, UTC."""
    match = _INSTANT_ISO.fullmatch(text)
    if match is None:
        millis = _EPOCH_MILLIS.fullmatch(text)
        if millis is None:
            raise DateParseError(text)
        sign = -1 if millis.group(1) else 1
        whole = sign * int(millis.group(2))
        nanos_of_milli = sign * int((millis.group(3) or "0").ljust(6, "0"))
        total = whole * 1_000_000 + nanos_of_milli
        if not -(2**63) <= whole < 2**63:
            raise DateParseError(text)
        seconds, nanos = divmod(total, 1_000_000_000)
        return seconds, nanos
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    month, day = int(month or 1), int(day or 1)
    hour, minute, second = int(hour or 0), int(minute or 0), int(second or 0)
    leap = int(year) % 4 == 0 and (int(year) % 100 != 0 or int(year) % 400 == 0)
    days_in_month = (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
    if not (1 <= month <= 12 and 1 <= day <= days_in_month[month - 1] and hour < 24 and minute < 60 and second < 60):
        raise DateParseError(text)
    offset = 0
    if zone and zone != "Z":
        digits = zone[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
        if hours > 18 or minutes > 59 or (hours == 18 and minutes):
            raise DateParseError(text)
        offset = (1 if zone[0] == "+" else -1) * (hours * 3600 + minutes * 60)
    seconds = _days_from_civil(int(year), month, day) * 86400 + hour * 3600 + minute * 60 + second - offset
    return seconds, int((fraction or "0").ljust(9, "0"))


def format_instant_nanos(seconds: int, nanos: int) -> str:
    """An Instant as XContentBuilder writes it (strict_date_optional_time_nanos, UTC): the fraction
    of a second with 3 to 9 digits, trailing zeros dropped, then ``Z``."""
    days, rest = divmod(seconds, 86400)
    year, month, day = _civil_from_days(days)
    fraction = f"{nanos:09d}".rstrip("0").ljust(3, "0")
    year_text = f"+{year}" if year > 9999 else (f"-{-year:04d}" if year < 0 else f"{year:04d}")
    return f"{year_text}-{month:02d}-{day:02d}T{rest // 3600:02d}:{rest % 3600 // 60:02d}:{rest % 60:02d}.{fraction}Z"


def normalise_instant(text: str) -> str:
    """A timestamp from a request as the server stores and answers it (parsed, then written back)."""
    return format_instant_nanos(*parse_instant(text))
