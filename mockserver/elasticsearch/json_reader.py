"""The server's JSON reader, as Elasticsearch configures Jackson: strict (no NaN or Infinity, no field
given twice), comments allowed, nesting up to Jackson's limit; what it refuses, in Jackson's words and
at Jackson's place."""

from __future__ import annotations

import re
from typing import Any

from ..jsonvalue import NonStandardToken, deepest
from . import xcontent
from .errors import ElasticsearchError, JsonEOFError, JsonParseError, XContentEOF, XContentParseError


def parse_json(text: str, line: bool = False) -> Any:
    """A JSON text as the server's strict parser reads it, refusing what it refuses with its errors
    (a field given twice, syntax, nesting past Jackson's limit); ``line``: a bulk line (fast path)."""
    try:
        return xcontent.loads_line(text) if line else xcontent.loads(text)
    except NonStandardToken as e:
        raise non_standard_token(text, e.token) from None
    except xcontent.DuplicateField as e:
        locations = xcontent.Locations(text)
        place = max((p for p in locations.order if p[-1] == e.name), key=lambda p: locations.keys[p], default=())
        reason = f"Duplicate field '{e.name}'"
        raise XContentParseError(
            reason, locations.key(place) if place else (1, 1), caused_by=JsonParseError(reason)
        ) from None
    except ValueError as e:
        raise json_syntax_error(text, e) from None
    except RecursionError:
        raise too_deep(text) from None


_JACKSON_SOURCE = xcontent.JACKSON_SOURCE

MAX_NESTING_DEPTH = 1000  # Jackson's StreamReadConstraints default


def too_deep(text: str) -> ElasticsearchError:
    """Jackson refuses a document nested deeper than its limit."""
    depth, offset = deepest(text, MAX_NESTING_DEPTH)
    line, column = xcontent.line_column(text, offset)
    reason = (
        f"Document nesting depth ({max(depth, MAX_NESTING_DEPTH + 1)}) exceeds the maximum allowed "
        f"({MAX_NESTING_DEPTH}, from `StreamReadConstraints.getMaxNestingDepth()`)"
    )
    cause = JsonParseError(reason)
    cause.type = "stream_constraints_exception"
    return XContentParseError(reason, (line, column), caused_by=cause)


_STRING_OR_CONSTANT = re.compile(xcontent.JSON_STRING + r"|-?Infinity|NaN", re.S)


def non_standard_token(text: str, token: str) -> XContentParseError:
    """Jackson's refusal of ``NaN`` / ``Infinity`` (ALLOW_NON_NUMERIC_NUMBERS is off), reported where
    the token ends."""
    scanned = xcontent.without_comments(text)
    end = next((m.end() for m in _STRING_OR_CONSTANT.finditer(scanned) if m.group() == token), len(scanned))
    line, column = xcontent.line_column(scanned, end)
    jackson = (
        f"Non-standard token '{token}': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow\n"
        f" at [Source: {_JACKSON_SOURCE}; line: {line}, column: {column}]"
    )
    return XContentParseError(jackson, (line, column), caused_by=JsonParseError(jackson))


def json_syntax_error(text: str, error: ValueError) -> XContentParseError:
    """Jackson's wording for the common syntax errors, at the place Python's parser stopped."""
    import json

    line, column = (error.lineno, error.colno) if isinstance(error, json.JSONDecodeError) else (1, 1)
    position = error.pos if isinstance(error, json.JSONDecodeError) else 0
    where = f"\n at [Source: {_JACKSON_SOURCE}; line: {line}, column: {column}]"
    if position >= len(text.rstrip()):
        jackson = f"Unexpected end-of-input: expected close marker for Object{where}"
        return XContentEOF("Unexpected end of file", (line, column), caused_by=JsonEOFError(jackson))
    char = text[position]
    message = getattr(error, "msg", "")
    if message.startswith("Expecting property name"):
        what = "was expecting double-quote to start field name"
    elif message.startswith(("Expecting ',' delimiter", "Extra data")):
        what = "was expecting comma to separate Object entries"
    elif message.startswith("Expecting ':'"):
        what = "was expecting a colon to separate field name and value"
    else:
        what = "expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
    jackson = f"Unexpected character ('{char}' (code {ord(char)})): {what}{where}"
    return XContentParseError(jackson, (line, column), caused_by=JsonParseError(jackson))
