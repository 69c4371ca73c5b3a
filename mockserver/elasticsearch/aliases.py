"""``POST /_aliases``: add, remove and remove_index actions, applied together (TransportIndicesAliasesAction)."""

from __future__ import annotations

import fnmatch
from typing import Any

from .errors import AliasesNotFound, IllegalArgument, ParseException
from .indices import Indices, alias_spec


def _names(action: dict, single: str, plural: str) -> list[str] | None:
    if single in action and plural in action:
        raise IllegalArgument(f"Only one of [{single}] and [{plural}] is allowed")
    if single in action:
        value = action[single]
        if not isinstance(value, str):
            raise IllegalArgument(f"[{single}] must be a string, found [{value}]")
        if value == "":
            raise IllegalArgument(f"[{single}] can't be empty string")
        return [value]
    if plural in action:
        values = action[plural]
        if isinstance(values, str):  # a single string is a list of one
            values = [values]
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise IllegalArgument(f"[{plural}] must be an array of strings")
        if not values:
            raise IllegalArgument(f"[{plural}] can't be empty")
        return list(values)
    return None


def update_aliases(indices: Indices, actions: list) -> dict:
    if not isinstance(actions, list) or not actions:
        raise ParseException("No action specified") if not actions else IllegalArgument("[actions] must be an array")
    plan: list[tuple[str, list[str], list[str], dict]] = []
    for entry in actions:
        if not isinstance(entry, dict) or len(entry) != 1:
            raise IllegalArgument("Expected a single action per object")
        kind, action = next(iter(entry.items()))
        if kind not in ("add", "remove", "remove_index"):
            raise IllegalArgument(f"Unsupported action [{kind}]")
        if not isinstance(action, dict):
            raise IllegalArgument(f"Expected an object for action [{kind}], found [{type(action).__name__}]")
        index_names = _names(action, "index", "indices")
        if index_names is None:
            raise IllegalArgument("One of [index] or [indices] is required")
        alias_names = [] if kind == "remove_index" else _names(action, "alias", "aliases")
        if alias_names is None:
            raise IllegalArgument("One of [alias] or [aliases] is required")
        if "must_exist" in action and kind != "remove":
            raise IllegalArgument(f"[must_exist] is unsupported for [{kind.upper()}]")
        plan.append((kind, index_names, alias_names, action))

    results: list[dict[str, Any]] = []
    changes: list = []
    # An index the request removes may give its name to an alias the same request adds.
    removed = {
        t.name
        for kind, names, _, _ in plan
        if kind == "remove_index"
        for t in indices.resolve(names, expand_wildcards="all", ignore_unavailable=True)
    }
    for kind, index_names, alias_names, action in plan:
        targets = indices.resolve(index_names, expand_wildcards="all", allow_no_indices=False)
        names = sorted(t.name for t in targets)
        described = {"type": kind, "indices": names, "aliases": alias_names}
        if kind == "add":
            for target in targets:
                for alias in alias_names:
                    if alias not in removed:
                        indices.check_alias_name(alias, target.name)
            changes.append(("add", targets, alias_names, alias_spec(action)))
            results.append({"action": described, "status": 200})
        elif kind == "remove":
            present = [
                (t, a)
                for t in targets
                for a in list(t.aliases)
                if any(fnmatch.fnmatchcase(a, pattern) for pattern in alias_names)
            ]
            if not present:
                if action.get("must_exist"):
                    raise AliasesNotFound(alias_names)
                results.append(
                    {"action": described, "status": 404, "error": AliasesNotFound(alias_names).to_xcontent()}
                )
                continue
            changes.append(("remove", present, None, None))
            results.append({"action": described, "status": 200})
        else:
            if any(t.name not in index_names and "*" not in "".join(index_names) for t in targets):
                raise IllegalArgument(
                    "The provided expression matches an alias, specify the corresponding concrete indices instead."
                )
            changes.append(("remove_index", targets, None, None))
            results.append({"action": described, "status": 200})
    if not changes:
        raise AliasesNotFound(sorted({a for _, _, aliases, _ in plan for a in aliases}))
    for kind, targets, alias_names, spec in changes:
        if kind == "add":
            for target in targets:
                for alias in alias_names:
                    target.aliases[alias] = dict(spec)
        elif kind == "remove":
            for target, alias in targets:
                target.aliases.pop(alias, None)
        else:
            indices.delete([t.name for t in targets])
    errors = any(r["status"] != 200 for r in results)
    answer: dict[str, Any] = {"acknowledged": True, "errors": errors}
    if errors:
        answer["action_results"] = results
    return answer
