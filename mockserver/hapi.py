"""The wire that Kibana and OpenSearch Dashboards share: both are hapi servers on Node (OpenSearch
Dashboards is a fork of Kibana 7.10), so both read payloads with subtext, check core's XSRF and version
headers, validate with config-schema and answer Boom errors. Each product's ``http.py`` keeps only what
differs: its header prefix, its headers, its payload limits, its security plugin's words. The control
API answers Boom errors too (``BoomProduct``), without the rest.
"""

from __future__ import annotations

import io
import re
import zlib
from typing import Any
from urllib.parse import parse_qsl

from flask import Response
from jsonschema.exceptions import ValidationError
from werkzeug import Request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import MultiPartParser
from werkzeug.http import http_date

from .boom import (
    BadRequest,
    BoomError,
    InternalError,
    InvalidPayload,
    MissingXsrfHeader,
    NotFound,
    OutOfDateClient,
    PayloadTooLarge,
    UnsupportedMediaType,
    boom_body,
    payload_json,
    phrase,
)
from .config_schema import coerce, config_schema_message, json_text
from .errors import ProductError
from .jsonvalue import node_json
from .product import CLOSE_AFTER, SERVER_FAILURE, TRANSPORT_ERROR, Call, Product, Raw, bodiless, head_size
from .schemas import OperationSchemas

# Node's --max-http-header-size default: the request line and headers, all told. Neither product
# has a setting of its own for it.
MAX_HEAD_BYTES = 16384

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")  # core's XSRF check lets these through
JSON_TYPE = re.compile(r"^application/(?:.+\+)?json$")  # subtext's JSON media types
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
# hapi's request decoders (lib/compression.js): zlib's window bits for each
DECODERS = {"gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


def decoded(req: Request, data: bytes, max_bytes: int) -> bytes:
    """The payload as subtext reads it: gzip or deflate decompressed (other encodings read as they
    are), the limit counting what decompression gives, so a small bomb is refused, not inflated."""
    wbits = DECODERS.get(req.headers.get("Content-Encoding", "").strip().lower())
    if wbits is None or not data:
        return data
    decompressor = zlib.decompressobj(wbits)
    try:
        out = decompressor.decompress(data, max_bytes + 1)
    except zlib.error:
        raise InvalidPayload("compressed") from None
    if len(out) > max_bytes:
        raise PayloadTooLarge(max_bytes)
    if not decompressor.eof:
        raise InvalidPayload("compressed")
    return out


def takes_multipart(schemas: OperationSchemas) -> bool:
    """Whether a route reads a multipart payload (an import's, with its own limit)."""
    return schemas.document.get("request", {}).get("contentType") == MULTIPART


class BoomProduct(Product):
    """A product whose errors are Boom bodies (Kibana, OpenSearch Dashboards, the control API)."""

    def internal_error(self, message: str) -> ProductError:
        return InternalError(message)

    def fault_error(self, fault) -> ProductError:
        return BoomError(fault.message or phrase(fault.status), fault.status)

    def error_response(self, error: ProductError, req: Request) -> tuple[int, Any]:
        if not isinstance(error, BoomError):
            error = BoomError(error.message, error.status)
        return error.status, boom_body(error)

    def route_body_limit(self, req: Request, runtime) -> int:
        """The payload limit of the route the request was routed to (hapi's ``payload.maxBytes``)."""
        return self.max_body_bytes(runtime)

    def too_large_error(self, req: Request, runtime) -> ProductError:
        """The 413 for a body over the route's limit (hapi's, of ``payload.maxBytes``)."""
        return PayloadTooLarge(self.route_body_limit(req, runtime))

    def server_refusal(self, req: Request, runtime) -> Response | None:
        problem = req.environ.get(TRANSPORT_ERROR)
        if problem is None or problem[0] == "length_and_chunked":
            return None
        if problem[0] == "too_large":
            error = self.too_large_error(req, runtime)
        elif problem[0] == "internal":
            error = self.internal_error(SERVER_FAILURE)
        else:
            error = BadRequest()
        req.environ[CLOSE_AFTER] = True
        return self.render(*self.error_response(error, req), req)


class HapiProduct(BoomProduct):
    """Kibana or OpenSearch Dashboards on the wire. A product names its header prefix (``kbn``,
    ``osd``) and its response headers, and says which version its browser client must send."""

    header_prefix = ""
    headers: dict[str, str] = {}

    def server_refusal(self, req: Request, runtime) -> Response | None:
        problem = req.environ.get(TRANSPORT_ERROR)
        if problem is None:
            if sum(head_size(req.environ)) <= MAX_HEAD_BYTES:
                return None
        elif problem[0] in ("too_large", "internal"):  # hapi's own 413 (subtext), the mock's bug
            return super().server_refusal(req, runtime)
        # What Node's parser refuses (a broken chunk, two lengths, a length beside chunked, a head
        # over the limit) gets the products' clientError handler's bare 400, and the socket closes
        # (kbn-server-http-tools get_listener.ts; OSD src/core/server/http/http_tools.ts).
        req.environ[CLOSE_AFTER] = True
        return bodiless(400)

    # -- request ---------------------------------------------------------------------------
    def expected_version(self, runtime) -> str:
        """The version a browser client must send in ``{prefix}-version``."""
        raise NotImplementedError

    def xsrf_required(self, req: Request, runtime) -> bool:
        """Whether the XSRF check applies to this request's route (the server's xsrf settings)."""
        return True

    def check_headers(self, req: Request, runtime) -> None:
        """core's onPostAuth checks: the XSRF header on a request that changes something, and the
        browser client's version when it sends one."""
        xsrf, version = f"{self.header_prefix}-xsrf", f"{self.header_prefix}-version"
        needs_xsrf = req.method not in SAFE_METHODS and self.xsrf_required(req, runtime)
        if needs_xsrf and xsrf not in req.headers and version not in req.headers:
            raise MissingXsrfHeader(xsrf)
        sent, expected = req.headers.get(version), self.expected_version(runtime)
        if sent is not None and sent != expected:
            raise OutOfDateClient(version, sent, expected)

    def payload(self, req: Request, schemas: OperationSchemas, max_bytes: int) -> Any:
        """The body as a route with ``payload.parse`` sees it (subtext), then config-schema: JSON by
        its type (the default when none is sent); text as a string, which config-schema parses as
        JSON where the schema takes an object or an array; a form as its fields; any other type 415."""
        if req.method in ("GET", "HEAD"):  # hapi reads no payload for these (route.js)
            return None
        if schemas.document.get("request", {}).get("parse") is False:
            # A route that validates no body (``validate: false``) gets hapi's ``parse: false, output:
            # 'stream'`` (core's router.ts validOptions): only an announced length over the limit is
            # refused; the body is never read, whatever its type or content.
            if req.content_length is not None and req.content_length > max_bytes:
                raise PayloadTooLarge(max_bytes)
            req.get_data(cache=True)  # drained, so that the connection can serve the next request
            return None
        if req.content_length is not None and req.content_length > max_bytes:
            raise PayloadTooLarge(max_bytes)
        data = decoded(req, req.get_data(cache=True), max_bytes)
        if not data:
            return None
        mime = req.mimetype or "application/json"
        if JSON_TYPE.match(mime):
            return payload_json(data)
        if mime.startswith("text/"):
            return json_text(data.decode("utf-8", "replace"), schemas.request_schema("body").get("type"))
        if mime == FORM:  # each field a string, which config-schema reads as JSON where it takes one
            properties = schemas.request_schema("body").get("properties", {})
            fields: dict[str, Any] = {}
            for name, value in parse_qsl(data.decode("utf-8", "replace"), keep_blank_values=True):
                value = json_text(value, properties.get(name, {}).get("type"))
                fields[name] = (
                    [*fields[name], value]
                    if isinstance(fields.get(name), list)
                    else ([fields[name], value] if name in fields else value)
                )
            return fields
        raise UnsupportedMediaType()

    @staticmethod
    def multipart(req: Request, schemas: OperationSchemas, max_bytes: int) -> dict[str, Any]:
        """A multipart payload as hapi (subtext, pez) hands it to a route with ``output: 'stream'``:
        file parts as ``{"filename", "text"}``, other parts as strings, which config-schema reads as
        JSON where the schema takes an array or an object (``retries``)."""
        if req.content_length is not None and req.content_length > max_bytes:
            raise PayloadTooLarge(max_bytes)
        if req.mimetype != MULTIPART:
            raise UnsupportedMediaType()
        if not req.mimetype_params.get("boundary"):
            raise InvalidPayload("boundary")
        boundary = req.mimetype_params["boundary"].encode("latin-1")
        data = decoded(req, req.stream.read(max_bytes + 1), max_bytes)
        # pez refuses a body that outgrows the limit without announcing its length, and one that
        # does not end with the closing delimiter (an empty body among them), as bad multipart.
        if len(data) > max_bytes or b"--" + boundary + b"--" not in data:
            raise InvalidPayload("multipart")
        try:
            fields, files = MultiPartParser(max_form_parts=1000).parse(io.BytesIO(data), boundary, len(data))
        except (RequestEntityTooLarge, ValueError):
            raise InvalidPayload("multipart") from None
        properties = schemas.request_schema("body").get("properties", {})
        payload: dict[str, Any] = {}
        for name in fields:
            values = []
            spec = properties.get(name, {})
            for value in fields.getlist(name):  # a stream ("x-kbn-type") sent as text stays text
                values.append(value if "x-kbn-type" in spec else json_text(value, spec.get("type")))
            payload[name] = values[0] if len(values) == 1 else values
        for name in files:
            parts = [
                {"filename": f.filename or "", "text": f.read().decode("utf-8", "replace")} for f in files.getlist(name)
            ]
            payload[name] = parts[0] if len(parts) == 1 else parts
        return payload

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

    def new_unknown_key_wording(self, runtime) -> bool:
        """Whether config-schema words an unknown key the newer way (@kbn/config-schema 9.4)."""
        return False

    def reject(self, errors: dict[str, list[ValidationError]], call: Call, schemas: OperationSchemas) -> ProductError:
        new_wording = self.new_unknown_key_wording(call.runtime)
        for part in ("path", "query", "body"):
            if errors[part]:  # core's route validator names the path's part "params"
                where = "params" if part == "path" else part
                return BadRequest(config_schema_message(where, errors[part][0], new_wording))
        return BadRequest()

    # -- response ---------------------------------------------------------------------------
    def response_headers(self, req: Request) -> dict[str, str]:
        """The headers on every answer (the ``Date`` comes last)."""
        return dict(self.headers)

    def render(self, status: int, body: Any, req: Request) -> Response:
        headers = {**self.response_headers(req), "Date": http_date()}
        if isinstance(body, Raw):
            return Response(
                body.content, status=status, headers={**headers, **body.headers}, content_type=body.content_type
            )
        if body is None:  # a 204
            return bodiless(status, headers)
        return Response(
            node_json(body),  # hapi writes a payload with JSON.stringify (lib/transmit.js)
            status=status,
            headers=headers,
            content_type="application/json; charset=utf-8",
        )

    def unrouted(self, req: Request, allowed_methods: list[str] | None) -> Response:
        # hapi answers a path it does not know, or a method the path does not take, alike.
        return self.render(404, boom_body(NotFound()), req)
