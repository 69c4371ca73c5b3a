"""OpenSearch Dashboards on the wire: ``osd-xsrf``, request validation in @osd/config-schema's words,
Boom error bodies, and its response headers."""

from __future__ import annotations

import json
from typing import Any

from flask import Response
from jsonschema.exceptions import ValidationError
from werkzeug import Request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import parse_form_data
from werkzeug.http import http_date

from ..boom import BoomError, BoomProduct, boom_body
from ..config_schema import coerce, config_schema_message
from ..errors import ProductError
from ..product import Call, Raw
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


class DashboardsProduct(BoomProduct):
    def new_state(self, options: dict) -> DashboardsState:
        return DashboardsState(tuple(options.get("saved_object_types") or ()))

    def owns(self, req: Request) -> bool:
        return req.path.startswith(OWNED_PREFIXES)

    # -- request ---------------------------------------------------------------------------
    def parse(self, req: Request, schemas: OperationSchemas, path_args: dict, runtime) -> Call:
        """hapi reads a multipart payload before core's onPostAuth checks (XSRF, osd-version); then
        the request."""
        form = None
        if schemas.document.get("request", {}).get("contentType") == MULTIPART:
            form = self.multipart(req, schemas, runtime.store.products[self.name].settings["max_import_payload_bytes"])
        if req.method not in SAFE_METHODS and "osd-xsrf" not in req.headers and "osd-version" not in req.headers:
            raise BoomError("Request must contain a osd-xsrf header.", 400)
        sent_version = req.headers.get("osd-version")
        if sent_version is not None and sent_version != DEFAULT_VERSION:
            raise BoomError(f'Browser client is out of date, please refresh the page ("osd-version" header was '
                            f'"{sent_version}" but should be "{DEFAULT_VERSION}")', 400,
                            attributes={"expected": DEFAULT_VERSION, "got": sent_version})
        body = form if form is not None else self.body(req, schemas)
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
                try:
                    query[name] = json.loads(values[-1])
                except ValueError:
                    query[name] = values[-1]
            else:
                query[name] = coerce(values[-1], spec)
        return query

    @staticmethod
    def body(req: Request, schemas: OperationSchemas) -> Any:
        data = req.get_data(cache=True)
        if not data:
            return None
        try:
            return json.loads(data)
        except ValueError:
            raise BoomError("Invalid request payload JSON format", 400) from None

    @staticmethod
    def multipart(req: Request, schemas: OperationSchemas, max_bytes: int) -> dict[str, Any]:
        """A multipart payload as hapi (subtext, pez) hands it to a route with ``output: 'stream'``:
        file parts as ``{"filename", "text"}``, other parts as strings, which config-schema reads as
        JSON where the schema takes an array or an object (``retries``)."""
        too_large = BoomError(f"Payload content length greater than maximum allowed: {max_bytes}", 413)
        if req.content_length is not None and req.content_length > max_bytes:
            raise too_large
        if req.mimetype != MULTIPART:
            raise BoomError("Unsupported Media Type", 415)
        if not req.mimetype_params.get("boundary"):
            raise BoomError("Invalid content-type header: multipart missing boundary", 400)
        try:
            _, fields, files = parse_form_data(req.environ, max_content_length=max_bytes, silent=False)
        except RequestEntityTooLarge:
            raise too_large from None
        except ValueError:
            raise BoomError("Invalid multipart payload format", 400) from None
        properties = schemas.request_schema("body").get("properties", {})
        payload: dict[str, Any] = {}
        for name in fields:
            values = []
            for value in fields.getlist(name):
                kinds = properties.get(name, {}).get("type")
                if kinds in ("array", "object") and value.lstrip()[:1] in ("[", "{"):
                    try:
                        value = json.loads(value)
                    except ValueError:
                        pass
                values.append(value)
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
            return Response(b"", status=status, headers=headers)
        return Response(json.dumps(body, separators=(",", ":")), status=status, headers=headers,
                        content_type="application/json; charset=utf-8")

    def unrouted(self, req: Request, allowed_methods: list[str] | None) -> Response:
        if req.method == "GET" and len(req.path) > 1 and req.path.endswith("/"):
            # The legacy server's catch-all: a GET ending in "/" is sent to the path without it.
            query = f"?{req.query_string.decode()}" if req.query_string else ""
            response = Response(b"", status=301, headers={**HEADERS, "Location": req.path.rstrip("/") + query})
            return response
        return self.render(404, boom_body(BoomError("Not Found", 404)), req)


DASHBOARDS = DashboardsProduct("dashboards")
