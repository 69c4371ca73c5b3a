"""Elasticsearch's ML APIs over HTTP: GET _ml/info (ml_info.yml)."""

from __future__ import annotations

import re


def test_ml_info_defaults_and_limits(http):
    info = http.get("/_ml/info").json
    assert list(info) == ["defaults", "upgrade_mode", "native_code", "limits"]
    detectors = info["defaults"]["anomaly_detectors"]
    assert detectors["categorization_analyzer"]["tokenizer"] == "ml_standard"
    assert detectors["categorization_analyzer"]["char_filter"] == ["first_line_with_letters"]
    assert {k: v for k, v in detectors.items() if k != "categorization_analyzer"} == {
        "model_memory_limit": "1gb",
        "categorization_examples_limit": 4,
        "model_snapshot_retention_days": 10,
        "daily_model_snapshot_retention_after_days": 1,
    }
    assert info["defaults"]["datafeeds"] == {"scroll_size": 1000}
    assert "max_model_memory_limit" not in info["limits"]
    assert re.fullmatch(r"\d+[kmg]?b", info["limits"]["effective_max_model_memory_limit"])
    assert re.fullmatch(r"\d+mb", info["limits"]["total_ml_memory"])
    assert info["upgrade_mode"] is False
    assert info["native_code"]["version"] == "9.6.0"


def test_ml_info_under_a_max_model_memory_limit(http):
    """xpack.ml.max_model_memory_limit (the cluster setting, ml_info.yml): a default above it comes down to
    it, the limit is shown as given, and the effective limit never passes it; a reset removes it."""

    def info_under(limit):
        assert (
            http.put("/_cluster/settings", json={"persistent": {"xpack.ml.max_model_memory_limit": limit}}).status
            == 200
        )
        return http.get("/_ml/info").json

    info = info_under("512mb")
    assert info["defaults"]["anomaly_detectors"]["model_memory_limit"] == "512mb"
    assert info["limits"]["max_model_memory_limit"] == "512mb"
    assert info["limits"]["effective_max_model_memory_limit"] == "512mb"
    info = info_under("6gb")
    assert info["defaults"]["anomaly_detectors"]["model_memory_limit"] == "1gb"
    assert info["limits"]["max_model_memory_limit"] == "6gb"
    assert re.fullmatch(r"\d+[kmg]?b", info["limits"]["effective_max_model_memory_limit"])
    info = info_under("1mb")
    assert info["defaults"]["anomaly_detectors"]["model_memory_limit"] == "1mb"
    assert info["limits"]["effective_max_model_memory_limit"] == "1mb"
    info = info_under("9g")  # getStringRep names the unit in full
    assert info["limits"]["max_model_memory_limit"] == "9gb"
    info = info_under(None)
    assert "max_model_memory_limit" not in info["limits"]
    assert info["defaults"]["anomaly_detectors"]["model_memory_limit"] == "1gb"


def test_ml_info_follows_the_release(tmp_path):
    from conftest import fixture_app

    http = fixture_app(tmp_path, {"elasticsearch": {"settings": {"version": "7.17.20"}}})
    info = http.get("/_ml/info").json
    assert info["native_code"]["version"] == "7.17.20"
    assert "total_ml_processors" not in info["limits"]


def test_an_answer_edited_in_place_changes_no_other(http):
    """The defaults and the node an answer shows are copies: editing one answer corrupts no other."""
    from mockserver.elasticsearch.ml.common import ml_node
    from mockserver.elasticsearch.ml.datafeeds import default_indices_options
    from mockserver.elasticsearch.ml.info import date_words_filter
    from mockserver.elasticsearch.ml.jobs import standard_categorization_analyzer

    default_indices_options()["expand_wildcards"].append("closed")
    assert default_indices_options()["expand_wildcards"] == ["open"]
    standard_categorization_analyzer(None)["filter"][0]["stopwords"].clear()
    date_words_filter()["stopwords"].clear()
    assert len(standard_categorization_analyzer(None)["filter"][0]["stopwords"]) == 40
    assert date_words_filter()["stopwords"][-2:] == ["GMT", "UTC"]
    ml_node()["attributes"].clear()
    assert ml_node()["attributes"]["ml.allocated_processors"] == "2"
