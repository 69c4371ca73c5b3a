"""Elasticsearch on the wire: media types, query parameters, body parsing, errors and rendering.

Every Elasticsearch route goes through these hooks (see :class:`mockserver.product.Product`); the
routes themselves (``routes.py``) only call the model.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Response
from jsonschema.exceptions import ValidationError
from werkzeug import Request

from ..errors import ProductError
from ..journal import UNMATCHED_ENVIRON
from ..product import CLOSE_AFTER, SERVER_FAILURE, TRANSPORT_ERROR, Call, Product, Raw, bodiless, head_size
from ..schemas import OperationSchemas
from ..security import AuthenticationFailed
from . import api_keys, xcontent
from .authorization import authorize_cluster, authorize_indices
from .errors import (
    ElasticsearchError,
    IllegalArgument,
    JsonParseError,
    MediaTypeHeaderError,
    MockInternalError,
    NotMocked,
    SecurityException,
    SimpleError,
    StatusException,
    TransportDecodingError,
    XContentParseError,
    injected_error,
)
from .json_reader import parse_json
from .schema_errors import body_error, coerce_param, normalise_enums, param_error, parse_flag, unrecognized_params
from .state import ElasticsearchState
from .versions import BUILD_HASH, Release

PRODUCT_HEADER = "X-elastic-product"
WARNINGS_ENVIRON = "mockserver.elasticsearch.warnings"
# The schemes a secured cluster offers, in the order it lists them (DefaultAuthenticationFailureHandler).
WWW_AUTHENTICATE = ['Basic realm="security", charset="UTF-8"', 'Bearer realm="security"', "ApiKey"]
# Parameters every REST handler accepts: the channel and the controller read them.
UNIVERSAL_PARAMS = ("pretty", "human", "error_trace", "filter_path", "format")
_MEDIA_TYPE = re.compile(r"^\s*([^\s/;]+)/([^\s/;]+)\s*(;.*)?$")
# The JSON request bodies; the server also reads SMILE, YAML and CBOR, which the mock refuses (406).
_JSON_SUBTYPES = {"json", "x-ndjson", "vnd.elasticsearch+json", "vnd.elasticsearch+x-ndjson"}


class MediaType:
    """A parsed Content-Type or Accept header."""

    def __init__(self, raw: str, type_: str, subtype: str, params: dict[str, str]):
        self.raw, self.type, self.subtype, self.params = raw, type_, subtype, params

    @property
    def vendor(self) -> bool:
        return self.subtype.startswith("vnd.elasticsearch+")

    @property
    def version(self) -> str | None:
        return self.params.get("compatible-with")

    @property
    def is_json(self) -> bool:
        return self.type == "application" and (self.subtype in _JSON_SUBTYPES or self.subtype == "*")


def parse_media_type(raw: str | None, header: str) -> MediaType | None:
    """ParsedMediaType.parseMediaType: None when absent, a range or */*; raises on a malformed value."""
    if raw is None:
        return None
    if not raw.strip():
        raise _bad_header([header], IllegalArgument(f"Header [{header}] cannot be empty."))
    if "," in raw or raw.strip() == "*/*":
        return None
    match = _MEDIA_TYPE.match(raw)
    if not match:
        raise _bad_header([header], IllegalArgument(f"invalid media-type [{raw}]"))
    params = {}
    for param in (match.group(3) or "").split(";")[1:]:
        if not param.strip():
            continue
        key, eq, value = param.lstrip().partition("=")
        # Space after ';' is fine (the Python client sends it); space around '=' is not.
        if not eq or not key or key != key.rstrip() or not value.strip() or value != value.lstrip():
            raise _bad_header([header], IllegalArgument(f"invalid parameters for header [{raw}]"))
        params[key.lower()] = value.strip().lower()
    return MediaType(raw, match.group(1).lower(), match.group(2).lower(), params)


def _bad_header(headers: list[str], cause: ElasticsearchError) -> MediaTypeHeaderError:
    return MediaTypeHeaderError(f"Invalid media-type value on headers [{', '.join(headers)}]", caused_by=cause)


def check_compatible_versions(
    accept: MediaType | None, content_type: MediaType | None, has_body: bool, majors: tuple[str, str]
) -> None:
    """RestCompatibleVersionHelper: a server takes compatible-with its own major or the one before
    (9.x: 9 or 8), the same on both headers."""

    def text(media: MediaType | None) -> str:
        return media.raw if media else "null"

    def refuse(reason: str) -> None:
        raise _bad_header(["Accept", "Content-Type"], StatusException(reason))

    accept_version = accept.version if accept and accept.vendor else None
    if accept_version is not None and accept_version not in majors:
        refuse(
            f"Accept version must be either version {' or '.join(majors)}, but found {accept_version}. "
            f"Accept={text(accept)}"
        )
    if not has_body:
        return
    body_version = content_type.version if content_type and content_type.vendor else None
    if body_version is not None and body_version not in majors:
        refuse(
            f"Content-Type version must be either version {' or '.join(majors)}, but found "
            f"{body_version}. Content-Type={text(content_type)}"
        )
    if (accept_version is None) != (body_version is None):
        refuse(
            "A compatible version is required on both Content-Type and Accept headers if either one has "
            f"requested a compatible version. Accept={text(accept)}, Content-Type={text(content_type)}"
        )
    if accept_version != body_version:
        refuse(
            "A compatible version is required on both Content-Type and Accept headers if either one has "
            "requested a compatible version and the compatible versions must match. "
            f"Accept={text(accept)}, Content-Type={text(content_type)}"
        )


class Wire:
    """How one request came and wants its answer, read once per request. Reading never raises
    (errors must render too); :meth:`check` raises what the server refuses before routing."""

    def __init__(self, req: Request, majors: tuple[str, str]):
        args = req.args
        self.filter_path = args.get("filter_path")
        self.trace = args.get("error_trace") in ("", "true")
        pretty = args.get("pretty")
        # GET / answers pretty unless asked otherwise (RestMainAction).
        self.pretty = pretty in ("", "true") if pretty is not None else req.path == "/"
        self.content_type = "application/json"
        self.accept = self.sent = None
        self.problem: ElasticsearchError | None = None
        # Whether a body was sent, from the headers: reading it here would read a body the 413 refuses.
        self.has_body = bool(req.content_length) or (
            req.content_length is None and "chunked" in req.headers.get("Transfer-Encoding", "").lower()
        )
        problems = []
        for header in ("Accept", "Content-Type"):
            try:
                parsed = parse_media_type(req.headers.get(header), header)
            except MediaTypeHeaderError as e:
                problems.append((header, e.caused_by))
                continue
            setattr(self, "accept" if header == "Accept" else "sent", parsed)
        try:
            if problems:
                raise _bad_header([h for h, _ in problems], problems[0][1])
            check_compatible_versions(self.accept, self.sent, self.has_body, majors)
        except ElasticsearchError as e:
            self.problem = e  # the server drops the headers it refuses, so this answers in plain JSON
            return
        if self.accept is not None and self.accept.vendor:
            params = "".join(f";{k}={v}" for k, v in self.accept.params.items())
            self.content_type = f"application/{self.accept.subtype}{params}".replace("+x-ndjson", "+json")
        elif self.accept is None and self.sent is not None and self.sent.vendor:
            self.content_type = "application/vnd.elasticsearch+json"

    @classmethod
    def of(cls, req: Request) -> Wire:
        wire = req.environ.get("mockserver.es.wire")
        if wire is None:
            wire = req.environ["mockserver.es.wire"] = cls(req, release_of_app().compatible_majors)
        return wire

    def check(self, req: Request) -> None:
        """Media-type headers and the channel's own flags, as the server checks them before routing."""
        if self.problem is not None:
            raise self.problem
        for flag in ("pretty", "human"):
            if flag in req.args:
                parse_flag(flag, req.args[flag])
        if "error_trace" in req.args:
            try:
                parse_flag("error_trace", req.args["error_trace"])
            except IllegalArgument as e:
                raise SimpleError(e.reason, 400) from None


# The first path segments of Elasticsearch's REST APIs, and the second ones of its /{index}/_x APIs: a
# path the mock has no route for that starts with one is an API it does not mock (501), not a 400 no
# handler (which would tell the client that Elasticsearch has no such API). Namespaces the mock serves
# whole (_connector, _doc, _bulk, ...) are not here: a path of theirs it has no route for has none in ES.
API_NAMESPACES = frozenset(
    (
        "_aliases",
        "_alias",
        "_analyze",
        "_application",
        "_async_search",
        "_autoscaling",
        "_cache",
        "_capabilities",
        "_cat",
        "_ccr",
        "_cluster",
        "_component_template",
        "_dangling",
        "_data_stream",
        "_enrich",
        "_eql",
        "_esql",
        "_explain",
        "_features",
        "_field_caps",
        "_fleet",
        "_flush",
        "_forcemerge",
        "_graph",
        "_health_report",
        "_ilm",
        "_index_template",
        "_inference",
        "_info",
        "_ingest",
        "_knn_search",
        "_license",
        "_logstash",
        "_mapping",
        "_mget",
        "_migration",
        "_ml",
        "_monitoring",
        "_msearch",
        "_mtermvectors",
        "_nodes",
        "_open",
        "_close",
        "_pit",
        "_query",
        "_query_rules",
        "_rank_eval",
        "_recovery",
        "_reindex",
        "_remote",
        "_render",
        "_resolve",
        "_rollover",
        "_rollup",
        "_scripts",
        "_search",
        "_search_application",
        "_search_shards",
        "_searchable_snapshots",
        "_security",
        "_segments",
        "_settings",
        "_shard_stores",
        "_shrink",
        "_slm",
        "_snapshot",
        "_split",
        "_clone",
        "_sql",
        "_stats",
        "_streams",
        "_synonyms",
        "_tasks",
        "_template",
        "_terms_enum",
        "_termvectors",
        "_text_structure",
        "_transform",
        "_update_by_query",
        "_validate",
        "_watcher",
        "_xpack",
        "_block",
        "_disk_usage",
        "_field_usage_stats",
        "_lifecycle",
        "_migrate",
        "_unfreeze",
        "_freeze",
        "_upgrade",
        "_ssl",
        "_downsample",
        "_failure_store",
        "_project",
        "_internal",
    )
)


def not_mocked_api(req: Request) -> NotMocked | None:
    """The not-mocked answer for a path of an Elasticsearch API the mock has no route for."""
    segments = [s for s in req.path.split("/") if s]
    if segments and (segments[0] in API_NAMESPACES or (len(segments) > 1 and segments[1] in API_NAMESPACES)):
        return NotMocked(f"the API [{req.method} {req.path}]")
    return None


def release_of_app() -> Release:
    """The release the serving app's Elasticsearch behaves as."""
    from flask import current_app

    return current_app.extensions["mockserver"].store["elasticsearch"].release


@dataclass
class ElasticsearchCall(Call):
    """An Elasticsearch request, as its routes see it: the state is Elasticsearch's."""

    state: ElasticsearchState = None  # type: ignore[assignment]  (set by the pipeline before the handler)
    # The aliases a wildcard (or no name at all) may show, when security narrows them (None: all).
    visible_alias: Callable[[str], bool] | None = None

    def warn(self, message: str) -> None:
        """A deprecation warning on the answer, as HeaderWarning writes it (one ``Warning`` header each)."""
        escaped = message.replace("\\", "\\\\").replace('"', '\\"')
        header = f'299 Elasticsearch-{self.state.release.version}-{BUILD_HASH} "{escaped}"'
        warnings = self.request.environ.setdefault(WARNINGS_ENVIRON, [])
        if header not in warnings:  # the same warning twice is sent once
            warnings.append(header)


class NoHandler(ElasticsearchError):
    """A route this release does not have: RestController's bad request, with its bare body."""

    status = 400

    def body(self, trace: bool = False) -> dict:
        return {"error": self.reason}


class ElasticsearchProduct(Product):
    """RestController answers OPTIONS itself, and HEAD only where a handler registered it."""

    def new_state(self, options: dict) -> ElasticsearchState:
        return ElasticsearchState()

    def max_body_bytes(self, runtime) -> int:
        return MAX_CONTENT_LENGTH

    def server_refusal(self, req: Request, runtime) -> Response | None:
        """What Netty's pipeline answers before the REST layer runs: the aggregator's bodiless 413,
        and what the decoder could not read, sent to RestController.dispatchBadRequest as a 400
        naming the decoder's exception."""
        kind, detail = req.environ.get(TRANSPORT_ERROR) or (None, "")
        if kind is None:  # what the mock's server took, Netty's limits may still refuse
            line, headers = head_size(req.environ)
            kind = (
                "line_too_long"
                if line > MAX_INITIAL_LINE_LENGTH
                else ("header_too_large" if headers > MAX_HEADER_SIZE else None)
            )
        if kind is None or kind == "length_and_chunked":  # Netty drops the length and reads the chunks
            return None
        error = decoding_error(kind, detail)
        # After a decoding failure Netty's decoder discards the rest of what the connection sends.
        req.environ[CLOSE_AFTER] = True
        return self.render(*self.error_response(error, req), req)

    def owns(self, req: Request) -> bool:
        return req.path == "/" or (req.path.startswith("/_") and not req.path.startswith("/_mock/"))

    # -- request ---------------------------------------------------------------------------
    def parse(self, req: Request, schemas: OperationSchemas, path_args: dict, runtime) -> ElasticsearchCall:
        wire = Wire.of(req)
        wire.check(req)
        if not runtime.store["elasticsearch"].release.has(schemas.name.split("/", 1)[1]):
            raise NoHandler(f"no handler found for uri [{request_uri(req)}] and method [{req.method}]")
        if path_args.get("index", "").split(",")[0] in API_NAMESPACES:  # /_cat, /_nodes: APIs, not indices
            raise NotMocked(f"the API [{req.method} {req.path}]")
        if wire.has_body:
            if wire.sent is None:
                raise SimpleError("Content-Type header is missing", 406)
            if not wire.sent.is_json:
                raise SimpleError(f"Content-Type header [{req.headers.get('Content-Type')}] is not supported", 406)
        query = self._query(req, schemas)
        body_schema = schemas.request_schema("body")
        takes_body = "body" in schemas.document.get("request", {})
        if body_schema.get("x-es-ndjson"):  # _bulk: the lines are parsed by the route, one by one
            text = self._text(req.get_data(cache=True)) if wire.has_body else ""
            return ElasticsearchCall(
                path=path_args, query=self._query(req, schemas), body=text, request=req, runtime=runtime, body_text=text
            )
        text, body = self._body(req.get_data(cache=True)) if wire.has_body and takes_body else ("", None)
        if body is not None:
            body = normalise_enums(body, body_schema, schemas.document)
        return ElasticsearchCall(path=path_args, query=query, body=body, request=req, runtime=runtime, body_text=text)

    def admit(self, call: Call, schemas: OperationSchemas) -> None:
        """After the parameters were read: a body the route never reads is refused; then the transport
        action checks the caller's privileges."""
        req = call.request
        if "body" not in schemas.document.get("request", {}) and req.get_data(cache=True):
            raise IllegalArgument(f"request [{req.method} {req.path}] does not support having a body")
        if call.principal is not None:
            operation = call.operation.name
            if operation in api_keys.OPERATIONS:  # ActionRequest.validate runs before the security filter
                api_keys.prepare(operation, call)
            authorize_cluster(call, operation)

    def run(self, call: Call) -> tuple[int, Any]:
        """The index privileges are checked on the state the handler reads (under its lock)."""
        authorize_indices(call, call.operation.name)
        return call.operation.handler(call)

    def authenticate(self, req: Request, runtime):
        # Netty's aggregator refuses a body over http.max_content_length before anything else runs.
        if req.content_length is not None and req.content_length > MAX_CONTENT_LENGTH:
            raise ContentTooLarge("Request Entity Too Large")
        return super().authenticate(req, runtime)

    def unauthenticated(self, failure: AuthenticationFailed, req: Request) -> ProductError:
        uri = request_uri(req)
        header = {"header": {"WWW-Authenticate": WWW_AUTHENTICATE}}
        if failure.kind == "user":
            return SecurityException(
                f"unable to authenticate user [{failure.username}] for REST request [{uri}]", 401, metadata=header
            )
        if failure.kind == "api_key":
            return SecurityException(
                "unable to authenticate with provided credentials and anonymous access is not allowed for this request",
                401,
                metadata={"additional_unsuccessful_credentials": f"API key: {failure.detail}", **header},
            )
        if failure.kind == "terminated":  # ApiKeyAuthenticator: Exceptions.authenticationError(the reason)
            return SecurityException(failure.detail, 401, metadata=header)
        return SecurityException(f"missing authentication credentials for REST request [{uri}]", 401, metadata=header)

    def _query(self, req: Request, schemas: OperationSchemas) -> dict[str, Any]:
        """Query parameters, typed as the schema declares them, without the universal ones."""
        properties = schemas.request_schema("query").get("properties", {})
        query: dict[str, Any] = {}
        for name, raw in req.args.items():
            if name in UNIVERSAL_PARAMS:
                continue
            spec = properties.get(name)
            query[name] = raw if spec is None else coerce_param(name, raw, spec)
        return query

    @staticmethod
    def _text(data: bytes) -> str:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as e:
            reason = f"Invalid UTF-8 start byte 0x{data[e.start]:02x}"
            raise XContentParseError(reason, (1, e.start + 1), caused_by=JsonParseError(reason)) from None

    @classmethod
    def _body(cls, data: bytes) -> tuple[str, Any]:
        text = cls._text(data)
        return text, parse_json(text)

    # -- schema errors -> Elasticsearch errors ---------------------------------------------
    def reject(self, errors: dict[str, list[ValidationError]], call: Call, schemas: OperationSchemas) -> ProductError:
        unknown_params: list[str] = []
        for error in errors["path"] + errors["query"]:
            if error.validator == "additionalProperties" and not error.path:
                allowed = set(error.schema.get("properties", {}))
                unknown_params += [k for k in error.instance if k not in allowed]
                continue
            return param_error(error)
        if errors["body"]:
            return body_error(errors["body"], call, schemas)
        candidates = [*schemas.request_schema("query").get("properties", {}), *call.path, *UNIVERSAL_PARAMS]
        return unrecognized_params(call.request.path, unknown_params, candidates)

    # -- response ---------------------------------------------------------------------------
    def internal_error(self, message: str) -> ProductError:
        return MockInternalError(message)

    def fault_error(self, fault) -> ProductError:
        return injected_error(fault.status, fault.message, fault.error_type)

    def error_response(self, error: ProductError, req: Request) -> tuple[int, Any]:
        if not isinstance(error, ElasticsearchError):
            error = ElasticsearchError(error.message, error.status)
        if isinstance(error, NotMocked):
            req.environ.setdefault(UNMATCHED_ENVIRON, "not mocked")
        return error.status, error.body(Wire.of(req).trace)

    def render(self, status: int, body: Any, req: Request) -> Response:
        if isinstance(body, TooLargeAnswer):  # Netty's own canned answer: no body, no product header
            return bodiless(413)
        wire = Wire.of(req)
        extra_headers: dict[str, str] = {}
        if isinstance(body, Raw):
            if not body.content_type.startswith("application/json"):  # an empty HEAD answer
                return Response(
                    body.content,
                    status=status,
                    headers={PRODUCT_HEADER: "Elasticsearch", **body.headers},
                    content_type=body.content_type,
                )
            body, extra_headers = body.checked, body.headers  # JSON with headers of its own (Location)
        is_error = status >= 400
        if wire.filter_path and not is_error and body is not None:
            body = xcontent.filter_path(body, wire.filter_path)
        pretty = wire.pretty and (not is_error or "pretty" in req.args)
        text = "" if body is None else xcontent.dumps(body, pretty)
        if status in (401, 403):  # the server takes its product header off these (RestResponse.filterHeaders)
            headers = [("WWW-Authenticate", value) for value in WWW_AUTHENTICATE] if status == 401 else []
        else:
            headers = [(PRODUCT_HEADER, "Elasticsearch"), *extra_headers.items()]
        headers += [("Warning", warning) for warning in req.environ.get(WARNINGS_ENVIRON, ())]
        return Response(text, status=status, headers=headers, content_type=wire.content_type)

    def unrouted(self, req: Request, allowed_methods: list[str] | None) -> Response:
        try:
            Wire.of(req).check(req)
        except ElasticsearchError as error:
            return self.render(*self.error_response(error, req), req)
        uri = request_uri(req)
        order = ("GET", "POST", "PUT", "DELETE", "HEAD")
        allowed = [m for m in order if m in (allowed_methods or ())]
        if req.method == "OPTIONS":
            response = Response(
                "", status=200, headers={PRODUCT_HEADER: "Elasticsearch"}, content_type="text/plain; charset=UTF-8"
            )
            if allowed:
                response.headers["Allow"] = ",".join(allowed)
            return response
        not_mocked = not_mocked_api(req) if not allowed_methods else None
        if not_mocked is not None:
            return self.render(*self.error_response(not_mocked, req), req)
        if allowed_methods:
            error = SimpleError(
                f"Incorrect HTTP method for uri [{uri}] and method [{req.method}], allowed: [{', '.join(allowed)}]", 405
            )
            response = self.render(405, error.body(), req)
            response.headers["Allow"] = ",".join(allowed)
            return response
        # RestController.handleBadRequest: no "status" in this one.
        return self.render(400, {"error": f"no handler found for uri [{uri}] and method [{req.method}]"}, req)


def request_uri(req: Request) -> str:
    """The uri as RestController's messages quote it (with the query string)."""
    return req.full_path.rstrip("?") if req.query_string else req.path


MAX_CONTENT_LENGTH = 100 * 1024 * 1024  # http.max_content_length (100mb)


MAX_INITIAL_LINE_LENGTH = 4096  # http.max_initial_line_length (4kb)
MAX_HEADER_SIZE = 16384  # http.max_header_size (16kb)


def decoding_error(kind: str, detail: str) -> ElasticsearchError:
    """The Netty decoder's exception for what the mock's server refused (Netty 4.1.105 and later)."""
    if kind == "too_large":
        return ContentTooLarge("Request Entity Too Large")
    if kind == "internal":
        return MockInternalError(SERVER_FAILURE)
    if kind == "bad_length":  # HttpUtil.normalizeAndGetContentLength
        values = [v.strip() for v in detail.split(",")]
        if len(values) > 1:
            return IllegalArgument(f"Multiple Content-Length values found: [{', '.join(values)}]")
        return IllegalArgument(f"Content-Length value is not a number: {detail}")
    if kind == "bad_chunk":
        if detail == "Chunk not properly terminated":
            return TransportDecodingError("invalid_chunk_termination_exception", None)
        return TransportDecodingError("number_format_exception", "Invalid character in chunk size")
    if kind == "line_too_long":  # the mock's own kind: a request line over http.max_initial_line_length
        return TransportDecodingError(
            "too_long_http_line_exception", f"An HTTP line is larger than {MAX_INITIAL_LINE_LENGTH} bytes."
        )
    if kind == "header_too_large":
        return TransportDecodingError(
            "too_long_http_header_exception", f"HTTP header is larger than {MAX_HEADER_SIZE} bytes."
        )
    return IllegalArgument(detail)


class TooLargeAnswer(dict):
    """The body of a 413 that Netty answers itself (rendered as nothing)."""


class ContentTooLarge(ElasticsearchError):
    type = "content_too_large"
    status = 413

    def body(self, trace: bool = False) -> dict:
        return TooLargeAnswer()


ELASTICSEARCH = ElasticsearchProduct("elasticsearch", automatic_head_and_options=False)
