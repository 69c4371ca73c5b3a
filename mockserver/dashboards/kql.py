"""``_find``'s ``filter``: KQL (DQL) as OpenSearch Dashboards parses, checks and runs it.

The parser follows the kuery grammar (src/plugins/data/common/opensearch_query/kuery/ast/kuery.peg)
rule for rule, with PEG.js 0.9's failure bookkeeping, so a syntax error lists what the real parser
expects at the furthest point it reached. The checks are filter_utils.ts's; a valid filter becomes
a predicate over stored objects (match, match_phrase, wildcard, exists, range, and, or, not).
"""

from __future__ import annotations

import fnmatch
import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..analysis import analyze
from .errors import DqlSyntaxError, InvalidFilter
from .search import TypeIndex, values_at
from .types import ROOT_FIELDS, TypeRegistry

FAIL = object()
WILDCARD = "@kuery-wildcard@"
_NUMBER = re.compile(r"^(-?[1-9]+\d*([.]\d+)?)$|^(-?0[.]\d*[1-9]+)$|^0$|^0.0$|^[.]\d{1,}$")
_TRANSLATIONS = {"fieldName": "field name"}


class KqlSyntaxError(Exception):
    def __init__(self, expected: list[str], found: str | None, offset: int, expression: str):
        described = []
        for description in sorted(set(expected)):  # PEG.js 0.9: sorted by description, deduplicated
            text = _TRANSLATIONS.get(description, description)
            if text not in described:
                described.append(text)
        found_text = f'"{found}"' if found is not None else "end of input"
        message = f"Expected {', '.join(described)} but {found_text} found."
        super().__init__("\n".join([message, expression, "-" * offset + "^"]))


@dataclass
class Node:
    function: str  # is | range | and | or | not | nested
    args: list


@dataclass
class Literal:
    value: Any
    wildcard: bool = False


class Parser:
    """The kuery grammar, with the parser options OSD's filter uses (no cursor, no Lucene rules)."""

    def __init__(self, text: str):
        self.text, self.pos = text, 0
        self.max_fail, self.expected, self.silent = 0, [], 0

    # -- PEG.js bookkeeping -----------------------------------------------------------------
    def fail(self, description: str) -> None:
        if self.silent or self.pos < self.max_fail:
            return
        if self.pos > self.max_fail:
            self.max_fail, self.expected = self.pos, []
        self.expected.append(description)

    def named(self, name: str, rule: Callable[[], Any]) -> Any:
        start = self.pos
        self.silent += 1
        result = rule()
        self.silent -= 1
        if result is FAIL:
            self.pos = start
            self.fail(name)
        return result

    def literal(self, text: str, insensitive: bool = False) -> Any:
        chunk = self.text[self.pos : self.pos + len(text)]
        if chunk == text or (insensitive and chunk.lower() == text):
            self.pos += len(text)
            return chunk
        self.fail(json.dumps(text))
        return FAIL

    def char_class(self, chars: str, description: str, negate: bool = False) -> Any:
        if self.pos < len(self.text) and ((self.text[self.pos] in chars) != negate):
            self.pos += 1
            return self.text[self.pos - 1]
        self.fail(description)
        return FAIL

    def any_char(self) -> Any:
        if self.pos < len(self.text):
            self.pos += 1
            return self.text[self.pos - 1]
        self.fail("any character")
        return FAIL

    def seq(self, *parts: Callable[[], Any]) -> Any:
        start, results = self.pos, []
        for part in parts:
            result = part()
            if result is FAIL:
                self.pos = start
                return FAIL
            results.append(result)
        return results

    def choice(self, *alternatives: Callable[[], Any]) -> Any:
        for alternative in alternatives:
            result = alternative()
            if result is not FAIL:
                return result
        return FAIL

    def many(self, rule: Callable[[], Any], at_least: int = 0) -> Any:
        start, results = self.pos, []
        while True:
            result = rule()
            if result is FAIL:
                break
            results.append(result)
        if len(results) < at_least:
            self.pos = start
            return FAIL
        return results

    def ahead_not(self, rule: Callable[[], Any]) -> Any:
        start = self.pos
        self.silent += 1
        result = rule()
        self.silent -= 1
        self.pos = start
        return FAIL if result is not FAIL else True

    # -- the grammar --------------------------------------------------------------------------
    def start(self) -> Node:
        self.many(self.space)
        query = self.or_query()
        if query is FAIL:
            query = None
        self.many(self.space)
        if self.pos < len(self.text):
            self.fail("end of input")
            found = self.text[self.max_fail] if self.max_fail < len(self.text) else None
            raise KqlSyntaxError(self.expected, found, self.max_fail, self.text)
        return query if query is not None else Node("is", [Literal("*", True), Literal("*", True)])

    def or_query(self) -> Any:
        head = self.and_query()
        if head is FAIL:
            return FAIL
        tail = self.many(lambda: self.seq(self.or_, self.and_query))
        return head if not tail else Node("or", [head, *(t[1] for t in tail)])

    def and_query(self) -> Any:
        head = self.not_query()
        if head is FAIL:
            return FAIL
        tail = self.many(lambda: self.seq(self.and_, self.not_query))
        return head if not tail else Node("and", [head, *(t[1] for t in tail)])

    def not_query(self) -> Any:
        negated = self.seq(self.not_, self.sub_query)
        return Node("not", [negated[1]]) if negated is not FAIL else self.sub_query()

    def sub_query(self) -> Any:
        grouped = self.seq(
            lambda: self.literal("("),
            lambda: self.many(self.space),
            self.or_query,
            lambda: self.many(self.space),
            lambda: self.literal(")"),
        )
        return grouped[2] if grouped is not FAIL else self.nested_query()

    def nested_query(self) -> Any:
        nested = self.seq(
            self.field,
            lambda: self.many(self.space),
            lambda: self.literal(":"),
            lambda: self.many(self.space),
            lambda: self.literal("{"),
            lambda: self.many(self.space),
            self.or_query,
            lambda: self.many(self.space),
            lambda: self.literal("}"),
        )
        return Node("nested", [nested[0], nested[6]]) if nested is not FAIL else self.expression()

    def expression(self) -> Any:
        return self.choice(self.field_range_expression, self.field_value_expression, self.value_expression)

    def field(self) -> Any:
        return self.named("fieldName", self.literal_rule)

    def field_range_expression(self) -> Any:
        found = self.seq(
            self.field,
            lambda: self.many(self.space),
            self.range_operator,
            lambda: self.many(self.space),
            self.literal_rule,
        )
        return Node("range", [found[0], found[2], found[4]]) if found is not FAIL else FAIL

    def field_value_expression(self) -> Any:
        found = self.seq(
            self.field,
            lambda: self.many(self.space),
            lambda: self.literal(":"),
            lambda: self.many(self.space),
            self.list_of_values,
        )
        return found[4](found[0]) if found is not FAIL else FAIL

    def value_expression(self) -> Any:
        partial = self.value()
        return partial(Literal(None)) if partial is not FAIL else FAIL

    def list_of_values(self) -> Any:
        grouped = self.seq(
            lambda: self.literal("("),
            lambda: self.many(self.space),
            self.or_list_of_values,
            lambda: self.many(self.space),
            lambda: self.literal(")"),
        )
        return grouped[2] if grouped is not FAIL else self.value()

    def or_list_of_values(self) -> Any:
        head = self.and_list_of_values()
        if head is FAIL:
            return FAIL
        tail = [t[1] for t in self.many(lambda: self.seq(self.or_, self.and_list_of_values))]
        return head if not tail else (lambda f, parts=[head, *tail]: Node("or", [p(f) for p in parts]))

    def and_list_of_values(self) -> Any:
        head = self.not_list_of_values()
        if head is FAIL:
            return FAIL
        tail = [t[1] for t in self.many(lambda: self.seq(self.and_, self.not_list_of_values))]
        return head if not tail else (lambda f, parts=[head, *tail]: Node("and", [p(f) for p in parts]))

    def not_list_of_values(self) -> Any:
        negated = self.seq(self.not_, self.list_of_values)
        if negated is not FAIL:
            return lambda f, inner=negated[1]: Node("not", [inner(f)])
        return self.list_of_values()

    def value(self) -> Any:
        def body():
            quoted = self.quoted_string()
            if quoted is not FAIL:
                return lambda f: Node("is", [f, quoted, True])
            unquoted = self.unquoted_literal()
            if unquoted is not FAIL:
                return lambda f: Node("is", [f, unquoted, False])
            return FAIL

        return self.named("value", body)

    def or_(self) -> Any:
        return self.named(
            "OR",
            lambda: self.seq(
                lambda: self.many(self.space, 1), lambda: self.literal("or", True), lambda: self.many(self.space, 1)
            ),
        )

    def and_(self) -> Any:
        return self.named(
            "AND",
            lambda: self.seq(
                lambda: self.many(self.space, 1), lambda: self.literal("and", True), lambda: self.many(self.space, 1)
            ),
        )

    def not_(self) -> Any:
        return self.named("NOT", lambda: self.seq(lambda: self.literal("not", True), lambda: self.many(self.space, 1)))

    def literal_rule(self) -> Any:
        return self.named("literal", lambda: self.choice(self.quoted_string, self.unquoted_literal))

    def quoted_string(self) -> Any:
        found = self.seq(lambda: self.literal('"'), lambda: self.many(self.quoted_character), lambda: self.literal('"'))
        return Literal("".join(found[1])) if found is not FAIL else FAIL

    def quoted_character(self) -> Any:
        return self.choice(
            self.escaped_whitespace,
            lambda: _second(self.seq(lambda: self.literal("\\"), lambda: self.char_class('\\"', '[\\\\"]'))),
            lambda: self.char_class('"', '[^"]', negate=True),
        )

    def unquoted_literal(self) -> Any:
        chars = self.many(self.unquoted_character, 1)
        if chars is FAIL:
            return FAIL
        sequence = "".join(chars).strip()
        if sequence == "null":
            return Literal(None)
        if sequence in ("true", "false"):
            return Literal(sequence == "true")
        if WILDCARD in chars:
            return Literal("".join("*" if c == WILDCARD else c for c in chars).strip(), True)
        if _NUMBER.match(sequence):
            number = float(sequence)
            return Literal(int(number) if number.is_integer() and "." not in sequence else number)
        return Literal(sequence)

    def unquoted_character(self) -> Any:
        return self.choice(
            self.escaped_whitespace,
            lambda: _second(self.seq(lambda: self.literal("\\"), self.special_character)),
            lambda: _second(
                self.seq(
                    lambda: self.literal("\\"),
                    lambda: self.choice(
                        lambda: self.literal("or", True),
                        lambda: self.literal("and", True),
                        lambda: self.literal("not", True),
                    ),
                )
            ),
            lambda: WILDCARD if self.literal("*") is not FAIL else FAIL,
            lambda: _last(
                self.seq(
                    lambda: self.ahead_not(self.special_character),
                    lambda: self.ahead_not(lambda: self.choice(self.or_, self.and_, self.not_)),
                    self.any_char,
                )
            ),
        )

    def escaped_whitespace(self) -> Any:
        for escape, char in (("\\t", "\t"), ("\\r", "\r"), ("\\n", "\n")):
            if self.literal(escape) is not FAIL:
                return char
        return FAIL

    def special_character(self) -> Any:
        return self.char_class('\\():<>"*{}', '[\\\\():<>"*{}]')

    def range_operator(self) -> Any:
        for operator, name in (("<=", "lte"), (">=", "gte"), ("<", "lt"), (">", "gt")):
            if self.literal(operator) is not FAIL:
                return name
        return FAIL

    def space(self) -> Any:
        return self.named("whitespace", lambda: self.char_class(" \t\r\n", "[\\ \\t\\r\\n]"))


def _second(found: Any) -> Any:
    return found[1] if found is not FAIL else FAIL


def _last(found: Any) -> Any:
    return found[-1] if found is not FAIL else FAIL


def parse(expression: str) -> Node:
    """The filter's tree; a syntax error is the repository's 400 (``DQLSyntaxError: ...: Bad Request``)."""
    try:
        return _parsed(expression)
    except KqlSyntaxError as e:
        raise DqlSyntaxError(str(e)) from None


@functools.lru_cache(maxsize=256)
def _parsed(expression: str) -> Node:
    # A client asks the same filters again and again: the tree of each is parsed once (nothing
    # changes a tree once built: validate, predicate and candidates only read it).
    return Parser(expression).start()


# -- filter_utils: which keys a saved-objects filter may use ------------------------------------


def validate(node: Node, types: list[str], registry: TypeRegistry) -> None:
    errors: list[str] = []
    allowed = ",".join(types)

    def check(key: str | None) -> None:
        if key is None:
            errors.append(InvalidFilter.empty_key(allowed))
            return
        if "." not in key:
            errors.append(InvalidFilter.unwrapped_key(key, allowed))
            return
        parts = key.split(".")
        if parts[0] not in types:
            errors.append(InvalidFilter.type_not_allowed(parts[0]))
            return
        mappings = registry.get(parts[0]).mappings
        if (len(parts) == 2 and parts[1] in mappings) or (len(parts) > 2 and parts[1] != "attributes"):
            errors.append(InvalidFilter.not_attributes(key))
            return
        if (len(parts) == 2 and parts[1] not in ROOT_FIELDS) or (
            len(parts) > 2 and ".".join(parts[2:]) not in mappings
        ):
            errors.append(InvalidFilter.not_mapped(key, allowed))

    def walk(current: Any) -> None:
        if not isinstance(current, Node):
            return
        if current.function in ("is", "range", "nested"):
            key = current.args[0].value
            if not (current.function == "is" and key == "*"):
                check(None if key is None else str(key))
        for arg in current.args:
            walk(arg)

    walk(node)
    if errors:
        raise InvalidFilter(errors)


# -- running a filter --------------------------------------------------------------------------


def _as_date(value: Any) -> datetime | None:
    try:
        if isinstance(value, (int, float)):
            return datetime.fromtimestamp(value / 1000, UTC)
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def predicate(node: Node, registry: TypeRegistry) -> Callable[[dict], bool]:
    """A test of one stored document (``{type, attributes, ...}``) for a validated filter."""
    if node.function in ("and", "or"):
        parts = [predicate(arg, registry) for arg in node.args]
        combine = all if node.function == "and" else any
        return lambda doc: combine(p(doc) for p in parts)
    if node.function == "not":
        inner = predicate(node.args[0], registry)
        return lambda doc: not inner(doc)
    key = node.args[0].value
    if node.function == "is" and key == "*":
        return lambda doc: True
    so_type, _, rest = str(key).partition(".")
    attribute = rest.partition(".")[2] if rest.startswith("attributes.") else None
    spec = (registry.get(so_type).mappings.get(attribute) if attribute else ROOT_FIELDS.get(rest)) or {}
    kind = spec.get("type", "keyword")

    def values(doc: dict) -> list:
        if doc["type"] != so_type:
            return []
        if attribute:
            return values_at(doc["attributes"], attribute)
        value = doc.get(rest)
        return [] if value is None else (value if isinstance(value, list) else [value])

    if node.function == "nested":
        inner = predicate(node.args[1], registry)
        return lambda doc: bool(values(doc)) and inner(doc)
    if node.function == "range":
        operator, bound = node.args[1], node.args[2].value
        compare = {
            "lt": lambda a, b: a < b,
            "lte": lambda a, b: a <= b,
            "gt": lambda a, b: a > b,
            "gte": lambda a, b: a >= b,
        }[operator]
        convert = _as_date if kind == "date" else (lambda v: v)

        def in_range(doc: dict) -> bool:
            limit = convert(bound)
            for value in values(doc):
                try:
                    if compare(convert(value), limit):
                        return True
                except TypeError:
                    continue
            return False

        return in_range
    literal, is_phrase = node.args[1], node.args[2]
    if literal.wildcard and literal.value == "*":
        return lambda doc: bool(values(doc))
    if literal.wildcard:
        pattern = literal.value.lower() if kind == "text" else literal.value
        if kind == "text":
            return lambda doc: any(fnmatch.fnmatchcase(t, pattern) for v in values(doc) for t in analyze(v))
        return lambda doc: any(fnmatch.fnmatchcase(str(v), pattern) for v in values(doc))
    wanted = literal.value
    if kind == "text":
        tokens = analyze(wanted)
        if is_phrase:
            return lambda doc: any(_phrase_in(analyze(v), tokens) for v in values(doc))
        return lambda doc: bool(tokens) and any(set(tokens) & set(analyze(v)) for v in values(doc))
    if kind == "date":
        return lambda doc: any(_as_date(v) == _as_date(wanted) for v in values(doc))
    if kind in ("integer", "long", "float", "double", "short"):
        return lambda doc: any(_number(v) == _number(wanted) for v in values(doc))
    if kind == "boolean":
        return lambda doc: any(v == wanted or str(v).lower() == str(wanted).lower() for v in values(doc))
    return lambda doc: any(str(v) == str(wanted) for v in values(doc))


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _phrase_in(tokens: list[str], phrase: list[str]) -> bool:
    n = len(phrase)
    return bool(n) and any(tokens[i : i + n] == phrase for i in range(len(tokens) - n + 1))


# -- what an index can say of a filter -------------------------------------------------------


def candidates(node: Node, so_type: str, index: TypeIndex | None, registry: TypeRegistry) -> set[str] | None:
    """The ids of ``so_type`` a validated filter may keep, from the type's index kept on write: a
    superset of what :func:`predicate` keeps (which still decides each), so a filtered find pays for
    the matches, not the type's size. None: any object of the type may match (a scan decides).

    A term on a text attribute matches an object with one of its tokens (the union of their
    postings), a phrase one with all of them (the intersection); a keyword attribute's value is
    compared as a string, which is the keyword index's key. Other clauses say nothing."""
    if node.function in ("and", "or"):
        parts = [candidates(arg, so_type, index, registry) for arg in node.args]
        known = [part for part in parts if part is not None]
        if node.function == "and":
            return set.intersection(*known) if known else None
        return set().union(*known) if len(known) == len(parts) else None
    if node.function != "is":
        return None  # not, nested, range
    key = node.args[0].value
    if key == "*":
        return None
    key_type, _, rest = str(key).partition(".")
    if key_type != so_type:
        return set()  # a clause on another type's field keeps none of this type's objects
    if index is None or not rest.startswith("attributes."):
        return None
    attribute = rest.partition(".")[2]
    spec = registry.get(so_type).mappings.get(attribute) or {}
    field_index = index.field_for(attribute, spec)
    literal, is_phrase = node.args[1], node.args[2]
    if field_index is None or literal.wildcard:
        return None
    kind = spec.get("type", "keyword")
    if kind == "text" and field_index.kind == "text":
        postings = [field_index.postings.get(token, {}) for token in analyze(literal.value)]
        if not postings:
            return set()
        if is_phrase:
            return set(min(postings, key=len)).intersection(*postings)
        return set().union(*postings)
    if kind == "keyword" and field_index.kind == "keyword":
        return set(field_index.exact.get(str(literal.value), ()))
    return None
