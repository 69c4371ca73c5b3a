"""The OpenSearch Dashboards version the mock behaves as (``--dashboards-version``): the ``osd-version``
a browser client must send, and the id of the ``config`` saved object. What else differs by version
(routes, types, migrations) is to ask :meth:`Release.at_least` here."""

from __future__ import annotations

from ..versions import release_numbers

# package.json of opensearch-project/OpenSearch-Dashboards at the newest stored main.
DEFAULT_VERSION = "3.6.0"


class Release:
    """One OpenSearch Dashboards version: its number and, later, what depends on it."""

    def __init__(self, version: str):
        self.version = version
        self.major, self.minor, self.patch = release_numbers(version, strict=True)

    def __repr__(self) -> str:
        return f"Release({self.version!r})"

    @property
    def key(self) -> tuple[int, int, int]:
        return self.major, self.minor, self.patch

    def at_least(self, major: int, minor: int = 0, patch: int = 0) -> bool:
        return self.key >= (major, minor, patch)


def checked_version(version: str, setting: str) -> str:
    """``version`` if it is an X.Y.Z, else a ValueError naming the setting that gave it."""
    try:
        Release(str(version))
    except ValueError:
        raise ValueError(f"{setting}: [{version}] is not a version X.Y.Z (3.6.0, say)") from None
    return str(version)
