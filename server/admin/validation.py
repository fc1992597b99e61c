"""Field rules of the admin directory (SPEC.md "Users and groups", "Company options"), pure and testable.

Each ``check_*`` returns the value (trimmed where the rule says so) or raises ``ValueError`` whose text
names the field and the rule, so pydantic validators and services give the same sentence:

- login ID: letters, digits, ``.``, ``_``, ``-`` and ``@``, 1 to 64 characters; it never changes.
- phone and mobile: digits and ``-`` only, at most 13 characters.
- e-mail: one ``@``, a local part of at most 64 characters, a domain of dot-separated labels ending in a
  top-level name of letters; at most 254 characters; no spaces or control characters.
- login page URL: letters, digits, ``.``, ``_`` and ``-``, at most 50 characters.
- free text (names, nickname, reading, group name, external ID): no control characters (NUL, line
  breaks, ...): they cannot be shown and PostgreSQL refuses NUL.
- logo: PNG, JPEG or GIF, at most 500 KB (512,000 bytes), recognised by its first bytes, not by the
  Content-Type alone; the two must agree.
"""

from __future__ import annotations

import re
from typing import Final

LOGIN_ID_PATTERN: Final = r"^[A-Za-z0-9._@-]{1,64}$"
PHONE_PATTERN: Final = r"^[0-9-]{1,13}$"
LOGIN_PAGE_URL_PATTERN: Final = r"^[A-Za-z0-9._-]{1,50}$"
PHONE_MAX: Final = 13
EMAIL_MAX: Final = 254
ICON_MIN, ICON_MAX = 1, 9999
LOCK_MINUTES_MIN, LOCK_MINUTES_MAX = 1, 1440
PASSWORD_LEVELS: Final = ("weak", "medium", "strong")
PASSWORD_LIFETIMES: Final = (30, 60, 90)
HISTORY_MONTHS: Final = (0, 6, 12)

LOGO_MAX_BYTES: Final = 500 * 1024
LOGO_BODY_LIMIT: Final = 1024 * 1024  # the request size the server reads for a logo, so 500 KB+ gets a sentence
LOGO_SIGNATURES: Final = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
}
LOGO_NAMES: Final = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF"}

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_EMAIL_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}")
_EMAIL_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_TLD = re.compile(r"[A-Za-z]{2,63}")


class LogoError(ValueError):
    """A logo upload breaks a rule; ``too_large`` tells 413 from 422."""

    def __init__(self, message: str, *, too_large: bool = False) -> None:
        super().__init__(message)
        self.too_large = too_large


def check_plain_text(value: str) -> str:
    """Free text without control characters (NUL, tab, line breaks)."""
    if _CONTROL.search(value):
        raise ValueError("the text may not hold control characters (such as NUL, tab or line breaks)")
    return value


def check_login_id(value: str) -> str:
    """A login ID by its rule (letters, digits, ``.``, ``_``, ``-``, ``@``; 1 to 64 characters)."""
    if not re.fullmatch(LOGIN_ID_PATTERN, value):
        raise ValueError("login_id may hold only letters, digits, '.', '_', '-' and '@', 1 to 64 characters")
    return value


def check_phone(value: str, field: str = "phone") -> str:
    """A phone or mobile number: digits and ``-`` only, at most 13 characters."""
    if not re.fullmatch(PHONE_PATTERN, value):
        raise ValueError(f"{field} may hold only digits and '-', at most {PHONE_MAX} characters (got {value!r})")
    return value


def check_email(value: str) -> str:
    """An e-mail address in the usual ``name@example.com`` form (see the module's rule)."""
    local, at, domain = value.rpartition("@")
    labels = domain.split(".")
    valid = (
        bool(at) and len(value) <= EMAIL_MAX and _EMAIL_LOCAL.fullmatch(local) is not None
        and not local.startswith(".") and not local.endswith(".") and ".." not in local
        and len(labels) >= 2 and all(_EMAIL_LABEL.fullmatch(label) for label in labels)
        and _TLD.fullmatch(labels[-1]) is not None
    )
    if not valid:
        raise ValueError(f"email must be an address such as name@example.com (got {value[:60]!r})")
    return value


def check_login_page_url(value: str) -> str:
    """A custom login page name: letters, digits, ``.``, ``_``, ``-``, at most 50 characters."""
    if not re.fullmatch(LOGIN_PAGE_URL_PATTERN, value):
        raise ValueError("login_page_url may hold only letters, digits, '.', '_' and '-', 1 to 50 characters")
    return value


def display_name(family_name: str | None, given_name: str | None, login_id: str) -> str:
    """The display name built from family and given name ("Hong Gildong"), else the login ID."""
    parts = [part.strip() for part in (family_name, given_name) if part and part.strip()]
    return " ".join(parts) or login_id


def logo_type(content_type: str | None, data: bytes) -> str:
    """The logo's media type once its size, its Content-Type and its first bytes pass; ``LogoError`` otherwise."""
    if len(data) > LOGO_MAX_BYTES:
        raise LogoError(f"The logo is {len(data)} bytes; it may be at most {LOGO_MAX_BYTES} bytes (500 KB): "
                        "send a smaller picture.", too_large=True)
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media == "image/jpg":
        media = "image/jpeg"
    if media not in LOGO_SIGNATURES:
        raise LogoError(f"The logo's Content-Type is {media or 'missing'!r}: send image/png, image/jpeg or "
                        "image/gif with the picture's bytes as the body.")
    if not data.startswith(LOGO_SIGNATURES[media]):
        raise LogoError(f"The body is not a {LOGO_NAMES[media]} picture (its first bytes are not a "
                        f"{LOGO_NAMES[media]} file's): send the file itself, with the Content-Type of its format.")
    return media
