"""Request validation in the words of @kbn/config-schema (Kibana) and its fork @osd/config-schema
(OpenSearch Dashboards): ``[request <part>.<key>]: <reason>``."""

from __future__ import annotations

import json
from typing import Any

from jsonschema.exceptions import ValidationError


def coerce(raw: str, spec: dict) -> Any:
    """A query string value as config-schema reads it: booleans and numbers from their text."""
    kind = spec.get("type")
    if isinstance(kind, list):  # e.g. ["string", "array"]: a repeated parameter is read upstream
        kind = kind[0]
    if kind == "boolean" and raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    if kind in ("integer", "number"):
        try:
            return int(raw)
        except ValueError:
            pass
        try:
            return float(raw) if kind == "number" else raw
        except ValueError:
            return raw
    return raw


class UnparsedJson(str):
    """Text sent where config-schema takes an array or an object, which is not JSON: config-schema
    tries ``JSON.parse`` on a string there and fails with its own message."""


def json_text(raw: str, kind: str) -> Any:
    """A text value (query parameter, multipart field) where the schema takes ``kind``: config-schema
    parses it as JSON."""
    if kind not in ("array", "object"):
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return UnparsedJson(raw)


def js_type(value: Any) -> str:
    """type-detect's name of a value, as config-schema's messages show it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "Array"
    return "Object"


def unknown_key_message(where: str, key: str, new_wording: bool) -> str:
    if new_wording:
        return f"[request {where}.{key}]: Additional properties are not allowed ('{key}' was unexpected)"
    return f"[request {where}.{key}]: definition for this key is missing"


def config_schema_message(part: str, error: ValidationError, new_wording: bool = False) -> str:
    """@kbn/config-schema's wording, prefixed with where in the request it is."""
    path = list(error.absolute_path)
    if error.validator == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        key = next(k for k in error.instance if k not in allowed)
        return unknown_key_message(".".join([part, *map(str, path)]), key, new_wording)
    if error.validator == "required":
        key = next(k for k in error.validator_value if k not in error.instance)
        spec = error.schema.get("properties", {}).get(key, {}) or {}
        where = ".".join([part, *map(str, path), key])
        if "x-kbn-missing" in spec:
            return f"[request {where}]: {spec['x-kbn-missing']}"
        expected = spec.get("x-kbn-type") or spec.get("type", "string")
        return f"[request {where}]: expected value of type [{expected}] but got [undefined]"
    where = ".".join([part, *map(str, path)])
    # A property's own wording: "x-kbn-message" for what it checks, "x-kbn-type-message" for a wrong type.
    spec = error.schema if isinstance(error.schema, dict) else {}
    custom = spec.get("x-kbn-type-message") if error.validator == "type" else spec.get("x-kbn-message")
    if custom:
        length = len(error.instance) if isinstance(error.instance, (str, list)) else 0
        return f"[request {where}]: {custom.format(value=error.instance, length=length)}"
    if error.validator == "type":
        # "x-kbn-type" names a config-schema type JSON has no word for, e.g. a file part's [Stream].
        expected = spec.get("x-kbn-type") or (
            error.validator_value if isinstance(error.validator_value, str) else error.validator_value[0]
        )
        if isinstance(error.instance, UnparsedJson):
            return f"[request {where}]: could not parse {expected} value from json input"
        if not path and expected == "object":
            return f"[request {where}]: expected a plain object value, but found [{js_type(error.instance)}] instead."
        return f"[request {where}]: expected value of type [{expected}] but got [{js_type(error.instance)}]"
    return f"[request {where}]: {error.message}"
