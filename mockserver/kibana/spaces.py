"""Kibana spaces: the default space, and those fixtures and ``/api/spaces/space`` add.

Facts from x-pack/platform/plugins/shared/spaces/server (spaces_client.ts, routes/api/external).
"""

from __future__ import annotations

from typing import Any

from .errors import ReservedSpace, SpaceExists, SpaceNotFound

# The order spaces_client.transformSavedObjectToSpace writes a space in.
FIELD_ORDER = (
    "id",
    "name",
    "description",
    "color",
    "initials",
    "imageUrl",
    "disabledFeatures",
    "_reserved",
    "solution",
)
DEFAULT_SPACE = {
    "id": "default",
    "name": "Default",
    "description": "This is your default space!",
    "color": "#00bfb3",
    "disabledFeatures": [],
    "_reserved": True,
}


def _space(space_id: str, fields: dict[str, Any], reserved: bool = False) -> dict:
    doc = {
        "disabledFeatures": [],
        **{k: v for k, v in fields.items() if k not in ("id", "_reserved") and v is not None},
    }
    doc["id"] = space_id
    doc.setdefault("name", "")
    if reserved:
        doc["_reserved"] = True
    return {k: doc[k] for k in FIELD_ORDER if k in doc}


class Spaces:
    def __init__(self):
        self.docs: dict[str, dict] = {"default": dict(DEFAULT_SPACE)}

    def put(self, space_id: str, fields: dict[str, Any]) -> None:
        self.docs[space_id] = _space(space_id, fields, reserved=bool(fields.get("_reserved")))

    def ids(self) -> list[str]:
        return list(self.docs)

    def list(self) -> list[dict]:
        """Sorted by name as Elasticsearch sorts a keyword: by code point, upper case first."""
        return [dict(space) for space in sorted(self.docs.values(), key=lambda s: s["name"])]

    def get(self, space_id: str) -> dict:
        space = self.docs.get(space_id)
        if space is None:
            raise SpaceNotFound()
        return dict(space)

    def create(self, fields: dict[str, Any]) -> dict:
        space_id = fields["id"]
        if space_id in self.docs:
            raise SpaceExists(space_id)
        self.docs[space_id] = _space(space_id, {**fields, "name": fields["name"].strip()})
        return self.get(space_id)

    def update(self, space_id: str, fields: dict[str, Any]) -> dict:
        """The whole space again; the path's id wins over the body's, and a reserved space stays so."""
        current = self.docs.get(space_id)
        if current is None:
            raise SpaceNotFound()
        self.docs[space_id] = _space(space_id, fields, reserved=bool(current.get("_reserved")))
        return self.get(space_id)

    def delete(self, space_id: str) -> None:
        space = self.docs.get(space_id)
        if space is None:
            raise SpaceNotFound()
        if space.get("_reserved"):
            raise ReservedSpace(space_id)
        del self.docs[space_id]

    def dump(self) -> dict:
        return {
            space_id: {k: v for k, v in space.items() if k != "id"}
            for space_id, space in self.docs.items()
            if space_id != "default"
        }
