"""What Kibana and OpenSearch Dashboards share below their routes: Node's HTTP server under hapi."""

from __future__ import annotations

import re
import zlib
from typing import Any
from urllib.parse import parse_qsl

from flask import Response
from werkzeug import Request

from .boom import BoomError, BoomProduct, payload_json, payload_too_large
from .config_schema import json_text
from .product import CLOSE_AFTER, TRANSPORT_ERROR, bodiless, head_size
from .schemas import OperationSchemas

# Node's --max-http-header-size default: the request line and headers, all told. Neither product
# has a setting of its own for it.
MAX_HEAD_BYTES = 16384

JSON_TYPE = re.compile(r"^application/(?:.+\+)?json$")  # subtext's JSON media types
FORM = "application/x-www-form-urlencoded"
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
        raise BoomError("Invalid compressed payload", 400) from None
    if len(out) > max_bytes:
        raise payload_too_large(max_bytes)
    if not decompressor.eof:
        raise BoomError("Invalid compressed payload", 400)
    return out


class HapiProduct(BoomProduct):
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

    def payload(self, req: Request, schemas: OperationSchemas, max_bytes: int) -> Any:
        """The body as a route with ``payload.parse`` sees it (subtext), then config-schema: JSON by
        its type (the default when none is sent); text as a string, which config-schema parses as
        JSON where the schema takes an object or an array; a form as its fields; any other type 415."""
        if req.method in ("GET", "HEAD"):  # hapi reads no payload for these (route.js)
            return None
        if req.content_length is not None and req.content_length > max_bytes:
            raise payload_too_large(max_bytes)
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
                fields[name] = [*fields[name], value] if isinstance(fields.get(name), list) else (
                    [fields[name], value] if name in fields else value)
            return fields
        raise BoomError("Unsupported Media Type", 415)
