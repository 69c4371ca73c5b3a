"""The Elasticsearch release the mock behaves as (``--elasticsearch-version``): what ``GET /`` says,
which REST endpoints exist, and the compatible-with majors it accepts.

The GET / figures come from the releases' own answers where they are documented (8.12.1, 9.1.0,
9.4.0) and from the build files of the others; see the issue's closing note for the sources.
"""

from __future__ import annotations

from functools import total_ordering

from ..versions import release_numbers

DEFAULT_VERSION = "9.6.0"
# Opaque in every release; the mock's own build is named by these.
BUILD_HASH = "3b1f6d6c0c7e6a7b9b0f1e4f6b1c0b7a0f0d2c11"
BUILD_DATE = "2026-11-18T10:42:07.123456789Z"
# minor -> (lucene_version, minimum_wire_compatibility_version, minimum_index_compatibility_version)
RELEASES = {
    (7, 17): ("8.11.1", "6.8.0", "6.0.0-beta1"),
    (8, 0): ("9.0.0", "7.17.0", "7.0.0"),
    (8, 1): ("9.0.0", "7.17.0", "7.0.0"),
    (8, 2): ("9.1.0", "7.17.0", "7.0.0"),
    (8, 3): ("9.2.0", "7.17.0", "7.0.0"),
    (8, 4): ("9.3.0", "7.17.0", "7.0.0"),
    (8, 5): ("9.4.1", "7.17.0", "7.0.0"),
    (8, 6): ("9.4.2", "7.17.0", "7.0.0"),
    (8, 7): ("9.5.0", "7.17.0", "7.0.0"),
    (8, 8): ("9.6.0", "7.17.0", "7.0.0"),
    (8, 9): ("9.7.0", "7.17.0", "7.0.0"),
    (8, 10): ("9.7.0", "7.17.0", "7.0.0"),
    (8, 11): ("9.8.0", "7.17.0", "7.0.0"),
    (8, 12): ("9.9.2", "7.17.0", "7.0.0"),
    (8, 13): ("9.10.0", "7.17.0", "7.0.0"),
    (8, 14): ("9.10.0", "7.17.0", "7.0.0"),
    (8, 15): ("9.11.1", "7.17.0", "7.0.0"),
    (8, 16): ("9.12.0", "7.17.0", "7.0.0"),
    (8, 17): ("9.12.0", "7.17.0", "7.0.0"),
    (8, 18): ("9.12.1", "7.17.0", "7.0.0"),
    (8, 19): ("9.12.2", "7.17.0", "7.0.0"),
    (9, 0): ("10.1.0", "8.18.0", "8.0.0"),
    (9, 1): ("10.2.2", "8.19.0", "8.0.0"),
    (9, 2): ("10.3.1", "8.19.0", "8.0.0"),
    (9, 3): ("10.3.2", "8.19.0", "8.0.0"),
    (9, 4): ("10.4.0", "8.19.0", "8.0.0"),
    (9, 5): ("10.4.0", "8.19.0", "8.0.0"),
    (9, 6): ("10.5.1", "8.19.0", "8.0.0"),
}

# The first release of each REST endpoint that is not in every release the mock follows, by the
# schema name of its route (its rest-api-spec name). Routes not listed exist in all of them.
SINCE = {
    **{
        name: (8, 12)
        for name in (
            "connector.put",
            "connector.post",
            "connector.get",
            "connector.list",
            "connector.delete",
            "connector.check_in",
            "connector.update_configuration",
            "connector.update_error",
            "connector.update_filtering",
            "connector.last_sync",
            "connector.update_name",
            "connector.update_pipeline",
            "connector.update_scheduling",
            "connector.sync_job_post",
            "connector.sync_job_get",
            "connector.sync_job_list",
            "connector.sync_job_delete",
            "connector.sync_job_cancel",
            "connector.sync_job_check_in",
            "connector.sync_job_error",
            "connector.sync_job_update_stats",
        )
    },
    **{
        name: (8, 13)
        for name in (
            "connector.update_index_name",
            "connector.update_native",
            "connector.update_service_type",
            "connector.update_status",
            "connector.update_api_key_id",
            "connector.update_filtering_validation",
            "connector.update_active_filtering",
            "connector.secret_post",
            "connector.secret_get",
            "connector.secret_put",
            "connector.secret_delete",
        )
    },
    "connector.update_features": (8, 15),
    "connector.sync_job_claim": (8, 15),
}


def parse_version(text: str) -> tuple[int, int, int]:
    try:
        return release_numbers(text, strict=True)
    except ValueError:
        raise ValueError(f"an Elasticsearch version is X.Y.Z, not [{text}]") from None


@total_ordering
class Release:
    """One Elasticsearch release: its number and what depends on it."""

    def __init__(self, version: str):
        major, minor, patch = parse_version(version)
        if (major, minor) not in RELEASES:
            known = sorted(RELEASES)
            raise ValueError(
                f"Elasticsearch [{version}] is not a release the mock follows: it follows "
                f"{known[0][0]}.{known[0][1]} to {known[-1][0]}.{known[-1][1]}"
            )
        self.version = version
        self.major, self.minor, self.patch = major, minor, patch

    def __eq__(self, other) -> bool:
        return isinstance(other, Release) and self.key == other.key

    def __lt__(self, other: Release) -> bool:
        return self.key < other.key

    @property
    def key(self) -> tuple[int, int, int]:
        return self.major, self.minor, self.patch

    def at_least(self, major: int, minor: int = 0) -> bool:
        return (self.major, self.minor) >= (major, minor)

    def has(self, operation: str) -> bool:
        """Whether the route of this schema name exists in this release."""
        since = SINCE.get(operation)
        return since is None or self.at_least(*since)

    @property
    def compatible_majors(self) -> tuple[str, str]:
        """The compatible-with values the REST layer takes: its own major and the one before."""
        return str(self.major), str(self.major - 1)

    @property
    def index_version(self) -> str:
        """``index.version.created`` of new indices (the release's id: major, minor, patch, 99)."""
        return str(self.major * 1_000_000 + self.minor * 10_000 + self.patch * 100 + 99)

    def info(self) -> dict:
        lucene, wire, index = RELEASES[(self.major, self.minor)]
        return {
            "number": self.version,
            "build_flavor": "default",
            "build_type": "docker",
            "build_hash": BUILD_HASH,
            "build_date": BUILD_DATE,
            "build_snapshot": False,
            "lucene_version": lucene,
            "minimum_wire_compatibility_version": wire,
            "minimum_index_compatibility_version": index,
        }
