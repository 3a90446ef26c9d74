import pytest

from tests.live import Database, LiveFelt, base_env


@pytest.fixture(scope="session")
def live_database(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("live")
    database = Database(workdir)
    database.make_template(base_env(workdir))
    yield database
    database.drop_all()


@pytest.fixture
def live_felt(live_database, tmp_path):
    """Start a Felt server process: `live_felt(minute_seconds=...)`; stopped after the test."""
    servers = []

    def start(**options):
        server = LiveFelt(live_database, tmp_path, **options)
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
