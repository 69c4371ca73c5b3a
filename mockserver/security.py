"""Security for every product: users, roles and API keys, authentication, and privilege checks.

Off unless enabled (``create_app(auth="user:password")``, ``mockserver serve --auth``, or a fixture's
``security.enabled``). Each product renders the failures in its own format; the facts come from
Elasticsearch's security plugin (authentication failure handler, AuthorizationDenialMessages,
ClusterPrivilegeResolver) and Kibana's (authentication providers, api_authorization.ts).

Fixture section::

    {"enabled": true,
     "users": {"ml_reader": {"password": "secret", "roles": ["ml_read"]}},
     "roles": {"ml_read": {"cluster": ["monitor_ml"],
                           "kibana": [{"spaces": ["space1"], "feature": {"ml": ["read"]}}]}}}
"""

from __future__ import annotations

import base64
import binascii
import copy
import hmac
import os
from dataclasses import dataclass, field
from typing import Any

ALL_SPACES = "*"

BUILT_IN_ROLES: dict[str, dict[str, Any]] = {
    "superuser": {"cluster": ["all"], "kibana": [{"base": ["all"], "spaces": [ALL_SPACES]}]},
    "machine_learning_admin": {"cluster": ["manage_ml"], "kibana": [{"feature": {"ml": ["all"]}, "spaces": [ALL_SPACES]}]},
    "machine_learning_user": {"cluster": ["monitor_ml"], "kibana": [{"feature": {"ml": ["read"]}, "spaces": [ALL_SPACES]}]},
    "viewer": {"cluster": ["monitor"], "kibana": [{"base": ["read"], "spaces": [ALL_SPACES]}]},
    "editor": {"cluster": [], "kibana": [{"base": ["all"], "spaces": [ALL_SPACES]}]},
}

# Which cluster privileges grant an action, in the order Elasticsearch names them in a 403
# (fewest implied privileges first, then by name).
CLUSTER_GRANTS: dict[str, tuple[str, ...]] = {
    "manage_connector": ("manage_connector", "manage", "all"),
    "monitor_connector": ("monitor_connector", "manage_connector", "manage", "all"),
    "manage_ml": ("manage_ml", "manage", "all"),
    "monitor_ml": ("monitor_ml", "manage_ml", "monitor", "manage", "all"),
    "monitor": ("monitor", "manage", "all"),
    "manage_own_api_key": ("manage_own_api_key", "manage_api_key", "manage_security", "all"),
    # manage_connector leaves the secrets out (ClusterPrivilegeResolver's CONNECTOR_SECRETS_PATTERN).
    "read_connector_secrets": ("read_connector_secrets", "all"),
    "write_connector_secrets": ("write_connector_secrets", "all"),
    "read_pipeline": ("read_pipeline", "manage_ingest_pipelines", "manage_pipeline", "manage", "all"),
    "manage_pipeline": ("manage_ingest_pipelines", "manage_pipeline", "manage", "all"),
}

# Kibana's ML capabilities: the feature's "all" grants the admin set, "read" the user set.
ML_USER = ("ml:canGetJobs", "ml:canGetDatafeeds", "ml:canGetDataFrameAnalytics", "ml:canGetTrainedModels",
           "ml:canGetCalendars", "ml:canGetAnnotations", "ml:canGetMlInfo", "ml:canGetFieldInfo")
ML_ADMIN = ML_USER + ("ml:canCreateJob", "ml:canDeleteJob", "ml:canCreateDatafeed", "ml:canDeleteDatafeed",
                      "ml:canStartStopDatafeed", "ml:canCreateDataFrameAnalytics", "ml:canDeleteDataFrameAnalytics",
                      "ml:canCreateTrainedModels", "ml:canDeleteTrainedModels")


@dataclass
class Principal:
    username: str
    roles: list[str]
    api_key_id: str | None = None
    api_key_name: str | None = None
    full_name: str | None = None
    email: str | None = None
    metadata: dict = field(default_factory=dict)
    realm: str = "native"


class AuthenticationFailed(Exception):
    """Why a request could not be authenticated: ``missing``, ``user`` (wrong name or password) or
    ``api_key`` (with the detail Elasticsearch gives)."""

    def __init__(self, kind: str, username: str | None = None, detail: str | None = None):
        super().__init__(kind)
        self.kind, self.username, self.detail = kind, username, detail


class SecurityState:
    def __init__(self):
        self.enabled = False
        self.users: dict[str, dict] = {}
        self.roles: dict[str, dict] = {}
        self.api_keys: dict[str, dict] = {}

    # -- fixtures ---------------------------------------------------------------------------
    def load(self, section: dict, source: str) -> None:
        if "enabled" in section:
            self.enabled = bool(section["enabled"])
        self.users.update(copy.deepcopy(section.get("users", {})))
        self.roles.update(copy.deepcopy(section.get("roles", {})))
        self.api_keys.update(copy.deepcopy(section.get("api_keys", {})))

    def dump(self) -> dict:
        return {"enabled": self.enabled, "users": copy.deepcopy(self.users), "roles": copy.deepcopy(self.roles),
                "api_keys": copy.deepcopy(self.api_keys)}

    # -- authentication ----------------------------------------------------------------------
    def authenticate(self, authorization: str | None) -> Principal:
        """The principal an ``Authorization`` header names (Basic or ApiKey), or why not."""
        scheme, _, credentials = (authorization or "").partition(" ")
        scheme = scheme.lower()
        if scheme == "basic":
            try:
                username, _, password = base64.b64decode(credentials, validate=True).decode("utf-8").partition(":")
            except (binascii.Error, UnicodeDecodeError):
                raise AuthenticationFailed("missing") from None
            user = self.users.get(username)
            if user is None or not _same_secret(user.get("password"), password) or user.get("enabled") is False:
                raise AuthenticationFailed("user", username=username)
            return Principal(username, list(user.get("roles", [])), full_name=user.get("full_name"),
                             email=user.get("email"), metadata=dict(user.get("metadata", {})),
                             realm="reserved" if "superuser" in user.get("roles", []) else "native")
        if scheme == "apikey":
            try:
                key_id, _, secret = base64.b64decode(credentials, validate=True).decode("utf-8").partition(":")
            except (binascii.Error, UnicodeDecodeError):
                raise AuthenticationFailed("api_key", detail="invalid ApiKey value") from None
            key = self.api_keys.get(key_id)
            if key is None:
                raise AuthenticationFailed("api_key", detail=f"unable to find apikey with id {key_id}")
            if not _same_secret(key.get("api_key"), secret):
                raise AuthenticationFailed("api_key", detail=f"invalid credentials for API key [{key_id}]")
            owner = self.users.get(key["owner"], {})
            return Principal(key["owner"], list(owner.get("roles", [])), api_key_id=key_id, api_key_name=key.get("name"),
                             realm="_es_api_key")
        raise AuthenticationFailed("missing")

    def create_api_key(self, owner: Principal, name: str, expiration: str | None = None) -> dict:
        """``POST /_security/api_key``: a key for the authenticated user, with the user's privileges."""
        key_id = base64.urlsafe_b64encode(os.urandom(15)).decode().rstrip("=")
        secret = base64.urlsafe_b64encode(os.urandom(16)).decode().rstrip("=")
        self.api_keys[key_id] = {"api_key": secret, "name": name, "owner": owner.username}
        answer = {"id": key_id, "name": name}
        if expiration is not None:
            answer["expiration"] = _expiration_millis(expiration)
        encoded = base64.b64encode(f"{key_id}:{secret}".encode()).decode()
        return {**answer, "api_key": secret, "encoded": encoded}

    # -- authorization -------------------------------------------------------------------------
    def role(self, name: str) -> dict:
        return self.roles.get(name) or BUILT_IN_ROLES.get(name) or {}

    def cluster_privileges(self, principal: Principal) -> set[str]:
        return {p for role in principal.roles for p in self.role(role).get("cluster", [])}

    def missing_cluster_privilege(self, principal: Principal, needed: str) -> tuple[str, ...] | None:
        """The privileges that would grant the action, when the principal has none of them."""
        grants = CLUSTER_GRANTS[needed]
        return None if self.cluster_privileges(principal) & set(grants) else grants

    def kibana_privileges(self, principal: Principal, space: str) -> set[str]:
        """What the principal may do in a Kibana space (the ML capabilities and ``login``)."""
        granted: set[str] = set()
        for role in principal.roles:
            for entry in self.role(role).get("kibana", []):
                if ALL_SPACES not in entry.get("spaces", []) and space not in entry.get("spaces", []):
                    continue
                granted.add("login")
                base = entry.get("base", [])
                ml = entry.get("feature", {}).get("ml", [])
                if "all" in base or "all" in ml:
                    granted.update(ML_ADMIN)
                elif "read" in base or "read" in ml:
                    granted.update(ML_USER)
                if "all" in base and ALL_SPACES in entry.get("spaces", []):
                    granted.add("space:manage")
        return granted

    def visible_spaces(self, principal: Principal | None) -> set[str] | None:
        """The spaces the principal sees (None: all of them)."""
        if principal is None:
            return None
        spaces: set[str] = set()
        for role in principal.roles:
            for entry in self.role(role).get("kibana", []):
                if ALL_SPACES in entry.get("spaces", []):
                    return None
                spaces.update(entry.get("spaces", []))
        return spaces


def _expiration_millis(expiration: str) -> int:
    import re
    import time

    match = re.match(r"^(\d+)(ms|s|m|h|d)$", expiration)
    seconds = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}
    amount = int(match.group(1)) * seconds[match.group(2)] if match else 0
    return int((time.time() + amount) * 1000)


def _same_secret(stored: Any, given: str) -> bool:
    """A password or key secret compared in constant time (the time says nothing of how much matched)."""
    return isinstance(stored, str) and hmac.compare_digest(stored.encode("utf-8"), given.encode("utf-8"))
