"""Calendars and their scheduled events: ``/_ml/calendars``. Facts from Calendar, ScheduledEvent, the
calendar actions' requests (PutCalendarAction, GetCalendarsAction, PostCalendarEventsAction,
GetCalendarEventsAction) and their transport actions, and JobResultsProvider (updateCalendar,
removeJobFromCalendars, scheduledEvents).

A calendar may name jobs and groups that do not exist (yet): Elasticsearch checks none of them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..clock import IdGenerator
from ..dates import DateParseError, date_value
from ..errors import ActionRequestValidation, IllegalArgument, ResourceNotFound, StatusException
from ..xcontent import java_hashmap_order
from .common import MAX_ID_LENGTH, check_same_id, expand_ids, invalid_id, is_valid_id, job_missing

if TYPE_CHECKING:
    from . import Ml

DEFAULT_PAGE = (0, 100)  # PageParams.DEFAULT_FROM, DEFAULT_SIZE


def calendar_missing(ids: str) -> ResourceNotFound:
    return ResourceNotFound(f"No calendar with id [{ids}]")


def java_hash_set(items: list[str], added: list[str] = ()) -> list[str]:
    """The iteration order of ``new HashSet<>(items)`` after ``addAll(added)``: by bucket of the spread
    String.hashCode in the table's final capacity, each bucket in insertion order (JobResultsProvider
    rebuilds a calendar's job ids through one)."""
    members = list(dict.fromkeys([*items, *added]))
    # HashSet(Collection): a HashMap of max(size / .75 + 1, 16), grown as the added ids fill it.
    return java_hashmap_order(members, max(int(len(items) / 0.75) + 1, 16))


def instant_text(millis: int) -> str:
    """java.time.Instant.toString: seconds, with a fraction only when there is one."""
    moment = datetime.fromtimestamp(millis // 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{moment}.{millis % 1000:03d}Z" if millis % 1000 else f"{moment}Z"


class Calendars:
    def __init__(self, ml: Ml):
        self.ml = ml
        self.docs: dict[str, dict] = {}  # by calendar id, as Calendar.toXContent writes it
        self.events: dict[str, dict] = {}  # by event id, as ScheduledEvent.toXContent writes it
        self.ids = IdGenerator()

    def _calendar(self, calendar_id: str) -> dict:
        if calendar_id not in self.docs:
            raise calendar_missing(calendar_id)
        return self.docs[calendar_id]

    # -- calendars ----------------------------------------------------------------------------------
    def put(self, calendar_id: str, body: dict | None) -> dict:
        """``PUT _ml/calendars/{id}``: the body's id must be the path's; the id is checked as
        PutCalendarAction.Request.validate does; an existing calendar is not overwritten."""
        body = body or {}
        check_same_id(body.get("calendar_id"), calendar_id, "calendar_id")
        problems = []
        if calendar_id == "_all":
            problems.append("Cannot create a Calendar with the reserved name [_all]")
        if not is_valid_id(calendar_id):
            problems.append(invalid_id("calendar_id", calendar_id))
        if len(calendar_id) > MAX_ID_LENGTH:
            problems.append(f"The job id cannot contain more than {MAX_ID_LENGTH} characters.")
        if problems:
            raise ActionRequestValidation(problems)
        if calendar_id in self.docs:
            raise StatusException(f"Cannot create calendar with id [{calendar_id}] as it already exists")
        calendar: dict[str, Any] = {"calendar_id": calendar_id, "job_ids": list(body.get("job_ids") or [])}
        if body.get("description") is not None:
            calendar["description"] = body["description"]
        self.docs[calendar_id] = calendar
        return dict(calendar)

    def get(self, expression: str | None, page: tuple[int, int] | None = None) -> dict:
        """``GET _ml/calendars[/{id}]``: by id, comma list or wildcard, or all of them a page at a time
        (sorted by id); a page and an id do not go together."""
        if expression is not None and page is not None:
            raise ActionRequestValidation(["Params [from, size] are incompatible with [calendar_id]."])
        ids = expand_ids(expression, list(self.docs), allow_no_match=True, missing=calendar_missing)
        start, size = page or DEFAULT_PAGE
        return {"count": len(ids), "calendars": [dict(self.docs[i]) for i in ids[start : start + size]]}

    def delete(self, calendar_id: str) -> None:
        """``DELETE _ml/calendars/{id}``: with its events."""
        self._calendar(calendar_id)
        del self.docs[calendar_id]
        for event_id in [e for e, event in self.events.items() if event["calendar_id"] == calendar_id]:
            del self.events[event_id]

    def update_jobs(self, calendar_id: str, add: str | None = None, remove: str | None = None) -> dict:
        """``PUT``/``DELETE _ml/calendars/{id}/jobs/{job_ids}`` (JobResultsProvider.updateCalendar): a
        comma list of jobs or groups; one to remove must be in the calendar. The ids come back in a
        HashSet's order."""
        calendar = self._calendar(calendar_id)
        adding = java_hash_set([t.strip() for t in (add or "").split(",") if t.strip()])
        removing = java_hash_set([t.strip() for t in (remove or "").split(",") if t.strip()])
        for job_id in removing:
            if job_id not in calendar["job_ids"]:
                raise StatusException(f"Cannot remove [{job_id}] as it is not present in calendar [{calendar_id}]")
        kept = java_hash_set(calendar["job_ids"], adding)
        calendar["job_ids"] = [j for j in kept if j not in removing]
        return dict(calendar)

    def forget_job(self, job_id: str) -> None:
        """JobResultsProvider.removeJobFromCalendars: a deleted job leaves every calendar naming it
        (Jobs.delete's to call)."""
        for calendar in self.docs.values():
            if job_id in calendar["job_ids"]:
                calendar["job_ids"] = [j for j in java_hash_set(calendar["job_ids"]) if j != job_id]

    # -- events -------------------------------------------------------------------------------------
    def post_events(self, calendar_id: str, body: dict) -> dict:
        """``POST _ml/calendars/{id}/events`` (PostCalendarEventsAction.Request.parseRequest): each
        event's calendar_id must be the path's; each event built (ScheduledEvent.Builder.build); at
        least one; then the calendar must exist. The answer is the events as posted, without ids."""
        built = []
        given = body.get("events") or []
        for event in given:
            check_same_id(event.get("calendar_id"), calendar_id, "calendar_id", StatusException)
        for event in given:
            built.append(self._event(calendar_id, event))
        if not built:
            raise StatusException("At least 1 event is required")
        self._calendar(calendar_id)
        for event in built:
            self.events[self.ids.new_id()] = event
        return {"events": [dict(e) for e in built]}

    def _event(self, calendar_id: str, event: dict) -> dict:
        for field in ("description", "start_time", "end_time"):
            if event.get(field) is None:
                raise StatusException(f"Field [{field}] cannot be null")
        start, end = self._time(event["start_time"], "start_time"), self._time(event["end_time"], "end_time")
        if start >= end:
            raise StatusException(
                f"Event start time [{instant_text(start)}] must come before end time [{instant_text(end)}]"
            )
        doc: dict[str, Any] = {"description": event["description"], "start_time": start, "end_time": end}
        if self.ml.release.at_least(8, 16):  # ScheduledEvent's time shift configuration
            doc["skip_result"] = event.get("skip_result", True)
            doc["skip_model_update"] = event.get("skip_model_update", True)
            if event.get("force_time_shift") is not None:
                doc["force_time_shift"] = event["force_time_shift"]
        doc["calendar_id"] = calendar_id
        return doc

    @staticmethod
    def _time(value: Any, field: str) -> int:
        """TimeUtils.parseTimeFieldToInstant: epoch milliseconds, or a date the default format reads."""
        try:
            return date_value(value)
        except DateParseError:
            raise IllegalArgument(
                f"Query param [{field}] with value [{value}] cannot be parsed as a date or converted to a number "
                "(epoch)."
            ) from None

    def get_events(
        self,
        expression: str,
        *,
        job_id: str | None = None,
        start: str | None = None,
        end: str | None = None,
        page: tuple[int, int] | None = None,
    ) -> dict:
        """``GET _ml/calendars/{id}/events`` (TransportGetCalendarEventsAction): the events of the
        calendars named (``_all`` or ``*``: every one), or of those naming a job or one of its groups
        (then the calendar must be ``_all``); those ending after ``start`` and beginning before ``end``,
        by start time, a page of them."""
        if job_id is not None and expression != "_all":
            raise ActionRequestValidation(["If job_id is used calendar_id must be '_all'"])
        if expression in ("_all", "*"):
            calendars = list(self.docs)
        else:
            calendars = expand_ids(expression, list(self.docs), allow_no_match=True, missing=calendar_missing)
        if job_id is not None:
            if job_id in self.ml.jobs.docs:
                names = {job_id, *(self.ml.jobs.docs[job_id].get("groups") or [])}
            elif job_id in self.ml.jobs.groups():
                names = {job_id}
            else:
                raise job_missing(job_id)
            calendars = [c for c in calendars if names & set(self.docs[c]["job_ids"])]
        start_ms = self._time(start, "start") if start is not None else None
        end_ms = self._time(end, "end") if end is not None else None
        chosen = [
            {**event, "event_id": event_id}
            for event_id, event in self.events.items()
            if event["calendar_id"] in calendars
            and (start_ms is None or event["end_time"] > start_ms)
            and (end_ms is None or event["start_time"] < end_ms)
        ]
        chosen.sort(key=lambda e: e["start_time"])
        first, size = page or DEFAULT_PAGE
        return {"count": len(chosen), "events": chosen[first : first + size]}

    def delete_event(self, calendar_id: str, event_id: str) -> None:
        """``DELETE _ml/calendars/{id}/events/{event_id}``: the calendar first, then the event, which
        must be the calendar's."""
        self._calendar(calendar_id)
        event = self.events.get(event_id)
        if event is None:
            raise ResourceNotFound(f"No event with id [{event_id}]")
        if event["calendar_id"] != calendar_id:
            raise StatusException(
                f"Event [{event_id}] has calendar_id [{event['calendar_id']}] which does not match the request "
                f"calendar_id [{calendar_id}]"
            )
        del self.events[event_id]
