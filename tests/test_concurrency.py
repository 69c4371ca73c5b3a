"""Eight threads of mixed writes against the live server; afterwards the state adds up: no lost
update, conflicts answered 409, no server error."""

from __future__ import annotations

import http.client
import json
import threading
from collections import Counter
from urllib.parse import urlsplit

THREADS = 8
ROUNDS = 15
XSRF = {"osd-xsrf": "true", "kbn-xsrf": "true", "Content-Type": "application/json"}


class Client:
    """One keep-alive connection per thread, as a client library holds it."""

    def __init__(self, url: str):
        address = urlsplit(url)
        self.conn = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        self.statuses: Counter = Counter()

    def call(self, method: str, path: str, body=None) -> tuple[int, dict]:
        self.conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=XSRF)
        reply = self.conn.getresponse()
        text = reply.read()
        self.statuses[reply.status] += 1
        return reply.status, json.loads(text) if text else {}


def test_mixed_writes_from_eight_threads(mockserver_live):
    url = mockserver_live.url
    setup = Client(url)
    assert setup.call("POST", "/api/saved_objects/visualization/shared", {"attributes": {"title": "0"}})[0] == 200
    jobs_before = len(mockserver_live.state("elasticsearch").sync_jobs.docs)
    outcome: dict[int, dict] = {}
    failures: list[BaseException] = []

    def worker(n: int) -> None:
        client = Client(url)
        mine = {"increments": 0, "conflicts": 0, "created_jobs": [], "ml_jobs": set()}
        try:
            for i in range(ROUNDS):
                # A shared counter, updated with the version read: a stale version must be a 409.
                status, got = client.call("GET", "/api/saved_objects/visualization/shared")
                assert status == 200
                value = int(got["attributes"]["title"])
                status, _ = client.call(
                    "PUT",
                    "/api/saved_objects/visualization/shared",
                    {"attributes": {"title": str(value + 1)}, "version": got["version"]},
                )
                assert status in (200, 409)
                mine["increments" if status == 200 else "conflicts"] += 1
                # Own saved objects: create, update, delete every other one.
                so_id = f"t{n}-{i}"
                assert (
                    client.call("POST", f"/api/saved_objects/dashboard/{so_id}", {"attributes": {"title": so_id}})[0]
                    == 200
                )
                assert (
                    client.call("PUT", f"/api/saved_objects/dashboard/{so_id}", {"attributes": {"description": "x"}})[0]
                    == 200
                )
                if i % 2:
                    assert client.call("DELETE", f"/api/saved_objects/dashboard/{so_id}")[0] == 200
                # Sync jobs: created, claimed, then cancelled.
                status, job = client.call("POST", "/_connector/_sync_job", {"id": "connector-1"})
                assert status == 201
                mine["created_jobs"].append(job["id"])
                assert (
                    client.call("PUT", f"/_connector/_sync_job/{job['id']}/_claim", {"worker_hostname": f"w{n}"})[0]
                    == 200
                )
                assert client.call("PUT", f"/_connector/_sync_job/{job['id']}/_cancel")[0] == 200
                # ML jobs around Kibana's sync.
                job_id = f"job-{n}-{i}"
                assert (
                    client.call(
                        "PUT",
                        f"/_ml/anomaly_detectors/{job_id}",
                        {"analysis_config": {"detectors": [{"function": "count"}]}, "data_description": {}},
                    )[0]
                    == 200
                )
                mine["ml_jobs"].add(job_id)
                assert client.call("GET", "/api/ml/saved_objects/sync")[0] == 200
                if i % 3 == 0:
                    assert client.call("DELETE", f"/_ml/anomaly_detectors/{job_id}")[0] == 200
                    mine["ml_jobs"].discard(job_id)
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            failures.append(error)
        mine["statuses"] = client.statuses
        outcome[n] = mine

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads)
    assert not failures, failures[0]
    assert not any(s >= 500 for mine in outcome.values() for s in mine["statuses"])

    # No lost update: the counter is exactly the number of updates that were answered 200.
    increments = sum(mine["increments"] for mine in outcome.values())
    final = Client(url).call("GET", "/api/saved_objects/visualization/shared")[1]
    assert int(final["attributes"]["title"]) == increments
    assert increments + sum(mine["conflicts"] for mine in outcome.values()) == THREADS * ROUNDS

    # Counts that add up: dashboards kept, jobs created and cancelled, ML jobs and their saved objects.
    dashboards = mockserver_live.state("dashboards").repository.by_type["dashboard"]
    assert sum(1 for so_id in dashboards if so_id.startswith("t")) == THREADS * ((ROUNDS + 1) // 2)
    jobs = mockserver_live.state("elasticsearch").sync_jobs.docs
    created = [job_id for mine in outcome.values() for job_id in mine["created_jobs"]]
    assert len(jobs) == jobs_before + len(created) == jobs_before + THREADS * ROUNDS
    assert {jobs[job_id]["status"] for job_id in created} == {"canceling"}
    expected_ml = set().union(*(mine["ml_jobs"] for mine in outcome.values()))
    assert {j for j in mockserver_live.state("elasticsearch").ml.jobs.docs if j.startswith("job-")} == expected_ml
    # After one more sync, Kibana's saved objects and Elasticsearch's jobs match one to one.
    client = Client(url)
    assert client.call("GET", "/api/ml/saved_objects/sync")[0] == 200
    status, view = client.call("GET", "/internal/ml/saved_objects/status?elasticInternalOrigin=true")
    assert status == 200
    saved = {entry["jobId"]: entry["checks"]["jobExists"] for entry in view["savedObjects"]["anomaly-detector"]}
    assert {job_id for job_id in saved if job_id.startswith("job-")} == expected_ml and all(saved.values())
    assert all(entry["checks"]["savedObjectExits"] for entry in view["jobs"]["anomaly-detector"])
