"""Kibana's errors, each message written once: Boom errors of its core, security, spaces and ML
plugins, raised by the model and the wire and rendered by ``mockserver.hapi``."""

from __future__ import annotations

from ..boom import BadRequest, BoomError, Forbidden, NotFound, Unauthorized
from ..config_schema import unknown_key_message
from ..elasticsearch.errors import ElasticsearchError

__all__ = [
    "BadRequest",
    "BoomError",
    "Forbidden",
    "NotFound",
    "Unauthorized",
    "InternalRouteRestricted",
    "ElasticsearchRefusedCredentials",
    "MissingKibanaPrivileges",
    "SpaceNotFound",
    "SpaceExists",
    "ReservedSpace",
    "SpacesUnauthorized",
    "SpaceUnauthorized",
    "UnableToCreate",
    "UnknownQueryKey",
    "UnknownBodyKey",
    "UnableToShare",
    "CannotRemoveFromAllSpaces",
]


class InternalRouteRestricted(BadRequest):
    """core's restriction of internal routes (9.0): no ``x-elastic-internal-origin``."""

    def __init__(self, path: str, method: str):
        super().__init__(
            f"uri [{path}] with method [{method.lower()}] exists but is not available with the current configuration"
        )


class ElasticsearchRefusedCredentials(Unauthorized):
    """Kibana asked Elasticsearch who the caller is and passes its refusal on, in its own words."""

    def __init__(self, reason: str):
        super().__init__(f"[security_exception: [security_exception] Reason: {reason}]: {reason}")


class MissingKibanaPrivileges(Forbidden):
    """The route's access tags (8.18 and later): which request, and the privileges that grant it."""

    def __init__(self, request: str, missing: list[str]):
        super().__init__(
            f"API [{request}] is unauthorized for user, this action is granted by the Kibana privileges "
            f"[{','.join(missing)}]"
        )


class SpaceNotFound(NotFound):
    """The spaces client: Boom's own "Not Found"."""


class SpaceExists(BoomError):
    status = 409

    def __init__(self, space_id: str):
        super().__init__(f"A space with the identifier {space_id} already exists.")


class ReservedSpace(BadRequest):
    def __init__(self, space_id: str):
        super().__init__(f"The {space_id} space cannot be deleted because it is reserved.")


class SpacesUnauthorized(Forbidden):
    """The secure spaces client: the user may not ``verb`` (create, update, delete) spaces."""

    def __init__(self, verb: str):
        super().__init__(f"Unauthorized to {verb} spaces")


class SpaceUnauthorized(Forbidden):
    def __init__(self, space_id: str):
        super().__init__(f"Unauthorized to get {space_id} space")


class UnableToCreate(Forbidden):
    """The user's saved-objects client refuses an object in spaces the user does not all see."""

    def __init__(self, so_type: str):
        super().__init__(f"Unable to create {so_type}")


class UnknownQueryKey(BadRequest):
    """config-schema's refusal of a query parameter the route's schema does not have."""

    def __init__(self, key: str, new_wording: bool):
        super().__init__(unknown_key_message("query", key, new_wording))


# -- ML's own routes (ml_objects.py) ----------------------------------------------------------
class ElasticsearchRefused(BoomError):
    """``wrapError`` of the Elasticsearch client's ResponseError: Boom of the error's status, the
    client's message (@elastic/transport ResponseError: the type, then the cause and the root causes,
    tab-indented), and below 500 the Elasticsearch body as ``attributes.body``."""

    def __init__(self, error: ElasticsearchError):
        body = error.body()
        cause = body["error"]
        message = cause["type"]
        if isinstance(cause.get("caused_by"), dict):
            message += f"\n\tCaused by:\n\t\t{cause['caused_by']['type']}: {cause['caused_by']['reason']}"
        if cause.get("root_cause"):
            message += "\n\tRoot causes:" + "".join(f"\n\t\t{c['type']}: {c['reason']}" for c in cause["root_cause"])
        super().__init__(message, error.status, attributes={"body": body} if error.status != 500 else None)
        self.es_body = body


class MlObjectNotFound(NotFound):
    """The ML client's MLJobNotFound / MLModelNotFound (404, lib/ml_client/errors.ts), here with
    Elasticsearch's own reason for a 404 it passes on; its subclasses word the client's own."""


class JobNotFoundInSpace(MlObjectNotFound):
    """ml_client.ts checkJobIds / groupIdsCheck: ids (jobs or groups) the space's job objects lack."""

    def __init__(self, ids: list[str]):
        super().__init__(f"No known job with id '{','.join(ids)}'")


class JobOrGroupNotFound(MlObjectNotFound):
    """ml_client.ts formatJobNotFoundError: Elasticsearch's "No known job with id" for a job GET."""

    def __init__(self, ids: list[str]):
        noun = "id" if len(ids) == 1 else "ids"
        super().__init__(f"No known job or group with {noun} '" + "', '".join(ids) + "'")


class DatafeedNotFoundInSpace(MlObjectNotFound):
    """ml_client.ts datafeedIdsCheck: datafeed ids no job object of the space names."""

    def __init__(self, ids: list[str]):
        super().__init__(f"No known datafeed with id '{','.join(ids)}'")


class ModelNotFoundInSpace(MlObjectNotFound):
    """ml_client.ts checkModelIds: model ids the space's trained model objects lack."""

    def __init__(self, ids: list[str]):
        super().__init__(f"No known model with id '{','.join(ids)}'")


class TrainedModelNotFoundInSpace(MlObjectNotFound):
    """service.ts createTrainedModelError: the spaces updates' words for a model with no object here."""

    def __init__(self, model_id: str):
        super().__init__(f"No known trained model with id '{model_id}'")


class NoJobObjectForDatafeed(MlObjectNotFound):
    """service.ts addDatafeed / deleteDatafeed: no job object (of this space) for the datafeed."""

    def __init__(self, datafeed_id: str):
        super().__init__(f"'{datafeed_id}' not found")


class DataViewsNotModelled(BoomError):
    """The mock keeps no data views: ``createDataView`` cannot be honoured (a mock limit, not Kibana's)."""

    status = 501

    def __init__(self):
        super().__init__("mockserver keeps no data views: createDataView=true is not supported")


# -- sharing saved objects between spaces (shared_objects.py) ---------------------------------
class SavedObjectBadRequest(BadRequest):
    """SavedObjectsErrorHelpers.createBadRequestError: the reason, then Boom's own words."""

    def __init__(self, reason: str):
        super().__init__(f"{reason}: Bad Request")


class SavedObjectNotFound(NotFound):
    """SavedObjectsErrorHelpers.createGenericNotFoundError(type, id)."""

    def __init__(self, so_type: str, so_id: str):
        super().__init__(f"Saved object [{so_type}/{so_id}] not found")


class UnableToBulkCreate(Forbidden):
    """The security extension's refusal of a bulk create in spaces the user does not all see."""

    def __init__(self, so_type: str):
        super().__init__(f"Unable to bulk_create {so_type}")


class UnableToShare(Forbidden):
    """The security extension's refusal, naming the types (unique, sorted)."""

    def __init__(self, types: list[str]):
        super().__init__(f"Unable to share_to_space {','.join(sorted(set(types)))}")


# -- ML saved objects' spaces (ml_sync.py) ---------------------------------------------------------
class UnknownBodyKey(BadRequest):
    """config-schema's refusal of a body key the route's schema (in this version) does not have."""

    def __init__(self, key: str, new_wording: bool):
        super().__init__(unknown_key_message("body", key, new_wording))


class CannotRemoveFromAllSpaces(BadRequest):
    """The ML saved-object service: an item may not leave its last space (what: job, trained model)."""

    def __init__(self, what: str, item_id: str):
        super().__init__(f"Cannot remove {what} '{item_id}' from all spaces")
