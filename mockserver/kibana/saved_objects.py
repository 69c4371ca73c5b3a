"""The ML saved objects Kibana keeps beside Elasticsearch's jobs and models.

``ml-job``: one per anomaly detection or data frame analytics job, id ``<type>-<job_id>``, attributes
``{job_id, datafeed_id, type}``. ``ml-trained-model``: one per trained model, id the model id,
attributes ``{model_id, job}`` (``job`` is the DFA job the model came from, or null). Both are
shareable across spaces: ``namespaces`` lists spaces, ``*`` meaning all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JOB_TYPES = ("anomaly-detector", "data-frame-analytics")
ALL_SPACES = "*"


def job_object_id(job_type: str, job_id: str) -> str:
    return f"{job_type}-{job_id}"


@dataclass
class SavedObject:
    type: str
    id: str
    attributes: dict[str, Any]
    namespaces: list[str] = field(default_factory=list)

    def visible_in(self, spaces: set[str] | None) -> bool:
        """Whether a user who sees ``spaces`` (None: every space) sees this object."""
        return spaces is None or ALL_SPACES in self.namespaces or bool(spaces & set(self.namespaces))

    def in_space(self, space: str) -> bool:
        """Whether a find in ``space`` (the request's) returns the object."""
        return ALL_SPACES in self.namespaces or space in self.namespaces

    def namespaces_seen_by(self, spaces: set[str] | None) -> list[str]:
        """Its spaces as the user's saved-objects client shows them: a space the user may not see is
        ``?`` (the spaces extension's redactNamespaces)."""
        if spaces is None:
            return list(self.namespaces)
        return [n if n == ALL_SPACES or n in spaces else "?" for n in self.namespaces]


class MlSavedObjects:
    def __init__(self):
        self.objects: dict[tuple[str, str], SavedObject] = {}

    def put(self, so_type: str, so_id: str, attributes: dict, namespaces: list[str]) -> SavedObject:
        so = SavedObject(so_type, so_id, attributes, namespaces)
        self.objects[(so_type, so_id)] = so
        return so

    def get(self, so_type: str, so_id: str) -> SavedObject | None:
        return self.objects.get((so_type, so_id))

    def delete(self, so_type: str, so_id: str) -> None:
        self.objects.pop((so_type, so_id), None)

    def of_type(self, so_type: str) -> list[SavedObject]:
        return [so for (t, _), so in self.objects.items() if t == so_type]

    def jobs(self, job_type: str | None = None) -> list[SavedObject]:
        return [so for so in self.of_type("ml-job") if job_type is None or so.attributes.get("type") == job_type]

    def job(self, job_type: str, job_id: str) -> SavedObject | None:
        return self.get("ml-job", job_object_id(job_type, job_id))

    def forget_space(self, space_id: str) -> None:
        """A deleted space takes its objects along; objects shared further only leave it."""
        for key, so in list(self.objects.items()):
            if space_id in so.namespaces:
                so.namespaces = [n for n in so.namespaces if n != space_id]
                if not so.namespaces:
                    del self.objects[key]

    def dump(self) -> dict:
        dumped: dict[str, dict] = {}
        for (so_type, so_id), so in self.objects.items():
            dumped.setdefault(so_type, {})[so_id] = {
                "attributes": dict(so.attributes),
                "namespaces": list(so.namespaces),
            }
        return dumped
