"""An export from the repository itself writes its lines from the stored documents (no copy, no find,
no bulk get): the same file as the find's and bulk get's objects give, in every case they decide
(namespaces, workspaces, an id shared by two types, ids past ASCII, redaction, deep and missing
references, writes since); and node_json_lines writes what node_json writes, line by line."""

from __future__ import annotations

import pytest

from mockserver.dashboards import exports
from mockserver.dashboards.repository import Repository
from mockserver.dashboards.types import BUILT_IN_TYPES, SavedObjectsType, TypeRegistry, data_source_type
from mockserver.dashboards.versions import Release
from mockserver.jsonvalue import node_json, node_json_lines


class ThroughFind:
    """A client that is not the repository (as the permission and workspace wrappers are): the export
    asks it find and bulk_get, as before."""

    def __init__(self, repository: Repository):
        self.repository = repository

    def find(self, *args, **kwargs):
        return self.repository.find(*args, **kwargs)

    def bulk_get(self, *args, **kwargs):
        return self.repository.bulk_get(*args, **kwargs)


def registry() -> TypeRegistry:
    types = TypeRegistry((*BUILT_IN_TYPES, data_source_type(Release("2.18.0"))))
    types.register(SavedObjectsType("shared-thing", namespace_type="multiple", mappings={}))
    return types


def seeded(types: TypeRegistry) -> Repository:
    repository = Repository()
    for i, so_id in enumerate(["b", "a", "\ue000x", "\U0001f600y", "z", "10", "9"]):
        repository.create(
            types,
            "visualization",
            {"id": so_id, "attributes": {"title": f"v {i}", "n": 1.5 * i}, "references": []},
        )
    repository.create(
        types,
        "dashboard",
        {
            "id": "a",  # the same id as a visualization: the two keep the order the find met them in
            "attributes": {"title": "d", "\ue000": "key sorted by UTF-16"},
            "references": [{"name": "p", "type": "visualization", "id": "b"}, {"name": "q", "type": "x", "id": "gone"}],
            "workspaces": ["w1"],
        },
    )
    repository.create(types, "index-pattern", {"id": "ip", "attributes": {"title": "i*"}, "workspaces": ["w2"]})
    repository.create(
        types,
        "data-source",
        {"id": "ds", "attributes": {"title": "s", "auth": {"type": "basic", "credentials": {"password": "p"}}}},
    )
    for so_id, namespaces in (("s1", ["default"]), ("s2", ["other"]), ("s3", ["other", "default"])):
        repository.create(
            types, "shared-thing", {"id": so_id, "attributes": {"title": so_id}, "initialNamespaces": namespaces}
        )
    repository.update(types, "visualization", "z", {"attributes": {"title": "changed"}})
    repository.delete(types, "visualization", "9")
    return repository


EXPORTS = [
    {"type": ["visualization", "dashboard", "index-pattern", "data-source", "shared-thing"]},
    {"type": ["dashboard", "visualization"], "include_references_deep": True},
    {"type": ["dashboard", "index-pattern", "visualization"], "workspaces": ["w1"]},
    {"type": ["index-pattern", "dashboard"], "workspaces": ["*"]},
    {"type": ["data-source"], "redact_credentials": True},
    {"type": ["shared-thing"], "exclude_export_details": True},
    {"objects": [{"type": "dashboard", "id": "a"}, {"type": "data-source", "id": "ds"}], "redact_credentials": True},
    {
        "objects": [{"type": "dashboard", "id": "a"}, {"type": "index-pattern", "id": "ip"}],
        "include_references_deep": True,
    },
]


@pytest.mark.parametrize("options", EXPORTS)
def test_an_export_writes_the_file_the_find_and_bulk_get_give(options):
    types = registry()
    repository = seeded(types)
    direct = exports.export_ndjson(*exports.export(repository, types, **options))
    through_find = exports.export_ndjson(*exports.export(ThroughFind(repository), types, **options))
    assert direct == through_find
    assert direct.count("\n") >= 1


def test_an_export_by_type_finds_what_the_find_finds_and_refuses_what_it_refuses():
    types = registry()
    repository = seeded(types)
    lines, details = exports.export(repository, types, type=["shared-thing", "visualization"])
    assert [(line["type"], line["id"]) for line in lines] == [
        ("visualization", "10"),
        ("visualization", "a"),
        ("visualization", "b"),
        ("shared-thing", "s1"),
        ("shared-thing", "s3"),
        ("visualization", "z"),
        ("visualization", "\U0001f600y"),  # a surrogate pair's code units sort before U+E000
        ("visualization", "\ue000x"),
    ]
    assert details == {"exportedCount": 8, "missingRefCount": 0, "missingReferences": []}
    assert all("namespaces" not in line for line in lines)
    for client in (repository, ThroughFind(repository)):
        with pytest.raises(exports.ExportLimitExceeded):
            exports.export(client, types, type=["visualization"], size_limit=5)


def test_an_export_of_missing_objects_names_them_as_bulk_get_does():
    types = registry()
    repository = seeded(types)
    wanted = [
        {"type": "visualization", "id": "9"},
        {"type": "dashboard", "id": "a"},
        {"type": "index-pattern", "id": "x"},
    ]
    refusals = []
    for client in (repository, ThroughFind(repository)):
        with pytest.raises(exports.ExportObjectsMissing) as refused:
            exports.export(client, types, objects=wanted)
        refusals.append(refused.value.attributes)
    assert refusals[0] == refusals[1]
    assert [(o["type"], o["id"], o["error"]["statusCode"]) for o in refusals[0]["objects"]] == [
        ("visualization", "9", 404),
        ("index-pattern", "x", 404),
    ]


def test_the_lines_leave_the_stored_documents_as_they_were_and_a_later_write_leaves_the_file():
    types = registry()
    repository = seeded(types)
    before = {key: dict(doc) for key, doc in repository.by_type["visualization"].items()}
    lines, details = exports.export(repository, types, type=["visualization"])
    text = exports.export_ndjson(lines, details)
    repository.update(types, "visualization", "b", {"attributes": {"title": "later"}})
    assert exports.export_ndjson(lines, details) == text
    assert '"title":"later"' not in text
    assert repository.by_type["visualization"]["a"] == before["a"]


VALUES = [
    {"a": 1, "b": [1, 2, {"c": None}]},
    {"whole": 1.0, "point": 0.5, "small": 1e-7},
    {"\ue000": 1, "a\U0001f600": 2, "z": 3},
    {"2": "two", "10": "ten", "x": "y"},
    {"big": 2**60, "lone": "\ud800"},
    [1, "é", {"b": 1, "a": 2}],
    "a bare string",
    1.0,
    [],
    {},
]


@pytest.mark.parametrize("sort_keys", [True, False])
@pytest.mark.parametrize("index", range(len(VALUES)))
def test_node_json_lines_writes_each_value_as_node_json_does(index, sort_keys):
    alone = [VALUES[index]]
    among = [{"x": [1, 2]}, VALUES[index], {"y": "z"}]
    for values in (alone, among):
        assert node_json_lines(values, sort_keys) == "\n".join(node_json(value, sort_keys) for value in values)


def test_node_json_lines_of_plain_objects_and_of_none():
    assert node_json_lines([{"b": 1, "a": "é"}, [True, None]], sort_keys=True) == '{"a":"é","b":1}\n[true,null]'
    assert node_json_lines([]) == ""
