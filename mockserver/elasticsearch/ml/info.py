"""``GET _ml/info``: the defaults ML fills in, the limits of the cluster's ML nodes, upgrade mode and
the native code's build. Facts from TransportMlInfoAction, CategorizationAnalyzerConfig
(buildStandardCategorizationAnalyzer), AnalysisLimits, Job and DatafeedConfig's defaults.

The limits are those of the cluster's one ML node (common.ML_MEMORY, common.ALLOCATED_PROCESSORS), the
node jobs are placed on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..versions import BUILD_HASH
from .common import ALLOCATED_PROCESSORS, ML_MEMORY, format_byte_size

if TYPE_CHECKING:
    from . import Ml

# CategorizationAnalyzerConfig's stop words: the days and months of English, and the time zones GMT, UTC.
STOP_WORDS = (
    *("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    *("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    *("January", "February", "March", "April", "May", "June", "July", "August", "September", "October"),
    *("November", "December", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    *("GMT", "UTC"),
)
DEFAULT_MODEL_MEMORY_LIMIT_MB = 1024  # AnalysisLimits.DEFAULT_MODEL_MEMORY_LIMIT_MB
# TransportMlInfoAction.calculateTotalMlMemory: the node's ML memory in whole megabytes (rounded down);
# calculateEffectiveMaxModelMemoryLimit leaves room for one process (the larger of Job's 10mb and
# DataFrameAnalyticsConfig's 5mb PROCESS_MEMORY_OVERHEAD) and the native code (30mb).
TOTAL_ML_MEMORY_MB = ML_MEMORY // 1024**2
EFFECTIVE_MAX_MODEL_MEMORY_MB = (ML_MEMORY - 10 * 1024**2 - 30 * 1024**2) // 1024**2


def date_words_filter() -> dict:
    """CategorizationAnalyzerConfig.addDateWordsTokenFilter, a new dict (and list) each time. Its map is a
    HashMap: "type" iterates before "stopwords"."""
    return {"type": "stop", "stopwords": list(STOP_WORDS)}


class MlInfo:
    def __init__(self, ml: Ml):
        self.ml = ml
        # The upgrade mode (POST _ml/set_upgrade_mode); xpack.ml.max_model_memory_limit is the cluster's.
        self.upgrade_mode = False

    def set_upgrade_mode(self, enabled: bool) -> dict:
        """``POST _ml/set_upgrade_mode`` (TransportSetUpgradeModeAction): turned on, every job and datafeed
        task is unassigned with MlTasks.AWAITING_UPGRADE (the tasks keep their state: a job stays opened,
        a datafeed started, with no node) and ML's changing actions are refused (Ml.refuse_in_upgrade_mode);
        turned off, the tasks are assigned again, the jobs that waited for memory among them. Asking for the
        mode already on is acknowledged and changes nothing."""
        if enabled == self.upgrade_mode:
            return {"acknowledged": True}
        self.upgrade_mode = enabled
        if not enabled:
            self.ml.jobs.assign_waiting()
        return {"acknowledged": True}

    def info(self) -> dict:
        """The answer, its keys in the order the released servers write them."""
        maximum = self.ml.max_model_memory_limit()
        limit_mb = maximum[0] // 1024**2 if maximum else None
        default_mb = DEFAULT_MODEL_MEMORY_LIMIT_MB
        if limit_mb and limit_mb < default_mb:  # TransportMlInfoAction.defaultModelMemoryLimit
            default_mb = limit_mb
        effective_mb = EFFECTIVE_MAX_MODEL_MEMORY_MB
        limits: dict = {}
        if self.ml.release.at_least(8, 0):
            limits["max_single_ml_node_processors"] = ALLOCATED_PROCESSORS
            limits["total_ml_processors"] = ALLOCATED_PROCESSORS
        effective = f"{effective_mb}mb"  # ByteSizeValue.ofMb(...).getStringRep()
        if maximum:
            limits["max_model_memory_limit"] = maximum[1]
            if maximum[0] < effective_mb * 1024**2:  # the setting when it is lower than what the node has
                effective = maximum[1]
        limits["effective_max_model_memory_limit"] = effective
        limits["total_ml_memory"] = f"{TOTAL_ML_MEMORY_MB}mb"
        return {
            "defaults": {
                "anomaly_detectors": {
                    "categorization_analyzer": {
                        "char_filter": ["first_line_with_letters"],
                        "tokenizer": "ml_standard",
                        "filter": [
                            date_words_filter(),
                            {"type": "limit", "max_token_count": "100"},
                        ],
                    },
                    "model_memory_limit": format_byte_size(default_mb * 1024**2),
                    "categorization_examples_limit": 4,
                    "model_snapshot_retention_days": 10,
                    "daily_model_snapshot_retention_after_days": 1,
                },
                "datafeeds": {"scroll_size": 1000},
            },
            "upgrade_mode": self.upgrade_mode,
            "native_code": {"version": self.ml.release.version, "build_hash": BUILD_HASH[:14]},
            "limits": limits,
        }
