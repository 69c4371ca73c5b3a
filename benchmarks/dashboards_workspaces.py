"""OpenSearch Dashboards' ``_find``, ``_export`` and ``_import`` inside a workspace (``/w/{id}/...``) beside
the same call without one, on the same state, alternated call by call (goal: within 1.2x).

    python3 benchmarks/dashboards_workspaces.py [--rounds N] [--objects N]

The state: the workspace plugin on, two workspaces, ``objects`` index patterns and visualizations in the
first; the call without a workspace runs on a state of the same objects outside any workspace, so that both
answer the same objects and the ratio is what the workspace costs. The import brings the same NDJSON file
of ``objects`` new objects each round, into a state reset before it.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from timing import median_ms, timed  # noqa: E402 (beside this script)

from mockserver import create_app, runtime_of  # noqa: E402

HEADERS = {"osd-xsrf": "true", "Content-Type": "application/json"}
GOAL = 1.2


def objects(count: int, prefix: str) -> list[dict]:
    made = []
    for i in range(count // 2):
        made.append({"type": "index-pattern", "id": f"{prefix}-ip-{i}", "attributes": {"title": f"logs-{i % 50}-*"}})
        made.append(
            {
                "type": "visualization",
                "id": f"{prefix}-vis-{i}",
                "attributes": {"title": f"requests {i % 50} by host", "visState": "{}", "uiStateJSON": "{}"},
                "references": [{"type": "index-pattern", "id": f"{prefix}-ip-{i}", "name": "ip"}],
            }
        )
    return made


def bulk_create(client, base: str, bodies: list[dict]) -> None:
    for start in range(0, len(bodies), 1000):
        reply = client.post(
            f"{base}/api/saved_objects/_bulk_create", json=bodies[start : start + 1000], headers=HEADERS
        )
        assert reply.status_code == 200, reply.get_data(as_text=True)[:300]


def seeded(count: int, *, in_workspaces: bool):
    """An app with two workspaces and ``count`` objects: in the first workspace, or in none."""
    app = create_app(products=["dashboards"], default_fixtures=False, dashboards_config={"workspace.enabled": True})
    client = app.test_client()
    workspace_ids = []
    for name in ("team-a", "team-b"):
        reply = client.post(
            "/api/workspaces", json={"attributes": {"name": name, "features": ["use-case-all"]}}, headers=HEADERS
        )
        assert reply.status_code == 200 and reply.json["success"], reply.get_data(as_text=True)
        workspace_ids.append(reply.json["result"]["id"])
    bulk_create(client, f"/w/{workspace_ids[0]}" if in_workspaces else "", objects(count, "saved"))
    store = runtime_of(app).store
    store.seed([])
    return app, client, store, workspace_ids[0]


def ndjson(count: int) -> bytes:
    lines = [json.dumps({**o, "references": o.get("references", [])}) for o in objects(count, "imported")]
    return "\n".join(lines).encode()


def paired_rounds(inside, outside, rounds: int, before=None) -> tuple[float, float]:
    a, b = [], []
    for _ in range(rounds):
        if before:
            before()
        a += timed(inside, 1)
        if before:
            before()
        b += timed(outside, 1)
    return median_ms(a), median_ms(b)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--objects", type=int, default=2000)
    args = parser.parse_args()
    count = args.objects
    _, ws_client, ws_store, workspace = seeded(count, in_workspaces=True)
    _, plain_client, plain_store, _ = seeded(count, in_workspaces=False)
    file = ndjson(count)

    def find(client, base):
        return lambda: client.get(
            f"{base}/api/saved_objects/_find?type=index-pattern&type=visualization&search=logs*&per_page=100",
            headers=HEADERS,
        )

    def export(client, base):
        body = {"type": ["index-pattern", "visualization"], "excludeExportDetails": True}
        return lambda: client.post(f"{base}/api/saved_objects/_export", json=body, headers=HEADERS)

    def import_(client, base):
        return lambda: client.post(
            f"{base}/api/saved_objects/_import",
            data={"file": (io.BytesIO(file), "export.ndjson")},
            headers={"osd-xsrf": "true"},
        )

    def reset_both():  # each import meets the seeded state
        ws_store.reset()
        plain_store.reset()

    calls = {
        "_find (search)": (find(ws_client, f"/w/{workspace}"), find(plain_client, ""), False),
        "_export": (export(ws_client, f"/w/{workspace}"), export(plain_client, ""), False),
        "_import": (import_(ws_client, f"/w/{workspace}"), import_(plain_client, ""), True),
    }
    print(f"OpenSearch Dashboards in a workspace vs without, {count:,} objects each side, median ms (in-process)")
    print(f"  {'call':<16}{'workspace':>11}{'without':>10}{'ratio':>8}   goal <= {GOAL}x")
    for name, (inside, outside, resets) in calls.items():
        inside_reply, outside_reply = inside(), outside()
        assert inside_reply.status_code == outside_reply.status_code == 200, name
        if name == "_export":  # the same number of lines on both sides: the same work asked
            assert inside_reply.data.count(b"\n") == outside_reply.data.count(b"\n"), name
        a, b = paired_rounds(inside, outside, args.rounds, reset_both if resets else None)
        ratio = a / b
        print(f"  {name:<16}{a:>11.2f}{b:>10.2f}{ratio:>7.2f}x   {'ok' if ratio <= GOAL else 'over'}")


if __name__ == "__main__":
    main()
