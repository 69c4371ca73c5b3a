"""``JSON.parse`` as Node.js runs it, down to its SyntaxError messages (V8's json-parser.cc and
message-template.h), for the import file's lines: OpenSearch Dashboards answers a line that is not
JSON with the parser's own message, so the words are those of the Node.js its release runs on
(``Release.node_major``). Three wordings, each checked against that Node's own JSON.parse:

* Node 10, 14 and 18 (OSD 1.x, 2.x): the old templates, one per token at the point the parse stopped:
  ``Unexpected token } in JSON at position 7``, ``Unexpected number ...``, ``Unexpected string ...``,
  ``Unexpected end of JSON input``.
* Node 20 (OSD 3.0 to 3.4): V8 11's messages, which say what was expected (``Expected property name or
  '}' in JSON at position 1``) and quote the source around a bad token (``Unexpected token 'o', "not
  json" is not valid JSON``).
* Node 22 (OSD 3.5 on): the same, each ``at position N`` followed by `` (line L column C)`` (lines
  broken at CR, LF or CRLF, columns in UTF-16 units from 1).

Valid text is parsed by Python's json module (same grammar, once NaN and Infinity are refused);
only text that fails is walked again, the way V8 walks it, to find the message V8 would give.
"""

from __future__ import annotations

import re
from typing import Any

from ..jsonvalue import strict_loads
from .errors import JsonParseError

WHITESPACE = " \t\n\r"
CONTEXT = 10  # kMaxContextCharacters: characters of the source quoted each side of a bad token
SPECIAL_SOURCES = ("NaN", "Infinity", "undefined", "[object Object]")


class JsonSyntaxError(Exception):
    pass


# The Node.js majors that word JSON.parse's errors anew: V8 11's messages (Node 20), then their
# line and column (Node 22).
DESCRIPTIVE_SINCE_NODE = 20
LINE_AND_COLUMN_SINCE_NODE = 22
NEWEST_NODE = LINE_AND_COLUMN_SINCE_NODE
LINE_BREAK = re.compile(r"\r\n|\r|\n")


def js_json_parse(text: str, node_major: int = NEWEST_NODE) -> Any:
    """The value of a JSON text, or a 400 whose message is the SyntaxError message of that Node's V8."""
    try:
        return strict_loads(text)
    except (ValueError, RecursionError):
        raise JsonParseError(v8_syntax_error(text, node_major)) from None


def v8_syntax_error(text: str, node_major: int = NEWEST_NODE) -> str:
    """The message of the SyntaxError ``JSON.parse(text)`` throws on Node ``node_major`` (text known to
    be invalid)."""
    try:
        _Scanner(text, node_major).parse()
    except JsonSyntaxError as error:
        return str(error)
    except RecursionError:  # V8 parses any depth; here a line nested past Python's stack is refused
        return "Maximum nesting depth exceeded"
    return "Unexpected end of JSON input"  # unreachable for text json.loads refused


class _Scanner:
    """V8's JsonParser, reduced to finding the first error and wording it. The old parser (Node 18
    and before) stops at the same place; it only words every error by the token there."""

    def __init__(self, text: str, node_major: int = NEWEST_NODE):
        self.text = text
        self.pos = 0
        self.descriptive = node_major >= DESCRIPTIVE_SINCE_NODE
        self.line_and_column = node_major >= LINE_AND_COLUMN_SINCE_NODE

    # -- errors -----------------------------------------------------------------------------
    def position(self) -> int:
        return _utf16_length(self.text[: self.pos])  # JavaScript counts UTF-16 units

    def at_position(self) -> str:
        """``at position N``, and on Node 22 where that is: `` (line L column C)``."""
        where = f"at position {self.position()}"
        if not self.line_and_column:
            return where
        before = self.text[: self.pos]
        breaks = list(LINE_BREAK.finditer(before))
        line_start = breaks[-1].end() if breaks else 0
        return f"{where} (line {len(breaks) + 1} column {_utf16_length(before[line_start:]) + 1})"

    def fail(self, template: str | None = None) -> JsonSyntaxError:
        """ReportUnexpectedToken: the given wording (V8 11's), or one chosen by the character at the
        cursor; the old parser words every error by that character."""
        if template is not None and self.descriptive:
            return JsonSyntaxError(template.format(at=self.at_position()))
        if self.pos >= len(self.text):
            return JsonSyntaxError("Unexpected end of JSON input")
        char = _first_utf16_unit(self.text[self.pos])  # V8 names one UTF-16 unit: an emoji's high surrogate
        if char == '"':
            return JsonSyntaxError(f"Unexpected string in JSON {self.at_position()}")
        if char == "-" or char.isdigit() and char.isascii():
            return JsonSyntaxError(f"Unexpected number in JSON {self.at_position()}")
        if not self.descriptive:
            return JsonSyntaxError(f"Unexpected token {char} in JSON {self.at_position()}")
        if self.text in SPECIAL_SOURCES:
            return JsonSyntaxError(f'"{self.text}" is not valid JSON')
        # The quoted context is cut in UTF-16 units, as V8 counts: a cut may split an emoji.
        source, at, length = _Utf16(self.text), self.position(), _utf16_length(self.text)
        if length < 2 * CONTEXT + 1:
            return JsonSyntaxError(f"Unexpected token '{char}', \"{self.text}\" is not valid JSON")
        if at < CONTEXT:
            return JsonSyntaxError(f"Unexpected token '{char}', \"{source[: at + CONTEXT]}\"... is not valid JSON")
        if at < length - CONTEXT:
            return JsonSyntaxError(
                f"Unexpected token '{char}', ...\"{source[at - CONTEXT : at + CONTEXT]}\"... is not valid JSON"
            )
        return JsonSyntaxError(f"Unexpected token '{char}', ...\"{source[at - CONTEXT :]}\" is not valid JSON")

    # -- scanning ---------------------------------------------------------------------------
    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def skip_whitespace(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in WHITESPACE:
            self.pos += 1

    def expect(self, char: str, template: str) -> None:
        self.skip_whitespace()
        if self.peek() != char:
            raise self.fail(template)
        self.pos += 1

    def parse(self) -> None:
        self.skip_whitespace()
        self.value()
        self.skip_whitespace()
        if self.pos < len(self.text):
            raise self.fail("Unexpected non-whitespace character after JSON {at}")

    def value(self) -> None:
        self.skip_whitespace()
        char = self.peek()
        if char == '"':
            self.string()
        elif char == "-" or ("0" <= char <= "9" and char != ""):
            self.number()
        elif char == "{":
            self.object()
        elif char == "[":
            self.array()
        elif char in ("t", "f", "n"):
            self.literal({"t": "true", "f": "false", "n": "null"}[char])
        else:
            raise self.fail()

    def literal(self, word: str) -> None:
        for expected in word:
            if self.peek() != expected:
                raise self.fail()
            self.pos += 1

    def object(self) -> None:
        self.pos += 1
        self.skip_whitespace()
        if self.peek() == "}":
            self.pos += 1
            return
        template = "Expected property name or '}}' in JSON {at}"
        while True:
            self.skip_whitespace()
            if self.peek() != '"':
                raise self.fail(template)
            self.string()
            self.expect(":", "Expected ':' after property name in JSON {at}")
            self.value()
            self.skip_whitespace()
            if self.peek() == ",":
                self.pos += 1
                template = "Expected double-quoted property name in JSON {at}"
                continue
            self.expect("}", "Expected ',' or '}}' after property value in JSON {at}")
            return

    def array(self) -> None:
        self.pos += 1
        self.skip_whitespace()
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            self.value()
            self.skip_whitespace()
            if self.peek() == ",":
                self.pos += 1
                continue
            self.expect("]", "Expected ',' or ']' after array element in JSON {at}")
            return

    def string(self) -> None:
        self.pos += 1
        text = self.text
        while True:
            if self.pos >= len(text):
                raise self.fail("Unterminated string in JSON {at}")
            char = text[self.pos]
            if char == '"':
                self.pos += 1
                return
            if char < " ":
                raise self.fail("Bad control character in string literal in JSON {at}")
            if char == "\\":
                self.pos += 1
                if self.pos >= len(text):
                    raise self.fail()  # a backslash last: V8 reads past the end ("Unexpected end")
                escaped = text[self.pos]
                if escaped == "u":
                    for _ in range(4):
                        self.pos += 1
                        if self.pos >= len(text) or text[self.pos] not in "0123456789abcdefABCDEF":
                            raise self.fail("Bad Unicode escape in JSON {at}")
                elif escaped not in '"\\/bfnrt':
                    raise self.fail("Bad escaped character in JSON {at}")
            self.pos += 1

    def number(self) -> None:
        text = self.text
        if self.peek() == "-":
            self.pos += 1
            if not self.peek().isdigit() or not self.peek().isascii():
                raise self.fail("No number after minus sign in JSON {at}")
        if self.peek() == "0":
            self.pos += 1
            if self.peek().isdigit() and self.peek().isascii():
                raise self.fail()  # a leading zero: "Unexpected number"
        else:
            while self.pos < len(text) and "0" <= text[self.pos] <= "9":
                self.pos += 1
        if self.peek() == ".":
            self.pos += 1
            if not ("0" <= self.peek() <= "9" and self.peek()):
                raise self.fail("Unterminated fractional number in JSON {at}")
            while self.pos < len(text) and "0" <= text[self.pos] <= "9":
                self.pos += 1
        if self.peek() in ("e", "E"):
            self.pos += 1
            if self.peek() in ("+", "-"):
                self.pos += 1
            if not ("0" <= self.peek() <= "9" and self.peek()):
                raise self.fail("Exponent part is missing a number in JSON {at}")
            while self.pos < len(text) and "0" <= text[self.pos] <= "9":
                self.pos += 1


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _first_utf16_unit(char: str) -> str:
    code = ord(char)
    return char if code <= 0xFFFF else chr(0xD800 + ((code - 0x10000) >> 10))


class _Utf16:
    """A text sliced as JavaScript slices it, by UTF-16 units (a lone surrogate where a cut splits a pair)."""

    def __init__(self, text: str):
        self.units = text.encode("utf-16-le", "surrogatepass")

    def __getitem__(self, cut: slice) -> str:
        start, stop = cut.start or 0, len(self.units) // 2 if cut.stop is None else cut.stop
        return self.units[2 * start : 2 * stop].decode("utf-16-le", "surrogatepass")
