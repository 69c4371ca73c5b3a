"""Elasticsearch on the wire: media types, query parameters, body parsing, errors and rendering.

Every Elasticsearch route goes through these hooks (see :class:`mockserver.product.Product`); the
routes themselves (``routes.py``) only call the model.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Response
from jsonschema.exceptions import ValidationError
from werkzeug import Request

from .. import levenshtein
from ..errors import ProductError
from ..jsonvalue import NonStandardToken, deepest
from ..product import CLOSE_AFTER, SERVER_FAILURE, TRANSPORT_ERROR, Call, Product, Raw, bodiless, head_size
from ..schemas import FORMATS, OperationSchemas
from . import xcontent
from ..security import AuthenticationFailed
from . import api_keys
from .authorization import authorize_cluster, authorize_indices
from .dates import INSTANT_FORMAT, DateParseError, parse_instant
from .errors import (
    DateTimeParse,
    ElasticsearchError,
    IllegalArgument,
    JsonEOFError,
    JsonParseError,
    MediaTypeHeaderError,
    MockInternalError,
    NotMocked,
    NumberFormat,
    ParseException,
    SecurityException,
    SimpleError,
    StatusException,
    TransportDecodingError,
    XContentEOF,
    XContentParseError,
    injected_error,
)
from .state import ElasticsearchState
from .versions import Release

PRODUCT_HEADER = "X-elastic-product"
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


def check_compatible_versions(accept: MediaType | None, content_type: MediaType | None, has_body: bool,
                              majors: tuple[str, str]) -> None:
    """RestCompatibleVersionHelper: a server takes compatible-with its own major or the one before
    (9.x: 9 or 8), the same on both headers."""
    def text(media: MediaType | None) -> str:
        return media.raw if media else "null"

    def refuse(reason: str) -> None:
        raise _bad_header(["Accept", "Content-Type"], StatusException(reason))

    accept_version = accept.version if accept and accept.vendor else None
    if accept_version is not None and accept_version not in majors:
        refuse(f"Accept version must be either version {' or '.join(majors)}, but found {accept_version}. "
               f"Accept={text(accept)}")
    if not has_body:
        return
    body_version = content_type.version if content_type and content_type.vendor else None
    if body_version is not None and body_version not in majors:
        refuse(f"Content-Type version must be either version {' or '.join(majors)}, but found "
               f"{body_version}. Content-Type={text(content_type)}")
    if (accept_version is None) != (body_version is None):
        refuse("A compatible version is required on both Content-Type and Accept headers if either one has "
               f"requested a compatible version. Accept={text(accept)}, Content-Type={text(content_type)}")
    if accept_version != body_version:
        refuse("A compatible version is required on both Content-Type and Accept headers if either one has "
               "requested a compatible version and the compatible versions must match. "
               f"Accept={text(accept)}, Content-Type={text(content_type)}")


def parse_flag(name: str, raw: str) -> bool:
    """Booleans.parseBoolean as the REST layer reads ``?pretty`` and friends: empty means true."""
    if raw in ("", "true"):
        return True
    if raw == "false":
        return False
    raise IllegalArgument(f"Failed to parse value [{raw}] as only [true] or [false] are allowed.")


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
        self.has_body = bool(req.content_length) or (req.content_length is None and "chunked" in
                                                     req.headers.get("Transfer-Encoding", "").lower())
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
    def of(cls, req: Request) -> "Wire":
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
API_NAMESPACES = frozenset((
    "_aliases", "_alias", "_analyze", "_application", "_async_search", "_autoscaling", "_cache", "_capabilities",
    "_cat", "_ccr", "_cluster", "_component_template", "_dangling", "_data_stream",
    "_enrich", "_eql", "_esql", "_explain", "_features", "_field_caps", "_fleet", "_flush",
    "_forcemerge", "_graph", "_health_report", "_ilm", "_index_template", "_inference", "_info", "_ingest", "_knn_search",
    "_license", "_logstash", "_mapping", "_mget", "_migration", "_ml", "_monitoring", "_msearch", "_mtermvectors",
    "_nodes", "_open", "_close", "_pit", "_query", "_query_rules", "_rank_eval", "_recovery", "_reindex",
    "_remote", "_render", "_resolve", "_rollover", "_rollup", "_scripts", "_search", "_search_application",
    "_search_shards", "_searchable_snapshots", "_security", "_segments", "_settings", "_shard_stores", "_shrink",
    "_slm", "_snapshot", "_split", "_clone", "_sql", "_stats", "_streams", "_synonyms", "_tasks",
    "_template", "_terms_enum", "_termvectors", "_text_structure", "_transform", "_update_by_query",
    "_validate", "_watcher", "_xpack", "_block", "_disk_usage", "_field_usage_stats", "_lifecycle", "_migrate",
    "_unfreeze", "_freeze", "_upgrade", "_ssl", "_downsample", "_failure_store", "_project", "_internal",
))


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
            kind = "line_too_long" if line > MAX_INITIAL_LINE_LENGTH else (
                "header_too_large" if headers > MAX_HEADER_SIZE else None)
        if kind is None or kind == "length_and_chunked":  # Netty drops the length and reads the chunks
            return None
        error = decoding_error(kind, detail)
        # After a decoding failure Netty's decoder discards the rest of what the connection sends.
        req.environ[CLOSE_AFTER] = True
        return self.render(*self.error_response(error, req), req)

    def owns(self, req: Request) -> bool:
        return req.path == "/" or (req.path.startswith("/_") and not req.path.startswith("/_mock/"))

    # -- request ---------------------------------------------------------------------------
    def parse(self, req: Request, schemas: OperationSchemas, path_args: dict, runtime) -> Call:
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
            return Call(path=path_args, query=self._query(req, schemas), body=text, request=req, runtime=runtime,
                        body_text=text)
        text, body = self._body(req.get_data(cache=True)) if wire.has_body and takes_body else ("", None)
        if body is not None:
            body = normalise_enums(body, body_schema, schemas.document)
        return Call(path=path_args, query=query, body=body, request=req, runtime=runtime, body_text=text)

    def admit(self, call: Call, schemas: OperationSchemas) -> None:
        """After the parameters were read: a body the route never reads is refused; then the transport
        action checks the caller's privileges."""
        req = call.request
        if "body" not in schemas.document.get("request", {}) and req.get_data(cache=True):
            raise IllegalArgument(f"request [{req.method} {req.path}] does not support having a body")
        if call.principal is not None:
            operation = schemas.name.split("/", 1)[1]
            if operation in api_keys.OPERATIONS:  # ActionRequest.validate runs before the security filter
                api_keys.prepare(operation, call)
            authorize_cluster(call, operation)

    def run(self, call: Call) -> tuple[int, Any]:
        """The index privileges are checked on the state the handler reads (under its lock)."""
        authorize_indices(call, call.operation.schema.split("/", 1)[1])
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
            return SecurityException(f"unable to authenticate user [{failure.username}] for REST request [{uri}]",
                                     401, metadata=header)
        if failure.kind == "api_key":
            return SecurityException("unable to authenticate with provided credentials and anonymous access is not "
                                     "allowed for this request", 401,
                                     metadata={"additional_unsuccessful_credentials": f"API key: {failure.detail}", **header})
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
        return error.status, error.body(Wire.of(req).trace)

    def render(self, status: int, body: Any, req: Request) -> Response:
        if isinstance(body, TooLargeAnswer):  # Netty's own canned answer: no body, no product header
            return bodiless(413)
        wire = Wire.of(req)
        extra_headers: dict[str, str] = {}
        if isinstance(body, Raw):
            if not body.content_type.startswith("application/json"):  # an empty HEAD answer
                return Response(body.content, status=status, headers={PRODUCT_HEADER: "Elasticsearch", **body.headers},
                                content_type=body.content_type)
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
            response = Response("", status=200, headers={PRODUCT_HEADER: "Elasticsearch"},
                                content_type="text/plain; charset=UTF-8")
            if allowed:
                response.headers["Allow"] = ",".join(allowed)
            return response
        not_mocked = not_mocked_api(req) if not allowed_methods else None
        if not_mocked is not None:
            return self.render(*self.error_response(not_mocked, req), req)
        if allowed_methods:
            error = SimpleError(f"Incorrect HTTP method for uri [{uri}] and method [{req.method}], "
                                f"allowed: [{', '.join(allowed)}]", 405)
            response = self.render(405, error.body(), req)
            response.headers["Allow"] = ",".join(allowed)
            return response
        # RestController.handleBadRequest: no "status" in this one.
        return self.render(400, {"error": f"no handler found for uri [{uri}] and method [{req.method}]"}, req)


def parse_json(text: str, line: bool = False) -> Any:
    """A JSON text as the server's strict parser reads it, refusing what it refuses with its errors
    (a field given twice, syntax, nesting past Jackson's limit); ``line``: a bulk line (fast path)."""
    try:
        return xcontent.loads_line(text) if line else xcontent.loads(text)
    except NonStandardToken as e:
        raise non_standard_token(text, e.token) from None
    except xcontent.DuplicateField as e:
        locations = xcontent.Locations(text)
        place = max((p for p in locations.order if p[-1] == e.name), key=lambda p: locations.keys[p], default=())
        reason = f"Duplicate field '{e.name}'"
        raise XContentParseError(reason, locations.key(place) if place else (1, 1),
                                 caused_by=JsonParseError(reason)) from None
    except ValueError as e:
        raise json_syntax_error(text, e) from None
    except RecursionError:
        raise too_deep(text) from None


def request_uri(req: Request) -> str:
    """The uri as RestController's messages quote it (with the query string)."""
    return req.full_path.rstrip("?") if req.query_string else req.path


_JAVA_INTEGER = re.compile(r"[+-]?\d+")  # Character.digit reads any Unicode digit, as \d does


def coerce_param(name: str, raw: str, spec: dict) -> Any:
    """A query string value as the handler reads it (RestRequest.paramAsInt / paramAsBoolean / ...)."""
    kind = spec.get("type")
    if kind == "integer":
        # Integer.parseInt / Long.parseLong: an optional sign and digits, within the Java type's range
        java_type, low, high = xcontent.JAVA_INTEGERS[spec.get("format", "int32")]
        value = int(raw) if _JAVA_INTEGER.fullmatch(raw) else None
        if value is None or not low <= value <= high:
            raise IllegalArgument(f"Failed to parse {java_type} parameter [{name}] with value [{raw}]",
                                  caused_by=NumberFormat(f'For input string: "{raw}"'))
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
    if (choices and isinstance(value, str) and value not in choices and not spec.get("x-es-case-sensitive")
            and value.lower() in choices):
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
    parts = [f"[{name}]" + did_you_mean(name, candidates).replace(" did you", " -> did you", 1)
             for name in sorted(set(names))]
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


_JACKSON_SOURCE = xcontent.JACKSON_SOURCE


MAX_NESTING_DEPTH = 1000  # Jackson's StreamReadConstraints default
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
        return TransportDecodingError("too_long_http_line_exception",
                                      f"An HTTP line is larger than {MAX_INITIAL_LINE_LENGTH} bytes.")
    if kind == "header_too_large":
        return TransportDecodingError("too_long_http_header_exception", f"HTTP header is larger than {MAX_HEADER_SIZE} bytes.")
    return IllegalArgument(detail)


class TooLargeAnswer(dict):
    """The body of a 413 that Netty answers itself (rendered as nothing)."""


class ContentTooLarge(ElasticsearchError):
    type = "content_too_large"
    status = 413

    def body(self, trace: bool = False) -> dict:
        return TooLargeAnswer()


def too_deep(text: str) -> ElasticsearchError:
    """Jackson refuses a document nested deeper than its limit."""
    depth, offset = deepest(text, MAX_NESTING_DEPTH)
    line, column = xcontent.line_column(text, offset)
    reason = (f"Document nesting depth ({max(depth, MAX_NESTING_DEPTH + 1)}) exceeds the maximum allowed "
              f"({MAX_NESTING_DEPTH}, from `StreamReadConstraints.getMaxNestingDepth()`)")
    cause = JsonParseError(reason)
    cause.type = "stream_constraints_exception"
    return XContentParseError(reason, (line, column), caused_by=cause)


_STRING_OR_CONSTANT = re.compile(xcontent.JSON_STRING + r"|-?Infinity|NaN", re.S)


def non_standard_token(text: str, token: str) -> XContentParseError:
    """Jackson's refusal of ``NaN`` / ``Infinity`` (ALLOW_NON_NUMERIC_NUMBERS is off), reported where
    the token ends."""
    scanned = xcontent.without_comments(text)
    end = next((m.end() for m in _STRING_OR_CONSTANT.finditer(scanned) if m.group() == token), len(scanned))
    line, column = xcontent.line_column(scanned, end)
    jackson = (f"Non-standard token '{token}': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow\n"
               f" at [Source: {_JACKSON_SOURCE}; line: {line}, column: {column}]")
    return XContentParseError(jackson, (line, column), caused_by=JsonParseError(jackson))


def json_syntax_error(text: str, error: ValueError) -> XContentParseError:
    """Jackson's wording for the common syntax errors, at the place Python's parser stopped."""
    import json

    line, column = (error.lineno, error.colno) if isinstance(error, json.JSONDecodeError) else (1, 1)
    position = error.pos if isinstance(error, json.JSONDecodeError) else 0
    where = f"\n at [Source: {_JACKSON_SOURCE}; line: {line}, column: {column}]"
    if position >= len(text.rstrip()):
        jackson = f"Unexpected end-of-input: expected close marker for Object{where}"
        return XContentEOF("Unexpected end of file", (line, column), caused_by=JsonEOFError(jackson))
    char = text[position]
    message = getattr(error, "msg", "")
    if message.startswith("Expecting property name"):
        what = "was expecting double-quote to start field name"
    elif message.startswith(("Expecting ',' delimiter", "Extra data")):
        what = "was expecting comma to separate Object entries"
    elif message.startswith("Expecting ':'"):
        what = "was expecting a colon to separate field name and value"
    else:
        what = "expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
    jackson = f"Unexpected character ('{char}' (code {ord(char)})): {what}{where}"
    return XContentParseError(jackson, (line, column), caused_by=JsonParseError(jackson))


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
    return IllegalArgument(f"failed to parse date field [{text}] with format [{INSTANT_FORMAT}]",
                           caused_by=DateTimeParse("Failed to parse with all enclosed parsers"))


def _value_error(error: ValidationError, path: tuple, root: dict, parser: str, locations: xcontent.Locations,
                 document: dict) -> ElasticsearchError:
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
        return XContentParseError(f"[{parser}] Expected START_OBJECT but was: {xcontent.token_kind(body)}",
                                  locations.value(()))

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
                        field_errors.setdefault(key, XContentParseError(
                            f"[{parser}] unknown field [{key}]{did_you_mean(key, known)}", locations.key((key,))))
            continue
        top = path[0]
        if error.validator == "format" and error.validator_value in VALUE_FORMATS:
            field_errors.setdefault(top, _value_error(error, path, root, parser, locations, schemas.document))
        elif len(path) == 1 and _is_enum_error(error) and top in constructor_args:
            enum_failures.setdefault(top, error)
        elif len(path) == 1 and error.validator == "type":
            field_errors.setdefault(top, XContentParseError(
                f"[{parser}] {top} doesn't support values of type: {xcontent.token_kind(error.instance)}",
                locations.value((top,))))
        else:
            cause = _field_cause(error, path, parser, locations)
            field_errors.setdefault(top, XContentParseError(
                f"[{parser}] failed to parse field [{top}]", locations.value((top,)), caused_by=cause))

    built_at = None
    if enum_failures and all(a in body for a in constructor_args):
        built_at = max(constructor_args, key=lambda a: locations.keys.get((a,), 0))
    firsts = sorted(set(field_errors) | ({built_at} if built_at else set()), key=lambda k: locations.keys.get((k,), 0))
    if firsts:
        first = firsts[0]
        if first == built_at and first not in field_errors:
            return XContentParseError(f"[{parser}] failed to parse field [{first}]", locations.value((first,)),
                                      caused_by=_failed_to_build(parser, enum_failures))
        return field_errors[first]
    if required:
        return IllegalArgument(f"Required [{', '.join(f for f in root.get('required', []) if f in required)}]")
    if enum_failures:
        return _failed_to_build(parser, enum_failures)
    return XContentParseError(f"[{parser}] {errors[0].message}", (1, 1))


def _is_enum_error(error: ValidationError) -> bool:
    return error.validator == "enum" and isinstance(error.schema, dict) and "x-es-enum" in error.schema


def _unknown_enum(error: ValidationError) -> IllegalArgument:
    return IllegalArgument(f"Unknown {error.schema['x-es-enum']} [{error.instance}].")


def _failed_to_build(parser: str, enum_failures: dict[str, ValidationError]) -> XContentParseError:
    first = next(iter(enum_failures.values()))
    return XContentParseError(f"Failed to build [{parser}] after last required field arrived",
                              caused_by=_unknown_enum(first))


def _field_cause(error: ValidationError, path: tuple, parser: str, locations: xcontent.Locations) -> ElasticsearchError:
    """What a field's own parser says of its value (nested objects, arrays, enums)."""
    if _is_enum_error(error):
        return _unknown_enum(error)
    if error.validator == "required":
        missing = [f for f in error.validator_value if f not in error.instance]
        return IllegalArgument(f"Required [{', '.join(missing)}]")
    if error.validator == "type":
        name = next((p for p in reversed(path) if isinstance(p, str)), "")
        owner = error.schema.get("x-es-parser", parser)
        return XContentParseError(f"[{owner}] {name} doesn't support values of type: "
                                  f"{xcontent.token_kind(error.instance)}", locations.value(path))
    return IllegalArgument(error.message)


ELASTICSEARCH = ElasticsearchProduct("elasticsearch", automatic_head_and_options=False)
