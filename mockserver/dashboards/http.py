"""OpenSearch Dashboards on the wire: ``osd-xsrf``, request validation in @osd/config-schema's words,
Boom error bodies, and its response headers."""

from __future__ import annotations

import io
import json
from typing import Any

from flask import Response
from jsonschema.exceptions import ValidationError
from werkzeug import Request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import MultiPartParser
from werkzeug.http import http_date

from ..boom import BoomError, boom_body, payload_too_large
from ..config_schema import coerce, config_schema_message, json_text
from ..errors import ProductError
from ..hapi import HapiProduct, decoded
from ..product import Call, Raw, bodiless
from ..schemas import OperationSchemas
from ..security import AuthenticationFailed
from .state import DashboardsState

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
MULTIPART = "multipart/form-data"
DEFAULT_VERSION = "3.0.0"
OWNED_PREFIXES = ("/api/saved_objects/", "/api/saved_objects")
HEADERS = {
    "osd-name": "mockserver",
    "cache-control": "private, no-cache, no-store, must-revalidate",
}


def takes_multipart(schemas: OperationSchemas) -> bool:
    """Whether a route reads a multipart payload (an import's), with its own limit."""
    return schemas.document.get("request", {}).get("contentType") == MULTIPART


class DashboardsProduct(HapiProduct):
    # The security plugin's basic authentication: OpenSearch has no Elasticsearch API keys.
    auth_schemes = ("basic",)

    def new_state(self, options: dict) -> DashboardsState:
        return DashboardsState(tuple(options.get("saved_object_types") or ()))

    def owns(self, req: Request) -> bool:
        return req.path.startswith(OWNED_PREFIXES)

    def max_body_bytes(self, runtime) -> int:
        settings = runtime.store.products[self.name].settings
        return max(settings["max_payload_bytes"], settings["max_import_payload_bytes"])

    def route_body_limit(self, req: Request, runtime) -> int:
        settings = runtime.store.products[self.name].settings
        op = self.operation_of(req)
        multipart = op is not None and takes_multipart(runtime.schemas.operation(op.schema))
        return settings["max_import_payload_bytes" if multipart else "max_payload_bytes"]

    # -- request ---------------------------------------------------------------------------
    def parse(self, req: Request, schemas: OperationSchemas, path_args: dict, runtime) -> Call:
        """hapi reads a multipart payload before core's onPostAuth checks (XSRF, osd-version); then
        the request."""
        settings = runtime.store.products[self.name].settings
        if takes_multipart(schemas):
            body = self.multipart(req, schemas, settings["max_import_payload_bytes"])
        else:
            body = self.payload(req, schemas, settings["max_payload_bytes"])
        if req.method not in SAFE_METHODS and "osd-xsrf" not in req.headers and "osd-version" not in req.headers:
            raise BoomError("Request must contain a osd-xsrf header.", 400)
        sent_version = req.headers.get("osd-version")
        if sent_version is not None and sent_version != DEFAULT_VERSION:
            raise BoomError(f'Browser client is out of date, please refresh the page ("osd-version" header was '
                            f'"{sent_version}" but should be "{DEFAULT_VERSION}")', 400,
                            attributes={"expected": DEFAULT_VERSION, "got": sent_version})
        return Call(path=path_args, query=self.query(req, schemas), body=body, request=req, runtime=runtime)

    @staticmethod
    def query(req: Request, schemas: OperationSchemas) -> dict[str, Any]:
        """Query parameters as config-schema reads them: repeated ones as lists where the schema takes
        a list, JSON objects where it takes an object, booleans and numbers from their text."""
        properties = schemas.request_schema("query").get("properties", {})
        query: dict[str, Any] = {}
        for name in req.args:
            values = req.args.getlist(name)
            spec = properties.get(name, {})
            kinds = spec.get("type") if isinstance(spec.get("type"), list) else [spec.get("type")]
            if len(values) > 1 or (kinds[0] == "array"):
                query[name] = values  # a repeated parameter where a list is not taken is refused as an Array
            elif "object" in kinds:
                query[name] = json_text(values[-1], "object")
            else:
                query[name] = coerce(values[-1], spec)
        return query

    @staticmethod
    def multipart(req: Request, schemas: OperationSchemas, max_bytes: int) -> dict[str, Any]:
        """A multipart payload as hapi (subtext, pez) hands it to a route with ``output: 'stream'``:
        file parts as ``{"filename", "text"}``, other parts as strings, which config-schema reads as
        JSON where the schema takes an array or an object (``retries``)."""
        if req.content_length is not None and req.content_length > max_bytes:
            raise payload_too_large(max_bytes)
        if req.mimetype != MULTIPART:
            raise BoomError("Unsupported Media Type", 415)
        if not req.mimetype_params.get("boundary"):
            raise BoomError("Invalid content-type header: multipart missing boundary", 400)
        boundary = req.mimetype_params["boundary"].encode("latin-1")
        data = decoded(req, req.stream.read(max_bytes + 1), max_bytes)
        # pez refuses a body that outgrows the limit without announcing its length, and one that
        # does not end with the closing delimiter (an empty body among them), as bad multipart.
        if len(data) > max_bytes or b"--" + boundary + b"--" not in data:
            raise BoomError("Invalid multipart payload format", 400)
        try:
            fields, files = MultiPartParser(max_form_parts=1000).parse(io.BytesIO(data), boundary, len(data))
        except (RequestEntityTooLarge, ValueError):
            raise BoomError("Invalid multipart payload format", 400) from None
        properties = schemas.request_schema("body").get("properties", {})
        payload: dict[str, Any] = {}
        for name in fields:
            values = []
            spec = properties.get(name, {})
            for value in fields.getlist(name):  # a stream ("x-kbn-type") sent as text stays text
                values.append(value if "x-kbn-type" in spec else json_text(value, spec.get("type")))
            payload[name] = values[0] if len(values) == 1 else values
        for name in files:
            parts = [{"filename": f.filename or "", "text": f.read().decode("utf-8", "replace")}
                     for f in files.getlist(name)]
            payload[name] = parts[0] if len(parts) == 1 else parts
        return payload

    def reject(self, errors: dict[str, list[ValidationError]], call: Call, schemas: OperationSchemas) -> ProductError:
        for part in ("path", "query", "body"):
            if errors[part]:
                return BoomError(config_schema_message(part, errors[part][0]), 400)
        return BoomError("Bad Request", 400)

    # -- security ---------------------------------------------------------------------------
    def unauthenticated(self, failure: AuthenticationFailed, req: Request) -> ProductError:
        # The security plugin: no credentials on an API route, or credentials OpenSearch refused.
        return BoomError("Authentication required" if failure.kind == "missing" else "Authentication Exception", 401)

    # -- response ---------------------------------------------------------------------------
    def render(self, status: int, body: Any, req: Request) -> Response:
        headers = {**HEADERS, "Date": http_date()}
        if isinstance(body, Raw):
            return Response(body.content, status=status, headers={**headers, **body.headers}, content_type=body.content_type)
        if body is None:
            return bodiless(status, headers)
        return Response(json.dumps(body, separators=(",", ":")), status=status, headers=headers,
                        content_type="application/json; charset=utf-8")

    def unrouted(self, req: Request, allowed_methods: list[str] | None) -> Response:
        if req.method == "GET" and len(req.path) > 1 and req.path.endswith("/"):
            # The legacy server's catch-all: a GET ending in "/" is sent to the path without it.
            query = f"?{req.query_string.decode()}" if req.query_string else ""
            return bodiless(301, headers={**HEADERS, "Location": req.path.rstrip("/") + query})
        return self.render(404, boom_body(BoomError("Not Found", 404)), req)


DASHBOARDS = DashboardsProduct("dashboards")
