"""Trained model deployments: ``/_ml/trained_models/{id}/deployment/_start|_stop|_update`` and the
``deployment_stats`` of ``_stats``.

The mock runs no pytorch process: a started deployment is ``started`` on the one node with all its
allocations until it is stopped, and it has answered no inference. Facts from
StartTrainedModelDeploymentAction (the request's defaults and checks, TaskParams),
TransportStartTrainedModelDeploymentAction, TransportStopTrainedModelDeploymentAction,
UpdateTrainedModelDeploymentAction, TrainedModelAssignment, RoutingInfo and AssignmentStats.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..dates import format_millis
from ..errors import (
    NODE_ID,
    ActionRequestValidation,
    IllegalArgument,
    ParseException,
    ResourceNotFound,
    StatusException,
)
from .common import (
    NODE_ATTRIBUTES,
    NODE_EPHEMERAL_ID,
    NODE_NAME,
    NODE_TRANSPORT_ADDRESS,
    TimeValue,
    check_same_id,
    format_byte_size,
    now_millis,
    parse_byte_size,
)
from .models_definitions import java_list
from .models_ingest import inference_model_ids, refuse_an_alias_in_use

if TYPE_CHECKING:
    from .models import Models

VALID_WAIT_STATES = ("started", "starting", "fully_allocated")
MAX_THREADS_PER_ALLOCATION = 32
MAX_QUEUE_CAPACITY = 100_000
MEMORY_OVERHEAD = 240 * 1024 * 1024  # StartTrainedModelDeploymentAction.MEMORY_OVERHEAD


def missing_deployment(deployment_id: str) -> ResourceNotFound:
    return ResourceNotFound(f"No known model deployment with id [{deployment_id}]")


def cache_size_of(value: Any) -> tuple[int, str]:
    """The cache_size parameter as ByteSizeValue reads it, its refusal an illegal argument."""
    try:
        return parse_byte_size(value, "cache_size")
    except ParseException as error:
        raise IllegalArgument(error.reason) from None


def adaptive_settings(given: dict | None) -> dict | None:
    """AdaptiveAllocationsSettings as toXContent writes it (``enabled`` false unless given)."""
    if given is None:
        return None
    settings = {"enabled": bool(given.get("enabled", False))}
    for bound in ("min_number_of_allocations", "max_number_of_allocations"):
        if given.get(bound) is not None:
            settings[bound] = given[bound]
    return settings


def adaptive_problems(settings: dict | None) -> list[str]:
    """AdaptiveAllocationsSettings.validate (-1 stands for null)."""
    if settings is None:
        return []
    low, high = settings.get("min_number_of_allocations"), settings.get("max_number_of_allocations")
    low, high = (None if low == -1 else low), (None if high == -1 else high)
    problems = []
    if low is not None and low < 0:
        problems.append("[min_number_of_allocations] must be a non-negative integer or null")
    if high is not None and high < 1:
        problems.append("[max_number_of_allocations] must be a positive integer or null")
    if low is not None and high is not None and low > high:
        problems.append("[min_number_of_allocations] must not be larger than [max_number_of_allocations]")
    return problems


class Deployments:
    def __init__(self, models: Models):
        self.models = models
        self.assignments: dict[str, dict] = {}  # TrainedModelAssignmentMetadata: deployment_id -> assignment

    def of_model(self, model_id: str) -> list[str]:
        """The model's deployment ids, in id order."""
        return sorted(d for d, a in self.assignments.items() if a["task_parameters"]["model_id"] == model_id)

    def forget_model(self, model_id: str) -> None:
        """A model deleted by force: its deployments end with it (TransportDeleteTrainedModelAction
        stops them first)."""
        for deployment_id in self.of_model(model_id):
            del self.assignments[deployment_id]

    @staticmethod
    def required_memory(model: dict, definition_length: int, allocations: int = 1) -> int:
        """StartTrainedModelDeploymentAction.estimateMemoryUsageBytes: the overhead and twice the model, or
        what the model's metadata says a deployment and each allocation need (and the model), if more."""
        metadata = model.get("metadata") or {}
        per_deployment = metadata.get("per_deployment_memory_bytes", 0)
        per_allocation = metadata.get("per_allocation_memory_bytes", 0)
        base = MEMORY_OVERHEAD + 2 * definition_length
        if per_deployment == 0 and per_allocation == 0:
            return base
        return max(base, per_deployment + per_allocation * allocations + definition_length)

    # -- start ------------------------------------------------------------------------------------------

    def start(
        self,
        model_id: str,
        *,
        deployment_id: str | None = None,
        number_of_allocations: int | None = None,
        threads_per_allocation: int = 1,
        queue_capacity: int = 1024,
        cache_size: Any = None,
        priority: str = "normal",
        wait_for: str = "started",
        timeout: str = "30s",
        adaptive_allocations: dict | None = None,
    ) -> dict:
        """``POST _ml/trained_models/{id}/deployment/_start``: the request's checks, then the transport
        action's (one deployment per id, a pytorch model whose definition parts are all there, a deployment
        id that names no other model); the assignment is started at once."""
        deployment_id = deployment_id or model_id
        priority = priority.lower()
        if priority not in ("normal", "low"):
            raise IllegalArgument(
                f"No enum constant org.elasticsearch.xpack.core.ml.inference.assignment.Priority.{priority.upper()}"
            )
        if wait_for.lower() not in VALID_WAIT_STATES:  # AllocationStatus.State.fromString: the enum's valueOf
            raise IllegalArgument(
                "No enum constant org.elasticsearch.xpack.core.ml.inference.assignment.AllocationStatus.State."
                + wait_for.upper()
            )
        cache = cache_size_of(cache_size) if cache_size is not None else None
        timeout_nanos = TimeValue.parse(timeout, "timeout").nanos
        problems = []
        adaptive_enabled = bool((adaptive_allocations or {}).get("enabled"))
        if number_of_allocations is not None:
            if number_of_allocations < 1:
                problems.append("[number_of_allocations] must be a positive integer")
            if adaptive_enabled:
                problems.append("[number_of_allocations] cannot be set if adaptive allocations is enabled")
        if threads_per_allocation < 1:
            problems.append("[threads_per_allocation] must be a positive integer")
        problems += adaptive_problems(adaptive_allocations)
        if threads_per_allocation > MAX_THREADS_PER_ALLOCATION or bin(max(threads_per_allocation, 0)).count("1") != 1:
            problems.append(
                f"[threads_per_allocation] must be a power of 2 less than or equal to {MAX_THREADS_PER_ALLOCATION}"
            )
        if queue_capacity < 1:
            problems.append("[queue_capacity] must be a positive integer")
        if queue_capacity > MAX_QUEUE_CAPACITY:
            problems.append(f"[queue_capacity] must be less than {MAX_QUEUE_CAPACITY}")
        if timeout_nanos < 1:
            problems.append("[timeout] must be positive")
        if priority == "low":
            if number_of_allocations is not None and number_of_allocations > 1:
                problems.append("[number_of_allocations] must be 1 when [priority] is low")
            if threads_per_allocation > 1:
                problems.append("[threads_per_allocation] must be 1 when [priority] is low")
        if problems:
            raise ActionRequestValidation(problems)
        if deployment_id in self.assignments:
            raise StatusException(
                "Could not start model deployment because an existing deployment with the same id "
                f"[{deployment_id}] exist"
            )
        _, matched = self.models.expand(model_id, allow_no_match=False)
        if len(matched) > 1:
            raise StatusException(
                f"cannot deploy more than one model at the same time; [{model_id}] matches models "
                f"[{java_list(matched)}]"
            )
        config = self.models.doc_of(matched[0])
        if config.get("model_type") != "pytorch":
            raise StatusException(
                f"model [{config['model_id']}] of type [{config.get('model_type', 'tree_ensemble')}] cannot be "
                "deployed. Only PyTorch models can be deployed"
            )
        if model_id != deployment_id and (
            deployment_id in self.models.all_docs() or deployment_id in self.models.aliases
        ):
            raise StatusException(
                f"Deployment id [{deployment_id}] is the same as an another model which is not the model being "
                "deployed. Deployment id can be the same as the model being deployed but cannot match a different model"
            )
        model_bytes = self.models.check_full_definition(config["model_id"])
        if number_of_allocations is None:
            minimum = (adaptive_allocations or {}).get("min_number_of_allocations")
            number_of_allocations = minimum if minimum else 1
        metadata = config.get("metadata") or {}
        self.assignments[deployment_id] = {
            "task_parameters": {
                "model_id": config["model_id"],
                "deployment_id": deployment_id,
                "model_bytes": model_bytes,
                "threads_per_allocation": threads_per_allocation,
                "number_of_allocations": number_of_allocations,
                "queue_capacity": queue_capacity,
                "cache_size": cache[1] if cache else f"{model_bytes}b",
                "priority": priority,
                "per_deployment_memory_bytes": metadata.get("per_deployment_memory_bytes", 0),
                "per_allocation_memory_bytes": metadata.get("per_allocation_memory_bytes", 0),
            },
            "routing_table": {
                NODE_ID: {
                    "current_allocations": number_of_allocations,
                    "target_allocations": number_of_allocations,
                    "routing_state": "started",
                    "reason": "",
                }
            },
            "assignment_state": "started",
            "start_time": now_millis(),
            "max_assigned_allocations": number_of_allocations,
            "adaptive_allocations": adaptive_settings(adaptive_allocations),
            "cache_bytes": cache[0] if cache else None,
        }
        return {"assignment": self.shown(deployment_id)}

    def shown(self, deployment_id: str) -> dict:
        """TrainedModelAssignment.toXContent (start_time as a date)."""
        assignment = self.assignments[deployment_id]
        return {
            "task_parameters": dict(assignment["task_parameters"]),
            "routing_table": {node: dict(r) for node, r in assignment["routing_table"].items()},
            "assignment_state": assignment["assignment_state"],
            "start_time": format_millis(assignment["start_time"]),
            "max_assigned_allocations": assignment["max_assigned_allocations"],
            "adaptive_allocations": assignment["adaptive_allocations"],
        }

    # -- stop and update ----------------------------------------------------------------------------------

    def stop(
        self,
        deployment_id: str,
        *,
        force: bool = False,
        allow_no_match: bool = True,
        pipelines: dict[str, dict] | None = None,
    ) -> dict:
        """``POST _ml/trained_models/{id}/deployment/_stop``: no such deployment is fine unless
        allow_no_match is false; one that ingest pipelines name (by id or by one of its model's aliases)
        stops only by force."""
        assignment = self.assignments.get(deployment_id)
        if assignment is None:
            if not allow_no_match:
                raise missing_deployment(deployment_id)
            return {"stopped": True}
        referenced = inference_model_ids(pipelines or {})
        if not force:
            if deployment_id in referenced:
                raise StatusException(
                    f"Cannot stop deployment [{deployment_id}] as it is referenced by ingest processors; use force "
                    "to stop the deployment",
                    409,
                )
            model_id = assignment["task_parameters"]["model_id"]
            aliases = [a for a, target in self.models.aliases.items() if target == deployment_id or target == model_id]
            refuse_an_alias_in_use("stop", "deployment", deployment_id, aliases, referenced)
        del self.assignments[deployment_id]
        return {"stopped": True}

    def update(
        self,
        deployment_id: str,
        *,
        model_id: str | None = None,
        number_of_allocations: int | None = None,
        adaptive_allocations: dict | None = None,
    ) -> dict:
        """``POST _ml/trained_models/{id}/deployment/_update``: a new number of allocations (all allocated at
        once) or adaptive allocations settings merged into the deployment's."""
        check_same_id(model_id, deployment_id, "model_id", StatusException)
        problems = []
        if number_of_allocations is not None:
            if number_of_allocations < 1:
                problems.append("[number_of_allocations] must be a positive integer")
            if (adaptive_allocations or {}).get("enabled") is True:
                problems.append("[number_of_allocations] cannot be set if adaptive allocations is enabled")
        problems += adaptive_problems(adaptive_allocations)
        if problems:
            raise ActionRequestValidation(problems)
        assignment = self.assignments.get(deployment_id)
        if assignment is None:
            raise missing_deployment(deployment_id)
        if adaptive_allocations is not None:  # AdaptiveAllocationsSettings.merge: -1 clears a bound
            merged = {**(assignment["adaptive_allocations"] or {}), **adaptive_allocations}
            merged = {k: v for k, v in merged.items() if v != -1}
            assignment["adaptive_allocations"] = adaptive_settings(merged)
        if number_of_allocations is not None:
            assignment["task_parameters"]["number_of_allocations"] = number_of_allocations
            for routing in assignment["routing_table"].values():
                routing.update(current_allocations=number_of_allocations, target_allocations=number_of_allocations)
            assignment["max_assigned_allocations"] = max(assignment["max_assigned_allocations"], number_of_allocations)
        return {"assignment": self.shown(deployment_id)}

    # -- stats --------------------------------------------------------------------------------------------

    def stats_of(self, deployment_id: str) -> dict:
        """AssignmentStats.toXContent for a deployment started on the one node, no inference answered yet."""
        assignment = self.assignments[deployment_id]
        params = assignment["task_parameters"]
        allocations = params["number_of_allocations"]
        stats: dict[str, Any] = {
            "deployment_id": deployment_id,
            "model_id": params["model_id"],
            "threads_per_allocation": params["threads_per_allocation"],
            "number_of_allocations": allocations,
        }
        if assignment["adaptive_allocations"] is not None:
            stats["adaptive_allocations"] = assignment["adaptive_allocations"]
        stats.update(
            queue_capacity=params["queue_capacity"],
            state=assignment["assignment_state"],
            allocation_status={
                "allocation_count": allocations,
                "target_allocation_count": allocations,
                "state": "fully_allocated",
            },
            cache_size=format_byte_size(
                params["model_bytes"] if assignment["cache_bytes"] is None else max(assignment["cache_bytes"], 0)
            ),
            priority=params["priority"],
            start_time=assignment["start_time"],
            peak_throughput_per_minute=0,
            nodes=[
                {
                    "node": {NODE_ID: self._node()},
                    "routing_state": {"routing_state": "started"},
                    "inference_count": 0,
                    "inference_cache_hit_count": 0,
                    "number_of_pending_requests": 0,
                    "start_time": assignment["start_time"],
                    "threads_per_allocation": params["threads_per_allocation"],
                    "number_of_allocations": allocations,
                    "peak_throughput_per_minute": 0,
                    "throughput_last_minute": 0,
                    "inference_cache_hit_count_last_minute": 0,
                }
            ],
        )
        return stats

    def _node(self) -> dict:
        """DiscoveryNode.toXContent of the cluster's one node (an ML node)."""
        release = self.models.ml.release
        return {
            "name": NODE_NAME,
            "ephemeral_id": NODE_EPHEMERAL_ID,
            "transport_address": NODE_TRANSPORT_ADDRESS,
            "external_id": NODE_NAME,
            "attributes": dict(NODE_ATTRIBUTES),  # DiscoveryNode.toXContent writes them all
            "roles": ["data", "ingest", "master", "ml", "transform"],
            "version": release.version,
        }
