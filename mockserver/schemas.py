"""The schema registry: every JSON Schema under ``schemas/``, loaded and compiled once at start.

Each schema has two validators (:class:`Validator`): a compiled one (jsonschema-rs) that says fast
whether an instance is valid, the common case, and jsonschema's, which runs only on an instance the
compiled one does not pass and whose errors every product words its messages from.

A route's schema file (``schemas/<product>/<operation>.json``) holds ``request`` (``path``, ``query``,
``body``) and ``responses`` (one schema per HTTP status the route can give). Files refer to each
other with relative ``$ref``s (``_common.json#/$defs/...``); each file's ``$id`` is derived from its
path, so a file never has to state it.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .errors import ResponseSchemaViolation

BASE_URI = "https://mockserver.invalid/schemas/"
REQUEST_PARTS = ("path", "query", "body")
# The ``format`` values schemas may name: none built in; a product registers the ones it reads
# (``FORMATS.checks(name)``), and a value its check refuses is a ``format`` validation error.
FORMATS = FormatChecker(formats=())


class _Format:
    """The compiled validators' ``format``: the registered checks of :data:`FORMATS`, as jsonschema
    applies them (to a value of any type: ``int64`` bounds numbers; an unregistered format passes).
    jsonschema-rs's own ``format`` would check strings only, by its own formats."""

    def __init__(self, parent_schema: dict, value: str, schema_path: list):
        self.format = value

    def validate(self, instance: Any) -> None:
        if not FORMATS.conforms(instance, self.format):
            raise ValueError(f"not a {self.format}")


class Validator:
    """One schema's two validators. The compiled one (jsonschema-rs, built on first use) answers
    whether an instance is valid; jsonschema's runs only where it does not say so, and is the one
    whose errors are worded (its messages and paths are what the products' error bodies are made of).
    Where the two could disagree (a value jsonschema-rs cannot read, a Python regex that matches
    where the compiled one does not), jsonschema decides: the compiled one only ever lets through
    what it finds valid, and tests/test_compiled_fast_paths.py holds it to jsonschema's verdict."""

    __slots__ = ("checker", "_compile", "_compiled")

    def __init__(self, checker: Draft202012Validator, compile: Callable[[], Any]):
        self.checker = checker  # jsonschema's
        self._compile = compile
        self._compiled: Any = None

    @property
    def schema(self) -> dict:
        return self.checker.schema

    def compiled(self) -> Any:
        """The jsonschema-rs validator."""
        compiled = self._compiled
        if compiled is None:  # two threads may both compile: either result is the same validator
            compiled = self._compiled = self._compile()
        return compiled

    def passes(self, instance: Any) -> bool:
        """The compiled validator's verdict: True only for an instance it finds valid."""
        compiled = self.compiled()
        try:
            return compiled.is_valid(instance)
        except (ValueError, TypeError, OverflowError, RecursionError):  # a value it cannot read (a str subclass)
            return False

    def iter_errors(self, instance: Any) -> Iterator[ValidationError]:
        """jsonschema's errors of the instance: none, without running it, where the compiled one passes it."""
        if self.passes(instance):
            return iter(())
        return self.checker.iter_errors(instance)

    def is_valid(self, instance: Any) -> bool:
        return self.passes(instance) or self.checker.is_valid(instance)


@dataclass
class OperationSchemas:
    """The compiled validators of one route."""

    name: str
    document: dict
    request: dict[str, Validator] = field(default_factory=dict)
    responses: dict[int, Validator] = field(default_factory=dict)

    def request_errors(self, part: str, instance: Any) -> list[ValidationError]:
        validator = self.request.get(part)
        if validator is None or (part == "query" and not instance and not validator.schema.get("required")):
            return []  # no such part, or no query parameters where none is required: nothing to check
        return sorted(validator.iter_errors(instance), key=_error_order)

    def request_schema(self, part: str) -> dict:
        return self.document.get("request", {}).get(part) or {}

    def check_response(self, status: int, body: Any) -> None:
        validator = self.responses.get(status)
        if validator is None:
            raise ResponseSchemaViolation(self.name, f"status {status} is not a declared response")
        error = next(iter(sorted(validator.iter_errors(body), key=_error_order)), None)
        if error is not None:
            raise ResponseSchemaViolation(self.name, describe(error))


def _routing_guarantees(path_schema: dict) -> bool:
    """Whether the router already ensures what a path schema asks: every parameter present, each a
    non-empty string, nothing else. Such a schema is documentation; checking it could never fail."""
    properties = path_schema.get("properties", {})
    return (
        path_schema.get("type") == "object"
        and path_schema.get("additionalProperties") is False
        and set(path_schema.get("required", [])) == set(properties)
        and all(spec == {"type": "string"} for spec in properties.values())
    )


def _error_order(error: ValidationError) -> tuple:
    return (len(error.path), [str(p) for p in error.path])


def describe(error: ValidationError) -> str:
    where = "/" + "/".join(str(p) for p in error.absolute_path)
    return f"{where}: {error.message}"


class SchemaRegistry:
    """Loads every schema document under a folder and hands out compiled validators. Nothing in it
    changes once loaded, so every app of a process shares one per folder (``SchemaRegistry.of``)."""

    @classmethod
    @functools.cache
    def of(cls, root: Path) -> SchemaRegistry:
        return cls(root)

    def __init__(self, root: Path):
        self.root = Path(root)
        self.documents: dict[str, dict] = {}
        resources = []
        for path in sorted(self.root.rglob("*.json")):
            name = path.relative_to(self.root).with_suffix("").as_posix()
            document = json.loads(path.read_text(encoding="utf-8"))
            document.setdefault("$id", BASE_URI + name + ".json")
            document.setdefault("$schema", "https://json-schema.org/draft/2020-12/schema")
            self.documents[name] = document
            resources.append((document["$id"], Resource.from_contents(document, DRAFT202012)))
        self.registry = Registry().with_resources(resources)
        self._operations: dict[str, OperationSchemas] = {}
        self._validators: dict[str, Validator] = {}
        self._compiled_registry: Any = None
        self._compiled_registry_lock = threading.Lock()

    def compiled_registry(self) -> Any:
        """Every document, for jsonschema-rs to resolve ``$ref``s in (built on the first compile)."""
        with self._compiled_registry_lock:
            if self._compiled_registry is None:
                import jsonschema_rs  # here: an app that validates nothing never loads it

                self._compiled_registry = jsonschema_rs.Registry(
                    [(document["$id"], document) for document in self.documents.values()]
                )
            return self._compiled_registry

    def compiled_validator(self, schema: dict) -> Any:
        """A jsonschema-rs validator of a schema whose references resolve among the documents."""
        import jsonschema_rs

        return jsonschema_rs.Draft202012Validator(
            schema, registry=self.compiled_registry(), keywords={"format": _Format}, offline=True
        )

    def _checked(self, schema: dict) -> Validator:
        checker = Draft202012Validator(schema, registry=self.registry, format_checker=FORMATS)
        return Validator(checker, lambda: self.compiled_validator(schema))

    def validator(self, name: str, pointer: str = "") -> Validator:
        """The validator of a schema document, or of the part of it at a JSON pointer. A part that
        is only a ``$ref`` shares the validator of what it refers to (most error responses do)."""
        uri = BASE_URI + name + ".json"
        part = self.documents[name]
        for step in pointer.strip("/").split("/") if pointer else ():
            part = part[step]
        if isinstance(part, dict) and set(part) == {"$ref"}:
            uri = urljoin(uri, part["$ref"])
        elif pointer:
            uri += "#" + pointer
        validator = self._validators.get(uri)
        if validator is None:
            validator = self._validators[uri] = self._checked({"$ref": uri})
        return validator

    def part_validator(self, name: str, part: dict) -> Validator:
        """A validator of a part of a document, rooted at the part itself (requests are validated on
        every call, and resolving a top-level ``$ref`` first would double the cost). The part is
        given the document's base URI and ``$defs``, so its references resolve as in the document."""
        standalone = {**part, "$id": BASE_URI + name + ".json"}
        if "$defs" in self.documents[name]:
            standalone["$defs"] = {**self.documents[name]["$defs"], **part.get("$defs", {})}
        return self._checked(standalone)

    def operation(self, name: str) -> OperationSchemas:
        """The validators of one route, compiled on first use (the app asks for all at start)."""
        compiled = self._operations.get(name)
        if compiled is None:
            document = self.documents.get(name)
            if document is None:
                raise KeyError(f"no schema file {name}.json under {self.root}")
            compiled = OperationSchemas(name, document)
            for part in REQUEST_PARTS:
                schema = document.get("request", {}).get(part)
                if schema is not None and not (part == "path" and _routing_guarantees(schema)):
                    compiled.request[part] = self.part_validator(name, schema)
            for status in document.get("responses", {}):
                compiled.responses[int(status)] = self.validator(name, f"/responses/{status}")
            self._operations[name] = compiled
        return compiled

    def compile(self, names: Iterable[str]) -> None:
        for name in names:
            self.operation(name)
