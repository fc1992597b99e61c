"""Capture a known pattern from a private Xvfb display, and send it through H.264 and back.

A subprocess paints four coloured quadrants full-screen on the ``xvfb`` display; the test
process's own DISPLAY (its Qt display) stays untouched, which also shows that ScreenGrabber
captures the display it is given, not $DISPLAY.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import numpy as np
import pytest

from capture.damage import DamageDetector
from capture.encoder import H264Encoder
from capture.errors import ScreenUnavailableError
from capture.screen import ScreenGrabber
from tests.xvfb import XvfbDisplay, start_xvfb
from viewer.decoder import H264Decoder

pytestmark = pytest.mark.e2e

QUADRANTS = [(220, 30, 30), (30, 200, 60), (40, 60, 230), (250, 250, 250)]  # RGB: TL, TR, BL, BR
PATTERN_APP = f"""
import sys
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QApplication, QWidget

class Pattern(QWidget):
    def paintEvent(self, event):
        painter = QPainter(self)
        w, h = self.width() // 2, self.height() // 2
        for i, rgb in enumerate({QUADRANTS!r}):
            painter.fillRect((i % 2) * w, (i // 2) * h, w, h, QColor(*rgb))
        painter.end()

app = QApplication(sys.argv[:1])
window = Pattern()
window.setWindowFlag(Qt.WindowType.FramelessWindowHint)
window.setGeometry(0, 0, 1920, 1080)
window.show()
sys.exit(app.exec())
"""
CENTRES = [(480, 270), (1440, 270), (480, 810), (1440, 810)]  # (x, y) of each quadrant's centre


@pytest.fixture()
def pattern(xvfb: XvfbDisplay) -> Iterator[XvfbDisplay]:
    """The xvfb display with the pattern window on it."""
    process = subprocess.Popen([sys.executable, "-c", PATTERN_APP], env=xvfb.env(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        yield xvfb
    finally:
        process.terminate()
        process.wait(timeout=10)


def wait_for(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(0.05)


def rgb_at(image: np.ndarray, x: int, y: int) -> tuple[int, int, int]:
    b, g, r = (int(v) for v in image[y, x, :3])
    return r, g, b


def shows_pattern(image: np.ndarray, tolerance: int = 0) -> bool:
    return all(
        max(abs(a - b) for a, b in zip(rgb_at(image, x, y), rgb, strict=True)) <= tolerance
        for (x, y), rgb in zip(CENTRES, QUADRANTS, strict=True)
    )


def test_grabber_captures_the_given_display_not_dollar_display(pattern: XvfbDisplay) -> None:
    assert os.environ["DISPLAY"] != pattern.name
    with ScreenGrabber(pattern.name) as grabber:
        assert grabber.size == (1920, 1080)
        assert [(m.index, m.width, m.height) for m in grabber.monitors()] == [(1, 1920, 1080)]
        wait_for(lambda: shows_pattern(grabber.grab()))
        image = grabber.grab()
    assert image.shape == (1080, 1920, 4) and image.dtype == np.uint8 and image.flags.c_contiguous
    assert os.environ["DISPLAY"] != pattern.name


def test_damage_is_found_between_grabs_of_a_still_screen(pattern: XvfbDisplay) -> None:
    with ScreenGrabber(pattern.name) as grabber:
        wait_for(lambda: shows_pattern(grabber.grab()))
        detector = DamageDetector(*grabber.size)
        assert detector.update(grabber.grab()) is not None
        assert detector.check(grabber.grab()) is None


def test_captured_pattern_survives_h264(pattern: XvfbDisplay) -> None:
    with ScreenGrabber(pattern.name) as grabber:
        wait_for(lambda: shows_pattern(grabber.grab()))
        image = grabber.grab()
    picture = H264Decoder().decode(H264Encoder(1920, 1080).encode(image).data)
    assert picture is not None
    assert shows_pattern(picture, tolerance=8)


def test_a_missing_display_is_a_capture_error() -> None:
    with pytest.raises(ScreenUnavailableError, match=":987"):
        ScreenGrabber(":987")


def test_a_missing_monitor_is_a_capture_error(xvfb: XvfbDisplay) -> None:
    with pytest.raises(ScreenUnavailableError, match="Monitor 2 does not exist"):
        ScreenGrabber(xvfb.name, monitor=2)


def test_a_depth_16_screen_is_refused_with_the_reason() -> None:
    display = start_xvfb(depth=16)
    try:
        with pytest.raises(ScreenUnavailableError, match="depth"):
            ScreenGrabber(display.name)
    finally:
        display.stop()
