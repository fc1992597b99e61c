"""The agent's files: a PNG equal to the decoded frame, an MP4 of the received packets (checked with PyAV)."""

from __future__ import annotations

import threading
from pathlib import Path

import av
import numpy as np
import pytest
from PySide6.QtGui import QImage

from capture.encoder import H264Encoder
from protocol.messages import VideoFrame
from viewer import recording
from viewer.recording import AgentRecording, pictures_folder, recordings_folder, save_png

W, H = 320, 240
MS = 1_000_000
T0 = 7_000 * MS  # the host's capture clock: not the viewer's, not starting at zero


def picture(step: int) -> np.ndarray:
    image = np.zeros((H, W, 4), dtype=np.uint8)
    image[..., 1] = (step * 31) % 256
    image[40:80, (step * 9) % 200 : (step * 9) % 200 + 40, :3] = 255
    return image


def video_frames(count: int, times_ms: list[int]) -> list[VideoFrame]:
    encoder = H264Encoder(W, H)
    frames = []
    for step, t in enumerate(times_ms[:count]):
        packet = encoder.encode(picture(step))
        frames.append(VideoFrame(step, packet.keyframe, W, H, T0 + t * MS, packet.data))
    return frames


def png_pixels(path: Path) -> np.ndarray:
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width() * 3].reshape(image.height(), image.width(), 3).copy()


class Clock:
    """The viewer's monotonic clock, set by hand."""

    def __init__(self) -> None:
        self.now = 123 * MS

    def __call__(self) -> int:
        return self.now


class Done:
    def __init__(self) -> None:
        self.event = threading.Event()
        self.files: list[Path] = []
        self.reason = ""

    def __call__(self, files: list[Path], reason: str) -> None:
        self.files, self.reason = files, reason
        self.event.set()


def test_a_screen_save_is_the_decoded_frame_pixel_for_pixel(tmp_path: Path) -> None:
    frame = np.random.default_rng(1).integers(0, 256, (90, 160, 4), dtype=np.uint8)
    frame[10:30, 20:60, :3] = 0  # a blinded area: black as the host sent it
    path = save_png(frame, tmp_path / "new folder", "Ferry screen 2026-11-26 10-00-00")
    assert path == tmp_path / "new folder" / "Ferry screen 2026-11-26 10-00-00.png"
    assert np.array_equal(png_pixels(path), frame[..., 2::-1])  # BGRA -> RGB, the 4th byte dropped
    assert list(path.parent.iterdir()) == [path]  # no .part left behind


def test_a_second_save_with_the_same_name_never_replaces_the_first(tmp_path: Path) -> None:
    first = save_png(np.zeros((4, 4, 4), dtype=np.uint8), tmp_path, "same")
    second = save_png(np.full((4, 4, 4), 200, dtype=np.uint8), tmp_path, "same")
    assert (first.name, second.name) == ("same.png", "same (2).png")
    assert png_pixels(first).max() == 0 and png_pixels(second).min() == 200


def test_an_unwritable_folder_says_where_and_what_to_check(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(recording.ViewerFileError, match="writable"):
        save_png(np.zeros((4, 4, 4), dtype=np.uint8), blocker / "sub", "x")


def test_folders_follow_recording_path_and_the_overrides(tmp_path: Path) -> None:
    assert recordings_folder(f"  {tmp_path}  ") == tmp_path
    assert recordings_folder("", {"FERRY_VIEWER_VIDEOS": "/v"}) == Path("/v")
    assert pictures_folder({"FERRY_VIEWER_PICTURES": "/p"}) == Path("/p")
    assert pictures_folder({}).name == "Ferry" and recordings_folder("", {}).name == "Ferry"


def test_a_recording_holds_every_packet_from_the_first_keyframe_at_the_hosts_times(tmp_path: Path) -> None:
    times = [0, 40, 95, 400, 433, 1000]
    frames = video_frames(len(times), times)
    clock, done = Clock(), Done()
    rec = AgentRecording(tmp_path, "Ferry recording", done, clock)
    late = VideoFrame(99, False, W, H, T0, frames[1].data)  # a P-frame before any keyframe: not recordable
    rec.on_packet(late)
    rec.on_packet(VideoFrame(98, True, W, H, T0, b"still", codec="jpeg"))  # screenshot mode: left out
    for frame in frames:
        rec.on_packet(frame)
    clock.now += 250 * MS  # the agent stops 250 ms after the last packet arrived
    rec.stop()
    assert done.event.wait(10) and done.reason == ""
    assert done.files == [tmp_path / "Ferry recording.mp4"] and rec.frames_written == len(times)
    with av.open(str(done.files[0])) as container:
        stream = container.streams.video[0]
        decoded = list(container.decode(stream))
        assert stream.duration is not None and stream.time_base is not None
        duration = float(stream.duration * stream.time_base)
    assert len(decoded) == len(times)
    assert [round(float(f.time or 0) * 1000) for f in decoded] == times
    assert duration == pytest.approx(1.25, abs=0.002)
    assert not list(tmp_path.glob("*.part"))


def test_while_recording_the_file_is_partial_and_nothing_exists_before_a_keyframe(tmp_path: Path) -> None:
    frames = video_frames(3, [0, 40, 80])
    done = Done()
    rec = AgentRecording(tmp_path, "r", done)
    rec.on_packet(VideoFrame(0, False, W, H, T0, frames[1].data))
    rec.on_packet(frames[0])
    rec.on_packet(frames[1])
    wait = threading.Event()
    while rec.frames_written < 2 and not wait.wait(0.01):
        pass
    assert [p.name for p in tmp_path.iterdir()] == ["r.mp4.part"]
    rec.stop()
    rec.on_packet(frames[2])  # after stop: ignored
    assert done.event.wait(10) and [p.name for p in done.files] == ["r.mp4"]
    assert rec.frames_written == 2


def test_a_folder_that_cannot_be_made_stops_the_recording_with_a_reason(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    done = Done()
    rec = AgentRecording(blocker / "videos", "r", done)
    rec.on_packet(video_frames(1, [0])[0])
    assert done.event.wait(10)
    assert done.files == [] and "writable" in done.reason and str(blocker / "videos") in done.reason
    rec.stop()  # harmless afterwards


def test_a_disk_that_cannot_keep_up_stops_the_recording_instead_of_losing_frames(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recording, "QUEUE_LIMIT", 0)  # every packet overflows at once
    done = Done()
    rec = AgentRecording(tmp_path, "r", done)
    rec.on_packet(video_frames(1, [0])[0])
    assert done.event.wait(10)
    assert "could not keep up" in done.reason and done.files == []
