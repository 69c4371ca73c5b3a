"""JSON as Elasticsearch reads and writes it: token locations for error messages, the pretty
printer of ``?pretty``, and ``filter_path``."""

from __future__ import annotations

import copy
import decimal
import json
import math
import re
from functools import lru_cache
from json.encoder import encode_basestring
from typing import Any

import orjson

from ..jsonvalue import escape_surrogates, refuse_constant, shortest_digits
from .errors import InputCoercionError, XContentParseError

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class DuplicateField(ValueError):
    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    doc = dict(pairs)
    if len(doc) != len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateField(key)
            seen.add(key)
    return doc


def loads(text: str) -> Any:
    """Parses a request body as the server's parser does: a field given twice and the non-standard
    numbers (``NaN``, ``Infinity``) refused, comments (``/* */``, ``//``; ALLOW_COMMENTS) taken."""
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=refuse_constant)
    except json.JSONDecodeError:
        uncommented = without_comments(text)
        if uncommented is text:
            raise
        return json.loads(uncommented, object_pairs_hook=_no_duplicates, parse_constant=refuse_constant)


JSON_STRING = r'"(?:[^"\\]|\\.)*"'  # a string literal, escapes and all (what a scan outside strings skips)
# A string (kept) or a comment (blanked); a comment's newlines stay, so that positions stay true.
_STRING_OR_COMMENT = re.compile(JSON_STRING + r"|/\*.*?\*/|//[^\n\r]*", re.S)


def line_column(text: str, offset: int) -> tuple[int, int]:
    """Jackson's (line, column) of an offset, both 1-based."""
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def without_comments(text: str) -> str:
    """The text with its comments as white space (the very text when it has none)."""
    if "/*" not in text and "//" not in text:
        return text
    blanked = _STRING_OR_COMMENT.sub(
        lambda m: m.group() if m.group()[0] == '"' else re.sub(r"[^\n\r]", " ", m.group()), text
    )
    return text if blanked == text else blanked


def loads_line(text: str) -> Any:
    """A bulk line, fast: orjson parses it, and when writing the result back gives the very text, no
    field was given twice (what the strict parser refuses); otherwise the careful parse decides."""
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return loads(text)
    if isinstance(value, (dict, list)) and orjson.dumps(value) != text.encode():
        return loads(text)
    return value


# How Jackson names the input in its messages: the server parses a request body from this stream.
JACKSON_SOURCE = "(org.elasticsearch.common.io.stream.ByteBufferStreamInput)"
# The Java integer types a parser reads a number as (ObjectParser's declareLong / declareInt,
# XContentParser.longValue / intValue), by their JSON Schema format names.
JAVA_INTEGERS = {"int64": ("long", -(2**63), 2**63 - 1), "int32": ("int", -(2**31), 2**31 - 1)}
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")


def in_java_range(value: Any, java_format: str) -> bool:
    """Whether a JSON number fits the Java integer type (a fraction is truncated, as Jackson does)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return True
    _, low, high = JAVA_INTEGERS[java_format]
    return value != value or low <= value <= high  # NaN is refused by the reader itself


def number_literal(text: str, offset: int) -> str:
    """The number token at an offset of a JSON text, as written (Jackson quotes it so)."""
    match = _NUMBER.match(text, offset)
    return match.group() if match else ""


def number_out_of_range(literal: str, start: tuple[int, int], java_format: str) -> XContentParseError:
    """Jackson's refusal of a number beyond the Java integer type its reader asks for
    (ParserMinimalBase.reportOverflowLong / reportOverflowInt): an input_coercion_exception, which
    the x-content parser wraps, both placed where the number ends (the parser's current location)."""
    java_type, low, high = JAVA_INTEGERS[java_format]
    digits = len(literal) - literal.startswith("-")
    shown = literal if len(literal) < 1000 else f"[Integer with {digits} digits]"  # _longIntegerDesc
    line, column = start[0], start[1] + len(literal)
    jackson = (
        f"Numeric value ({shown}) out of range of {java_type} ({low} - {high})\n"
        f" at [Source: {JACKSON_SOURCE}; line: {line}, column: {column}]"
    )
    return XContentParseError(jackson, (line, column), caused_by=InputCoercionError(jackson))


def token_kind(value: Any) -> str:
    """The Jackson token a JSON value starts with, as Elasticsearch names it in messages."""
    if value is None:
        return "VALUE_NULL"
    if isinstance(value, bool):
        return "VALUE_BOOLEAN"
    if isinstance(value, (int, float)):
        return "VALUE_NUMBER"
    if isinstance(value, str):
        return "VALUE_STRING"
    if isinstance(value, list):
        return "START_ARRAY"
    return "START_OBJECT"


class Locations:
    """Where each field name and value of a JSON text starts, as Jackson reports it: (line, column),
    1-based, keyed by the path to the value. Computed only when an error needs a location."""

    def __init__(self, text: str):
        text = self.text = without_comments(text)
        self.keys: dict[tuple, int] = {}
        self.values: dict[tuple, int] = {}
        self.order: list[tuple] = []  # paths of object fields, in the order they appear
        try:
            self._value(_WS.match(text, 0).end(), ())
        except (ValueError, IndexError):
            pass  # a text that does not parse has no locations to give

    def _value(self, pos: int, path: tuple) -> int:
        self.values[path] = pos
        char = self.text[pos]
        if char == "{":
            pos = _WS.match(self.text, pos + 1).end()
            if self.text[pos] == "}":
                return pos + 1
            while True:
                key_pos = pos
                key, pos = json.decoder.scanstring(self.text, pos + 1)
                self.keys[path + (key,)] = key_pos
                self.order.append(path + (key,))
                pos = _WS.match(self.text, pos).end() + 1  # past ':'
                pos = self._value(_WS.match(self.text, pos).end(), path + (key,))
                pos = _WS.match(self.text, pos).end()
                if self.text[pos] == "}":
                    return pos + 1
                pos = _WS.match(self.text, pos + 1).end()
        if char == "[":
            pos = _WS.match(self.text, pos + 1).end()
            index = 0
            if self.text[pos] == "]":
                return pos + 1
            while True:
                pos = self._value(pos, path + (index,))
                pos = _WS.match(self.text, pos).end()
                if self.text[pos] == "]":
                    return pos + 1
                pos = _WS.match(self.text, pos + 1).end()
                index += 1
        _, end = _DECODER.raw_decode(self.text, pos)
        return end

    def line_column(self, offset: int) -> tuple[int, int]:
        return line_column(self.text, offset)

    def key(self, path: tuple) -> tuple[int, int]:
        return self.line_column(self.keys.get(path, 0))

    def value(self, path: tuple) -> tuple[int, int]:
        return self.line_column(self.values.get(path, 0))


class Locator:
    """Where a path of a text starts, (line, column): called for a value, ``.key`` for a field name.
    The text is walked only when an error asks."""

    def __init__(self, text: str):
        self.text = text
        self._locations: Locations | None = None

    def _walked(self) -> Locations:
        if self._locations is None:
            self._locations = Locations(self.text)
        return self._locations

    def __call__(self, path: tuple) -> tuple[int, int]:
        return self._walked().value(path)

    def key(self, path: tuple) -> tuple[int, int]:
        return self._walked().key(path)


# -- output ---------------------------------------------------------------------------------


class _SourceDict(dict):
    """A source as a dict whose copies (and snapshots) are plain dicts: a copy is made to be changed."""

    __slots__ = ()

    def __copy__(self) -> dict:
        return dict(self)

    def __deepcopy__(self, memo: dict) -> dict:
        return copy.deepcopy(dict(self), memo)

    def __reduce__(self):
        return dict, (dict(self),)


class SentSource(_SourceDict):
    """A document's source, parsed, with the text it was sent as. The server stores a source as its
    bytes and writes them back as they are (numbers, escapes, key order, white space), where it writes
    them unchanged into a JSON answer: XContentHelper.writeRawField, JsonXContentGenerator.writeRawField
    (``mayWriteRawData``: not pretty, not filtered). Source filtering, ``filter_path`` and ``?pretty``
    parse and write it again; so does a copy here (a copy is made to change it, which the server
    re-serialises too: an update's merge)."""

    __slots__ = ("text",)

    def __init__(self, parsed: dict, text: str):
        super().__init__(parsed)
        self.text = text


class ParsedSource(_SourceDict):
    """A source the server parsed and writes again (filtered, merged by an update, rewritten by a
    pipeline): Jackson's generator writes it (:func:`jackson_json`), its doubles as Java writes them."""

    __slots__ = ()


def java_double(number: float) -> str:
    """A double as Jackson's writeNumber(double) writes it: Double.toString (JDK 19+, shortest digits),
    plain from 1e-3 up to 1e7 with at least one fraction digit, else ``d.dddE[-]n``; ``-0.0`` kept.
    Re-serialising a source copies each float by writeNumber(getDoubleValue()) (Jackson
    GeneratorBase.copyCurrentEvent, _copyCurrentFloatValue): ``1.50`` comes back ``1.5``, ``1E21``
    ``1.0E21``."""
    if number == 0:
        return "-0.0" if math.copysign(1.0, number) < 0 else "0.0"
    if number != number or number in (math.inf, -math.inf):
        return "NaN" if number != number else ("Infinity" if number > 0 else "-Infinity")
    sign, size = ("-" if number < 0 else ""), abs(number)
    digits, n = shortest_digits(size)
    if len(digits) == 1:  # Double.toString takes two digits then, the closer of them (4.9E-324, not 5.0E-324)
        two = decimal.Context(prec=2, rounding=decimal.ROUND_HALF_EVEN).plus(decimal.Decimal(size)).as_tuple()
        if len(two.digits) == 2 and two.digits[1] != 0:
            digits, n = "".join(map(str, two.digits)), 2 + two.exponent
    if 1e-3 <= size < 1e7:
        if n <= 0:
            text = "0." + "0" * -n + digits
        elif n >= len(digits):
            text = digits + "0" * (n - len(digits)) + ".0"
        else:
            text = digits[:n] + "." + digits[n:]
    else:
        text = digits[0] + "." + (digits[1:] or "0") + "E" + str(n - 1)
    return sign + text


_UNICODE_ESCAPE = re.compile(r"\\\\|\\u00[0-9a-f]{2}")  # an escaped backslash, or a \\u00xx escape


def jackson_string(text: str) -> str:
    """A string as Jackson's generator writes it: UTF-8 as it is, ``\\b \\t \\n \\f \\r`` and
    other control characters as upper-case ``\\u00XX`` (CharTypes' output escapes)."""
    written = encode_basestring(text)
    if "\\u00" in written:
        written = _UNICODE_ESCAPE.sub(
            lambda m: m.group() if len(m.group()) == 2 else m.group()[:4] + m.group()[4:].upper(), written
        )
    return escape_surrogates(written, upper=True)


def jackson_json(value: Any) -> str:
    """A JSON value as Jackson's generator writes it, compact (a map's order as it is)."""
    if isinstance(value, str):
        return jackson_string(value)
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, float):
        return java_double(value)
    if isinstance(value, int):
        return int.__repr__(int(value))
    if isinstance(value, dict):
        return "{" + ",".join(jackson_string(str(k)) + ":" + jackson_json(v) for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(jackson_json(v) for v in value) + "]"
    raise TypeError(f"{type(value).__name__} is not a JSON value")


def sent_source(parsed: dict, text: str) -> dict:
    """The source to store for a document sent as ``text``: with its text, unless the text holds
    comments (which the parser skipped: the source is written again, valid JSON)."""
    return ParsedSource(parsed) if without_comments(text) is not text else SentSource(parsed, text)


def _written(value: Any) -> Any:
    """orjson's ``default`` under OPT_PASSTHROUGH_SUBCLASS: a sent source as its text, any other
    subclass of a JSON type as that type."""
    if isinstance(value, SentSource):
        return orjson.Fragment(value.text)
    if isinstance(value, ParsedSource):
        return orjson.Fragment(jackson_json(value))
    for kind in (dict, list, str, int, float):
        if isinstance(value, kind):
            return kind(value)
    raise TypeError(f"{type(value).__name__} is not a JSON value")


def dumps(body: Any, pretty: bool = False) -> str | bytes:
    """The body as the server writes it: compact (orjson: large answers such as a bulk's or a search's
    are most of a call's time in the stdlib encoder), or Jackson's pretty printer."""
    if not pretty:
        try:
            return orjson.dumps(body, default=_written, option=orjson.OPT_PASSTHROUGH_SUBCLASS)
        except (TypeError, orjson.JSONEncodeError):  # beyond orjson (a lone surrogate, an integer past 64 bits)
            return escape_surrogates(json.dumps(body, separators=(",", ":"), ensure_ascii=False), upper=True)
    return escape_surrogates(_pretty(body, 0) + "\n", upper=True)


def _pretty(value: Any, depth: int) -> str:
    # Jackson's DefaultPrettyPrinter as Elasticsearch configures it: two spaces, "key" : value,
    # arrays broken over lines like objects, empty containers as "{ }" and "[ ]".
    if isinstance(value, dict):
        if not value:
            return "{ }"
        inner = "  " * (depth + 1)
        items = ",\n".join(
            f"{inner}{json.dumps(k, ensure_ascii=False)} : {_pretty(v, depth + 1)}" for k, v in value.items()
        )
        return "{\n" + items + "\n" + "  " * depth + "}"
    if isinstance(value, list):
        if not value:
            return "[ ]"
        inner = "  " * (depth + 1)
        items = ",\n".join(inner + _pretty(v, depth + 1) for v in value)
        return "[\n" + items + "\n" + "  " * depth + "]"
    if isinstance(value, float):  # every double an answer holds goes through writeNumber(double)
        return java_double(value)
    return json.dumps(value, ensure_ascii=False)


@lru_cache(maxsize=256)
def _compile_filter(expression: str) -> tuple[tuple, tuple]:
    """Include and exclude filters, each a tuple of steps: a compiled pattern, or None for ``**``."""
    includes, excludes = [], []
    for raw in expression.split(","):
        raw = raw.strip()
        if raw:
            steps = tuple(
                None if step == "**" else re.compile("^" + ".*".join(map(re.escape, step.split("*"))) + "$")
                for step in raw.lstrip("-").split(".")
            )
            (excludes if raw.startswith("-") else includes).append(steps)
    return tuple(includes), tuple(excludes)


def _full(path: list[str], steps: tuple) -> bool:
    """Whether ``path`` matches ``steps`` completely (``**`` stands for any number of levels)."""
    if not steps:
        return not path
    head, rest = steps[0], steps[1:]
    if head is None:
        return any(_full(path[i:], rest) for i in range(len(path) + 1))
    return bool(path) and bool(head.match(path[0])) and _full(path[1:], rest)


def _prefix(path: list[str], steps: tuple) -> bool:
    """Whether ``path`` may still grow into a full match of ``steps``."""
    if not path:
        return True
    if not steps:
        return False
    head, rest = steps[0], steps[1:]
    if head is None:
        return True
    return bool(head.match(path[0])) and _prefix(path[1:], rest)


_NOTHING = object()


def filter_path(body: Any, expression: str) -> Any:
    """``filter_path``: keeps what the includes name (a matched field keeps its whole subtree), then
    drops what the ``-`` excludes name; array items are looked through. Nothing kept gives ``{}``."""
    includes, excludes = _compile_filter(expression)

    def walk(value: Any, path: list[str], selecting: bool) -> Any:
        if isinstance(value, dict):
            kept = {}
            for key, item in value.items():
                sub = path + [key]
                if any(_full(sub, e) for e in excludes):
                    continue
                if selecting and any(_full(sub, i) for i in includes):
                    kept[key] = walk(item, sub, False)
                elif not selecting:
                    kept[key] = walk(item, sub, False)
                elif any(_prefix(sub, i) for i in includes):
                    child = walk(item, sub, True)
                    if child is not _NOTHING:
                        kept[key] = child
            return _NOTHING if selecting and not kept else kept
        if isinstance(value, list):
            items = [v for v in (walk(item, path, selecting) for item in value) if v is not _NOTHING]
            return _NOTHING if selecting and not items else items
        return _NOTHING if selecting else value

    result = walk(body, [], bool(includes))
    return {} if result is _NOTHING else result


# -- Java's HashMap order ---------------------------------------------------------------------


def java_string_hash(text: str) -> int:
    """java.lang.String.hashCode, over UTF-16 code units."""
    value = 0
    data = text.encode("utf-16-be")
    for i in range(0, len(data), 2):
        value = (31 * value + ((data[i] << 8) | data[i + 1])) & 0xFFFFFFFF
    return value


def java_hashmap_order(keys: list[str], initial_capacity: int = 16) -> list[str]:
    """The iteration order of a java.util.HashMap filled with ``keys`` in this order: where a server
    writes a HashMap (settings, error metadata), its JSON has this order."""
    capacity = 1
    while capacity < initial_capacity:
        capacity *= 2
    threshold = int(capacity * 0.75)
    for size in range(1, len(keys) + 1):
        if size > threshold:
            capacity *= 2
            threshold = int(capacity * 0.75)

    def bucket(key: str) -> int:
        h = java_string_hash(key)
        return (h ^ (h >> 16)) & (capacity - 1)

    position = {key: i for i, key in enumerate(keys)}
    return sorted(keys, key=lambda k: (bucket(k), position[k]))
