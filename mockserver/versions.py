"""Product version numbers, one reading for every product: ``X.Y.Z``, then an optional pre-release
(``-beta.1``) and build (``+abc``). Ordered as node-semver orders them (Kibana's and OpenSearch
Dashboards' migrations compare with it): by the numbers, a pre-release before its release, its
identifiers numeric before alphanumeric; the build does not count."""

from __future__ import annotations

import functools


def release_numbers(version: str, strict: bool = False) -> tuple[int, int, int]:
    """The ``(major, minor, patch)`` of a version, its pre-release left out (``9.1.0-SNAPSHOT`` is a 9.1
    for what a release has). Not strict: a part that is not a number counts as 0, missing parts too."""
    core = str(version).partition("+")[0].partition("-")[0]
    parts = core.split(".")
    if strict and (len(parts) != 3 or not all(p.isdigit() for p in parts)):
        raise ValueError(f"[{version}] is not a version X.Y.Z")
    numbers = [int(p) if p.isdigit() else 0 for p in parts[:3]]
    return tuple(numbers + [0] * (3 - len(numbers)))  # type: ignore[return-value]


@functools.lru_cache(maxsize=1024)  # a handful of versions, compared on every saved-object write
def order_key(version: str) -> tuple:
    """A key that sorts versions as semver does (``1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-beta < 1.0.0``)."""
    pre = str(version).partition("+")[0].partition("-")[2]
    if not pre:
        return (*release_numbers(version), (1,))
    identifiers = tuple((0, int(i), "") if i.isdigit() else (1, 0, i) for i in pre.split("."))
    return (*release_numbers(version), (0, identifiers))
