"""Elasticsearch API keys over HTTP, against a live server with security on: expiry, role descriptors
(the intersection with the owner's privileges, for Elasticsearch, Kibana and the control API), the get,
query and invalidate APIs, who may see and invalidate which keys, the journal's redaction of the
secrets, and the keys in the saved state. Facts from elastic/elasticsearch (ApiKeyService, ApiKey,
ManageOwnApiKeyClusterPrivilege, RBACEngine, the api_key/*.yml REST tests)."""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import time
from urllib.parse import urlencode, urlsplit

import contract
import pytest

from mockserver import create_app, runtime_of
from mockserver.server import LiveServer

ROLES = {
    "ml_admin": {
        "cluster": ["manage_ml", "monitor_connector", "manage_own_api_key"],
        "kibana": [{"spaces": ["*"], "feature": {"ml": ["all"]}}],
    },
    "key_user": {"cluster": ["manage_own_api_key", "monitor_connector"]},
    "key_manager": {"cluster": ["manage_api_key"]},
}
USERS = {
    "ml_admin": {"password": "pw-ml", "roles": ["ml_admin"]},
    "key_user": {"password": "pw-user", "roles": ["key_user"]},
    "other_user": {"password": "pw-other", "roles": ["key_user"]},
    "key_manager": {"password": "pw-manager", "roles": ["key_manager"]},
}
WWW = ['Basic realm="security", charset="UTF-8"', 'Bearer realm="security"', "ApiKey"]
API_KEY_FAILURE = (
    "unable to authenticate with provided credentials and anonymous access is not allowed for this request"
)


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


ADMIN = basic("elastic", "changeme")
ML_ADMIN = basic("ml_admin", "pw-ml")
KEY_USER = basic("key_user", "pw-user")
OTHER_USER = basic("other_user", "pw-other")
KEY_MANAGER = basic("key_manager", "pw-manager")


def api_key(created: dict) -> str:
    return "ApiKey " + created["encoded"]


class Reply:
    def __init__(self, status: int, headers, text: str):
        self.status, self.headers, self.text = status, headers, text

    @property
    def json(self):
        return json.loads(self.text) if self.text else None


class Server:
    def __init__(self, app, url: str):
        self.app, self.url = app, url

    def call(
        self,
        method: str,
        path: str,
        authorization: str | None = None,
        body=None,
        query: dict | None = None,
        headers: dict | None = None,
    ) -> Reply:
        address = urlsplit(self.url)
        conn = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        sent = dict(headers or {}) | ({"Authorization": authorization} if authorization else {})
        if body is not None:
            sent["Content-Type"] = "application/json"
        target = path + ("?" + urlencode(query) if query else "")
        try:
            conn.request(method, target, body=json.dumps(body) if body is not None else None, headers=sent)
            response = conn.getresponse()
            return Reply(response.status, response.headers, response.read().decode())
        finally:
            conn.close()

    def create(self, authorization: str, **body) -> dict:
        reply = self.call("POST", "/_security/api_key", authorization, body)
        assert reply.status == 200, reply.text
        return reply.json

    def load(self, document: dict) -> None:
        reply = self.call("POST", "/_mock/state", ADMIN, document)
        assert reply.status == 200, reply.text


def checked(reply: Reply, method: str, path: str, status: int = 200) -> dict:
    """The answer, asserted to have ``status`` and to follow Elastic's own OpenAPI document."""
    assert reply.status == status, reply.text
    if contract.available():
        problems = contract.violations(method, path, reply.status, reply.json)
        assert not problems, problems
    return reply.json


def security_error(reply: Reply, status: int, reason: str) -> dict:
    assert reply.status == status, reply.text
    body = reply.json
    assert (body["status"], body["error"]["type"], body["error"]["reason"]) == (status, "security_exception", reason), (
        body
    )
    return body["error"]


def unauthorized_key(reply: Reply, detail: str) -> None:
    error = security_error(reply, 401, API_KEY_FAILURE)
    assert error["additional_unsuccessful_credentials"] == f"API key: {detail}"
    assert error["header"] == {"WWW-Authenticate": WWW}
    assert reply.headers.get_all("WWW-Authenticate") == WWW


@contextlib.contextmanager
def secured_server(folder, document: dict):
    """A live server with security on (``elastic:changeme`` the superuser), seeded with ``document``."""
    fixture = folder / "security.json"
    fixture.write_text(json.dumps(document))
    app = create_app([fixture], auth="elastic:changeme")
    with LiveServer(app) as server:
        yield Server(app, server.url)


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with secured_server(
        tmp_path_factory.mktemp("api-keys"),
        {"security": {"users": USERS, "roles": ROLES}, "kibana": {"spaces": {"space1": {"name": "Space 1"}}}},
    ) as server:
        yield server


@pytest.fixture
def es(live) -> Server:
    runtime_of(live.app).reset()
    return live


# -- expiry -----------------------------------------------------------------------------------------


def test_an_expired_key_no_longer_authenticates(es):
    # ApiKeyService.getApiKeyExpiration adds whole seconds: "1ms" expires the key when it is made.
    expired = es.create(ADMIN, name="short-lived", expiration="1ms")
    lasting = es.create(ADMIN, name="lasting", expiration="1h")
    assert lasting["expiration"] - int(time.time() * 1000) > 3_500_000
    unauthorized_key(es.call("GET", "/", api_key(expired)), "api key is expired")
    assert es.call("GET", "/", api_key(lasting)).status == 200
    # The secret is checked before the expiry: a wrong one is told as such.
    forged = base64.b64encode(f"{expired['id']}:wrong".encode()).decode()
    unauthorized_key(es.call("GET", "/", "ApiKey " + forged), f"invalid credentials for API key [{expired['id']}]")


def test_a_fixture_key_expired_in_the_past_is_refused(es):
    es.load(
        {
            "security": {
                "api_keys": {
                    "old-key": {"api_key": "old-secret", "owner": "elastic", "name": "old", "expiration": 1_000_000},
                    "fresh-key": {"api_key": "fresh-secret", "owner": "elastic", "name": "fresh"},
                }
            }
        }
    )
    old = "ApiKey " + base64.b64encode(b"old-key:old-secret").decode()
    fresh = "ApiKey " + base64.b64encode(b"fresh-key:fresh-secret").decode()
    unauthorized_key(es.call("GET", "/_connector", old), "api key is expired")
    assert es.call("GET", "/_connector", fresh).status == 200


def test_a_bad_expiration_is_refused_as_the_time_value_parser_refuses_it(es):
    reply = es.call("POST", "/_security/api_key", ADMIN, {"name": "k", "expiration": "1 fortnight"})
    assert reply.status == 400, reply.text
    assert reply.json["error"]["type"] == "x_content_parse_exception"
    assert reply.json["error"]["caused_by"] == {
        "type": "parse_exception",
        "reason": "failed to parse setting [expiration] with value [1 fortnight] as a time value: unit is missing or "
        "unrecognized",
    }


# -- role descriptors ---------------------------------------------------------------------------------


def test_role_descriptors_limit_a_key_to_their_intersection_with_the_owner(es):
    limited = es.create(ML_ADMIN, name="ml-reader", role_descriptors={"reader": {"cluster": ["monitor_ml"]}})
    key = api_key(limited)
    assert es.call("GET", "/_ml/anomaly_detectors", key).status == 200
    job = {"analysis_config": {"detectors": [{"function": "count"}]}, "data_description": {}}
    security_error(
        es.call("PUT", "/_ml/anomaly_detectors/new-job", key, job),
        403,
        f"action [cluster:admin/xpack/ml/job/put] is unauthorized for API key id [{limited['id']}] of user "
        "[ml_admin], this action is granted by the cluster privileges [manage_ml,manage,all]",
    )
    # The owner may list connectors; the descriptors do not say so.
    assert es.call("GET", "/_connector", ML_ADMIN).status == 200
    assert es.call("GET", "/_connector", key).status == 403
    # A descriptor cannot give more than the owner has: manage is not the owner's.
    wider = es.create(ML_ADMIN, name="wider", role_descriptors={"all": {"cluster": ["manage"]}})
    assert es.call("DELETE", "/_connector/connector-1", api_key(wider)).status == 403
    assert es.call("PUT", "/_ml/anomaly_detectors/new-job", api_key(wider), job).status == 200


@pytest.mark.parametrize("descriptors", [{}, None])
def test_empty_role_descriptors_give_the_owner_privileges(es, descriptors):
    body = {"role_descriptors": descriptors} if descriptors is not None else {}
    created = es.create(ML_ADMIN, name="inherits", **body)
    job = {"analysis_config": {"detectors": [{"function": "count"}]}, "data_description": {}}
    assert es.call("PUT", "/_ml/anomaly_detectors/inherited-job", api_key(created), job).status == 200
    assert es.call("GET", "/_connector", api_key(created)).status == 200
    # 40_view_role_descriptors.yml: implicit and explicit inheritance both show no descriptors.
    reply = es.call("GET", "/_security/api_key", ADMIN, query={"id": created["id"]})
    assert checked(reply, "GET", "/_security/api_key")["api_keys"][0]["role_descriptors"] == {}


def test_a_key_keeps_the_owner_privileges_it_was_created_with(es):
    created = es.create(ML_ADMIN, name="snapshot")
    # The owner's role changes afterwards: the key is limited by the snapshot taken at creation.
    es.load({"security": {"roles": {"ml_admin": {"cluster": ["monitor_ml"]}}}})
    job = {"analysis_config": {"detectors": [{"function": "count"}]}, "data_description": {}}
    assert es.call("PUT", "/_ml/anomaly_detectors/j1", ML_ADMIN, job).status == 403
    assert es.call("PUT", "/_ml/anomaly_detectors/j1", api_key(created), job).status == 200


def test_a_limited_key_of_the_superuser_is_not_one_for_the_control_api(es):
    limited = es.create(ADMIN, name="ml-only", role_descriptors={"ml": {"cluster": ["monitor_ml"]}})
    reply = es.call("GET", "/_mock/health", api_key(limited))
    assert (reply.status, reply.json["message"]) == (403, "the control API needs a superuser; [elastic] is not one")
    unlimited = es.create(ADMIN, name="all")
    assert es.call("GET", "/_mock/health", api_key(unlimited)).status == 200
    everything = es.create(
        ADMIN,
        name="everything",
        role_descriptors={"su": {"cluster": ["all"], "indices": [{"names": ["*"], "privileges": ["all"]}]}},
    )
    assert es.call("GET", "/_mock/health", api_key(everything)).status == 200


def test_a_limited_key_has_only_the_kibana_privileges_its_descriptors_give(es):
    no_kibana = es.create(ADMIN, name="es-only", role_descriptors={"ml": {"cluster": ["monitor_ml"]}})
    reply = es.call("GET", "/s/space1/internal/ml/saved_objects/status?elasticInternalOrigin=true", api_key(no_kibana))
    assert reply.status == 403, reply.text
    reader = es.create(
        ADMIN,
        name="kibana-ml-reader",
        role_descriptors={
            "ml": {
                "cluster": ["monitor_ml"],
                "applications": [
                    {"application": "kibana-.kibana", "privileges": ["feature_ml.read"], "resources": ["space:space1"]}
                ],
            }
        },
    )
    assert (
        es.call("GET", "/s/space1/internal/ml/saved_objects/status?elasticInternalOrigin=true", api_key(reader)).status
        == 200
    )
    assert (
        es.call("GET", "/internal/ml/saved_objects/status?elasticInternalOrigin=true", api_key(reader)).status == 403
    )  # the default space
    reply = es.call("GET", "/s/space1/api/ml/saved_objects/sync", api_key(reader))
    assert (reply.status, reply.json["message"]) == (
        403,
        "API [GET /api/ml/saved_objects/sync] is unauthorized for user, this action is granted by the Kibana "
        "privileges [ml:canCreateJob,ml:canCreateDataFrameAnalytics,ml:canCreateTrainedModels]",
    )
    # The owner's limit holds too: ml_admin's key asking for all spaces gets ml_admin's.
    admin_key = es.create(
        ML_ADMIN,
        name="kibana-all",
        role_descriptors={
            "k": {"applications": [{"application": "kibana-.kibana", "privileges": ["all"], "resources": ["*"]}]}
        },
    )
    assert es.call("GET", "/s/space1/api/ml/saved_objects/sync", api_key(admin_key)).status == 200
    assert [s["id"] for s in es.call("GET", "/api/spaces/space", api_key(admin_key)).json] == ["default", "space1"]


def test_a_key_made_with_a_key_may_have_no_privileges(es):
    parent = es.create(ADMIN, name="parent")
    reply = es.call("POST", "/_security/api_key", api_key(parent), {"name": "child"})
    assert reply.status == 400, reply.text
    assert reply.json["error"] == {
        "root_cause": [
            {
                "type": "illegal_argument_exception",
                "reason": "creating derived api keys requires an explicit "
                "role descriptor that is empty (has no privileges)",
            }
        ],
        "type": "illegal_argument_exception",
        "reason": "creating derived api keys requires an explicit role descriptor that is empty (has no privileges)",
    }
    child = es.create(api_key(parent), name="child", role_descriptors={"nothing": {}})
    assert es.call("GET", "/_connector", api_key(child)).status == 403


def test_an_unknown_descriptor_field_is_refused(es):
    reply = es.call(
        "POST", "/_security/api_key", ADMIN, {"name": "k", "role_descriptors": {"r": {"clusters": ["all"]}}}
    )
    assert reply.status == 400, reply.text
    error = reply.json["error"]
    assert (error["type"], error["reason"].split("] ", 1)[1]) == (
        "x_content_parse_exception",
        "[api_key_request] failed to parse field [role_descriptors]",
    )
    assert error["caused_by"] == {
        "type": "parse_exception",
        "reason": "failed to parse role [r]. unexpected field [clusters]",
    }


# -- get --------------------------------------------------------------------------------------------------


def test_get_an_api_key_as_elasticsearch_writes_it(es):
    before = int(time.time() * 1000)
    created = es.create(
        ML_ADMIN,
        name="my-key",
        expiration="1d",
        metadata={"team": "ml", "n": 42},
        role_descriptors={
            "role-a": {"cluster": ["monitor_ml"], "index": [{"names": ["index-a"], "privileges": ["read"]}]}
        },
    )
    body = checked(
        es.call("GET", "/_security/api_key", ADMIN, query={"id": created["id"]}), "GET", "/_security/api_key"
    )
    [key] = body["api_keys"]
    assert list(key) == [
        "id",
        "name",
        "type",
        "creation",
        "expiration",
        "invalidated",
        "username",
        "realm",
        "realm_type",
        "metadata",
        "role_descriptors",
    ]
    assert before <= key["creation"] <= int(time.time() * 1000) and key["expiration"] == created["expiration"]
    assert (
        key["id"],
        key["name"],
        key["type"],
        key["invalidated"],
        key["username"],
        key["realm"],
        key["realm_type"],
    ) == (created["id"], "my-key", "rest", False, "ml_admin", "native", "native")
    assert key["metadata"] == {"team": "ml", "n": 42}
    assert key["role_descriptors"] == {
        "role-a": {
            "cluster": ["monitor_ml"],
            "indices": [{"names": ["index-a"], "privileges": ["read"], "allow_restricted_indices": False}],
            "applications": [],
            "run_as": [],
            "metadata": {},
            "transient_metadata": {"enabled": True},
        }
    }
    assert "api_key" not in key and "encoded" not in key and "limited_by" not in key


def test_get_with_limited_by_gives_the_owner_snapshot(es):
    created = es.create(KEY_USER, name="limited")
    body = checked(
        es.call(
            "GET",
            "/_security/api_key",
            KEY_USER,
            query={"id": created["id"], "owner": "true", "with_limited_by": "true"},
        ),
        "GET",
        "/_security/api_key",
    )
    assert body["api_keys"][0]["role_descriptors"] == {}
    assert body["api_keys"][0]["limited_by"] == [
        {
            "key_user": {
                "cluster": ["manage_own_api_key", "monitor_connector"],
                "indices": [],
                "applications": [],
                "run_as": [],
                "metadata": {},
                "transient_metadata": {"enabled": True},
            }
        }
    ]
    # The key itself cannot see its limited-by descriptors with manage_own_api_key only.
    reply = es.call(
        "GET", "/_security/api_key", api_key(created), query={"id": created["id"], "with_limited_by": "true"}
    )
    security_error(
        reply,
        403,
        f"action [cluster:admin/xpack/security/api_key/get] is unauthorized for API key id "
        f"[{created['id']}] of user [key_user], this action is granted by the cluster privileges "
        "[read_security,manage_api_key,manage_security,all]",
    )


def test_get_filters_by_name_user_realm_and_activity(es):
    a = es.create(KEY_USER, name="app-a")
    b = es.create(KEY_USER, name="app-b", expiration="1ms")
    c = es.create(OTHER_USER, name="other")
    d = es.create(ADMIN, name="admin-key")

    def ids(**query) -> list[str]:
        reply = es.call("GET", "/_security/api_key", ADMIN, query=query)
        return [k["id"] for k in checked(reply, "GET", "/_security/api_key")["api_keys"]]

    assert ids() == [a["id"], b["id"], c["id"], d["id"]]
    assert ids(name="app-a") == [a["id"]]
    assert ids(name="app*") == [a["id"], b["id"]]
    assert ids(name="*") == [a["id"], b["id"], c["id"], d["id"]]
    assert ids(username="key_user") == [a["id"], b["id"]]
    assert ids(realm_name="reserved") == [d["id"]]
    assert ids(username="other_user", realm_name="native") == [c["id"]]
    assert ids(username="key_user", active_only="true") == [a["id"]]
    assert ids(owner="true") == [d["id"]]


def test_get_an_unknown_id_answers_404_with_no_keys(es):
    reply = es.call("GET", "/_security/api_key", ADMIN, query={"id": "no-such-key"})
    assert (reply.status, reply.json) == (404, {"api_keys": []})
    reply = es.call("GET", "/_security/api_key", ADMIN, query={"name": "no-such-key"})
    assert (reply.status, reply.json) == (200, {"api_keys": []})


def test_get_validation_is_the_request_one(es):
    reply = es.call("GET", "/_security/api_key", ADMIN, query={"id": "x", "name": "y", "username": "z"})
    assert reply.status == 400, reply.text
    assert reply.json["error"]["type"] == "action_request_validation_exception"
    assert reply.json["error"]["reason"] == (
        "Validation Failed: 1: username or realm name must not be specified when the api key id or api key name is "
        "specified;2: only one of [api key id, api key name] can be specified;"
    )
    reply = es.call("GET", "/_security/api_key", ADMIN, query={"owner": "true", "realm_name": "native"})
    assert reply.json["error"]["reason"] == (
        "Validation Failed: 1: neither username nor realm-name may be specified when retrieving owned API keys;"
    )


def test_manage_own_api_key_sees_and_invalidates_only_its_own(es):
    mine = es.create(KEY_USER, name="mine")
    theirs = es.create(OTHER_USER, name="theirs")
    own = checked(es.call("GET", "/_security/api_key", KEY_USER, query={"owner": "true"}), "GET", "/_security/api_key")
    assert [k["id"] for k in own["api_keys"]] == [mine["id"]]
    by_name = es.call("GET", "/_security/api_key", KEY_USER, query={"username": "key_user", "realm_name": "native"})
    assert [k["id"] for k in by_name.json["api_keys"]] == [mine["id"]]
    security_error(
        es.call("GET", "/_security/api_key", KEY_USER, query={"id": theirs["id"]}),
        403,
        "action [cluster:admin/xpack/security/api_key/get] is unauthorized for user [key_user] with effective "
        "roles [key_user], this action is granted by the cluster privileges "
        "[read_security,manage_api_key,manage_security,all]",
    )
    # The query API finds the caller's own keys only.
    found = checked(es.call("POST", "/_security/_query/api_key", KEY_USER, {}), "POST", "/_security/_query/api_key")
    assert (found["total"], [k["id"] for k in found["api_keys"]]) == (1, [mine["id"]])
    # Invalidating another's key takes manage_api_key.
    security_error(
        es.call("DELETE", "/_security/api_key", KEY_USER, {"ids": [theirs["id"]]}),
        403,
        "action [cluster:admin/xpack/security/api_key/invalidate] is unauthorized for user [key_user] with "
        "effective roles [key_user], this action is granted by the cluster privileges "
        "[manage_api_key,manage_security,all]",
    )
    reply = es.call("DELETE", "/_security/api_key", KEY_USER, {"ids": [mine["id"], theirs["id"]], "owner": True})
    # owner=true: only the caller's keys are found.
    assert checked(reply, "DELETE", "/_security/api_key") == {
        "invalidated_api_keys": [mine["id"]],
        "previously_invalidated_api_keys": [],
        "error_count": 0,
    }
    assert es.call("GET", "/_connector", api_key(theirs)).status == 200


def test_no_api_key_privilege_names_those_that_grant_reading_own_keys(es):
    es.load(
        {
            "security": {
                "users": {"nobody": {"password": "pw-nobody", "roles": ["nothing"]}},
                "roles": {"nothing": {"cluster": ["monitor"]}},
            }
        }
    )
    nobody = basic("nobody", "pw-nobody")
    security_error(
        es.call("GET", "/_security/api_key", nobody, query={"owner": "true"}),
        403,
        "action [cluster:admin/xpack/security/api_key/get] is unauthorized for user [nobody] with effective "
        "roles [nothing], this action is granted by the cluster privileges "
        "[manage_own_api_key,read_security,manage_api_key,manage_security,all]",
    )
    security_error(
        es.call("DELETE", "/_security/api_key", nobody, {"owner": True}),
        403,
        "action [cluster:admin/xpack/security/api_key/invalidate] is unauthorized for user [nobody] with "
        "effective roles [nothing], this action is granted by the cluster privileges "
        "[manage_own_api_key,manage_api_key,manage_security,all]",
    )


def test_an_api_key_sees_and_invalidates_itself_only(es):
    first = es.create(KEY_USER, name="first")
    second = es.create(KEY_USER, name="second")
    key = api_key(first)
    mine = checked(es.call("GET", "/_security/api_key", key, query={"id": first["id"]}), "GET", "/_security/api_key")
    assert [k["id"] for k in mine["api_keys"]] == [first["id"]]
    # An API key owns no other key, not even its owner's others.
    assert es.call("GET", "/_security/api_key", key, query={"owner": "true"}).status == 403
    assert es.call("GET", "/_security/api_key", key, query={"id": second["id"]}).status == 403
    found = checked(es.call("GET", "/_security/_query/api_key", key), "GET", "/_security/_query/api_key")
    assert [k["id"] for k in found["api_keys"]] == [first["id"]]
    assert es.call("POST", "/_security/_query/api_key", key, {}, query={"with_limited_by": "true"}).status == 403
    assert es.call("DELETE", "/_security/api_key", key, {"ids": [second["id"]]}).status == 403
    reply = es.call("DELETE", "/_security/api_key", key, {"ids": [first["id"]]})
    assert reply.json["invalidated_api_keys"] == [first["id"]]
    unauthorized_key(es.call("GET", "/", key), "api key has been invalidated")


def test_a_key_without_api_key_privileges_still_reads_itself(es):
    # RBACEngine.checkSameUserPermissions: a key may always get itself (not its limited-by descriptors).
    created = es.create(ML_ADMIN, name="no-key-privileges", role_descriptors={"ml": {"cluster": ["monitor_ml"]}})
    reply = es.call("GET", "/_security/api_key", api_key(created), query={"id": created["id"]})
    assert [k["name"] for k in checked(reply, "GET", "/_security/api_key")["api_keys"]] == ["no-key-privileges"]
    assert es.call("GET", "/_security/_query/api_key", api_key(created)).status == 403


# -- query --------------------------------------------------------------------------------------------------


def test_query_api_keys(es):
    # The keys are made a few milliseconds apart: the sort on creation below needs distinct times (equal
    # ones keep index order, as Lucene breaks ties by document).
    m = es.create(KEY_MANAGER, name="manager-api-key", expiration="10d", metadata={"letter": "a", "number": 42})
    time.sleep(0.003)
    u1 = es.create(KEY_USER, name="user1-api-key", expiration="1d", metadata={"letter": "a", "number": 1})
    time.sleep(0.003)
    u2 = es.create(OTHER_USER, name="user2-api-key", expiration="2d", metadata={"letter": "b", "number": 42})

    def query(body, **params) -> dict:
        reply = es.call("POST", "/_security/_query/api_key", KEY_MANAGER, body, query=params or None)
        return checked(reply, "POST", "/_security/_query/api_key")

    def ids(found: dict) -> list[str]:
        return [k["id"] for k in found["api_keys"]]

    everything = query({})
    assert (everything["total"], everything["count"], ids(everything)) == (3, 3, [m["id"], u1["id"], u2["id"]])
    assert ids(query({"query": {"term": {"name": "user1-api-key"}}})) == [u1["id"]]
    assert ids(query({"query": {"term": {"username": {"value": "OTHER_USER", "case_insensitive": True}}}})) == [
        u2["id"]
    ]
    assert ids(query({"query": {"ids": {"values": [u2["id"], m["id"]]}}})) == [m["id"], u2["id"]]
    assert ids(query({"query": {"terms": {"metadata.number": [42]}}})) == [m["id"], u2["id"]]
    assert ids(
        query(
            {
                "query": {
                    "bool": {"must": [{"prefix": {"name": "user"}}], "must_not": [{"term": {"metadata.letter": "b"}}]}
                }
            }
        )
    ) == [u1["id"]]
    assert ids(query({"query": {"range": {"expiration": {"lte": "now+36h"}}}})) == [u1["id"]]
    assert ids(query({"query": {"exists": {"field": "expiration"}}})) == [m["id"], u1["id"], u2["id"]]
    page = query(
        {"query": {"wildcard": {"name": "user*"}}, "sort": [{"creation": {"order": "desc"}}], "from": 1, "size": 1}
    )
    assert (page["total"], page["count"], ids(page)) == (2, 1, [u1["id"]])
    assert page["api_keys"][0]["_sort"] == [page["api_keys"][0]["creation"]]
    first = query({"query": {"wildcard": {"name": "*key"}}, "sort": ["expiration", "username"], "size": 1})
    assert ids(first) == [u1["id"]] and first["api_keys"][0]["_sort"] == [u1["expiration"], "key_user"]
    after = query(
        {
            "query": {"wildcard": {"name": "*key"}},
            "sort": ["expiration", "username"],
            "size": 1,
            "search_after": first["api_keys"][0]["_sort"],
        }
    )
    assert (after["total"], ids(after)) == (3, [u2["id"]])
    limited = query({"query": {"term": {"name": "user1-api-key"}}}, with_limited_by="true")
    assert list(limited["api_keys"][0]["limited_by"][0]) == ["key_user"]


def test_query_refuses_fields_and_queries_it_does_not_allow(es):
    def refused(body) -> dict:
        reply = es.call("POST", "/_security/_query/api_key", ADMIN, body)
        assert reply.status == 400, reply.text
        return reply.json["error"]

    assert refused({"query": {"term": {"api_key_hash": "x"}}})["reason"] == (
        "Field [api_key_hash] is not allowed for querying or aggregation"
    )
    assert refused({"query": {"bool": {"filter": [{"exists": {"field": "meta*"}}]}}})["reason"] == (
        "Field name pattern [meta*] is not allowed for querying or aggregation"
    )
    assert refused({"query": {"match_none": {}}})["reason"] == (
        "Query type [match_none] is not currently supported in this context"
    )
    assert refused({"sort": ["api_key"]})["reason"] == "Field [api_key] is not allowed for querying or aggregation"
    error = refused({"size": 1, "nope": 2})
    assert error["reason"].endswith("[query_api_key_request_payload] unknown field [nope]")


# -- invalidate ------------------------------------------------------------------------------------------------


def test_invalidate_api_keys(es):
    k1 = es.create(KEY_USER, name="k-1")
    k2 = es.create(KEY_USER, name="k-2")
    k3 = es.create(OTHER_USER, name="k-3")
    answer = checked(
        es.call("DELETE", "/_security/api_key", ADMIN, {"ids": [k1["id"], k2["id"]]}), "DELETE", "/_security/api_key"
    )
    assert answer == {
        "invalidated_api_keys": [k1["id"], k2["id"]],
        "previously_invalidated_api_keys": [],
        "error_count": 0,
    }
    unauthorized_key(es.call("GET", "/", api_key(k1)), "api key has been invalidated")
    # Invalidated keys are not found again: a second invalidation finds nothing.
    again = es.call("DELETE", "/_security/api_key", ADMIN, {"ids": [k1["id"]]})
    assert again.json == {"invalidated_api_keys": [], "previously_invalidated_api_keys": [], "error_count": 0}
    [key] = es.call("GET", "/_security/api_key", ADMIN, query={"id": k1["id"]}).json["api_keys"]
    assert key["invalidated"] is True and key["invalidation"] >= key["creation"]
    assert list(key)[:7] == ["id", "name", "type", "creation", "invalidated", "invalidation", "username"]
    active = es.call("GET", "/_security/api_key", ADMIN, query={"username": "key_user", "active_only": "true"})
    assert active.json == {"api_keys": []}
    by_name = es.call("DELETE", "/_security/api_key", KEY_MANAGER, {"name": "k-*"})
    assert by_name.json["invalidated_api_keys"] == [k3["id"]]


def test_invalidate_by_user_and_realm(es):
    mine = es.create(KEY_USER, name="mine")
    admin = es.create(ADMIN, name="admin")
    reply = es.call("DELETE", "/_security/api_key", KEY_MANAGER, {"username": "key_user"})
    assert reply.json["invalidated_api_keys"] == [mine["id"]]
    reply = es.call("DELETE", "/_security/api_key", KEY_MANAGER, {"realm_name": "reserved"})
    assert reply.json["invalidated_api_keys"] == [admin["id"]]


def test_invalidate_validation_is_the_request_one(es):
    reply = es.call("DELETE", "/_security/api_key", ADMIN, {})
    assert reply.status == 400 and reply.json["error"]["reason"] == (
        "Validation Failed: 1: One of [api key id(s), api key name, username, realm name] must be specified if "
        "[owner] flag is false;"
    )
    reply = es.call("DELETE", "/_security/api_key", ADMIN, {"ids": ["a", " "]})
    assert reply.status == 400 and reply.json["error"]["caused_by"] == {
        "type": "action_request_validation_exception",
        "reason": "Validation Failed: 1: Field [ids] must not contain blank id, but got blank id at "
        "index position: [1];",
    }
    reply = es.call("DELETE", "/_security/api_key", ADMIN, {"owner": True, "username": "elastic"})
    assert reply.json["error"]["reason"] == (
        "Validation Failed: 1: neither username nor realm-name may be specified when invalidating owned API keys;"
    )
    reply = es.call("DELETE", "/_security/api_key", ADMIN)
    assert reply.status == 400 and reply.json["error"]["reason"] == "request body is required"


def test_a_cross_cluster_key_takes_manage_security_to_invalidate(es):
    es.load(
        {
            "security": {
                "api_keys": {
                    "ccs-key": {
                        "api_key": "ccs-secret",
                        "owner": "elastic",
                        "name": "ccs",
                        "type": "cross_cluster",
                        "access": {"search": [{"names": ["logs"]}]},
                    }
                }
            }
        }
    )
    ccs = "ApiKey " + base64.b64encode(b"ccs-key:ccs-secret").decode()
    security_error(
        es.call("GET", "/", ccs),
        401,
        "authentication expected API key type of [rest], but API key [ccs-key] has type [cross_cluster]",
    )
    [key] = es.call("GET", "/_security/api_key", ADMIN, query={"id": "ccs-key"}).json["api_keys"]
    assert (key["type"], key["access"]) == ("cross_cluster", {"search": [{"names": ["logs"]}]})
    reply = es.call("DELETE", "/_security/api_key", KEY_MANAGER, {"ids": ["ccs-key"]})
    assert checked(reply, "DELETE", "/_security/api_key") == {
        "invalidated_api_keys": [],
        "previously_invalidated_api_keys": [],
        "error_count": 1,
        "error_details": [
            {
                "type": "security_exception",
                "reason": "Cannot invalidate cross-cluster API key [ccs-key]. This requires [manage_security] "
                "cluster privilege or higher",
            }
        ],
    }
    assert es.call("DELETE", "/_security/api_key", ADMIN, {"ids": ["ccs-key"]}).json["invalidated_api_keys"] == [
        "ccs-key"
    ]


# -- the journal and the state -----------------------------------------------------------------------------------


def test_the_journal_keeps_no_api_key_secret(es):
    created = es.create(ADMIN, name="journal-key", expiration="1d")
    entries = es.call("GET", "/_mock/requests", ADMIN, query={"path": "/_security/api_key"}).json["requests"]
    [entry] = [e for e in entries if e["method"] == "POST"]
    assert json.loads(entry["response_body"]) == {
        "id": created["id"],
        "name": "journal-key",
        "expiration": created["expiration"],
        "api_key": "[redacted]",
        "encoded": "[redacted]",
    }
    everything = json.dumps(entries)
    assert created["api_key"] not in everything and created["encoded"] not in everything


def test_api_keys_round_trip_through_the_saved_state(es):
    es.create(
        ML_ADMIN,
        name="limited",
        expiration="1d",
        metadata={"a": [1, {"b": True}]},
        role_descriptors={"r": {"cluster": ["monitor_ml"]}},
    )
    gone = es.create(KEY_USER, name="gone")
    es.call("DELETE", "/_security/api_key", ADMIN, {"ids": [gone["id"]]})
    state = es.call("GET", "/_mock/state", ADMIN).json
    keys = state["security"]["api_keys"]
    assert {k["name"] for k in keys.values()} == {"limited", "gone"}
    assert keys[gone["id"]]["invalidated"] is True and "invalidation" in keys[gone["id"]]
    before = es.call("GET", "/_security/api_key", ADMIN, query={"with_limited_by": "true"}).json
    again = create_app(default_fixtures=False)
    runtime_of(again).store.load(state, "saved state")
    assert runtime_of(again).store.dump()["security"] == state["security"]
    with LiveServer(again) as server:
        reloaded = Server(again, server.url)
        assert reloaded.call("GET", "/_security/api_key", ADMIN, query={"with_limited_by": "true"}).json == before


# -- the official client -------------------------------------------------------------------------------------------


def test_the_official_client_manages_api_keys_unchanged(es):
    from elasticsearch9 import Elasticsearch, NotFoundError

    client = Elasticsearch(es.url, basic_auth=("elastic", "changeme"))
    try:
        created = client.security.create_api_key(
            name="client-key", expiration="1d", role_descriptors={"r": {"cluster": ["monitor"]}}
        )
        [key] = client.security.get_api_key(id=created["id"])["api_keys"]
        assert (key["name"], key["role_descriptors"]["r"]["cluster"]) == ("client-key", ["monitor"])
        assert client.security.get_api_key(owner=True, active_only=True)["api_keys"][0]["id"] == created["id"]
        found = client.security.query_api_keys(query={"term": {"name": "client-key"}}, size=5, with_limited_by=True)
        assert (found["total"], found["api_keys"][0]["limited_by"][0]["superuser"]["cluster"]) == (1, ["all"])
        assert client.security.query_api_keys()["count"] == 1
        assert client.security.invalidate_api_key(ids=[created["id"]])["invalidated_api_keys"] == [created["id"]]
        with pytest.raises(NotFoundError):
            client.security.get_api_key(id="missing")
        keyed = Elasticsearch(es.url, api_key=created["encoded"])
        from elasticsearch9 import AuthenticationException

        with pytest.raises(AuthenticationException) as caught:
            keyed.info()
        assert (
            caught.value.body["error"]["additional_unsuccessful_credentials"] == "API key: api key has been invalidated"
        )
    finally:
        client.close()


def test_kibana_space_privileges_of_a_descriptor_stay_within_spaces():
    """space_all on every space, or all on space:*, is not the global all that manages spaces; a
    privilege Kibana does not know grants nothing, not even login."""
    from mockserver.security import _kibana_privileges, _visible_spaces, descriptor_role

    def role(privileges, resources):
        return descriptor_role(
            {"applications": [{"application": "kibana-.kibana", "privileges": privileges, "resources": resources}]}
        )

    assert "space:manage" in _kibana_privileges([role(["all"], ["*"])], "default")
    assert "space:manage" not in _kibana_privileges([role(["space_all"], ["*"])], "default")
    assert "space:manage" not in _kibana_privileges([role(["all"], ["space:*"])], "default")
    assert _kibana_privileges([role(["bogus"], ["*"])], "default") == set()
    assert _visible_spaces([role(["bogus"], ["*"])]) == set()
