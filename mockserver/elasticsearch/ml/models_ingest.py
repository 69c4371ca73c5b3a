"""What ingest pipelines say of trained models: which models (by id, alias or deployment id) their
inference processors name, and the ingest stats of those pipelines in a model's ``_stats``.

Facts from InferenceProcessorInfoExtractor and TransportGetTrainedModelsStatsAction (IngestStats).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..errors import StatusException


def refuse_an_alias_in_use(
    action: str, kind: str, name: str, aliases: Iterable[str], referenced: Iterable[str]
) -> None:
    """The 409 of a delete of a model or a stop of a deployment (unforced) while an ingest pipeline names
    one of the model's aliases (TransportDeleteTrainedModelAction, TransportStopTrainedModelDeploymentAction)."""
    referenced = set(referenced)
    used_alias = next((a for a in aliases if a in referenced), None)
    if used_alias is not None:
        raise StatusException(
            f"Cannot {action} {kind} [{name}] as it has a model_alias [{used_alias}] that is still referenced by "
            f"ingest processors; use force to {action} the {kind}",
            409,
        )


def inference_model_ids(pipelines: dict[str, dict]) -> dict[str, list[str]]:
    """InferenceProcessorInfoExtractor: the model ids (or aliases, or deployment ids) the pipelines'
    inference processors name, each with the pipelines that name it, in pipeline order."""
    found: dict[str, list[str]] = {}

    def walk(processors: Any, pipeline_id: str) -> None:
        for processor in processors if isinstance(processors, list) else []:
            for kind, config in processor.items() if isinstance(processor, dict) else ():
                if not isinstance(config, dict):
                    continue
                if kind == "inference" and isinstance(config.get("model_id"), str):
                    pipelines_of = found.setdefault(config["model_id"], [])
                    if pipeline_id not in pipelines_of:
                        pipelines_of.append(pipeline_id)
                walk(config.get("on_failure"), pipeline_id)
                if isinstance(config.get("processor"), dict):  # foreach
                    walk([config["processor"]], pipeline_id)

    for pipeline_id, definition in pipelines.items():
        walk(definition.get("processors"), pipeline_id)
        walk(definition.get("on_failure"), pipeline_id)
    return found


def ingest_stats(pipeline_ids: list[str], pipelines: dict[str, dict]) -> dict:
    """IngestStats as the stats action merges it over the ingest nodes, for the pipelines naming the
    model: the mock ingests through no pipeline on its own, so every counter is zero."""
    zero = {"count": 0, "time_in_millis": 0, "current": 0, "failed": 0}

    def processors(pipeline_id: str) -> list[dict]:
        listed = []
        for processor in pipelines.get(pipeline_id, {}).get("processors") or []:
            kind, config = next(iter(processor.items()))
            name = (config or {}).get("tag") or kind if isinstance(config, dict) else kind
            listed.append({name: {"type": kind, "stats": dict(zero)}})
        return listed

    return {
        "total": dict(zero),
        "pipelines": {
            p: {
                **zero,
                "ingested_as_first_pipeline_in_bytes": 0,
                "produced_as_first_pipeline_in_bytes": 0,
                "processors": processors(p),
            }
            for p in pipeline_ids
        },
    }
