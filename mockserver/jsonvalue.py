"""Copies of JSON values (dicts, lists and scalars), the hot path of every write and answer."""

from __future__ import annotations

import gc
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from json.encoder import encode_basestring
from typing import Any

import orjson

# The values clone gives back as they are, asked by exact type so that most members cost no call.
_ATOMS = frozenset({str, int, float, bool, type(None)})


def clone(value: Any) -> Any:
    """What ``copy.deepcopy`` gives for a JSON value, about three times faster: no memo is needed,
    since a value parsed from JSON shares no parts and has no cycles."""
    if isinstance(value, dict):
        return {k: v if type(v) in _ATOMS else clone(v) for k, v in value.items()}
    if isinstance(value, list):
        return [v if type(v) in _ATOMS else clone(v) for v in value]
    return value


_pause_lock = threading.Lock()
_pauses = [0, False]  # calls inside collection_paused, and whether the collector was on before the first


@contextmanager
def collection_paused() -> Iterator[None]:
    """No cyclic garbage collection while a bulk write makes its thousands of JSON values (which hold
    no cycles): each young collection would go through them again, and a write that makes the heap a
    quarter larger sets off a full collection of the whole process (some 40% of an import of 10,000).
    The collector is on again when the last call inside ends, if it was on before the first."""
    with _pause_lock:
        if _pauses[0] == 0:
            _pauses[1] = gc.isenabled()
            gc.disable()
        _pauses[0] += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pauses[0] -= 1
            if _pauses[0] == 0 and _pauses[1]:
                gc.enable()


def deepest(text: str, limit: int) -> tuple[int, int]:
    """Where JSON text first nests deeper than ``limit`` (or, short of that, where it nests deepest):
    ``(depth, offset)``. Strings are skipped. Only for text a parser has refused as too deep."""
    depth, worst, in_string, escaped = 0, (0, 0), False, False
    for offset, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > worst[0]:
                worst = (depth, offset)
                if depth > limit:
                    break
        elif char in "]}":
            depth -= 1
    return worst


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def escape_surrogates(text: str, upper: bool = False) -> str:
    """JSON text written with ``ensure_ascii=False``, its lone surrogates (a ``"\\ud800"`` a client
    sent, which Python keeps as it is and UTF-8 cannot carry) as ``\\uXXXX`` escapes, as V8's
    well-formed JSON.stringify (lower case) and Jackson's generator (``upper``) write them."""
    if not _LONE_SURROGATE.search(text):
        return text
    form = "\\u%04X" if upper else "\\u%04x"
    return _LONE_SURROGATE.sub(lambda match: form % ord(match.group()), text)


class NonStandardToken(ValueError):
    """``NaN``, ``Infinity`` or ``-Infinity`` in JSON text: what Python's parser takes and no product's does."""

    def __init__(self, token: str):
        super().__init__(f"{token} is not JSON")
        self.token = token


def refuse_constant(token: str) -> Any:
    """``parse_constant`` for ``json.loads``: the products' parsers refuse the non-standard numbers."""
    raise NonStandardToken(token)


def strict_loads(text: str | bytes) -> Any:
    """JSON as standard parsers read it (JSON.parse, Jackson): Python's extensions refused."""
    return json.loads(text, parse_constant=refuse_constant)


# -- JSON as Node writes it ------------------------------------------------------------------
# orjson and json.dumps write numbers as Python does (1.0, 1e-07, 2**53 + 1 exactly); JSON.stringify
# writes a double by Number.prototype.toString (ECMA-262 Number::toString), so the mock writes them so.

_MAX_SAFE = 2**53  # every integer up to here is a double exactly, and prints as itself
_PLAIN_FLOATS = (1e-4, 1e16)  # the doubles repr writes without an exponent (and Number::toString too)
_MAX_ARRAY_INDEX = 2**32 - 2


def shortest_digits(number: float) -> tuple[str, int]:
    """A positive double's shortest round-trip digits and where the point goes: ``(digits, n)``
    with the value ``0.digits x 10**n``. Python's repr gives the same digits as V8's and Java's
    (19+) writers; only where each puts the point differs."""
    mantissa, _, exponent = float.__repr__(number).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    point = len(whole) + int(exponent or 0)
    stripped = digits.lstrip("0")
    return stripped.rstrip("0"), point - (len(digits) - len(stripped))


def js_number(value: int | float) -> str:
    """A number as JSON.stringify writes it: as the double JSON.parse would have made of it, by
    Number::toString (shortest round-trip digits; exponent form from 1e21 up and below 1e-6); a
    number past the doubles (Infinity) as ``null``; -0 as ``0``."""
    if isinstance(value, int) and -_MAX_SAFE <= value <= _MAX_SAFE:
        return int.__repr__(value)
    try:
        number = float(value)
    except OverflowError:  # an integer past 1.8e308: Infinity to JSON.parse
        return "null"
    if number != number or number in (float("inf"), float("-inf")):
        return "null"
    if number == 0:
        return "0"
    sign = "-" if number < 0 else ""
    digits, n = shortest_digits(abs(number))
    k = len(digits)
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * -n + digits
    else:
        power = f"{'+' if n - 1 >= 0 else '-'}{abs(n - 1)}"
        text = digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + power
    return sign + text


def _array_index(key: str) -> bool:
    return key.isdigit() and key.isascii() and (key == "0" or key[0] != "0") and int(key) <= _MAX_ARRAY_INDEX


def _js_key(key: Any) -> str:
    if isinstance(key, str):
        return key
    if key is None or isinstance(key, bool):
        return json.dumps(key)
    return js_number(key)


def _utf16_order(key: str) -> bytes:
    return key.encode("utf-16-be", "surrogatepass")


class _Unlike(Exception):
    """A value json.dumps would not write as JSON.stringify does."""


def _plain(value: Any) -> Any:
    """``value`` as json.dumps writes as JSON.stringify does, or :class:`_Unlike`: whole doubles
    (below 2**53, where both write every digit) as integers, in copies of the containers holding
    them; the rest as it is, so long as it has no integer past the safe ones, no double repr would
    write otherwise (an exponent: repr writes none from 1e-4 up to 1e16, Number::toString none from
    1e-6 up to 1e21), no key that is not a string or that starts with a digit (an array index, maybe)."""
    if isinstance(value, str) or value is None or value is True or value is False:
        return value
    if isinstance(value, dict):
        changed = None
        for key, member in value.items():
            if not isinstance(key, str) or key[:1].isdigit():
                raise _Unlike
            if isinstance(member, str):
                continue
            plain = _plain(member)
            if plain is not member:
                if changed is None:
                    changed = dict(value)
                changed[key] = plain
        return value if changed is None else changed
    if isinstance(value, list):
        changed = None
        for index, member in enumerate(value):
            if isinstance(member, str):
                continue
            plain = _plain(member)
            if plain is not member:
                if changed is None:
                    changed = list(value)
                changed[index] = plain
        return value if changed is None else changed
    if isinstance(value, int):
        if -_MAX_SAFE <= value <= _MAX_SAFE:
            return value
        raise _Unlike
    if isinstance(value, float):
        if value.is_integer():  # -0.0 too: 0
            if abs(value) < _MAX_SAFE:
                return int(value)
        elif _PLAIN_FLOATS[0] <= abs(value) < _PLAIN_FLOATS[1]:
            return value
    raise _Unlike


# json.dumps(separators=(",", ":"), ensure_ascii=False), built once: dumps builds an encoder a call.
_COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


# orjson writes what JSON.stringify writes (compact; UTF-8 as it is; the same escapes, tested for every
# code point) but for: doubles (1.0, 1e+16), integers past the doubles, array-index keys (kept in
# insertion order, where JSON.stringify puts them first), keys sorted by code point (json-stable-
# stringify sorts UTF-16 code units, which differs from U+E000 up) and lone surrogates. It refuses the
# big integers (OPT_STRICT_INTEGER), the surrogates, non-string keys and, through ``default``, subclasses
# (a str subclass, an IntEnum: the stdlib's to write); the rest is looked for in what it wrote, in a
# copy of its bytes where each kind of character is one byte (one bytes.translate), so that a search
# with a literal prefix finds it: digits and signs as 0, a point or an exponent as ".", the brackets
# and the comma as ",", the lead bytes of U+E000 and up as 0xFF.
_ORJSON_OPTIONS = orjson.OPT_STRICT_INTEGER | orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_PASSTHROUGH_DATETIME
_ORJSON_OPTIONS |= orjson.OPT_PASSTHROUGH_DATACLASS
_CLASSES = bytearray(range(256))
for _byte in b"0123456789+-":
    _CLASSES[_byte] = ord("0")
for _byte in b".eE":
    _CLASSES[_byte] = ord(".")
for _byte in b"[]{},":
    _CLASSES[_byte] = ord(",")
for _byte in range(0xEE, 0xF5):  # UTF-8 lead bytes of U+E000..U+FFFF and of U+10000 up
    _CLASSES[_byte] = 0xFF
_CLASSES = bytes(_CLASSES)
# A double ends "digit, point or exponent, digits, then a comma or a closing bracket"; a string can end
# so too (then the Python writer writes it, alike). A key that may be an array index: a string after
# "{" or "," that starts with a digit and is followed by ":" (strings matched as JSON tokens).
_DOUBLE_END = re.compile(rb"0\.[0.]*,")
# orjson writes a double's shortest digits, as Number::toString does, but whole ones with ".0" and
# the very large or small with an exponent: a text with neither (looked for anywhere, strings too, so
# a string that looks so only sends the value to the Python writer) writes its doubles alike (a
# find's scores, most often).
_DOUBLE_UNLIKE = re.compile(rb"\.0[,\]}]|[0-9][eE]")
_DIGIT_KEY = re.compile(rb',"0[^"\\]*(?:\\.[^"\\]*)*":', re.DOTALL)


def _not_written(value: Any) -> Any:
    raise TypeError(type(value).__name__)


def _orjson_text(value: Any, sort_keys: bool) -> str | None:
    """An object or array as orjson writes it, where that is what JSON.stringify writes; else None."""
    if type(value) is not dict and type(value) is not list:
        return None  # a bare scalar: a double would have nothing after it to be told by
    try:
        data = orjson.dumps(
            value, default=_not_written, option=_ORJSON_OPTIONS | (orjson.OPT_SORT_KEYS if sort_keys else 0)
        )
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return None
    classes = data.translate(_CLASSES)
    if _DOUBLE_END.search(classes) and _DOUBLE_UNLIKE.search(data):
        return None
    if b"\xff" in classes if sort_keys else _DIGIT_KEY.search(classes):
        return None
    return data.decode()


def node_json_lines(values: list, sort_keys: bool = False) -> str:
    """``"\\n".join(node_json(value, sort_keys) for value in values)``, orjson's text of every value
    looked through at once (what the search finds in a line it finds in the lines joined: no pattern
    matches a newline's class); where it finds something, each value is written by :func:`node_json`."""
    option = _ORJSON_OPTIONS | (orjson.OPT_SORT_KEYS if sort_keys else 0)
    dumps = orjson.dumps
    try:
        if not all(type(value) is dict or type(value) is list for value in values):
            raise TypeError  # a bare scalar: node_json's to write
        data = b"\n".join([dumps(value, default=_not_written, option=option) for value in values])
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return "\n".join([node_json(value, sort_keys) for value in values])
    classes = data.translate(_CLASSES)
    if _DOUBLE_END.search(classes) or (b"\xff" in classes if sort_keys else _DIGIT_KEY.search(classes)):
        return "\n".join([node_json(value, sort_keys) for value in values])
    return data.decode()


def node_json(value: Any, sort_keys: bool = False) -> str:
    """JSON text as Node's JSON.stringify writes ``value`` (compact): non-ASCII as it is, only control
    characters, ``"``, ``\\`` and lone surrogates (lower-case ``\\udXXX``) escaped; numbers by
    :func:`js_number`; an object's array-index keys first, ascending, then the others in insertion
    order (OrdinaryOwnPropertyKeys), as a JSON.parse'd object holds them. ``sort_keys``: every
    object's keys in UTF-16 order instead, as json-stable-stringify writes them (its default sort)."""
    text = _orjson_text(value, sort_keys)
    return text if text is not None else stringify(value, sort_keys)


def stringify(value: Any, sort_keys: bool = False) -> str:
    """:func:`node_json` written in Python (the stdlib's C encoder where it writes alike): what orjson's
    text is held to (tests/test_compiled_fast_paths.py), and the writer of what orjson does not write
    alike (a double, most often: a find answer's scores)."""
    if not sort_keys:
        try:
            plain = _plain(value)
        except _Unlike:
            pass
        else:  # the stdlib's C encoder, three times faster than the writer below
            return escape_surrogates(_COMPACT.encode(plain))
    parts: list[str] = []
    write = parts.append
    string = encode_basestring

    def emit(item: Any) -> None:
        if isinstance(item, str):
            write(string(item))
        elif item is None:
            write("null")
        elif item is True:
            write("true")
        elif item is False:
            write("false")
        elif isinstance(item, (int, float)):
            write(js_number(item))
        elif isinstance(item, dict):
            if not item:
                write("{}")
                return
            pairs = [(_js_key(k), v) for k, v in item.items()]
            if sort_keys:
                pairs.sort(key=lambda pair: _utf16_order(pair[0]))
            elif any(k[:1].isdigit() for k, _ in pairs):
                indices = sorted((p for p in pairs if _array_index(p[0])), key=lambda pair: int(pair[0]))
                pairs = indices + [p for p in pairs if not _array_index(p[0])]
            write("{")
            first = True
            for key, member in pairs:
                if not first:
                    write(",")
                first = False
                write(string(key))
                write(":")
                emit(member)
            write("}")
        elif isinstance(item, (list, tuple)):
            write("[")
            for index, member in enumerate(item):
                if index:
                    write(",")
                emit(member)
            write("]")
        else:
            raise TypeError(f"{type(item).__name__} is not a JSON value")

    emit(value)
    return escape_surrogates("".join(parts))
