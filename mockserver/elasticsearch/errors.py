"""Elasticsearch's exceptions, as the model raises them, and their one rendering.

The body is ``{"error": {"root_cause": [...], "type", "reason", ["caused_by"]}, "status"}``
(ElasticsearchException / ExceptionsHelper in the real server). ``type`` is the snake_case name of
the Java exception.
"""

from __future__ import annotations

from typing import Any

from ..errors import ProductError


class ElasticsearchError(ProductError):
    type = "exception"
    status = 500
    # A plain Java exception (not an ElasticsearchException): the search for a root cause stops above it.
    plain_java = False

    def __init__(
        self,
        reason: str,
        status: int | None = None,
        *,
        caused_by: ElasticsearchError | None = None,
        metadata: dict[str, Any] | None = None,
    ):
        super().__init__(reason, status)
        self.caused_by = caused_by
        self.metadata = metadata or {}

    @property
    def reason(self) -> str:
        return self.message

    def to_xcontent(self, trace: bool = False) -> dict:
        body: dict[str, Any] = {"type": self.type, "reason": self.reason, **self.metadata}
        if self.caused_by is not None:
            body["caused_by"] = self.caused_by.to_xcontent(trace)
        if trace:
            body["stack_trace"] = self.stack_trace()
        return body

    def stack_trace(self) -> str:
        # ?error_trace asks for the Java stack trace; the mock has none, so it names itself.
        return f"{self.type}: {self.reason}\n\tat mockserver.elasticsearch({type(self).__name__})"

    def root_causes(self) -> list[ElasticsearchError]:
        """ElasticsearchException.guessRootCauses: down the chain of Elasticsearch (and x-content
        parse) exceptions; a plain Java exception on top is its own root cause."""
        error = self
        if error.plain_java:
            return [error]
        while error.caused_by is not None and not error.caused_by.plain_java:
            error = error.caused_by
        return [error]

    def body(self, trace: bool = False) -> dict:
        root_cause = []
        for cause in self.root_causes():
            entry = {"type": cause.type, "reason": cause.reason, **cause.metadata}
            if trace:
                entry["stack_trace"] = cause.stack_trace()
            root_cause.append(entry)
        return {"error": {"root_cause": root_cause, **self.to_xcontent(trace)}, "status": self.status}


class ResourceNotFound(ElasticsearchError):
    type = "resource_not_found_exception"
    status = 404


class ResourceAlreadyExists(ElasticsearchError):
    type = "resource_already_exists_exception"
    status = 400


class IllegalArgument(ElasticsearchError):
    type = "illegal_argument_exception"
    status = 400
    plain_java = True


class StatusException(ElasticsearchError):
    type = "status_exception"
    status = 400


class ParseException(ElasticsearchError):
    type = "parse_exception"
    status = 400


class LocatedError(ElasticsearchError):
    """An error about a place in the request body: the reason starts with its ``[line:column]``."""

    def __init__(self, reason: str, location: tuple[int, int] | None = None, **kwargs):
        if location is not None:
            reason = f"[{location[0]}:{location[1]}] {reason}"
        super().__init__(reason, **kwargs)


class XContentParseError(LocatedError):
    type = "x_content_parse_exception"
    status = 400


class ActionRequestValidation(ElasticsearchError):
    type = "action_request_validation_exception"
    status = 400

    def __init__(self, messages: list[str]):
        numbered = "".join(f"{i}: {m};" for i, m in enumerate(messages, start=1))
        super().__init__(f"Validation Failed: {numbered}")
        self.messages = messages


class InvalidStatusTransition(ElasticsearchError):
    type = "connector_sync_job_invalid_status_transition_exception"
    status = 400
    plain_java = True


class DocumentMissing(ElasticsearchError):
    """A partial update of a document that is not there (the update calls that skip the lookup)."""

    type = "document_missing_exception"
    status = 404

    def __init__(self, doc_id: str, index: str, index_uuid: str):
        super().__init__(
            f"[{doc_id}]: document missing", metadata={"index_uuid": index_uuid, "shard": "0", "index": index}
        )


class InvalidConnectorStatusTransition(ElasticsearchError):
    type = "connector_invalid_status_transition_exception"
    status = 400
    plain_java = True


class SecurityException(ElasticsearchError):
    type = "security_exception"
    status = 401


class SimpleError(ElasticsearchError):
    """Refusals of the HTTP layer that Elasticsearch answers with the simple ``{"error": text,
    "status"}`` body (RestResponse.createSimpleErrorResponse): 405, 406, a bad error_trace."""

    type = "simple_error"

    def body(self, trace: bool = False) -> dict:
        return {"error": self.reason, "status": self.status}


class TransportDecodingError(ElasticsearchError):
    """An exception of Netty's HTTP decoder, as dispatchBadRequest renders it."""

    def __init__(self, error_type: str, reason: str | None):
        super().__init__(reason, 400)
        self.type = error_type


class MediaTypeHeaderError(ElasticsearchError):
    type = "media_type_header_exception"
    status = 400
    plain_java = True


class XContentEOF(XContentParseError):
    type = "x_content_e_o_f_exception"


class JsonParseError(ElasticsearchError):
    """Jackson's own exception under a syntax error (a plain Java exception)."""

    type = "json_parse_exception"
    status = 400
    plain_java = True


class JsonEOFError(JsonParseError):
    type = "json_e_o_f_exception"


class InputCoercionError(JsonParseError):
    """Jackson's refusal of a number its caller reads as a narrower type (a long, an int)."""

    type = "input_coercion_exception"


class NumberFormat(ElasticsearchError):
    """java.lang.NumberFormatException (Integer.parseInt and friends)."""

    type = "number_format_exception"
    status = 400
    plain_java = True


class DateTimeParse(ElasticsearchError):
    """java.time.format.DateTimeParseException, under a date formatter's refusal."""

    type = "date_time_parse_exception"
    status = 400
    plain_java = True


class MockInternalError(ElasticsearchError):
    """A bug of the mock (a response that breaks its schema): 500, saying so."""

    type = "mockserver_internal_exception"
    status = 500


# The exceptions Elasticsearch answers these statuses with most often, for injected faults.
FAULT_TYPES = {
    400: "illegal_argument_exception",
    401: "security_exception",
    403: "security_exception",
    404: "resource_not_found_exception",
    409: "version_conflict_engine_exception",
    429: "es_rejected_execution_exception",
    503: "unavailable_shards_exception",
    504: "process_cluster_event_timeout_exception",
}


def injected_error(status: int, reason: str | None = None, error_type: str | None = None) -> ElasticsearchError:
    """An error answered by fault injection, in Elasticsearch's body."""
    error = ElasticsearchError(reason or f"injected fault: status [{status}]", status)
    error.type = error_type or FAULT_TYPES.get(status, "exception")
    return error


# -- indices and documents ---------------------------------------------------------------------


def index_metadata(index: str, index_uuid: str = "_na_", shard: str | None = None) -> dict[str, Any]:
    """The ``index_uuid``/``shard``/``index`` an error names (ElasticsearchException.setIndex/setShard)."""
    metadata: dict[str, Any] = {"index_uuid": index_uuid}
    if shard is not None:
        metadata["shard"] = shard
    metadata["index"] = index
    return metadata


class IndexNotFound(ElasticsearchError):
    type = "index_not_found_exception"
    status = 404

    def __init__(self, index: str, reason: str | None = None):
        super().__init__(
            reason or f"no such index [{index}]",
            metadata={"resource.type": "index_or_alias", "resource.id": index, **index_metadata(index)},
        )


class IndexAlreadyExists(ResourceAlreadyExists):
    def __init__(self, index: str, index_uuid: str):
        super().__init__(f"index [{index}/{index_uuid}] already exists", metadata=index_metadata(index, index_uuid))


class InvalidIndexName(ElasticsearchError):
    type = "invalid_index_name_exception"
    status = 400

    def __init__(self, index: str, problem: str):
        super().__init__(f"Invalid index name [{index}], {problem}", metadata=index_metadata(index))


class InvalidAliasName(ElasticsearchError):
    type = "invalid_alias_name_exception"
    status = 400

    def __init__(self, alias: str, problem: str):
        super().__init__(f"Invalid alias name [{alias}]: {problem}", metadata=index_metadata(alias))


class AliasesNotFound(ElasticsearchError):
    type = "aliases_not_found_exception"
    status = 404

    def __init__(self, names: list[str]):
        super().__init__(
            f"aliases [{', '.join(names)}] missing",
            metadata={"resource.type": "aliases", "resource.id": names[0] if len(names) == 1 else list(names)},
        )


class VersionConflict(ElasticsearchError):
    type = "version_conflict_engine_exception"
    status = 409

    def __init__(self, reason: str, index: str, index_uuid: str):
        super().__init__(reason, metadata=index_metadata(index, index_uuid, "0"))


class DocumentParsingError(LocatedError):
    """A document the mapping refuses (``document_parsing_exception`` since 8.8)."""

    type = "document_parsing_exception"
    status = 400


class StrictDynamicMapping(DocumentParsingError):
    type = "strict_dynamic_mapping_exception"


class MapperParsingError(ElasticsearchError):
    type = "mapper_parsing_exception"
    status = 400


class ParsingError(ElasticsearchError):
    """``parsing_exception``: a request body the query parsers refuse, with its line and column."""

    type = "parsing_exception"
    status = 400

    def __init__(self, reason: str, location: tuple[int, int] | None = None, **kwargs):
        metadata = {"line": location[0], "col": location[1]} if location else {}
        super().__init__(reason, metadata=metadata, **kwargs)


class SearchPhaseExecution(ElasticsearchError):
    """A search that failed on every shard (``all shards failed``): the shard failures' causes are the
    root causes. The top-level ``caused_by`` is what the server's rendering gives for the cause's kind:
    a plain Java exception twice over, a shard-level Elasticsearch exception none, a missing search
    context once."""

    type = "search_phase_execution_exception"
    status = 400

    def __init__(
        self,
        cause: ElasticsearchError,
        index: str | None,
        phase: str = "query",
        status: int | None = None,
        shard: int = 0,
        failures: list[tuple[str | None, ElasticsearchError]] | None = None,
    ):
        super().__init__("all shards failed", status if status is not None else cause.status)
        self.cause, self.index, self.phase, self.shard = cause, index, phase, shard
        self.failures = failures or [(index, cause)]

    def root_causes(self) -> list[ElasticsearchError]:
        causes: list[ElasticsearchError] = []
        for _, cause in self.failures:
            for root in cause.root_causes():
                if all((r.type, r.reason) != (root.type, root.reason) for r in causes):
                    causes.append(root)
        return causes

    def to_xcontent(self, trace: bool = False) -> dict:
        failed = [shard_failure(index, cause, self.shard, trace) for index, cause in self.failures]
        body: dict[str, Any] = {
            "type": self.type,
            "reason": self.reason,
            "phase": self.phase,
            "grouped": True,
            "failed_shards": failed,
        }
        if self.cause.plain_java:
            inner = self.cause.to_xcontent(trace)
            body["caused_by"] = {**inner, "caused_by": dict(inner)}
        elif isinstance(self.cause, SearchContextMissing):
            body["caused_by"] = self.cause.to_xcontent(trace)
        return body


def shard_failure(index: str | None, cause: ElasticsearchError, shard: int = 0, trace: bool = False) -> dict:
    """One shard's failure, as failed_shards and _shards.failures list it (no node when no shard)."""
    failure: dict[str, Any] = {"shard": shard, "index": index}
    if shard >= 0:
        failure["node"] = NODE_ID
    failure["reason"] = cause.to_xcontent(trace)
    return failure


class SearchContextMissing(ElasticsearchError):
    type = "search_context_missing_exception"
    status = 404


class QueryShardError(ElasticsearchError):
    type = "query_shard_exception"
    status = 400


class NotMocked(ElasticsearchError):
    """What the mock does not mock: a part of a request it would otherwise have to answer wrongly."""

    type = "mockserver_not_mocked_exception"
    status = 501

    def __init__(self, what: str):
        super().__init__(f"{what} is not mocked by mockserver")


NODE_ID = "mOcKnOdE0000000000000w"


class IndexOutOfBounds(ElasticsearchError):
    """java.lang.IndexOutOfBoundsException, as List.get words it: a server error where no check ran first."""

    type = "index_out_of_bounds_exception"
    status = 500
    plain_java = True

    def __init__(self, index: int, length: int):
        super().__init__(f"Index {index} out of bounds for length {length}")


class IllegalState(ElasticsearchError):
    """java.lang.IllegalStateException: a plain Java exception, a cause under a status (ML's open job)."""

    type = "illegal_state_exception"
    status = 500
    plain_java = True


# -- data frame analytics (ml/analytics.py) ----------------------------------------------------------
class Validation(ActionRequestValidation):
    """org.elasticsearch.common.ValidationException, which an action raises itself (SourceDestValidator):
    the same ``Validation Failed: 1: ...;`` text as the request's own validation, another type."""

    type = "validation_exception"
    plain_java = True


# -- trained models (ml/models*.py) -------------------------------------------------------------
class DefinitionUnreadable(ElasticsearchError):
    """What java.util.zip throws inflating a compressed model definition that is not gzip (a
    ZipException): a plain Java exception, the cause of the 400 that reports it."""

    type = "zip_exception"
    status = 500
    plain_java = True


class DefinitionTruncated(ElasticsearchError):
    """The java.io.EOFException of a compressed model definition that ends too soon."""

    type = "e_o_f_exception"
    status = 500
    plain_java = True
