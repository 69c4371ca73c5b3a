"""OpenSearch Dashboards' errors, each message written once, after the saved-objects service's
``SavedObjectsErrorHelpers`` (src/core/server/saved_objects/service/lib/errors.ts), the exporter's
and importer's own, and the security plugin's. Raised by the model and the wire; ``mockserver.hapi``
renders them."""

from __future__ import annotations

from ..boom import BadRequest, BoomError, Forbidden, InternalError, NotFound, Unauthorized
from ..config_schema import unknown_key_message


class SavedObjectsBadRequest(BadRequest):
    """``createBadRequestError(reason)``: decorate() puts the reason before Boom's own message."""

    def __init__(self, reason: str):
        super().__init__(f"{reason}: Bad Request")


class UnsupportedType(SavedObjectsBadRequest):
    """``createUnsupportedTypeError``."""

    def __init__(self, so_type: str):
        super().__init__(f"Unsupported saved object type: '{so_type}'")


class InitialNamespacesOnSingleNamespaceType(SavedObjectsBadRequest):
    def __init__(self):
        super().__init__('"options.initialNamespaces" can only be used on multi-namespace types')


class SavedObjectNotFound(NotFound):
    """``createGenericNotFoundError(type, id)``."""

    def __init__(self, so_type: str, so_id: str):
        super().__init__(f"Saved object [{so_type}/{so_id}] not found")


class SavedObjectConflict(BoomError):
    """``createConflictError(type, id)``."""

    status = 409

    def __init__(self, so_type: str, so_id: str):
        super().__init__(f"Saved object [{so_type}/{so_id}] conflict")


class InvalidVersion(BadRequest):
    """``createInvalidVersionError``: a ``version`` that does not decode to a seqNo and primary term."""

    def __init__(self, version: str):
        super().__init__(f"Invalid version [{version}]")


class VersionConflict(BoomError):
    """``decorateEsError`` of OpenSearch's 409, its message as the client words it."""

    status = 409

    def __init__(self, so_type: str, so_id: str, detail: str):
        super().__init__(f"[{so_type}:{so_id}]: version conflict, {detail}: version_conflict_engine_exception")

    @classmethod
    def exists(cls, so_type: str, so_id: str, current_version: int) -> VersionConflict:
        return cls(so_type, so_id, f"document already exists (current version [{current_version}])")

    @classmethod
    def stale(
        cls, so_type: str, so_id: str, seq_no: int, primary_term: int, current_seq_no: int, current_primary_term: int
    ) -> VersionConflict:
        return cls(
            so_type,
            so_id,
            f"required seqNo [{seq_no}], primary term [{primary_term}]. current document has "
            f"seqNo [{current_seq_no}] and primary term [{current_primary_term}]",
        )


class MigrationTooNew(BoomError):
    """DocumentMigrator: an object migrated by a newer Dashboards than this one."""

    status = 422

    def __init__(self, so_id: str, so_type: str, current: str, latest: str | None):
        super().__init__(
            f'Document "{so_id}" has property "{so_type}" which belongs to a more recent version of '
            f"OpenSearch Dashboards [{current}]. The last known version is [{latest or 'undefined'}]"
        )


class MigrationFailed(InternalError):
    """A migration that throws: logged by the server, answered as its generic 500."""


# -- find --------------------------------------------------------------------------------------
class UnknownSortField(BadRequest):
    def __init__(self, field: str):
        super().__init__(f"Unknown sort field {field}")


class UnsortableAcrossTypes(BadRequest):
    def __init__(self, field: str):
        super().__init__(f"Unable to sort multiple types by field {field}, not a root property")


class SearchFailedOnEveryShard(BadRequest):
    """OpenSearch's 400 for a search whose every shard refused it with an illegal_argument_exception,
    as decorateOpenSearchError passes it on: createBadRequestError's ``<error.reason>: <message>``,
    the client's ResponseError message being ``<type>: [<root cause type>] Reason: <root cause reason>``
    (opensearch-js lib/errors.js). The saved objects index has one shard: one root cause."""

    def __init__(self, cause: str):
        super().__init__(
            f"all shards failed: search_phase_execution_exception: [illegal_argument_exception] Reason: {cause}"
        )


class SortOnTextField(SearchFailedOnEveryShard):
    def __init__(self, field: str):
        super().__init__(
            "Text fields are not optimised for operations that require per-document field data like aggregations "
            "and sorting, so these operations are disabled by default. Please use a keyword field instead. "
            f"Alternatively, set fielddata=true on [{field}] in order to load field data by uninverting the "
            "inverted index. Note that this can use significant memory."
        )


class SortWithoutFielddata(SearchFailedOnEveryShard):
    def __init__(self, field: str, kind: str):
        super().__init__(
            f"Can't load fielddata on [{field}] because fielddata is unsupported on fields of type [{kind}]. "
            "Use doc values instead."
        )


class ResultWindowTooLarge(SearchFailedOnEveryShard):
    """DefaultSearchContext.preProcess: from + size over the index's max_result_window."""

    def __init__(self, window: int, limit: int):
        super().__init__(
            f"Result window is too large, from + size must be less than or equal to: [{limit}] but was [{window}]. "
            "See the scroll api for a more efficient way to request large data sets. This limit can be set by "
            "changing the [index.max_result_window] index level setting."
        )


class DqlSyntaxError(SavedObjectsBadRequest):
    """The filter's parse error (``DQLSyntaxError``), as the repository passes it on."""

    def __init__(self, detail: str):
        super().__init__(f"DQLSyntaxError: {detail}")


class InvalidFilter(SavedObjectsBadRequest):
    """filter_utils' validation of a filter's keys: one line for each key it refuses."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))

    @staticmethod
    def empty_key(allowed: str) -> str:
        return f"The key is empty and needs to be wrapped by a saved object type like {allowed}"

    @staticmethod
    def unwrapped_key(key: str, allowed: str) -> str:
        return f"This key '{key}' need to be wrapped by a saved object type like {allowed}"

    @staticmethod
    def type_not_allowed(so_type: str) -> str:
        return f"This type {so_type} is not allowed"

    @staticmethod
    def not_attributes(key: str) -> str:
        return f"This key '{key}' does NOT match the filter proposition SavedObjectType.attributes.key"

    @staticmethod
    def not_mapped(key: str, allowed: str) -> str:
        return f"This key '{key}' does NOT exist in {allowed} saved object index patterns"


# -- export ------------------------------------------------------------------------------------
class NonExportableTypes(BadRequest):
    def __init__(self, types: list[str]):
        super().__init__(f"Trying to export non-exportable type(s): {', '.join(types)}")


class NonExportableObjects(BadRequest):
    def __init__(self, objects: list[str]):
        super().__init__(f"Trying to export object(s) with non-exportable types: {', '.join(objects)}")


class BothTypesAndObjects(BadRequest):
    def __init__(self):
        super().__init__('Can\'t specify both "types" and "objects" properties when exporting')


class BothSearchAndObjects(BadRequest):
    def __init__(self):
        super().__init__('Can\'t specify both "search" and "objects" properties when exporting')


class TooManyObjectsToExport(BadRequest):
    """The route's schema (maxSize of ``objects``) refuses it before the exporter could."""

    def __init__(self, size: int, limit: int):
        super().__init__(f"[request body.objects]: array size is [{size}], but cannot be greater than [{limit}]")


class ExportLimitExceeded(BadRequest):
    def __init__(self, limit: int):
        super().__init__(f"Can't export more than {limit} objects")


class ExportObjectsMissing(BadRequest):
    """Some of the named objects do not exist: Boom's own message, the objects as attributes."""

    def __init__(self, missing: list[dict]):
        super().__init__(attributes={"objects": missing})


class TypeOrObjectsRequired(BadRequest):
    def __init__(self):
        super().__init__("Either `type` or `objects` are required.")


class CircularReference(BadRequest):
    def __init__(self, cycle: list[tuple[str, str]]):
        super().__init__("circular reference: " + " ref-> ".join(f"[{t}:{i}]" for t, i in cycle))


# -- import ------------------------------------------------------------------------------------
class InvalidSavedObjectLine(BadRequest):
    def __init__(self, number: int, problem: str):
        super().__init__(f"Invalid saved object on line {number} of the file: {problem}")


class InvalidFileExtension(BadRequest):
    def __init__(self, extension: str):
        super().__init__(f"Invalid file extension {extension}")


class ImportLimitExceeded(BadRequest):
    def __init__(self, limit: int):
        super().__init__(f"Can't import more than {limit} objects")


class NonUniqueImportObjects(SavedObjectsBadRequest):
    def __init__(self, keys: list[str]):
        super().__init__(f"Non-unique import objects detected: [{','.join(keys)}]")


class NonUniqueRetryObjects(SavedObjectsBadRequest):
    def __init__(self, keys: list[str]):
        super().__init__(f"Non-unique retry objects: [{','.join(keys)}]")


class NonUniqueRetryDestinations(SavedObjectsBadRequest):
    def __init__(self, keys: list[str]):
        super().__init__(f"Non-unique retry destinations: [{','.join(keys)}]")


class JsonParseError(BadRequest):
    """JSON.parse's SyntaxError (V8's words, from ``jsparse``) for a line of an import file."""


# -- the workspace plugin's permission control (workspace_saved_objects_client_wrapper.ts) ---------
class WorkspacePermissionInvalid(Forbidden):
    """A write into (or an overwrite in) a workspace the caller lacks library_write on."""

    def __init__(self):
        super().__init__("Invalid workspace permission")


class WorkspacePermissionUnauthorized(Unauthorized):
    """Before 2.16: a find in workspaces none of which the caller may read (decorateNotAuthorizedError)."""

    def __init__(self):
        super().__init__("Invalid workspace permission")


class SavedObjectsPermissionInvalid(Forbidden):
    """A read, update or delete of an object neither its workspaces nor its own ACL let the caller at."""

    def __init__(self):
        super().__init__("Invalid saved objects permission")


class DashboardAdminRequired(Forbidden):
    """What only a dashboard admin may do: create a workspace (2.16, #6831)."""

    def __init__(self):
        super().__init__("Invalid permission, please contact OSD admin")


# -- the security plugin -----------------------------------------------------------------------
class AuthenticationRequired(Unauthorized):
    """No credentials on an API route."""

    def __init__(self):
        super().__init__("Authentication required")


class AuthenticationException(Unauthorized):
    """Credentials OpenSearch refused."""

    def __init__(self):
        super().__init__("Authentication Exception")


class MigrationNeedsAdminRole(Forbidden):
    """``POST /internal/saved_objects/_migrate`` by a user none of whose roles ``migrations.adminRoles``
    lists (migrate_authz.test.ts: 403). The route's own wording is not in the stored sources: Boom's."""


class ParameterNotInRelease(BadRequest):
    """config-schema's refusal of a query or body key the route's validation does not have in the
    release the mock behaves as (a parameter added later: ``versions.py``)."""

    def __init__(self, part: str, key: str):
        super().__init__(unknown_key_message(part, key, False))


# -- the workspace plugin (mockserver.dashboards.workspaces) --------------------------------------
class InvalidWorkspaces(BadRequest):
    """workspace_id_consumer_wrapper.ts checkWorkspacesExist: a workspace of the request (its ``/w/{id}``
    or a ``workspaces`` option) that does not exist (decorateBadRequestError: the message as is)."""

    def __init__(self):
        super().__init__("Exist invalid workspaces")


class NotInWorkspace(Forbidden):
    """workspace_id_consumer_wrapper.ts: an object of other workspaces, got within one."""

    def __init__(self):
        super().__init__("Saved object does not belong to the workspace")


class UnsupportedTypeInWorkspace(BadRequest):
    """saved_objects_wrapper_for_check_workspace_conflict.ts: config and data sources are never written
    into a workspace (decorateBadRequestError's reason before the message); ``verb`` created or imported."""

    def __init__(self, so_type: str, verb: str):
        super().__init__(f"Unsupported type in workspace: '{so_type}' is not allowed to be {verb} in workspace.")


class WorkspaceAttributeInvalid(BadRequest):
    """routes/index.ts: the attributes' schema, in config-schema's words, key by key in declared order."""

    def __init__(self, where: str, problem: str):
        super().__init__(f"[request body.attributes.{where}]: {problem}")


class DuplicateUnsupportedTypes(BadRequest):
    """routes/duplicate.ts: res.badRequest for objects of types that are not importable and exportable."""

    def __init__(self, objects: list[str]):
        super().__init__(f"Trying to duplicate object(s) with unsupported types: {', '.join(objects)}")


class DuplicateTargetWorkspace(BadRequest):
    """routes/duplicate.ts: the target workspace's get failed (the client's error text)."""

    def __init__(self, error: str):
        super().__init__(f"Get target workspace error: {error}")


class MissingWorkspaceId(BadRequest):
    """routes/index.ts: PUT and DELETE are on ``{id?}``, whose params schema requires the id."""

    def __init__(self):
        super().__init__("[request params.id]: expected value of type [string] but got [undefined]")
