"""Security for every product: users, roles and API keys, authentication, and privilege checks.

Off unless enabled (``create_app(auth="user:password")``, ``mockserver serve --auth``, or a fixture's
``security.enabled``). Each product renders the failures in its own format; the facts come from
Elasticsearch's security plugin (authentication failure handler, AuthorizationDenialMessages,
ClusterPrivilegeResolver) and Kibana's (authentication providers, api_authorization.ts).

Fixture section::

    {"enabled": true,
     "users": {"ml_reader": {"password": "secret", "roles": ["ml_read"]}},
     "roles": {"ml_read": {"cluster": ["monitor_ml"],
                           "indices": [{"names": ["logs-*"], "privileges": ["read"]}],
                           "kibana": [{"spaces": ["space1"], "feature": {"ml": ["read"]}}]}}}

Index privileges are IndexPrivilege's: each grants a set of action patterns, on the names of the
entry (``*``/``?`` wildcards, or a ``/regex/``); Elasticsearch's checks of them are in
``mockserver.elasticsearch.authorization``. Restricted indices (``.security*``) are not modelled.

API keys (ApiKeyService): a key acts with the intersection of two role sets, as LimitedRole checks
them: the snapshot of its owner's roles taken when it was created (``limited_by``; a key a fixture
gives without one follows its owner's current roles) and its own ``role_descriptors`` when they are
not empty (an empty set, ``{}`` or none at all, means the snapshot alone). An action is allowed when
each set allows it, so a key limited to ``monitor_ml`` of an owner with ``manage`` may read ML jobs,
and nothing else. Kibana privileges are intersected the same way: a descriptor grants Kibana what
its ``applications`` entries for ``kibana-.kibana`` say (``all``/``read`` and ``space_all``/
``space_read`` as base privileges, ``feature_<id>.<privilege>`` as feature privileges, on resources
``*`` or ``space:<id>``), so a limited key without them has no Kibana privilege at all.
"""

from __future__ import annotations

import base64
import binascii
import copy
import functools
import hmac
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ALL_SPACES = "*"

_ML_RESULTS = [".ml-anomalies*", ".ml-notifications*"]
# viewer's and editor's "/~(([.]|ilm-history-).*)/": every index but the dot and ILM history ones.
_READ_ALL = [{"names": ["/(?!([.]|ilm-history-)).*/"], "privileges": ["read", "view_index_metadata"]}]

# ReservedRolesStore's, as far as the mock has their indices and applications.
BUILT_IN_ROLES: dict[str, dict[str, Any]] = {
    "superuser": {
        "cluster": ["all"],
        "indices": [{"names": ["*"], "privileges": ["all"]}],
        "kibana": [{"base": ["all"], "spaces": [ALL_SPACES]}],
    },
    "machine_learning_admin": {
        "cluster": ["manage_ml"],
        "indices": [
            {
                "names": [*_ML_RESULTS, ".ml-state*", ".ml-meta*", ".ml-stats-*"],
                "privileges": ["view_index_metadata", "read"],
            },
            {"names": [".ml-annotations*"], "privileges": ["view_index_metadata", "read", "write"]},
        ],
        "kibana": [{"feature": {"ml": ["all"]}, "spaces": [ALL_SPACES]}],
    },
    "machine_learning_user": {
        "cluster": ["monitor_ml"],
        "indices": [
            {"names": _ML_RESULTS, "privileges": ["view_index_metadata", "read"]},
            {"names": [".ml-annotations*"], "privileges": ["view_index_metadata", "read", "write"]},
        ],
        "kibana": [{"feature": {"ml": ["read"]}, "spaces": [ALL_SPACES]}],
    },
    "viewer": {"cluster": ["monitor"], "indices": _READ_ALL, "kibana": [{"base": ["read"], "spaces": [ALL_SPACES]}]},
    "editor": {"cluster": [], "indices": _READ_ALL, "kibana": [{"base": ["all"], "spaces": [ALL_SPACES]}]},
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
    # Reading API keys: manage_own_api_key only for the caller's own (the request says which), and
    # read_security besides (ClusterPrivilegeResolver's READ_SECURITY takes the get and query actions);
    # invalidating someone else's keys takes manage_api_key, a cross-cluster key's manage_security.
    "read_own_api_keys": ("manage_own_api_key", "read_security", "manage_api_key", "manage_security", "all"),
    "read_api_keys": ("read_security", "manage_api_key", "manage_security", "all"),
    "manage_api_key": ("manage_api_key", "manage_security", "all"),
    "manage_security": ("manage_security", "all"),
    "manage": ("manage", "all"),
    # manage_connector leaves the secrets out (ClusterPrivilegeResolver's CONNECTOR_SECRETS_PATTERN).
    "read_connector_secrets": ("read_connector_secrets", "all"),
    "write_connector_secrets": ("write_connector_secrets", "all"),
    "read_pipeline": ("read_pipeline", "manage_ingest_pipelines", "manage_pipeline", "manage", "all"),
    "manage_pipeline": ("manage_ingest_pipelines", "manage_pipeline", "manage", "all"),
}

# The index privileges (IndexPrivilege): the action patterns each grants (``*`` matches anything), in
# the order Elasticsearch names them in a 403 (sortByAccessLevel: those implied by more privileges
# first, then by name). A role may also name an action pattern itself (``indices:data/read/*``).
# An action each index privilege grants, to ask a principal's roles with (HasPrivileges' question).
PRIVILEGE_PROBES = {
    "read": "indices:data/read/search",
    "index": "indices:data/write/index",
    "create_index": "indices:admin/create",
    "delete_index": "indices:admin/delete",
}
INDEX_PRIVILEGES: dict[str, tuple[str, ...]] = {
    "none": (),
    "create_doc": (
        "indices:data/write/index",
        "indices:data/write/index[*",
        "indices:data/write/index:op_type/create",
        "indices:data/write/bulk*",
    ),
    "create": ("indices:data/write/index*", "indices:data/write/bulk*"),
    "auto_configure": ("indices:admin/mapping/auto_put", "indices:admin/auto_create"),
    "create_index": ("indices:admin/create", "indices:admin/auto_create", "indices:admin/data_stream/create"),
    "delete": ("indices:data/write/delete*", "indices:data/write/bulk*"),
    "delete_index": ("indices:admin/delete", "indices:admin/data_stream/delete"),
    "index": ("indices:data/write/index*", "indices:data/write/bulk*", "indices:data/write/update*"),
    "maintenance": (
        "indices:admin/refresh*",
        "indices:admin/flush*",
        "indices:admin/synced_flush",
        "indices:admin/forcemerge*",
    ),
    "manage_follow_index": (
        "indices:admin/xpack/ccr/put_follow",
        "indices:admin/xpack/ccr/unfollow",
        "indices:admin/close*",
        "indices:admin/data_stream/promote",
        "indices:admin/rollover",
    ),
    "manage_ilm": ("indices:admin/ilm/*",),
    "manage_leader_index": ("indices:admin/xpack/ccr/forget_follower*",),
    "monitor": ("indices:monitor/*",),
    "view_index_metadata": (
        "indices:admin/aliases/get",
        "indices:admin/get",
        "indices:admin/mappings/fields/get*",
        "indices:admin/mappings/get",
        "indices:admin/shards/search_shards",
        "indices:admin/validate/query*",
        "indices:monitor/settings/get",
        "indices:admin/ilm/explain",
        "indices:admin/data_stream/get",
        "indices:admin/resolve/index",
        "indices:data/read/field_caps*",
        "indices:data/read/xpack/rollup/get/index/caps*",
        "indices:monitor/transform/checkpoint*",
    ),
    "manage": (
        "indices:monitor/*",
        "indices:admin/*",
        "indices:data/read/field_caps*",
        "indices:data/read/xpack/rollup/get/index/caps*",
    ),
    "read": ("indices:data/read/*",),
    "read_cross_cluster": ("internal:transport/proxy/indices:data/read/*", "indices:admin/shards/search_shards"),
    "write": ("indices:data/write/*", "indices:admin/mapping/auto_put"),
    "all": ("indices:*", "internal:transport/proxy/indices:*"),
}

# Kibana's ML capabilities: the feature's "all" grants the admin set, "read" the user set.
ML_USER = (
    "ml:canGetJobs",
    "ml:canGetDatafeeds",
    "ml:canGetDataFrameAnalytics",
    "ml:canGetTrainedModels",
    "ml:canGetCalendars",
    "ml:canGetAnnotations",
    "ml:canGetMlInfo",
    "ml:canGetFieldInfo",
)
ML_ADMIN = ML_USER + (
    "ml:canCreateJob",
    "ml:canDeleteJob",
    "ml:canCreateDatafeed",
    "ml:canDeleteDatafeed",
    "ml:canStartStopDatafeed",
    "ml:canCreateDataFrameAnalytics",
    "ml:canDeleteDataFrameAnalytics",
    "ml:canCreateTrainedModels",
    "ml:canDeleteTrainedModels",
)


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
    # OpenSearch's security plugin maps a user to roles through its backend roles too (internal_users.yml).
    backend_roles: list[str] = field(default_factory=list)
    # An API key's: the realm its owner authenticated with when it was created, the owner's role
    # snapshot it is limited by (None: the owner's current roles) and its own role descriptors.
    source_realm: str | None = None
    limited_by: dict[str, dict] | None = None
    role_descriptors: dict[str, dict] = field(default_factory=dict)

    @property
    def owner_realm(self) -> str:
        """The realm of the user behind the credentials (an API key's: its creator's)."""
        return self.source_realm or self.realm


class AuthenticationFailed(Exception):
    """Why a request could not be authenticated: ``missing``, ``user`` (wrong name or password),
    ``api_key`` (with the detail Elasticsearch gives) or ``terminated`` (an API key Elasticsearch
    refuses outright, its reason in ``detail``: a cross-cluster key on the REST interface)."""

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
        for key_id, key in copy.deepcopy(section.get("api_keys", {})).items():
            # What create gives a key, for one a fixture leaves it out of. A key without ``limited_by``
            # follows its owner's current roles; without ``realm``, its owner's realm.
            key.setdefault("type", "rest")
            key.setdefault("creation", now_millis())
            key.setdefault("invalidated", False)
            key.setdefault("role_descriptors", {})
            key.setdefault("metadata", {})
            self.api_keys[key_id] = key

    def dump(self) -> dict:
        return {
            "enabled": self.enabled,
            "users": copy.deepcopy(self.users),
            "roles": copy.deepcopy(self.roles),
            "api_keys": copy.deepcopy(self.api_keys),
        }

    # -- authentication ----------------------------------------------------------------------
    def authenticate(self, authorization: str | None, schemes: tuple[str, ...] = ("basic", "apikey")) -> Principal:
        """The principal an ``Authorization`` header names (Basic or ApiKey, of the ``schemes`` the product
        knows), or why not; a scheme it does not know is no credentials at all."""
        scheme, _, credentials = (authorization or "").partition(" ")
        scheme = scheme.lower()
        if scheme not in schemes:
            raise AuthenticationFailed("missing")
        if scheme == "basic":
            try:
                username, _, password = base64.b64decode(credentials, validate=True).decode("utf-8").partition(":")
            except (binascii.Error, UnicodeDecodeError):
                raise AuthenticationFailed("missing") from None
            user = self.users.get(username)
            if user is None or not _same_secret(user.get("password"), password) or user.get("enabled") is False:
                raise AuthenticationFailed("user", username=username)
            return Principal(
                username,
                list(user.get("roles", [])),
                full_name=user.get("full_name"),
                email=user.get("email"),
                metadata=dict(user.get("metadata", {})),
                realm=self.user_realm(username),
                backend_roles=list(user.get("backend_roles", [])),
            )
        if scheme == "apikey":
            try:
                key_id, _, secret = base64.b64decode(credentials, validate=True).decode("utf-8").partition(":")
            except (binascii.Error, UnicodeDecodeError):
                raise AuthenticationFailed("api_key", detail="invalid ApiKey value") from None
            return self._authenticate_api_key(key_id, secret)
        raise AuthenticationFailed("missing")

    def _authenticate_api_key(self, key_id: str, secret: str) -> Principal:
        """ApiKeyService.validateApiKeyCredentials, in its order: an invalidated key is refused before
        its secret is checked; its type and expiry after."""
        key = self.api_keys.get(key_id)
        if key is None:
            raise AuthenticationFailed("api_key", detail=f"unable to find apikey with id {key_id}")
        if key.get("invalidated"):
            raise AuthenticationFailed("api_key", detail="api key has been invalidated")
        if not _same_secret(key.get("api_key"), secret):
            raise AuthenticationFailed("api_key", detail=f"invalid credentials for API key [{key_id}]")
        if key.get("type", "rest") != "rest":
            raise AuthenticationFailed(
                "terminated",
                detail=f"authentication expected API key type of [rest], but API "
                f"key [{key_id}] has type [{key['type']}]",
            )
        expiration = key.get("expiration")
        if expiration is not None and expiration <= now_millis():
            raise AuthenticationFailed("api_key", detail="api key is expired")
        owner = self.users.get(key["owner"], {})
        return Principal(
            key["owner"],
            list(owner.get("roles", [])),
            api_key_id=key_id,
            api_key_name=key.get("name"),
            full_name=owner.get("full_name"),
            email=owner.get("email"),
            metadata=dict(owner.get("metadata", {})),
            realm="_es_api_key",
            source_realm=key.get("realm") or self.user_realm(key["owner"]),
            limited_by=copy.deepcopy(key["limited_by"]) if "limited_by" in key else None,
            role_descriptors=copy.deepcopy(key.get("role_descriptors") or {}),
        )

    def user_realm(self, username: str) -> str:
        """The realm a user authenticates with (``--auth``'s superuser is the reserved one)."""
        return "reserved" if "superuser" in self.users.get(username, {}).get("roles", []) else "native"

    def create_api_key(
        self,
        owner: Principal,
        name: str,
        expiration: int | None = None,
        role_descriptors: dict | None = None,
        metadata: dict | None = None,
        created: int | None = None,
    ) -> tuple[str, str]:
        """A key for the authenticated user (``expiration``: epoch millis), limited by a snapshot of the
        user's roles; answers its id and secret. A key made with an API key is limited by nothing the
        creating key has (ApiKeyUserRoleDescriptorResolver: the user of an API key has no roles)."""
        key_id = base64.urlsafe_b64encode(os.urandom(15)).decode().rstrip("=")
        secret = base64.urlsafe_b64encode(os.urandom(16)).decode().rstrip("=")
        if owner.api_key_id is not None:
            snapshot: dict[str, dict] = {}
        else:
            snapshot = {role: copy.deepcopy(self.role(role)) for role in owner.roles if self.role(role)}
        key = {
            "api_key": secret,
            "name": name,
            "owner": owner.username,
            "realm": owner.owner_realm,
            "realm_type": owner.owner_realm,
            "type": "rest",
            "creation": created if created is not None else now_millis(),
            "invalidated": False,
            "role_descriptors": copy.deepcopy(role_descriptors or {}),
            "limited_by": snapshot,
            "metadata": copy.deepcopy(metadata or {}),
        }
        if expiration is not None:
            key["expiration"] = expiration
        self.api_keys[key_id] = key
        return key_id, secret

    # -- authorization -------------------------------------------------------------------------
    def role(self, name: str) -> dict:
        return self.roles.get(name) or BUILT_IN_ROLES.get(name) or {}

    def role_sets(self, principal: Principal) -> list[list[dict]]:
        """The sets of roles that must each allow what the principal does: a user's roles; an API key's
        owner snapshot, and its own role descriptors when it has some (LimitedRole)."""
        if principal.api_key_id is None:
            return [[self.role(role) for role in principal.roles]]
        if principal.limited_by is not None:
            limited_by = list(principal.limited_by.values())
        else:
            limited_by = [self.role(role) for role in principal.roles]
        sets = [limited_by]
        if principal.role_descriptors:
            sets.append([descriptor_role(d) for d in principal.role_descriptors.values()])
        return sets

    def has_cluster_privilege(self, principal: Principal, needed: str) -> bool:
        """Whether each role set grants one of the privileges that grant the action family ``needed``."""
        grants = set(CLUSTER_GRANTS[needed])
        return all(any(grants & set(role.get("cluster", [])) for role in roles) for roles in self.role_sets(principal))

    def missing_cluster_privilege(self, principal: Principal, needed: str) -> tuple[str, ...] | None:
        """The privileges that would grant the action, when the principal has none of them."""
        return None if self.has_cluster_privilege(principal, needed) else CLUSTER_GRANTS[needed]

    def may_act_on_some_index(self, principal: Principal, action: str) -> bool:
        """Role.checkIndicesAction: whether each role set grants the index action on some index."""
        return all(
            any(_grants_action(entry, action) for entry in _index_entries(roles)) for roles in self.role_sets(principal)
        )

    def index_matcher(self, principal: Principal, action: str) -> Callable[[str], bool]:
        """allowedIndicesMatcher: whether each role set grants the action on a name (an index or an alias)."""
        sets = [
            [_names_pattern(tuple(_names(entry))) for entry in _index_entries(roles) if _grants_action(entry, action)]
            for roles in self.role_sets(principal)
        ]
        return lambda name: all(any(pattern.fullmatch(name) for pattern in patterns) for patterns in sets)

    def index_privilege_check(self, principal: Principal | None) -> Callable[[str, str], bool] | None:
        """Whether the principal's roles grant an index privilege (``read``, ``index``, ``create_index``,
        ``delete_index``) on a name: the has-privileges question of a data frame analytics put, and of
        Kibana's deletion of its destination index. None without security."""
        if principal is None:
            return None
        if self.is_superuser(principal):
            return lambda privilege, index: True
        return lambda privilege, index: self.index_matcher(principal, PRIVILEGE_PROBES[privilege])(index)

    def is_superuser(self, principal: Principal) -> bool:
        """A user with the superuser role, or an API key of one that its descriptors do not limit
        (descriptors limit it unless one grants the cluster and every index: ``all`` on ``*``)."""
        if principal.api_key_id is None:
            return "superuser" in principal.roles
        owner_roles = principal.limited_by if principal.limited_by is not None else dict.fromkeys(principal.roles)
        if "superuser" not in owner_roles:
            return False
        return not principal.role_descriptors or any(_grants_everything(d) for d in principal.role_descriptors.values())

    def kibana_privileges(self, principal: Principal, space: str) -> set[str]:
        """What the principal may do in a Kibana space (the ML capabilities and ``login``)."""
        sets = [_kibana_privileges(roles, space) for roles in self.role_sets(principal)]
        return set.intersection(*sets) if sets else set()

    def visible_spaces(self, principal: Principal | None) -> set[str] | None:
        """The spaces the principal sees (None: all of them)."""
        if principal is None:
            return None
        visible: set[str] | None = None
        for roles in self.role_sets(principal):
            spaces = _visible_spaces(roles)
            if spaces is not None:
                visible = spaces if visible is None else visible & spaces
        return visible


def index_privileges_granting(action: str) -> list[str]:
    """IndexPrivilege.findPrivilegesThatGrant, in its order."""
    return [name for name, patterns in INDEX_PRIVILEGES.items() if _actions_pattern(patterns).fullmatch(action)]


def _index_entries(roles: list[dict]) -> list[dict]:
    return [entry for role in roles for entry in role.get("indices", role.get("index", [])) or []]


def _names(entry: dict) -> list[str]:
    names = entry.get("names", [])
    return [names] if isinstance(names, str) else list(names)


def _grants_action(entry: dict, action: str) -> bool:
    patterns: list[str] = []
    for privilege in entry.get("privileges", []):
        privilege = str(privilege).lower()
        if privilege in INDEX_PRIVILEGES:
            patterns.extend(INDEX_PRIVILEGES[privilege])
        elif privilege.startswith(("indices:", "internal:transport/proxy/indices:")):  # an action pattern
            patterns.append(privilege + "*")
    return bool(patterns) and bool(_actions_pattern(tuple(patterns)).fullmatch(action))


@functools.lru_cache(maxsize=1024)
def _actions_pattern(patterns: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(".*".join(map(re.escape, p.split("*"))) for p in patterns) or "(?!)")


@functools.lru_cache(maxsize=1024)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern:
    """Automatons.patterns over index names: ``*`` and ``?`` wildcards, or a ``/regex/``."""
    parts = []
    for name in names:
        if len(name) > 1 and name.startswith("/") and name.endswith("/"):
            parts.append(f"(?:{name[1:-1]})")
        else:
            parts.append("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in name))
    return re.compile("|".join(parts) or "(?!)")


def _kibana_privileges(roles: list[dict], space: str) -> set[str]:
    granted: set[str] = set()
    for role in roles:
        for entry in role.get("kibana", []):
            if ALL_SPACES not in entry.get("spaces", []) and space not in entry.get("spaces", []):
                continue
            granted.add("login")
            base = entry.get("base", [])
            ml = entry.get("feature", {}).get("ml", [])
            if "all" in base or "all" in ml:
                granted.update(ML_ADMIN)
            elif "read" in base or "read" in ml:
                granted.update(ML_USER)
            # Managing spaces is the global "all" (Kibana roles' base, a descriptor's on resource "*");
            # a space_* privilege or a space:* resource stays within spaces.
            if "all" in base and ALL_SPACES in entry.get("spaces", []) and entry.get("global", True):
                granted.add("space:manage")
    return granted


def _visible_spaces(roles: list[dict]) -> set[str] | None:
    spaces: set[str] = set()
    for role in roles:
        for entry in role.get("kibana", []):
            if ALL_SPACES in entry.get("spaces", []):
                return None
            spaces.update(entry.get("spaces", []))
    return spaces


# -- Elasticsearch role descriptors (an API key's) -----------------------------------------------
KIBANA_APPLICATION = "kibana-.kibana"  # the application Kibana's privileges are registered under


def descriptor_role(descriptor: dict) -> dict:
    """An Elasticsearch role descriptor as the mock's roles say it: its cluster privileges, and the
    Kibana privileges of its ``kibana-.kibana`` (or ``*``) application entries."""
    kibana = []
    for app in descriptor.get("applications", descriptor.get("application", [])) or []:
        if app.get("application") not in (KIBANA_APPLICATION, "*"):
            continue
        resources = app.get("resources", [])
        spaces = [
            ALL_SPACES if r == "*" else r[len("space:") :] for r in resources if r == "*" or r.startswith("space:")
        ]
        if not spaces:
            continue
        base: list[str] = []
        feature: dict[str, list[str]] = {}
        for privilege in app.get("privileges", []):
            if privilege in ("*", "all", "space_all"):
                base.append("all")
            elif privilege in ("read", "space_read"):
                base.append("read")
            elif privilege.startswith("feature_") and "." in privilege:
                name, _, level = privilege[len("feature_") :].partition(".")
                feature.setdefault(name, []).append(level)
        if not base and not feature:  # privileges Kibana does not know grant nothing, not even login
            continue
        is_global = "*" in resources and any(p in ("*", "all") for p in app.get("privileges", []))
        kibana.append({"spaces": spaces, "base": base, "feature": feature, "global": is_global})
    return {"cluster": list(descriptor.get("cluster", [])), "indices": _index_entries([descriptor]), "kibana": kibana}


def _grants_everything(descriptor: dict) -> bool:
    indices = descriptor.get("indices", descriptor.get("index", [])) or []
    every_index = any(
        "*" in ([i["names"]] if isinstance(i.get("names"), str) else i.get("names", []))
        and "all" in i.get("privileges", [])
        for i in indices
    )
    return "all" in descriptor.get("cluster", []) and every_index


def now_millis() -> int:
    return int(time.time() * 1000)


def _same_secret(stored: Any, given: str) -> bool:
    """A password or key secret compared in constant time (the time says nothing of how much matched)."""
    return isinstance(stored, str) and hmac.compare_digest(stored.encode("utf-8"), given.encode("utf-8"))
