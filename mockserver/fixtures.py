"""Fixture files: JSON documents that seed the state, one section per product.

A fixture document looks like ``{"elasticsearch": {"connectors": {...}, "sync_jobs": {...}}}``; its
shape is ``schemas/fixture.json``. A path may name a file or a folder (every ``*.json`` in it, in
name order). A bad file fails at start with the file, the place in it and what is wrong.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import FixtureError
from .resources import default_fixtures_dir
from .schemas import Validator

FixtureDocument = tuple[str, dict]  # (where it came from, the parsed document)


def fixture_files(path: str | Path) -> list[Path]:
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.glob("*.json") if p.is_file())
        folder = path.resolve()
        for file in files:
            # A link out of the named folder would load what nobody named.
            if not file.resolve().is_relative_to(folder):
                raise FixtureError(str(file), "", f"resolves to {file.resolve()}, outside the folder {path}")
        return files
    if path.is_file():
        return [path]
    raise FixtureError(str(path), "", "no such file or folder")


def parse_fixture_text(text: str, source: str) -> dict:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as e:
        raise FixtureError(source, f"line {e.lineno} column {e.colno}", f"invalid JSON: {e.msg}") from None
    if not isinstance(document, dict):
        raise FixtureError(source, "", f"a fixture document is a JSON object, not {type(document).__name__}")
    return document


def read_fixture_paths(paths: Iterable[str | Path], include_default: bool) -> Iterator[FixtureDocument]:
    if include_default:
        paths = [default_fixtures_dir(), *paths]
    for path in paths:
        for file in fixture_files(path):
            try:
                text = file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as e:
                raise FixtureError(str(file), "", f"cannot be read: {e}") from None
            yield str(file), parse_fixture_text(text, str(file))


def check_fixture_shape(validator: Validator, document: dict, source: str) -> None:
    """Refuses a document that breaks ``schemas/fixture.json``, naming the first place that does
    (jsonschema's errors, which run only where the compiled validator does not pass the document)."""
    errors = sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        error = errors[0]
        place = "/" + "/".join(str(p) for p in error.absolute_path)
        raise FixtureError(source, place, error.message)
