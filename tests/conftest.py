"""Shared fixtures: private Xvfb displays, a fresh environment per test.

The test process's own Qt application lives on a private Xvfb display started in
pytest_configure (before pytest-qt creates the QApplication); tests that need a
customer's desktop take the ``xvfb`` fixture for another, fresh display.
"""

from __future__ import annotations

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
