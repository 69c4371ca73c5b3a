"""Elasticsearch's ML APIs over HTTP: datafeeds."""

from __future__ import annotations

import pytest
from conftest import es_error
from ml_bodies import JOB, put_job


def test_put_datafeed_defaults(http):
    feed = http.put("/_ml/datafeeds/datafeed-myjob2", json={"job_id": "myjob2", "indexes": ["logs"]}).json
    assert list(feed) == [
        "datafeed_id",
        "job_id",
        "query_delay",
        "chunking_config",
        "indices_options",
        "query",
        "indices",
        "scroll_size",
        "delayed_data_check_config",
    ]
    assert feed["query"] == {"match_all": {}} and feed["scroll_size"] == 1000 and feed["indices"] == ["logs"]
    assert feed["chunking_config"] == {"mode": "auto"} and feed["delayed_data_check_config"] == {"enabled": True}
    assert feed["indices_options"] == {
        "ignore_unavailable": False,
        "expand_wildcards": ["open"],
        "allow_no_indices": True,
        "ignore_throttled": True,
    }


def test_query_delay_is_derived_from_the_job_id(http):
    put_job(http, "test-job1")
    feed = http.put("/_ml/datafeeds/feed", json={"job_id": "test-job1", "indices": ["x"]}).json
    assert feed["query_delay"] == "61499ms"  # as in Elastic's documented example


@pytest.mark.parametrize(
    "feed_id, body, status, type_, reason",
    [
        ("f", {"indices": ["x"]}, 400, "illegal_argument_exception", "[job_id] must not be null."),
        ("f", {"job_id": "myjob2"}, 400, "status_exception", "Invalid indices value '[]' in datafeed configuration"),
        (
            "f",
            {"job_id": "myjob1", "indices": ["x"]},
            409,
            "status_exception",
            "A datafeed [datafeed-myjob1] already exists for job [myjob1]",
        ),
        ("f", {"job_id": "nope", "indices": ["x"]}, 404, "resource_not_found_exception", "No known job with id 'nope'"),
        (
            "datafeed-myjob1",
            {"job_id": "myjob2", "indices": ["x"]},
            400,
            "resource_already_exists_exception",
            "A datafeed with id [datafeed-myjob1] already exists",
        ),
        ("F!", {"job_id": "myjob2", "indices": ["x"]}, 400, "status_exception", None),
    ],
)
def test_put_datafeed_errors(http, feed_id, body, status, type_, reason):
    es_error(http.put(f"/_ml/datafeeds/{feed_id}", json=body), status, type_, reason)


def test_datafeed_get_and_delete(http):
    assert http.get("/_ml/datafeeds").json["count"] == 1
    assert http.get("/_ml/datafeeds/_all").json["datafeeds"][0]["datafeed_id"] == "datafeed-myjob1"
    assert http.delete("/_ml/datafeeds/datafeed-myjob1").json == {"acknowledged": True}
    es_error(http.delete("/_ml/datafeeds/datafeed-myjob1"), 404, "resource_not_found_exception")
    es_error(http.get("/_ml/datafeeds/x,y"), 404, "resource_not_found_exception", "No datafeed with id [x,y] exists")


# -- datafeeds_crud.yml, case by case, and what DatafeedConfig / DatafeedUpdate pin ------------------

AGGS = {
    "histogram_buckets": {
        "date_histogram": {"field": "@timestamp", "fixed_interval": "5m", "time_zone": "UTC", "min_doc_count": 0},
        "aggs": {
            "@timestamp": {"max": {"field": "@timestamp"}},
            "bytes_in_avg": {"avg": {"field": "system.network.in.bytes"}},
            "bytes_in_derivative": {"derivative": {"buckets_path": "bytes_in_avg"}},
            "non_negative_bytes": {
                "bucket_script": {
                    "buckets_path": {"bytes": "bytes_in_derivative"},
                    "script": "params.bytes > 0 ? params.bytes : null",
                }
            },
        },
    }
}


def ml_state(http):
    from mockserver import runtime_of

    return runtime_of(http.client.application).store["elasticsearch"].ml


def open_job(http, job_id: str) -> None:
    reply = http.post(f"/_ml/anomaly_detectors/{job_id}/_open")
    assert reply.status == 200, reply.text


@pytest.fixture
def crud(http):
    """datafeeds_crud.yml's setup: two jobs, the first pre-summarised (summary_count_field_name)."""
    put_job(
        http,
        "datafeeds-crud-1",
        analysis_config={
            "bucket_span": "1h",
            "detectors": [{"function": "count"}],
            "summary_count_field_name": "doc_count",
        },
        data_description={"format": "xcontent", "time_field": "time", "time_format": "epoch"},
    )
    put_job(http, "datafeeds-crud-2", analysis_config={"bucket_span": "1h", "detectors": [{"function": "count"}]})
    return http


def put_feed(http, feed_id: str, **body):
    reply = http.put(f"/_ml/datafeeds/{feed_id}", json={"job_id": "datafeeds-crud-1", "indexes": ["index-foo"], **body})
    assert reply.status == 200, reply.text
    return reply.json


def test_get_all_datafeeds_and_stats_given_none(http):
    http.delete("/_ml/datafeeds/datafeed-myjob1")
    assert http.get("/_ml/datafeeds/_all").json == {"count": 0, "datafeeds": []}
    assert http.get("/_ml/datafeeds/_all/_stats").json == {"count": 0, "datafeeds": []}


def test_expression_that_matches_nothing(http):
    for path in ("/_ml/datafeeds/missing-*", "/_ml/datafeeds/missing-*/_stats"):
        assert http.get(path, query={"allow_no_match": "true"}).json == {"count": 0, "datafeeds": []}
        es_error(
            http.get(path, query={"allow_no_match": "false"}),
            404,
            "resource_not_found_exception",
            "No datafeed with id [missing-*] exists",
        )


def test_headers_in_the_body_are_refused(crud):
    reply = crud.put(
        "/_ml/datafeeds/test-datafeed-1",
        json={"job_id": "datafeeds-crud-1", "indices": ["index-foo"], "headers": {"a_security_header": "secret"}},
    )
    assert "[datafeed_config] unknown field [headers]" in es_error(reply, 400, "x_content_parse_exception")["reason"]


def test_put_datafeed_referring_to_existing_job(crud):
    feed = put_feed(crud, "test-datafeed-1")
    assert (feed["datafeed_id"], feed["job_id"], feed["indices"]) == (
        "test-datafeed-1",
        "datafeeds-crud-1",
        ["index-foo"],
    )
    assert (
        feed["scroll_size"] == 1000
        and feed["query"] == {"match_all": {}}
        and feed["chunking_config"] == {"mode": "auto"}
    )
    assert "authorization" not in feed  # security is off: no user to keep


def test_put_datafeed_with_invalid_query(crud):
    reply = crud.put(
        "/_ml/datafeeds/test-datafeed-1",
        json={"job_id": "datafeeds-crud-1", "indexes": ["index-foo"], "query": {"match_all_misspelled": {}}},
    )
    error = es_error(reply, 400, "x_content_parse_exception")
    assert error["reason"].endswith("[datafeed_config] failed to parse field [query]")
    assert error["caused_by"]["type"] == "status_exception"
    assert error["caused_by"]["reason"] == "Datafeed query is not parsable"
    assert error["root_cause"][0]["type"] == "status_exception"
    # Placed at the query's closing brace (the parser has read the whole object), its cause where the
    # query's own compact JSON has the unknown name's object.
    text = '{"job_id": "datafeeds-crud-1",\n "indices": ["x"],\n "query": {"match_all_misspelled": {}}}'
    error = es_error(
        crud.put("/_ml/datafeeds/f", data=text, headers={"Content-Type": "application/json"}),
        400,
        "x_content_parse_exception",
        "[3:38] [datafeed_config] failed to parse field [query]",
    )
    assert error["caused_by"]["caused_by"] == {
        "type": "named_object_not_found_exception",
        "reason": "[1:25] unknown field [match_all_misspelled]",
    }
    # A query the mock knows of but does not run is taken as it is.
    feed = put_feed(crud, "test-datafeed-2", job_id="datafeeds-crud-2", query={"query_string": {"query": "a"}})
    assert feed["query"] == {"query_string": {"query": "a"}}


def test_a_single_index_string_is_a_list(crud):
    assert put_feed(crud, "test-datafeed-1", indexes="airline-data")["indices"] == ["airline-data"]


@pytest.mark.parametrize(
    "field, value, reason",
    [
        ("scroll_size", -1, "Invalid scroll_size value '-1' in datafeed configuration"),
        ("scroll_size", -2000, "Invalid scroll_size value '-2,000' in datafeed configuration"),
        ("max_empty_searches", 0, "Invalid max_empty_searches value '0' in datafeed configuration"),
    ],
)
def test_bad_values_are_refused_by_the_parser(crud, field, value, reason):
    reply = crud.put("/_ml/datafeeds/f", json={"job_id": "datafeeds-crud-1", "indices": ["x"], field: value})
    error = es_error(reply, 400, "x_content_parse_exception")
    assert error["reason"].endswith(f"[datafeed_config] failed to parse field [{field}]")
    assert (error["caused_by"]["type"], error["caused_by"]["reason"]) == ("status_exception", reason)


@pytest.mark.parametrize(
    "field, value, reason",
    [
        ("frequency", "1.5s", "failed to parse [1.5s], fractional time values are not supported"),
        (
            "query_delay",
            "-5s",
            "failed to parse setting [query_delay] with value [-5s] as a time value: negative "
            "durations are not supported",
        ),
        (
            "frequency",
            "1w",
            "failed to parse setting [frequency] with value [1w] as a time value: unit is missing or unrecognized",
        ),
    ],
)
def test_durations_are_read_as_time_value_reads_them(crud, field, value, reason):
    """TimeValue.parseTimeValue's refusals are illegal arguments, the parser's cause."""
    reply = crud.put("/_ml/datafeeds/f", json={"job_id": "datafeeds-crud-1", "indices": ["x"], field: value})
    error = es_error(reply, 400, "x_content_parse_exception")
    assert error["reason"].endswith(f"[datafeed_config] failed to parse field [{field}]")
    assert error["caused_by"] == {"type": "illegal_argument_exception", "reason": reason}


def test_two_aggregation_definitions(crud):
    reply = crud.put(
        "/_ml/datafeeds/f", json={"job_id": "datafeeds-crud-1", "indices": ["x"], "aggs": AGGS, "aggregations": AGGS}
    )
    error = es_error(reply, 400, "x_content_parse_exception")
    assert error["caused_by"]["reason"] == "Found two aggregation definitions: [aggs] and [aggregations]"


def test_update_datafeed(crud):
    feed = put_feed(crud, "test-datafeed-1", scroll_size=2000, frequency="1m", query_delay="30s", max_empty_searches=42)
    assert feed["max_empty_searches"] == 42
    updated = crud.post(
        "/_ml/datafeeds/test-datafeed-1/_update",
        json={
            "indexes": ["index-*"],
            "scroll_size": 10000,
            "frequency": "2m",
            "query_delay": "0s",
            "max_empty_searches": -1,
        },
    ).json
    assert (updated["datafeed_id"], updated["job_id"], updated["indices"]) == (
        "test-datafeed-1",
        "datafeeds-crud-1",
        ["index-*"],
    )
    assert (updated["scroll_size"], updated["frequency"], updated["query_delay"]) == (10000, "2m", "0s")
    assert "max_empty_searches" not in updated
    assert crud.get("/_ml/datafeeds/test-datafeed-1").json["datafeeds"][0] == updated


def test_update_datafeed_job_id_rules(crud):
    put_feed(crud, "test-datafeed-1", scroll_size=2000)
    put_feed(crud, "test-datafeed-2", job_id="datafeeds-crud-2")
    same = crud.post("/_ml/datafeeds/test-datafeed-1/_update", json={"job_id": "datafeeds-crud-1"})
    assert same.json["job_id"] == "datafeeds-crud-1"
    for job_id in ("datafeeds-crud-2", "update-datafeed-missing-job"):
        es_error(
            crud.post("/_ml/datafeeds/test-datafeed-1/_update", json={"job_id": job_id}),
            400,
            "status_exception",
            "Datafeed's job_id cannot be changed.",
        )


def test_update_missing_datafeed_and_delete_missing_datafeed(crud):
    es_error(
        crud.post("/_ml/datafeeds/a-missing-datafeed/_update", json={}),
        404,
        "resource_not_found_exception",
        "No datafeed with id [a-missing-datafeed] exists",
    )
    es_error(crud.delete("/_ml/datafeeds/a-missing-datafeed"), 404, "resource_not_found_exception")


def test_update_refuses_unknown_fields(crud):
    put_feed(crud, "test-datafeed-1")
    reply = crud.post("/_ml/datafeeds/test-datafeed-1/_update", json={"headers": {}})
    assert "[datafeed_update] unknown field [headers]" in es_error(reply, 400, "x_content_parse_exception")["reason"]


def test_put_datafeed_with_chunking_config(crud):
    feed = put_feed(crud, "test-datafeed-1", chunking_config={"mode": "manual", "time_span": "1h"})
    assert feed["chunking_config"] == {"mode": "manual", "time_span": "1h"}


def test_put_datafeed_with_aggregations(crud):
    body = {"job_id": "datafeeds-crud-1", "indices": ["index-foo"], "aggs": AGGS, "max_empty_searches": -1}
    assert crud.put("/_ml/datafeeds/test-datafeed-aggs-1", json=body).status == 200
    feed = crud.get("/_ml/datafeeds/test-datafeed-aggs-1").json["datafeeds"][0]
    assert feed["aggregations"] == AGGS and "max_empty_searches" not in feed
    # DatafeedConfig.defaultChunkingConfig: 1000 buckets of the histogram's interval.
    assert feed["chunking_config"] == {"mode": "manual", "time_span": "300000000ms"}


@pytest.mark.parametrize(
    "job_id, aggs, reason",
    [
        (
            "datafeeds-crud-2",
            AGGS,
            "A job configured with a datafeed with aggregations must set summary_count_field_name; "
            "use doc_count or suitable alternative",
        ),
        (
            "datafeeds-crud-1",
            {"buckets": {"date_histogram": {"field": "time", "fixed_interval": "5m"}}},
            "Date histogram must have nested max aggregation for time_field [time]",
        ),
        (
            "datafeeds-crud-1",
            {"a": {"terms": {"field": "x"}}, "b": {"terms": {"field": "y"}}},
            "The date_histogram (or histogram) aggregation cannot have sibling aggregations",
        ),
        (
            "datafeeds-crud-1",
            {"b": {"date_histogram": {"field": "t", "fixed_interval": "7m"}, "aggs": {"t": {"max": {"field": "t"}}}}},
            "Aggregation interval [420000ms] must be a divisor of the bucket_span [3600000ms]",
        ),
        (
            "datafeeds-crud-1",
            {"b": {"date_histogram": {"field": "t", "fixed_interval": "2h"}, "aggs": {"t": {"max": {"field": "t"}}}}},
            "Aggregation interval [7200000ms] must be less than or equal to the bucket_span [3600000ms]",
        ),
    ],
)
def test_aggregation_rules(crud, job_id, aggs, reason):
    reply = crud.put("/_ml/datafeeds/f", json={"job_id": job_id, "indices": ["x"], "aggregations": aggs})
    es_error(reply, 400, "status_exception", reason)


def test_delete_and_force_delete_datafeed(crud):
    put_feed(crud, "test-datafeed-1")
    assert crud.delete("/_ml/datafeeds/test-datafeed-1").json == {"acknowledged": True}
    put_feed(crud, "test-datafeed-1")
    assert crud.delete("/_ml/datafeeds/test-datafeed-1", query={"force": "true"}).json == {"acknowledged": True}


def test_put_and_update_datafeed_with_indices_options(crud):
    put_feed(
        crud,
        "test-datafeed-indices-options-1",
        indices_options={"expand_wildcards": ["closed", "open"], "ignore_throttled": False},
    )
    feed = crud.get("/_ml/datafeeds/test-datafeed-indices-options-1").json["datafeeds"][0]
    # IndicesOptions.toXContent: its own order, the wildcard states in WildcardStates' order.
    assert feed["indices_options"] == {
        "ignore_unavailable": False,
        "expand_wildcards": ["open", "closed"],
        "allow_no_indices": True,
        "ignore_throttled": False,
    }
    assert list(feed["indices_options"]) == [
        "ignore_unavailable",
        "expand_wildcards",
        "allow_no_indices",
        "ignore_throttled",
    ]
    crud.post(
        "/_ml/datafeeds/test-datafeed-indices-options-1/_update", json={"indices_options": {"ignore_throttled": True}}
    )
    feed = crud.get("/_ml/datafeeds/test-datafeed-indices-options-1").json["datafeeds"][0]
    # DatafeedUpdate reads the options over SearchRequest's defaults, not over the datafeed's own.
    assert feed["indices_options"]["ignore_throttled"] is True
    assert feed["indices_options"]["expand_wildcards"] == ["open"]


def test_indices_options_as_url_parameters(crud):
    warning = (
        '"[ignore_throttled] parameter is deprecated because frozen indices have been deprecated. '
        'Consider cold or frozen tiers in place of frozen indices."'
    )
    put = crud.put(
        "/_ml/datafeeds/test-datafeed-indices-options-params-1",
        json={"job_id": "datafeeds-crud-1", "indexes": ["index-foo"]},
        query={"ignore_throttled": "false"},
    )
    assert warning in put.headers["Warning"]
    assert put.json["indices_options"]["ignore_throttled"] is False
    update = crud.post(
        "/_ml/datafeeds/test-datafeed-indices-options-params-1/_update",
        json={},
        query={"ignore_throttled": "false", "allow_no_indices": "false"},
    )
    assert warning in update.headers["Warning"]
    feed = crud.get("/_ml/datafeeds/test-datafeed-indices-options-params-1").json["datafeeds"][0]
    assert (feed["indices_options"]["ignore_throttled"], feed["indices_options"]["allow_no_indices"]) == (False, False)


def test_bad_expand_wildcards(crud):
    reply = crud.put(
        "/_ml/datafeeds/f",
        json={"job_id": "datafeeds-crud-1", "indices": ["x"], "indices_options": {"expand_wildcards": "open,shut"}},
    )
    error = es_error(reply, 400, "x_content_parse_exception")
    assert error["caused_by"]["reason"] == "No valid expand wildcard value [shut]"


def test_get_datafeed_for_export(crud):
    put_feed(crud, "test-for-export")
    feed = crud.get("/_ml/datafeeds/test-for-export", query={"exclude_generated": "true"}).json["datafeeds"][0]
    assert feed["indices"] == ["index-foo"]
    assert not {"create_time", "query_delay", "chunking_config", "indices_options", "authorization"} & set(feed)
    # A query_delay that is not the random default is kept.
    put_feed(crud, "test-for-export-2", job_id="datafeeds-crud-2", query_delay="90s")
    exported = crud.get("/_ml/datafeeds/test-for-export-2", query={"exclude_generated": "true"}).json
    assert exported["datafeeds"][0]["query_delay"] == "90s"


def test_indices_options_order_before_the_record(tmp_path):
    from conftest import fixture_app

    http = fixture_app(tmp_path, {"elasticsearch": {"settings": {"version": "8.11.0"}}})
    feed = http.get("/_ml/datafeeds/datafeed-myjob1").json["datafeeds"][0]
    assert list(feed["indices_options"]) == [
        "expand_wildcards",
        "ignore_unavailable",
        "allow_no_indices",
        "ignore_throttled",
    ]


# -- with security on: the creator's roles, or API key ---------------------------------------------


def test_authorization_is_the_creators(tmp_path):
    import base64

    from conftest import fixture_app

    http = fixture_app(tmp_path, {}, auth="elastic:changeme")
    admin = {"Authorization": "Basic " + base64.b64encode(b"elastic:changeme").decode()}
    body = {"job_id": "myjob2", "indices": ["x"]}
    feed = http.put("/_ml/datafeeds/by-user", json=body, headers=admin).json
    assert feed["authorization"] == {"roles": ["superuser"]}
    assert list(feed)[:3] == ["datafeed_id", "job_id", "authorization"]
    key = http.post("/_security/api_key", json={"name": "feeder"}, headers=admin).json
    updated = http.post(
        "/_ml/datafeeds/by-user/_update", json={}, headers={"Authorization": f"ApiKey {key['encoded']}"}
    ).json
    assert updated["authorization"] == {"api_key": {"id": key["id"], "name": "feeder"}}
    exported = http.get("/_ml/datafeeds/by-user", query={"exclude_generated": "true"}, headers=admin).json
    assert "authorization" not in exported["datafeeds"][0]


def test_a_datafeed_put_with_its_job_keeps_the_creators_roles(tmp_path):
    """TransportPutJobAction puts an embedded datafeed with the request's headers, as a datafeed put."""
    import base64

    from conftest import fixture_app

    http = fixture_app(tmp_path, {}, auth="elastic:changeme")
    admin = {"Authorization": "Basic " + base64.b64encode(b"elastic:changeme").decode()}
    body = {**JOB, "datafeed_config": {"indices": ["x"]}}
    job = http.put("/_ml/anomaly_detectors/with-feed", json=body, headers=admin).json
    assert job["datafeed_config"]["authorization"] == {"roles": ["superuser"]}


# -- get_datafeed_stats.yml and start_stop_datafeed.yml ---------------------------------------------


@pytest.fixture
def airline(http):
    """start_stop_datafeed.yml's setup: the airline-data index, a job over its fields and its datafeed."""
    http.put(
        "/airline-data",
        json={
            "mappings": {
                "properties": {
                    "time": {"type": "date"},
                    "airline": {"type": "keyword"},
                    "airport": {"type": "text"},
                    "responsetime": {"type": "float"},
                }
            }
        },
    )
    put_job(
        http,
        "start-stop-datafeed-job",
        analysis_config={
            "bucket_span": "1h",
            "detectors": [{"function": "metric", "field_name": "responsetime", "by_field_name": "airline"}],
            "influencers": ["airport"],
        },
        data_description={"time_field": "time", "time_format": "epoch"},
    )
    reply = http.put(
        "/_ml/datafeeds/start-stop-datafeed-datafeed-1",
        json={"job_id": "start-stop-datafeed-job", "indexes": "airline-data"},
    )
    assert reply.status == 200, reply.text
    return http


FEED = "/_ml/datafeeds/start-stop-datafeed-datafeed-1"


def test_stats_of_a_stopped_datafeed(airline):
    stats = airline.get(f"{FEED}/_stats").json
    assert stats == {
        "count": 1,
        "datafeeds": [
            {
                "datafeed_id": "start-stop-datafeed-datafeed-1",
                "state": "stopped",
                "timing_stats": {
                    "job_id": "start-stop-datafeed-job",
                    "search_count": 0,
                    "bucket_count": 0,
                    "total_search_time_ms": 0.0,
                    "exponential_average_search_time_per_hour_ms": 0.0,
                },
            }
        ],
    }
    es_error(airline.get("/_ml/datafeeds/missing-datafeed/_stats"), 404, "resource_not_found_exception")


def test_start_and_stop_datafeed_happy_path(airline):
    open_job(airline, "start-stop-datafeed-job")
    assert airline.post(f"{FEED}/_start", query={"start": "0"}).json == {
        "started": True,
        "node": "mOcKnOdE0000000000000w",
    }
    stats = airline.get(f"{FEED}/_stats").json["datafeeds"][0]
    assert list(stats) == ["datafeed_id", "state", "node", "assignment_explanation", "timing_stats", "running_state"]
    assert stats["state"] == "started" and stats["node"]["name"] and stats["node"]["transport_address"]
    job_stats = airline.get("/_ml/anomaly_detectors/start-stop-datafeed-job/_stats").json["jobs"][0]
    assert stats["node"] == job_stats["node"]  # the one ML node, described once
    assert stats["running_state"] == {"real_time_configured": True, "real_time_running": True}
    assert airline.post(f"{FEED}/_stop").json == {"stopped": True}
    stats = airline.get(f"{FEED}/_stats").json["datafeeds"][0]
    assert stats["state"] == "stopped" and "node" not in stats and "running_state" not in stats


def test_start_with_an_end_is_not_real_time(airline):
    open_job(airline, "start-stop-datafeed-job")
    airline.post(f"{FEED}/_start", json={"start": "now-1d", "end": "now"})
    assert airline.get(f"{FEED}/_stats").json["datafeeds"][0]["running_state"]["real_time_configured"] is False


def test_force_stop_and_start_now(airline):
    open_job(airline, "start-stop-datafeed-job")
    airline.post(f"{FEED}/_start", query={"start": "now"})
    assert airline.get(f"{FEED}/_stats").json["datafeeds"][0]["state"] == "started"
    assert airline.post(f"{FEED}/_stop", query={"force": "true"}).json == {"stopped": True}
    assert airline.get(f"{FEED}/_stats").json["datafeeds"][0]["state"] == "stopped"


def test_start_refusals(airline):
    es_error(
        airline.post("/_ml/datafeeds/non-existing-datafeed/_start", query={"start": "0"}),
        404,
        "resource_not_found_exception",
        "No datafeed with id [non-existing-datafeed] exists",
    )
    es_error(
        airline.post(f"{FEED}/_start", query={"start": "0"}),
        409,
        "status_exception",
        "cannot start datafeed [start-stop-datafeed-datafeed-1] because job [start-stop-datafeed-job] is closed",
    )
    open_job(airline, "start-stop-datafeed-job")
    airline.post(f"{FEED}/_start", query={"start": "0"})
    es_error(
        airline.post(f"{FEED}/_start", query={"start": "0"}),
        409,
        "status_exception",
        "cannot start datafeed [start-stop-datafeed-datafeed-1] because it has already been started",
    )


@pytest.mark.parametrize(
    "start, end, reason",
    [
        (
            "2017-02-01T01:00:00Z",
            "2017-02-01T00:00:00Z",
            "Validation Failed: 1: start [1485910800000] must be earlier than end [1485907200000];",
        ),
        (
            "2017-02-01T01:00:00Z",
            "2017-02-01T01:00:00Z",
            "Validation Failed: 1: start [1485910800000] must be earlier than end [1485910800000];",
        ),
    ],
)
def test_start_given_end_not_after_start(airline, start, end, reason):
    open_job(airline, "start-stop-datafeed-job")
    reply = airline.post(f"{FEED}/_start", query={"start": start, "end": end})
    es_error(reply, 400, "action_request_validation_exception", reason)


def test_start_given_a_bad_date(airline):
    es_error(
        airline.post(f"{FEED}/_start", query={"start": "yesterday"}),
        400,
        "parse_exception",
        "Query param [start] with value [yesterday] cannot be parsed as a date or converted to a number (epoch).",
    )


def test_start_given_datafeed_index_does_not_exist(airline):
    airline.post(f"{FEED}/_update", json={"indexes": ["utopia"]})
    open_job(airline, "start-stop-datafeed-job")
    es_error(
        airline.post(f"{FEED}/_start"),
        404,
        "resource_not_found_exception",
        "datafeed [start-stop-datafeed-datafeed-1] cannot retrieve data because index [utopia] does not exist",
    )


def test_start_given_field_without_mappings(airline):
    put_job(
        airline,
        "start-stop-datafeed-job-field-without-mappings",
        analysis_config={"bucket_span": "1h", "detectors": [{"function": "count", "by_field_name": "airline2"}]},
        data_description={"time_field": "time"},
    )
    airline.put(
        "/_ml/datafeeds/start-stop-datafeed-job-field-without-mappings-feed",
        json={"job_id": "start-stop-datafeed-job-field-without-mappings", "indexes": "airline-data"},
    )
    open_job(airline, "start-stop-datafeed-job-field-without-mappings")
    es_error(
        airline.post("/_ml/datafeeds/start-stop-datafeed-job-field-without-mappings-feed/_start"),
        400,
        "status_exception",
        "[start-stop-datafeed-job-field-without-mappings-feed] cannot retrieve field [airline2] "
        "because it has no mappings",
    )


def test_stop_expressions(airline):
    es_error(airline.post("/_ml/datafeeds/non-existing-datafeed/_stop"), 404, "resource_not_found_exception")
    assert airline.post("/_ml/datafeeds/missing-*/_stop", query={"allow_no_match": "true"}).json == {"stopped": True}
    es_error(
        airline.post("/_ml/datafeeds/missing-*/_stop", query={"allow_no_match": "false"}),
        404,
        "resource_not_found_exception",
    )
    es_error(
        airline.post("/_ml/datafeeds/missing-*/_stop", json={"allow_no_match": False}),
        404,
        "resource_not_found_exception",
    )
    assert airline.post("/_ml/datafeeds/missing-*/_stop", json={"allow_no_match": True}).json == {"stopped": True}
    # A stopped datafeed stops again without complaint; _all stops every one.
    assert airline.post(f"{FEED}/_stop").json == {"stopped": True}
    assert airline.post(f"{FEED}/_stop").json == {"stopped": True}
    assert airline.post("/_ml/datafeeds/_all/_stop").json == {"stopped": True}


def test_stop_given_expression(airline):
    for name in ("foo-1", "foo-2", "bar-1"):
        put_job(airline, f"start-stop-datafeed-job-{name}", data_description={"time_field": "time"})
        airline.put(
            f"/_ml/datafeeds/start-stop-datafeed-job-{name}-feed",
            json={"job_id": f"start-stop-datafeed-job-{name}", "indexes": "airline-data"},
        )
        open_job(airline, f"start-stop-datafeed-job-{name}")
    for name in ("foo-1", "foo-2", "bar-1"):
        started = airline.post(f"/_ml/datafeeds/start-stop-datafeed-job-{name}-feed/_start")
        assert started.json["started"] is True, started.text
    assert airline.post("/_ml/datafeeds/start-stop-datafeed-job-foo-*/_stop").json == {"stopped": True}
    states = airline.get("/_ml/datafeeds/start-stop-datafeed-job-foo-*/_stats").json["datafeeds"]
    assert [s["state"] for s in states] == ["stopped", "stopped"]
    bar = airline.get("/_ml/datafeeds/start-stop-datafeed-job-bar-1-feed/_stats").json["datafeeds"][0]
    assert bar["state"] == "started"


def test_implicit_get_all_stats_given_started_datafeeds(airline):
    put_job(airline, "second", data_description={"time_field": "time"})
    airline.put("/_ml/datafeeds/second-feed", json={"job_id": "second", "indices": ["airline-data"]})
    for job_id, feed in (("start-stop-datafeed-job", "start-stop-datafeed-datafeed-1"), ("second", "second-feed")):
        open_job(airline, job_id)
        airline.post(f"/_ml/datafeeds/{feed}/_start", query={"start": "0"})
    stats = airline.get("/_ml/datafeeds/_stats").json
    assert stats["count"] == 3
    assert [(s["datafeed_id"], s["state"]) for s in stats["datafeeds"]] == [
        ("datafeed-myjob1", "stopped"),
        ("second-feed", "started"),
        ("start-stop-datafeed-datafeed-1", "started"),
    ]


def test_started_datafeed_refuses_update_and_plain_delete(airline):
    open_job(airline, "start-stop-datafeed-job")
    airline.post(f"{FEED}/_start")
    es_error(
        airline.post(f"{FEED}/_update", json={"scroll_size": 5}),
        409,
        "status_exception",
        "Cannot update datafeed [start-stop-datafeed-datafeed-1] while its status is started",
    )
    es_error(
        airline.delete(FEED),
        409,
        "status_exception",
        "Cannot delete datafeed [start-stop-datafeed-datafeed-1] while its status is started",
    )
    assert airline.delete(FEED, query={"force": "true"}).json == {"acknowledged": True}
    assert ml_state(airline).datafeeds.state_of("start-stop-datafeed-datafeed-1") == "stopped"


def test_a_datafeed_and_an_analytics_job_record_the_same_authorization():
    """XContentUtils.addAuthorizationInfo writes both: a service account by name, an API key without a
    name by its id alone, a user by its roles."""
    from mockserver.elasticsearch.ml import analytics, datafeeds
    from mockserver.security import Principal

    assert datafeeds.authorization_of is analytics.authorization_of
    of = datafeeds.authorization_of
    assert of(Principal("elastic/fleet-server", [], realm="_service_account")) == {
        "service_account": "elastic/fleet-server"
    }
    assert of(Principal("u", ["r"], api_key_id="k1")) == {"api_key": {"id": "k1"}}
    assert of(Principal("u", ["r"], api_key_id="k1", api_key_name="n")) == {"api_key": {"id": "k1", "name": "n"}}
    assert of(Principal("u", ["r1", "r2"])) == {"roles": ["r1", "r2"]}
    assert of(None) is None
