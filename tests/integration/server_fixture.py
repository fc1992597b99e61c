"""pytest fixtures for the real Ferry server (see tools/server_process.py for the process itself).

    from tests.integration.server_fixture import ferry_server, ferry_server_factory  # noqa: F401

``ferry_server`` is one server per test session; ``ferry_server_factory(env={...}, args=[...])`` starts
fresh servers (own data directory) for one test and stops them afterwards.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tools.server_process import REPO_ROOT, RunningServer, ServerStartError, running_server, start_server

__all__ = ["REPO_ROOT", "RunningServer", "ServerStartError", "ferry_server", "ferry_server_factory",
           "running_server", "start_server", "wait_until"]


def wait_until(condition: Callable[[], bool], timeout: float = 5.0, interval: float = 0.05) -> bool:
    """Poll ``condition`` until it is true or ``timeout`` passes; its last value."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(interval)
    return True


@pytest.fixture(scope="session")
def ferry_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """One Ferry server (demo agent seeded) for the whole test session."""
    with running_server(tmp_path_factory.mktemp("ferry-server") / "data") as server:
        yield server


@pytest.fixture()
def ferry_server_factory(tmp_path: Path) -> Iterator[Callable[..., RunningServer]]:
    """``factory(env=..., args=..., data_dir=...)`` starts a fresh server; all are stopped after the test."""
    started: list[RunningServer] = []

    def factory(data_dir: Path | None = None, **kwargs: Any) -> RunningServer:
        server = start_server(data_dir or tmp_path / f"ferry-{len(started)}", **kwargs)
        started.append(server)
        return server

    yield factory
    for server in started:
        server.stop()
