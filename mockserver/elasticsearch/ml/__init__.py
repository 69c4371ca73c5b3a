"""Elasticsearch's ML jobs, datafeeds, data frame analytics, trained models and calendars: what each call of
``/_ml/anomaly_detectors``, ``/_ml/datafeeds``, ``/_ml/data_frame/analytics``, ``/_ml/trained_models``
and ``/_ml/calendars`` does to the state, a module a kind; ``/_ml/info`` in ``info``.

Facts from x-pack/plugin/core/.../ml (Job, AnalysisConfig, DatafeedConfig, DataFrameAnalyticsConfig,
TrainedModelConfig, Messages, ExceptionsHelper, ExpandedIdsMatcher) and x-pack/plugin/ml (JobManager,
DatafeedManager, the transport actions); see ../shared/specs/kibana-ml-sync.md §9. Documents are kept in
the order the server writes them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import NODE_ID
from .analytics import Analytics
from .calendars import Calendars
from .datafeeds import Datafeeds
from .info import MlInfo
from .jobs import Jobs
from .models import Models

if TYPE_CHECKING:
    from ..cluster_settings import ClusterSettings
    from ..indices import Indices
    from ..versions import Release


class Ml:
    """The kinds of ML configuration, which refer to each other (a datafeed to its job, a calendar to
    jobs and groups), over the cluster's indices (a data frame analytics job reads its source index) at
    the cluster's release; and what ``GET _ml/info`` answers."""

    def __init__(self, indices: Indices, release: Release, settings: ClusterSettings | None = None):
        from ..cluster_settings import ClusterSettings

        self.indices = indices
        self.release = release
        self.settings = settings if settings is not None else ClusterSettings()  # the cluster's settings
        self.jobs = Jobs(self)
        self.datafeeds = Datafeeds(self)
        self.analytics = Analytics(self)
        self.models = Models(self)
        self.calendars = Calendars(self)
        self.info = MlInfo(self)
        self.last_task_id = 0  # the node's task ids, for the tasks an answer names

    def max_model_memory_limit(self) -> tuple[int, str] | None:
        """xpack.ml.max_model_memory_limit as (bytes, getStringRep), when it is set to more than nothing
        (a percentage of the heap the mock does not have is taken as no limit)."""
        from ..cluster_settings import MAX_MODEL_MEMORY_LIMIT
        from .common import parse_byte_size

        value = self.settings.get(MAX_MODEL_MEMORY_LIMIT)
        if value.endswith("%"):
            return None
        limit = parse_byte_size(value, MAX_MODEL_MEMORY_LIMIT)
        return limit if limit[0] > 0 else None

    def assignment_refused(self, task_name: str) -> str | None:
        """PersistentTasksClusterService.createAssignment's explanation when the EnableAssignmentDecider
        (cluster.persistent_tasks.allocation.enable: none) refuses to assign a new task."""
        from ..cluster_settings import ALLOCATION_NONE_EXPLANATION

        if not self.settings.assignment_disabled():
            return None
        return f"persistent task [{task_name}] cannot be assigned [{ALLOCATION_NONE_EXPLANATION}]"

    def refuse_in_upgrade_mode(self, operation: str) -> None:
        """MlUpgradeModeActionFilter: while upgrade mode is on, the actions of
        ACTIONS_DISALLOWED_IN_UPGRADE_MODE (those that change ML's internal indices or tasks: put, update,
        delete, open, close, start, stop of jobs, datafeeds and data frame analytics here) are refused,
        after security and before the transport action looks at its request."""
        from ..actions import ACTIONS
        from ..errors import StatusException

        if self.info.upgrade_mode:
            raise StatusException(f"Cannot perform {ACTIONS[operation][0]} action while upgrade mode is enabled", 429)

    def new_task_id(self) -> str:
        """The next task of the node: ``<node id>:<n>``, as TaskId prints it."""
        self.last_task_id += 1
        return f"{NODE_ID}:{self.last_task_id}"
