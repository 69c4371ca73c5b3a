"""Datafeeds: ``/_ml/datafeeds``. Facts from DatafeedConfig and DatafeedManager."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import IllegalArgument, ResourceAlreadyExists, ResourceNotFound, StatusException
from .common import ID_PATTERN, expand_ids, invalid_id, ordered
from .jobs import job_missing

if TYPE_CHECKING:
    from . import Ml


def _java_hash(text: str) -> int:
    h = 0
    for ch in text:
        h = (31 * h + ord(ch)) & 0xFFFFFFFF
    return h - (1 << 32) if h >= 1 << 31 else h


def default_query_delay(job_id: str) -> str:
    """A datafeed's default query_delay: java.util.Random(jobId.hashCode()).longs(60000, 120000), first."""
    mask = (1 << 48) - 1
    seed = (_java_hash(job_id) ^ 0x5DEECE66D) & mask

    def next_bits(bits: int) -> int:
        nonlocal seed
        seed = (seed * 0x5DEECE66D + 0xB) & mask
        value = seed >> (48 - bits)
        return value - (1 << bits) if value >= 1 << (bits - 1) else value

    def next_long() -> int:
        return ((next_bits(32) << 32) + next_bits(32)) & ((1 << 64) - 1)

    origin, bound = 60000, 120000
    n, m = bound - origin, bound - origin - 1
    u = next_long() >> 1
    while True:
        r = u % n
        if u + m - r < (1 << 63):
            return f"{r + origin}ms"
        u = next_long() >> 1


DATAFEED_ORDER = (
    "datafeed_id",
    "job_id",
    "authorization",
    "query_delay",
    "chunking_config",
    "indices_options",
    "query",
    "frequency",
    "indices",
    "aggregations",
    "script_fields",
    "scroll_size",
    "delayed_data_check_config",
    "max_empty_searches",
    "runtime_mappings",
)
DEFAULT_INDICES_OPTIONS = {
    "ignore_unavailable": False,
    "expand_wildcards": ["open"],
    "allow_no_indices": True,
    "ignore_throttled": True,
}


def datafeed_missing(ids: str) -> ResourceNotFound:
    return ResourceNotFound(f"No datafeed with id [{ids}] exists")


class Datafeeds:
    def __init__(self, ml: Ml):
        self.ml = ml
        self.docs: dict[str, dict] = {}
        # DatafeedState by datafeed id ("started", "stopping", ...); a datafeed not here is stopped.
        self.states: dict[str, str] = {}

    def state_of(self, datafeed_id: str) -> str:
        return self.states.get(datafeed_id, "stopped")

    def of_job(self, job_id: str) -> str | None:
        return next((d for d, doc in self.docs.items() if doc["job_id"] == job_id), None)

    def check_new(self, datafeed_id: str, body: dict, job_exists: bool = True) -> None:
        """The checks of DatafeedConfig.build and DatafeedManager.putDatafeed, in their order."""
        if body.get("job_id") is None:
            raise IllegalArgument("[job_id] must not be null.")
        if not ID_PATTERN.match(datafeed_id):
            raise StatusException(invalid_id("datafeed_id", datafeed_id))
        indices = body.get("indices", body.get("indexes"))
        if not indices or any(not i for i in indices):
            shown = "[" + ", ".join(indices or []) + "]"
            raise StatusException(f"Invalid indices value '{shown}' in datafeed configuration")
        if "aggs" in body and "aggregations" in body:
            raise IllegalArgument("Found two aggregation definitions: [aggs] and [aggregations]")
        if body.get("scroll_size", 1000) < 0:
            raise StatusException(f"Invalid scroll_size value '{body['scroll_size']}' in datafeed configuration")
        existing = self.of_job(body["job_id"])
        if existing is not None:
            raise StatusException(f"A datafeed [{existing}] already exists for job [{body['job_id']}]", 409)
        if job_exists and body["job_id"] not in self.ml.jobs.docs:
            raise job_missing(body["job_id"])
        if datafeed_id in self.docs:
            raise ResourceAlreadyExists(f"A datafeed with id [{datafeed_id}] already exists")

    def put(self, datafeed_id: str, body: dict) -> dict:
        """``PUT _ml/datafeeds/{id}``: the path's id wins over one in the body."""
        self.check_new(datafeed_id, body)
        indices = body.get("indices", body.get("indexes"))
        doc = {
            **{k: v for k, v in body.items() if k not in ("indexes", "aggs", "datafeed_id")},
            "datafeed_id": datafeed_id,
            "query_delay": body.get("query_delay") or default_query_delay(body["job_id"]),
            "chunking_config": body.get("chunking_config", {"mode": "auto"}),
            "indices_options": body.get("indices_options", dict(DEFAULT_INDICES_OPTIONS)),
            "query": body.get("query", {"match_all": {}}),
            "indices": list(indices),
            "aggregations": body.get("aggregations", body.get("aggs")),
            "scroll_size": body.get("scroll_size", 1000),
            "delayed_data_check_config": body.get("delayed_data_check_config", {"enabled": True}),
        }
        self.docs[datafeed_id] = ordered(doc, DATAFEED_ORDER)
        return dict(self.docs[datafeed_id])

    def get(self, expression: str | None, allow_no_match: bool = True) -> dict:
        ids = expand_ids(expression, list(self.docs), allow_no_match=allow_no_match, missing=datafeed_missing)
        return {"count": len(ids), "datafeeds": [dict(self.docs[i]) for i in ids]}

    def delete(self, datafeed_id: str, force: bool = False) -> None:
        if datafeed_id not in self.docs:
            raise datafeed_missing(datafeed_id)
        del self.docs[datafeed_id]
