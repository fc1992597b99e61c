"""The blinder set: rectangles and windows blacked out exactly, windows followed, vanished windows dropped."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from capture.blinders import BlinderSet, Rect, clip


class FakeWindows:
    """A geometry source whose windows the test moves and closes."""

    def __init__(self) -> None:
        self.now: dict[int, Rect] = {}
        self.moves: dict[int, list[Rect]] = {}  # places passed through since the last ``places`` call

    def move(self, window_id: int, rect: Rect) -> None:
        self.moves.setdefault(window_id, []).append(rect)
        self.now[window_id] = rect

    def geometry(self, window_id: int) -> Rect | None:
        return self.now.get(window_id)

    def places(self, window_id: int) -> list[Rect] | None:
        if window_id not in self.now:
            return None
        return [*self.moves.pop(window_id, [])[:-1], self.now[window_id]]


def white(width: int = 64, height: int = 48) -> np.ndarray:
    return np.full((height, width, 4), 255, dtype=np.uint8)


def black_mask(frame: np.ndarray) -> np.ndarray:
    return (frame == 0).all(axis=2)


def test_apply_blacks_exactly_the_rectangle_and_reports_it() -> None:
    blinders = BlinderSet()
    blinders.add_rect((10, 5, 7, 3))
    frame = white()
    assert blinders.apply(frame) == [(10, 5, 7, 3)]
    expected = np.zeros((48, 64), dtype=bool)
    expected[5:8, 10:17] = True
    assert (black_mask(frame) == expected).all()
    assert (frame[~expected] == 255).all()


def test_rectangles_are_in_screen_coordinates_and_clipped_to_the_monitor() -> None:
    blinders = BlinderSet()
    blinders.add_rect((1900, 1000, 60, 80))  # straddles the second monitor's top-left corner at (1920, 1050)
    blinders.add_rect((0, 0, 50, 50))  # on the first monitor only
    frame = white()
    assert blinders.apply(frame, origin=(1920, 1050)) == [(0, 0, 40, 30)]
    assert black_mask(frame)[:30, :40].all() and black_mask(frame).sum() == 40 * 30


def test_clip_outside_the_frame_is_none() -> None:
    assert clip((100, 100, 10, 10), (0, 0), 64, 48) is None
    assert clip((-5, -5, 10, 10), (0, 0), 64, 48) == (0, 0, 5, 5)
    assert clip((60, 40, 10, 10), (0, 0), 64, 48) == (60, 40, 4, 8)


def test_empty_rectangles_are_refused() -> None:
    blinders = BlinderSet()
    assert blinders.add_rect((5, 5, 0, 10)) is None
    assert blinders.blinders() == [] and blinders.version == 0


def test_a_window_blinder_follows_its_window() -> None:
    windows = FakeWindows()
    windows.now[77] = (2, 3, 10, 10)
    blinders = BlinderSet(windows)
    assert blinders.add_window(77, "Bank") is not None
    frame = white()
    assert blinders.apply(frame) == [(2, 3, 10, 10)]
    windows.now[77] = (30, 20, 10, 10)
    frame = white()
    assert blinders.apply(frame) == [(30, 20, 10, 10)]
    assert black_mask(frame)[20:30, 30:40].all() and black_mask(frame).sum() == 100


def test_regions_looked_up_before_the_grab_are_blacked_too() -> None:
    windows = FakeWindows()
    windows.now[77] = (30, 20, 10, 10)
    blinders = BlinderSet(windows)
    blinders.add_window(77)
    frame = white()
    rects = blinders.apply(frame, also=[(2, 3, 10, 10)])
    assert rects == [(30, 20, 10, 10), (2, 3, 10, 10)]
    assert black_mask(frame).sum() == 200


def test_every_place_a_window_passed_through_since_the_last_sweep_is_blacked() -> None:
    windows = FakeWindows()
    windows.now[77] = (0, 0, 4, 4)
    blinders = BlinderSet(windows)
    blinders.add_window(77)
    assert blinders.sweep() == [(0, 0, 4, 4)]
    for x in (10, 20, 30):  # three moves between two frames
        windows.move(77, (x, 0, 4, 4))
    frame = white()
    assert blinders.regions() == [(30, 0, 4, 4)]  # what the outlines show: where it is now
    assert blinders.apply(frame) == [(10, 0, 4, 4), (20, 0, 4, 4), (30, 0, 4, 4)]
    assert black_mask(frame).sum() == 48
    assert blinders.sweep() == [(30, 0, 4, 4)]  # the history was used up


def test_a_window_that_disappears_loses_its_blinder() -> None:
    windows = FakeWindows()
    windows.now[77] = (2, 3, 10, 10)
    blinders = BlinderSet(windows)
    blinder_id = blinders.add_window(77)
    version = blinders.version
    del windows.now[77]
    frame = white()
    assert blinders.apply(frame) == []
    assert not black_mask(frame).any()
    assert blinder_id not in [b.blinder_id for b in blinders.blinders()]
    assert blinders.version != version


def test_a_window_that_does_not_exist_or_cannot_be_followed_is_refused() -> None:
    assert BlinderSet(FakeWindows()).add_window(5) is None
    assert BlinderSet().add_window(5) is None


def test_a_window_of_no_size_hides_nothing_but_keeps_its_blinder() -> None:
    windows = FakeWindows()
    windows.now[77] = (2, 3, 0, 0)
    blinders = BlinderSet(windows)
    assert blinders.add_window(77) is not None
    frame = white()
    assert blinders.apply(frame) == []
    assert len(blinders.blinders()) == 1


def test_remove_and_clear_change_the_version() -> None:
    blinders = BlinderSet()
    first = blinders.add_rect((0, 0, 5, 5))
    blinders.add_rect((10, 10, 5, 5))
    version = blinders.version
    assert first is not None
    blinders.remove(first)
    assert blinders.version == version + 1 and [b.rect for b in blinders.blinders()] == [(10, 10, 5, 5)]
    blinders.remove(first)  # unknown now: nothing changes
    assert blinders.version == version + 1
    blinders.clear()
    assert blinders.blinders() == [] and blinders.version == version + 2


def test_the_set_is_safe_to_change_while_another_thread_applies_it() -> None:
    blinders = BlinderSet()
    blinders.add_rect((0, 0, 8, 8))
    stop = threading.Event()
    errors: list[BaseException] = []

    def churn() -> None:
        while not stop.is_set():
            blinder_id = blinders.add_rect((20, 20, 4, 4))
            if blinder_id is not None:
                blinders.remove(blinder_id)

    worker = threading.Thread(target=churn)
    worker.start()
    try:
        for _ in range(2000):
            frame = white()
            blinders.apply(frame)
            if not black_mask(frame)[:8, :8].all():
                errors.append(AssertionError("the fixed blinder was not applied"))
    finally:
        stop.set()
        worker.join()
    assert errors == []


@pytest.mark.parametrize("rect", [(0, 0, 64, 48), (63, 47, 1, 1), (-10, -10, 200, 200)])
def test_edges_are_covered(rect: Rect) -> None:
    blinders = BlinderSet()
    blinders.add_rect(rect)
    frame = white()
    blinders.apply(frame)
    x, y, w, h = clip(rect, (0, 0), 64, 48) or (0, 0, 0, 0)
    assert black_mask(frame)[y : y + h, x : x + w].all()
    assert black_mask(frame).sum() == w * h
