"""Field rules of connection pages, pure and testable; each ``check_*`` returns the value or raises
``ValueError`` naming the field and the rule (pydantic validators and services say the same sentence).

- slug: lower-case letters, digits and ``-``, 2 to 50 characters, starting with a letter or digit.
- time zone: an IANA name the server knows (``Asia/Seoul``, ``Europe/Berlin``); summer time follows it.
- languages: a non-empty subset of ko, ja, en, zh-Hans, zh-Hant, es, fr, pt; the default one of them.
- colour: ``#rrggbb``.
- form fields: a key of lower-case letters, digits and ``_``; kind text, phone or email; labels per page
  language; at most 10 fields, keys unique.
- business hours: weekday 0 (Monday) to 6, ``HH:MM`` from 00:00 to 24:00, start before end, the ranges
  of one day not overlapping.
- images (logo, window image): PNG, JPEG or GIF of at most 500 KB, recognised by their first bytes, the
  Content-Type to match (``server.admin.validation.logo_type``'s rule with the image's own name).
"""

from __future__ import annotations

import itertools
import re
import zoneinfo
from collections.abc import Iterable
from functools import lru_cache
from typing import Final

from server.admin.validation import LOGO_MAX_BYTES, LOGO_NAMES, LOGO_SIGNATURES

LANGUAGES: Final = ("ko", "ja", "en", "zh-Hans", "zh-Hant", "es", "fr", "pt")
KINDS: Final = ("access_code", "icon", "window")
ICON_NUMBERING: Final = ("from_1", "from_10", "fixed")
DISTRIBUTIONS: Final = ("all", "window", "sequential")
FIELD_KINDS: Final = ("text", "phone", "email")
TEXT_KEYS: Final = ("title", "initial_title", "initial_body", "initial_contact", "customer_name_label",
                    "request_body", "reservation_body", "in_session_title", "in_session_body", "end_title",
                    "end_body")
SLUG_PATTERN: Final = r"^[a-z0-9][a-z0-9-]{1,49}$"
COLOR_PATTERN: Final = r"^#[0-9a-fA-F]{6}$"
FIELD_KEY_PATTERN: Final = r"^[a-z][a-z0-9_]{0,31}$"
HHMM_PATTERN: Final = r"^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$"
MAX_FIELDS: Final = 10
IMAGE_MAX_BYTES: Final = LOGO_MAX_BYTES


class ImageRuleError(ValueError):
    """An image upload breaks a rule; ``too_large`` tells 413 from 422."""

    def __init__(self, message: str, *, too_large: bool = False) -> None:
        super().__init__(message)
        self.too_large = too_large


@lru_cache(maxsize=1)
def known_zones() -> frozenset[str]:
    """Every IANA zone name this server knows."""
    return frozenset(zoneinfo.available_timezones())


def check_slug(value: str) -> str:
    """A page's URL name (``/p/<slug>``)."""
    if not re.fullmatch(SLUG_PATTERN, value):
        raise ValueError("slug may hold only lower-case letters, digits and '-', 2 to 50 characters, "
                         "starting with a letter or digit")
    return value


def check_time_zone(value: str) -> str:
    """An IANA time zone name."""
    if value not in known_zones():
        raise ValueError(f"time_zone must be an IANA time zone name such as Asia/Seoul or Europe/Berlin "
                         f"(got {value[:64]!r})")
    return value


def check_languages(values: Iterable[str]) -> list[str]:
    """A non-empty list of supported languages without repeats, in the given order."""
    languages = list(values)
    if not languages:
        raise ValueError(f"languages must name at least one of {', '.join(LANGUAGES)}")
    if len(set(languages)) != len(languages):
        raise ValueError("languages may name each language once")
    return languages


def check_default_language(default: str, languages: Iterable[str]) -> str:
    """The default language, which must be one of the page's languages."""
    if default not in list(languages):
        raise ValueError(f"default_language {default!r} must be one of the page's languages "
                         f"({', '.join(languages)}): add it to languages or pick another")
    return default


def check_color(value: str) -> str:
    """A design colour as ``#rrggbb`` (stored lower case)."""
    if not re.fullmatch(COLOR_PATTERN, value):
        raise ValueError(f"color must be '#' and six hex digits such as #1f5fa8 (got {value[:20]!r})")
    return value.lower()


def check_field_keys(keys: list[str]) -> list[str]:
    """Form field keys: at most ``MAX_FIELDS``, each used once."""
    if len(keys) > MAX_FIELDS:
        raise ValueError(f"a form may have at most {MAX_FIELDS} fields")
    if len(set(keys)) != len(keys):
        raise ValueError("each form field's key must be unique in its form")
    return keys


def minute_of(value: str) -> int:
    """Minutes after midnight of ``HH:MM`` (``24:00`` is 1440)."""
    if not re.fullmatch(HHMM_PATTERN, value):
        raise ValueError(f"a time must be HH:MM between 00:00 and 24:00 (got {value[:10]!r})")
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


def hhmm(minute: int) -> str:
    """``HH:MM`` of minutes after midnight."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def check_ranges(ranges: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """(weekday, start, end) ranges: start before end, and no two of one weekday overlapping."""
    for weekday, start, end in ranges:
        if start >= end:
            raise ValueError(f"on weekday {weekday} the range {hhmm(start)}-{hhmm(end)} must start before it ends")
    ordered = sorted(ranges)
    for (day_a, _, end_a), (day_b, start_b, _) in itertools.pairwise(ordered):
        if day_a == day_b and start_b < end_a:
            raise ValueError(f"on weekday {day_a} two ranges overlap at {hhmm(start_b)}: join them into one")
    return ranges


def image_type(content_type: str | None, data: bytes, what: str) -> str:
    """An upload's media type once its size, Content-Type and first bytes pass; ``ImageRuleError`` otherwise."""
    if len(data) > IMAGE_MAX_BYTES:
        raise ImageRuleError(f"The {what} is {len(data)} bytes; it may be at most {IMAGE_MAX_BYTES} bytes (500 KB): "
                             "send a smaller picture.", too_large=True)
    media = (content_type or "").split(";", 1)[0].strip().lower()
    media = "image/jpeg" if media == "image/jpg" else media
    if media not in LOGO_SIGNATURES:
        raise ImageRuleError(f"The {what}'s Content-Type is {media or 'missing'!r}: send image/png, image/jpeg or "
                             "image/gif with the picture's bytes as the body.")
    if not data.startswith(LOGO_SIGNATURES[media]):
        raise ImageRuleError(f"The body is not a {LOGO_NAMES[media]} picture (its first bytes are not a "
                             f"{LOGO_NAMES[media]} file's): send the file itself, with the Content-Type of its format.")
    return media
