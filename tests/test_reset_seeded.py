"""Reset pays for what changed: the saved objects go back to their seed object by object (the rest of
the state is unpickled whole). Whatever was written, updated (a nested field too), deleted, re-created
or loaded since, every answer after reset is the seed's, byte for byte, and the search index is the
one the seeded objects make."""

from __future__ import annotations

import io
import json
import pickle

from conftest import Http, create_app

from mockserver import runtime_of
from mockserver.dashboards.search import TypeIndex

OSD = {"osd-xsrf": "true"}
VIZ = "/api/saved_objects/visualization/web-requests-over-time"


def seeded_app() -> Http:
    return Http(create_app().test_client())


def answers(http: Http) -> list[str]:
    """What a client sees of the saved objects: the state document, searches (with their scores), a
    list in index order, one object."""
    return [
        http.get(path).text
        for path in (
            "/_mock/state",
            "/api/saved_objects/_find?type=visualization&type=search&search=web*",
            "/api/saved_objects/_find?type=visualization&search=requests&search_fields=title",
            "/api/saved_objects/_find?type=index-pattern&type=visualization&type=search&type=dashboard&per_page=100",
            VIZ,
        )
    ]


def searched(http: Http, word: str) -> int:
    return http.get(f"/api/saved_objects/_find?type=visualization&type=search&search={word}").json["total"]


def fresh_index_of(http: Http, so_type: str) -> dict:
    """The index that the type's objects make, built afresh, beside the one kept on writes."""
    state = runtime_of(http.client.application).store["dashboards"]
    kept = state.repository.indexes[so_type]
    fresh = TypeIndex(state.types.get(so_type))
    for so_id, doc in state.repository.by_type.get(so_type, {}).items():
        fresh.add(so_id, doc["attributes"])

    def contents(index: TypeIndex) -> dict:
        return {name: (f.postings, f.lengths, f.total_length, f.exact) for name, f in index.fields.items()}

    return {"kept": contents(kept), "fresh": contents(fresh)}


def test_an_update_of_a_nested_field_does_not_reach_the_seed():
    http = seeded_app()
    before = answers(http)
    reply = http.put(
        VIZ,
        json={"attributes": {"title": "zebra", "kibanaSavedObjectMeta": {"searchSourceJSON": '{"changed":1}'}}},
        headers=OSD,
    )
    assert reply.status == 200
    assert http.get(VIZ).json["attributes"]["kibanaSavedObjectMeta"]["searchSourceJSON"] == '{"changed":1}'
    assert searched(http, "zebra") == 1
    assert http.post("/_mock/reset").status == 200
    assert answers(http) == before
    assert searched(http, "zebra") == 0
    # The seed's object is the live one again: a second update and reset leave it as it was too.
    http.put(VIZ, json={"attributes": {"kibanaSavedObjectMeta": {"searchSourceJSON": "{}"}}}, headers=OSD)
    http.post("/_mock/reset")
    assert answers(http) == before


def test_deleted_recreated_and_new_objects_go_back_to_the_seeds_order():
    http = seeded_app()
    before = answers(http)
    viz = http.get(VIZ).json
    assert http.delete(VIZ, headers=OSD).status == 200
    created = http.post(VIZ, json={"attributes": {**viz["attributes"], "title": "again"}}, headers=OSD)
    assert created.status == 200
    # The search type's only object goes (its type leaves the state), and one of a new id comes.
    assert http.delete("/api/saved_objects/search/web-errors", headers=OSD).status == 200
    assert (
        http.post("/api/saved_objects/search/other", json={"attributes": {"title": "web x"}}, headers=OSD).status == 200
    )
    assert (
        http.post("/api/saved_objects/index-pattern/new", json={"attributes": {"title": "n-*"}}, headers=OSD).status
        == 200
    )
    assert http.get("/_mock/state").text != before[0]
    http.post("/_mock/reset")
    assert answers(http) == before
    assert http.get("/api/saved_objects/index-pattern/new").status == 404
    assert http.get("/api/saved_objects/search/other").status == 404


def test_each_reset_comes_back_to_the_same_seed():
    http = seeded_app()
    before = answers(http)
    for round_ in range(3):
        http.post(f"/api/saved_objects/visualization/v{round_}", json={"attributes": {"title": "web"}}, headers=OSD)
        http.put(VIZ, json={"attributes": {"title": f"round {round_}"}}, headers=OSD)
        http.post("/_mock/reset")
        assert answers(http) == before


def test_a_refused_state_load_and_reset_give_the_seed():
    http = seeded_app()
    before = answers(http)
    http.put(VIZ, json={"attributes": {"title": "zebra"}}, headers=OSD)
    refused = http.post(
        "/_mock/state",
        json={
            "dashboards": {
                "saved_objects": {
                    "index-pattern": {"loaded": {"attributes": {"title": "l-*"}}},
                    "no-such-type": {"x": {"attributes": {}}},
                }
            }
        },
    )
    assert refused.status == 400
    assert http.get("/api/saved_objects/index-pattern/loaded").status == 404
    loaded = http.post(
        "/_mock/state",
        json={"dashboards": {"saved_objects": {"index-pattern": {"loaded": {"attributes": {"title": "l-*"}}}}}},
    )
    assert loaded.status == 200
    http.post("/_mock/reset")
    assert answers(http) == before
    assert http.get("/api/saved_objects/index-pattern/loaded").status == 404


def test_the_index_after_reset_is_the_one_the_seeded_objects_make():
    http = seeded_app()
    http.put(VIZ, json={"attributes": {"title": "zebra crossing", "description": "stripes"}}, headers=OSD)
    http.delete("/api/saved_objects/visualization/web-errors-by-status", headers=OSD)
    http.post("/api/saved_objects/visualization/new", json={"attributes": {"title": "web new"}}, headers=OSD)
    index = fresh_index_of(http, "visualization")
    assert index["kept"] == index["fresh"]
    http.post("/_mock/reset")
    index = fresh_index_of(http, "visualization")
    assert index["kept"] == index["fresh"]
    assert "zebra" not in index["kept"]["title"][0]


def restorable_view(store) -> dict:
    """What reset must give back, in a form two states compare by: each product's dump, and the saved
    objects' order by type and their search index (postings compared as contents)."""
    view = {}
    for name, state in store.items():
        view[name] = json.dumps(state.dump())
        repository = getattr(state, "repository", None)
        if repository is not None:
            view[f"{name} objects"] = [(so_type, list(objects)) for so_type, objects in repository.by_type.items()]
            view[f"{name} index"] = {
                so_type: {name: (f.postings, f.lengths, f.total_length, f.exact) for name, f in index.fields.items()}
                for so_type, index in repository.indexes.items()
            }
            # the order the index puts ids taken from it back in, which must be the objects' own
            view[f"{name} index order"] = {
                so_type: index.in_stored_order(reversed(list(repository.by_type.get(so_type, {}))))
                for so_type, index in repository.indexes.items()
            }
            view[f"{name} counters"] = (repository.seq_no, repository.primary_term)
    return view


def test_reset_after_every_kind_of_write_is_a_full_restore_of_the_seed():
    """The seed shares its objects with the live state, which holds only while no write changes a
    stored object in place: after each route that writes, reset must equal unpickling the whole seed."""
    config = {"workspace.enabled": True, "server.xsrf.disableProtection": True}
    app = create_app(dashboards_config=config)
    store = runtime_of(app).store
    whole_seed = pickle.dumps(store.products, protocol=pickle.HIGHEST_PROTOCOL)
    http = Http(app.test_client())
    so = "/api/saved_objects"
    writes = [
        ("PUT", VIZ, {"attributes": {"title": "zebra", "kibanaSavedObjectMeta": {"searchSourceJSON": "{}"}}}),
        ("POST", f"{so}/visualization/web-errors-by-status?overwrite=true", {"attributes": {"title": "over"}}),
        ("POST", f"{so}/_bulk_create?overwrite=true", [{"type": "dashboard", "id": "web-traffic", "attributes": {}}]),
        ("PUT", f"{so}/_bulk_update", [{"type": "search", "id": "web-errors", "attributes": {"columns": ["x"]}}]),
        ("DELETE", f"{so}/index-pattern/logs-web", None),
        ("POST", f"{so}/index-pattern/logs-web", {"attributes": {"title": "logs-web-again"}}),
        ("POST", "/_mock/state", {"dashboards": {"saved_objects": {"config": {"9.9.9": {"attributes": {}}}}}}),
    ]
    for method, path, body in writes:
        reply = http.request(method, path, json=body, headers=OSD)
        assert reply.status == 200, (path, reply.text)
    exported = http.post(f"{so}/_export", json={"type": ["visualization"]}, headers=OSD).text
    imported = app.test_client().post(
        f"{so}/_import?overwrite=true", data={"file": (io.BytesIO(exported.encode()), "x.ndjson")}, headers=OSD
    )
    assert imported.status_code == 200, imported.get_data(as_text=True)
    workspace = http.post("/api/workspaces", json={"attributes": {"name": "w", "features": ["use-case-all"]}}).json[
        "result"
    ]["id"]
    targets = [{"type": "index-pattern", "id": "ecommerce-test-pattern"}, {"type": "visualization", "id": "test-viz"}]
    assert http.post("/api/workspaces/_associate", json={"workspaceId": workspace, "savedObjects": targets}).json[
        "success"
    ]
    dissociated = {"workspaceId": workspace, "savedObjects": targets[:1]}
    assert http.post("/api/workspaces/_dissociate", json=dissociated).json["success"]
    assert http.delete(f"/api/workspaces/{workspace}").json["success"]

    assert restorable_view(store.products) != restorable_view(pickle.loads(whole_seed))
    http.post("/_mock/reset")
    assert restorable_view(store.products) == restorable_view(pickle.loads(whole_seed))
