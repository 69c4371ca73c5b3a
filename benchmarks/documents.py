"""Elasticsearch's document store, measured in one run (ratios of the same run only):

    python3 benchmarks/documents.py [--rounds N]

* ``_bulk`` of 1,000 documents beside parsing the same NDJSON (json.loads of each line: the floor of
  any bulk; goal: within 3x);
* a term search and the connectors framework's filtered sync-job search (pending jobs of one connector,
  sorted by created_at) over 10,000 and 100,000 documents, the matches fixed (goal: they pay for the
  matches, not the index: the 100,000 figure within 2x of the 10,000 one);
* memory per stored document (tracemalloc) beside the size of its JSON.

Everything goes through the in-process test client (the HTTP layer, validation, rendering).
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from timing import median_ms, timed  # noqa: E402 (beside this script)

from mockserver import create_app, runtime_of  # noqa: E402

WORDS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet")
NDJSON = {"Content-Type": "application/x-ndjson"}
JSON = {"Content-Type": "application/json"}


def document(i: int, rare_every: int = 1000) -> dict:
    """A connector-synced document, the framework's dir source alike: a path, stats, a body; one in
    ``rare_every`` is tagged "rare"."""
    return {
        "id": f"doc-{i}",
        "path": f"/data/{WORDS[i % 10]}/{i}.txt",
        "title": f"{WORDS[i % 10]} report {i}",
        "tag": "rare" if i % rare_every == 0 else WORDS[(i // 10) % 10],
        "size": i * 17 % 9973,
        "_timestamp": f"2026-11-{1 + i % 28:02d}T10:{i % 60:02d}:00+00:00",
        "body": f"{WORDS[i % 10]} {WORDS[(i // 3) % 10]} {WORDS[(i // 7) % 10]} text of document {i}",
    }


def compact(value) -> str:
    """JSON as the clients send it (elasticsearch-py: no spaces)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def bulk_body(index: str, start: int, count: int, rare_every: int = 1000) -> str:
    lines = []
    for i in range(start, start + count):
        lines.append(compact({"index": {"_index": index, "_id": f"doc-{i}"}}))
        lines.append(compact(document(i, rare_every)))
    return "\n".join(lines) + "\n"


def bulk_report(rounds: int) -> None:
    body = bulk_body("bench", 0, 1000)
    app = create_app(default_fixtures=False)
    store, client = runtime_of(app).store, app.test_client()

    def parse():
        return [json.loads(line) for line in body.split("\n") if line]

    def bulk():
        reply = client.post("/_bulk", data=body, headers=NDJSON)
        assert reply.status_code == 200 and reply.get_json()["errors"] is False

    # Each round times the bulk between two parses and keeps its ratio to their mean: the machine's
    # speed drifts within a run, and a ratio of neighbours is what drift leaves alone.
    parse_times, bulk_times, ratios = [], [], []
    for _ in range(rounds):
        store.reset()  # an empty state: each round creates the index and its 1,000 documents
        before = timed(parse, 1)[0]
        took = timed(bulk, 1)[0]
        after = timed(parse, 1)[0]
        parse_times += [before, after]
        bulk_times.append(took)
        ratios.append(took / ((before + after) / 2))
    floor, measured, ratio = median_ms(parse_times), median_ms(bulk_times), statistics.median(ratios)
    print(
        f"_bulk of 1,000 documents ({len(body.encode()) / 1024:,.0f} KiB of NDJSON; median of {rounds} rounds, "
        "each a bulk between two parses):"
    )
    print(
        f"  parse floor {floor:.2f} ms, _bulk {measured:.2f} ms; bulk / floor within a round: {ratio:.2f}x "
        f"(goal <= 3x){'  ok' if ratio <= 3 else '  over'}"
    )


def seeded(size: int):
    """An app holding ``size`` content documents (10 tagged "rare") and ``size`` sync jobs (10 of them
    pending for connector-1, the rest completed, spread over 50 connectors)."""
    app = create_app(default_fixtures=False)
    client = app.test_client()
    for start in range(0, size, 5000):
        reply = client.post(
            "/_bulk", data=bulk_body("content", start, min(5000, size - start), size // 10), headers=NDJSON
        )
        assert reply.get_json()["errors"] is False
    lines = []
    for i in range(size):
        pending = i % (size // 10) == 0
        connector = "connector-1" if pending else f"connector-{2 + i % 49}"
        lines.append(compact({"index": {"_index": ".elastic-connectors-sync-jobs-v1", "_id": f"job-{i}"}}))
        lines.append(
            compact(
                {
                    "connector": {"id": connector, "index_name": "content"},
                    "created_at": f"2026-11-{1 + i % 28:02d}T10:{i % 60:02d}:{i % 60:02d}.000Z",
                    "job_type": "full",
                    "status": "pending" if pending else "completed",
                    "trigger_method": "scheduled",
                    "indexed_document_count": i,
                    "metadata": {},
                }
            )
        )
        if len(lines) >= 10000:
            client.post("/_bulk", data="\n".join(lines) + "\n", headers=NDJSON)
            lines = []
    if lines:
        client.post("/_bulk", data="\n".join(lines) + "\n", headers=NDJSON)
    return app, client


PENDING_JOBS = {
    "query": {
        "bool": {
            "must": [
                {"terms": {"status": ["pending", "suspended"]}},
                {"terms": {"connector.id": ["connector-1"]}},
                {"terms": {"job_type": ["full"]}},
            ]
        }
    },
    "from": 0,
    "size": 100,
    "seq_no_primary_term": True,
    "sort": [{"created_at": "asc"}],
}
TERM = {"query": {"term": {"tag.keyword": "rare"}}, "size": 10}


def search_report(rounds: int) -> None:
    sizes = (10000, 100000)
    results = {}
    for size in sizes:
        app, client = seeded(size)
        calls = {
            "term search": ("/content/_search", TERM, 10),
            "pending sync jobs": ("/.elastic-connectors-sync-jobs/_search?expand_wildcards=hidden", PENDING_JOBS, 10),
        }
        results[size] = {}
        for name, (path, body, matches) in calls.items():
            text = json.dumps(body)

            def call(client=client, path=path, text=text):
                reply = client.post(path, data=text, headers=JSON)
                return reply.get_json()

            first = call()  # builds the field views the query reads (once, then kept up to date)
            assert first["hits"]["total"]["value"] == matches, first["hits"]["total"]
            results[size][name] = (median_ms(timed(call, rounds)), matches)
        del app, client
        gc.collect()
    print(f"\nSearch over a store of N documents (median of {rounds}; 10 matches at any N, for both):")
    print(f"  {'':>20}" + "".join(f"{f'N={size:,}':>16}" for size in sizes) + f"{'growth':>10}")
    for name in results[sizes[0]]:
        small, big = results[sizes[0]][name][0], results[sizes[-1]][name][0]
        growth = big / small
        print(
            f"  {name:>20}"
            + "".join(f"{results[size][name][0]:>13.3f} ms" for size in sizes)
            + f"{growth:>9.2f}x  (goal <= 2x){'  ok' if growth <= 2 else '  over'}"
        )


def memory_report(count: int = 10000) -> None:
    app = create_app(default_fixtures=False)
    client = app.test_client()
    client.put("/memory")
    body = bulk_body("memory", 0, count)
    json_bytes = sum(len(json.dumps(document(i), separators=(",", ":")).encode()) for i in range(count))
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    reply = client.post("/_bulk", data=body, headers=NDJSON)
    del reply
    gc.collect()
    used = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    per_doc, per_json = used / count, json_bytes / count
    print(
        f"\nMemory per stored document ({count:,} documents, tracemalloc): {per_doc:,.0f} bytes, beside "
        f"{per_json:,.0f} bytes of compact JSON: {per_doc / per_json:.1f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    bulk_report(args.rounds)
    search_report(args.rounds * 3)
    memory_report()


if __name__ == "__main__":
    main()
