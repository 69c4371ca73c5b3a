"""Kibana's state: its settings, its spaces, and the ML saved objects (``ml-job``, ``ml-trained-model``).

Fixture section::

    {"settings": {"version": "9.1.0", "sync_on_start": false, "sync_interval_seconds": null},
     "spaces": {"space1": {"name": "Space 1"}},
     "saved_objects": {
        "ml-job": {"anomaly-detector-j1": {"attributes": {"job_id": "j1", "type": "anomaly-detector",
                                                          "datafeed_id": "datafeed-j1"},
                                           "namespaces": ["default"]}},
        "ml-trained-model": {"m1": {"attributes": {"model_id": "m1", "job": null}, "namespaces": ["*"]}}}}
"""

from __future__ import annotations

from ..errors import FixtureError
from ..jsonvalue import clone
from ..versions import release_numbers
from .saved_objects import MlSavedObjects, job_object_id
from .spaces import Spaces

DEFAULT_VERSION = "9.1.0"
NEW_UNKNOWN_KEY_WORDING_SINCE = (9, 4)  # @kbn/config-schema, elastic/kibana#258633


class KibanaState:
    def __init__(self):
        self.settings = {"version": DEFAULT_VERSION, "sync_on_start": False, "sync_interval_seconds": None}
        self.spaces = Spaces()
        self.saved_objects = MlSavedObjects()

    @property
    def version(self) -> tuple[int, ...]:
        return release_numbers(self.settings["version"])

    @property
    def new_unknown_key_wording(self) -> bool:
        """Whether config-schema words an unknown key the newer way."""
        return self.version >= NEW_UNKNOWN_KEY_WORDING_SINCE

    def load(self, section: dict, source: str) -> None:
        self.settings.update({k: v for k, v in section.get("settings", {}).items() if v is not None})
        for space_id, space in section.get("spaces", {}).items():
            self.spaces.put(space_id, clone(space))
        for so_type, objects in section.get("saved_objects", {}).items():
            for so_id, so in objects.items():
                attributes = so["attributes"]
                expected = (
                    job_object_id(attributes["type"], attributes["job_id"])
                    if so_type == "ml-job"
                    else attributes["model_id"]
                )
                if so_id != expected:
                    raise FixtureError(
                        source,
                        f"/kibana/saved_objects/{so_type}/{so_id}",
                        f"an {so_type} saved object's id is [{expected}], from its attributes",
                    )
                self.saved_objects.put(so_type, so_id, clone(attributes), list(so.get("namespaces", ["default"])))

    def dump(self) -> dict:
        return {
            "settings": dict(self.settings),
            "spaces": self.spaces.dump(),
            "saved_objects": self.saved_objects.dump(),
        }
