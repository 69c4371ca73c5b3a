"""``JSON.parse`` as Node.js runs it, down to its SyntaxError messages (V8's json-parser.cc and
message-template.h), for the import file's lines: OpenSearch Dashboards answers a line that is not
JSON with the parser's own message.

Valid text is parsed by Python's json module (same grammar, once NaN and Infinity are refused);
only text that fails is walked again, the way V8 walks it, to find the message V8 would give.
"""

from __future__ import annotations

from typing import Any

from ..jsonvalue import strict_loads
from .errors import JsonParseError

WHITESPACE = " \t\n\r"
CONTEXT = 10  # kMaxContextCharacters: characters of the source quoted each side of a bad token
SPECIAL_SOURCES = ("NaN", "Infinity", "undefined", "[object Object]")


class JsonSyntaxError(Exception):
    pass


def js_json_parse(text: str) -> Any:
    """The value of a JSON text, or a 400 whose message is V8's SyntaxError message."""
    try:
        return strict_loads(text)
    except (ValueError, RecursionError):
        raise JsonParseError(v8_syntax_error(text)) from None


def v8_syntax_error(text: str) -> str:
    """The message of the SyntaxError ``JSON.parse(text)`` throws (text known to be invalid)."""
    try:
        _Scanner(text).parse()
    except JsonSyntaxError as error:
        return str(error)
    except RecursionError:  # V8 parses any depth; here a line nested past Python's stack is refused
        return "Maximum nesting depth exceeded"
    return "Unexpected end of JSON input"  # unreachable for text json.loads refused


class _Scanner:
    """V8's JsonParser, reduced to finding the first error and wording it."""

    def __init__(self, text: str):
        self.text = text
        self.pos = 0

    # -- errors -----------------------------------------------------------------------------
    def position(self) -> int:
        return len(self.text[: self.pos].encode("utf-16-le")) // 2  # JavaScript counts UTF-16 units

    def fail(self, template: str | None = None) -> JsonSyntaxError:
        """ReportUnexpectedToken: the given wording, or one chosen by the character at the cursor."""
        if template is not None:
            return JsonSyntaxError(template.format(pos=self.position()))
        if self.pos >= len(self.text):
            return JsonSyntaxError("Unexpected end of JSON input")
        char = self.text[self.pos]
        if char == '"':
            return JsonSyntaxError(f"Unexpected string in JSON at position {self.position()}")
        if char == "-" or char.isdigit() and char.isascii():
            return JsonSyntaxError(f"Unexpected number in JSON at position {self.position()}")
        if self.text in SPECIAL_SOURCES:
            return JsonSyntaxError(f'"{self.text}" is not valid JSON')
        source, at = self.text, self.pos
        if len(source) < 2 * CONTEXT + 1:
            return JsonSyntaxError(f"Unexpected token '{char}', \"{source}\" is not valid JSON")
        if at < CONTEXT:
            return JsonSyntaxError(f"Unexpected token '{char}', \"{source[: at + CONTEXT]}\"... is not valid JSON")
        if at < len(source) - CONTEXT:
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
            raise self.fail("Unexpected non-whitespace character after JSON at position {pos}")

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
        template = "Expected property name or '}}' in JSON at position {pos}"
        while True:
            self.skip_whitespace()
            if self.peek() != '"':
                raise self.fail(template)
            self.string()
            self.expect(":", "Expected ':' after property name in JSON at position {pos}")
            self.value()
            self.skip_whitespace()
            if self.peek() == ",":
                self.pos += 1
                template = "Expected double-quoted property name in JSON at position {pos}"
                continue
            self.expect("}", "Expected ',' or '}}' after property value in JSON at position {pos}")
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
            self.expect("]", "Expected ',' or ']' after array element in JSON at position {pos}")
            return

    def string(self) -> None:
        self.pos += 1
        text = self.text
        while True:
            if self.pos >= len(text):
                raise self.fail("Unterminated string in JSON at position {pos}")
            char = text[self.pos]
            if char == '"':
                self.pos += 1
                return
            if char < " ":
                raise self.fail("Bad control character in string literal in JSON at position {pos}")
            if char == "\\":
                self.pos += 1
                if self.pos >= len(text):
                    raise self.fail("Unterminated string in JSON at position {pos}")
                escaped = text[self.pos]
                if escaped == "u":
                    for _ in range(4):
                        self.pos += 1
                        if self.pos >= len(text) or text[self.pos] not in "0123456789abcdefABCDEF":
                            raise self.fail("Bad Unicode escape in JSON at position {pos}")
                elif escaped not in '"\\/bfnrt':
                    raise self.fail("Bad escaped character in JSON at position {pos}")
            self.pos += 1

    def number(self) -> None:
        text = self.text
        if self.peek() == "-":
            self.pos += 1
            if not self.peek().isdigit() or not self.peek().isascii():
                raise self.fail("No number after minus sign in JSON at position {pos}")
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
                raise self.fail("Unterminated fractional number in JSON at position {pos}")
            while self.pos < len(text) and "0" <= text[self.pos] <= "9":
                self.pos += 1
        if self.peek() in ("e", "E"):
            self.pos += 1
            if self.peek() in ("+", "-"):
                self.pos += 1
            if not ("0" <= self.peek() <= "9" and self.peek()):
                raise self.fail("Exponent part is missing a number in JSON at position {pos}")
            while self.pos < len(text) and "0" <= text[self.pos] <= "9":
                self.pos += 1
