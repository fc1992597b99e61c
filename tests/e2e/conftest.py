"""Fixtures for whole sessions: the real server on a loopback port, the probe window."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.xvfb import XvfbDisplay
from tools.harness import Child, display_env, python_module
from tools.server_process import RunningServer, running_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """ferry-server on 127.0.0.1 with a fresh SQLite database and the demo agent."""
    with running_server(tmp_path_factory.mktemp("ferry") / "data") as running:
        yield running


@pytest.fixture()
def probe(xvfb: XvfbDisplay) -> Iterator[Child]:
    """The probe window (tests/apps/probe_window.py) on the customer's display, once it is shown."""
    child = Child("probe", python_module("tests.apps.probe_window"), env=display_env(xvfb.name), stdin=True)
    child.wait_event("ready", timeout=30)
    yield child
    child.stop()
