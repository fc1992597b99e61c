"""Exceptions of the input_injection package. One base class; messages say what failed and what to do."""

from __future__ import annotations


class InjectionError(Exception):
    """Base class of every exception raised by ``input_injection``."""


class InjectorUnavailableError(InjectionError):
    """The input backend could not be opened (no X server, no XTEST, unsupported platform)."""
