"""``GET /``: the node's name and the release it runs, as a node describes itself."""

from __future__ import annotations

from .versions import Release

CLUSTER_UUID = "mOcKsErVeRcLuStEr0000w"
CLUSTER_NAME = "mockserver"


def cluster_info(release: Release) -> dict:
    return {
        "name": "mockserver",
        "cluster_name": CLUSTER_NAME,
        "cluster_uuid": CLUSTER_UUID,
        "version": release.info(),
        "tagline": "You Know, for Search",
    }
