"""The server's exception hierarchy: one base, API errors that carry their HTTP status.

Every message is a sentence that says what failed and what to do next; API errors are
rendered as ``{"detail": message}`` by the handlers in ``server.app``.
"""

from __future__ import annotations


class FerryServerError(Exception):
    """Base of every error the server raises on purpose."""


class StartupError(FerryServerError):
    """The server cannot start (bad option, unusable data directory, port in use)."""


class ApiError(FerryServerError):
    """A request failed; ``status_code`` and ``headers`` go into the HTTP answer."""

    status_code = 400
    code: str | None = None  # a machine-readable reason, sent as "code" next to "detail" when set

    def __init__(self, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}


class BadRequestError(ApiError):
    """The request is well-formed but cannot be carried out as asked."""

    status_code = 400


class NotAuthenticatedError(ApiError):
    """No usable bearer token (missing, unknown, expired or revoked), or wrong credentials."""

    status_code = 401

    def __init__(self, detail: str) -> None:
        super().__init__(detail, {"WWW-Authenticate": "Bearer"})


class ForbiddenError(ApiError):
    """The caller is known but may not do this."""

    status_code = 403


class PasswordExpiredError(ForbiddenError):
    """The password is right but past the company's lifetime: only a change is allowed."""

    code = "password_expired"


class AddressNotAllowedError(ForbiddenError):
    """The IP or MAC allow list in force does not admit this login; the detail is the reason."""

    code = "address_not_allowed"


class AccountExpiredError(ForbiddenError):
    """The account's end date has passed: an admin must extend it."""

    code = "account_expired"


class LicenceFullError(ForbiddenError):
    """Every licence of the company is in use (concurrent: N agents logged in; named: N agent IDs)."""

    code = "licence_full"


class RoleForbiddenError(ForbiddenError):
    """The caller's role may not see or change this; the detail names the role and what it may do."""

    code = "role_forbidden"


class OptionForcedError(ForbiddenError):
    """An agent wrote an option the group decides; the detail names the key and the group's state."""

    code = "option_forced"


class OptionInvalidError(ApiError):
    """An option write names an unknown key or a value that breaks the option's rule."""

    status_code = 422
    code = "option_invalid"


class AccountLockedError(ApiError):
    """Too many wrong passwords locked the account (for the lock time, or until an admin resets it)."""

    status_code = 423
    code = "account_locked"


class ValidationFailedError(ApiError):
    """Input that passed its schema breaks a rule only the server can check; the detail names the field."""

    status_code = 422


class PasswordRulesError(ApiError):
    """A new password breaks the company's password rules; the detail lists every broken rule."""

    status_code = 422
    code = "password_rules"


class NotFoundError(ApiError):
    """The thing asked for does not exist (or is not the caller's)."""

    status_code = 404


class ConflictError(ApiError):
    """The request clashes with what exists (a taken ID, icon number or name); the detail names the field."""

    status_code = 409
    code: str | None = "conflict"


class DuplicateLoginError(ConflictError):
    """The agent is already logged in elsewhere and the group does not end the older login."""

    code = "duplicate_login"


class GoneError(ApiError):
    """The thing existed but can no longer be used (a used or expired connection code)."""

    status_code = 410


class UnavailableError(ApiError):
    """The server cannot do this right now; trying again later may work."""

    status_code = 503


class TooManyAttemptsError(ApiError):
    """Too many failed attempts from one address; retry after ``retry_after`` seconds."""

    status_code = 429

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail, {"Retry-After": str(retry_after)})
        self.retry_after = retry_after


class RelayRefusedError(FerryServerError):
    """A relay or push WebSocket is refused; it is closed with ``close_code`` (4000–4999) and the message."""

    def __init__(self, close_code: int, reason: str) -> None:
        super().__init__(reason)
        self.close_code = close_code
        self.reason = reason
