"""An OpenAPI 3.1 document of every route the app serves, generated from ``schemas/``.

Each route's schema file gives its parameters (``request.path``, ``request.query``), its body
(``request.body``; multipart where ``request.contentType`` says so) and its responses. References
between schema files are gathered into ``components.schemas``: a ``$defs`` entry becomes a component
named after its file and name (``dashboards._common.error``), a whole file one named after the file.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

from . import __version__
from .schemas import BASE_URI, SchemaRegistry

RULE_PARAMETER = re.compile(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-zA-Z_][a-zA-Z0-9_]*)>")  # <conv(args):name>
NO_BODY_METHODS = ("GET", "HEAD", "DELETE", "OPTIONS")
SPACE_PREFIX = "/s/{space_id}"


class Bundler:
    """Rewrites a schema part's ``$ref``s to components, adding each component once."""

    def __init__(self, registry: SchemaRegistry):
        self.registry = registry
        self.components: dict[str, Any] = {}

    def part(self, value: Any, document: str) -> Any:
        if isinstance(value, dict):
            rewritten = {k: self.part(v, document) for k, v in value.items() if k not in ("$id", "$schema", "$defs")}
            if isinstance(value.get("$ref"), str):
                rewritten["$ref"] = self.reference(value["$ref"], document)
            return rewritten
        if isinstance(value, list):
            return [self.part(v, document) for v in value]
        return value

    def reference(self, ref: str, document: str) -> str:
        uri = urljoin(BASE_URI + document + ".json", ref)
        target, _, pointer = uri[len(BASE_URI) :].partition("#")
        target = target.removesuffix(".json")
        where = pointer.strip("/").replace("$defs/", "")
        name = re.sub(
            r"[^A-Za-z0-9._-]", "_", target.replace("/", ".") + ("." + where.replace("/", ".") if where else "")
        )
        if name not in self.components:
            self.components[name] = {}  # taken before filling: references may loop
            schema = self.registry.documents[target]
            for step in pointer.strip("/").split("/") if pointer else ():
                schema = schema[step]
            self.components[name] = self.part(schema, target)
        return f"#/components/schemas/{name}"


def openapi_document(runtime, control, products: dict | None = None) -> dict:
    """The document of an app: its products' routes (default: all the runtime holds) and the control API's."""
    bundler = Bundler(runtime.schemas)
    paths: dict[str, dict] = {}
    for product in [control, *(runtime.products if products is None else products).values()]:
        for op in product.operations:
            path = RULE_PARAMETER.sub(r"{\1}", op.rule)
            prefixes = ("", SPACE_PREFIX) if product.name == "kibana" else ("",)
            methods = op.method.split(",")
            if product.automatic_head_and_options and "GET" in methods and "HEAD" not in methods:
                methods.append("HEAD")  # answered for every GET route, as hapi (and Flask) do
            for prefix in prefixes:
                for method in methods:
                    entry = operation(bundler, op, product.name, method, prefix)
                    paths.setdefault(prefix + path, {})[method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "mockserver",
            "version": __version__,
            "description": "The routes mockserver serves: Elasticsearch, Kibana, OpenSearch Dashboards and "
            "its own control API under /_mock/.",
        },
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": dict(sorted(bundler.components.items()))},
    }


def operation(bundler: Bundler, op, product: str, method: str, prefix: str) -> dict:
    """One path item's operation; a schema file shared by routes with and without an id names only
    the path parameters this rule has."""
    name = op.schema
    document = bundler.registry.documents[name]
    request = document.get("request", {})
    entry: dict[str, Any] = {
        "operationId": f"{product}.{op.endpoint}.{method.lower()}" + (".space" if prefix else ""),
        "tags": [product],
        "summary": document.get("title", name),
    }
    parameters = []
    if prefix:
        parameters.append({"name": "space_id", "in": "path", "required": True, "schema": {"type": "string"}})
    in_rule = RULE_PARAMETER.findall(op.rule)
    path_specs = (request.get("path") or {}).get("properties", {})
    for key in in_rule:
        parameters.append(
            {
                "name": key,
                "in": "path",
                "required": True,
                "schema": bundler.part(path_specs.get(key, {"type": "string"}), name),
            }
        )
    query = request.get("query") or {}
    for key, spec in query.get("properties", {}).items():
        parameters.append(
            {
                "name": key,
                "in": "query",
                "required": key in set(query.get("required", [])),
                "schema": bundler.part(spec, name),
            }
        )
    if parameters:
        entry["parameters"] = parameters
    if "body" in request and method not in NO_BODY_METHODS:
        media = request.get("contentType", "application/json")
        entry["requestBody"] = {"required": False, "content": {media: {"schema": bundler.part(request["body"], name)}}}
    responses = {}
    for status, schema in document.get("responses", {}).items():
        description = schema.get("description", f"{status}") if isinstance(schema, dict) else str(status)
        if method == "HEAD":
            responses[status] = {"description": description}
            continue
        media = schema.get("x-media-type", "application/json") if isinstance(schema, dict) else "application/json"
        content = {"schema": bundler.part(schema, name)} if media == "application/json" else {}
        responses[status] = {"description": description, "content": {media: content}}
    entry["responses"] = responses
    return entry
