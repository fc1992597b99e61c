"""Exceptions of the capture package. One base class; messages say what failed and what to do."""

from __future__ import annotations


class CaptureError(Exception):
    """Base class of every exception raised by ``capture``."""


class ScreenUnavailableError(CaptureError):
    """The screen could not be opened or grabbed (no X server, unsupported depth, no such monitor)."""


class EncoderError(CaptureError):
    """The video or still encoder refused a frame or could not be set up."""
