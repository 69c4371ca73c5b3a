"""The compiled fast paths give what the Python paths give: jsonschema-rs's verdict is jsonschema's for
every schema of the registry (schemas.Validator passes an instance only where jsonschema would), and
orjson's text is node_json's Python writer's (jsonvalue.stringify), byte for byte.

Instances are drawn from each schema (hypothesis): from its types, properties, enums, bounds and
patterns, then mutated (a member dropped, one replaced by another JSON value, one added), so that
both valid and invalid ones come. Strings are drawn from an alphabet on which Python's and ECMA's
regular expressions agree (no line break, no digits but ASCII ones); what lies beyond it, where the
compiled validator may refuse what jsonschema takes, is held to the one-sided rule: never the other
way round."""

from __future__ import annotations

import json
from functools import cache
from urllib.parse import urljoin

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver import jsonvalue
from mockserver.elasticsearch import schema_errors  # noqa: F401  (registers the formats int64, int32, es-instant)
from mockserver.jsonvalue import node_json, stringify
from mockserver.resources import schemas_dir
from mockserver.schemas import BASE_URI, REQUEST_PARTS, SchemaRegistry, Validator

REGISTRY = SchemaRegistry.of(schemas_dir())
ALPHABET = st.characters(
    codec="utf-8", blacklist_categories=("Cs", "Nd", "Zl", "Zp", "Cc"), whitelist_characters="0123456789 _-.:/*#"
)
TEXT = st.text(ALPHABET, max_size=8)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.sampled_from([2**31, -(2**31) - 1, 2**63, -(2**63) - 1, 1.0, -0.0, 0.5, 1e300])
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT
)
JSON_VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3), max_leaves=6
)
INSTANTS = st.sampled_from(["2026-01-02T03:04:05.000Z", "2026-01-02T03:04:05Z", "2026-13-02T03:04:05Z", "yesterday"])


def validators() -> dict[str, Validator]:
    """Every validator the app uses, by where it comes from: each operation's request parts and
    responses, and each document whole (the fixture document and the sections it refers to)."""
    found = {}
    for name, document in sorted(REGISTRY.documents.items()):
        found[name] = REGISTRY.validator(name)
        if "request" in document or "responses" in document:
            operation = REGISTRY.operation(name)
            for part in REQUEST_PARTS:
                if part in operation.request:
                    found[f"{name} request {part}"] = operation.request[part]
            for status, validator in operation.responses.items():
                found[f"{name} response {status}"] = validator
    return found


VALIDATORS = validators()


def resolve(schema: dict, base: str) -> tuple[dict | bool, str]:
    """A ``$ref``'s target and its base URI (no schema file has an ``$id`` inside it)."""
    resolved = REGISTRY.registry.resolver(base).lookup(schema["$ref"])
    return resolved.contents, urljoin(base, schema["$ref"]).partition("#")[0]


def instances(schema, base: str, depth: int = 0) -> st.SearchStrategy:
    """Instances shaped by a schema (mostly valid; the mutations make the invalid ones)."""
    if schema is True or schema == {} or depth > 6:
        return JSON_VALUES
    if schema is False:
        return JSON_VALUES
    if "$ref" in schema:
        target, target_base = resolve(schema, base)
        return instances(target, target_base, depth + 1)
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    for combinator in ("anyOf", "oneOf", "allOf"):
        if combinator in schema:
            return st.one_of([instances(s, base, depth + 1) for s in schema[combinator]])
    kinds = schema.get("type")
    if kinds is None:
        kinds = ["object"] if "properties" in schema else ["null", "boolean", "string", "array", "object"]
    elif isinstance(kinds, str):
        kinds = [kinds]
    return st.one_of([typed(kind, schema, base, depth) for kind in kinds])


def typed(kind: str, schema: dict, base: str, depth: int) -> st.SearchStrategy:
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind in ("integer", "number"):
        if schema.get("format") in ("int64", "int32"):
            bits = 63 if schema["format"] == "int64" else 31
            edges = [2**bits - 1, 2**bits, -(2**bits), -(2**bits) - 1]
            return st.integers(-(2**bits), 2**bits - 1) | st.sampled_from(edges)
        low = schema.get("minimum", schema.get("exclusiveMinimum"))
        high = schema.get("maximum")
        integers = st.integers(low - 1 if low is not None else -1000, high + 1 if high is not None else 1000)
        return integers if kind == "integer" else integers | st.floats(allow_nan=False, allow_infinity=False)
    if kind == "string":
        if schema.get("format") == "es-instant":
            return INSTANTS
        if "pattern" in schema:
            return st.from_regex(schema["pattern"], fullmatch=True, alphabet=ALPHABET) | TEXT
        low, high = schema.get("minLength", 0), schema.get("maxLength")
        return st.text(ALPHABET, min_size=max(low - 1, 0), max_size=(high + 1) if high is not None else low + 8)
    if kind == "array":
        items = instances(schema.get("items", True), base, depth + 1)
        low = schema.get("minItems", 0)
        high = min(schema.get("maxItems", low + 3), low + 3)
        return st.lists(items, min_size=max(low - 1, 0), max_size=high + 1)
    properties = schema.get("properties", {})
    required = [k for k in schema.get("required", []) if k in properties]
    extra = schema.get("additionalProperties", True)
    keyed = st.dictionaries(
        TEXT
        if not isinstance(schema.get("propertyNames"), dict)
        else TEXT | instances(schema["propertyNames"], base, depth).filter(lambda key: isinstance(key, str)),
        instances(extra if isinstance(extra, dict) else True, base, depth + 1),
        max_size=2,
    )
    return st.fixed_dictionaries(
        {k: instances(properties[k], base, depth + 1) for k in required},
        optional={k: instances(v, base, depth + 1) for k, v in properties.items() if k not in required},
    ) | st.tuples(keyed, st.just(required)).map(lambda pair: pair[0])


@st.composite
def mutated(draw, value):
    """The value, or it with one member dropped, replaced by another JSON value, or added."""
    holders = []

    def walk(node):
        if isinstance(node, (dict, list)):
            holders.append(node)
            for member in node.values() if isinstance(node, dict) else node:
                walk(member)

    value = json.loads(json.dumps(value))  # a copy to change
    walk(value)
    if not holders or draw(st.integers(0, 2)) == 0:
        return value
    holder = draw(st.sampled_from(holders))
    if not holder:
        return value
    keys = list(holder) if isinstance(holder, dict) else list(range(len(holder)))
    key = draw(st.sampled_from(keys))
    action = draw(st.sampled_from(["drop", "replace", "add"]))
    if action == "drop":
        del holder[key]
    elif action == "replace":
        holder[key] = draw(JSON_VALUES)
    elif isinstance(holder, dict):
        holder[draw(TEXT)] = draw(JSON_VALUES)
    else:
        holder.append(draw(JSON_VALUES))
    return value


@cache
def strategy_of(name: str) -> st.SearchStrategy:
    validator = VALIDATORS[name]
    schema = validator.schema
    base = schema.get("$id", BASE_URI)
    return instances(schema, base).flatmap(mutated)


def test_every_schema_compiles():
    """A schema jsonschema-rs could not compile would leave every request to jsonschema, silently slow."""
    failures = {}
    for name, validator in VALIDATORS.items():
        try:
            validator.compiled()
        except Exception as error:  # noqa: BLE001
            failures[name] = str(error)
    assert failures == {}
    assert len(VALIDATORS) > 400


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(name=st.sampled_from(sorted(VALIDATORS)), data=st.data())
def test_the_compiled_verdict_is_jsonschemas(name, data):
    validator = VALIDATORS[name]
    for _ in range(4):
        instance = data.draw(strategy_of(name))
        expected = validator.checker.is_valid(instance)
        assert validator.compiled().is_valid(instance) is expected, (name, instance)
        assert validator.is_valid(instance) is expected
        assert (list(validator.iter_errors(instance)) == []) is expected


def test_both_verdicts_are_seen():
    """The drawn instances are not all valid nor all invalid: the verdicts compared are of both kinds."""
    verdicts = set()
    names = ["dashboards/saved_objects.bulk_create request body", "fixture", "elasticsearch/connector.put request body"]

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(data=st.data())
    def draw(data):
        for name in names:
            validator = VALIDATORS[name]
            verdicts.add((name, validator.checker.is_valid(data.draw(strategy_of(name)))))

    draw()
    assert verdicts == {(name, verdict) for name in names for verdict in (True, False)}


ANY_TEXT = st.text(st.characters(codec="utf-8", blacklist_categories=("Cs",)), max_size=10)


@settings(max_examples=300, deadline=None, database=None)
@given(
    name=st.sampled_from(sorted(n for n, v in VALIDATORS.items() if "pattern" in json.dumps(v.schema))),
    text=ANY_TEXT,
    line_break=st.booleans(),
)
def test_beyond_the_alphabet_the_compiled_validator_passes_only_what_jsonschema_passes(name, text, line_break):
    """Python's ``$`` also matches before a final line break and its ``\\d`` takes any digit; the
    compiled (ECMA) patterns do not: there the compiled validator refuses and jsonschema decides."""
    validator = VALIDATORS[name]
    for instance in (text + "\n" if line_break else text, {"id": text}, [text]):
        if validator.compiled().is_valid(instance):
            assert validator.checker.is_valid(instance), (name, instance)


def test_what_the_compiled_validator_cannot_read_is_judged_by_jsonschema():
    """A str subclass (config_schema.UnparsedJson) is not JSON to jsonschema-rs: jsonschema judges it."""
    from mockserver.config_schema import UnparsedJson

    body = VALIDATORS["dashboards/saved_objects.bulk_create request body"]
    sent = [{"type": UnparsedJson("x"), "attributes": {}}]
    assert body.passes(sent) is False
    assert body.is_valid(sent) is True  # a str to jsonschema
    errors = [e.message for e in body.iter_errors([{"type": UnparsedJson("x")}])]
    assert errors == ["'attributes' is a required property"]


def test_a_valid_request_is_passed_without_running_jsonschema(monkeypatch):
    validator = VALIDATORS["elasticsearch/connector.sync_job_post request body"]
    instance = {"id": "c", "job_type": "full", "trigger_method": "on_demand"}
    assert validator.checker.is_valid(instance)

    def not_run(*_):
        raise AssertionError("jsonschema ran on a valid instance")

    monkeypatch.setattr(validator, "checker", type("Refuses", (), {"iter_errors": not_run, "is_valid": not_run})())
    assert list(validator.iter_errors(instance)) == []
    assert validator.is_valid(instance)
    assert list(VALIDATORS["elasticsearch/connector.sync_job_post request body"].iter_errors(instance)) == []


def test_formats_are_jsonschemas_on_every_type():
    """``int64`` bounds numbers (jsonschema-rs's own ``format`` would look at strings only)."""
    validator = REGISTRY._checked({"type": "integer", "format": "int64"})
    assert validator.compiled().is_valid(2**63 - 1) is validator.checker.is_valid(2**63 - 1) is True
    assert validator.compiled().is_valid(2**63) is validator.checker.is_valid(2**63) is False
    unknown = REGISTRY._checked({"type": "string", "format": "date-time"})  # not registered: not checked
    assert unknown.compiled().is_valid("not a date") is unknown.checker.is_valid("not a date") is True


# -- node_json: orjson's bytes where they are JSON.stringify's ------------------------------------------

KEYS = st.text(st.characters(codec="utf-8"), max_size=4) | st.sampled_from(["0", "1", "10", "01", "4294967294", "-1"])
WRITTEN_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**60), 2**60)
    | st.sampled_from([2**53, 2**53 + 1, -(2**53), 2**64, 10**400])
    | st.floats()
    | st.text(st.characters(codec="utf-8"), max_size=6)
    | st.text(max_size=6)  # lone surrogates too
    | st.sampled_from(["2026-12-07T20:42:37.127Z", "1.5,", "0.5]", '{"x":1.5}', "\ue000", "\U0001f600", "1e5}"])
)
WRITTEN = st.recursive(
    WRITTEN_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None, database=None)
@given(value=WRITTEN, sort_keys=st.booleans())
def test_node_json_is_the_python_writers_text(value, sort_keys):
    assert node_json(value, sort_keys) == stringify(value, sort_keys)


@pytest.mark.parametrize(
    "value",
    [
        {"a": 1.0},
        {"a": [1, 2.5e-7]},
        {"1": "x", "a": 2},
        {"a": {"b": 1, "0": 2}},
        {"a": 2**53},
        {"\ue000": 1, "\U00010000": 2},
        {"a": "\ud800"},
    ],
)
def test_what_orjson_writes_otherwise_is_the_python_writers(value):
    """Each thing orjson writes otherwise than JSON.stringify is caught, and written in Python."""
    assert jsonvalue._orjson_text(value, sort_keys="\ue000" in value) is None
    assert node_json(value) == stringify(value)


@pytest.mark.parametrize(
    "value",
    [
        {"updated_at": "2026-12-07T20:42:37.127Z", "version": "WzExLDJd", "n": 3, "ok": True, "none": None},
        [{"id": "bulk-1", "references": [{"name": "ip", "type": "index-pattern", "id": "logs-web"}]}],
        {"title": "ünïcödé \u2028 \u00e9", "esc": 'q"\\\n\t\x01'},
    ],
)
def test_answers_without_doubles_are_written_by_orjson(value):
    assert jsonvalue._orjson_text(value, False) == stringify(value)
    assert jsonvalue._orjson_text(value, True) == stringify(value, True)


# -- the import file's lines: orjson where it reads what json reads -------------------------------------

LINE_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([2**63, -(2**63) - 1, 2**64, 10**30])
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=8,
)
LINES = LINE_VALUES.map(lambda v: json.dumps({"type": "url", "id": "u", "attributes": {"v": v}})) | st.sampled_from(
    [
        '{"type":"url","id":"u","attributes":{"v":1e400}}',
        '{"type":"url","id":"u","attributes":{"v":"\\ud800"}}',
        '{"type":"url","id":"u","attributes":{"v":123456789012345678901234567890}}',
        '{"type":"url","id":"u","attributes":{"v":0.1234567890123456789012}}',
        '{"type":"url","id":"u","attributes":{}',
        '{"type":"url","id":"u","attributes":NaN}',
        '{"exportedCount":1,"missingRefCount":0,"missingReferences":[]}',
        "  ",
        "\ufeff{}",
        "0",
        "[1]",
    ]
)


def read_by_json(text: str, monkeypatch) -> object:
    from mockserver.dashboards import imports

    with monkeypatch.context() as patched:
        patched.setattr(imports, "_read_by_orjson", lambda text: False)
        return outcome(imports.read_ndjson, text)


def outcome(read, text):
    try:
        return ("read", repr(read(text)))
    except Exception as error:  # noqa: BLE001 (the refusal is compared too)
        return ("refused", type(error).__name__, str(error), getattr(error, "message", None))


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(lines=st.lists(LINES, min_size=1, max_size=4))
def test_the_import_file_reads_as_json_reads_it(lines, monkeypatch):
    from mockserver.dashboards import imports

    text = "\n".join(lines)
    assert outcome(imports.read_ndjson, text) == read_by_json(text, monkeypatch)


def test_an_integer_past_64_bits_is_read_by_json():
    from mockserver.dashboards import imports

    big = '{"type":"url","id":"u","attributes":{"v":123456789012345678901234567890}}'
    assert imports._read_by_orjson(big) is False
    assert imports.read_ndjson(big)[0]["attributes"]["v"] == 123456789012345678901234567890
    assert imports._read_by_orjson('{"type":"url","id":"u","attributes":{"v":1234567890123456789}}') is False
    assert imports._read_by_orjson('{"type":"url","id":"u","attributes":{"v":123456789012345678}}') is True
