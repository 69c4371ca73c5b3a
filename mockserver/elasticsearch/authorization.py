"""Who may do what: each request's transport action checked against the caller's privileges before it
runs, as Elasticsearch's AuthorizationService and RBACEngine check it.

A cluster action needs one of the cluster privileges that grant it (``actions.ACTIONS``). An index
action (``actions.INDEX_ACTIONS``) needs the action granted on some index at all, or it is refused
before any name is looked at; then on the names it targets. A wildcard expression is narrowed to the
names the caller may act on (IndicesAndAliasesResolver replaces the request's indices, so a search
over ``*`` sees only those, and nothing at all becomes ``*,-*``); an explicit name the caller may not
act on is a 403 that names it. A document write is checked again as the bulk shard request checks each
item: the index it would create, the shard, the item's own operation. Superusers are not narrowed.
"""

from __future__ import annotations

from collections.abc import Callable

from ..product import Call
from ..security import Principal, SecurityState, index_privileges_granting
from . import api_keys
from .actions import ACTIONS, ALIASES, AUTO_CREATE, BULK_SHARD, INDEX_ACTIONS, ITEM_ACTIONS, REMOTE_CAPABLE, SEARCH
from .errors import IndexNotFound, SecurityException
from .indices import Indices, expression_parts, wildcard_pattern, wildcard_states
from .search import requested_scroll_ids

NO_INDICES = "*,-*"  # IndicesAndAliasesResolverField.NO_INDICES_OR_ALIASES_ARRAY: an empty answer, not _all

# The routes whose wildcards match closed and hidden indices too unless told otherwise.
_EXPAND_ALL = {"indices.get_alias", "indices.exists_alias", "indices.delete_alias"}


def authorize_cluster(call: Call, operation: str) -> None:
    """The cluster privilege the route's action needs (what an API key request needs depends on what it
    asks: api_keys.required_privilege)."""
    action = ACTIONS.get(operation)
    if operation == "clear_scroll" and _clears_all(call):  # SecurityActionMapper's clear-all
        action = ("cluster:admin/indices/scroll/clear_all", "manage")
    if action is None or call.principal is None:
        return
    security, principal = call.runtime.store["security"], call.principal
    needed = action[1]
    if operation in api_keys.OPERATIONS:
        needed = api_keys.required_privilege(operation, principal, call.query, call.body)
        if needed is None:
            return
    grants = security.missing_cluster_privilege(principal, needed)
    if grants is not None:
        raise _denied(security, principal, action[0], context=None, grants=("cluster", grants))


def _clears_all(call: Call) -> bool:
    ids = requested_scroll_ids(call.body if isinstance(call.body, dict) else {}, call.path.get("scroll_id"), call.query)
    return isinstance(ids, list) and "_all" in ids


def authorize_indices(call: Call, operation: str) -> None:
    """The index privileges the route's action needs, on the names it targets; a wildcard expression in
    the path is replaced by the names it may act on. Runs on the state the handler then reads."""
    spec = INDEX_ACTIONS.get(operation)
    principal = call.principal
    if spec is None or principal is None:
        return
    security: SecurityState = call.runtime.store["security"]
    if security.is_superuser(principal):
        return
    action, target = spec
    expression = call.path.get("index")
    parts = expression_parts(expression)
    destructive = any(p == "_all" or "*" in p for p in parts)
    if operation == "indices.delete" and destructive and call.state.cluster_settings.destructive_requires_name():
        return  # SecurityActionFilter refuses it as destructive first, whatever the caller may do
    # A search may reach remote indices, so its names are resolved even when nothing grants it
    # (RBACEngine): what is refused is then only what is left of them.
    remote = operation in REMOTE_CAPABLE
    may_act = security.may_act_on_some_index(principal, action)
    if not may_act and not remote:
        raise _denied(security, principal, action, _on_indices(parts))
    if target in ("bulk", "scroll"):  # the items are checked one by one; a scroll's search was checked
        return
    allowed = security.index_matcher(principal, action)
    if target == "one":
        if not allowed(expression):
            raise _denied(security, principal, action, _on_indices([expression]))
        if operation == "indices.create":
            _authorize_new_aliases(call, security, principal)
        return
    if target == "aliases":
        _authorize_alias_actions(call, security, principal, action, allowed)
        return
    narrowed, explicit = narrow(
        call.state.indices, parts, call.query, allowed, "all" if operation in _EXPAND_ALL else "open"
    )
    denied = [name for name in explicit if not allowed(name)]
    if denied or not may_act:
        raise _denied(security, principal, action, _on_indices(denied))
    if operation in ("indices.get_alias", "indices.exists_alias"):
        call.visible_alias = allowed  # replaceWildcardsWithAuthorizedAliases: a wildcard shows what it may see
    if operation in ("indices.put_alias", "indices.delete_alias"):
        denied = [a for a in call.path["name"].split(",") if "*" not in a and a != "_all" and not allowed(a)]
        if denied:
            raise _denied(security, principal, action, _on_indices(denied))
    if operation == "delete_by_query":  # its search is a child request, authorized on its own
        readable = security.index_matcher(principal, SEARCH)
        denied = [
            name for name in expression_parts(narrowed) if name not in NO_INDICES.split(",") and not readable(name)
        ]
        if denied:
            raise _denied(security, principal, SEARCH, _on_indices(denied))
    call.path["index"] = narrowed


def narrow(
    indices: Indices, parts: list[str], query: dict, allowed: Callable[[str], bool], expand_default: str = "open"
) -> tuple[str, list[str]]:
    """IndexAbstractionResolver.resolveIndexAbstractions: wildcards resolved to the index and alias names
    the caller may act on (an alias stays an alias), exclusions applied, explicit names kept (dropped
    with ``ignore_unavailable`` when they are not authorized or do not exist). Answers the expression
    that replaces the request's, and the explicit names, which the caller must be allowed on."""
    states = wildcard_states(query.get("expand_wildcards", expand_default))
    ignore_unavailable = query.get("ignore_unavailable", False)
    requested = parts if parts and parts != ["_all"] else ["*"]
    names: list[str] = []
    explicit: list[str] = []
    wildcard_seen = False
    for position, part in enumerate(requested):
        if part.startswith("-") and position > 0 and wildcard_seen:
            excluded = wildcard_pattern(part[1:])
            names = [n for n in names if not excluded.match(n)]
            continue
        if "*" in part:
            wildcard_seen = True
            names += [name for name, _ in indices.wildcard_matches(part, states, allowed) if name not in names]
            continue
        if ignore_unavailable and not (allowed(part) and (indices.get(part) or indices.alias_targets(part))):
            continue
        names.append(part)
        explicit.append(part)
    if not names:
        if not query.get("allow_no_indices", True):
            raise IndexNotFound(f"[{', '.join(requested)}]")
        return NO_INDICES, explicit
    return ",".join(names), explicit


def _authorize_new_aliases(call: Call, security: SecurityState, principal: Principal) -> None:
    """A new index's aliases: ``indices:admin/aliases`` on the index and each alias (AuthorizationService
    checks it when the create request names aliases)."""
    aliases = (call.body or {}).get("aliases") if isinstance(call.body, dict) else None
    if not aliases or not isinstance(aliases, dict):
        return
    allowed = security.index_matcher(principal, ALIASES)
    denied = [name for name in [call.path["index"], *aliases] if not allowed(name)]
    if denied:
        raise _denied(security, principal, ALIASES, _on_indices(denied))


def _authorize_alias_actions(
    call: Call, security: SecurityState, principal: Principal, action: str, allowed: Callable[[str], bool]
) -> None:
    """POST /_aliases: each action's index expression narrowed to what the caller may act on (as the
    resolver replaces each action's indices), and every explicit index and alias it names authorized."""
    denied: list[str] = []
    indices = call.state.indices
    for entry in (call.body or {}).get("actions", []) if isinstance(call.body, dict) else []:
        for spec in entry.values() if isinstance(entry, dict) else []:
            if not isinstance(spec, dict):
                continue
            for key in ("index", "indices", "alias", "aliases"):
                value = spec.get(key)
                names = [value] if isinstance(value, str) else value if isinstance(value, list) else []
                names = [name for name in names if isinstance(name, str)]
                if key in ("index", "indices") and any("*" in name for name in names):
                    narrowed, explicit = narrow(indices, names, {}, allowed)
                    spec[key] = narrowed if key == "index" else narrowed.split(",")
                    names = explicit
                denied += [n for n in names if "*" not in n and n != "_all" and not allowed(n) and n not in denied]
    if denied:
        raise _denied(security, principal, action, _on_indices(denied))


def item_authorizer(call: Call) -> Callable[[str, str], None] | None:
    """The check of one document write (``index``, ``create``, ``update`` or ``delete`` on a name), as
    the bulk shard request makes it; None when there is nothing to check."""
    principal = call.principal
    if principal is None:
        return None
    security: SecurityState = call.runtime.store["security"]
    if security.is_superuser(principal):
        return None
    matchers: dict[str, Callable[[str], bool]] = {}

    def require(action: str, name: str) -> None:
        if action not in matchers:
            matchers[action] = security.index_matcher(principal, action)
        if not matchers[action](name):
            raise _denied(security, principal, action, _on_indices([name]))

    def check(operation: str, name: str) -> None:
        indices = call.state.indices
        if operation != "delete" and indices.get(name) is None and not indices.alias_targets(name):
            require(AUTO_CREATE, name)
        require(BULK_SHARD, name)
        require(ITEM_ACTIONS[operation], name)

    return check


def scroll_owner(call: Call) -> tuple[str, str | None] | None:
    """Who a scroll belongs to: the user, or the API key (None when security is off)."""
    principal = call.principal
    return None if principal is None else (principal.username, principal.api_key_id)


def _on_indices(names: list[str]) -> str | None:
    return f"on indices [{','.join(names)}]" if names else None


def _denied(
    security: SecurityState,
    principal: Principal,
    action: str,
    context: str | None,
    grants: tuple[str, tuple[str, ...] | list[str]] | None = None,
) -> SecurityException:
    """AuthorizationDenialMessages.actionDenied."""
    if principal.api_key_id is not None:
        who = f"API key id [{principal.api_key_id}] of user [{principal.username}]"
    else:
        known = sorted(r for r in principal.roles if security.role(r))
        unknown = sorted(r for r in principal.roles if not security.role(r))
        who = f"user [{principal.username}] with effective roles [{','.join(known)}]"
        if unknown:
            who += f" (assigned roles [{','.join(unknown)}] were not found)"
    kind, privileges = grants or ("index", index_privileges_granting(action))
    message = f"action [{action}] is unauthorized for {who}"
    if context:
        message += f" {context}"
    return SecurityException(
        f"{message}, this action is granted by the {kind} privileges [{','.join(privileges)}]", 403
    )
