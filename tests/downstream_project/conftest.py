import pytest
from service import create_service


@pytest.fixture
def app(mockserver_live):
    """The project's own app, under pytest-flask's name (its ``client`` fixture stays theirs)."""
    return create_service(mockserver_live.url, mockserver_live.auth)


@pytest.fixture(scope="session")
def es_url(mockserver_live_session):
    """A session fixture of the project's own, on the session's server."""
    return mockserver_live_session.url
