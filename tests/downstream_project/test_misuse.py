"""What the plugin refuses: each of these is expected to fail, naming what is wrong."""

import pytest


def test_calls_what_the_mock_does_not_serve(mockserver_client):
    assert mockserver_client.get("/api/status").status_code == 404  # Kibana's answer: the test still fails


@pytest.mark.mockserver_fault("elasticsearch", 503)
def test_a_fault_with_positional_arguments(mockserver_client):
    pass


@pytest.mark.mockserver_state({"elasticsearch": {}})
def test_a_marker_without_a_mockserver_fixture():
    pass


@pytest.mark.mockserver_state(42)
def test_state_that_is_not_a_fixture(mockserver_client):
    pass


@pytest.mark.mockserver_fault(product="elastic", status=503)
def test_a_fault_for_a_product_not_served(mockserver_client):
    pass
