"""Every ``_connector`` operation of Elastic's own OpenAPI document, sent with the document's own
request example where it has one: the mock answers 2xx and the answer validates against the document
(the ``http`` helper checks every answer it sees)."""

from __future__ import annotations

import json
import os
import re

import contract
import pytest

pytestmark = pytest.mark.skipif(
    not contract.available() and not os.environ.get("CI"), reason="../shared/contracts is not beside this checkout"
)

# Ids the default fixtures hold, per path parameter; an operation may need a particular one.
PATH_IDS = {"connector_id": "my-connector", "connector_sync_job_id": "my-connector-sync-job"}
OPERATION_IDS = {
    "connector-update-configuration": {"connector_id": "my-spo-connector"},
    "connector-sync-job-delete": {"connector_sync_job_id": "my-connector-sync-job-id"},
}
# Bodies for operations the document gives no request example for.
BODIES = {
    "connector-put": {"index_name": "search-google-drive", "name": "My Connector", "service_type": "google_drive"},
    "connector-put-1": {"name": "generated id"},
    "connector-post": {"index_name": "search-posted", "service_type": "google_drive"},
    "connector-update-native": {"is_native": False},
    "connector-update-filtering-validation": {"validation": {"errors": [], "state": "valid"}},
}


def operations():
    if not contract.available():
        return []
    document = json.loads(contract.CONTRACT.read_text())
    found = []
    for path, methods in document["paths"].items():
        if not path.startswith("/_connector"):
            continue
        for method, operation in methods.items():
            if method == "parameters":
                continue
            examples = (
                operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("examples", {})
            )
            body = (
                json.loads(next(iter(examples.values()))["value"]) if examples else BODIES.get(operation["operationId"])
            )
            found.append(pytest.param(method.upper(), path, body, id=operation["operationId"]))
    return found


def test_the_contract_is_there_in_ci():
    if os.environ.get("CI"):
        assert contract.available(), f"{contract.CONTRACT} is missing"


@pytest.mark.parametrize("method, template, body", operations())
def test_contract_operation_with_its_example(http, request, method, template, body):
    ids = {**PATH_IDS, **OPERATION_IDS.get(request.node.callspec.id, {})}
    path = re.sub(r"\{([^}]+)\}", lambda m: ids[m.group(1)], template)
    reply = http.request(method, path, json=body)
    assert 200 <= reply.status < 300, reply.text
    assert contract.operation_for(method, path) is not None
