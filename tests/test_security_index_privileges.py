"""Index privileges over HTTP, against a live server with security on: a user's or an API key's
``indices`` entries decide which documents it may index, read, search and delete, wildcards are
narrowed to what it may see, document writes are checked item by item as the bulk shard request
checks them, and OpenSearch Dashboards takes no API key. Facts from elastic/elasticsearch
(IndexPrivilege, RBACEngine.authorizeIndexAction, IndicesAndAliasesResolver,
AuthorizationService.authorizeBulkItems, AuthorizationDenialMessages)."""

from __future__ import annotations

import base64
import json

import pytest
from test_security_api_keys import ADMIN, Server, api_key, basic, secured_server, security_error

from mockserver import runtime_of

ROLES = {
    "logs_reader": {"indices": [{"names": ["logs-*"], "privileges": ["read", "view_index_metadata"]}]},
    "logs_shipper": {"cluster": ["manage_own_api_key"], "indices": [{"names": "logs-*", "privileges": ["create_doc"]}]},
    "logs_pruner": {"indices": [{"names": ["logs-*"], "privileges": ["delete"]}]},
    "writer": {
        "cluster": ["manage_own_api_key"],
        "indices": [{"names": ["logs-*", "metrics-*"], "privileges": ["read", "write", "create_index"]}],
    },
}
USERS = {
    "reader": {"password": "pw-reader", "roles": ["logs_reader"]},
    "shipper": {"password": "pw-shipper", "roles": ["logs_shipper"]},
    "pruner": {"password": "pw-pruner", "roles": ["logs_pruner"]},
    "writer": {"password": "pw-writer", "roles": ["writer"]},
}
READER, SHIPPER = basic("reader", "pw-reader"), basic("shipper", "pw-shipper")
PRUNER, WRITER = basic("pruner", "pw-pruner"), basic("writer", "pw-writer")


def denied_to(who: str, action: str, context: str | None, grants: str) -> str:
    return (
        f"action [{action}] is unauthorized for {who}"
        + (f" {context}" if context else "")
        + f", this action is granted by the index privileges [{grants}]"
    )


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with secured_server(
        tmp_path_factory.mktemp("index-privileges"), {"security": {"users": USERS, "roles": ROLES}}
    ) as server:
        yield server


@pytest.fixture
def es(live) -> Server:
    runtime_of(live.app).reset()
    for index, doc_id in (("logs-1", "a"), ("logs-2", "b"), ("metrics-1", "c")):
        reply = live.call("PUT", f"/{index}/_doc/{doc_id}", ADMIN, {"n": doc_id}, query={"refresh": "true"})
        assert reply.status == 201, reply.text
    return live


def hit_ids(reply) -> list[str]:
    assert reply.status == 200, reply.text
    return sorted(hit["_id"] for hit in reply.json["hits"]["hits"])


def test_a_key_limited_to_nothing_reaches_no_document(es):
    key = es.create(ADMIN, name="nothing", role_descriptors={"none": {}})
    who = f"API key id [{key['id']}] of user [elastic]"
    security_error(
        es.call("PUT", "/logs-1/_doc/x", api_key(key), {"n": 1}),
        403,
        denied_to(who, "indices:data/write/index", "on indices [logs-1]", "create_doc,create,index,write,all"),
    )
    security_error(
        es.call("GET", "/logs-1/_doc/a", api_key(key)),
        403,
        denied_to(who, "indices:data/read/get", "on indices [logs-1]", "read,all"),
    )
    security_error(
        es.call("GET", "/_search", api_key(key)), 403, denied_to(who, "indices:data/read/search", None, "read,all")
    )
    security_error(
        es.call("POST", "/logs-*/_search", api_key(key), {}),
        403,
        # A search's names are resolved first (it may reach remote indices): the wildcard leaves none.
        denied_to(who, "indices:data/read/search", None, "read,all"),
    )
    security_error(
        es.call("POST", "/logs-*,logs-1/_search", api_key(key), {}),
        403,
        denied_to(who, "indices:data/read/search", "on indices [logs-1]", "read,all"),
    )
    security_error(
        es.call("DELETE", "/logs-1/_doc/a", api_key(key)),
        403,
        denied_to(who, "indices:data/write/delete", "on indices [logs-1]", "delete,write,all"),
    )
    security_error(
        es.call("PUT", "/fresh", api_key(key)),
        403,
        denied_to(who, "indices:admin/create", "on indices [fresh]", "create_index,manage,all"),
    )
    # The owner itself is untouched: the document is still there, nothing was written.
    assert es.call("GET", "/logs-1/_doc/a", ADMIN).json["_source"] == {"n": "a"}
    assert es.call("GET", "/logs-1/_doc/x", ADMIN).status == 404
    assert es.call("HEAD", "/fresh", ADMIN).status == 404
    # HEAD answers the refusal's status with no body.
    head = es.call("HEAD", "/logs-1/_doc/a", api_key(key))
    assert (head.status, head.text) == (403, "")


def ndjson(es: Server, authorization: str, lines: list[dict], path: str = "/_bulk"):
    from http.client import HTTPConnection
    from urllib.parse import urlsplit

    address = urlsplit(es.url)
    conn = HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        conn.request(
            "POST",
            path + "?refresh=true",
            body="".join(json.dumps(line) + "\n" for line in lines),
            headers={"Authorization": authorization, "Content-Type": "application/x-ndjson"},
        )
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def test_a_bulk_needs_some_write_privilege_and_then_each_item_its_own(es):
    key = es.create(ADMIN, name="nothing", role_descriptors={"none": {}})
    status, body = ndjson(es, api_key(key), [{"index": {"_index": "logs-1", "_id": "x"}}, {"n": 1}])
    assert status == 403 and body["error"]["reason"] == denied_to(
        f"API key id [{key['id']}] of user [elastic]",
        "indices:data/write/bulk",
        None,
        "create_doc,create,delete,index,write,all",
    )
    status, body = ndjson(
        es,
        SHIPPER,
        [
            {"create": {"_index": "logs-1", "_id": "new"}},
            {"n": 1},
            {"index": {"_index": "logs-1"}},
            {"n": 2},  # no id, but BulkRequestParser keeps an index an index
            {"index": {"_index": "logs-1", "_id": "a"}},
            {"n": 3},  # an overwrite: index, not create_doc
            {"delete": {"_index": "logs-2", "_id": "b"}},
            {"create": {"_index": "metrics-1", "_id": "m"}},
            {"n": 4},
            {"create": {"_index": "logs-new", "_id": "n"}},
            {"n": 5},
        ],
    )
    assert status == 200 and body["errors"] is True
    items = [next(iter(item.values())) for item in body["items"]]
    assert [item["status"] for item in items] == [201, 403, 403, 403, 403, 403]
    who = "user [shipper] with effective roles [logs_shipper]"
    assert [item["error"]["reason"] for item in items[1:]] == [
        denied_to(who, "indices:data/write/index:op_type/index", "on indices [logs-1]", "create,index,write,all"),
        denied_to(who, "indices:data/write/index:op_type/index", "on indices [logs-1]", "create,index,write,all"),
        denied_to(who, "indices:data/write/delete", "on indices [logs-2]", "delete,write,all"),
        denied_to(
            who, "indices:data/write/bulk[s]", "on indices [metrics-1]", "create_doc,create,delete,index,write,all"
        ),
        denied_to(who, "indices:admin/auto_create", "on indices [logs-new]", "auto_configure,create_index,manage,all"),
    ]
    assert all(item["error"]["type"] == "security_exception" for item in items[1:])
    # What was refused did not happen.
    assert es.call("GET", "/logs-1/_doc/a", ADMIN).json["_source"] == {"n": "a"}
    assert es.call("GET", "/logs-2/_doc/b", ADMIN).status == 200
    assert es.call("HEAD", "/logs-new", ADMIN).status == 404
    assert es.call("GET", "/logs-1/_doc/new", ADMIN).json["_source"] == {"n": 1}


def test_single_document_writes_are_checked_as_their_one_bulk_item(es):
    who = "user [shipper] with effective roles [logs_shipper]"
    assert es.call("POST", "/logs-1/_doc", SHIPPER, {"n": 1}).status == 201  # an id left to Elasticsearch
    assert es.call("PUT", "/logs-1/_create/c1", SHIPPER, {"n": 2}).status == 201
    security_error(
        es.call("PUT", "/logs-1/_doc/a", SHIPPER, {"n": 3}),
        403,
        denied_to(who, "indices:data/write/index:op_type/index", "on indices [logs-1]", "create,index,write,all"),
    )
    security_error(
        es.call("PUT", "/logs-9/_create/z", SHIPPER, {"n": 4}),
        403,
        denied_to(who, "indices:admin/auto_create", "on indices [logs-9]", "auto_configure,create_index,manage,all"),
    )
    security_error(
        es.call("POST", "/logs-1/_update/a", SHIPPER, {"doc": {"n": 5}}),
        403,
        denied_to(who, "indices:data/write/update", "on indices [logs-1]", "index,write,all"),
    )
    # A writer may create an index by writing to it, and update.
    assert es.call("PUT", "/metrics-2/_doc/1", WRITER, {"n": 1}).status == 201
    assert es.call("POST", "/logs-1/_update/a", WRITER, {"doc": {"n": 6}}).status == 200
    assert es.call("GET", "/logs-1/_doc/a", ADMIN).json["_source"] == {"n": 6}


def test_wildcards_are_narrowed_to_what_the_caller_may_read(es):
    assert hit_ids(es.call("GET", "/_search", READER)) == ["a", "b"]
    assert hit_ids(es.call("GET", "/*/_search", READER)) == ["a", "b"]
    assert hit_ids(es.call("GET", "/*,-logs-2/_search", READER)) == ["a"]
    assert es.call("GET", "/_count", READER).json["count"] == 2
    assert hit_ids(es.call("GET", "/logs-*,metrics-1/_search", READER, query={"ignore_unavailable": "true"})) == [
        "a",
        "b",
    ]
    who = "user [reader] with effective roles [logs_reader]"
    security_error(
        es.call("GET", "/logs-1,metrics-1/_search", READER),
        403,
        denied_to(who, "indices:data/read/search", "on indices [metrics-1]", "read,all"),
    )
    # A name it may read that does not exist is the ordinary 404; one it may not read is a 403 first.
    assert es.call("GET", "/logs-404/_search", READER).status == 404
    security_error(
        es.call("GET", "/metrics-404/_search", READER),
        403,
        denied_to(who, "indices:data/read/search", "on indices [metrics-404]", "read,all"),
    )
    # Nothing it may read: an empty answer, or with allow_no_indices=false Elasticsearch's 404.
    empty = es.call("GET", "/metrics-*/_search", READER)
    assert hit_ids(empty) == [] and empty.json["hits"]["total"]["value"] == 0
    missing = es.call("GET", "/metrics-*/_search", READER, query={"allow_no_indices": "false"})
    assert missing.status == 404 and missing.json["error"]["reason"] == "no such index [[metrics-*]]"
    # Reading is all it may do.
    security_error(
        es.call("PUT", "/logs-1/_doc/z", READER, {"n": 1}),
        403,
        denied_to(who, "indices:data/write/index", "on indices [logs-1]", "create_doc,create,index,write,all"),
    )
    # Index metadata is narrowed the same way.
    assert sorted(es.call("GET", "/_mapping", READER).json) == ["logs-1", "logs-2"]
    assert sorted(es.call("GET", "/*", READER).json) == ["logs-1", "logs-2"]
    security_error(
        es.call("GET", "/metrics-1", READER),
        403,
        denied_to(who, "indices:admin/get", "on indices [metrics-1]", "view_index_metadata,manage,all"),
    )


def test_an_api_key_acts_within_its_descriptors_and_its_owner(es):
    logs_only = es.create(
        ADMIN, name="logs", role_descriptors={"logs": {"indices": [{"names": ["logs-*"], "privileges": ["read"]}]}}
    )
    assert hit_ids(es.call("GET", "/_search", api_key(logs_only))) == ["a", "b"]
    # A key asking for more than its owner has gets the intersection: the owner reads logs-* only.
    created = es.call(
        "POST",
        "/_security/api_key",
        basic("writer", "pw-writer"),
        {"name": "wide", "role_descriptors": {"all": {"indices": [{"names": ["*"], "privileges": ["all"]}]}}},
    )
    assert created.status == 200, created.text
    wide = created.json
    assert hit_ids(es.call("GET", "/_search", api_key(wide))) == ["a", "b", "c"]
    security_error(
        es.call("PUT", "/other/_doc/1", api_key(wide), {"n": 1}),
        403,
        denied_to(
            f"API key id [{wide['id']}] of user [writer]",
            "indices:data/write/index",
            "on indices [other]",
            "create_doc,create,index,write,all",
        ),
    )
    # Within both, it may write.
    assert es.call("PUT", "/metrics-1/_doc/d", api_key(wide), {"n": 1}).status == 201


def test_delete_by_query_needs_its_search_too(es):
    who = "user [pruner] with effective roles [logs_pruner]"
    security_error(
        es.call("POST", "/logs-1/_delete_by_query", PRUNER, {"query": {"match_all": {}}}),
        403,
        denied_to(who, "indices:data/read/search", "on indices [logs-1]", "read,all"),
    )
    assert (
        es.call(
            "POST", "/logs-1/_delete_by_query", WRITER, {"query": {"match_all": {}}}, query={"refresh": "true"}
        ).json["deleted"]
        == 1
    )
    assert es.call("GET", "/logs-1/_doc/a", ADMIN).status == 404


def test_dashboards_takes_no_api_key(es):
    key = es.create(ADMIN, name="for-kibana")
    headers = {"osd-xsrf": "true"}
    assert es.call("GET", "/api/saved_objects/_find", ADMIN, query={"type": "config"}, headers=headers).status == 200
    refused = es.call("GET", "/api/saved_objects/_find", api_key(key), query={"type": "config"}, headers=headers)
    assert (refused.status, refused.json) == (
        401,
        {"statusCode": 401, "error": "Unauthorized", "message": "Authentication required"},
    )
    # Kibana does take it.
    assert es.call("GET", "/api/ml/saved_objects/sync", api_key(key), query={"simulate": "true"}).status == 200
    assert base64.b64decode(key["encoded"]).decode().startswith(key["id"] + ":")


def test_a_scroll_is_read_on_by_whoever_opened_it_only(es):
    opened = es.call("POST", "/logs-*/_search", READER, {"size": 1, "sort": ["_doc"]}, query={"scroll": "1m"})
    assert opened.status == 200, opened.text
    scroll_id = opened.json["_scroll_id"]
    stolen = es.call("POST", "/_search/scroll", WRITER, {"scroll_id": scroll_id})
    assert stolen.status == 404 and stolen.json["error"]["root_cause"][0]["type"] == "search_context_missing_exception"
    assert es.call("DELETE", "/_search/scroll", WRITER, {"scroll_id": scroll_id}).json == {
        "succeeded": True,
        "num_freed": 0,
    }
    page = es.call("POST", "/_search/scroll", READER, {"scroll_id": scroll_id})
    assert page.status == 200 and len(page.json["hits"]["hits"]) == 1
    # A caller with no read privilege anywhere is refused the scroll action itself.
    security_error(
        es.call("POST", "/_search/scroll", PRUNER, {"scroll_id": scroll_id}),
        403,
        denied_to("user [pruner] with effective roles [logs_pruner]", "indices:data/read/scroll", None, "read,all"),
    )


def test_the_official_client_with_a_connector_key_writes_its_own_index_only(es):
    import elasticsearch9
    from elasticsearch9 import helpers

    # The API key a connector gets: its content index and the connector indices, nothing more.
    key = es.create(
        ADMIN,
        name="connector-key",
        role_descriptors={
            "connector": {
                "cluster": ["monitor", "manage_connector"],
                "indices": [{"names": ["search-docs", ".elastic-connectors*"], "privileges": ["all"]}],
            }
        },
    )
    client = elasticsearch9.Elasticsearch(es.url, api_key=key["encoded"])
    try:
        ok, errors = helpers.bulk(
            client, [{"_index": "search-docs", "_id": str(n), "n": n} for n in range(3)], refresh=True
        )
        assert (ok, errors) == (3, [])
        assert client.count(index="search-docs")["count"] == 3
        with pytest.raises(helpers.BulkIndexError) as refused:
            helpers.bulk(client, [{"_index": "logs-1", "_id": "x", "n": 1}])
        assert refused.value.errors[0]["index"]["status"] == 403
        with pytest.raises(elasticsearch9.AuthorizationException) as denied:
            client.search(index="logs-1")
        assert denied.value.meta.status == 403
        # A wildcard reaches what it may read: its index and the connector indices' alias, no other.
        seen = {hit["_index"] for hit in client.search(index="*", size=100)["hits"]["hits"]}
        assert seen == {"search-docs", ".elastic-connectors-v1", ".elastic-connectors-sync-jobs-v1"}
    finally:
        client.close()


def test_what_elasticsearch_checks_first_and_what_it_narrows(es):
    who = "user [reader] with effective roles [logs_reader]"
    # A destructive wildcard is refused before any privilege is looked at.
    refused = es.call("DELETE", "/logs-*", READER)
    assert (
        refused.status == 400
        and refused.json["error"]["reason"] == "Wildcard expressions or all indices are not allowed"
    )
    # Clearing every scroll is a cluster action: manage.
    security_error(
        es.call("DELETE", "/_search/scroll/_all", READER),
        403,
        f"action [cluster:admin/indices/scroll/clear_all] is unauthorized for {who}, this action is granted by the "
        "cluster privileges [manage,all]",
    )
    # A new index's aliases need the aliases action on the index and on each alias.
    security_error(
        es.call("PUT", "/logs-9", WRITER, {"aliases": {"secret": {}}}),
        403,
        denied_to(
            "user [writer] with effective roles [writer]",
            "indices:admin/aliases",
            "on indices [logs-9,secret]",
            "manage,all",
        ),
    )
    assert es.call("HEAD", "/logs-9", ADMIN).status == 404
    # An explicit op_type=index is an index, even with the id left to Elasticsearch.
    security_error(
        es.call("POST", "/logs-1/_doc", SHIPPER, {"n": 1}, query={"op_type": "index"}),
        403,
        denied_to(
            "user [shipper] with effective roles [logs_shipper]",
            "indices:data/write/index:op_type/index",
            "on indices [logs-1]",
            "create,index,write,all",
        ),
    )


def test_aliases_stay_aliases_when_wildcards_are_narrowed(es):
    es.load(
        {
            "security": {
                "roles": {
                    "current_only": {"indices": [{"names": ["current"], "privileges": ["read", "write", "manage"]}]},
                    "manager": {"indices": [{"names": ["logs-1", "managed"], "privileges": ["manage"]}]},
                },
                "users": {
                    "current": {"password": "pw-current", "roles": ["current_only"]},
                    "manager": {"password": "pw-manager", "roles": ["manager"]},
                },
            }
        }
    )
    assert (
        es.call("POST", "/_aliases", ADMIN, {"actions": [{"add": {"index": "logs-1", "alias": "current"}}]}).status
        == 200
    )
    current = basic("current", "pw-current")
    deleted = es.call(
        "POST", "/cur*/_delete_by_query", current, {"query": {"match_all": {}}}, query={"refresh": "true"}
    )
    assert deleted.status == 200 and deleted.json["deleted"] == 1, deleted.text
    # POST /_aliases narrows each action's wildcard to the indices the caller may manage.
    narrowed = es.call(
        "POST",
        "/_aliases",
        basic("manager", "pw-manager"),
        {"actions": [{"add": {"index": "logs-*", "alias": "managed"}}]},
    )
    assert narrowed.status == 200, narrowed.text
    assert sorted(es.call("GET", "/_alias/managed", ADMIN).json) == ["logs-1"]


def test_a_wildcard_shows_only_the_aliases_the_caller_may_see(es):
    actions = [{"add": {"index": "logs-1", "alias": "logs-current"}}, {"add": {"index": "logs-2", "alias": "secret"}}]
    assert es.call("POST", "/_aliases", ADMIN, {"actions": actions}).status == 200
    listed = es.call("GET", "/_alias", READER)
    assert listed.status == 200 and listed.json == {
        "logs-1": {"aliases": {"logs-current": {}}},
        "logs-2": {"aliases": {}},
    }
    assert es.call("GET", "/_alias/*", READER).json == {"logs-1": {"aliases": {"logs-current": {}}}}
    # Without security's narrowing, the superuser sees both.
    assert {"logs-1", "logs-2"} <= set(es.call("GET", "/_alias/*", ADMIN).json)
