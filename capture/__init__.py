"""The host's video source: screen grabbing, damage detection and encoders. Never imports Qt.

- ``capture.screen``: ``ScreenGrabber(display, monitor)`` -> BGRA numpy frames (mss).
- ``capture.damage``: ``DamageDetector`` -> ``DirtyRect`` or None against the last frame sent.
- ``capture.encoder``: ``H264Encoder`` (libx264, zerolatency, keyframes on request), ``StillEncoder`` (JPEG).
- ``capture.memory``: ``keep_frame_buffers_resident()``, a one-time allocator tuning for streaming.
- ``capture.errors``: ``CaptureError`` and its subclasses.
"""
