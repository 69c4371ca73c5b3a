"""Connectors: what each call of ``/_connector`` does to the state.

Facts from x-pack/plugin/ent-search ``ConnectorIndexService``, ``Connector``, ``ConnectorStateMachine``
and the connector REST actions (../shared/specs/elasticsearch-connectors.md §2.3 and §4, and the
update actions' sources). Updates are partial updates of the stored document: objects are merged,
everything else replaced, and an update that changes nothing answers ``noop``.
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Callable
from typing import Any

from .dates import normalise_instant
from .documents import doc_id_problems, merge_source
from .errors import (
    ActionRequestValidation,
    DocumentMissing,
    InvalidConnectorStatusTransition,
    ResourceNotFound,
    StatusException,
)
from .indices import Doc, index_name_problem
from .sorted_groups import ANY, Order, SortedGroups
from .system_indices import CONNECTORS_INDEX, SystemIndex

CONNECTOR_STATUSES = ("created", "needs_configuration", "configured", "connected", "error")
DEFAULT_CRON = "0 0 0 * * ?"
NATIVE_INDEX_PREFIX = "content-"

# ConnectorStateMachine: the statuses each status may move to through ``_status``.
STATUS_TRANSITIONS = {
    "created": {"needs_configuration", "error"},
    "needs_configuration": {"configured", "error"},
    "configured": {"needs_configuration", "configured", "connected", "error"},
    "connected": {"connected", "configured", "error"},
    "error": {"connected", "configured", "error"},
}

# The order Connector.toInnerXContent writes the fields in at creation; later updates append.
FIELD_ORDER = (
    "api_key_id",
    "api_key_secret_id",
    "configuration",
    "custom_scheduling",
    "description",
    "error",
    "features",
    "filtering",
    "index_name",
    "is_native",
    "language",
    "last_seen",
    "last_access_control_sync_error",
    "last_access_control_sync_status",
    "last_access_control_sync_scheduled_at",
    "last_deleted_document_count",
    "last_incremental_sync_scheduled_at",
    "last_indexed_document_count",
    "last_sync_error",
    "last_sync_scheduled_at",
    "last_sync_status",
    "last_synced",
    "name",
    "pipeline",
    "scheduling",
    "service_type",
    "sync_cursor",
    "status",
    "sync_now",
    "deleted",
)
LAST_SYNC_FIELDS = FIELD_ORDER[FIELD_ORDER.index("last_access_control_sync_error") : FIELD_ORDER.index("name")] + (
    "sync_cursor",
)

CONFIGURATION_ENTRY_ALWAYS = {
    "default_value": None,
    "label": None,
    "required": False,
    "sensitive": False,
    "value": None,
}
CONFIGURATION_ENTRY_OPTIONAL = (
    "category",
    "depends_on",
    "display",
    "options",
    "order",
    "placeholder",
    "tooltip",
    "type",
    "ui_restrictions",
    "validations",
)
RULE_FIELDS = ("created_at", "field", "id", "order", "policy", "rule", "updated_at", "value")
FEATURE_FLAGS = ("document_level_security", "incremental_sync", "native_connector_api_keys")
# The _last_sync fields read as instants (ConnectorUtils.parseNullableInstant), stored as written back.
LAST_SYNC_INSTANTS = (
    "last_access_control_sync_scheduled_at",
    "last_incremental_sync_scheduled_at",
    "last_sync_scheduled_at",
    "last_synced",
)
EMPTY_ID = '[connector_id] cannot be [null] or [""].'


def validate(connector_id: str, *problems: str | None) -> None:
    """An update action's validate(): the empty id first (a path such as ``/_connector//_error``
    routes with one), then the action's own checks, refused together."""
    found = ([EMPTY_ID] if not connector_id else []) + [problem for problem in problems if problem]
    if found:
        raise ActionRequestValidation(found)


def index_name_problems(name: str) -> list[str]:
    """MetadataCreateIndexService.validateIndexOrAliasName, as the connector APIs use it (no
    lower-case rule there), worded as the validation exception lists it."""
    problem = index_name_problem(name, lowercase=False)
    return [] if problem is None else [f"[{name}] InvalidIndexNameException[Invalid index name [{name}], {problem}]"]


def default_rule(now: str, order: int = 0, created_at: str | None = None) -> dict:
    return {
        "created_at": created_at or now,
        "field": "_",
        "id": "DEFAULT",
        "order": order,
        "policy": "include",
        "rule": "regex",
        "updated_at": now,
        "value": ".*",
    }


def _is_default_rule(rule: dict) -> bool:
    return all(
        rule.get(k) == v
        for k, v in (("field", "_"), ("id", "DEFAULT"), ("policy", "include"), ("rule", "regex"), ("value", ".*"))
    )


def default_filtering(now: str) -> list[dict]:
    def rules_block() -> dict:
        return {
            "advanced_snippet": {"created_at": now, "updated_at": now, "value": {}},
            "rules": [default_rule(now)],
            "validation": {"errors": [], "state": "valid"},
        }

    return [{"active": rules_block(), "domain": "DEFAULT", "draft": rules_block()}]


def default_scheduling() -> dict:
    return {kind: {"enabled": False, "interval": DEFAULT_CRON} for kind in ("access_control", "full", "incremental")}


class Connectors:
    """The connectors, keyed by id; each value is the stored document (without ``id``)."""

    def __init__(self, clock, ids, indices):
        self.clock = clock
        self.ids = ids
        # The documents live in the system index, where the document APIs reach them too.
        self.store = SystemIndex(indices, CONNECTORS_INDEX)
        self.sync_jobs = None  # set by the state: deleting a connector may delete its jobs

    @property
    def docs(self):
        """The stored connectors by id (read-only: writes go through :attr:`store`)."""
        return self.store.sources

    # -- reading ---------------------------------------------------------------------------
    def live_doc(self, connector_id: str) -> dict | None:
        doc = self.docs.get(connector_id)
        return None if doc is None or doc.get("deleted") else doc

    def _lookup(self, connector_id: str, include_deleted: bool = False) -> dict:
        """ConnectorIndexService.getConnector: a missing or soft-deleted connector is a 404."""
        doc = self.docs.get(connector_id) if include_deleted else self.live_doc(connector_id)
        if doc is None:
            raise ResourceNotFound(f"connector [{connector_id}] not found")
        return doc

    def get(self, connector_id: str, include_deleted: bool = False) -> dict:
        return {"id": connector_id, **self._lookup(connector_id, include_deleted)}

    def list(
        self,
        *,
        from_: int = 0,
        size: int = 100,
        index_names: list[str] | None = None,
        names: list[str] | None = None,
        service_types: list[str] | None = None,
        query: str | None = None,
        include_deleted: bool = False,
    ) -> tuple[int, list[dict]]:
        """Matching connectors by index name, ascending (connectors without one last)."""
        problems = [p for name in index_names or [] for p in index_name_problems(name)]
        if problems:
            raise ActionRequestValidation(problems)
        view = self._groups()
        listed = None
        if view is not None and from_ >= 0 and size >= 0:
            wanted = (None if include_deleted else [False], index_names or None, names or None, service_types or None)
            docs = self.docs
            listed = view.page(wanted, from_, size, _query_test(query, docs) if query else None)
        if listed is not None:
            total, ids = listed
            return total, [{"id": cid, **self.docs[cid]} for cid in ids]
        return self.scanned(
            from_=from_,
            size=size,
            index_names=index_names,
            names=names,
            service_types=service_types,
            query=query,
            include_deleted=include_deleted,
        )

    def scanned(
        self,
        *,
        from_: int = 0,
        size: int = 100,
        index_names: list[str] | None = None,
        names: list[str] | None = None,
        service_types: list[str] | None = None,
        query: str | None = None,
        include_deleted: bool = False,
    ) -> tuple[int, list[dict]]:
        """The list looking at every connector (what the groups answer when they can)."""
        matches = [
            (cid, doc)
            for cid, doc in self.docs.items()
            if (include_deleted or not doc.get("deleted"))
            and (not index_names or doc.get("index_name") in index_names)
            and (not names or doc.get("name") in names)
            and (not service_types or doc.get("service_type") in service_types)
            and (not query or _query_matches(query, doc))
        ]
        matches.sort(key=lambda item: (item[1].get("index_name") is None, item[1].get("index_name") or ""))
        return len(matches), [{"id": cid, **doc} for cid, doc in matches[from_ : from_ + size]]

    def _groups(self) -> SortedGroups | None:
        """The connectors in the list's order, grouped by what it filters on (ListOrder), kept by every
        write to the connector index; None when there is no index yet."""
        index = self.store.index
        return None if index is None else index.sorted_groups(("connectors", "list"), ListOrder)

    # -- create, overwrite, delete -------------------------------------------------------
    def create_defaults(self, is_native: bool = False) -> dict:
        """The fields create writes whatever the request says."""
        now = self.clock.now()
        return {
            "configuration": {},
            "custom_scheduling": {},
            "filtering": default_filtering(now),
            "is_native": is_native,
            "name": "",
            "scheduling": default_scheduling(),
            "status": "needs_configuration" if is_native else "created",
            "sync_now": False,
            "deleted": False,
        }

    def with_defaults(self, fields: dict[str, Any]) -> dict:
        """A new connector's document: create's defaults, then the given fields, in the server's order."""
        doc = self.create_defaults(bool(fields.get("is_native", False)))
        doc.update({k: v for k, v in fields.items() if v is not None})
        return _in_creation_order(doc)

    def from_fixture(self, doc: dict[str, Any]) -> dict:
        """A stored document from a fixture: a complete one (a state dump) is kept as it is, nulls and
        key order included; a partial one gets create's defaults for what it leaves out."""
        defaults = self.create_defaults(bool(doc.get("is_native", False)))
        missing = {k: v for k, v in defaults.items() if k not in doc}
        return _in_creation_order({**missing, **doc}) if missing else doc

    def put(self, connector_id: str | None, fields: dict[str, Any]) -> tuple[str, str]:
        """``PUT /_connector/{id}`` (or ``POST /_connector``): creates the connector, or overwrites
        it whole with create's defaults and the given fields (which also undoes a soft delete)."""
        index_name = fields.get("index_name")
        problems = index_name_problems(index_name) if index_name is not None else []
        if fields.get("is_native") and index_name is not None and not index_name.startswith(NATIVE_INDEX_PREFIX):
            problems.append(
                f"Index [{index_name}] is invalid. Index attached to an Elastic-managed connector "
                f"must start with the prefix: [{NATIVE_INDEX_PREFIX}]"
            )
        if problems:
            raise ActionRequestValidation(problems)
        if index_name is not None:
            self._check_index_name_free(index_name, connector_id)
        id_problems = doc_id_problems(connector_id)  # the IndexRequest's validate(), after the index name check
        if id_problems:
            raise ActionRequestValidation(id_problems)
        created = connector_id is None or connector_id not in self.docs
        if connector_id is None:
            connector_id = self.ids.new_id()
        self.store.write(connector_id, self.with_defaults(fields))
        return connector_id, "created" if created else "updated"

    def _check_index_name_free(self, index_name: str, own_id: str | None) -> None:
        view = self._groups()
        found = view.page((ListOrder.LIVE, [index_name], None, None), 0, 2) if view is not None else None
        if found is not None:
            taken = any(cid != own_id for cid in found[1])
        else:
            taken = any(
                cid != own_id and not doc.get("deleted") and doc.get("index_name") == index_name
                for cid, doc in self.docs.items()
            )
        if taken:
            raise StatusException(f"Index name [{index_name}] is used by another connector.")

    def delete(self, connector_id: str, *, hard: bool = False, delete_sync_jobs: bool = False) -> None:
        """Soft by default (``deleted: true``); ``hard`` removes the document."""
        if hard:
            if connector_id not in self.docs:
                raise ResourceNotFound(f"connector [{connector_id}] not found")
            self.store.remove(connector_id)
        else:
            self.store.write(connector_id, {**self._lookup(connector_id), "deleted": True})
        if delete_sync_jobs:
            self.sync_jobs.delete_for_connector(connector_id)

    # -- partial updates -------------------------------------------------------------------
    def _update(self, connector_id: str, changes: dict) -> str:
        """A partial update without a lookup first: a missing document is ``document_missing``,
        a soft-deleted one is updated all the same."""
        doc = self.docs.get(connector_id)
        if doc is None:
            index = self.store.for_write()  # the update request creates the index it writes to
            raise DocumentMissing(connector_id, index.name, index.uuid)
        updated = copy.deepcopy(doc)
        if not merge_source(updated, changes):
            return "noop"
        self.store.write(connector_id, updated)
        return "updated"

    def check_in(self, connector_id: str) -> str:
        validate(connector_id)
        return self._update(connector_id, {"last_seen": self.clock.now()})

    def set_error(self, connector_id: str, error: str | None) -> str:
        validate(connector_id)
        return self._update(connector_id, {"error": error, "status": "error" if error else "connected"})

    def set_name(self, connector_id: str, name: str | None, description: str | None) -> str:
        validate(
            connector_id,
            "[name] and [description] cannot both be [null]. Please provide a value for at least one of them."
            if name is None and description is None
            else None,
        )
        return self._update(connector_id, _present(name=name, description=description))

    def set_index_name(self, connector_id: str, index_name: str | None) -> str:
        validate(connector_id, *(index_name_problems(index_name) if index_name is not None else ()))
        if index_name is not None:
            self._check_index_name_free(index_name, connector_id)
        doc = self._lookup(connector_id)
        if doc.get("is_native") and index_name is not None and not index_name.startswith(NATIVE_INDEX_PREFIX):
            raise StatusException(
                f"Index attached to an Elastic-managed connector must start with the prefix: [{NATIVE_INDEX_PREFIX}]. "
                f"The index name in the payload [{index_name}] doesn't comply with this requirement."
            )
        return self._update(connector_id, {"index_name": index_name})

    def set_service_type(self, connector_id: str, service_type: str) -> str:
        validate(connector_id, None if service_type else '[service_type] cannot be [null] or [""].')
        doc = self._lookup(connector_id)
        status = "created" if doc.get("status") == "created" else "needs_configuration"
        return self._update(connector_id, {"service_type": service_type, "status": status})

    def set_native(self, connector_id: str, is_native: bool) -> str:
        validate(connector_id)
        doc = self._lookup(connector_id)
        index_name = doc.get("index_name")
        if is_native and index_name is not None and not index_name.startswith(NATIVE_INDEX_PREFIX):
            raise StatusException(
                f"The index name [{index_name}] attached to the connector [{connector_id}] must start with the "
                f"required prefix: [{NATIVE_INDEX_PREFIX}] to be Elastic-managed. Please update the attached "
                "index first to comply with this requirement."
            )
        status = "configured" if doc.get("status") == "connected" else doc.get("status")
        return self._update(connector_id, {"is_native": is_native, "status": status})

    def set_status(self, connector_id: str, status: str | None) -> str:
        """The one update that follows ConnectorStateMachine."""
        validate(connector_id, "[status] cannot be [null]." if status is None else None)
        current = self._lookup(connector_id).get("status")
        if status not in STATUS_TRANSITIONS.get(current, set()):
            reason = (
                f"Invalid transition attempt from [{current}] to [{status}]. "
                "Such a status transition is not supported by the Connector Protocol."
            )
            raise StatusException(reason, caused_by=InvalidConnectorStatusTransition(reason))
        return self._update(connector_id, {"status": status})

    def set_configuration(self, connector_id: str, configuration: dict | None, values: dict | None) -> str:
        """Either the whole configuration (replaced) or values of known fields; both make it configured."""
        validate(
            connector_id,
            "[configuration] and [values] cannot both be null." if configuration is None and values is None else None,
            "[configuration] and [values] cannot both be provided in the same request."
            if configuration is not None and values is not None
            else None,
        )
        doc = self._lookup(connector_id)
        if configuration is not None:
            doc = copy.deepcopy(doc)
            doc["configuration"] = {key: _configuration_entry(entry) for key, entry in configuration.items()}
            doc["status"] = "configured"
            self.store.write(connector_id, doc)
            return "updated"
        unknown = [key for key in values if key not in doc.get("configuration", {})]
        if unknown:
            raise StatusException(
                f"Unknown [configuration] fields in the request payload: [{', '.join(unknown)}]. "
                "Remove them from request or register their schema first."
            )
        return self._update(
            connector_id, {"configuration": {k: {"value": v} for k, v in values.items()}, "status": "configured"}
        )

    def set_scheduling(self, connector_id: str, scheduling: dict) -> str:
        # The server checks `incremental` twice and `access_control` never, so a body with only
        # `access_control` is refused too.
        validate(
            connector_id,
            "[scheduling] object needs to define at least one schedule type: [full | incremental | access_control]"
            if "full" not in scheduling and "incremental" not in scheduling
            else None,
        )
        changes = {
            kind: {"enabled": value["enabled"], "interval": value["interval"]}
            for kind, value in scheduling.items()
            if kind in ("access_control", "full", "incremental")
        }
        return self._update(connector_id, {"scheduling": changes})

    def set_pipeline(self, connector_id: str, pipeline: dict) -> str:
        validate(connector_id)
        keys = ("extract_binary_content", "name", "reduce_whitespace", "run_ml_inference")
        return self._update(connector_id, {"pipeline": {k: pipeline[k] for k in keys}})

    def set_filtering(
        self, connector_id: str, filtering: list | None, rules: list | None, advanced_snippet: dict | None
    ) -> str:
        """The whole filtering list, or (the usual way) a new draft of rules and/or advanced snippet."""
        validate(
            connector_id,
            "[advanced_snippet] and [rules] cannot be both [null]."
            if filtering is None and rules is None and advanced_snippet is None
            else None,
            "If [filtering] is specified, [rules] and [advanced_snippet] should not be present in the request body."
            if filtering is not None and (rules is not None or advanced_snippet is not None)
            else None,
        )
        now = self.clock.now()
        if filtering is not None:
            normalised = [
                {"active": _rules_block(f["active"], now), "domain": "DEFAULT", "draft": _rules_block(f["draft"], now)}
                for f in filtering
            ]
            return self._update(connector_id, {"filtering": normalised})
        doc = self._lookup(connector_id)
        current = (doc.get("filtering") or default_filtering(now))[0]
        draft = copy.deepcopy(current.get("draft", {}))
        if advanced_snippet is not None:
            draft["advanced_snippet"] = _advanced_snippet(advanced_snippet, now)
        if rules is not None:
            draft["rules"] = _draft_rules(rules, now)
        draft["validation"] = {"errors": [], "state": "edited"}
        filtering = copy.deepcopy(doc.get("filtering") or default_filtering(now))
        filtering[0]["draft"] = {k: draft[k] for k in ("advanced_snippet", "rules", "validation") if k in draft}
        return self._update(connector_id, {"filtering": filtering})

    def set_filtering_validation(self, connector_id: str, validation: dict) -> str:
        validate(connector_id)
        doc = self._lookup(connector_id)
        filtering = copy.deepcopy(doc.get("filtering") or default_filtering(self.clock.now()))
        filtering[0]["draft"]["validation"] = {
            "errors": [{"ids": e["ids"], "messages": e["messages"]} for e in validation["errors"]],
            "state": validation["state"],
        }
        return self._update(connector_id, {"filtering": filtering})

    def activate_filtering(self, connector_id: str) -> str:
        validate(connector_id)
        doc = self._lookup(connector_id)
        filtering = copy.deepcopy(doc.get("filtering") or default_filtering(self.clock.now()))
        state = filtering[0]["draft"].get("validation", {}).get("state")
        if state != "valid":
            raise StatusException(
                "Filtering draft needs to be validated by the connector service before activation. "
                f"Current filtering draft validation state [{state}] is not equal to [valid]."
            )
        filtering[0]["active"] = copy.deepcopy(filtering[0]["draft"])
        return self._update(connector_id, {"filtering": filtering})

    def set_last_sync(self, connector_id: str, stats: dict) -> str:
        """Writes the given, non-null sync info fields; nulls are ignored, not cleared. The instants are
        stored as the server writes an Instant back (UTC, ``Z``, 3 to 9 fraction digits)."""
        validate(connector_id)
        return self._update(
            connector_id,
            {
                k: normalise_instant(stats[k]) if k in LAST_SYNC_INSTANTS else stats[k]
                for k in LAST_SYNC_FIELDS
                if stats.get(k) is not None
            },
        )

    def set_api_key_id(self, connector_id: str, api_key_id: str | None, api_key_secret_id: str | None) -> str:
        validate(
            connector_id,
            "[api_key_id] and [api_key_secret_id] cannot both be [null]. Please provide a value "
            "for at least one of them."
            if api_key_id is None and api_key_secret_id is None
            else None,
        )
        return self._update(connector_id, _present(api_key_id=api_key_id, api_key_secret_id=api_key_secret_id))

    def set_features(self, connector_id: str, features: dict | None) -> str:
        validate(connector_id, "[features] cannot be [null]." if features is None else None)
        changes: dict[str, Any] = {
            flag: {"enabled": features[flag]["enabled"]} for flag in FEATURE_FLAGS if features.get(flag) is not None
        }
        sync_rules = features.get("sync_rules")
        if sync_rules is not None:
            changes["sync_rules"] = {
                kind: {"enabled": sync_rules[kind]["enabled"]}
                for kind in ("advanced", "basic")
                if sync_rules.get(kind) is not None
            }
        return self._update(connector_id, {"features": changes})


def _in_creation_order(doc: dict) -> dict:
    rank = {name: i for i, name in enumerate(FIELD_ORDER)}
    return dict(sorted(doc.items(), key=lambda item: rank.get(item[0], len(rank))))


def _present(**fields: Any) -> dict:
    return {k: v for k, v in fields.items() if v is not None}


def _configuration_entry(entry: dict) -> dict:
    """A configuration field as the server writes it: five keys always, the others when set; keys it
    does not know are dropped (the entry parser is lenient)."""
    normalised = {**CONFIGURATION_ENTRY_ALWAYS, **{k: entry[k] for k in CONFIGURATION_ENTRY_ALWAYS if k in entry}}
    normalised.update({k: entry[k] for k in CONFIGURATION_ENTRY_OPTIONAL if entry.get(k) is not None})
    if "display" in normalised:
        normalised["display"] = normalised["display"].lower()
    return dict(sorted(normalised.items()))


def _instant(value: str | None, now: str) -> str:
    """A timestamp of the request, as the server writes the Instant it parsed; now when not given."""
    return normalise_instant(value) if value else now


def _rule(rule: dict, now: str) -> dict:
    full = {
        **{k: rule[k] for k in RULE_FIELDS if rule.get(k) is not None},
        "created_at": _instant(rule.get("created_at"), now),
        "updated_at": _instant(rule.get("updated_at"), now),
    }
    full["policy"] = full["policy"].lower()
    return {k: full[k] for k in RULE_FIELDS}


def _advanced_snippet(snippet: dict, now: str) -> dict:
    return {
        "created_at": _instant(snippet.get("created_at"), now),
        "updated_at": _instant(snippet.get("updated_at"), now),
        "value": snippet["value"],
    }


def _rules_block(block: dict, now: str) -> dict:
    return {
        "advanced_snippet": _advanced_snippet(block["advanced_snippet"], now),
        "rules": [_rule(r, now) for r in block["rules"]],
        "validation": {
            "errors": [{"ids": e["ids"], "messages": e["messages"]} for e in block["validation"]["errors"]],
            "state": block["validation"]["state"].lower(),
        },
    }


def _draft_rules(rules: list[dict], now: str) -> list[dict]:
    """Custom rules by ``order``, then the DEFAULT rule last, numbered after them."""
    normalised = [_rule(r, now) for r in rules]
    sent_default = next((r for r in normalised if _is_default_rule(r)), None)
    custom = sorted((r for r in normalised if not _is_default_rule(r)), key=lambda r: r["order"])
    order = custom[-1]["order"] + 1 if custom else 0
    created_at = sent_default["created_at"] if sent_default else None
    return custom + [default_rule(now, order, created_at)]


def _wildcard(query: str) -> re.Pattern:
    # The query is wrapped as *query* and not escaped: its own * and ? are wildcards too.
    pattern = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in f"*{query}*")
    return re.compile(pattern + r"\Z", re.DOTALL)


class ListOrder(Order):
    """Connectors.list's order and filters, on the stored values as the list compares them: by index
    name ascending, connectors without one last, ties in index order (``_seq_no``); grouped by
    whether deleted and by the index name, name and service type when they are strings (only a string
    equals a filter's value). An index name of another kind (a document written through ``_doc``)
    has no place in that order: the list looks at every connector while there is one."""

    LIVE = [False]  # the deleted group of connectors not deleted

    def entry(self, doc_id: str, doc: Doc) -> tuple:
        index_name = doc.source.get("index_name")
        return (index_name is None, index_name if isinstance(index_name, str) else "", doc.seq_no, doc_id)

    def groups(self, doc_id: str, doc: Doc) -> tuple[list[tuple], bool]:
        source = doc.source
        choices = [(ANY, bool(source.get("deleted")))]
        for name in ("index_name", "name", "service_type"):
            value = source.get(name)
            choices.append((ANY, value) if isinstance(value, str) else (ANY,))
        index_name = source.get("index_name")
        return list(itertools.product(*choices)), not (index_name is None or isinstance(index_name, str))


def _query_test(query: str, docs) -> Callable[[str], bool]:
    """``query`` as a test of a connector's id (the patterns compiled once)."""
    pattern, lowered = _wildcard(query), _wildcard(query.lower())

    def test(connector_id: str) -> bool:
        return _query_matches(query, docs[connector_id], pattern, lowered)

    return test


def _query_matches(query: str, doc: dict, pattern: re.Pattern | None = None, lowered: re.Pattern | None = None) -> bool:
    """``query`` as the server runs it: ``*query*`` on the keyword fields index_name and name, and on
    the words of description, a text field (lower-cased words, each matched alone)."""
    pattern = pattern or _wildcard(query)
    if any(isinstance(doc.get(f), str) and pattern.match(doc[f]) for f in ("index_name", "name")):
        return True
    description = doc.get("description")
    if not isinstance(description, str):
        return False
    lowered = lowered or _wildcard(query.lower())
    return any(lowered.match(word) for word in re.findall(r"\w+", description.lower()))
