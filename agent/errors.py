"""Exceptions of the agent package. One base class; ``str(exc)`` is a sentence for the user."""

from __future__ import annotations


class AgentError(Exception):
    """Base class of every exception raised by ``agent``."""


class ConfigError(AgentError):
    """The command line or environment does not make a usable configuration."""


class ApiError(AgentError):
    """A server call failed; the message is the server's own sentence when it gave one, ``code`` its
    machine-readable reason (password_expired, account_locked, duplicate_login, licence_full, …)."""

    def __init__(self, message: str, status: int | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
