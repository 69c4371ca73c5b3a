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
from .actions import ACTIONS, AUTO_CREATE, BULK_SHARD, INDEX_ACTIONS, ITEM_ACTIONS, SEARCH
from .errors import IndexNotFound, SecurityException
from .indices import Indices, expression_parts, wildcard_pattern

NO_INDICES = "*,-*"  # IndicesAndAliasesResolverField.NO_INDICES_OR_ALIASES_ARRAY: an empty answer, not _all

# The routes whose wildcards match closed and hidden indices too unless told otherwise.
_EXPAND_ALL = {"indices.get_alias", "indices.exists_alias", "indices.delete_alias"}


def authorize_cluster(call: Call, operation: str) -> None:
    """The cluster privilege the route's action needs (what an API key request needs depends on what it
    asks: api_keys.required_privilege)."""
    action = ACTIONS.get(operation)
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
    if not security.may_act_on_some_index(principal, action):
        raise _denied(security, principal, action, _on_indices(parts))
    if target in ("bulk", "scroll"):  # the items are checked one by one; a scroll's search was checked
        return
    allowed = security.index_matcher(principal, action)
    if target == "one":
        if not allowed(expression):
            raise _denied(security, principal, action, _on_indices([expression]))
        return
    if target == "aliases":
        _authorize_alias_actions(call, security, principal, action, allowed)
        return
    if operation == "indices.delete" and any(p == "_all" or "*" in p for p in parts):
        return  # refused as destructive whatever the caller may do
    narrowed, explicit = narrow(
        call.state.indices, parts, call.query, allowed, "all" if operation in _EXPAND_ALL else "open"
    )
    denied = [name for name in explicit if not allowed(name)]
    if denied:
        raise _denied(security, principal, action, _on_indices(denied))
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
    """IndexAbstractionResolver.resolveIndexAbstractions: wildcards resolved to the names the caller may
    act on, exclusions applied, explicit names kept (dropped with ``ignore_unavailable`` when they are
    not authorized or do not exist). Answers the expression that replaces the request's, and the
    explicit names, which the caller must be allowed on."""
    expand = query.get("expand_wildcards", expand_default)
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
            for index in indices.resolve(part, expand_wildcards=expand, authorized=allowed):
                if index.name not in names:
                    names.append(index.name)
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


def _authorize_alias_actions(
    call: Call, security: SecurityState, principal: Principal, action: str, allowed: Callable[[str], bool]
) -> None:
    """POST /_aliases: every index and alias its actions name, wildcards resolved (not narrowed)."""
    denied: list[str] = []
    for entry in (call.body or {}).get("actions", []) if isinstance(call.body, dict) else []:
        for spec in entry.values() if isinstance(entry, dict) else []:
            if not isinstance(spec, dict):
                continue
            for key in ("index", "indices", "alias", "aliases"):
                value = spec.get(key)
                for name in [value] if isinstance(value, str) else value if isinstance(value, list) else []:
                    if not isinstance(name, str):
                        continue
                    if "*" in name and key in ("index", "indices"):
                        targets = [i.name for i in call.state.indices.resolve(name, allow_no_indices=True)]
                    else:
                        targets = [] if "*" in name else [name]
                    denied.extend(t for t in targets if not allowed(t) and t not in denied)
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
