"""Shared fixtures: private Xvfb displays, a fresh environment per test.

The test process's own Qt application lives on a private Xvfb display started in
pytest_configure (before pytest-qt creates the QApplication); tests that need a
customer's desktop take the ``xvfb`` fixture for another, fresh display.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator

import pytest

from tests.xvfb import XvfbDisplay, start_xvfb

_QT_DISPLAY: list[XvfbDisplay] = []


def pytest_configure(config: pytest.Config) -> None:
    os.environ["LANG"] = "C.UTF-8"
    display = start_xvfb()
    _QT_DISPLAY.append(display)
    os.environ["DISPLAY"] = display.name
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    os.environ.pop("WAYLAND_DISPLAY", None)


def pytest_unconfigure(config: pytest.Config) -> None:
    while _QT_DISPLAY:
        _QT_DISPLAY.pop().stop()


@pytest.fixture(scope="session")
def qt_display() -> XvfbDisplay:
    """The display the test process's QApplication is on."""
    return _QT_DISPLAY[0]


@pytest.fixture()
def xvfb() -> Iterator[XvfbDisplay]:
    """A fresh 1920x1080x24 Xvfb display for one test (not the Qt one)."""
    display = start_xvfb()
    yield display
    display.stop()


QT_FIXTURES = frozenset({"qtbot", "qapp", "qt_display"})


@pytest.fixture(autouse=True)
def _garbage_collected_on_the_main_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    """Collect each test's cyclic garbage on the main thread when the test ends.

    Left to itself, the collector runs on whichever thread allocates next; a Qt widget among the garbage
    is then destroyed on a worker thread, and QWidget's destructor waits for the GUI thread to process
    window events: a later test that keeps the main thread in an asyncio loop while a worker thread
    collects deadlocks (seen: a login request's thread stuck in ~QWidget). Only tests that made Qt objects
    pay for a full collection (about 0.15 s each).
    """
    yield
    if QT_FIXTURES.intersection(request.fixturenames):
        gc.collect()
