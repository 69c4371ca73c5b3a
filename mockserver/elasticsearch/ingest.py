"""Ingest pipelines: stored as ``PUT _ingest/pipeline/{id}`` gives them, and run on the documents
written with ``pipeline=`` (or an index's ``default_pipeline``).

The processors the mock runs are the ones the connectors framework's ``search-default-ingestion``
uses and a few common ones: ``set``, ``remove``, ``rename``, ``append``, ``gsub``, ``trim``,
``lowercase``, ``uppercase``, ``drop`` and ``attachment`` (plain text only: the mock has no Tika).
Their ``if`` conditions are Painless; the mock reads comparisons of a ``ctx`` field with a literal.
A processor or condition outside that is refused as not mocked when a document meets it.
"""

from __future__ import annotations

import base64
import binascii
import copy
import fnmatch
import re
import time
from typing import Any

from .errors import ElasticsearchError, IllegalArgument, NotMocked

# Every processor type a real node knows (IngestCommonPlugin, attachment, enrich, inference, ...).
KNOWN_PROCESSORS = {
    "append",
    "attachment",
    "bytes",
    "circle",
    "community_id",
    "convert",
    "csv",
    "date",
    "date_index_name",
    "dissect",
    "dot_expander",
    "drop",
    "enrich",
    "fail",
    "fingerprint",
    "foreach",
    "geo_grid",
    "geoip",
    "grok",
    "gsub",
    "html_strip",
    "inference",
    "ip_location",
    "join",
    "json",
    "kv",
    "lowercase",
    "network_direction",
    "pipeline",
    "redact",
    "registered_domain",
    "remove",
    "rename",
    "reroute",
    "script",
    "set",
    "set_security_user",
    "sort",
    "split",
    "terminate",
    "trim",
    "uppercase",
    "uri_parts",
    "urldecode",
    "user_agent",
}
PIPELINE_KEYS = ("description", "processors", "on_failure", "version", "_meta", "deprecated", "field_access_pattern")
SEARCH_DEFAULT_PIPELINE = "search-default-ingestion"


def _on_failure(processor: str, tag: str | None) -> list[dict]:
    tagged = f" with tag '{tag}'" if tag else ""
    return [
        {
            "append": {
                "description": "Record error information",
                "field": "_ingestion_errors",
                "value": f"Processor '{processor}'{tagged} in pipeline '{{{{ _ingest.on_failure_pipeline }}}}' "
                "failed with message '{{ _ingest.on_failure_message }}'",
            }
        }
    ]


# search_default_pipeline.json, as ConnectorTemplateRegistry installs it.
SEARCH_DEFAULT_DEFINITION = {
    "version": 1,
    "description": "Default search ingest pipeline",
    "_meta": {"managed_by": "Search", "managed": True},
    "processors": [
        {
            "attachment": {
                "description": "Extract text from binary attachments",
                "field": "_attachment",
                "target_field": "_extracted_attachment",
                "ignore_missing": True,
                "indexed_chars_field": "_attachment_indexed_chars",
                "if": "ctx?._extract_binary_content == true",
                "on_failure": _on_failure("attachment", None),
                "remove_binary": False,
            }
        },
        {
            "set": {
                "tag": "set_body",
                "description": "Set any extracted text on the 'body' field",
                "field": "body",
                "copy_from": "_extracted_attachment.content",
                "ignore_empty_value": True,
                "if": "ctx?._extract_binary_content == true",
                "on_failure": _on_failure("set", "set_body"),
            }
        },
        {
            "gsub": {
                "tag": "remove_replacement_chars",
                "description": "Remove unicode 'replacement' characters",
                "field": "body",
                "pattern": "\ufffd",
                "replacement": "",
                "ignore_missing": True,
                "if": "ctx?._extract_binary_content == true",
                "on_failure": _on_failure("gsub", "remove_replacement_chars"),
            }
        },
        {
            "gsub": {
                "tag": "remove_extra_whitespace",
                "description": "Squish whitespace",
                "field": "body",
                "pattern": "\\s+",
                "replacement": " ",
                "ignore_missing": True,
                "if": "ctx?._reduce_whitespace == true",
                "on_failure": _on_failure("gsub", "remove_extra_whitespace"),
            }
        },
        {
            "trim": {
                "description": "Trim leading and trailing whitespace",
                "field": "body",
                "ignore_missing": True,
                "if": "ctx?._reduce_whitespace == true",
                "on_failure": _on_failure("trim", None),
            }
        },
        {
            "remove": {
                "tag": "remove_meta_fields",
                "description": "Remove meta fields",
                "field": [
                    "_attachment",
                    "_attachment_indexed_chars",
                    "_extracted_attachment",
                    "_extract_binary_content",
                    "_reduce_whitespace",
                    "_run_ml_inference",
                ],
                "ignore_missing": True,
                "on_failure": _on_failure("remove", "remove_meta_fields"),
            }
        },
    ],
}


class PipelineParseError(ElasticsearchError):
    """ConfigurationUtils.newConfigurationException: a pipeline definition the parser refuses."""

    type = "parse_exception"
    status = 400

    def __init__(self, reason: str, **metadata):
        super().__init__(reason, metadata=metadata)


class PipelineMissing(ElasticsearchError):
    type = "resource_not_found_exception"
    status = 404


class ProcessorFailure(Exception):
    """A processor that failed on a document (the pipeline's or processor's on_failure may handle it)."""

    def __init__(self, message: str, processor: str, tag: str | None):
        super().__init__(message)
        self.message, self.processor, self.tag = message, processor, tag


class Dropped(Exception):
    """The ``drop`` processor: the document is not indexed."""


class Pipelines:
    def __init__(self):
        self.definitions: dict[str, dict] = {SEARCH_DEFAULT_PIPELINE: copy.deepcopy(SEARCH_DEFAULT_DEFINITION)}

    def exists(self, pipeline_id: str) -> bool:
        return pipeline_id in self.definitions

    # -- the API -------------------------------------------------------------------------------
    def put(self, pipeline_id: str, body: dict, *, dated: bool = False) -> None:
        check_definition(pipeline_id, body)
        definition = copy.deepcopy(body)
        if dated:  # 9.2 and later record when a pipeline was created and last changed
            now = int(time.time() * 1000)
            created = self.definitions.get(pipeline_id, {}).get("created_date_millis", now)
            definition.update(created_date_millis=created, modified_date_millis=now)
        self.definitions[pipeline_id] = definition

    def get(self, expression: str | None) -> dict:
        if expression is None or expression in ("*", "_all"):
            return copy.deepcopy(self.definitions)
        found = {}
        for pattern in expression.split(","):
            for pipeline_id, definition in self.definitions.items():
                if fnmatch.fnmatchcase(pipeline_id, pattern):
                    found[pipeline_id] = copy.deepcopy(definition)
        return found

    def delete(self, expression: str) -> None:
        matched = [p for p in self.definitions if any(fnmatch.fnmatchcase(p, e) for e in expression.split(","))]
        if not matched:
            raise PipelineMissing(f"pipeline [{expression}] is missing")
        for pipeline_id in matched:
            del self.definitions[pipeline_id]

    # -- running -------------------------------------------------------------------------------
    def run(self, pipeline_id: str, source: dict) -> dict | None:
        """The document as the pipeline leaves it (None: dropped)."""
        definition = self.definitions.get(pipeline_id)
        if definition is None:
            raise IllegalArgument(f"pipeline with id [{pipeline_id}] does not exist")
        doc = copy.deepcopy(source)
        try:
            run_processors(definition["processors"], doc, pipeline_id, self)
        except ProcessorFailure as failure:
            handlers = definition.get("on_failure")
            if not handlers:
                raise IllegalArgument(failure.message) from None
            _set_failure_metadata(doc, failure, pipeline_id)
            run_processors(handlers, doc, pipeline_id, self)
            doc.pop("_ingest", None)
        except Dropped:
            return None
        return doc


def check_definition(pipeline_id: str, body: dict) -> None:
    unknown = [k for k in body if k not in PIPELINE_KEYS and k not in ("created_date_millis", "modified_date_millis")]
    if unknown:
        raise PipelineParseError(
            f"pipeline [{pipeline_id}] doesn't support one or more provided configuration "
            f"parameters [{', '.join(unknown)}]"
        )
    if "processors" not in body:
        raise PipelineParseError("[processors] required property is missing", property_name="processors")
    for key in ("processors", "on_failure"):
        if key in body and not isinstance(body[key], list):
            raise PipelineParseError(
                f"[{key}] property isn't a list, but of type [{_java_type(body[key])}]", property_name=key
            )
        for processor in body.get(key, []) or []:
            _check_processor(processor)


def _check_processor(processor: Any) -> None:
    if not isinstance(processor, dict) or len(processor) != 1:
        raise PipelineParseError("processor configuration must be a map with a single key")
    kind, config = next(iter(processor.items()))
    if kind not in KNOWN_PROCESSORS:
        raise PipelineParseError(f"No processor type exists with name [{kind}]", processor_type=kind)
    if not isinstance(config, dict):
        raise PipelineParseError(f"[{kind}] processor config must be a map", processor_type=kind)
    if isinstance(config, dict):
        for handler in config.get("on_failure", []) or []:
            _check_processor(handler)


def _java_type(value: Any) -> str:
    return {
        str: "java.lang.String",
        int: "java.lang.Integer",
        float: "java.lang.Double",
        bool: "java.lang.Boolean",
        dict: "java.util.HashMap",
    }.get(type(value), "java.lang.Object")


# -- processors ---------------------------------------------------------------------------------


def run_processors(processors: list[dict], doc: dict, pipeline_id: str, pipelines: Pipelines) -> None:
    for processor in processors:
        kind, config = next(iter(processor.items()))
        config = config if isinstance(config, dict) else {}
        if "if" in config and not condition(config["if"], doc):
            continue
        try:
            _PROCESSORS.get(kind, _not_mocked(kind))(config, doc)
        except ProcessorFailure as failure:
            if config.get("ignore_failure"):
                continue
            handlers = config.get("on_failure")
            if not handlers:
                raise
            _set_failure_metadata(doc, failure, pipeline_id)
            run_processors(handlers, doc, pipeline_id, pipelines)
            doc.pop("_ingest", None)


def _set_failure_metadata(doc: dict, failure: ProcessorFailure, pipeline_id: str) -> None:
    doc["_ingest"] = {
        "on_failure_message": failure.message,
        "on_failure_processor_type": failure.processor,
        "on_failure_processor_tag": failure.tag,
        "on_failure_pipeline": pipeline_id,
    }


def _not_mocked(kind: str):
    def run(config: dict, doc: dict) -> None:
        raise NotMocked(f"the [{kind}] ingest processor")

    return run


_CONDITION = re.compile(
    r"^\s*ctx((?:\??\.[A-Za-z_@][\w@]*)+)\s*(==|!=)\s*"
    r"(true|false|null|-?\d+(?:\.\d+)?|'[^']*'|\"[^\"]*\")\s*$"
)


def condition(script: Any, doc: dict) -> bool:
    """A Painless condition of the form ``ctx?.a.b == <literal>`` (or ``!=``)."""
    source = script.get("source") if isinstance(script, dict) else script
    match = _CONDITION.match(str(source))
    if match is None:
        raise NotMocked(f"the ingest condition [{source}] (the mock reads `ctx?.field == literal` comparisons)")
    path, operator, literal = match.group(1).replace("?.", ".").lstrip("."), match.group(2), match.group(3)
    value = get_path(doc, path)
    if literal == "null":
        equal = value is None
    else:
        expected: Any = (
            literal == "true"
            if literal in ("true", "false")
            else literal[1:-1]
            if literal[0] in "'\""
            else float(literal)
            if "." in literal
            else int(literal)
        )
        equal = value == expected and type(value) is type(expected)
    return equal if operator == "==" else not equal


_MISSING = object()


def get_path(doc: dict, path: str, default: Any = None) -> Any:
    value: Any = doc
    for step in path.split("."):
        if not isinstance(value, dict) or step not in value:
            return default
        value = value[step]
    return value


def _set_path(doc: dict, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    target = doc
    for step in parents:
        child = target.get(step)
        if not isinstance(child, dict):
            child = target[step] = {}
        target = child
    target[last] = value


def _remove_path(doc: dict, path: str) -> bool:
    *parents, last = path.split(".")
    target: Any = doc
    for step in parents:
        if not isinstance(target, dict) or step not in target:
            return False
        target = target[step]
    if not isinstance(target, dict) or last not in target:
        return False
    del target[last]
    return True


def _template(value: Any, doc: dict) -> Any:
    """Mustache ``{{ field }}`` in a processor's value, read from the document and _ingest."""
    if not isinstance(value, str) or "{{" not in value:
        return value
    return re.sub(r"\{\{\{?\s*([\w.@]+)\s*\}?\}\}", lambda m: _text(get_path(doc, m.group(1), "")), value)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _field(config: dict, kind: str) -> str:
    field = config.get("field")
    if field is None:
        raise IllegalArgument("[field] required property is missing")
    return _template(field, {})


def _missing(kind: str, config: dict, field: str) -> None:
    if not config.get("ignore_missing"):
        raise ProcessorFailure(f"field [{field}] not present as part of path [{field}]", kind, config.get("tag"))


def _string_field(kind: str, config: dict, doc: dict, change) -> None:
    field = _field(config, kind)
    value = get_path(doc, field, _MISSING)
    if value is _MISSING or value is None:
        if value is None and not config.get("ignore_missing"):
            raise ProcessorFailure(f"field [{field}] is null, cannot {kind} it", kind, config.get("tag"))
        return _missing(kind, config, field)
    if isinstance(value, list):
        _set_path(doc, config.get("target_field", field), [change(v) if isinstance(v, str) else v for v in value])
        return None
    if not isinstance(value, str):
        raise ProcessorFailure(
            f"field [{field}] of type [{_java_type(value)}] cannot be cast to [java.lang.String]",
            kind,
            config.get("tag"),
        )
    _set_path(doc, config.get("target_field", field), change(value))
    return None


def _set(config: dict, doc: dict) -> None:
    field = _field(config, "set")
    if "copy_from" in config:
        value = copy.deepcopy(get_path(doc, config["copy_from"], None))
    else:
        value = _template(copy.deepcopy(config.get("value")), doc)
    if config.get("ignore_empty_value") and (value is None or value == ""):
        return
    if config.get("override", True) is False and get_path(doc, field, None) is not None:
        return
    _set_path(doc, field, value)


def _remove(config: dict, doc: dict) -> None:
    fields = config.get("field", [])
    for field in fields if isinstance(fields, list) else [fields]:
        if not _remove_path(doc, _template(field, doc)) and not config.get("ignore_missing"):
            raise ProcessorFailure(
                f"field [{field}] not present as part of path [{field}]", "remove", config.get("tag")
            )


def _rename(config: dict, doc: dict) -> None:
    field, target = _field(config, "rename"), config.get("target_field")
    value = get_path(doc, field, _MISSING)
    if value is _MISSING:
        return _missing("rename", config, field)
    if get_path(doc, target, _MISSING) is not _MISSING and not config.get("override"):
        raise ProcessorFailure(f"field [{target}] already exists", "rename", config.get("tag"))
    _remove_path(doc, field)
    _set_path(doc, target, value)
    return None


def _append(config: dict, doc: dict) -> None:
    field = _field(config, "append")
    values = config.get("value")
    values = [_template(v, doc) for v in (values if isinstance(values, list) else [values])]
    current = get_path(doc, field, _MISSING)
    if current is _MISSING or current is None:
        items: list = []
    elif isinstance(current, list):
        items = list(current)
    else:
        items = [current]
    for value in values:
        if config.get("allow_duplicates", True) or value not in items:
            items.append(value)
    _set_path(doc, field, items)


def _gsub(config: dict, doc: dict) -> None:
    pattern = re.compile(config.get("pattern", ""))
    replacement = re.sub(r"\$(\d)", r"\\\1", str(config.get("replacement", "")))
    _string_field("gsub", config, doc, lambda text: pattern.sub(replacement, text))


def _drop(config: dict, doc: dict) -> None:
    raise Dropped()


def _attachment(config: dict, doc: dict) -> None:
    """The attachment processor for plain text: the mock has no Tika, so a binary that is not UTF-8
    text fails the processor (its on_failure records why)."""
    field = _field(config, "attachment")
    value = get_path(doc, field, _MISSING)
    if value is _MISSING or value is None:
        return _missing("attachment", config, field)
    try:
        raw = base64.b64decode(value, validate=True)
        text = raw.decode("utf-8")
    except (binascii.Error, ValueError, TypeError):
        raise ProcessorFailure(
            "mockserver extracts plain text only: the attachment is not UTF-8 text", "attachment", config.get("tag")
        ) from None
    limit = config.get("indexed_chars", 100_000)
    if config.get("indexed_chars_field"):
        limit = get_path(doc, config["indexed_chars_field"], limit)
    content = (text if limit in (-1, None) else text[: int(limit)]).strip()
    _set_path(
        doc,
        config.get("target_field", "attachment"),
        {"content_type": "text/plain; charset=UTF-8", "content": content, "content_length": len(content)},
    )
    if config.get("remove_binary"):
        _remove_path(doc, field)
    return None


_PROCESSORS = {
    "set": _set,
    "remove": _remove,
    "rename": _rename,
    "append": _append,
    "gsub": _gsub,
    "drop": _drop,
    "attachment": _attachment,
    "trim": lambda config, doc: _string_field("trim", config, doc, str.strip),
    "lowercase": lambda config, doc: _string_field("lowercase", config, doc, str.lower),
    "uppercase": lambda config, doc: _string_field("uppercase", config, doc, str.upper),
}
