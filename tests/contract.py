"""Elastic's own OpenAPI document (../shared/contracts), as a check on the mock's answers."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

# The extended document: the connector, ML and security routes, and the document, index, search, ingest
# and license routes besides.
CONTRACT = Path(__file__).resolve().parents[2] / "shared" / "contracts" / "elasticsearch.extended.openapi.json"
_URI = "https://contract.invalid/elasticsearch.openapi.json"


@lru_cache(maxsize=1)
def _load() -> tuple[list[tuple[str, re.Pattern, dict]], Registry]:
    document = json.loads(CONTRACT.read_text())
    schemas = document["components"]["schemas"]
    _correct_where_the_source_differs(schemas)
    _correct_operations(document["paths"])
    for name in schemas:
        if name.startswith(ECHOED_PREFIXES):
            schemas[name] = {}
    components = {"components": {"schemas": {k: _absolute_refs(v) for k, v in schemas.items()}}}
    registry = Registry().with_resource(_URI, Resource.from_contents(components, DRAFT202012))
    routes = []
    for template, methods in document["paths"].items():
        parts = re.split(r"(\{[^}]+\})", template)
        pattern = re.compile("^" + "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts) + "$")
        for method, operation in methods.items():
            if method != "parameters":
                routes.append((method.upper(), pattern, operation))
    return routes, registry


def available() -> bool:
    return CONTRACT.is_file()


def operation_for(method: str, path: str) -> dict | None:
    routes, _ = _load()
    # Literal paths first (/_connector/_sync_job before /_connector/{connector_id}).
    for m, pattern, operation in sorted(routes, key=lambda r: r[1].pattern.count("[^/]+")):
        if m == method and pattern.match(path):
            return operation
    return None


def violations(method: str, path: str, status: int, body) -> list[str] | None:
    """None when the contract does not describe this answer; else what in the body breaks it."""
    operation = operation_for(method, path)
    if operation is None:
        return None
    responses = operation.get("responses", {})
    # The contract gives only the success status it documents; the real server answers some
    # routes 201 (sync_job_post, connector put of a new id): their body is the documented one.
    response = responses.get(str(status)) or (responses.get("200") if 200 <= status < 300 else None)
    if response is None:
        return None
    schema = response.get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        return None
    _, registry = _load()
    validator = Draft202012Validator(_absolute_refs(schema), registry=registry)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)]


def _correct_where_the_source_differs(schemas: dict) -> None:
    """Where Elastic's document and the server's source disagree, the source wins (elastic/elasticsearch,
    x-pack/plugin/ent-search/.../connector/):

    * configuration/ConfigurationDisplayType.java has ``text`` besides the five display types listed;
    * ConnectorConfiguration.toXContent writes ``depends_on`` and ``options`` only when they are set,
      so they are not required;
    * GET and list of connectors and sync jobs answer the stored source as it is (ConnectorsAPISearchResult,
      since 8.13): a field written through the document APIs comes back, null or missing as stored;
    * a script may be given as its source alone, a string (Script.parse reads VALUE_STRING as the source),
      as the ingest processors' ``if`` conditions of search-default-ingestion are.
    """
    schemas["connector._types.DisplayType"]["enum"] = ["text", *schemas["connector._types.DisplayType"]["enum"]]
    if "_types.Script" in schemas:
        schemas["_types.Script"] = {"oneOf": [{"type": "string"}, schemas["_types.Script"]]}
    for name in ("connector._types.Connector", "connector._types.ConnectorSyncJob"):
        raw = schemas[name]
        raw["required"] = [r for r in raw.get("required", []) if r == "id"]
        raw["properties"] = {k: {"anyOf": [v, {"type": "null"}]} for k, v in raw["properties"].items()}
    properties = schemas["connector._types.ConnectorConfigProperties"]
    properties["required"] = [r for r in properties.get("required", []) if r not in ("depends_on", "options")]


def _correct_operations(paths: dict) -> None:
    """Answers the document's own examples show but its schemas refuse: a job deleted with
    ``wait_for_completion=false`` answers its task (RestDeleteJobAction; the document's second example)."""
    response = paths["/_ml/anomaly_detectors/{job_id}"]["delete"]["responses"]["200"]["content"]["application/json"]
    task = {"type": "object", "required": ["task"], "properties": {"task": {"type": "string"}}}
    response["schema"] = {"oneOf": [response["schema"], task]}


# What the server answers as it was written (an alias filter, a datafeed query: stored and echoed), in the
# shorthand forms Elasticsearch takes ({"term": {"field": "value"}}) that the document's long forms do not
# describe: checked as any JSON. A datafeed's aggregations likewise (AggProvider.toXContent writes the map it
# was given: a name's sub-aggregations under "aggs" beside its type, which AggregationContainer's one-property
# union refuses). Mappings too: the document's Property union (dozens of recursive
# alternatives) takes exponential time to check on a system index's mapping.
ECHOED_PREFIXES = ("_types.query_dsl.", "_types.aggregations.AggregationContainer", "_types.mapping.")
OPAQUE_PREFIXES = (
    "_types.query_dsl.",
    "_types.aggregations.",
    "_types.mapping.",
    "_types.analysis.",
    "ingest._types.",
    "indices._types.",
    "_global.search.",
)


def fuzzable_document(served: set[tuple[str, str]]) -> dict:
    """The contract for a fuzzer: only the ``(METHOD, path template)`` pairs the mock serves, with the
    corrections above and the same reading of ``oneOf`` and "any" as the checks here."""
    document = json.loads(CONTRACT.read_text())
    _correct_where_the_source_differs(document["components"]["schemas"])
    paths = {}
    for template, methods in document["paths"].items():
        kept = {m: op for m, op in methods.items() if m == "parameters" or (m.upper(), template) in served}
        if set(kept) - {"parameters"}:
            paths[template] = kept
    document["paths"] = paths
    # Search requests inside datafeeds and analytics (queries, aggregations, runtime mappings), ingest
    # processors and index settings are vast recursive grammars the mock takes as opaque JSON: a fuzzer
    # drawing from them draws forever (a pipeline of gigabytes, once).
    schemas = document["components"]["schemas"]
    for name in schemas:
        if name.startswith(OPAQUE_PREFIXES):
            schemas[name] = {"type": "object"}
    return _readable(document)


def _readable(value):
    """``oneOf`` as ``anyOf`` and the bare-object "any" as ``{}``, everywhere, references kept local."""
    if isinstance(value, list):
        return [_readable(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {("anyOf" if k == "oneOf" else k): _readable(v) for k, v in value.items()}
    return {} if out == {"type": "object"} else out


def _absolute_refs(schema):
    """An inline schema of the document as JSON Schema 2020-12 reads it: local ``#/components/...``
    references made absolute, OpenAPI 3.0's ``nullable`` as a null type, and ``oneOf`` as the
    union the generator means (its branches overlap: a string ``IndexName`` and a nullable string)."""
    if isinstance(schema, list):
        return [_absolute_refs(v) for v in schema]
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key, value in schema.items():
        if key == "$ref" and isinstance(value, str) and value.startswith("#"):
            out[key] = _URI + value
        elif key == "oneOf":
            out["anyOf"] = _absolute_refs(value)
        elif key == "properties":
            out[key] = {name: _absolute_refs(v) for name, v in value.items()}
        else:
            out[key] = _absolute_refs(value)
    if out == {"type": "object"}:
        # The generator writes Elastic's "any" (UserDefinedValue) as a bare object: values of a
        # configuration field, an advanced snippet's value (an array too) and metadata are any JSON.
        return {}
    if schema.get("nullable") is True and "type" in out:
        out["type"] = [out["type"], "null"] if isinstance(out["type"], str) else [*out["type"], "null"]
    return out
