"""Security, off by default; with auth, every product route needs credentials or an API key, and each
product answers 401 and 403 in its own format."""

from __future__ import annotations

import base64
import json

import pytest
from conftest import Http, es_error
from conftest import boom as boom_body  # this file's boom adds Kibana's header checks

from mockserver import create_app

ROLES = {
    "connector_reader": {"cluster": ["monitor_connector", "manage_own_api_key"]},
    "ml_read_space1": {"cluster": ["monitor_ml"], "kibana": [{"spaces": ["space1"], "feature": {"ml": ["read"]}}]},
    "ml_all_space1": {"cluster": ["manage_ml"], "kibana": [{"spaces": ["space1"], "feature": {"ml": ["all"]}}]},
}
USERS = {
    "reader": {"password": "pw-reader", "roles": ["connector_reader", "ghost_role"]},
    "ml_reader": {"password": "pw-ml", "roles": ["ml_read_space1"]},
    "ml_admin1": {"password": "pw-admin1", "roles": ["ml_all_space1"]},
}
WWW = ['Basic realm="security", charset="UTF-8"', 'Bearer realm="security"', "ApiKey"]
EMPTY = {"savedObjectsCreated": {}, "savedObjectsDeleted": {}, "datafeedsAdded": {}, "datafeedsRemoved": {}}


def basic(user: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


ADMIN = basic("elastic", "changeme")
INTERNAL = {"x-elastic-internal-origin": "Kibana"}  # Kibana 8.9+ has the read-side views under /internal


@pytest.fixture(scope="module")
def secured_app(tmp_path_factory):
    fixture = tmp_path_factory.mktemp("security") / "users.json"
    fixture.write_text(
        json.dumps(
            {
                "security": {"users": USERS, "roles": ROLES},
                "kibana": {"spaces": {"space1": {"name": "Space 1"}, "space2": {"name": "Space 2"}}},
            }
        )
    )
    return create_app([fixture], auth="elastic:changeme")


@pytest.fixture
def secured(secured_app) -> Http:
    from mockserver import runtime_of

    runtime_of(secured_app).store.reset()
    return Http(secured_app.test_client())


def test_security_is_off_by_default(http):
    assert http.get("/_connector/connector-1").status == 200
    assert http.get("/api/ml/saved_objects/sync", query={"simulate": "true"}).status == 200


# -- Elasticsearch ------------------------------------------------------------------------------


def es_unauthorized(reply, reason: str) -> dict:
    error = es_error_without_product(reply, 401, "security_exception", reason)
    assert error["header"] == {"WWW-Authenticate": WWW} and error["root_cause"][0]["header"] == error["header"]
    assert reply.headers.getlist("WWW-Authenticate") == WWW
    return error


def es_error_without_product(reply, status, type_, reason):
    assert reply.status == status, reply.text
    assert "X-elastic-product" not in reply.headers  # the server takes it off 401 and 403
    body = reply.json
    assert (body["status"], body["error"]["type"], body["error"]["reason"]) == (status, type_, reason)
    return body["error"]


def test_es_needs_credentials(secured):
    es_unauthorized(
        secured.get("/_connector/connector-1", query={"pretty": "false"}),
        "missing authentication credentials for REST request [/_connector/connector-1?pretty=false]",
    )
    es_unauthorized(
        secured.get("/", headers=basic("elastic", "wrong")),
        "unable to authenticate user [elastic] for REST request [/]",
    )
    es_unauthorized(
        secured.get("/", headers=basic("nobody", "x")), "unable to authenticate user [nobody] for REST request [/]"
    )
    assert secured.get("/_connector/connector-1", headers=ADMIN).status == 200


def test_es_api_keys(secured):
    created = secured.post("/_security/api_key", json={"name": "my-key", "expiration": "1d"}, headers=ADMIN).json
    assert list(created) == ["id", "name", "expiration", "api_key", "encoded"]
    assert base64.b64decode(created["encoded"]).decode() == f"{created['id']}:{created['api_key']}"
    key = {"Authorization": f"ApiKey {created['encoded']}"}
    assert secured.get("/_connector/connector-1", headers=key).status == 200
    who = secured.get("/_security/_authenticate", headers=key).json
    assert (who["username"], who["authentication_type"], who["api_key"]["name"]) == ("elastic", "api_key", "my-key")
    wrong = base64.b64encode(f"{created['id']}:nope".encode()).decode()
    error = es_unauthorized(
        secured.get("/", headers={"Authorization": f"ApiKey {wrong}"}),
        "unable to authenticate with provided credentials and anonymous access is not allowed for this request",
    )
    assert error["additional_unsuccessful_credentials"] == f"API key: invalid credentials for API key [{created['id']}]"


def test_es_forbidden_names_the_action_and_privileges(secured):
    reader = basic("reader", "pw-reader")
    assert secured.get("/_connector/_sync_job", headers=reader).status == 200
    es_error_without_product(
        secured.post("/_connector/_sync_job", json={"id": "connector-1"}, headers=reader),
        403,
        "security_exception",
        "action [cluster:admin/xpack/connector/sync_job/post] is unauthorized for user [reader] with effective roles "
        "[connector_reader] (assigned roles [ghost_role] were not found), this action is granted by the cluster "
        "privileges [manage_connector,manage,all]",
    )
    es_error_without_product(
        secured.get("/_ml/anomaly_detectors", headers=reader),
        403,
        "security_exception",
        "action [cluster:monitor/xpack/ml/job/get] is unauthorized for user [reader] with effective roles "
        "[connector_reader] (assigned roles [ghost_role] were not found), this action is granted by the cluster "
        "privileges [monitor_ml,manage_ml,monitor,manage,all]",
    )
    # A bad request is refused before the privileges are looked at.
    es_error(secured.post("/_connector/_sync_job", json={"nope": 1}, headers=reader), 400, "x_content_parse_exception")


def test_es_forbidden_for_an_api_key(secured):
    key = secured.post("/_security/api_key", json={"name": "k"}, headers=basic("reader", "pw-reader")).json
    reply = secured.delete("/_connector/connector-1", headers={"Authorization": f"ApiKey {key['encoded']}"})
    assert reply.json["error"]["reason"] == (
        f"action [cluster:admin/xpack/connector/delete] is unauthorized for API key id [{key['id']}] of user [reader], "
        "this action is granted by the cluster privileges [manage_connector,manage,all]"
    )


@pytest.mark.parametrize("major", ["elasticsearch8", "elasticsearch9"])
def test_official_client_with_credentials(secured_app, major):
    import importlib

    from mockserver.server import LiveServer

    module = importlib.import_module(major)
    with LiveServer(secured_app) as server:
        es = module.Elasticsearch(server.url, basic_auth=("elastic", "changeme"))
        assert es.connector.sync_job_list(connector_id="connector-1")["count"] >= 5
        with pytest.raises(module.AuthenticationException):
            module.Elasticsearch(server.url, basic_auth=("elastic", "wrong")).connector.get(connector_id="connector-1")
        key = es.security.create_api_key(name="client-key")
        assert module.Elasticsearch(server.url, api_key=key["encoded"]).connector.get(connector_id="connector-1")["id"]
        with pytest.raises(module.AuthorizationException):
            module.Elasticsearch(server.url, basic_auth=("reader", "pw-reader")).connector.delete(
                connector_id="my-connector"
            )
        es.close()


# -- Kibana -------------------------------------------------------------------------------------


def boom(reply, status: int, message: str, from_the_route: bool = False):
    """A Kibana error; one from before the route ran (401, privileges) carries no API version."""
    boom_body(reply, status, message)
    assert "WWW-Authenticate" not in reply.headers
    assert ("elastic-api-version" in reply.headers) == from_the_route


def test_kibana_needs_credentials(secured):
    boom(secured.get("/api/ml/saved_objects/sync"), 401, "Unauthorized")
    reason = "unable to authenticate user [elastic] for REST request [/_security/_authenticate]"
    boom(
        secured.get("/api/ml/saved_objects/sync", headers=basic("elastic", "bad")),
        401,
        f"[security_exception: [security_exception] Reason: {reason}]: {reason}",
    )
    # No credentials and no kbn-xsrf on a POST: authentication comes first.
    boom(secured.post("/api/spaces/space", json={"id": "x", "name": "x"}), 401, "Unauthorized")
    # A route Kibana does not have is a 404 whoever asks.
    assert secured.get("/api/ml/nope").status == 404


def test_kibana_forbidden_names_the_privileges(secured):
    reader = basic("ml_reader", "pw-ml")
    boom(
        secured.get("/s/space1/api/ml/saved_objects/sync", query={"simulate": "true"}, headers=reader),
        403,
        "API [GET /api/ml/saved_objects/sync?simulate=true] is unauthorized for user, this action is granted by the "
        "Kibana privileges [ml:canCreateJob,ml:canCreateDataFrameAnalytics,ml:canCreateTrainedModels]",
    )
    # Authorization comes before validation: a bad query from this user is a 403 too.
    assert secured.get("/s/space1/api/ml/saved_objects/sync", query={"simulate": "x"}, headers=reader).status == 403
    # Reading is allowed in the user's space, and not in another.
    assert secured.get("/s/space1/internal/ml/saved_objects/status", headers={**reader, **INTERNAL}).status == 200
    assert secured.get("/s/space2/internal/ml/saved_objects/status", headers={**reader, **INTERNAL}).status == 403


def test_kibana_before_8_18_says_only_forbidden(tmp_path):
    fixture = tmp_path / "f.json"
    fixture.write_text(json.dumps({"security": {"users": USERS, "roles": ROLES}}))
    http = Http(create_app([fixture], auth="elastic:changeme", kibana_version="8.17.0").test_client())
    boom(http.get("/api/ml/saved_objects/sync", headers=basic("ml_reader", "pw-ml")), 403, "Forbidden")


def test_space_limited_user_syncs_only_what_it_sees(secured):
    # A job whose object lives in space2 only is neither re-created nor deleted by a space1 user.
    assert (
        secured.get("/s/space2/api/ml/saved_objects/sync", query={"addToAllSpaces": "false"}, headers=ADMIN).status
        == 200
    )
    admin1 = basic("ml_admin1", "pw-admin1")
    assert secured.get("/s/space1/api/ml/saved_objects/sync", headers=admin1).json == EMPTY
    secured.delete("/_ml/anomaly_detectors/myjob2", headers=ADMIN)
    assert secured.get("/s/space1/api/ml/saved_objects/sync", headers=admin1).json == EMPTY
    assert secured.get("/s/space1/internal/ml/saved_objects/jobs_spaces", headers={**admin1, **INTERNAL}).json == {}


def test_space_limited_user_cannot_create_in_all_spaces(secured):
    secured.put(
        "/_ml/anomaly_detectors/newjob",
        json={"analysis_config": {"detectors": [{"function": "count"}]}, "data_description": {}},
        headers=ADMIN,
    )
    admin1 = basic("ml_admin1", "pw-admin1")
    refused = secured.get("/s/space1/api/ml/saved_objects/sync", headers=admin1).json["savedObjectsCreated"]
    assert refused["anomaly-detector"]["newjob"] == {
        "success": False,
        "error": {"statusCode": 403, "error": "Forbidden", "message": "Unable to create ml-job"},
    }
    created = secured.get("/s/space1/api/ml/saved_objects/sync", query={"addToAllSpaces": "false"}, headers=admin1).json
    assert created["savedObjectsCreated"]["anomaly-detector"]["newjob"] == {"success": True}
    assert secured.get("/s/space1/internal/ml/saved_objects/jobs_spaces", headers={**admin1, **INTERNAL}).json == {
        "anomaly-detector": {"myjob1": ["space1"], "myjob2": ["space1"], "newjob": ["space1"]}
    }


def test_spaces_api_authorization(secured):
    reader = basic("ml_reader", "pw-ml")
    assert [s["id"] for s in secured.get("/api/spaces/space", headers=reader).json] == ["space1"]
    # The spaces client refuses these inside the (versioned) route.
    boom(secured.get("/api/spaces/space/space2", headers=reader), 403, "Unauthorized to get space2 space", True)
    boom(secured.get("/api/spaces/space/nope", headers=reader), 403, "Unauthorized to get nope space", True)
    boom(
        secured.post("/api/spaces/space", json={"id": "x", "name": "x"}, headers={**reader, "kbn-xsrf": "1"}),
        403,
        "Unauthorized to create spaces",
        True,
    )
    assert (
        secured.post("/api/spaces/space", json={"id": "x", "name": "x"}, headers={**ADMIN, "kbn-xsrf": "1"}).status
        == 200
    )


def test_the_control_api_needs_a_superuser_when_security_is_on(secured):
    reply = secured.post("/_mock/reset")
    assert (reply.status, reply.json) == (
        401,
        {"statusCode": 401, "error": "Unauthorized", "message": "the control API needs credentials"},
    )
    assert reply.headers["WWW-Authenticate"] == 'Basic realm="mockserver"'
    assert secured.get("/_mock/state", headers=basic("elastic", "wrong")).json["message"] == "invalid credentials"
    reader = secured.get("/_mock/requests", headers=basic("ml_reader", "pw-ml"))
    assert (reader.status, reader.json["message"]) == (403, "the control API needs a superuser; [ml_reader] is not one")
    assert secured.get("/_mock/health", headers=ADMIN).status == 200
    assert secured.post("/_mock/reset", headers=ADMIN).json == {"acknowledged": True}


def test_no_control_api():
    from conftest import Http

    http = Http(create_app(control_api=False).test_client())
    reply = http.post("/_mock/reset")
    assert (reply.status, reply.json) == (400, {"error": "no handler found for uri [/_mock/reset] and method [POST]"})
    assert http.get("/_connector/connector-1").status == 200


def test_auth_option_is_checked():
    with pytest.raises(ValueError, match="USER:PASSWORD"):
        create_app(auth="no-password")
