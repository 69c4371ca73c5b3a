"""Where the schemas and default fixtures are, installed or in a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _resource_dir(name: str) -> Path:
    # A wheel carries them inside the package (see pyproject's force-include); a source checkout or
    # an editable install has them at the top of the repository.
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"mockserver's {name}/ folder is missing next to {_PACKAGE}")


def schemas_dir() -> Path:
    return _resource_dir("schemas")


def default_fixtures_dir() -> Path:
    return _resource_dir("fixtures")
