"""Mp4Recorder with real H.264 packets from H264Encoder, checked by reopening the MP4 with PyAV."""

from __future__ import annotations

import gc
import threading
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from capture.encoder import EncodedFrame, H264Encoder
from transport.recording import Mp4Recorder, RecordingError, unique_path

W, H = 320, 240
MS = 1_000_000
T0 = 5_000 * MS  # timestamps are any monotonic clock: not starting at zero on purpose


def picture(step: int, width: int = W, height: int = H) -> np.ndarray:
    """A BGRA frame whose colour and bar position change with ``step``."""
    image = np.zeros((height, width, 4), dtype=np.uint8)
    image[..., 0] = (step * 23) % 256
    image[..., 1] = np.linspace(0, 255, width, dtype=np.uint8)[None, :]
    x = (step * 17) % (width - 32)
    image[height // 2 : height // 2 + 32, x : x + 32, :3] = 255
    return image


def packets(count: int, width: int = W, height: int = H, encoder: H264Encoder | None = None) -> list[EncodedFrame]:
    encoder = encoder or H264Encoder(width, height)
    return [encoder.encode(picture(step, width, height)) for step in range(count)]


def feed(recorder: Mp4Recorder, frames: list[EncodedFrame], times_ms: list[int]) -> list[bool]:
    pairs = zip(frames, times_ms, strict=True)
    return [recorder.write(f.data, f.keyframe, T0 + t * MS, f.width, f.height) for f, t in pairs]


def reopen(path: Path) -> tuple[list[av.VideoFrame], float, tuple[int, int]]:
    """Every decoded frame, the stream's duration in seconds and its size."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.duration is not None and stream.time_base is not None
        duration = float(stream.duration * stream.time_base)
        frames = list(container.decode(stream))
        return frames, duration, (stream.codec_context.width, stream.codec_context.height)


def test_the_mp4_has_every_frame_at_its_real_time_and_the_right_duration(tmp_path: Path) -> None:
    times = [0, 40, 90, 400, 410, 1200, 1233, 2000]  # variable frame rate: only changed frames come
    recorder = Mp4Recorder(tmp_path / "session.mp4")
    assert all(feed(recorder, packets(len(times)), times))
    files = recorder.close(end_ns=T0 + 2500 * MS)
    assert files == [tmp_path / "session.mp4"]
    frames, duration, size = reopen(files[0])
    assert len(frames) == len(times)
    assert duration == pytest.approx(2.5, abs=0.001)
    assert [round(float(f.time) * 1000) for f in frames] == times
    assert size == (W, H)
    assert frames[0].key_frame
    assert [f.key_frame for f in frames[1:]] == [False] * (len(times) - 1)


def test_the_recorded_pixels_are_the_encoded_ones(tmp_path: Path) -> None:
    recorder = Mp4Recorder(tmp_path / "pixels.mp4")
    feed(recorder, packets(3), [0, 100, 200])
    frames, _, _ = reopen(recorder.close(end_ns=T0 + 300 * MS)[0])
    source = picture(2)[..., :3].astype(np.int16)
    decoded = frames[2].to_ndarray(format="bgr24").astype(np.int16)
    assert float(np.abs(decoded - source).mean()) < 4.0


def test_the_file_is_a_part_file_while_open_and_final_after_close(tmp_path: Path) -> None:
    final, part = tmp_path / "open.mp4", tmp_path / "open.mp4.part"
    recorder = Mp4Recorder(final)
    feed(recorder, packets(4), [0, 30, 60, 90])
    assert part.exists() and not final.exists()
    assert recorder.part_path == part
    recorder.close(end_ns=T0 + 120 * MS)
    assert final.exists() and not part.exists()
    assert list(tmp_path.iterdir()) == [final]


def test_packets_before_the_first_keyframe_are_dropped(tmp_path: Path) -> None:
    encoder = H264Encoder(W, H)
    early = packets(5, encoder=encoder)[1:]  # joined mid-stream: four P-frames
    encoder.request_keyframe()
    late = [encoder.encode(picture(step)) for step in range(5, 8)]
    recorder = Mp4Recorder(tmp_path / "late.mp4")
    assert feed(recorder, early, [0, 10, 20, 30]) == [False] * 4
    assert not list(tmp_path.iterdir())  # nothing on disk before the keyframe
    assert feed(recorder, late, [40, 80, 120]) == [True] * 3
    frames, duration, _ = reopen(recorder.close(end_ns=T0 + 200 * MS)[0])
    assert len(frames) == 3 and frames[0].key_frame
    assert recorder.dropped == 4
    assert duration == pytest.approx(0.160, abs=0.001)  # from the keyframe (40 ms) to the end (200 ms)


def test_closing_before_any_keyframe_leaves_no_file(tmp_path: Path) -> None:
    recorder = Mp4Recorder(tmp_path / "nothing.mp4")
    feed(recorder, packets(3)[1:], [0, 10])
    assert recorder.close() == []
    assert not list(tmp_path.iterdir())


def test_a_size_change_starts_a_new_file(tmp_path: Path) -> None:
    recorder = Mp4Recorder(tmp_path / "resized.mp4")
    feed(recorder, packets(3), [0, 50, 100])
    feed(recorder, packets(4, 640, 360), [150, 200, 250, 300])
    files = recorder.close(end_ns=T0 + 400 * MS)
    assert files == [tmp_path / "resized.mp4", tmp_path / "resized (2).mp4"]
    first, first_duration, first_size = reopen(files[0])
    second, second_duration, second_size = reopen(files[1])
    assert (len(first), first_size) == (3, (W, H)) and first_duration == pytest.approx(0.150, abs=0.001)
    assert (len(second), second_size) == (4, (640, 360)) and second_duration == pytest.approx(0.250, abs=0.001)
    assert second[0].key_frame


def test_an_existing_recording_is_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / "kept.mp4").write_bytes(b"the customer's earlier recording")
    (tmp_path / "kept (2).mp4.part").write_bytes(b"left by a crash")
    assert unique_path(tmp_path / "kept.mp4") == tmp_path / "kept (3).mp4"
    recorder = Mp4Recorder(tmp_path / "kept.mp4")
    feed(recorder, packets(2), [0, 40])
    assert recorder.close() == [tmp_path / "kept (3).mp4"]
    assert (tmp_path / "kept.mp4").read_bytes() == b"the customer's earlier recording"


def test_timestamps_that_do_not_move_forward_still_make_a_valid_file(tmp_path: Path) -> None:
    recorder = Mp4Recorder(tmp_path / "same.mp4")
    feed(recorder, packets(4), [0, 20, 20, 10])
    frames, _, _ = reopen(recorder.close(end_ns=T0 + 100 * MS)[0])
    assert len(frames) == 4
    pts = [f.pts or 0 for f in frames]
    assert pts == sorted(set(pts))  # strictly increasing


def test_a_recorder_never_closed_leaves_only_a_part_file(tmp_path: Path) -> None:
    recorder = Mp4Recorder(tmp_path / "crashed.mp4")
    feed(recorder, packets(3), [0, 30, 60])
    del recorder
    gc.collect()
    assert [p.name for p in tmp_path.iterdir()] == ["crashed.mp4.part"]


def test_an_unwritable_folder_raises_a_recording_error_and_stops(tmp_path: Path) -> None:
    recorder = Mp4Recorder(tmp_path / "missing" / "folder.mp4")
    frames = packets(2)
    with pytest.raises(RecordingError, match="writable"):
        recorder.write(frames[0].data, True, T0, W, H)
    assert recorder.closed
    assert not recorder.write(frames[1].data, False, T0 + 10 * MS, W, H)
    assert recorder.close() == []


def test_writes_from_the_video_thread_race_safely_with_close(tmp_path: Path) -> None:
    frames = packets(120)
    recorder = Mp4Recorder(tmp_path / "race.mp4")
    accepted: list[bool] = []
    halfway = threading.Event()

    def video_thread() -> None:
        for step, frame in enumerate(frames):
            accepted.append(recorder.write(frame.data, frame.keyframe, T0 + step * 5 * MS, W, H))
            if step == 40:
                halfway.set()

    thread = threading.Thread(target=video_thread)
    thread.start()
    assert halfway.wait(10)
    files = recorder.close()
    thread.join(10)
    decoded, _, _ = reopen(files[0])
    assert len(decoded) == sum(accepted) >= 41
    assert not any(accepted[len(decoded):])


def test_the_time_base_is_the_mp4_video_clock(tmp_path: Path) -> None:
    recorder = Mp4Recorder(tmp_path / "clock.mp4")
    feed(recorder, packets(2), [0, 33])
    with av.open(str(recorder.close(end_ns=T0 + 66 * MS)[0])) as container:
        assert container.streams.video[0].time_base == Fraction(1, 90_000)
        assert container.streams.video[0].codec_context.name == "h264"


def test_a_file_that_took_the_name_while_recording_is_kept(tmp_path: Path) -> None:
    recorder = Mp4Recorder(tmp_path / "taken.mp4")
    feed(recorder, packets(2), [0, 40])
    (tmp_path / "taken.mp4").write_bytes(b"someone else's")
    assert recorder.close() == [tmp_path / "taken (2).mp4"]
    assert (tmp_path / "taken.mp4").read_bytes() == b"someone else's"
    assert len(reopen(tmp_path / "taken (2).mp4")[0]) == 2


def test_a_screen_still_for_hours_is_kept_shortened_to_an_hour_per_frame(tmp_path: Path) -> None:
    """MP4 frame durations are 32-bit (6.6 h at 90 kHz): longer stills are shortened, never a failed file."""
    hour_ms = 3_600_000
    recorder = Mp4Recorder(tmp_path / "still.mp4")
    assert feed(recorder, packets(3), [0, 40, 7 * hour_ms]) == [True, True, True]
    files = recorder.close(end_ns=T0 + 15 * hour_ms * MS)
    decoded, duration, _ = reopen(files[0])
    assert len(decoded) == 3
    assert 2 * 3600 < duration <= 2 * 3600 + 1  # 40 ms, then an hour (of 7), then an hour (of 8)
