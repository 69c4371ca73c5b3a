"""Connector secrets (``/_connector/_secret``): values the connectors keep out of their documents,
stored in the system index ``.connector-secrets`` (which no client reads directly)."""

from __future__ import annotations

from .clock import IdGenerator
from .errors import ActionRequestValidation, ResourceNotFound


class Secrets:
    def __init__(self, ids: IdGenerator):
        self.ids = ids
        self.values: dict[str, str] = {}

    def store(self, secret_id: str, value: str) -> None:
        self.values[secret_id] = value

    def post(self, value) -> str:
        if value is None or value == "":
            raise ActionRequestValidation(['[value] of the connector secret cannot be [null] or [""]'])
        secret_id = self.ids.new_id()
        self.values[secret_id] = value
        return secret_id

    def put(self, secret_id: str, value) -> str:
        problems = []
        if not secret_id:
            problems.append('[id] cannot be [null] or [""]')
        if value is None or value == "":
            problems.append('[value] cannot be [null] or [""]')
        if problems:
            raise ActionRequestValidation(problems)
        created = secret_id not in self.values
        self.values[secret_id] = value
        return "created" if created else "updated"

    def get(self, secret_id: str) -> dict:
        if secret_id not in self.values:
            raise ResourceNotFound(f"No secret with id [{secret_id}]")
        return {"id": secret_id, "value": self.values[secret_id]}

    def delete(self, secret_id: str) -> None:
        if self.values.pop(secret_id, None) is None:
            raise ResourceNotFound(f"No secret with id [{secret_id}]")
