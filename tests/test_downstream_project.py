"""A downstream repository's suite (``downstream_project/``: its own Flask service and pytest-flask
fixtures, the official client, pytest-xdist), run in a subprocess against the installed package: every
fixture and marker works with the service's own, and what the plugin refuses fails the test that did
it, naming what is wrong."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

PROJECT = Path(__file__).parent / "downstream_project"


@pytest.mark.ci_only
def test_a_downstream_suite_uses_every_fixture_and_marker(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project)
    report = tmp_path / "report.xml"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", f"--junitxml={report}"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    outcomes = {}
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        problem = next((child for child in case if child.tag in ("failure", "error")), None)
        outcomes[case.get("name")] = (
            (problem.tag, problem.get("message", "") + (problem.text or "")) if problem is not None else ("passed", "")
        )
    passing = [name for name, (outcome, _) in outcomes.items() if outcome == "passed"]
    assert sorted(passing) == sorted(
        [
            "test_the_service_starts_a_full_sync",
            "test_the_service_rides_out_two_503s",
            "test_per_test_state_from_a_file_and_a_dict",
            "test_the_in_process_client_is_authenticated",
            "test_the_official_client_with_the_live_servers_credentials",
            "test_state_seeded_by_a_fixture_survives_the_other_fixtures",
        ]
    ), run.stdout[-3000:]
    expected = {
        "test_calls_what_the_mock_does_not_serve": ("failure", "GET /api/status -> 404 (no route)"),
        "test_a_fault_with_positional_arguments": ("error", "takes keyword arguments only"),
        "test_a_marker_without_a_mockserver_fixture": ("error", "asks for mockserver_client or mockserver_live"),
        "test_state_that_is_not_a_fixture": ("error", "not 42 (int)"),
        "test_a_fault_for_a_product_not_served": ("error", "product [elastic] is not one this app serves"),
    }
    for name, (outcome, words) in expected.items():
        assert outcomes[name][0] == outcome and words in outcomes[name][1], (name, outcomes[name])
    assert run.returncode == 1
