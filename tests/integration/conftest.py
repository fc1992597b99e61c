"""Integration fixtures: the real server (from server_fixture) and the databases it runs on.

Tests that take ``database_url`` (a fresh database per test) or ``module_database_url`` (one per module)
run twice, ids ``[sqlite]`` and ``[postgresql]``: None means the server's default SQLite file under its
data directory, otherwise the URL of a new database in the session's private PostgreSQL cluster
(tests/integration/postgres.py), started only when a PostgreSQL test runs and always stopped at the end.
Pass it to the server with ``database_env(url)``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.postgres import PostgresCluster, running_cluster
from tests.integration.server_fixture import ferry_server, ferry_server_factory  # noqa: F401

DATABASES = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """The session's private PostgreSQL cluster (skips when the binaries are not installed)."""
    with running_cluster() as cluster:
        yield cluster


@pytest.fixture(scope="module", params=DATABASES)
def database_backend(request: pytest.FixtureRequest) -> str:
    """``"sqlite"`` or ``"postgresql"``: module-scoped so a module's tests are grouped by database."""
    return str(request.param)


def _new_database_url(request: pytest.FixtureRequest, backend: str) -> str | None:
    if backend == "sqlite":
        return None
    cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
    return cluster.create_database()


@pytest.fixture(scope="module")
def module_database_url(request: pytest.FixtureRequest, database_backend: str) -> str | None:
    """None (SQLite) or the URL of a fresh PostgreSQL database shared by the module's tests."""
    return _new_database_url(request, database_backend)


@pytest.fixture()
def database_url(request: pytest.FixtureRequest, database_backend: str) -> str | None:
    """None (SQLite) or the URL of a fresh PostgreSQL database for this test."""
    return _new_database_url(request, database_backend)
