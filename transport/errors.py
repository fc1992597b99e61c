"""Exceptions of the transport package."""

from __future__ import annotations


class TransportError(Exception):
    """Base class: a network link failed; the message says what and what to do."""
