"""Elasticsearch's ML APIs over HTTP: calendars and their scheduled events (calendar_crud.yml, case by case)."""

from __future__ import annotations

import pytest
from conftest import es_error
from ml_bodies import put_job

METRIC = {"detectors": [{"function": "metric", "field_name": "responsetime", "by_field_name": "airline"}]}


def job(http, job_id: str, **extra):
    return put_job(http, job_id, analysis_config=METRIC, data_description={}, **extra)


def calendar(http, calendar_id: str, body: dict | None = None) -> dict:
    reply = http.put(f"/_ml/calendars/{calendar_id}", json=body) if body else http.put(f"/_ml/calendars/{calendar_id}")
    assert reply.status == 200, reply.text
    return reply.json


def events(http, path_id: str, *spans, **extra) -> dict:
    given = [{"description": d, "start_time": s, "end_time": e, **extra} for d, s, e in spans]
    reply = http.post(f"/_ml/calendars/{path_id}/events", json={"events": given})
    assert reply.status == 200, reply.text
    return reply.json


def test_calendar_crud(http):
    assert http.get("/_ml/calendars/_all").json == {"count": 0, "calendars": []}
    job(http, "cal-job")
    job(http, "cal-job2")
    advent = calendar(
        http, "advent", {"job_ids": ["cal-job", "cal-job2"], "description": "This is a calendar about..."}
    )
    assert advent == {
        "calendar_id": "advent",
        "job_ids": ["cal-job", "cal-job2"],
        "description": "This is a calendar about...",
    }
    assert http.get("/_ml/calendars/advent").json == {"count": 1, "calendars": [advent]}
    calendar(http, "dogs_of_the_year", {"job_ids": ["cal-job"]})
    assert calendar(http, "cats_of_the_year") == {"calendar_id": "cats_of_the_year", "job_ids": []}
    assert http.get("/_ml/calendars").json["count"] == 3
    assert http.delete("/_ml/calendars/dogs_of_the_year").json == {"acknowledged": True}
    assert http.get("/_ml/calendars").json["count"] == 2
    assert http.get("/_ml/calendars/_all").json["count"] == 2
    es_error(
        http.get("/_ml/calendars/dogs_of_the_year"),
        404,
        "resource_not_found_exception",
        "No calendar with id [dogs_of_the_year]",
    )


def test_get_calendar_given_missing_and_put_given_invalid_ids(http):
    es_error(http.get("/_ml/calendars/unknown"), 404, "resource_not_found_exception", "No calendar with id [unknown]")
    es_error(
        http.put("/_ml/calendars/Mayas"),
        400,
        "action_request_validation_exception",
        "Validation Failed: 1: Invalid calendar_id; 'Mayas' can contain lowercase alphanumeric (a-z and 0-9), "
        "hyphens or underscores; must start and end with alphanumeric;",
    )
    es_error(
        http.put("/_ml/calendars/_all"),
        400,
        "action_request_validation_exception",
        "Validation Failed: 1: Cannot create a Calendar with the reserved name [_all];2: Invalid calendar_id; '_all' "
        "can contain lowercase alphanumeric (a-z and 0-9), hyphens or underscores; must start and end with "
        "alphanumeric;",
    )
    es_error(
        http.put("/_ml/calendars/a", json={"calendar_id": "b"}),
        400,
        "illegal_argument_exception",
        "Inconsistent calendar_id; 'b' specified in the body differs from 'a' specified as a URL argument",
    )


def test_page_params(http):
    for name in ("calendar1", "calendar2", "calendar3"):
        calendar(http, name)
    page = http.get("/_ml/calendars", query={"from": "2"}).json
    assert page["count"] == 3 and [c["calendar_id"] for c in page["calendars"]] == ["calendar3"]
    page = http.get("/_ml/calendars", query={"from": "1", "size": "1"}).json
    assert page["count"] == 3 and [c["calendar_id"] for c in page["calendars"]] == ["calendar2"]
    page = http.post("/_ml/calendars", json={"page": {"from": 1, "size": 2}}).json
    assert page["count"] == 3 and [c["calendar_id"] for c in page["calendars"]] == ["calendar2", "calendar3"]
    es_error(
        http.get("/_ml/calendars/tides", query={"size": "10"}),
        400,
        "action_request_validation_exception",
        "Validation Failed: 1: Params [from, size] are incompatible with [calendar_id].;",
    )


def test_cannot_overwrite_an_existing_calendar(http):
    calendar(http, "mayan")
    es_error(
        http.put("/_ml/calendars/mayan"),
        400,
        "status_exception",
        "Cannot create calendar with id [mayan] as it already exists",
    )


def test_deleted_job_is_removed_from_calendar(http):
    """JobResultsProvider.removeJobFromCalendars, run by the job's deletion."""
    job(http, "cal-crud-test-delete")
    calendar(http, "delete-test", {"job_ids": ["cal-crud-test-delete"]})
    assert http.delete("/_ml/anomaly_detectors/cal-crud-test-delete").json == {"acknowledged": True}
    assert http.get("/_ml/calendars/delete-test").json == {
        "count": 1,
        "calendars": [{"calendar_id": "delete-test", "job_ids": []}],
    }


def test_a_forgotten_job_leaves_every_calendar(http):
    from test_es_ml_datafeeds import ml_state

    job(http, "gone")
    calendar(http, "one", {"job_ids": ["gone", "group-x"]})
    calendar(http, "two", {"job_ids": ["gone"]})
    ml_state(http).calendars.forget_job("gone")
    assert [c["job_ids"] for c in http.get("/_ml/calendars").json["calendars"]] == [["group-x"], []]


def test_update_calendar_job_ids(http):
    calendar(http, "wildlife")
    job(http, "tiger")
    job(http, "otter")
    added = http.put("/_ml/calendars/wildlife/jobs/tiger").json
    assert added == {"calendar_id": "wildlife", "job_ids": ["tiger"]}
    assert http.get("/_ml/calendars/wildlife").json["calendars"][0]["job_ids"] == ["tiger"]
    assert http.delete("/_ml/calendars/wildlife/jobs/tiger").json == {"calendar_id": "wildlife", "job_ids": []}
    for missing in ("otter", "missing_job"):
        es_error(
            http.delete(f"/_ml/calendars/wildlife/jobs/{missing}"),
            400,
            "status_exception",
            f"Cannot remove [{missing}] as it is not present in calendar [wildlife]",
        )
    assert http.get("/_ml/calendars/wildlife").json["calendars"][0]["job_ids"] == []


def test_list_of_job_ids(http):
    for name in ("foo-a", "foo-b", "bar-a"):
        job(http, name)
    calendar(http, "expression", {"job_ids": ["bar-a"]})
    added = http.put("/_ml/calendars/expression/jobs/foo-a,foo-b").json
    # JobResultsProvider.updateCalendar rebuilds the ids through a HashSet: they come back in its order
    # (String.hashCode spread over 16 buckets: bar-a in 5, foo-b in 10, foo-a in 11).
    assert added == {"calendar_id": "expression", "job_ids": ["bar-a", "foo-b", "foo-a"]}
    removed = http.delete("/_ml/calendars/expression/jobs/foo-a,foo-b").json
    assert removed == {"calendar_id": "expression", "job_ids": ["bar-a"]}


def test_calendar_get_events(http):
    calendar(http, "events")
    posted = events(
        http,
        "events",
        ("event 1", "2017-12-01T00:00:00Z", "2017-12-02T00:00:00Z"),
        ("event 2", "2017-12-05T00:00:00Z", "2017-12-06T00:00:00Z"),
        ("event 3", "2017-12-12T00:00:00Z", "2017-12-13T00:00:00Z"),
        ("event 4", "2017-12-12T00:00:00Z", "2017-12-15T00:00:00Z"),
        calendar_id="events",
    )
    assert posted["events"][0] == {
        "description": "event 1",
        "start_time": 1512086400000,
        "end_time": 1512172800000,
        "skip_result": True,
        "skip_model_update": True,
        "calendar_id": "events",
    }
    got = http.get("/_ml/calendars/events/events").json
    assert [e["description"] for e in got["events"]] == ["event 1", "event 2", "event 3", "event 4"]
    assert got["count"] == 4 and all(e["event_id"] for e in got["events"])
    first = got["events"][0]["event_id"]

    def descriptions(**query):
        return [e["description"] for e in http.get("/_ml/calendars/events/events", query=query).json["events"]]

    assert descriptions(**{"from": "1", "size": "2"}) == ["event 2", "event 3"]
    assert descriptions(end="2017-12-12T00:00:00Z") == ["event 1", "event 2"]
    assert descriptions(start="2017-12-05T03:00:00Z") == ["event 2", "event 3", "event 4"]
    assert descriptions(start="2017-12-02T00:00:00Z", end="2017-12-12T00:00:00Z") == ["event 2"]

    calendar(http, "events-2")
    events(
        http,
        "events-2",
        ("event 21", "2017-12-02T00:00:00Z", "2017-12-02T05:00:00Z"),
        ("event 22", "2017-12-25T00:00:00Z", "2017-12-26T00:00:00Z"),
    )
    inconsistent = {
        "events": [
            {
                "description": "event 21",
                "start_time": "2017-12-02T00:00:00Z",
                "end_time": "2017-12-03T00:00:00Z",
                "calendar_id": "events",
            }
        ]
    }
    es_error(
        http.post("/_ml/calendars/events-2/events", json=inconsistent),
        400,
        "status_exception",
        "Inconsistent calendar_id; 'events' specified in the body differs from 'events-2' specified as a URL argument",
    )
    es_error(
        http.delete(f"/_ml/calendars/events-2/events/{first}"),
        400,
        "status_exception",
        f"Event [{first}] has calendar_id [events] which does not match the request calendar_id [events-2]",
    )
    assert http.delete(f"/_ml/calendars/events/events/{first}").json == {"acknowledged": True}
    es_error(
        http.delete("/_ml/calendars/events/events/missing event"),
        404,
        "resource_not_found_exception",
        "No event with id [missing event]",
    )


def test_delete_calendar_deletes_events(http):
    calendar(http, "cal-foo")
    events(
        http,
        "cal-foo",
        ("event 1", "2017-12-01T00:00:00Z", "2017-12-02T00:00:00Z"),
        ("event 2", "2017-12-05T00:00:00Z", "2017-12-06T00:00:00Z"),
    )
    calendar(http, "cal-bar")
    events(http, "cal-bar", ("event 21", "2017-12-02T00:00:00Z", "2017-12-02T05:00:00Z"))
    http.delete("/_ml/calendars/cal-foo")
    assert http.get("/_ml/calendars/*/events").json["count"] == 1
    es_error(http.get("/_ml/calendars/cal-foo/events"), 404, "resource_not_found_exception")


def test_get_all_calendar_events(http):
    calendar(http, "dave-holidays")
    events(
        http,
        "dave-holidays",
        ("xmas", "2017-12-25T00:00:00Z", "2017-12-26T00:00:00Z"),
        ("ny", "2018-01-01T00:00:00Z", "2018-01-02T00:00:00Z"),
    )
    calendar(http, "tom-holidays")
    events(
        http,
        "tom-holidays",
        ("xmas", "2017-12-20T00:00:00Z", "2017-12-26T00:00:00Z"),
        ("other", "2017-12-27T00:00:00Z", "2018-01-02T00:00:00Z"),
    )
    assert len(http.get("/_ml/calendars/_all/events").json["events"]) == 4


def test_get_calendar_events_for_job_and_group(http):
    job(http, "cal-crud-job-with-events")
    calendar(http, "dave-holidays", {"job_ids": ["cal-crud-job-with-events"]})
    events(
        http,
        "dave-holidays",
        ("xmas", "2017-12-25T00:00:00Z", "2017-12-26T00:00:00Z"),
        ("ny", "2018-01-01T00:00:00Z", "2018-01-02T00:00:00Z"),
    )
    calendar(http, "tom-holidays", {"job_ids": ["cal-crud-job-with-events"]})
    events(
        http,
        "tom-holidays",
        ("xmas", "2017-12-20T00:00:00Z", "2017-12-26T00:00:00Z"),
        ("other", "2018-01-15T00:00:00Z", "2018-01-16T00:00:00Z"),
    )
    calendar(http, "not-used-by-job")
    events(http, "not-used-by-job", ("random", "2018-01-20T00:00:00Z", "2018-01-26T00:00:00Z"))
    es_error(
        http.get("/_ml/calendars/dave-holiday/events", query={"job_id": "cal-crud-job-with-events"}),
        400,
        "action_request_validation_exception",
        "Validation Failed: 1: If job_id is used calendar_id must be '_all';",
    )
    for_job = http.get("/_ml/calendars/_all/events", query={"job_id": "cal-crud-job-with-events"}).json
    assert for_job["count"] == 4 and len(for_job["events"]) == 4
    since = http.get(
        "/_ml/calendars/_all/events", query={"job_id": "cal-crud-job-with-events", "start": "2018-01-01T00:00:00Z"}
    ).json
    assert since["count"] == 2 and [e["description"] for e in since["events"]] == ["ny", "other"]

    job(http, "cal-crud-job-with-events-group", groups=["ben-holidays-group"])
    calendar(http, "ben-holidays", {"job_ids": ["ben-holidays-group"]})
    events(
        http,
        "ben-holidays",
        ("ski", "2018-01-20T00:00:00Z", "2018-01-27T00:00:00Z"),
        ("snow", "2018-01-30T00:00:00Z", "2018-02-01T00:00:00Z"),
    )
    for name in ("cal-crud-job-with-events-group", "ben-holidays-group"):
        got = http.get("/_ml/calendars/_all/events", query={"job_id": name}).json
        assert got["count"] == 2 and [e["description"] for e in got["events"]] == ["ski", "snow"]
    es_error(
        http.get("/_ml/calendars/_all/events", query={"job_id": "nobody"}),
        404,
        "resource_not_found_exception",
        "No known job with id 'nobody'",
    )


@pytest.mark.parametrize(
    "path, body, status, type_, reason",
    [
        ("/_ml/calendars/foo/events", {"events": []}, 400, "status_exception", "At least 1 event is required"),
        (
            "/_ml/calendars/foo/events",
            {"events": [{"description": "x", "start_time": 2, "end_time": 1}]},
            400,
            "status_exception",
            "Event start time [1970-01-01T00:00:00.002Z] must come before end time [1970-01-01T00:00:00.001Z]",
        ),
        (
            "/_ml/calendars/foo/events",
            {"events": [{"start_time": 1, "end_time": 2}]},
            400,
            "status_exception",
            "Field [description] cannot be null",
        ),
        (
            "/_ml/calendars/unknown/events",
            {"events": [{"description": "x", "start_time": 1, "end_time": 2}]},
            404,
            "resource_not_found_exception",
            "No calendar with id [unknown]",
        ),
    ],
)
def test_post_calendar_events_refusals(http, path, body, status, type_, reason):
    es_error(http.post(path, json=body), status, type_, reason)


def test_event_and_job_actions_on_a_missing_calendar(http):
    es_error(
        http.delete("/_ml/calendars/unknown/events/event_1"),
        404,
        "resource_not_found_exception",
        "No calendar with id [unknown]",
    )
    es_error(
        http.delete("/_ml/calendars/unknown/jobs/missing_calendar"),
        404,
        "resource_not_found_exception",
        "No calendar with id [unknown]",
    )


def test_calendar_actions_with_new_job_group(http):
    job(http, "calendar-job")
    calendar(http, "cal_with_new_job_group", {"job_ids": ["calendar-job", "new-job-group"]})
    got = http.get("/_ml/calendars/cal_with_new_job_group").json
    assert got == {
        "count": 1,
        "calendars": [{"calendar_id": "cal_with_new_job_group", "job_ids": ["calendar-job", "new-job-group"]}],
    }
    events(http, "cal_with_new_job_group", ("beach", "2018-05-01T00:00:00Z", "2018-05-06T00:00:00Z"))
    beach = http.get("/_ml/calendars/cal_with_new_job_group/events").json["events"]
    assert [e["description"] for e in beach] == ["beach"]
    http.delete("/_ml/calendars/cal_with_new_job_group")
    calendar(http, "started_empty_calendar")
    added = http.put("/_ml/calendars/started_empty_calendar/jobs/new-group").json
    assert added == {"calendar_id": "started_empty_calendar", "job_ids": ["new-group"]}
    events(http, "started_empty_calendar", ("beach", "2018-05-01T00:00:00Z", "2018-05-06T00:00:00Z"))
    event_id = http.get("/_ml/calendars/started_empty_calendar/events").json["events"][0]["event_id"]
    http.delete(f"/_ml/calendars/started_empty_calendar/events/{event_id}")
    assert http.get("/_ml/calendars/started_empty_calendar/events").json == {"count": 0, "events": []}
    http.delete("/_ml/calendars/started_empty_calendar")
    es_error(http.get("/_ml/calendars/started_empty_calendar"), 404, "resource_not_found_exception")


def test_events_before_the_time_shift_configuration(tmp_path):
    from conftest import fixture_app

    http = fixture_app(tmp_path, {"elasticsearch": {"settings": {"version": "8.15.0"}}})
    calendar(http, "old")
    posted = events(http, "old", ("x", 1, 2))
    assert posted == {"events": [{"description": "x", "start_time": 1, "end_time": 2, "calendar_id": "old"}]}
