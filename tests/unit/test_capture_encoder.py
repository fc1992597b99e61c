"""H264Encoder and StillEncoder, checked through the viewer's decoders (a real round trip)."""

from __future__ import annotations

import numpy as np
import pytest

from capture.encoder import H264Encoder, StillEncoder
from capture.errors import EncoderError
from viewer.decoder import DecodeError, H264Decoder, StillDecoder

W, H = 1920, 1080


def synthetic(width: int = W, height: int = H, step: int = 0) -> np.ndarray:
    """Gradients, flat colour blocks and a moving white bar, BGRA."""
    image = np.zeros((height, width, 4), dtype=np.uint8)
    image[..., 0] = np.linspace(0, 255, width, dtype=np.uint8)[None, :]
    image[..., 1] = np.linspace(0, 255, height, dtype=np.uint8)[:, None]
    image[..., 2] = 90
    image[height // 4 : height // 2, width // 4 : width // 2, :3] = (20, 200, 240)
    x = (step * 37) % (width - 64)
    image[height // 2 : height // 2 + 64, x : x + 64, :3] = 255
    return image


def mean_abs_error(decoded: np.ndarray, source: np.ndarray) -> float:
    return float(np.abs(decoded[..., :3].astype(np.int16) - source[..., :3]).mean())


def test_round_trip_1080p_is_close_to_the_input() -> None:
    encoder, decoder = H264Encoder(W, H), H264Decoder()
    for step in range(5):
        image = synthetic(step=step)
        picture = decoder.decode(encoder.encode(image).data)
        assert picture is not None
        assert picture.shape == (H, W, 4)
        assert mean_abs_error(picture, image) < 3.0
        assert (picture[..., 3] == 255).all()


def test_every_frame_gives_one_packet_that_decodes_at_once() -> None:
    encoder, decoder = H264Encoder(640, 360), H264Decoder()
    for step in range(30):
        encoded = encoder.encode(synthetic(640, 360, step))
        assert encoded.pts == step
        assert decoder.decode(encoded.data) is not None


def test_only_the_first_frame_and_requested_ones_are_keyframes() -> None:
    encoder = H264Encoder(640, 360)
    flags = [encoder.encode(synthetic(640, 360, step)).keyframe for step in range(40)]  # > any default GOP
    encoder.request_keyframe()
    flags += [encoder.encode(synthetic(640, 360, step)).keyframe for step in range(40, 42)]
    assert [step for step, key in enumerate(flags) if key] == [0, 40]


def test_a_new_decoder_joins_at_a_requested_keyframe() -> None:
    encoder = H264Encoder(640, 360)
    for step in range(3):
        encoder.encode(synthetic(640, 360, step))
    late = H264Decoder()
    with pytest.raises(DecodeError):  # a P-frame without the SPS/PPS before it
        late.decode(encoder.encode(synthetic(640, 360, 3)).data)
    assert late.awaiting_keyframe
    encoder.request_keyframe()
    image = synthetic(640, 360, 4)
    picture = late.decode(encoder.encode(image).data)
    assert picture is not None and mean_abs_error(picture, image) < 3.0
    assert not late.awaiting_keyframe


@pytest.mark.parametrize(("width", "height"), [(1921, 1081), (641, 360), (640, 359)])
def test_odd_sizes_are_cropped_to_even(width: int, height: int) -> None:
    encoder = H264Encoder(width, height)
    assert (encoder.width, encoder.height) == (width - width % 2, height - height % 2)
    image = synthetic(width, height)
    encoded = encoder.encode(image)
    picture = H264Decoder().decode(encoded.data)
    assert picture is not None
    assert picture.shape == (encoder.height, encoder.width, 4) == (encoded.height, encoded.width, 4)
    assert mean_abs_error(picture, image[: encoder.height, : encoder.width]) < 3.0


def test_a_frame_of_another_size_is_refused() -> None:
    with pytest.raises(EncoderError, match="new encoder"):
        H264Encoder(640, 360).encode(synthetic(320, 180))


def test_bitrate_mode_encodes() -> None:
    encoder = H264Encoder(640, 360, fps=15, bitrate=500_000)
    assert encoder.encode(synthetic(640, 360)).keyframe


def test_still_round_trip() -> None:
    image = synthetic(1279, 719)
    encoded = StillEncoder(1279, 719, quality=90).encode(image)
    assert encoded.keyframe and encoded.data[:2] == b"\xff\xd8"
    picture = StillDecoder().decode(encoded.data)
    assert picture.shape == (718, 1278, 4)
    assert mean_abs_error(picture, image[:718, :1278]) < 4.0
