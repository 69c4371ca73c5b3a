"""``GET /_license``: the cluster's license, a platinum-grade trial by default (as a fresh cluster
started with ``xpack.license.self_generated.type: trial``); a fixture's ``license`` section sets it."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

from ..errors import FixtureError

LICENSE_TYPES = ("basic", "gold", "platinum", "enterprise", "trial")
STATUSES = ("active", "valid", "invalid", "expired")
TRIAL_DAYS = 30
# The self-generated basic license never expires (BASIC_SELF_GENERATED_LICENSE_EXPIRATION_MILLIS).
BASIC_EXPIRY = 292_278_994 * 365 * 86_400_000


def _iso(millis: int) -> str:
    moment = datetime.fromtimestamp(millis / 1000, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{millis % 1000:03d}Z"


class License:
    def __init__(self):
        issued = int(time.time() * 1000)
        self.fields = {
            "status": "active",
            "uid": str(uuid.uuid4()),
            "type": "trial",
            "issue_date_in_millis": issued,
            "expiry_date_in_millis": issued + TRIAL_DAYS * 86_400_000,
            "max_nodes": 1000,
            "max_resource_units": None,
            "issued_to": "mockserver",
            "issuer": "elasticsearch",
            "start_date_in_millis": -1,
        }

    def load(self, section: dict) -> None:
        fields = {**self.fields, **section}
        if fields["type"] not in LICENSE_TYPES:
            raise FixtureError("license", "/elasticsearch/license/type", f"one of {list(LICENSE_TYPES)}")
        if fields["type"] == "basic" and "expiry_date_in_millis" not in section:
            fields["expiry_date_in_millis"] = BASIC_EXPIRY
        if fields["type"] == "enterprise" and "max_nodes" not in section:
            fields["max_nodes"], fields["max_resource_units"] = None, fields.get("max_resource_units") or 100
        self.fields = fields

    def dump(self) -> dict:
        return dict(self.fields)

    def answer(self) -> dict:
        """License.toInnerXContent in the REST view: dates readable then in millis; no expiry for the
        self-generated basic license."""
        f = self.fields
        body = {
            "status": f["status"],
            "uid": f["uid"],
            "type": f["type"],
            "issue_date": _iso(f["issue_date_in_millis"]),
            "issue_date_in_millis": f["issue_date_in_millis"],
        }
        if f["expiry_date_in_millis"] != BASIC_EXPIRY:
            body["expiry_date"] = _iso(f["expiry_date_in_millis"])
            body["expiry_date_in_millis"] = f["expiry_date_in_millis"]
        body.update(
            {
                "max_nodes": f["max_nodes"],
                "max_resource_units": f["max_resource_units"],
                "issued_to": f["issued_to"],
                "issuer": f["issuer"],
                "start_date_in_millis": f["start_date_in_millis"],
            }
        )
        return {"license": body}
