"""DamageDetector: unchanged frames cost one comparison; a change is found with its bounding box."""

from __future__ import annotations

import numpy as np
import pytest

from capture.damage import DamageDetector, DirtyRect
from capture.errors import CaptureError

W, H = 1920, 1080


def frame(value: int = 30) -> np.ndarray:
    return np.full((H, W, 4), value, dtype=np.uint8)


def committed(image: np.ndarray) -> DamageDetector:
    detector = DamageDetector(W, H)
    detector.commit(image)
    return detector


def test_first_frame_is_entirely_dirty() -> None:
    assert DamageDetector(W, H).check(frame()) == DirtyRect(0, 0, W, H)


def test_unchanged_frame_has_no_damage() -> None:
    detector = committed(frame())
    assert detector.check(frame()) is None


def test_one_changed_pixel_is_found_with_its_bbox() -> None:
    detector = committed(frame())
    changed = frame()
    changed[700, 1234, 1] += 1
    assert detector.check(changed) == DirtyRect(1234, 700, 1, 1)


def test_bbox_spans_every_changed_pixel() -> None:
    detector = committed(frame())
    changed = frame()
    changed[10, 1919] = 0
    changed[1079, 5] = 0
    assert detector.check(changed) == DirtyRect(5, 10, 1915, 1070)


def test_a_change_not_committed_is_reported_again() -> None:
    detector = committed(frame(1))
    assert detector.check(frame(2)) == DirtyRect(0, 0, W, H)
    assert detector.check(frame(2)) == DirtyRect(0, 0, W, H)
    assert detector.update(frame(2)) == DirtyRect(0, 0, W, H)
    assert detector.check(frame(2)) is None


def test_reference_is_a_copy_not_the_callers_array() -> None:
    image = frame()
    detector = committed(image)
    image[0, 0, 0] = 99
    assert detector.check(image) == DirtyRect(0, 0, 1, 1)


def test_reset_makes_the_next_frame_entirely_dirty() -> None:
    detector = committed(frame())
    detector.reset()
    assert detector.check(frame()) == DirtyRect(0, 0, W, H)


def test_non_contiguous_frames_are_compared_correctly() -> None:
    big = np.full((H, W * 2, 4), 30, dtype=np.uint8)
    view = big[:, ::2]
    detector = committed(frame())
    assert detector.check(view) is None
    big[3, 8, 2] = 0
    assert detector.check(view) == DirtyRect(4, 3, 1, 1)


def test_wrong_shape_is_refused() -> None:
    with pytest.raises(CaptureError, match="new detector"):
        DamageDetector(W, H).check(np.zeros((H, W, 3), dtype=np.uint8))


def test_changed_answers_like_check_without_a_bounding_box() -> None:
    image = frame()
    assert DamageDetector(W, H).changed(image)  # nothing committed yet
    detector = committed(image)
    assert not detector.changed(frame())
    moved = frame()
    moved[H - 1, W - 1, 0] = 0
    assert detector.changed(moved)
    big = np.full((H, W * 2, 4), 30, dtype=np.uint8)
    assert not detector.changed(big[:, ::2])  # a non-contiguous view compares by value
    big[0, 0, 1] = 1
    assert detector.changed(big[:, ::2])
