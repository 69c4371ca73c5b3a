"""Elasticsearch's index, document, search, ingest, license and connector secret routes. Each parses
nothing itself (the pipeline did): it calls the model and answers."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from .. import jsonvalue
from ..journal import UNMATCHED_ENVIRON
from ..product import Raw
from . import xcontent
from .authorization import item_authorizer, scroll_owner
from .bulk import parse_bulk, run_bulk
from .errors import (
    ActionRequestValidation,
    AliasesNotFound,
    IllegalArgument,
    IndexNotFound,
    InvalidIndexName,
    NotMocked,
    ParseException,
)
from .http import ELASTICSEARCH, ElasticsearchCall
from .indices import Index, alias_spec, check_alias_spec
from .search import (
    count,
    delete_by_query,
    parse_source,
    run_scroll,
    run_search,
)

route = ELASTICSEARCH.operation
DESTRUCTIVE = "Wildcard expressions or all indices are not allowed"


def locator(call: ElasticsearchCall) -> xcontent.Locator:
    """Where a path of the body starts (line, column), computed only when an error needs it."""
    return xcontent.Locator(call.body_text)


def _resolve_options(call: ElasticsearchCall, expand_default: str = "open") -> dict:
    q = call.query
    return {
        "expand_wildcards": q.get("expand_wildcards", expand_default),
        "ignore_unavailable": q.get("ignore_unavailable", False),
        "allow_no_indices": q.get("allow_no_indices", True),
    }


def _empty() -> Raw:
    """An answer with no body (HEAD), as the REST layer sends it: text/plain, nothing in it."""
    return Raw(b"", "text/plain; charset=UTF-8", checked=None)


def _unsupported_params(call: ElasticsearchCall, *names: str) -> None:
    for name in names:
        if name in call.query:
            raise NotMocked(f"the [{name}] parameter")


def _index_expression(name: str) -> None:
    """A name that starts with '_' is not an index (the resolver refuses it before the lookup)."""
    for part in name.split(","):
        if part.startswith("_") and part != "_all":
            raise InvalidIndexName(part, "must not start with '_'.")


# -- indices ------------------------------------------------------------------------------------
@route("PUT", "/<index>", "indices.create")
def indices_create(call: ElasticsearchCall):
    body = call.body or {}
    for key, value in body.items():
        if key not in ("settings", "mappings", "aliases"):
            raise ParseException(f"unknown key [{key}] for create index")
        if not isinstance(value, dict):
            raise ParseException(f"key [{key}] must be an object")
    index = call.state.indices.create(call.path["index"], body)
    return 200, {"acknowledged": True, "shards_acknowledged": True, "index": index.name}


def index_definition(index: Index, features: list[str] | None = None, flat: bool = False) -> dict:
    wanted = set(features or ("aliases", "mappings", "settings"))
    settings = index.settings_xcontent(flat) if "settings" in wanted else {}
    return {
        "aliases": jsonvalue.clone(index.aliases) if "aliases" in wanted else {},
        "mappings": index.mapping.to_xcontent() if "mappings" in wanted else {},
        "settings": settings,
    }


@route("GET", "/<index>", "indices.get")
def indices_get(call: ElasticsearchCall):
    _index_expression(call.path["index"])
    indices = call.state.indices.resolve(call.path["index"], **_resolve_options(call))
    features, flat = call.query.get("features"), call.query.get("flat_settings", False)
    if call.query.get("include_defaults"):
        raise NotMocked("[include_defaults] of get index")
    return 200, {index.name: index_definition(index, features, flat) for index in sorted(indices, key=lambda i: i.name)}


@route("HEAD", "/<index>", "indices.exists")
def indices_exists(call: ElasticsearchCall):
    try:
        indices = call.state.indices.resolve(call.path["index"], **_resolve_options(call))
    except (IndexNotFound, InvalidIndexName):
        return 404, _empty()
    return (200 if indices or call.query.get("allow_no_indices", True) else 404), _empty()


@route("DELETE", "/<index>", "indices.delete")
def indices_delete(call: ElasticsearchCall):
    parts = call.path["index"].split(",")
    state = call.state
    if any(p == "_all" or "*" in p for p in parts):
        # DestructiveOperations: refused while action.destructive_requires_name is true (8.0's default);
        # else the expression resolves as DeleteIndexRequest's options do (open and closed indices).
        if state.cluster_settings.destructive_requires_name():
            raise IllegalArgument(DESTRUCTIVE)
        options = {**_resolve_options(call), "expand_wildcards": call.query.get("expand_wildcards", "open,closed")}
        state.indices.delete([index.name for index in state.indices.resolve(call.path["index"], **options)])
        return 200, {"acknowledged": True}
    names = []
    for part in parts:
        if part in state.indices.by_name:
            names.append(part)
        elif state.indices.alias_targets(part):
            if not call.query.get("ignore_unavailable", False):
                raise IllegalArgument(
                    f"The provided expression [{part}] matches an alias, specify the corresponding "
                    "concrete indices instead."
                )
        elif not call.query.get("ignore_unavailable", False):
            raise IndexNotFound(part)
    state.indices.delete(names)
    return 200, {"acknowledged": True}


def _refresh(call: ElasticsearchCall):
    indices = call.state.indices.resolve(call.path.get("index"), **_resolve_options(call))
    total = sum(_copies(index) for index in indices)
    primaries = sum(int(index.settings.get("index.number_of_shards", "1")) for index in indices)
    return 200, {"_shards": {"total": total, "successful": primaries, "failed": 0}}


def _copies(index: Index) -> int:
    return int(index.settings.get("index.number_of_shards", "1")) * index.shard_copies


for _rule in ("/_refresh", "/<index>/_refresh"):
    route("GET,POST", _rule, "indices.refresh")(_refresh)


def _get_mapping(call: ElasticsearchCall):
    indices = call.state.indices.resolve(call.path.get("index"), **_resolve_options(call))
    return 200, {
        index.name: {"mappings": index.mapping.to_xcontent()} for index in sorted(indices, key=lambda i: i.name)
    }


for _rule in ("/_mapping", "/<index>/_mapping"):
    route("GET", _rule, "indices.get_mapping")(_get_mapping)


@route("PUT,POST", "/<index>/_mapping", "indices.put_mapping")
def indices_put_mapping(call: ElasticsearchCall):
    from .mapping import IllegalArgumentMapper

    body = call.body
    if body is None:
        raise ParseException("request body is required")
    if "_doc" in body:
        raise IllegalArgument("Types cannot be provided in put mapping requests")
    indices = call.state.indices.resolve(call.path["index"], **_resolve_options(call))
    try:
        for index in indices:
            index.mapping.merge(body)
    except IllegalArgumentMapper as e:
        raise IllegalArgument(str(e)) from None
    return 200, {"acknowledged": True}


# -- aliases ------------------------------------------------------------------------------------
def _get_aliases(call: ElasticsearchCall):
    state = call.state
    names = call.path.get("name")
    indices = state.indices.resolve(call.path.get("index"), **_resolve_options(call, "all"))
    patterns = [p for p in (names or "").split(",") if p]
    found: dict[str, dict] = {}
    matched: set[str] = set()
    for index in sorted(indices, key=lambda i: i.name):
        aliases = {
            a: jsonvalue.clone(spec)
            for a, spec in index.aliases.items()
            if a in patterns
            or (
                (not patterns or "_all" in patterns or any(_matches(p, a) for p in patterns))
                and (call.visible_alias is None or call.visible_alias(a))
            )
        }
        matched.update(aliases)
        if aliases or not patterns:
            found[index.name] = {"aliases": aliases}
    explicit = [p for p in patterns if "*" not in p and p != "_all" and not p.startswith("-")]
    missing = sorted(p for p in explicit if p not in matched)
    if missing:
        what = "alias" if len(missing) == 1 else "aliases"
        return 404, {"error": f"{what} [{','.join(missing)}] missing", "status": 404, **found}
    return 200, found


def _matches(pattern: str, name: str) -> bool:
    import fnmatch

    return fnmatch.fnmatchcase(name, pattern)


for _rule in ("/_alias", "/_alias/<name>", "/<index>/_alias", "/<index>/_alias/<name>"):
    route("GET", _rule, "indices.get_alias")(_get_aliases)


def _exists_alias(call: ElasticsearchCall):
    status, _ = _get_aliases(call)
    return status, _empty()


for _rule in ("/_alias/<name>", "/<index>/_alias/<name>"):
    route("HEAD", _rule, "indices.exists_alias")(_exists_alias)


def _put_alias(call: ElasticsearchCall):
    state = call.state
    indices = state.indices.resolve(call.path["index"], **_resolve_options(call))
    if not indices:
        raise IndexNotFound(call.path["index"])
    spec = call.body or {}
    for alias in call.path["name"].split(","):
        check_alias_spec(alias, spec)
        for index in indices:
            state.indices.check_alias_name(alias, index.name)
            index.aliases[alias] = alias_spec(spec)
    return 200, {"acknowledged": True, "errors": False}


for _rule in ("/<index>/_alias/<name>", "/<index>/_aliases/<name>"):
    route("PUT,POST", _rule, "indices.put_alias")(_put_alias)


def _delete_alias(call: ElasticsearchCall):
    state = call.state
    indices = state.indices.resolve(call.path["index"], **_resolve_options(call, "all"))
    names = call.path["name"].split(",")
    removed = False
    for index in indices:
        for alias in list(index.aliases):
            if "_all" in names or any(_matches(n, alias) for n in names):
                del index.aliases[alias]
                removed = True
    if not removed:
        raise AliasesNotFound(names)
    return 200, {"acknowledged": True, "errors": False}


for _rule in ("/<index>/_alias/<name>", "/<index>/_aliases/<name>"):
    route("DELETE", _rule, "indices.delete_alias")(_delete_alias)


@route("POST", "/_aliases", "indices.update_aliases")
def indices_update_aliases(call: ElasticsearchCall):
    from .aliases import update_aliases

    return 200, update_aliases(call.state.indices, (call.body or {}).get("actions", []))


# -- documents ----------------------------------------------------------------------------------
def _refresh_flag(call: ElasticsearchCall) -> bool:
    return call.query.get("refresh") in ("", "true")


def _write(call: ElasticsearchCall, doc_id: str | None, op_type: str | None):
    _unsupported_params(call, "routing", "version", "version_type")
    body = call.body
    if body is None:
        raise ParseException("request body is required")
    # An id left to Elasticsearch makes the write a create, unless op_type says (RestIndexAction's AutoIdHandler).
    _authorize_item(call, "create" if op_type == "create" or (doc_id is None and op_type is None) else "index")
    q = call.query
    status, answer = call.state.documents.index(
        call.path["index"],
        doc_id,
        body,
        op_type=op_type,
        if_seq_no=q.get("if_seq_no"),
        if_primary_term=q.get("if_primary_term"),
        pipeline=q.get("pipeline"),
        refresh=_refresh_flag(call),
        locate=locator(call),
        source_text=call.body_text,
    )
    return status, (_with_location(answer) if status == 201 else answer)


def _authorize_item(call: ElasticsearchCall, operation: str) -> None:
    """A single-document write is a one-item bulk: its item is checked as the bulk's are."""
    check = item_authorizer(call)
    if check is not None:
        check(operation, call.path["index"])


def _with_location(answer: dict) -> Raw:
    """A created document's answer, with the Location header DocWriteResponse.getLocation gives."""
    return Raw(
        xcontent.dumps(answer),
        "application/json",
        headers={"Location": f"/{answer['_index']}/_doc/{quote(answer['_id'], safe='')}"},
        checked=answer,
    )


def _op_type(call: ElasticsearchCall, forced: str | None = None) -> str | None:
    raw = call.query.get("op_type")
    if forced == "create":
        if raw is not None and raw.lower() != "create":
            raise IllegalArgument(f"opType must be 'create', found: [{raw}]")
        return "create"
    if raw is None:
        return None
    if raw.lower() not in ("create", "index"):
        raise IllegalArgument(f"opType must be 'create' or 'index', found: [{raw}]")
    return raw.lower()


@route("PUT,POST", "/<index>/_doc/<path:id>", "index")
def index_with_id(call: ElasticsearchCall):
    return _write(call, call.path["id"], _op_type(call))


@route("POST", "/<index>/_doc", "index")
def index_without_id(call: ElasticsearchCall):
    return _write(call, None, _op_type(call))


@route("PUT,POST", "/<index>/_create/<path:id>", "create")
def create(call: ElasticsearchCall):
    return _write(call, call.path["id"], _op_type(call, "create"))


def _source_param(call: ElasticsearchCall) -> Any:
    q = call.query
    source = q.get("_source")
    includes, excludes = q.get("_source_includes"), q.get("_source_excludes")
    if source is None and includes is None and excludes is None:
        return True
    if source in ("false", False):
        return False
    if source in (None, "true", True, ""):
        return (includes or [], excludes or []) if includes or excludes else True
    return (source.split(",") if isinstance(source, str) else source, excludes or [])


@route("GET", "/<index>/_doc/<path:id>", "get")
def get(call: ElasticsearchCall):
    _unsupported_params(call, "routing", "version", "version_type", "stored_fields")
    return call.state.documents.get(call.path["index"], call.path["id"], source=_source_param(call))


@route("HEAD", "/<index>/_doc/<path:id>", "exists")
def exists(call: ElasticsearchCall):
    status, _ = call.state.documents.get(call.path["index"], call.path["id"], source=False)
    return status, _empty()


@route("GET", "/<index>/_source/<path:id>", "get_source")
def get_source(call: ElasticsearchCall):
    return 200, call.state.documents.get_source(call.path["index"], call.path["id"], source=_source_param(call))


@route("HEAD", "/<index>/_source/<path:id>", "exists_source")
def exists_source(call: ElasticsearchCall):
    call.state.documents.get_source(call.path["index"], call.path["id"])
    return 200, _empty()


@route("DELETE", "/<index>/_doc/<path:id>", "delete")
def delete(call: ElasticsearchCall):
    _unsupported_params(call, "routing", "version", "version_type")
    _authorize_item(call, "delete")
    q = call.query
    return call.state.documents.delete(
        call.path["index"],
        call.path["id"],
        if_seq_no=q.get("if_seq_no"),
        if_primary_term=q.get("if_primary_term"),
        refresh=_refresh_flag(call),
    )


@route("POST", "/<index>/_update/<path:id>", "update")
def update(call: ElasticsearchCall):
    _unsupported_params(call, "routing")
    if "version" in call.query or "version_type" in call.query:
        raise ActionRequestValidation(
            [
                "internal versioning can not be used for optimistic concurrency control. "
                "Please use `if_seq_no` and `if_primary_term` instead"
            ]
        )
    body = call.body
    if body is None:
        raise ParseException("request body is required")
    _authorize_item(call, "update")
    q = call.query
    source = _source_param(call) if any(k in q for k in ("_source", "_source_includes", "_source_excludes")) else None
    if "_source" in body:
        source = parse_source(body["_source"], locator(call), ("_source",))
    status, answer = call.state.documents.update(
        call.path["index"],
        call.path["id"],
        body,
        if_seq_no=q.get("if_seq_no"),
        if_primary_term=q.get("if_primary_term"),
        retry_on_conflict=q.get("retry_on_conflict", 0),
        refresh=_refresh_flag(call),
        source=source,
        locate=locator(call),
    )
    return status, (_with_location(answer) if status == 201 else answer)


def _bulk(call: ElasticsearchCall):
    _unsupported_params(call, "routing", "require_alias", "require_data_stream")
    items = parse_bulk(call.body or "", call.path.get("index"))
    if not items:
        raise ActionRequestValidation(["no requests added"])
    answer = run_bulk(call.state.documents, items, call.query, authorize=item_authorizer(call))
    if any(next(iter(item.values())).get("status") == NotMocked.status for item in answer["items"]):
        call.request.environ.setdefault(UNMATCHED_ENVIRON, "not mocked")  # an item the mock does not answer
    return 200, answer


for _rule in ("/_bulk", "/<index>/_bulk"):
    route("POST,PUT", _rule, "bulk")(_bulk)


# -- search -------------------------------------------------------------------------------------
def _search(call: ElasticsearchCall):
    return 200, run_search(
        call.state,
        call.path.get("index"),
        call.body,
        call.query,
        locator(call),
        uri=call.request.path,
        owner=scroll_owner(call),
    )


for _rule in ("/_search", "/<index>/_search"):
    route("GET,POST", _rule, "search")(_search)


def _scroll(call: ElasticsearchCall):
    return 200, run_scroll(call.state, call.path.get("scroll_id"), call.body, call.query, owner=scroll_owner(call))


for _rule in ("/_search/scroll", "/_search/scroll/<scroll_id>"):
    route("GET,POST", _rule, "scroll")(_scroll)


def _clear_scroll(call: ElasticsearchCall):
    from .search import clear_scroll

    freed = clear_scroll(call.state, call.path.get("scroll_id"), call.body, call.query, owner=scroll_owner(call))
    return (200 if freed else 404), {"succeeded": True, "num_freed": freed}


for _rule in ("/_search/scroll", "/_search/scroll/<scroll_id>"):
    route("DELETE", _rule, "clear_scroll")(_clear_scroll)


def _count(call: ElasticsearchCall):
    return 200, count(call.state, call.path.get("index"), call.body, call.query, locator(call))


for _rule in ("/_count", "/<index>/_count"):
    route("GET,POST", _rule, "count")(_count)


@route("POST", "/<index>/_delete_by_query", "delete_by_query")
def delete_by_query_route(call: ElasticsearchCall):
    return delete_by_query(call.state, call.path["index"], call.body, call.query, locator(call))


# -- ingest -------------------------------------------------------------------------------------
def _get_pipeline(call: ElasticsearchCall):
    found = call.state.pipelines.get(call.path.get("id"))
    if call.query.get("summary"):
        found = {pipeline_id: {} for pipeline_id in found}
    return (200 if found or call.path.get("id") is None else 404), found


for _rule in ("/_ingest/pipeline", "/_ingest/pipeline/<id>"):
    route("GET", _rule, "ingest.get_pipeline")(_get_pipeline)


@route("PUT", "/_ingest/pipeline/<id>", "ingest.put_pipeline")
def ingest_put_pipeline(call: ElasticsearchCall):
    if call.body is None:
        raise ParseException("request body is required")
    state = call.state
    state.pipelines.put(call.path["id"], call.body, dated=state.release.at_least(9, 2))
    return 200, {"acknowledged": True}


@route("DELETE", "/_ingest/pipeline/<id>", "ingest.delete_pipeline")
def ingest_delete_pipeline(call: ElasticsearchCall):
    call.state.pipelines.delete(call.path["id"])
    return 200, {"acknowledged": True}


# -- license ------------------------------------------------------------------------------------
@route("GET", "/_license", "license.get")
def license_get(call: ElasticsearchCall):
    if call.query.get("accept_enterprise") is False:
        raise IllegalArgument("The [accept_enterprise] parameters may not be false")
    return 200, call.state.license.answer()


# -- connector secrets --------------------------------------------------------------------------
@route("POST", "/_connector/_secret", "connector.secret_post")
def connector_secret_post(call: ElasticsearchCall):
    if call.body is None:
        raise ParseException("request body is required")
    return 200, {"id": call.state.secrets.post(call.body.get("value"))}


@route("GET", "/_connector/_secret/<id>", "connector.secret_get")
def connector_secret_get(call: ElasticsearchCall):
    return 200, call.state.secrets.get(call.path["id"])


@route("PUT", "/_connector/_secret/<id>", "connector.secret_put")
def connector_secret_put(call: ElasticsearchCall):
    if call.body is None:
        raise ParseException("request body is required")
    result = call.state.secrets.put(call.path["id"], call.body.get("value"))
    return (201 if result == "created" else 200), {"result": result}


@route("DELETE", "/_connector/_secret/<id>", "connector.secret_delete")
def connector_secret_delete(call: ElasticsearchCall):
    call.state.secrets.delete(call.path["id"])
    return 200, {"deleted": True}
