"""An index's mapping: the fields it declares, the ones dynamic mapping adds as documents come, and
the checks a document meets on the way in (DocumentParser, DynamicFieldsBuilder).

The mapping body is kept as Elasticsearch returns it (properties sorted by name); ``fields`` is the
flat view the queries read: ``"connector.id"`` -> its :class:`Field`, multi-fields included
(``"name.keyword"``, read from ``name``).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .dates import DateParseError, date_value, is_iso_date
from .errors import DocumentParsingError, IllegalArgument, MapperParsingError, StrictDynamicMapping

NUMERIC_TYPES = {"long", "integer", "short", "byte", "double", "float", "half_float", "scaled_float", "unsigned_long"}
INTEGER_TYPES = {"long", "integer", "short", "byte", "unsigned_long"}
# How each mapped type is searched: exact terms (keyword), analysed text, numbers, dates, booleans.
KINDS = {
    "keyword": "keyword",
    "constant_keyword": "keyword",
    "wildcard": "keyword",
    "text": "text",
    "match_only_text": "text",
    "date": "date",
    "date_nanos": "date",
    "boolean": "boolean",
    **{t: "number" for t in NUMERIC_TYPES},
}
OBJECT_TYPES = {"object", "nested", "flattened"}
KNOWN_TYPES = (
    set(KINDS)
    | OBJECT_TYPES
    | {
        "binary",
        "ip",
        "geo_point",
        "geo_shape",
        "dense_vector",
        "sparse_vector",
        "semantic_text",
        "rank_feature",
        "rank_features",
        "alias",
        "version",
        "search_as_you_type",
        "completion",
        "token_count",
        "histogram",
        "integer_range",
        "long_range",
        "float_range",
        "double_range",
        "date_range",
        "ip_range",
        "point",
        "shape",
        "percolator",
        "join",
    }
)
DYNAMIC_KEYWORD = {"type": "keyword", "ignore_above": 256}
# Types whose fields take any JSON scalar as it is (a keyword indexes a number's text).
ACCEPT_ANY_SCALAR = {
    "keyword",
    "text",
    "match_only_text",
    "wildcard",
    "constant_keyword",
    "flattened",
    "binary",
    "search_as_you_type",
    "version",
}
_CHECKED_TYPES = NUMERIC_TYPES | {"boolean", "date", "date_nanos"}  # the types _check_value checks
_SCALARS = (str, int, float, bool)
_SLASHED_DATE = re.compile(r"^\d{4}/\d{2}/\d{2}( \d{2}:\d{2}:\d{2})? [+-]\d{4}$")
_INTEGER_LIMITS = {"long": 2**63, "integer": 2**31, "short": 2**15, "byte": 2**7}


@dataclass(frozen=True)
class Field:
    path: str
    type: str
    source_path: str  # where its values are in the source (a multi-field reads its parent's)
    ignore_above: int | None = None
    indexed: bool = True

    @property
    def kind(self) -> str | None:
        return KINDS.get(self.type)


def _rendered(spec: dict) -> dict:
    out = {}
    for key, value in spec.items():
        if key == "properties" and isinstance(value, dict):
            out[key] = {name: _rendered_field(field) for name, field in value.items()}
        else:
            out[key] = copy.deepcopy(value)
    return out


def _rendered_field(spec: dict) -> dict:
    if "type" not in spec and not spec.get("properties"):
        rest = {k: copy.deepcopy(v) for k, v in spec.items() if k != "properties"}
        return {"type": "object", **rest}
    return _rendered(spec)


def _sorted_properties(properties: dict) -> dict:
    out = {}
    for name in sorted(properties):
        spec = dict(properties[name])
        if "properties" in spec:
            spec["properties"] = _sorted_properties(spec["properties"])
        if "fields" in spec:
            spec["fields"] = {k: spec["fields"][k] for k in sorted(spec["fields"])}
        out[name] = spec
    return out


class Mapping:
    """One index's mapping: ``body`` as returned by ``GET _mapping``, ``fields`` by path."""

    def __init__(self, body: dict | None = None):
        body = copy.deepcopy(body) if body else {}
        body.pop("_doc", None)
        check_mapping(body)
        if "properties" in body:
            body["properties"] = _sorted_properties(_expand_dots(body["properties"]))
        self.body = body
        self.fields: dict[str, Field] = {}
        self._reindex()

    def _reindex(self) -> None:
        self.fields = {}

        def walk(properties: dict, prefix: str) -> None:
            for name, spec in properties.items():
                path = prefix + name
                kind = spec.get("type", "object" if "properties" in spec or "type" not in spec else None)
                self.fields[path] = Field(
                    path, kind, path, spec.get("ignore_above"), spec.get("index", True) is not False
                )
                for sub, sub_spec in (spec.get("fields") or {}).items():
                    self.fields[f"{path}.{sub}"] = Field(
                        f"{path}.{sub}",
                        sub_spec.get("type", "keyword"),
                        path,
                        sub_spec.get("ignore_above"),
                        sub_spec.get("index", True) is not False,
                    )
                if "properties" in spec:
                    walk(spec["properties"], path + ".")

        walk(self.body.get("properties", {}), "")
        # The top level's concrete fields, for index_document's fast path: a scalar for one of them
        # needs at most its value checked (the type when it has a check, None when any scalar goes).
        self._scalar_fields = {
            name: (kind if kind in _CHECKED_TYPES else None)
            for name, spec in self.body.get("properties", {}).items()
            if (kind := spec.get("type")) is not None and kind not in ("object", "nested")
        }

    def to_xcontent(self) -> dict:
        """The mapping as GET _mapping writes it: an object shows ``"type": "object"`` only when it has
        no properties (ObjectMapper.toXContent)."""
        return _rendered(self.body)

    def merge(self, body: dict) -> None:
        """``PUT _mapping``: new fields are added, an existing field keeps its type (a different one is
        refused)."""
        check_mapping(body, failed="")
        properties = _expand_dots(body.get("properties", {}))
        self._merge_properties(self.body.setdefault("properties", {}), properties, "")
        for key, value in body.items():
            if key != "properties":
                self.body[key] = copy.deepcopy(value)
        self.body["properties"] = _sorted_properties(self.body["properties"])
        self._reindex()

    def _merge_properties(self, target: dict, changes: dict, prefix: str) -> None:
        for name, spec in changes.items():
            current = target.get(name)
            if current is None:
                target[name] = copy.deepcopy(spec)
                continue
            old_type = current.get("type", "object")
            new_type = spec.get("type", "object")
            if old_type != new_type:
                raise IllegalArgumentMapper(
                    f"mapper [{prefix}{name}] cannot be changed from type [{old_type}] to [{new_type}]"
                )
            if "properties" in spec:
                self._merge_properties(current.setdefault("properties", {}), spec["properties"], f"{prefix}{name}.")
            for key, value in spec.items():
                if key != "properties":
                    current[key] = copy.deepcopy(value)

    # -- documents on the way in -------------------------------------------------------------
    def index_document(self, source: dict, doc_id: str | None, location: Callable[[tuple], tuple[int, int]]) -> None:
        """Checks a document against the mapping and adds the fields dynamic mapping adds (the
        mapping changes only when the whole document is fine). ``location(path)`` gives the line and
        column of a value, for the error."""
        additions: dict = {}
        properties, dynamic, scalar_fields = (
            self.body.get("properties", {}),
            self.body.get("dynamic", True),
            self._scalar_fields,
        )
        for key, value in source.items():
            if key in scalar_fields and type(value) in _SCALARS:
                kind = scalar_fields[key]
                if kind is not None:
                    _check_value(key, kind, value, doc_id, lambda key=key: location((key,)))
                continue
            self._document_object({key: value}, properties, additions, "", (), dynamic, doc_id, location)
        if additions:
            self._merge_properties(self.body.setdefault("properties", {}), additions, "")
            self.body["properties"] = _sorted_properties(self.body["properties"])
            self._reindex()

    def _document_object(
        self, obj: dict, properties: dict, additions: dict, prefix: str, place: tuple, dynamic, doc_id, location
    ) -> None:
        for key, value in obj.items():
            spec = properties.get(key)
            if spec is not None and value is not None and type(value) not in (dict, list):
                # The common case, kept short: a scalar for a field the mapping has (a mapped name is valid).
                kind = spec.get("type")
                if kind not in ACCEPT_ANY_SCALAR:
                    if kind is None or kind in ("object", "nested"):
                        self._document_value(
                            value, [key], properties, additions, prefix, place + (key,), dynamic, doc_id, location
                        )
                    else:
                        _check_value(prefix + key, kind, value, doc_id, lambda key=key: location(place + (key,)))
                continue
            if not key or key.strip() == "" or key.startswith(".") or key.endswith(".") or ".." in key:
                reason = (
                    f"field name cannot contain only whitespace: ['{key}']"
                    if key and not key.strip()
                    else "field name cannot be an empty string"
                    if not key
                    else "object field cannot contain only dots"
                    if not key.strip(".")
                    else f"field name '{key}' cannot contain '..'"
                    if ".." in key
                    else f"field name cannot start or end with a dot: '{key}'"
                    if key.startswith(".")
                    else f"field name [{key}] cannot end with '.'"
                )
                raise DocumentParsingError(reason, location(place + (key,)))
            steps = key.split(".")
            self._document_value(value, steps, properties, additions, prefix, place + (key,), dynamic, doc_id, location)

    def _document_value(
        self,
        value: Any,
        steps: list[str],
        properties: dict,
        additions: dict,
        prefix: str,
        place: tuple,
        dynamic,
        doc_id,
        location,
    ) -> None:
        name, rest = steps[0], steps[1:]
        path = prefix + name
        spec = properties.get(name)
        added = additions.get(name)
        if rest:  # a dotted key: objects along the way
            if spec is None and added is None:
                if not self._may_add(dynamic, path, prefix, place, location):
                    return
                added = additions.setdefault(name, {"properties": {}})
            child_dynamic = (spec or {}).get("dynamic", dynamic)
            self._document_value(
                value,
                rest,
                (spec or {}).get("properties", {}),
                (added if added is not None else additions.setdefault(name, {"properties": {}})).setdefault(
                    "properties", {}
                ),
                path + ".",
                place,
                child_dynamic,
                doc_id,
                location,
            )
            if added is not None and not added.get("properties") and spec is not None:
                additions.pop(name, None)
            return
        if value is None:
            return
        if isinstance(value, list):
            for item in value:
                self._document_value(item, steps, properties, additions, prefix, place, dynamic, doc_id, location)
            return
        declared = spec if spec is not None else added
        if declared is None:
            if not self._may_add(dynamic, path, prefix, place, location):
                return
            declared = additions[name] = _dynamic_spec(value)
            if declared is None:
                return
            if isinstance(value, dict):
                self._document_object(value, {}, declared["properties"], path + ".", place, dynamic, doc_id, location)
            return
        kind = declared.get("type", "object")
        if isinstance(value, dict):
            if kind in ("object", "nested"):
                child = declared.get("properties", {})
                child_additions = additions.setdefault(name, {"properties": {}}) if spec is not None else declared
                self._document_object(
                    value,
                    child,
                    child_additions.setdefault("properties", {}),
                    path + ".",
                    place,
                    declared.get("dynamic", dynamic),
                    doc_id,
                    location,
                )
                if spec is not None and not additions[name]["properties"]:
                    additions.pop(name)
                return
            if kind == "flattened" or kind not in KINDS:
                return
            raise _field_error(path, kind, value, doc_id, location(place))
        if kind in ("object", "nested"):
            raise DocumentParsingError(
                f"object mapping for [{path}] tried to parse field [{path.rsplit('.', 1)[-1]}] "
                "as object, but found a concrete value",
                location(place),
            )
        _check_value(path, kind, value, doc_id, lambda: location(place))

    def _may_add(self, dynamic, path: str, prefix: str, place: tuple, location) -> bool:
        if dynamic == "strict" or dynamic == "Strict":
            within = prefix[:-1] if prefix else "_doc"
            raise StrictDynamicMapping(
                f"mapping set to strict, dynamic introduction of [{path.rsplit('.', 1)[-1]}] "
                f"within [{within}] is not allowed",
                location(place),
            )
        return dynamic not in (False, "false")


class IllegalArgumentMapper(ValueError):
    """A mapping update the existing mapping refuses (raised as the server's illegal_argument)."""


def check_mapping(body: Any, failed: str = "Failed to parse mapping: ") -> None:
    """The mapping parser's refusals the mock knows: a body or properties that are not objects, an
    empty field name, a type nobody registered. ``failed``: the prefix create index gives them."""

    def refuse(reason: str) -> MapperParsingError:
        return MapperParsingError(failed + reason, caused_by=MapperParsingError(reason) if failed else None)

    def walk(properties: Any, owner: str) -> None:
        if not isinstance(properties, dict):
            raise refuse(
                f"Expected map for property [properties] on field [{owner}] but got a {_java_class(properties)}"
            )
        for name, spec in properties.items():
            if name == "":
                raise IllegalArgument("field name cannot be an empty string")
            if not isinstance(spec, dict):
                raise refuse(f"Expected map for property [fields] on field [{name}] but got a {_java_class(spec)}")
            kind = spec.get("type")
            if kind is not None and kind not in KNOWN_TYPES:
                raise refuse(
                    f"The mapper type [{kind}] declared on field [{name}] does not exist. It might have been "
                    "created within a future version or requires a plugin to be installed. Check the "
                    "documentation."
                )
            if "properties" in spec:
                walk(spec["properties"], name)

    if not isinstance(body, dict):
        raise refuse(f"Expected map for property [mappings] but got a {_java_class(body)}")
    if "properties" in body:
        walk(body["properties"], "_doc")


def _java_class(value: Any) -> str:
    return "class " + {
        str: "java.lang.String",
        bool: "java.lang.Boolean",
        int: "java.lang.Integer",
        float: "java.lang.Double",
        list: "java.util.ArrayList",
    }.get(type(value), "java.lang.Object")


def _expand_dots(properties: dict) -> dict:
    """``{"a.b": {...}}`` in a mapping is the object ``a`` with the field ``b``."""
    out: dict = {}
    for name, spec in properties.items():
        spec = dict(spec)
        if "properties" in spec:
            spec["properties"] = _expand_dots(spec["properties"])
        if "." in name:
            head, _, tail = name.partition(".")
            holder = out.setdefault(head, {"properties": {}}).setdefault("properties", {})
            holder.update(_expand_dots({tail: spec}))
        else:
            out[name] = spec
    return out


def _dynamic_spec(value: Any) -> dict | None:
    """DynamicFieldsBuilder's defaults: date-looking strings are dates, other strings text with a
    ``keyword`` sub-field, integers long, other numbers float."""
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "long"}
    if isinstance(value, float):
        return {"type": "float"}
    if isinstance(value, str):
        if _looks_like_date(value):
            return {"type": "date"}
        return {"type": "text", "fields": {"keyword": dict(DYNAMIC_KEYWORD)}}
    if isinstance(value, dict):
        return {"properties": {}}
    return None


def _looks_like_date(text: str) -> bool:
    # dynamic_date_formats: strict_date_optional_time and yyyy/MM/dd HH:mm:ss Z||yyyy/MM/dd Z; a string
    # that reads as a number is never a date (DynamicFieldsBuilder checks that first).
    try:
        float(text)
        return False
    except ValueError:
        pass
    return is_iso_date(text) or bool(_SLASHED_DATE.match(text))


def _check_value(path: str, kind: str, value: Any, doc_id: str | None, where: Callable[[], tuple[int, int]]) -> None:
    """A value against its field's type (``where`` gives its line and column, for the error only)."""
    if type(value) is int and kind in _INTEGER_LIMITS and -_INTEGER_LIMITS[kind] <= value < _INTEGER_LIMITS[kind]:
        return  # the common case, first
    if kind in NUMERIC_TYPES:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise _field_error(path, kind, value, doc_id, where)
        if isinstance(value, str):
            try:
                number = float(value.strip())
            except ValueError:
                raise _field_error(path, kind, value, doc_id, where, cause=f'For input string: "{value}"') from None
        else:
            number = value
        limit = _INTEGER_LIMITS.get(kind)
        if limit is not None and not -limit <= number < limit:
            raise _field_error(
                path,
                kind,
                value,
                doc_id,
                where,
                cause=f"Value [{value}] is out of range for {'a long' if kind == 'long' else 'an ' + kind}",
            )
    elif kind == "boolean":
        if not (isinstance(value, bool) or value in ("true", "false", "")):
            raise _field_error(
                path,
                kind,
                value,
                doc_id,
                where,
                cause=f"Failed to parse value [{value}] as only [true] or [false] are allowed.",
            )
    elif kind in ("date", "date_nanos"):
        try:
            date_value(value)
        except DateParseError:
            raise _field_error(
                path,
                kind,
                value,
                doc_id,
                where,
                cause=f"failed to parse date field [{value}] with format [strict_date_optional_time||epoch_millis]",
            ) from None


def _preview(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_preview(v)}" for k, v in value.items()) + "}"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _field_error(
    path: str, kind: str, value: Any, doc_id: str | None, where, cause: str | None = None
) -> DocumentParsingError:
    if callable(where):
        where = where()
    who = f"'{doc_id}'" if doc_id is not None else "'null'"
    reason = (
        f"failed to parse field [{path}] of type [{kind}] in document with id {who}. "
        f"Preview of field's value: '{_preview(value)}'"
    )
    return DocumentParsingError(reason, where, caused_by=IllegalArgument(cause) if cause else None)


def values_at(source: dict, path: str) -> list:
    """The leaf values of a field in a source document, arrays flattened, dotted keys followed as
    the object paths they stand for."""
    found: list = []
    _collect(source, path, found)
    return found


def _collect(value: Any, path: str, found: list) -> None:
    if isinstance(value, list):
        for item in value:
            _collect(item, path, found)
        return
    if not isinstance(value, dict):
        return
    direct = value.get(path)
    if direct is not None:
        if isinstance(direct, list):
            found.extend(_leaves(direct))
        elif not isinstance(direct, dict):
            found.append(direct)
    if "." in path:
        head, _, tail = path.partition(".")
        child = value.get(head)
        if child is not None:
            _collect(child, tail, found)
        # a key that itself has dots ("a.b" holding {"c": 1}) for the path a.b.c
        for key, child in value.items():
            if "." in key and path.startswith(key + ".") and key != head:
                _collect(child, path[len(key) + 1 :], found)


def _leaves(items: list) -> list:
    out = []
    for item in items:
        if isinstance(item, list):
            out.extend(_leaves(item))
        elif item is not None and not isinstance(item, dict):
            out.append(item)
    return out
