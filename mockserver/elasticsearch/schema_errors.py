"""What the route schemas refuse, in the words of Elasticsearch's own parsers: a query parameter as
RestRequest reads it (and the unrecognized ones, with "did you mean"), a body field as its ObjectParser
refuses it, and the values the field readers refuse that JSON Schema cannot see (Java's integer ranges,
instants)."""

from __future__ import annotations

import re
from typing import Any

from jsonschema.exceptions import ValidationError

from .. import levenshtein
from ..product import Call
from ..schemas import FORMATS, OperationSchemas
from . import xcontent
from .dates import INSTANT_FORMAT, DateParseError, parse_instant
from .errors import (
    DateTimeParse,
    ElasticsearchError,
    IllegalArgument,
    NumberFormat,
    ParseException,
    XContentParseError,
)


def parse_flag(name: str, raw: str) -> bool:
    """Booleans.parseBoolean as the REST layer reads ``?pretty`` and friends: empty means true."""
    if raw in ("", "true"):
        return True
    if raw == "false":
        return False
    raise IllegalArgument(f"Failed to parse value [{raw}] as only [true] or [false] are allowed.")


_JAVA_INTEGER = re.compile(r"[+-]?\d+")  # Character.digit reads any Unicode digit, as \d does


def coerce_param(name: str, raw: str, spec: dict) -> Any:
    """A query string value as the handler reads it (RestRequest.paramAsInt / paramAsBoolean / ...)."""
    kind = spec.get("type")
    if kind == "integer":
        # Integer.parseInt / Long.parseLong: an optional sign and digits, within the Java type's range
        java_type, low, high = xcontent.JAVA_INTEGERS[spec.get("format", "int32")]
        value = int(raw) if _JAVA_INTEGER.fullmatch(raw) else None
        if value is None or not low <= value <= high:
            raise IllegalArgument(
                f"Failed to parse {java_type} parameter [{name}] with value [{raw}]",
                caused_by=NumberFormat(f'For input string: "{raw}"'),
            )
        return value
    if kind == "number":
        try:
            return float(raw)
        except ValueError:
            raise IllegalArgument(f"Failed to parse float parameter [{name}] with value [{raw}]") from None
    if kind == "boolean":
        # paramAsBoolean: an empty value means the default, unlike ?pretty where it means true.
        return bool(spec.get("default", False)) if raw == "" else parse_flag(name, raw)
    if kind == "array":
        items = [item for item in raw.split(",")]
        return [normalise_enum(item, spec.get("items", {})) for item in items]
    return normalise_enum(raw, spec)


def normalise_enum(value: Any, spec: dict) -> Any:
    """Elasticsearch parses most of its enums case-insensitively; an unknown value stays as sent,
    for the error to quote."""
    choices = spec.get("enum")
    if (
        choices
        and isinstance(value, str)
        and value not in choices
        and not spec.get("x-es-case-sensitive")
        and value.lower() in choices
    ):
        return value.lower()
    return value


def normalise_enums(value: Any, spec: dict, document: dict) -> Any:
    """:func:`normalise_enum` over a whole body, following the schema (and its local ``$ref``s)."""
    spec = local_schema(spec, document)
    if isinstance(value, dict):
        properties = spec.get("properties", {})
        extra = spec.get("additionalProperties")
        for key, item in value.items():
            sub = properties.get(key, extra if isinstance(extra, dict) else None)
            if sub is not None:
                value[key] = normalise_enums(item, sub, document)
        return value
    if isinstance(value, list) and isinstance(spec.get("items"), dict):
        return [normalise_enums(item, spec["items"], document) for item in value]
    return normalise_enum(value, spec) if "x-es-enum" in spec else value


def param_error(error: ValidationError) -> ElasticsearchError:
    spec = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "enum" and "x-es-enum" in spec:
        return IllegalArgument(f"Unknown {spec['x-es-enum']} [{error.instance}].")
    declared = spec.get("x-es-error")
    if declared:
        return IllegalArgument(declared.format(value=error.instance))
    name = error.path[0] if error.path else "?"
    return IllegalArgument(f"Failed to parse parameter [{name}] with value [{error.instance}]")


def unrecognized_params(path: str, names: list[str], candidates: list[str]) -> IllegalArgument:
    """BaseRestHandler.unrecognized: names in order, each with its ``did you mean`` suggestions."""
    parts = [
        f"[{name}]" + did_you_mean(name, candidates).replace(" did you", " -> did you", 1)
        for name in sorted(set(names))
    ]
    noun = "parameter" if len(parts) == 1 else "parameters"
    return IllegalArgument(f"request [{path}] contains unrecognized {noun}: {', '.join(parts)}")


def did_you_mean(name: str, candidates) -> str:
    """SuggestingErrorOnUnknown: the candidates more than half alike, most alike first."""
    scored = sorted(((similarity(name, c), c) for c in set(candidates)), key=lambda sc: (-sc[0], sc[1]))
    close = [c for score, c in scored if score > 0.5]
    if not close:
        return ""
    if len(close) == 1:
        return f" did you mean [{close[0]}]?"
    return f" did you mean any of [{', '.join(close)}]?"


def similarity(a: str, b: str) -> float:
    """Lucene's LevenshteinDistance: 1 - edits / longer length."""
    if not a and not b:
        return 1.0
    if not a or not b:
        return 0.0
    return 1.0 - levenshtein.distance(a, b) / max(len(a), len(b))


# -- body schema errors -----------------------------------------------------------------------

# The values a field's reader refuses that JSON Schema cannot see, as ``format``s: a number beyond
# the Java integer type it is read as ("int64": declareLong, "int32": declareInt), and a string that
# is no instant ("es-instant": ConnectorUtils.parseInstant, the default date format).
VALUE_FORMATS = (*xcontent.JAVA_INTEGERS, "es-instant")


@FORMATS.checks("int64")
def _fits_long(value: Any) -> bool:
    return xcontent.in_java_range(value, "int64")


@FORMATS.checks("int32")
def _fits_int(value: Any) -> bool:
    return xcontent.in_java_range(value, "int32")


@FORMATS.checks("es-instant")
def _is_instant(value: Any) -> bool:
    if not isinstance(value, str):
        return True
    try:
        parse_instant(value)
    except DateParseError:
        return False
    return True


def instant_refusal(text: str) -> IllegalArgument:
    """JavaDateFormatter.parse's refusal of a string the default date format does not read."""
    if not text:
        return IllegalArgument("cannot parse empty date")
    return IllegalArgument(
        f"failed to parse date field [{text}] with format [{INSTANT_FORMAT}]",
        caused_by=DateTimeParse("Failed to parse with all enclosed parsers"),
    )


def _value_error(
    error: ValidationError, path: tuple, root: dict, parser: str, locations: xcontent.Locations, document: dict
) -> ElasticsearchError:
    """A value its field's reader refuses, wrapped by each object parser on the way
    (``[parser] failed to parse field [name]``), every wrapper placed where the value starts: the
    parser has not moved past it when the exception goes up."""
    start = locations.value(path)
    if error.validator_value in xcontent.JAVA_INTEGERS:
        literal = xcontent.number_literal(locations.text, locations.values.get(path, 0)) or str(error.instance)
        cause: ElasticsearchError = xcontent.number_out_of_range(literal, start, error.validator_value)
    else:
        cause = instant_refusal(error.instance)
    for owner, name in reversed(_object_parsers(root, path, parser, document)):
        cause = XContentParseError(f"[{owner}] failed to parse field [{name}]", start, caused_by=cause)
    return cause


def _object_parsers(root: dict, path: tuple, parser: str, document: dict) -> list[tuple[str, str]]:
    """(parser, field) for each field on the path an object parser reads; the keys of a map (an
    object schema without ``x-es-parser``) are read by no object parser, and add no wrapper."""
    levels = []
    schema, owner = root, parser
    for step in path:
        schema = local_schema(schema, document)
        if isinstance(step, int):
            schema = schema.get("items", {})
        else:
            if owner:
                levels.append((owner, step))
            extra = schema.get("additionalProperties")
            schema = schema.get("properties", {}).get(step, extra if isinstance(extra, dict) else {})
        owner = local_schema(schema, document).get("x-es-parser")
    return levels


def local_schema(spec: Any, document: dict) -> dict:
    """A schema with its local ``$ref``s followed."""
    while isinstance(spec, dict) and spec.get("$ref", "").startswith("#/"):
        target: Any = document
        for step in spec["$ref"][2:].split("/"):
            target = target.get(step, {})
        spec = target
    return spec if isinstance(spec, dict) else {}


def body_error(errors: list[ValidationError], call: Call, schemas: OperationSchemas) -> ElasticsearchError:
    """The error the server's strict ObjectParser gives for a body that breaks its schema.

    The parser reads fields in document order and stops at the first bad one (unknown field, wrong
    token, bad enum value, or a nested object that fails, wrapped as ``failed to parse field``);
    missing required fields are found only at the end. A ConstructingObjectParser builds its object,
    converting enums, when its last constructor argument arrives, or at the end.
    """
    body = call.body
    root = schemas.request_schema("body")
    if body is None:
        return ParseException("request body is required")
    locations = xcontent.Locations(call.body_text)
    parser = root.get("x-es-parser", "request")
    if not isinstance(body, dict):
        return XContentParseError(
            f"[{parser}] Expected START_OBJECT but was: {xcontent.token_kind(body)}", locations.value(())
        )

    constructor_args = root.get("x-es-constructor-args", [])
    field_errors: dict[str, ElasticsearchError] = {}
    enum_failures: dict[str, ValidationError] = {}
    required: set[str] = set()
    for error in errors:
        path = tuple(error.absolute_path)
        if not path:
            if error.validator == "required":
                required.update(f for f in error.validator_value if f not in body)
            elif error.validator == "additionalProperties":
                for key in body:
                    if key not in error.schema.get("properties", {}):
                        known = error.schema.get("properties", {})
                        field_errors.setdefault(
                            key,
                            XContentParseError(
                                f"[{parser}] unknown field [{key}]{did_you_mean(key, known)}", locations.key((key,))
                            ),
                        )
            continue
        top = path[0]
        if error.validator == "format" and error.validator_value in VALUE_FORMATS:
            field_errors.setdefault(top, _value_error(error, path, root, parser, locations, schemas.document))
        elif len(path) == 1 and _is_enum_error(error) and top in constructor_args:
            enum_failures.setdefault(top, error)
        elif len(path) == 1 and (error.validator == "type" or _no_alternative_takes(error)):
            field_errors.setdefault(
                top,
                XContentParseError(
                    f"[{parser}] {top} doesn't support values of type: {xcontent.token_kind(error.instance)}",
                    locations.value((top,)),
                ),
            )
        else:
            cause = _field_cause(error, path, parser, locations)
            field_errors.setdefault(
                top,
                XContentParseError(
                    f"[{parser}] failed to parse field [{top}]", locations.value((top,)), caused_by=cause
                ),
            )

    built_at = None
    if enum_failures and all(a in body for a in constructor_args):
        built_at = max(constructor_args, key=lambda a: locations.keys.get((a,), 0))
    firsts = sorted(set(field_errors) | ({built_at} if built_at else set()), key=lambda k: locations.keys.get((k,), 0))
    if firsts:
        first = firsts[0]
        if first == built_at and first not in field_errors:
            return XContentParseError(
                f"[{parser}] failed to parse field [{first}]",
                locations.value((first,)),
                caused_by=_failed_to_build(parser, enum_failures),
            )
        return field_errors[first]
    if required:
        return IllegalArgument(f"Required [{', '.join(f for f in root.get('required', []) if f in required)}]")
    if enum_failures:
        return _failed_to_build(parser, enum_failures)
    return XContentParseError(f"[{parser}] {errors[0].message}", (1, 1))


def _no_alternative_takes(error: ValidationError) -> bool:
    """A field of several forms (a string or an array of strings) given a value of none of their JSON
    types: the field's parser refuses the token itself, as for a field of one type."""
    if error.validator not in ("anyOf", "oneOf") or not isinstance(error.validator_value, list):
        return False
    kinds = [alternative.get("type") for alternative in error.validator_value if isinstance(alternative, dict)]
    if any(kind is None for kind in kinds):
        return False
    names = {name for kind in kinds for name in ([kind] if isinstance(kind, str) else kind)}
    return not any(_is_of_type(error.instance, name) for name in names)


def _is_of_type(value: Any, name: str) -> bool:
    checks = {
        "null": value is None,
        "boolean": isinstance(value, bool),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, (int, float)) and not isinstance(value, bool),
        "string": isinstance(value, str),
        "array": isinstance(value, list),
        "object": isinstance(value, dict),
    }
    return checks.get(name, False)


def _is_enum_error(error: ValidationError) -> bool:
    return error.validator == "enum" and isinstance(error.schema, dict) and "x-es-enum" in error.schema


def _unknown_enum(error: ValidationError) -> IllegalArgument:
    return IllegalArgument(f"Unknown {error.schema['x-es-enum']} [{error.instance}].")


def _failed_to_build(parser: str, enum_failures: dict[str, ValidationError]) -> XContentParseError:
    first = next(iter(enum_failures.values()))
    return XContentParseError(
        f"Failed to build [{parser}] after last required field arrived", caused_by=_unknown_enum(first)
    )


def _field_cause(error: ValidationError, path: tuple, parser: str, locations: xcontent.Locations) -> ElasticsearchError:
    """What a field's own parser says of its value (nested objects, arrays, enums)."""
    if _is_enum_error(error):
        return _unknown_enum(error)
    if error.validator == "required":
        missing = [f for f in error.validator_value if f not in error.instance]
        return IllegalArgument(f"Required [{', '.join(missing)}]")
    if error.validator == "type" or _no_alternative_takes(error):
        name = next((p for p in reversed(path) if isinstance(p, str)), "")
        owner = error.schema.get("x-es-parser", parser)
        return XContentParseError(
            f"[{owner}] {name} doesn't support values of type: {xcontent.token_kind(error.instance)}",
            locations.value(path),
        )
    if error.validator in ("anyOf", "oneOf"):
        # The form whose JSON type the value has is the one its parser read: what broke inside it.
        taken = next((e for e in error.context or () if e.validator != "type" or e.relative_path), None)
        if taken is not None:
            return _field_cause(taken, path + tuple(taken.relative_path), parser, locations)
    return IllegalArgument(error.message)
