"""The OpenSearch Dashboards version the mock behaves as (``--dashboards-version``) and what follows from
it: the ``osd-version`` a browser client must send, the id of the ``config`` saved object, the Node.js
release whose ``JSON.parse`` words an import's bad line, the route parameters that exist, and the
built-in saved-object types (``types.py``). The model asks :meth:`Release.at_least`.

Facts by release, from OpenSearch-Dashboards' sources and changelogs:

* Node.js (the runtime its distribution bundles; ``.node-version``, ``.nvmrc``): 1.x Node 10.24.1 (the
  move to 14, #1028, went to 2.0: "Bump to node version 14.19.1" is 2.0.0's breaking change, #1487);
  2.10.0 Node 18.16.0 (#4948; 18.19.0 from 2.12, #5830); 3.0.0 Node 20.18 (``.node-version``
  20.18.3); 3.5.0 Node 22 ("Update node to 22.21.1", #11076, which opensearch-build ships "to support
  OSD in 3.5.0"). ``JSON.parse`` words its errors one way on Node 10, 14 and 18 (checked on 10.24.1,
  14.21.3, 18.20.4), V8's rewritten way on 20, and that way with ``(line L column C)`` after each
  position on 22.
* Route parameters (``x-osd-since`` in the route's schema file): ``dataSourceId`` on ``_import`` and
  ``_resolve_import_errors`` since 2.12.0 (#5777, #5781, labelled v2.12.0); ``dataSourceEnabled`` on
  ``_import`` since 2.15.0 (#6395 on main, its 2.x backport #6913 in the 2.15.0 release notes);
  ``workspaces`` on find, create, bulk_create, export, import and resolve_import_errors since 2.14.0
  (#5949 "Optional workspaces params in repository", #6014 "Consume workspace id in saved object
  client", both in the 2.14.0 release notes). Every route the mock serves is registered by
  ``routes/index.ts`` from 1.0 on (the Kibana 7.10.2 fork: ``_log_legacy_import`` and the internal
  ``_migrate`` among them).
"""

from __future__ import annotations

from typing import Any

from ..versions import release_numbers
from .errors import ParameterNotInRelease

# package.json of opensearch-project/OpenSearch-Dashboards at the newest stored main.
DEFAULT_VERSION = "3.6.0"

# (first release, Node.js major its distribution runs on), oldest first (see above).
NODE_BY_RELEASE = (
    ((1, 0, 0), 10),
    ((2, 0, 0), 14),
    ((2, 10, 0), 18),
    ((3, 0, 0), 20),
    ((3, 5, 0), 22),
)

# The schema keyword that marks a request parameter newer than OSD 1.0: the first release whose route
# validation has it (a property without it is in every release).
SINCE = "x-osd-since"


class Release:
    """One OpenSearch Dashboards version: its number, and the Node.js it runs on."""

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

    def has(self, since: str | None) -> bool:
        """Whether a thing first released in ``since`` (an X.Y.Z; None: always there) is in this release."""
        return since is None or self.key >= release_numbers(since, strict=True)

    @property
    def node_major(self) -> int:
        """The major version of the Node.js this release runs on (see NODE_BY_RELEASE)."""
        node = NODE_BY_RELEASE[0][1]
        for first, major in NODE_BY_RELEASE:
            if self.key >= first:
                node = major
        return node


def checked_version(version: str, setting: str) -> str:
    """``version`` if it is an X.Y.Z, else a ValueError naming the setting that gave it."""
    try:
        Release(str(version))
    except ValueError:
        raise ValueError(f"{setting}: [{version}] is not a version X.Y.Z (3.6.0, say)") from None
    return str(version)


def refuse_newer_parameters(release: Release, part: str, schema: dict, value: Any) -> None:
    """config-schema's 400 for the first key of a request's ``part`` (query or body) that the route's
    validation does not have at ``release`` (a property whose ``x-osd-since`` is newer). Called once the
    request passed the schema: Joi checks the keys a schema defines before it refuses one it does not."""
    if not isinstance(value, dict):
        return
    properties = schema.get("properties") or {}
    for key in value:
        if not release.has((properties.get(key) or {}).get(SINCE)):
            raise ParameterNotInRelease(part, key)
