"""Indices and the documents in them: the in-memory document store.

One :class:`Index` per index, with its settings, mapping, aliases and documents. Each index has one
shard: its sequence numbers count every write, ``_primary_term`` is 1, ``_version`` counts the
writes of one id (a deleted id keeps its version, as the tombstone does). Stored sources are never
changed in place: a write replaces the document, so a reader (a scroll, a rendered answer) holding a
source keeps seeing what it read.

Facts from MetadataCreateIndexService, IndexNameExpressionResolver and the document actions (see
/work/notes/es-documents.md in the closing note of the issue that built this).
"""

from __future__ import annotations

import base64
import os
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

from .errors import (
    IllegalArgument,
    IndexAlreadyExists,
    IndexNotFound,
    InvalidAliasName,
    InvalidIndexName,
    VersionConflict,
)
from .fields import FieldIndex
from .mapping import Field, Mapping
from .sorted_groups import Order, SearchOrder, SortedGroups
from .xcontent import java_hashmap_order

_FORBIDDEN = ("\\", "/", "*", "?", '"', "<", ">", "|", " ", ",")
FORBIDDEN_TEXT = ",".join(f"'{c}'" for c in sorted(_FORBIDDEN))
MAX_NAME_BYTES = 255
DEFAULT_SETTINGS = {"index.number_of_shards": "1", "index.number_of_replicas": "1"}


def new_uuid() -> str:
    return base64.urlsafe_b64encode(os.urandom(16)).decode("ascii").rstrip("=")


def index_name_problem(name: str, *, lowercase: bool = True) -> str | None:
    """MetadataCreateIndexService.validateIndexOrAliasName (and, for indices, the lower-case rule)."""
    if not name:
        return "must not be empty"
    if any(c in name for c in _FORBIDDEN):
        return f"must not contain the following characters [{FORBIDDEN_TEXT}]"
    if "#" in name:
        return "must not contain '#'"
    if ":" in name:
        return "must not contain ':'"
    if name[0] in "_-+":
        return "must not start with '_', '-', or '+'"
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        return f"index name is too long, ({len(name.encode('utf-8'))} > {MAX_NAME_BYTES})"
    if name in (".", ".."):
        return "must not be '.' or '..'"
    if lowercase and name.lower() != name:
        return "must be lowercase"
    return None


def check_index_name(name: str) -> None:
    problem = index_name_problem(name)
    if problem is not None:
        raise InvalidIndexName(name, problem)


def flat_settings(settings: dict | None) -> dict[str, str]:
    """Settings as the server keeps them: flat ``index.*`` keys, every value a string."""
    flat: dict[str, str] = {}

    def walk(value: Any, prefix: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{prefix}{key}.")
            return
        key = prefix[:-1]
        if not key.startswith("index."):
            key = "index." + key
        if isinstance(value, list):
            flat[key] = [_setting_text(v) for v in value]  # type: ignore[assignment]
        elif value is not None:
            flat[key] = _setting_text(value)

    walk(settings or {}, "")
    return flat


def _setting_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def nested_settings(flat: dict[str, str]) -> dict:
    """Settings.toXContent: the flat keys, in sorted order, nested into maps that are Java HashMaps
    (so each level is in HashMap order, not alphabetical)."""
    out: dict = {}
    for key in sorted(flat):
        target = out
        *parents, last = key.split(".")
        for part in parents:
            target = target.setdefault(part, {})
        target[last] = flat[key]
    return _in_hashmap_order(out)


def _in_hashmap_order(level: dict) -> dict:
    return {
        key: _in_hashmap_order(level[key]) if isinstance(level[key], dict) else level[key]
        for key in java_hashmap_order(list(level), 2)
    }


class Doc:
    """A stored document: its source and the numbers of its last write."""

    __slots__ = ("source", "seq_no", "version")

    def __init__(self, source: dict, seq_no: int, version: int):
        self.source, self.seq_no, self.version = source, seq_no, version


class Index:
    def __init__(
        self,
        name: str,
        settings: dict | None = None,
        mappings: dict | None = None,
        aliases: dict | None = None,
        *,
        system: bool = False,
        created: int | None = None,
        version_created: str = "",
    ):
        self.name = name
        self.uuid = new_uuid()
        self.creation_date = created if created is not None else int(time.time() * 1000)
        self.settings = {**DEFAULT_SETTINGS, **flat_settings(settings)}
        # The primary and its replicas, as a write counts them (settings do not change after creation).
        auto_expand = self.settings.get("index.auto_expand_replicas", "false") not in ("false", "")
        self.shard_copies = 1 + (0 if auto_expand else int(self.settings.get("index.number_of_replicas", "1")))
        self.version_created = version_created
        self.mapping = Mapping(mappings)
        self.aliases: dict[str, dict] = dict(aliases or {})
        self.system = system
        self.docs: dict[str, Doc] = {}
        self.tombstones: dict[str, int] = {}  # deleted ids and their last version
        self.seq_no = -1
        self.primary_term = 1
        self.fields: dict[str, FieldIndex] = {}  # built on first use
        self.sorted_views: dict[tuple, SortedGroups] = {}  # built on first use
        self.refreshed_seq_no = -1

    # -- what the index is -------------------------------------------------------------------
    @property
    def hidden(self) -> bool:
        return self.settings.get("index.hidden") == "true"

    def settings_xcontent(self, flat_keys: bool = False) -> dict:
        """The settings as GET answers them: nested (HashMap order), or ``flat_settings`` (sorted keys)."""
        flat = dict(self.settings)
        flat.update(
            {"index.creation_date": str(self.creation_date), "index.uuid": self.uuid, "index.provided_name": self.name}
        )
        flat.setdefault("index.routing.allocation.include._tier_preference", "data_content")
        if self.version_created:
            flat["index.version.created"] = self.version_created
        return dict(sorted(flat.items())) if flat_keys else nested_settings(flat)

    def given_settings(self) -> dict[str, str]:
        """The settings as created (what a state dump keeps; uuid and dates are the index's own)."""
        return dict(self.settings)

    # -- documents ---------------------------------------------------------------------------
    def source(self, doc_id: str) -> dict | None:
        doc = self.docs.get(doc_id)
        return None if doc is None else doc.source

    def items(self) -> Iterator[tuple[str, dict]]:
        return ((doc_id, doc.source) for doc_id, doc in self.docs.items())

    def __len__(self) -> int:
        return len(self.docs)

    def check_versions(self, doc_id: str, if_seq_no: int | None, if_primary_term: int | None) -> None:
        """``if_seq_no`` / ``if_primary_term``: the write happens only on that version of the document."""
        if if_seq_no is None and if_primary_term is None:
            return
        doc = self.docs.get(doc_id)
        if doc is None:
            reason = (
                f"[{doc_id}]: version conflict, required seqNo [{if_seq_no}], primary term "
                f"[{if_primary_term}]. but no document was found"
            )
        elif doc.seq_no != if_seq_no or self.primary_term != if_primary_term:
            reason = (
                f"[{doc_id}]: version conflict, required seqNo [{if_seq_no}], primary term [{if_primary_term}]. "
                f"current document has seqNo [{doc.seq_no}] and primary term [{self.primary_term}]"
            )
        else:
            return
        raise VersionConflict(reason, self.name, self.uuid)

    def check_absent(self, doc_id: str) -> None:
        """``op_type=create``: refused when the id exists."""
        doc = self.docs.get(doc_id)
        if doc is not None:
            raise VersionConflict(
                f"[{doc_id}]: version conflict, document already exists (current version [{doc.version}])",
                self.name,
                self.uuid,
            )

    def write(self, doc_id: str, source: dict) -> tuple[Doc, bool]:
        """Stores a source under an id (the mapping checked it before): the new document and whether
        it was created. The document moves to the end of the index's order, as a new Lucene document."""
        old = self.docs.pop(doc_id, None)
        self.seq_no += 1
        if old is not None:
            version = old.version + 1
            for field_index in self.fields.values():
                field_index.remove(doc_id)
            for view in self.sorted_views.values():
                view.remove(doc_id)
        else:
            version = self.tombstones.pop(doc_id, 0) + 1
        doc = self.docs[doc_id] = Doc(source, self.seq_no, version)
        for field_index in self.fields.values():
            field_index.add(doc_id, source)
        for view in self.sorted_views.values():  # after the fields: the views read them
            view.add(doc_id, doc)
        return doc, old is None

    def delete(self, doc_id: str) -> Doc | None:
        """Removes a document: the removed one with the delete's numbers, or None if it was not there."""
        old = self.docs.pop(doc_id, None)
        self.seq_no += 1
        if old is None:
            return None
        for field_index in self.fields.values():
            field_index.remove(doc_id)
        for view in self.sorted_views.values():
            view.remove(doc_id)
        self.tombstones[doc_id] = old.version + 1
        return Doc(old.source, self.seq_no, old.version + 1)

    def clear(self) -> None:
        self.docs.clear()
        self.fields.clear()
        self.sorted_views.clear()

    def field_index(self, path: str) -> FieldIndex | None:
        """The searchable view of a mapped field (None when the field is not mapped or not searchable)."""
        built = self.fields.get(path)
        if built is not None:
            return built
        field = self.mapping.fields.get(path)
        if field is None or field.kind is None or not field.indexed:
            return None
        built = self.fields[path] = FieldIndex(field, self.items())
        return built

    def sorted_groups(self, key: tuple, order: Callable[[], Order]) -> SortedGroups:
        """The documents in an order, grouped (sorted_groups.py): built the first time ``key`` is asked
        for, with ``order()``, and kept by every write from then on."""
        built = self.sorted_views.get(key)
        if built is None:
            built = self.sorted_views[key] = SortedGroups(order(), self.docs.items())
        return built

    def search_groups(self, fields: tuple[str, ...], sort_field: str, descending: bool) -> SortedGroups | None:
        """The documents in the order a search sorting on ``sort_field`` gives, grouped by the values of
        some keyword fields; None when the fields are not ones such a view serves (a search must)."""
        partition_views = [self.field_index(path) for path in fields]
        sort_view = self.field_index(sort_field)
        if not SearchOrder.applies(partition_views, sort_view):
            return None
        return self.sorted_groups(
            ("search", fields, sort_field, descending), lambda: SearchOrder(partition_views, sort_view, descending)
        )

    def field(self, path: str) -> Field | None:
        return self.mapping.fields.get(path)


class Indices:
    """Every index by name, the aliases over them, and how a request's index expression resolves."""

    def __init__(self, version_created: str = ""):
        self.by_name: dict[str, Index] = {}
        self.version_created = version_created  # the IndexVersion new indices are created with
        # Templates of the indices Elasticsearch creates itself (the connector system indices).
        self.templates: dict[str, dict] = {}

    # -- create, get, delete -------------------------------------------------------------------
    def create(self, name: str, body: dict | None = None, *, system: bool | None = None) -> Index:
        check_index_name(name)
        body = body or {}
        existing = self.by_name.get(name)
        if existing is not None:
            raise IndexAlreadyExists(name, existing.uuid)
        if name in self.alias_names():
            raise InvalidIndexName(name, "already exists as alias")
        template = self.templates.get(name, {})
        aliases = {**template.get("aliases", {}), **(body.get("aliases") or {})}
        for alias, spec in aliases.items():
            self.check_alias_name(alias, name)
            check_alias_spec(alias, spec)
        mappings = body.get("mappings") if body.get("mappings") is not None else template.get("mappings")
        settings = {**flat_settings(template.get("settings")), **flat_settings(body.get("settings"))}
        index = Index(
            name,
            settings,
            mappings,
            {a: alias_spec(s) for a, s in aliases.items()},
            system=bool(template) if system is None else system,
            version_created=self.version_created,
        )
        self.by_name[name] = index
        return index

    def get(self, name: str) -> Index | None:
        return self.by_name.get(name)

    def for_write(self, name: str) -> Index:
        """The index a document write goes to: an alias with one index (or its write index), or the
        index itself, created on the fly (action.auto_create_index) when missing."""
        index = self.by_name.get(name)
        if index is not None:
            return index
        targets = self.alias_targets(name)
        if targets:
            writable = [i for i in targets if i.aliases[name].get("is_write_index")]
            if len(targets) == 1 or writable:
                return (writable or targets)[0]
            raise IllegalArgument(
                f"no write index is defined for alias [{name}]. The write index may be explicitly "
                "disabled using is_write_index=false or the alias points to multiple indices "
                "without one being designated as a write index"
            )
        return self.create(name)

    def delete(self, names: list[str]) -> None:
        for name in names:
            self.by_name.pop(name, None)

    # -- aliases ---------------------------------------------------------------------------------
    def alias_names(self) -> set[str]:
        return {alias for index in self.by_name.values() for alias in index.aliases}

    def alias_targets(self, alias: str) -> list[Index]:
        return [index for index in self.by_name.values() if alias in index.aliases]

    def check_alias_name(self, alias: str, index: str) -> None:
        problem = index_name_problem(alias, lowercase=False)
        if problem is not None:
            raise InvalidAliasName(alias, problem)
        if alias in self.by_name and alias != index:
            raise InvalidAliasName(alias, "an index or data stream exists with the same name as the alias")

    # -- index expressions -----------------------------------------------------------------------
    def wildcard_matches(
        self, part: str, states: set[str], authorized: Callable[[str], bool] | None = None
    ) -> list[tuple[str, list[Index]]]:
        """The index and alias names a wildcard matches, each with the indices it stands for: hidden
        ones only when ``states`` has hidden or all (or a dot pattern for dot names); ``authorized``:
        the names it may match (security's narrowing)."""
        if not ("open" in states or "all" in states):
            return []
        include_hidden = "hidden" in states or "all" in states
        pattern = wildcard_pattern(part)
        matches: list[tuple[str, list[Index]]] = []
        for index in self.by_name.values():
            if pattern.match(index.name) and _visible(index, part, include_hidden):
                if authorized is None or authorized(index.name):
                    matches.append((index.name, [index]))
        for alias in sorted(self.alias_names()):
            if pattern.match(alias) and (authorized is None or authorized(alias)):
                targets = [
                    index
                    for index in self.alias_targets(alias)
                    if not index.aliases[alias].get("is_hidden")
                    or include_hidden
                    or (alias.startswith(".") and part.startswith("."))
                ]
                if targets:
                    matches.append((alias, targets))
        return matches

    def resolve(
        self,
        expression: str | list[str] | None,
        *,
        expand_wildcards: str | list[str] = "open",
        ignore_unavailable: bool = False,
        allow_no_indices: bool = True,
        authorized: Callable[[str], bool] | None = None,
    ) -> list[Index]:
        """IndexNameExpressionResolver: names, aliases, wildcards, ``-`` exclusions and ``_all``; hidden
        indices only with ``expand_wildcards`` hidden or all (or a dot pattern for dot indices).
        ``authorized``: the index and alias names a wildcard may match (security's narrowing)."""
        parts = expression_parts(expression)
        states = wildcard_states(expand_wildcards)
        chosen: dict[str, Index] = {}
        if not parts or parts == ["_all"]:
            parts = ["*"]
        wildcard_seen = False
        for position, part in enumerate(parts):
            if part.startswith("-") and position > 0 and wildcard_seen:
                pattern = wildcard_pattern(part[1:])
                for name in [n for n in chosen if pattern.match(n)]:
                    del chosen[name]
                continue
            if "*" in part:
                wildcard_seen = True
                for _, targets in self.wildcard_matches(part, states, authorized):
                    for index in targets:
                        chosen.setdefault(index.name, index)
                continue
            index = self.by_name.get(part)
            if index is not None:
                chosen.setdefault(index.name, index)
                continue
            targets = self.alias_targets(part)
            if targets:
                for target in targets:
                    chosen.setdefault(target.name, target)
                continue
            if not ignore_unavailable:
                if part.startswith("-") and len(parts) == 1:
                    raise IndexNotFound(
                        part,
                        f"no such index [{part}] and if you intended to exclude this index, "
                        "ensure that you use wildcards that include it before explicitly "
                        "excluding it",
                    )
                raise IndexNotFound(part)
        if not chosen and not allow_no_indices:
            raise IndexNotFound(",".join(parts) if parts != ["*"] else "*")
        return list(chosen.values())


def expression_parts(expression: str | list[str] | None) -> list[str]:
    if expression is None:
        return []
    if isinstance(expression, list):
        return [p for e in expression for p in str(e).split(",") if p]
    return [p for p in expression.split(",") if p]


def wildcard_states(expand_wildcards: str | list[str]) -> set[str]:
    """The ``expand_wildcards`` states a request names."""
    return set(expand_wildcards if isinstance(expand_wildcards, list) else str(expand_wildcards).split(","))


def wildcard_pattern(pattern: str) -> re.Pattern:
    return re.compile("".join(".*" if c == "*" else re.escape(c) for c in pattern) + r"\Z", re.DOTALL)


def _visible(index: Index, pattern: str, include_hidden: bool) -> bool:
    if not index.hidden or include_hidden:
        return True
    return index.name.startswith(".") and pattern.startswith(".")


_ALIAS_FLAGS = ("is_write_index", "is_hidden")
_ALIAS_ROUTINGS = ("routing", "index_routing", "search_routing")


def check_alias_spec(alias: str, spec) -> None:
    """AliasMetadata.Builder.fromXContent: flags are booleans, routings strings, the filter an object."""
    if not isinstance(spec, dict):
        raise IllegalArgument(f"Unsupported {_java_kind(spec)} type value [{spec}] for alias [{alias}]")
    for key, value in spec.items():
        wrong = (
            (key in _ALIAS_FLAGS and not isinstance(value, bool))
            or (key in _ALIAS_ROUTINGS and (isinstance(value, (bool, dict, list)) or value is None))
            or (key == "filter" and not isinstance(value, dict))
        )
        if wrong:
            shown = str(value).lower() if isinstance(value, bool) else value
            raise IllegalArgument(
                f"Unsupported {_java_kind(value)} type value [{shown}] for field [{key}] in alias [{alias}]"
            )


def _java_kind(value) -> str:
    return (
        "boolean"
        if isinstance(value, bool)
        else "String"
        if isinstance(value, str)
        else "number"
        if isinstance(value, (int, float))
        else "array"
        if isinstance(value, list)
        else "null"
        if value is None
        else "object"
    )


def alias_spec(spec: dict | None) -> dict:
    """An alias as GET answers it: filter, routing and the two flags, when set."""
    spec = dict(spec or {})
    out: dict = {}
    for key in ("filter", "index_routing", "search_routing", "is_write_index", "is_hidden"):
        if key in spec:
            out[key] = spec[key]
    if "routing" in spec:
        out.setdefault("index_routing", spec["routing"])
        out.setdefault("search_routing", spec["routing"])
    return out
