"""H264Decoder on untrusted bytes: garbage raises DecodeError, never crashes, and it recovers."""

from __future__ import annotations

import contextlib
import random

import numpy as np
import pytest

from capture.encoder import H264Encoder
from viewer.decoder import QIMAGE_FORMAT_NAMES, DecodeError, H264Decoder, StillDecoder


def image(step: int = 0) -> np.ndarray:
    picture = np.zeros((240, 320, 4), dtype=np.uint8)
    picture[..., 2] = 200
    picture[100:140, step * 10 : step * 10 + 40, :3] = 255
    return picture


def test_garbage_raises_decode_error_or_gives_nothing() -> None:
    decoder = H264Decoder()
    rng = random.Random(7)
    for _ in range(300):
        data = bytes(rng.getrandbits(8) for _ in range(rng.randrange(1, 600)))
        if rng.random() < 0.5:
            data = b"\x00\x00\x00\x01" + data
        try:
            assert decoder.decode(data) is None
        except DecodeError as exc:
            assert "keyframe" in str(exc) or "decode" in str(exc)
    assert decoder.awaiting_keyframe


def test_empty_data_is_an_error_not_a_flush() -> None:
    decoder = H264Decoder()
    with pytest.raises(DecodeError, match="Empty"):
        decoder.decode(b"")
    encoder = H264Encoder(320, 240)
    assert decoder.decode(encoder.encode(image()).data) is not None


def test_decoder_recovers_at_the_next_keyframe_after_garbage() -> None:
    encoder, decoder = H264Encoder(320, 240), H264Decoder()
    assert decoder.decode(encoder.encode(image(0)).data) is not None
    with pytest.raises(DecodeError):
        decoder.decode(b"\x00\x00\x00\x01\x65" + b"\xff" * 50)
    assert decoder.awaiting_keyframe
    assert decoder.decode(encoder.encode(image(1)).data) is None
    encoder.request_keyframe()
    picture = decoder.decode(encoder.encode(image(2)).data)
    assert picture is not None and not decoder.awaiting_keyframe


def test_truncated_keyframe_does_not_crash() -> None:
    data = H264Encoder(320, 240).encode(image()).data
    decoder = H264Decoder()
    for cut in (5, len(data) // 3, len(data) - 1):
        with contextlib.suppress(DecodeError):
            decoder.decode(data[:cut])


def test_output_formats_and_timing() -> None:
    data = H264Encoder(320, 240).encode(image()).data
    bgra, rgb = H264Decoder(), H264Decoder(pixel_format="rgb24")
    out_bgra, out_rgb = bgra.decode(data), rgb.decode(data)
    assert out_bgra is not None and out_rgb is not None
    assert out_bgra.shape == (240, 320, 4) and out_bgra.flags.c_contiguous
    assert out_rgb.shape == (240, 320, 3)
    assert abs(int(out_bgra[10, 10, 2]) - 200) < 6 and abs(int(out_rgb[10, 10, 0]) - 200) < 6
    assert 0 < bgra.last_decode_s < 1
    assert bgra.frames_decoded == 1
    assert QIMAGE_FORMAT_NAMES == {"bgra": "Format_RGB32", "rgb24": "Format_RGB888"}


def test_each_picture_is_a_new_array() -> None:
    encoder, decoder = H264Encoder(320, 240), H264Decoder()
    first = decoder.decode(encoder.encode(image(0)).data)
    assert first is not None
    kept = first.copy()
    decoder.decode(encoder.encode(image(5)).data)
    assert np.array_equal(first, kept)


def test_still_decoder_refuses_garbage() -> None:
    with pytest.raises(DecodeError):
        StillDecoder().decode(b"\xff\xd8 not a jpeg")


def test_unknown_pixel_format_is_refused() -> None:
    with pytest.raises(ValueError, match="pixel_format"):
        H264Decoder(pixel_format="yuv")  # type: ignore[arg-type]
