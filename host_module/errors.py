"""Exceptions of the host module; every message is written for the customer."""

from __future__ import annotations


class HostError(Exception):
    """Base class: what went wrong, and what the customer can do about it."""


class JoinError(HostError):
    """The connection code could not be used."""
