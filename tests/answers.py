"""The answers of a seeded state to a fixed list of requests, recorded byte for byte (status, headers,
body), so that a change meant to make the mock faster can show it answers exactly as before:

    python3 tests/answers.py --write    # records tests/answers.txt (after a change of behaviour)
    python3 tests/answers.py            # prints the first difference, if any; exit status 1 then

test_answers_unchanged.py compares the same recording to the checked-in file.

Nothing is normalised: the run is made deterministic instead. Within ``deterministic()`` the wall clock
(``datetime.now``, ``time.time``), the timers (``time.perf_counter``: ``took``; ``time.monotonic``), the
random bytes (``os.urandom``: index uuids, document ids, API keys, ``uuid.uuid4``) and ``uuid.uuid1``
(saved-object ids) are fixed, by patching the modules' names from the outside: the mock has no seam of
its own for them, and needs none for this. The clock stands still, so that a change calling ``now()``
more or fewer times answers the same; the mock's own ``Clock`` still moves each timestamp it hands out a
microsecond past the last, as it does on a fast machine. The random bytes are a seeded stream, one draw
after another, in the order of the requests.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import json
import os
import pkgutil
import random
import sys
import time
import uuid
from base64 import b64encode
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

RECORDING = Path(__file__).with_name("answers.txt")
FROZEN = datetime(2026, 11, 23, 9, 30, 15, 250000, tzinfo=UTC)

ES = {"Content-Type": "application/json"}
KIBANA = {"kbn-xsrf": "true", "Content-Type": "application/json"}
KIBANA_INTERNAL = {"x-elastic-internal-origin": "Kibana"}
OSD = {"osd-xsrf": "true", "Content-Type": "application/json"}
ADMIN = {"Authorization": "Basic " + b64encode(b"elastic:changeme").decode(), **ES}
BOUNDARY = "answers-boundary"


class _FrozenDatetime(datetime):
    """``datetime`` whose ``now`` is FROZEN (everything else is datetime's own)."""

    @classmethod
    def now(cls, tz=None):
        return FROZEN.astimezone(tz) if tz else FROZEN.replace(tzinfo=None)

    @classmethod
    def utcnow(cls):
        return FROZEN.replace(tzinfo=None)


@contextmanager
def deterministic(seed: int = 16):
    """The clocks stopped and the random bytes seeded, for the mock's modules, while it lasts."""
    randomness = random.Random(seed)
    uuid1_count = iter(range(1, 10**9))
    patched = [
        (time, "time", lambda: FROZEN.timestamp()),
        (time, "time_ns", lambda: int(FROZEN.timestamp()) * 10**9 + FROZEN.microsecond * 1000),
        (time, "perf_counter", lambda: 1000.0),
        (time, "monotonic", lambda: 1000.0),
        (os, "urandom", randomness.randbytes),
        # uuid1 reads the host's MAC address and libuuid's clock: a counter in its time field instead.
        (uuid, "uuid1", lambda node=None, clock_seq=None: uuid.UUID(int=next(uuid1_count) << 64, version=1)),
    ]
    import mockserver

    for found in pkgutil.walk_packages(mockserver.__path__, "mockserver."):
        if not found.name.endswith("__main__"):
            importlib.import_module(found.name)  # every module now, so that each one's names are patched
    for name, module in list(sys.modules.items()):
        if (name == "mockserver" or name.startswith("mockserver.")) and getattr(module, "datetime", None) is datetime:
            patched.append((module, "datetime", _FrozenDatetime))
    saved = [(owner, attribute, getattr(owner, attribute)) for owner, attribute, _ in patched]
    try:
        for owner, attribute, value in patched:
            setattr(owner, attribute, value)
        yield
    finally:
        for owner, attribute, value in saved:
            setattr(owner, attribute, value)


def ndjson(*lines: dict) -> str:
    return "".join(json.dumps(line) + "\n" for line in lines)


def multipart(filename: str, text: str, **fields: str) -> tuple[dict, bytes]:
    """A multipart upload with a fixed boundary (werkzeug's own draws a random one)."""
    parts = [f'Content-Disposition: form-data; name="{name}"\r\n\r\n{value}' for name, value in fields.items()]
    parts.append(
        f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: application/ndjson\r\n\r\n{text}"
    )
    body = "".join(f"--{BOUNDARY}\r\n{part}\r\n" for part in parts) + f"--{BOUNDARY}--\r\n"
    return {"osd-xsrf": "true", "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}, body.encode()


RAW_NUMBERS = '{"decimal": 1.50, "exponent": 1E21, "zero": -0, "fraction": 10.0e-1, "escaped": "\\u00e9\\/"}'

IMPORT_FILE = ndjson(
    {
        "type": "index-pattern",
        "id": "imported-pattern",
        "attributes": {"title": "imported-*", "timeFieldName": "@timestamp"},
        "references": [],
    },
    {
        "type": "visualization",
        "id": "imported-vis",
        "attributes": {"title": "Imported requests", "visState": '{"type":"line"}', "uiStateJSON": "{}"},
        "references": [{"name": "ip", "type": "index-pattern", "id": "imported-pattern"}],
    },
    {
        "type": "dashboard",
        "id": "web-traffic",
        "attributes": {"title": "Web traffic, imported over", "panelsJSON": "[]"},
        "references": [{"name": "panel_0", "type": "visualization", "id": "missing-vis"}],
    },
)

# (app, method, path, headers, body): "plain" is the default app, "secured" the same with --auth.
REQUESTS: list[tuple[str, str, str, dict, str | bytes | None]] = [
    # Elasticsearch: the cluster, connectors and sync jobs
    ("plain", "GET", "/", {}, None),
    ("plain", "GET", "/_connector/connector-1", {}, None),
    ("plain", "GET", "/_connector?size=3", {}, None),
    (
        "plain",
        "PUT",
        "/_connector/answers-connector",
        ES,
        json.dumps({"index_name": "answers-content", "name": "Answers", "service_type": "google_drive"}),
    ),
    ("plain", "POST", "/_connector", ES, json.dumps({"index_name": "generated-id-content", "name": "No id"})),
    ("plain", "GET", "/_connector/answers-connector", {}, None),
    ("plain", "PUT", "/_connector/answers-connector/_status", ES, json.dumps({"status": "configured"})),
    ("plain", "POST", "/_connector/_sync_job", ES, json.dumps({"id": "connector-1", "job_type": "incremental"})),
    ("plain", "GET", "/_connector/_sync_job?connector_id=connector-1&size=4", {}, None),
    ("plain", "GET", "/_connector/_sync_job?status=pending&job_type=full", {}, None),
    ("plain", "GET", "/_connector/_sync_job/connector-1-full-completed", {}, None),
    ("plain", "PUT", "/_connector/_sync_job/connector-1-full-pending/_cancel", {}, None),
    ("plain", "PUT", "/_connector/_sync_job/connector-1-incremental-in-progress/_check_in", {}, None),
    (
        "plain",
        "PUT",
        "/_connector/_sync_job/connector-1-access-control-pending/_claim",
        ES,
        json.dumps({"worker_hostname": "answers-host", "sync_cursor": {"page": 2}}),
    ),
    (
        "plain",
        "PUT",
        "/_connector/_sync_job/connector-1-access-control-pending/_stats",
        ES,
        json.dumps({"deleted_document_count": 1, "indexed_document_count": 10, "indexed_document_volume": 20}),
    ),
    ("plain", "GET", "/_connector/_sync_job/connector-1-access-control-pending", {}, None),
    ("plain", "GET", "/_connector/_sync_job/no-such-job", {}, None),
    ("plain", "POST", "/_connector/_sync_job", ES, json.dumps({"id": "no-such-connector"})),
    # Elasticsearch: machine learning
    ("plain", "GET", "/_ml/anomaly_detectors/myjob1", {}, None),
    ("plain", "GET", "/_ml/anomaly_detectors/_stats", {}, None),
    (
        "plain",
        "PUT",
        "/_ml/anomaly_detectors/answers-job",
        ES,
        json.dumps(
            {
                "analysis_config": {"bucket_span": "30m", "detectors": [{"function": "mean", "field_name": "bytes"}]},
                "data_description": {"time_field": "@timestamp"},
            }
        ),
    ),
    ("plain", "POST", "/_ml/anomaly_detectors/answers-job/_open", {}, None),
    ("plain", "POST", "/_ml/anomaly_detectors/answers-job/_close", {}, None),
    ("plain", "GET", "/_ml/datafeeds", {}, None),
    ("plain", "GET", "/_ml/info", {}, None),
    ("plain", "GET", "/_ml/trained_models?size=2", {}, None),
    ("plain", "GET", "/_ml/anomaly_detectors/nope", {}, None),
    # Elasticsearch: documents
    ("plain", "PUT", "/answers-docs", ES, json.dumps({"mappings": {"properties": {"bytes": {"type": "long"}}}})),
    (
        "plain",
        "PUT",
        "/answers-docs/_doc/1?refresh=true",
        ES,
        json.dumps(
            {
                "title": "first",
                "bytes": 1024,
                "ratio": 0.1,
                "big": 1e21,
                "exact": 1.0,
                "tiny": 1e-7,
                "huge": 12345678901234567890,
                "negative": -0.0,
                "text": "caf\u00e9 \u2603",
                "tags": ["a", "b"],
            }
        ),
    ),
    ("plain", "POST", "/answers-docs/_doc?refresh=true", ES, json.dumps({"title": "generated id", "bytes": 7})),
    # Numbers as a client may write them, not as Python would (the mock's reading and writing shows).
    ("plain", "PUT", "/answers-docs/_doc/raw?refresh=true", ES, RAW_NUMBERS.replace("{", '{"bytes": 3, ', 1)),
    ("plain", "GET", "/answers-docs/_doc/raw", {}, None),
    (
        "plain",
        "POST",
        "/_bulk?refresh=true",
        {"Content-Type": "application/x-ndjson"},
        ndjson(
            {"index": {"_index": "answers-docs", "_id": "2"}},
            {"title": "second", "bytes": 2048, "ratio": 2.5},
            {"create": {"_index": "answers-docs", "_id": "1"}},
            {"title": "a conflict"},
            {"update": {"_index": "answers-docs", "_id": "2"}},
            {"doc": {"ratio": 3.25}},
            {"delete": {"_index": "answers-docs", "_id": "absent"}},
        ),
    ),
    ("plain", "GET", "/answers-docs/_doc/1", {}, None),
    (
        "plain",
        "POST",
        "/answers-docs/_search",
        ES,
        json.dumps(
            {
                "query": {"range": {"bytes": {"gte": 5}}},
                "sort": [{"bytes": "desc"}],
            }
        ),
    ),
    (
        "plain",
        "POST",
        "/answers-docs/_search",
        ES,
        json.dumps({"_source": ["title", "ratio"], "from": 1, "size": 1, "sort": [{"bytes": "asc"}]}),
    ),
    ("plain", "POST", "/answers-docs/_count", ES, json.dumps({"query": {"match": {"title": "second"}}})),
    ("plain", "GET", "/answers-docs/_mapping", {}, None),
    ("plain", "GET", "/answers-docs", {}, None),
    ("plain", "GET", "/answers-docs/_settings", {}, None),
    ("plain", "GET", "/answers-docs/_doc/absent", {}, None),
    ("plain", "POST", "/answers-docs/_search", ES, json.dumps({"query": {"bogus": {}}})),
    # Elasticsearch: security (its own app: security is off unless --auth)
    ("secured", "GET", "/_security/_authenticate", ADMIN, None),
    ("secured", "POST", "/_security/api_key", ADMIN, json.dumps({"name": "answers-key", "expiration": "1d"})),
    ("secured", "GET", "/_security/api_key?name=answers-key", ADMIN, None),
    ("secured", "GET", "/_connector/connector-1", {}, None),
    ("secured", "GET", "/_security/_authenticate", {"Authorization": "Basic ZWxhc3RpYzp3cm9uZw=="}, None),
    # Kibana: spaces and ML saved objects
    ("plain", "GET", "/api/spaces/space", {}, None),
    (
        "plain",
        "POST",
        "/api/spaces/space",
        KIBANA,
        json.dumps({"id": "marketing", "name": "Marketing", "disabledFeatures": []}),
    ),
    ("plain", "GET", "/api/spaces/space/marketing", {}, None),
    ("plain", "POST", "/api/spaces/space", {"Content-Type": "application/json"}, json.dumps({"id": "x", "name": "x"})),
    ("plain", "GET", "/api/ml/saved_objects/sync?simulate=true", KIBANA_INTERNAL, None),
    ("plain", "GET", "/api/ml/saved_objects/sync", KIBANA_INTERNAL, None),
    ("plain", "GET", "/internal/ml/saved_objects/status", KIBANA_INTERNAL, None),
    ("plain", "GET", "/internal/ml/saved_objects/jobs_spaces", KIBANA_INTERNAL, None),
    ("plain", "GET", "/s/marketing/api/ml/saved_objects/sync?simulate=true", KIBANA_INTERNAL, None),
    ("plain", "DELETE", "/api/spaces/space/marketing", {"kbn-xsrf": "true"}, None),
    ("plain", "GET", "/api/spaces/space/marketing", {}, None),
    # OpenSearch Dashboards: CRUD, find, export, import
    ("plain", "GET", "/api/saved_objects/visualization/test-viz", {}, None),
    (
        "plain",
        "POST",
        "/api/saved_objects/visualization/answers-vis",
        OSD,
        json.dumps(
            {
                "attributes": {"title": "Answers over time", "visState": '{"type":"area"}', "version": 1},
                "references": [{"name": "ip", "type": "index-pattern", "id": "logs-web"}],
            }
        ),
    ),
    ("plain", "POST", "/api/saved_objects/index-pattern", OSD, json.dumps({"attributes": {"title": "generated-*"}})),
    (
        "plain",
        "POST",
        "/api/saved_objects/config/answers-config",
        OSD,
        '{"attributes": ' + RAW_NUMBERS.replace("{", '{"buildNum": 9007199254740993, ', 1) + "}",
    ),
    ("plain", "GET", "/api/saved_objects/config/answers-config", {}, None),
    (
        "plain",
        "PUT",
        "/api/saved_objects/visualization/answers-vis",
        OSD,
        json.dumps({"attributes": {"title": "Answers over time, renamed"}}),
    ),
    (
        "plain",
        "POST",
        "/api/saved_objects/_bulk_get",
        OSD,
        json.dumps([{"type": "visualization", "id": "answers-vis"}, {"type": "dashboard", "id": "none"}]),
    ),
    (
        "plain",
        "POST",
        "/api/saved_objects/_bulk_create",
        OSD,
        json.dumps(
            [
                {"type": "search", "id": "answers-search", "attributes": {"title": "Answers search", "columns": []}},
                {"type": "visualization", "id": "test-viz", "attributes": {"title": "a conflict"}},
            ]
        ),
    ),
    (
        "plain",
        "PUT",
        "/api/saved_objects/_bulk_update",
        OSD,
        json.dumps(
            [
                {"type": "search", "id": "answers-search", "attributes": {"title": "Answers search, updated"}},
                {"type": "search", "id": "no-such-search", "attributes": {"title": "x"}},
            ]
        ),
    ),
    ("plain", "GET", "/api/saved_objects/_find?type=visualization&search=web*&search_fields=title", {}, None),
    ("plain", "GET", "/api/saved_objects/_find?type=index-pattern&fields=title&per_page=2", {}, None),
    (
        "plain",
        "GET",
        "/api/saved_objects/_find?type=visualization&type=dashboard&sort_field=title&per_page=3&page=2",
        {},
        None,
    ),
    ("plain", "GET", "/api/saved_objects/_find?type=visualization&sort_field=title&per_page=2&page=2", {}, None),
    (
        "plain",
        "GET",
        "/api/saved_objects/_find?type=visualization&type=search&sort_field=updated_at&per_page=2&page=2",
        {},
        None,
    ),
    ("plain", "GET", "/api/saved_objects/_find?type=visualization&filter=visualization.attributes.version:1", {}, None),
    (
        "plain",
        "GET",
        '/api/saved_objects/_find?type=dashboard&has_reference={"type":"visualization","id":"web-errors-by-status"}',
        {},
        None,
    ),
    ("plain", "GET", "/api/saved_objects/_find?type=nope", {}, None),
    (
        "plain",
        "POST",
        "/api/saved_objects/_export",
        OSD,
        json.dumps({"objects": [{"type": "dashboard", "id": "web-traffic"}], "includeReferencesDeep": True}),
    ),
    ("plain", "POST", "/api/saved_objects/_export", OSD, json.dumps({"type": ["index-pattern", "search"]})),
    ("plain", "POST", "/api/saved_objects/_import", *multipart("export.ndjson", IMPORT_FILE)),
    ("plain", "POST", "/api/saved_objects/_import?overwrite=true", *multipart("export.ndjson", IMPORT_FILE)),
    ("plain", "POST", "/api/saved_objects/_import?createNewCopies=true", *multipart("export.ndjson", IMPORT_FILE)),
    (
        "plain",
        "POST",
        "/api/saved_objects/_resolve_import_errors",
        *multipart(
            "export.ndjson",
            IMPORT_FILE,
            retries=json.dumps([{"type": "dashboard", "id": "web-traffic", "overwrite": True}]),
        ),
    ),
    (  # JSON.stringify's writing: the characters as UTF-8, numbers as their doubles, array indices first
        "plain",
        "POST",
        "/api/saved_objects/index-pattern/answers-wire",
        OSD,
        '{"attributes": {"title": "caf\\u00e9 \\u2603", "b": [10.0e-1, 1E21, 9007199254740993, -0, 1.5e-7], "2": 0}}',
    ),
    ("plain", "DELETE", "/api/saved_objects/visualization/answers-vis", {"osd-xsrf": "true"}, None),
    ("plain", "GET", "/api/saved_objects/visualization/answers-vis", {}, None),
    ("plain", "POST", "/api/saved_objects/visualization/x", {"Content-Type": "application/json"}, "{}"),
    # The control API: the state after all of the above, then a reset
    ("plain", "GET", "/_mock/state", {}, None),
    ("plain", "POST", "/_mock/reset", {}, None),
    ("plain", "GET", "/api/saved_objects/visualization/answers-vis", {}, None),
]


def record() -> str:
    """Every request's answer, in order, from apps built afresh (and their random bytes seeded)."""
    from mockserver import create_app

    blocks = []
    with deterministic():
        clients = {
            "plain": create_app(strict=True).test_client(),
            "secured": create_app(strict=True, auth="elastic:changeme").test_client(),
        }
        for number, (app, method, path, headers, body) in enumerate(REQUESTS, 1):
            reply = clients[app].open(path, method=method, headers=headers, data=body)
            data = reply.get_data()
            lines = [f"=== {number} {app} {method} {path}", reply.status]
            lines += [f"{name}: {value}" for name, value in reply.headers.items()]
            lines.append(f"--- {len(data)} bytes")
            blocks.append("\n".join(lines) + "\n" + data.decode("utf-8", "backslashreplace") + "\n")
    return "".join(blocks)


def difference(expected: str, actual: str, context: int = 3) -> str:
    """The unified diff of two recordings, cut to its first 60 lines."""
    diff = difflib.unified_diff(
        expected.splitlines(), actual.splitlines(), "answers.txt", "now", n=context, lineterm=""
    )
    return "\n".join(list(diff)[:60])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="record the answers into tests/answers.txt")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    actual = record()
    if args.write:
        RECORDING.write_text(actual, encoding="utf-8", newline="\n")
        print(f"wrote {RECORDING} ({len(REQUESTS)} answers, {len(actual.encode()):,} bytes)")
        return 0
    expected = RECORDING.read_text(encoding="utf-8")
    if expected == actual:
        print(f"{len(REQUESTS)} answers unchanged")
        return 0
    print(difference(expected, actual))
    return 1


if __name__ == "__main__":
    sys.exit(main())
