"""Elasticsearch's API key APIs over the security state (:mod:`mockserver.security`): create, get,
query and invalidate, as x-pack's security plugin answers them.

Sources (elastic/elasticsearch): the REST actions (RestCreateApiKeyAction, RestGetApiKeyAction,
RestQueryApiKeyAction, RestInvalidateApiKeyAction), their requests' ``validate()`` (GetApiKeyRequest,
InvalidateApiKeyRequest, AbstractCreateApiKeyRequest), ApiKeyService (what is found, what is
invalidated), ApiKey.innerToXContent (the shape of a key), RoleDescriptor.toXContent (of its
descriptors), FieldNameTranslators and ApiKeyBoolQueryBuilder (what a query may ask), and
ManageOwnApiKeyClusterPrivilege / RBACEngine.checkSameUserPermissions (who may ask what). The
yamlRestTest suites ``api_key/*.yml`` show the answers.

The shape is the current one (9.x): ``type``, ``invalidation`` and ``realm_type`` are answered for
every release the mock follows; ``profile_uid`` never (the mock has no user profiles).
"""

from __future__ import annotations

import base64
import copy
import re
from typing import Any

from ..security import ALL_SPACES, BUILT_IN_ROLES, KIBANA_APPLICATION, Principal, SecurityState, now_millis
from . import dates
from .errors import (
    ActionRequestValidation,
    ElasticsearchError,
    IllegalArgument,
    NotMocked,
    ParseException,
    SecurityException,
    XContentParseError,
)
from .query import (
    Bool,
    ConstantScore,
    Exists,
    Ids,
    Locate,
    Match,
    MatchAll,
    MatchNone,
    Query,
    QueryParser,
    Range,
    Term,
    Terms,
    _where,
    minimum_should_match,
)
from .xcontent import Locator

OPERATIONS = frozenset(
    ("security.create_api_key", "security.get_api_key", "security.query_api_keys", "security.invalidate_api_key")
)


# -- create -----------------------------------------------------------------------------------------
# TimeValue.parseTimeValue's suffixes, in the order it tries them ("ms" before "s", "s" before "m").
_TIME_UNITS = (
    ("nanos", 1e-6),
    ("micros", 1e-3),
    ("ms", 1),
    ("s", 1000),
    ("m", 60_000),
    ("h", 3_600_000),
    ("d", 86_400_000),
)


def parse_expiration(text: str) -> int:
    """An ``expiration`` as TimeValue.parseTimeValue reads it, in milliseconds."""

    def refused(problem: str) -> ParseException:
        return ParseException(f"failed to parse setting [expiration] with value [{text}] as a time value: {problem}")

    normalized = text.lower().strip()
    for suffix, ratio in _TIME_UNITS:
        if normalized.endswith(suffix):
            number = normalized[: -len(suffix)].strip()
            try:
                amount: float = int(number)
            except ValueError:
                try:
                    amount = float(number)  # fractions are deprecated, still taken
                except ValueError:
                    raise ParseException(f"failed to parse [{text}]") from None
            if amount < -1:
                raise refused("negative durations are not supported")
            return int(amount * ratio)
    if normalized == "-1":
        return -1
    if normalized == "0":
        return 0
    raise refused("unit is missing or unrecognized")


def expiration_time(created: int, duration_millis: int) -> int:
    """ApiKeyService.getApiKeyExpiration: ``now.plusSeconds(expiration.getSeconds())``, whole seconds."""
    seconds = int(duration_millis / 1000)  # TimeUnit.toSeconds truncates toward zero
    return created + seconds * 1000


# RoleDescriptor.parse: the fields a descriptor may have (``index``/``application`` are old names).
_DESCRIPTOR_FIELDS = (
    "cluster",
    "global",
    "indices",
    "index",
    "applications",
    "application",
    "run_as",
    "metadata",
    "transient_metadata",
    "remote_indices",
    "remote_cluster",
    "restriction",
    "description",
)


def normalise_descriptor(name: str, descriptor: dict) -> dict:
    """A role descriptor as RoleDescriptor.toXContent writes it back (indices with their
    ``allow_restricted_indices``, the empty lists and objects it always writes)."""
    for field_name in descriptor:
        if field_name not in _DESCRIPTOR_FIELDS:
            raise ParseException(f"failed to parse role [{name}]. unexpected field [{field_name}]")
    out: dict[str, Any] = {"cluster": list(descriptor.get("cluster", []))}
    if descriptor.get("global"):
        out["global"] = copy.deepcopy(descriptor["global"])
    out["indices"] = [_index_privileges(i) for i in descriptor.get("indices", descriptor.get("index", [])) or []]
    out["applications"] = [
        {
            "application": a.get("application"),
            "privileges": list(a.get("privileges", [])),
            "resources": list(a.get("resources", [])),
        }
        for a in descriptor.get("applications", descriptor.get("application", [])) or []
    ]
    out["run_as"] = list(descriptor.get("run_as", []))
    out["metadata"] = copy.deepcopy(descriptor.get("metadata", {}))
    out["transient_metadata"] = {"enabled": True}
    if descriptor.get("remote_indices"):
        out["remote_indices"] = [
            {**_index_privileges(i), "clusters": list(i.get("clusters", []))} for i in descriptor["remote_indices"]
        ]
    for optional in ("remote_cluster", "restriction", "description"):
        if descriptor.get(optional):
            out[optional] = copy.deepcopy(descriptor[optional])
    return out


def _index_privileges(entry: dict) -> dict:
    names = entry.get("names", [])
    out: dict[str, Any] = {
        "names": [names] if isinstance(names, str) else list(names),
        "privileges": list(entry.get("privileges", [])),
    }
    if "field_security" in entry:
        out["field_security"] = copy.deepcopy(entry["field_security"])
    if "query" in entry:
        out["query"] = copy.deepcopy(entry["query"])
    out["allow_restricted_indices"] = bool(entry.get("allow_restricted_indices", False))
    return out


def _is_empty(descriptor: dict) -> bool:
    """RoleDescriptor.isEmpty: no privileges of any kind (and no metadata)."""
    return not any(
        descriptor.get(f)
        for f in (
            "cluster",
            "global",
            "indices",
            "applications",
            "run_as",
            "metadata",
            "remote_indices",
            "remote_cluster",
            "restriction",
        )
    )


def prepare_create(call) -> None:
    """What the REST layer refuses of a create request (the descriptors, the expiration), then
    AbstractCreateApiKeyRequest.validate: before the privileges are looked at."""
    body = call.body
    descriptors = body.get("role_descriptors") or {}
    for name, descriptor in descriptors.items():
        try:
            normalise_descriptor(name, descriptor)
        except ParseException as cause:
            where = Locator(call.body_text)(("role_descriptors", name))
            raise XContentParseError(
                "[api_key_request] failed to parse field [role_descriptors]", where, caused_by=cause
            ) from None
    if body.get("expiration") is not None:
        try:
            parse_expiration(body["expiration"])
        except ParseException as cause:
            raise XContentParseError(
                "Failed to build [api_key_request] after last required field arrived", caused_by=cause
            ) from None
    problems = []
    name = body.get("name")
    if not name:
        problems.append("api key name is required")
    else:
        if len(name) > 256:
            problems.append("api key name may not be more than 256 characters long")
        if name != name.strip():
            problems.append("api key name may not begin or end with whitespace")
        if name.startswith("_"):
            problems.append("api key name may not begin with an underscore")
    if any(key.startswith("_") for key in body.get("metadata") or {}):
        problems.append("API key metadata keys may not start with [_]")
    if problems:
        raise ActionRequestValidation(problems)


def create(security: SecurityState, principal: Principal, body: dict) -> dict:
    """TransportCreateApiKeyAction: a key for the caller (an API key may only make keys without
    privileges), answered with its secret once."""
    descriptors = {name: normalise_descriptor(name, d) for name, d in (body.get("role_descriptors") or {}).items()}
    if principal.api_key_id is not None and (not descriptors or not all(_is_empty(d) for d in descriptors.values())):
        raise IllegalArgument(
            "creating derived api keys requires an explicit role descriptor that is empty (has no privileges)"
        )
    created = now_millis()
    expiration = None
    if body.get("expiration") is not None:
        expiration = expiration_time(created, parse_expiration(body["expiration"]))
    key_id, secret = security.create_api_key(
        principal, body["name"], expiration, descriptors, body.get("metadata"), created=created
    )
    answer: dict[str, Any] = {"id": key_id, "name": body["name"]}
    if expiration is not None:
        answer["expiration"] = expiration
    answer["api_key"] = secret
    answer["encoded"] = base64.b64encode(f"{key_id}:{secret}".encode()).decode()
    return answer


# -- what a key looks like ----------------------------------------------------------------------------
# ReservedRolesStore's superuser, as a limited-by snapshot writes it (its remote_* privileges left out).
_SUPERUSER_DESCRIPTOR = {
    "cluster": ["all"],
    "indices": [
        {"names": ["*"], "privileges": ["all"], "allow_restricted_indices": False},
        {
            "names": ["*"],
            "privileges": ["monitor", "read", "view_index_metadata", "read_cross_cluster"],
            "allow_restricted_indices": True,
        },
    ],
    "applications": [{"application": "*", "privileges": ["*"], "resources": ["*"]}],
    "run_as": ["*"],
    "metadata": {"_reserved": True},
    "transient_metadata": {"enabled": True},
}


def role_descriptor_of(security: SecurityState, name: str, role: dict) -> dict:
    """One of the mock's roles as an Elasticsearch role descriptor: its cluster privileges, and its
    Kibana privileges as the ``kibana-.kibana`` application privileges Kibana registers them as."""
    if name == "superuser" and name not in security.roles:
        return copy.deepcopy(_SUPERUSER_DESCRIPTOR)
    applications = []
    for entry in role.get("kibana", []):
        everywhere = ALL_SPACES in entry.get("spaces", [])
        privileges = [base if everywhere else f"space_{base}" for base in entry.get("base", [])]
        privileges += [
            f"feature_{feature}.{level}" for feature, levels in entry.get("feature", {}).items() for level in levels
        ]
        resources = ["*"] if everywhere else [f"space:{space}" for space in entry.get("spaces", [])]
        applications.append({"application": KIBANA_APPLICATION, "privileges": privileges, "resources": resources})
    reserved = name in BUILT_IN_ROLES and name not in security.roles
    return {
        "cluster": list(role.get("cluster", [])),
        "indices": [],
        "applications": applications,
        "run_as": [],
        "metadata": {"_reserved": True} if reserved else {},
        "transient_metadata": {"enabled": True},
    }


def key_realm(security: SecurityState, key: dict) -> str:
    return key.get("realm") or security.user_realm(key["owner"])


def api_key_info(security: SecurityState, key_id: str, key: dict, with_limited_by: bool = False) -> dict:
    """ApiKey.innerToXContent."""
    info: dict[str, Any] = {
        "id": key_id,
        "name": key.get("name"),
        "type": key.get("type", "rest"),
        "creation": key.get("creation", 0),
    }
    if key.get("expiration") is not None:
        info["expiration"] = key["expiration"]
    info["invalidated"] = bool(key.get("invalidated", False))
    if key.get("invalidation") is not None:
        info["invalidation"] = key["invalidation"]
    realm = key_realm(security, key)
    info.update(
        username=key["owner"],
        realm=realm,
        realm_type=key.get("realm_type") or realm,
        metadata=copy.deepcopy(key.get("metadata") or {}),
    )
    info["role_descriptors"] = {
        name: normalise_descriptor(name, d) for name, d in (key.get("role_descriptors") or {}).items()
    }
    if info["type"] == "cross_cluster":
        if "access" in key:
            info["access"] = copy.deepcopy(key["access"])
    elif with_limited_by:
        if "limited_by" in key:
            snapshot = key["limited_by"]
        else:  # a fixture's key: its owner's roles as they are
            owner = security.users.get(key["owner"], {})
            snapshot = {role: security.role(role) for role in owner.get("roles", []) if security.role(role)}
        info["limited_by"] = [{name: role_descriptor_of(security, name, role) for name, role in snapshot.items()}]
    return info


# -- finding keys (ApiKeyService.findApiKeysForUserRealmApiKeyIdAndNameCombination) --------------------


def _text(value: Any) -> str | None:
    """Strings.hasText: a blank value is no value."""
    return value if isinstance(value, str) and value.strip() else None


def find(
    security: SecurityState,
    realms: list[str] | None,
    username: str | None,
    name: str | None,
    ids: list[str] | None,
    *,
    skip_invalidated: bool = False,
    skip_expired: bool = False,
) -> list[tuple[str, dict]]:
    now = now_millis()
    found = []
    for key_id, key in security.api_keys.items():
        if realms and key_realm(security, key) not in realms:
            continue
        if username and key["owner"] != username:
            continue
        if name and name != "*":
            key_name = key.get("name") or ""
            if not (key_name.startswith(name[:-1]) if name.endswith("*") else key_name == name):
                continue
        if ids and key_id not in ids:
            continue
        if skip_invalidated and key.get("invalidated"):
            continue
        if skip_expired and key.get("expiration") is not None and key["expiration"] <= now:
            continue
        found.append((key_id, key))
    return found


def _owners_filter(principal: Principal) -> tuple[str, list[str]]:
    """The username and realms of the caller's own keys (an API key's: its owner's)."""
    return principal.username, [principal.owner_realm]


# -- get ------------------------------------------------------------------------------------------------


def prepare_get(call) -> None:
    """GetApiKeyRequest.validate."""
    q = call.query
    key_id, name, username, realm = (_text(q.get(k)) for k in ("id", "name", "username", "realm_name"))
    problems = []
    if (key_id or name) and (realm or username):
        problems.append("username or realm name must not be specified when the api key id or api key name is specified")
    if q.get("owner") and (realm or username):
        problems.append("neither username nor realm-name may be specified when retrieving owned API keys")
    if key_id and name:
        problems.append("only one of [api key id, api key name] can be specified")
    if problems:
        raise ActionRequestValidation(problems)


def get(security: SecurityState, principal: Principal, query: dict) -> tuple[int, dict]:
    """TransportGetApiKeyAction; RestGetApiKeyAction answers 404 when an id found nothing."""
    key_id, name, username, realm = (_text(query.get(k)) for k in ("id", "name", "username", "realm_name"))
    realms = [realm] if realm else None
    if query.get("owner"):
        username, realms = _owners_filter(principal)
    active = bool(query.get("active_only"))
    found = find(
        security, realms, username, name, [key_id] if key_id else None, skip_invalidated=active, skip_expired=active
    )
    keys = [api_key_info(security, i, k, bool(query.get("with_limited_by"))) for i, k in found]
    return (404 if key_id and not keys else 200), {"api_keys": keys}


# -- invalidate -------------------------------------------------------------------------------------------


def prepare_invalidate(call) -> None:
    """InvalidateApiKeyRequest: its constructor refuses empty or blank ids (while the body is parsed),
    then validate()."""
    body = call.body
    ids = body.get("ids")
    if ids is not None:
        problem = None
        if not ids:
            problem = "Field [ids] cannot be an empty array"
        else:
            blank = [i for i, value in enumerate(ids) if not _text(value)]
            if blank:
                plural = len(blank) > 1
                problem = (
                    f"Field [ids] must not contain blank id, but got blank {'ids' if plural else 'id'} at index "
                    f"{'positions' if plural else 'position'}: [{', '.join(map(str, blank))}]"
                )
        if problem:
            raise XContentParseError(
                "Failed to build [invalidate_api_key] after last required field arrived",
                caused_by=ActionRequestValidation([problem]),
            ) from None
    name, username, realm = (_text(body.get(k)) for k in ("name", "username", "realm_name"))
    owner = bool(body.get("owner"))
    problems = []
    if not (realm or username or ids is not None or name or owner):
        problems.append(
            "One of [api key id(s), api key name, username, realm name] must be specified if [owner] flag is false"
        )
    if (ids is not None or name) and (realm or username):
        problems.append(
            "username or realm name must not be specified when the api key id(s) or api key name are specified"
        )
    if owner and (realm or username):
        problems.append("neither username nor realm-name may be specified when invalidating owned API keys")
    if ids is not None and name:
        problems.append("only one of [api key id(s), api key name] can be specified")
    if problems:
        raise ActionRequestValidation(problems)


def invalidate(security: SecurityState, principal: Principal, body: dict) -> dict:
    """ApiKeyService.invalidateApiKeys: only keys not yet invalidated are found (so one invalidated
    before is not found again: ``previously_invalidated_api_keys`` stays empty); a cross-cluster key
    is skipped, with an error, unless the caller has manage_security."""
    ids = body.get("ids")
    name, username, realm = (_text(body.get(k)) for k in ("name", "username", "realm_name"))
    realms = [realm] if realm else None
    if body.get("owner"):
        username, realms = _owners_filter(principal)
    if not (realms or username or name or ids):
        raise IllegalArgument("One of [api key id, api key name, username, realm name] must be specified")
    answer: dict[str, Any] = {"invalidated_api_keys": [], "previously_invalidated_api_keys": [], "error_count": 0}
    found = find(security, realms, username, name, ids, skip_invalidated=True)
    cross_cluster_too = security.has_cluster_privilege(principal, "manage_security")
    errors: list[ElasticsearchError] = []
    now = now_millis()
    for key_id, key in found:
        if key.get("type") == "cross_cluster" and not cross_cluster_too:
            errors.append(
                SecurityException(
                    f"Cannot invalidate cross-cluster API key [{key_id}]. This requires "
                    "[manage_security] cluster privilege or higher",
                    403,
                )
            )
            continue
        key["invalidated"], key["invalidation"] = True, now
        answer["invalidated_api_keys"].append(key_id)
    answer["error_count"] = len(errors)
    if errors:  # ElasticsearchException.generateThrowableXContent of each
        answer["error_details"] = [error.to_xcontent() for error in errors]
    return answer


# -- query (TransportQueryApiKeyAction, ApiKeyBoolQueryBuilder) ------------------------------------------
# FieldNameTranslators.API_KEY_FIELD_NAME_TRANSLATORS: the fields a query, or a sort, may name.
KEYWORD_FIELDS = ("username", "realm_name", "name", "type")
DATE_FIELDS = ("creation", "expiration", "invalidation")
QUERYABLE = (*KEYWORD_FIELDS, *DATE_FIELDS, "invalidated", "metadata")
_NO_VALUE_LONG = (9223372036854775807, -9223372036854775808)  # what a missing date sorts as, ascending/descending


class Prefix(Query):
    def __init__(self, field: str, value: str, case_insensitive: bool = False):
        self.field, self.value, self.case_insensitive = field, value, case_insensitive


class Wildcard(Query):
    def __init__(self, field: str, pattern: str, case_insensitive: bool = False):
        self.field, self.pattern, self.case_insensitive = field, pattern, case_insensitive
        regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
        self.regex = re.compile(f"^{regex}$", re.S | (re.I if case_insensitive else 0))


class ApiKeyQueryParser(QueryParser):
    """The query DSL's parsers, and ``prefix`` and ``wildcard`` besides (which API key queries take)."""

    def _single_value(self, name: str, body: dict, where: tuple, value_key: str) -> tuple[str, Any, bool]:
        field_name, spec, at = self._single_field(name, body, where)
        case_insensitive = False
        if isinstance(spec, dict):
            self._options(name, spec, at, {value_key, "value", "boost", "case_insensitive", "rewrite", "_name"})
            value = spec.get(value_key, spec.get("value"))
            case_insensitive = bool(spec.get("case_insensitive", False))
        else:
            value = spec
        if value is None:
            raise IllegalArgument(f"[{name}] requires {'query' if name == 'wildcard' else 'value'}")
        return field_name, str(value), case_insensitive

    def _prefix(self, body: dict, where: tuple) -> Query:
        return Prefix(*self._single_value("prefix", body, where, "value"))

    def _wildcard(self, body: dict, where: tuple) -> Query:
        return Wildcard(*self._single_value("wildcard", body, where, "wildcard"))


def _check_field(name: str, sort: bool = False) -> None:
    """FieldNameTranslators.translate."""
    if name == "_doc" and sort:
        return
    if "*" in name or "?" in name:
        raise IllegalArgument(f"Field name pattern [{name}] is not allowed for querying or aggregation")
    if name in QUERYABLE or (name.startswith("metadata.") and len(name) > len("metadata.")):
        return
    raise IllegalArgument(f"Field [{name}] is not allowed for querying or aggregation")


def _check_query(query: Query) -> None:
    """ApiKeyBoolQueryBuilder.build: the queries it takes, on the fields it allows."""
    if isinstance(query, Bool):
        for clause in (*query.must, *query.filter, *query.should, *query.must_not):
            _check_query(clause)
    elif isinstance(query, (Term, Terms, Exists, Range, Match, Prefix, Wildcard)):
        _check_field(query.field)
    elif isinstance(query, (ConstantScore, MatchNone)):
        name = "constant_score" if isinstance(query, ConstantScore) else "match_none"
        raise IllegalArgument(f"Query type [{name}] is not currently supported in this context")


def _flattened(value: Any, prefix: str, out: dict[str, list[str]]) -> None:
    """A flattened field's leaves, as keywords (numbers and booleans as their text)."""
    if isinstance(value, dict):
        for key, item in value.items():
            _flattened(item, f"{prefix}.{key}", out)
    elif isinstance(value, list):
        for item in value:
            _flattened(item, prefix, out)
    elif value is not None:
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        out.setdefault(prefix, []).append(text)
        out.setdefault("metadata", []).append(text)


def _document(security: SecurityState, key_id: str, key: dict) -> dict[str, list]:
    doc: dict[str, list] = {
        "_id": [key_id],
        "name": [key["name"]] if key.get("name") is not None else [],
        "username": [key["owner"]],
        "realm_name": [key_realm(security, key)],
        "type": [key.get("type", "rest")],
        "invalidated": [bool(key.get("invalidated", False))],
    }
    for field_name in DATE_FIELDS:
        doc[field_name] = [key[field_name]] if key.get(field_name) is not None else []
    metadata: dict[str, list[str]] = {}
    _flattened(key.get("metadata") or {}, "metadata", metadata)
    doc.update(metadata)
    return doc


def _date(value: Any, round_up: bool = False) -> int:
    if isinstance(value, bool):
        raise IllegalArgument(f"failed to parse date field [{value}] with format [epoch_millis]")
    if isinstance(value, (int, float)):
        return int(value)
    try:
        return dates.parse_math(str(value), round_up)
    except (dates.DateParseError, ValueError):
        raise IllegalArgument(
            f"failed to parse date field [{value}] with format [strict_date_optional_time||epoch_millis]"
        ) from None


def _same(field_name: str, stored: Any, wanted: Any, case_insensitive: bool = False) -> bool:
    if field_name in DATE_FIELDS:
        return stored == _date(wanted)
    if field_name == "invalidated":
        return stored == (wanted if isinstance(wanted, bool) else str(wanted).lower() == "true")
    wanted = ("true" if wanted else "false") if isinstance(wanted, bool) else str(wanted)
    return stored.lower() == wanted.lower() if case_insensitive else stored == wanted


def _in_range(field_name: str, stored: Any, query: Range) -> bool:
    if field_name in DATE_FIELDS:
        low_ok = (query.gt is None or stored > _date(query.gt, True)) and (
            query.gte is None or stored >= _date(query.gte)
        )
        return (
            low_ok
            and (query.lt is None or stored < _date(query.lt))
            and (query.lte is None or stored <= _date(query.lte, True))
        )
    text = str(stored)
    return (
        (query.gt is None or text > str(query.gt))
        and (query.gte is None or text >= str(query.gte))
        and (query.lt is None or text < str(query.lt))
        and (query.lte is None or text <= str(query.lte))
    )


def matches(query: Query, doc: dict[str, list]) -> bool:
    if isinstance(query, MatchAll):
        return True
    if isinstance(query, Ids):
        return doc["_id"][0] in query.values
    if isinstance(query, Bool):
        if not all(matches(q, doc) for q in (*query.must, *query.filter)):
            return False
        if any(matches(q, doc) for q in query.must_not):
            return False
        if not query.should:
            return True
        optional = bool(query.must or query.filter)
        needed = (
            minimum_should_match(query.minimum_should_match, len(query.should))
            if query.minimum_should_match is not None
            else (0 if optional else 1)
        )
        return sum(matches(q, doc) for q in query.should) >= needed
    values = doc.get(query.field, [])
    if isinstance(query, Exists):
        return bool(values)
    if isinstance(query, Term):
        return any(_same(query.field, v, query.value, query.case_insensitive) for v in values)
    if isinstance(query, Terms):
        return any(_same(query.field, v, wanted) for v in values for wanted in query.values)
    if isinstance(query, Match):
        return any(_same(query.field, v, query.text) for v in values)
    if isinstance(query, Range):
        return any(_in_range(query.field, v, query) for v in values)
    if isinstance(query, Prefix):
        return any(
            isinstance(v, str)
            and (v.lower().startswith(query.value.lower()) if query.case_insensitive else v.startswith(query.value))
            for v in values
        )
    if isinstance(query, Wildcard):
        return any(isinstance(v, str) and query.regex.match(v) for v in values)
    return False


def _sorts(spec: Any) -> list[tuple[str, bool]]:
    """The request's ``sort``: field names with their order (descending: True)."""
    if spec is None:
        return []
    sorts = []
    for entry in spec if isinstance(spec, list) else [spec]:
        if isinstance(entry, str):
            field_name, descending = entry, False
        elif isinstance(entry, dict) and len(entry) == 1:
            field_name, options = next(iter(entry.items()))
            if isinstance(options, str):
                order = options
            elif isinstance(options, dict):
                unknown = [o for o in options if o not in ("order", "missing", "unmapped_type", "format")]
                if unknown or "missing" in options:
                    raise NotMocked(f"the [{(unknown or ['missing'])[0]}] option of an API key query's sort")
                order = options.get("order", "asc")
            else:
                raise IllegalArgument("mal-formatted sort object")
            if str(order).lower() not in ("asc", "desc"):
                raise IllegalArgument(f"Unknown SortOrder [{order}]")
            descending = str(order).lower() == "desc"
        else:
            raise IllegalArgument("mal-formatted sort object")
        _check_field(field_name, sort=True)
        sorts.append((field_name, descending))
    return sorts


def _sort_value(doc: dict[str, list], position: int, field_name: str, descending: bool) -> Any:
    if field_name == "_doc":
        return position
    values = doc.get(field_name, [])
    if not values:
        return _NO_VALUE_LONG[descending] if field_name in DATE_FIELDS else None
    value = (max if descending else min)(values)
    return value


def _order_key(values: list, sorts: list[tuple[str, bool]]) -> tuple:
    """A key that orders rows as the sort does (missing keyword values last, either way)."""
    key = []
    for value, (_, descending) in zip(values, sorts):
        missing = value is None
        if isinstance(value, bool):
            value = int(value)
        if descending and not missing:
            value = _Reversed(value)
        key.append((missing, value if not missing else 0))
    return tuple(key)


class _Reversed:
    def __init__(self, value):
        self.value = value

    def __lt__(self, other):
        return self.value > other.value

    def __eq__(self, other):
        return self.value == other.value


def prepare_query(call) -> None:
    """QueryApiKeyRequest.validate."""
    body = call.body or {}
    problems = []
    for name in ("from", "size"):
        if body.get(name) is not None and body[name] < 0:
            problems.append(f"[{name}] parameter cannot be negative but was [{body[name]}]")
    if problems:
        raise ActionRequestValidation(problems)


def query(security: SecurityState, principal: Principal, body: dict | None, params: dict, locate: Locate) -> dict:
    """The keys a query finds, ``size`` of them from ``from`` (10 from 0), in the order ``sort`` says
    (or the order they were created in), each with its ``_sort`` values when sorted. A caller that
    may not read every key (manage_own_api_key alone) finds its own only: an API key itself."""
    body = body or {}
    if "aggs" in body and "aggregations" in body:
        raise IllegalArgument("Duplicate 'aggs' or 'aggregations' field")
    if "aggs" in body or "aggregations" in body:
        raise NotMocked("aggregations of the query API key API")
    parsed: Query = MatchAll()
    if body.get("query") is not None:
        try:
            parsed = ApiKeyQueryParser(locate).parse(body["query"], ("query",))
        except NotMocked:
            raise
        except ElasticsearchError as error:  # the payload's ObjectParser wraps what the query parser threw
            raise XContentParseError(
                "[query_api_key_request_payload] failed to parse field [query]",
                _where(error, locate(("query",))),
                caused_by=error,
            ) from None
    sorts = _sorts(body.get("sort"))
    _check_query(parsed)
    own_only = not security.has_cluster_privilege(principal, "read_api_keys")
    rows = []
    for position, (key_id, key) in enumerate(security.api_keys.items()):
        if own_only and not _owned(security, principal, key_id, key):
            continue
        doc = _document(security, key_id, key)
        if matches(parsed, doc):
            rows.append((position, key_id, key, [_sort_value(doc, position, f, d) for f, d in sorts]))
    total = len(rows)  # search_after pages through the hits; it does not take any from the total
    if sorts:
        rows.sort(key=lambda row: _order_key(row[3], sorts))
        after = body.get("search_after")
        if after is not None:
            if not isinstance(after, list) or len(after) != len(sorts):
                raise IllegalArgument(
                    f"search_after has {len(after) if isinstance(after, list) else 1} value(s) but "
                    f"sort has {len(sorts)}."
                )
            bound = _order_key([_after_value(v, f) for v, (f, _) in zip(after, sorts)], sorts)
            rows = [row for row in rows if _order_key(row[3], sorts) > bound]
    elif body.get("search_after") is not None:
        raise IllegalArgument("Sort must contain at least one field.")
    start = body.get("from") or 0
    size = 10 if body.get("size") is None else body["size"]
    page = rows[start : start + size]
    with_limited_by = bool(params.get("with_limited_by"))
    keys = []
    for _, key_id, key, sort_values in page:
        info = api_key_info(security, key_id, key, with_limited_by)
        if sorts:
            info["_sort"] = sort_values
        keys.append(info)
    return {"total": total, "count": len(keys), "api_keys": keys}


def _after_value(value: Any, field_name: str) -> Any:
    if field_name in DATE_FIELDS and value is not None and not isinstance(value, bool):
        return _date(value)
    return value


def _owned(security: SecurityState, principal: Principal, key_id: str, key: dict) -> bool:
    """ApiKeyBoolQueryBuilder's filter for the current user: an API key finds itself; a user, the
    keys it created in the realm it is in."""
    if principal.api_key_id is not None:
        return key_id == principal.api_key_id
    return key["owner"] == principal.username and key_realm(security, key) == principal.owner_realm


# -- who may ask ------------------------------------------------------------------------------------------


def _owns(principal: Principal, key_id: Any, username: Any, realm: Any, owner: bool) -> bool:
    """ManageOwnApiKeyClusterPrivilege.checkIfUserIsOwnerOfApiKeys."""
    key_id, username, realm = _text(key_id), _text(username), _text(realm)
    if principal.api_key_id is not None:
        return key_id is not None and key_id == principal.api_key_id  # a key owns itself and no other
    if owner:
        return True
    if username and realm:
        return username == principal.username and realm == principal.owner_realm
    return False


def required_privilege(operation: str, principal: Principal, query: dict, body: Any) -> str | None:
    """The action family (:data:`mockserver.security.CLUSTER_GRANTS`) the request needs, as
    manage_own_api_key's extended check decides it; None: nothing (an API key reading itself,
    RBACEngine.checkSameUserPermissions)."""
    if operation == "security.create_api_key":
        return "manage_own_api_key"
    if operation == "security.get_api_key":
        with_limited_by = bool(query.get("with_limited_by"))
        if principal.api_key_id is not None:
            if _text(query.get("id")) == principal.api_key_id and not with_limited_by:
                return None
            if with_limited_by:  # a key needs manage_api_key or higher to see any limited-by descriptors
                return "read_api_keys"
        own = _owns(
            principal, query.get("id"), query.get("username"), query.get("realm_name"), bool(query.get("owner"))
        )
        return "read_own_api_keys" if own else "read_api_keys"
    if operation == "security.query_api_keys":
        return (
            "read_api_keys"
            if principal.api_key_id is not None and query.get("with_limited_by")
            else "read_own_api_keys"
        )
    if operation == "security.invalidate_api_key":
        body = body or {}
        ids = body.get("ids")
        owner = bool(body.get("owner"))
        own = all(
            _owns(principal, i, body.get("username"), body.get("realm_name"), owner)
            for i in (ids if ids is not None else [None])
        )
        return "manage_own_api_key" if own else "manage_api_key"
    raise KeyError(operation)


PREPARE = {
    "security.create_api_key": prepare_create,
    "security.get_api_key": prepare_get,
    "security.query_api_keys": prepare_query,
    "security.invalidate_api_key": prepare_invalidate,
}


def prepare(operation: str, call) -> None:
    """What the REST layer and the request's own validate() refuse, before the privileges are checked."""
    PREPARE[operation](call)
