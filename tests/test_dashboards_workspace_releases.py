"""The workspace routes' checks by release (src/plugins/workspace/server/routes/index.ts of
opensearch-project/OpenSearch-Dashboards, and the release notes that date its changes): each case
builds the app of the release it is about, so it holds in every leg of the test matrix."""

from __future__ import annotations

import pytest
from conftest import Http, boom, create_app

WS = "/api/workspaces"
XSRF = {"osd-xsrf": "true"}


def at_release(version: str) -> Http:
    return Http(
        create_app(
            products=["dashboards"],
            default_fixtures=False,
            dashboards_config={"workspace.enabled": True},
            dashboards_version=version,
        ).test_client()
    )


def created(osd: Http, attributes: dict):
    return osd.post(WS, json={"attributes": attributes, "settings": {}}, headers=XSRF)


# Values routes/index.ts refuses from 2.17.0 (#7884 one use case in features, #7656 the name's and the
# description's lengths, #7512 a blank name, #7671 the color) and takes before.
CHECKED_FROM_2_17 = [
    ({"name": "no features"}, "[request body.attributes.features]: expected value of type [array] but got [undefined]"),
    (
        {"name": "no use case", "features": ["discover"]},
        "[request body.attributes.features]: At least one use case is required. Valid options: use-case-all, "
        "use-case-observability, use-case-security-analytics, use-case-essentials, use-case-search",
    ),
    (
        {"name": "two use cases", "features": ["use-case-all", "use-case-search"]},
        "[request body.attributes.features]: Only one use case is allowed per workspace.",
    ),
    (
        {"name": "x" * 41, "features": ["use-case-all"]},
        "[request body.attributes.name]: value has length [41] but it must have a maximum length of [40].",
    ),
    ({"name": "   ", "features": ["use-case-all"]}, "[request body.attributes.name]: can't be empty or blank."),
    (
        {"name": "long description", "features": ["use-case-all"], "description": "d" * 201},
        "[request body.attributes.description]: value has length [201] but it must have a maximum length of [200].",
    ),
    (
        {"name": "red", "features": ["use-case-all"], "color": "red"},
        "[request body.attributes.color]: invalid workspace color format",
    ),
]


@pytest.mark.parametrize(("attributes", "message"), CHECKED_FROM_2_17)
def test_the_attributes_values_are_checked_from_2_17(attributes, message):
    boom(created(at_release("2.17.0"), attributes), 400, message)
    reply = created(at_release("2.16.0"), attributes)
    assert reply.status == 200 and reply.json["success"], reply.text


@pytest.mark.parametrize("version", ["2.16.0", "2.17.0", "3.6.0"])
def test_a_name_is_what_every_release_asks_of_a_create(version):
    boom(
        created(at_release(version), {}),
        400,
        "[request body.attributes.name]: expected value of type [string] but got [undefined]",
    )


def test_an_update_before_2_17_takes_any_features():
    osd = at_release("2.16.0")
    workspace_id = created(osd, {"name": "team"}).json["result"]["id"]
    updated = osd.put(
        f"{WS}/{workspace_id}",
        json={"attributes": {"features": ["discover", "dashboards"]}, "settings": {}},
        headers=XSRF,
    )
    assert updated.json == {"success": True, "result": True}
    assert osd.get(f"{WS}/{workspace_id}").json["result"]["features"] == ["discover", "dashboards"]


@pytest.mark.parametrize(("version", "routed"), [("2.17.1", False), ("2.18.0", True), ("3.6.0", True)])
def test_associate_and_dissociate_are_routes_from_2_18(version, routed):
    osd = at_release(version)
    for path in (f"{WS}/_associate", f"{WS}/_dissociate"):
        reply = osd.post(path, json={"workspaceId": "nowhere", "savedObjects": []}, headers=XSRF)
        if routed:
            assert reply.json == {"success": True, "result": []}, reply.text
        else:
            boom(reply, 404, "Not Found")
