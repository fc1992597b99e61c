"""The policy package's exceptions: one base, ``PolicyError``, under the server's ``FerryServerError``.

Every message names the option key and says what to do next. ``key`` carries the option concerned
(empty when none is), so an API layer can put it in a field-level answer: ``UnknownOptionError`` and
``InvalidOptionValueError`` are the caller's input mistakes (400), ``ForcedOptionError`` is a write the
group does not allow (403).
"""

from __future__ import annotations

from server.errors import FerryServerError


class PolicyError(FerryServerError):
    """Base of every error the policy package raises on purpose."""

    def __init__(self, message: str, key: str = "") -> None:
        super().__init__(message)
        self.key = key


class CatalogueError(PolicyError):
    """The option catalogue contradicts itself (a programming error, raised at import)."""


class UnknownOptionError(PolicyError):
    """A key that is not in the option catalogue."""


class InvalidOptionValueError(PolicyError):
    """A value of the wrong type or outside the option's rule, or options that contradict each other."""


class ForcedOptionError(PolicyError):
    """An agent tried to write an option that the group decides (forced, or group-only)."""

    def __init__(self, message: str, key: str, state: str) -> None:
        super().__init__(message, key)
        self.state = state
