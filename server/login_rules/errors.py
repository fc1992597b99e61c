"""The login rules' one exception family; every message says what is wrong and what to do.

``LoginRulesError`` is also a ``ValueError``, so a pydantic validator that calls a parser here
turns the error into a 4xx answer that carries the same message.
"""

from __future__ import annotations

import datetime

from server.errors import FerryServerError

_SHOWN_ENTRY_CHARS = 60


class LoginRulesError(FerryServerError, ValueError):
    """Base of every error raised by ``server.login_rules`` (bad input or misuse of the API)."""


class AllowListEntryError(LoginRulesError):
    """One entry of an IP or MAC allow list cannot be read; ``entry`` names it."""

    def __init__(self, entry: str, message: str) -> None:
        super().__init__(message)
        self.entry = entry


def shown(entry: str) -> str:
    """``entry`` quoted for a message, cut short so an oversize input never floods a log."""
    if len(entry) > _SHOWN_ENTRY_CHARS:
        entry = entry[:_SHOWN_ENTRY_CHARS] + "…"
    return repr(entry)


def require_aware(value: datetime.datetime, name: str) -> None:
    """Refuse a naive datetime: the server passes aware UTC times (``server.models.utcnow``)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise LoginRulesError(f"{name} is a naive datetime: pass an aware time such as server.models.utcnow().")
