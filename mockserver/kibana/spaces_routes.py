"""The spaces routes of sharing saved objects: each calls ``shared_objects.SharedObjects``.

Both routes check nothing themselves; the saved-objects client's security extension does, as
``share_to_space`` in the spaces concerned. The mock's roles speak of ML only, so sharing is what
Kibana's ML feature ``all`` privilege grants (its saved-object types' ``all``): the mock reads it as
the principal's ``ml:canCreateJob`` capability in the space (in every space, for ``*``).
"""

from __future__ import annotations

from .http import KIBANA, KibanaCall, released
from .shared_objects import SharedObjects

route = KIBANA.operation

SHARING_SINCE = (7, 14)  # elastic/kibana#94383; 7.10 to 7.13 had _share_saved_object_add/_remove
SHARE_CAPABILITY = "ml:canCreateJob"


def _shared(call: KibanaCall) -> SharedObjects:
    may_share = None
    if call.principal is not None:
        security, principal = call.runtime.store["security"], call.principal

        def may_share(so_type: str, space: str) -> bool:
            return SHARE_CAPABILITY in security.kibana_privileges(principal, space)

    return SharedObjects(call.state.saved_objects, call.space, call.state.version, may_share)


@route(
    "POST",
    "/api/spaces/_update_objects_spaces",
    "spaces.update_objects_spaces",
    available=released(since=SHARING_SINCE),
)
def update_objects_spaces(call: KibanaCall):
    body = call.body
    return 200, _shared(call).update_spaces(body["objects"], body["spacesToAdd"], body["spacesToRemove"])


@route(
    "POST",
    "/api/spaces/_get_shareable_references",
    "spaces.get_shareable_references",
    available=released(since=SHARING_SINCE),
)
def get_shareable_references(call: KibanaCall):
    return 200, _shared(call).shareable_references(call.body["objects"])
