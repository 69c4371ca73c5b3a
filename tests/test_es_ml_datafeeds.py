"""Elasticsearch's ML APIs over HTTP: datafeeds."""

from __future__ import annotations

import pytest
from conftest import es_error
from ml_bodies import put_job


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
