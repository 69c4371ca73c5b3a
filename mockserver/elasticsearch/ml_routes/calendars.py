"""Calendars and their events: ``/_ml/calendars``. Each route calls ``call.state.ml.calendars`` and answers."""

from __future__ import annotations

from ..http import ELASTICSEARCH, ElasticsearchCall

route = ELASTICSEARCH.operation


def _page(call: ElasticsearchCall) -> tuple[int, int] | None:
    """PageParams: ``page`` in the body, else ``from``/``size`` in the URL (a page only when one is given)."""
    page = (call.body or {}).get("page")
    given = page if page is not None else {k: call.query[k] for k in ("from", "size") if k in call.query}
    if page is None and not given:
        return None
    return given.get("from", 0), given.get("size", 100)


@route("PUT", "/_ml/calendars/<calendar_id>", "ml.put_calendar")
def ml_put_calendar(call: ElasticsearchCall):
    return 200, call.state.ml.calendars.put(call.path["calendar_id"], call.body)


@route("GET", "/_ml/calendars", "ml.get_calendars")
@route("POST", "/_ml/calendars", "ml.get_calendars")
@route("GET", "/_ml/calendars/<calendar_id>", "ml.get_calendars")
@route("POST", "/_ml/calendars/<calendar_id>", "ml.get_calendars")
def ml_get_calendars(call: ElasticsearchCall):
    """RestGetCalendarsAction: the path's id wins over the body's."""
    calendar_id = call.path.get("calendar_id") or (call.body or {}).get("calendar_id")
    return 200, call.state.ml.calendars.get(calendar_id, _page(call))


@route("DELETE", "/_ml/calendars/<calendar_id>", "ml.delete_calendar")
def ml_delete_calendar(call: ElasticsearchCall):
    call.state.ml.calendars.delete(call.path["calendar_id"])
    return 200, {"acknowledged": True}


@route("PUT", "/_ml/calendars/<calendar_id>/jobs/<job_id>", "ml.put_calendar_job")
def ml_put_calendar_job(call: ElasticsearchCall):
    return 200, call.state.ml.calendars.update_jobs(call.path["calendar_id"], add=call.path["job_id"])


@route("DELETE", "/_ml/calendars/<calendar_id>/jobs/<job_id>", "ml.delete_calendar_job")
def ml_delete_calendar_job(call: ElasticsearchCall):
    return 200, call.state.ml.calendars.update_jobs(call.path["calendar_id"], remove=call.path["job_id"])


@route("POST", "/_ml/calendars/<calendar_id>/events", "ml.post_calendar_events")
def ml_post_calendar_events(call: ElasticsearchCall):
    return 200, call.state.ml.calendars.post_events(call.path["calendar_id"], call.body)


@route("GET", "/_ml/calendars/<calendar_id>/events", "ml.get_calendar_events")
def ml_get_calendar_events(call: ElasticsearchCall):
    """RestGetCalendarEventsAction: the parameters from the body when there is one, else from the URL."""
    given = call.body if call.body else call.query
    return 200, call.state.ml.calendars.get_events(
        call.path["calendar_id"],
        job_id=given.get("job_id"),
        start=given.get("start"),
        end=given.get("end"),
        page=_page(call) or None,
    )


@route("DELETE", "/_ml/calendars/<calendar_id>/events/<event_id>", "ml.delete_calendar_event")
def ml_delete_calendar_event(call: ElasticsearchCall):
    call.state.ml.calendars.delete_event(call.path["calendar_id"], call.path["event_id"])
    return 200, {"acknowledged": True}
