"""``GET /``: the cluster's name and version, as a 9.x node describes itself."""

from __future__ import annotations

VERSION = {
    "number": "9.1.0",
    "build_flavor": "default",
    "build_type": "docker",
    "build_hash": "3b1f6d6c0c7e6a7b9b0f1e4f6b1c0b7a0f0d2c11",
    "build_date": "2025-07-22T06:52:29.127418209Z",
    "build_snapshot": False,
    "lucene_version": "10.2.2",
    "minimum_wire_compatibility_version": "8.19.0",
    "minimum_index_compatibility_version": "8.0.0",
}
CLUSTER_UUID = "mOcKsErVeRcLuStEr0000w"


def cluster_info() -> dict:
    return {
        "name": "mockserver",
        "cluster_name": "mockserver",
        "cluster_uuid": CLUSTER_UUID,
        "version": dict(VERSION),
        "tagline": "You Know, for Search",
    }
