"""Password rules: the three levels of SPEC.md, no reuse on a change, and the password lifetime.

Rules kept here (SPEC.md "Company options"; the manual's 회사 옵션 정보 > 비밀번호 보안 단계):

1. Length counts characters: weak 6–24, medium and strong 8–24, both ends included.
2. The alphabet is printable ASCII without the space: English letters, digits and the specials of
   ``string.punctuation``. Hangul and every other non-ASCII character is refused at every level: the
   manual says 영문 (English letters), and a Korean input method left on types jamo the user never sees.
   Weak accepts letters and digits only (영문 또는 숫자); medium also accepts specials, without requiring one.
3. Medium needs at least one letter and one digit; strong at least one upper-case letter, one lower-case
   letter, one digit and one special.
4. Medium and strong refuse three adjacent digits that repeat (111), count up (123) or count down (321):
   the manual's 연속적인 숫자 names no direction, and 987 is as easy to guess as 789. 9 and 0 do not wrap
   (890 is accepted), letters are not checked (abc is accepted), and weak has no run rule.
5. A change may not reuse the current password. Only its hash is stored, so the caller passes a verifier
   (new password -> equals the current one?). It is asked only when every other rule passes: a password that
   breaks a rule is refused anyway, and this spares an Argon2 verification per keystroke-driven check.
6. Lifetime: 30, 60 or 90 days, or None for no limit. A password changed at T has expired from
   T + N days on, that instant included. Times are aware datetimes passed in; nothing here reads a clock.
"""

from __future__ import annotations

import datetime
import string
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from server.login_rules.errors import LoginRulesError, require_aware

PASSWORD_LIFETIME_DAYS: Final = (30, 60, 90)

_LETTERS: Final = frozenset(string.ascii_letters)
_UPPER: Final = frozenset(string.ascii_uppercase)
_LOWER: Final = frozenset(string.ascii_lowercase)
_DIGITS: Final = frozenset(string.digits)
_SPECIALS: Final = frozenset(string.punctuation)


class PasswordLevel(StrEnum):
    """The company's password level (비밀번호 보안 단계: 약 / 중 / 강)."""

    WEAK = "weak"
    MEDIUM = "medium"
    STRONG = "strong"


class ViolationCode(StrEnum):
    """Which rule a password breaks; stable strings for the API and the dialog."""

    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    CHARACTER_NOT_ALLOWED = "character_not_allowed"
    NEEDS_LETTER = "needs_letter"
    NEEDS_UPPER = "needs_upper"
    NEEDS_LOWER = "needs_lower"
    NEEDS_DIGIT = "needs_digit"
    NEEDS_SPECIAL = "needs_special"
    DIGIT_RUN = "digit_run"
    REUSED = "reused"


@dataclass(frozen=True)
class RuleViolation:
    """A broken rule: its code and a sentence telling the user what to change."""

    code: ViolationCode
    message: str


@dataclass(frozen=True)
class PasswordRule:
    """One line of the rules a dialog shows; it is met while none of ``codes`` is reported."""

    text: str
    codes: frozenset[ViolationCode]


@dataclass(frozen=True)
class _Level:
    min_length: int
    alphabet: frozenset[str]
    required: tuple[ViolationCode, ...]
    no_digit_runs: bool
    max_length: int = 24


_LEVELS: Final = {
    PasswordLevel.WEAK: _Level(6, _LETTERS | _DIGITS, (), no_digit_runs=False),
    PasswordLevel.MEDIUM: _Level(
        8, _LETTERS | _DIGITS | _SPECIALS, (ViolationCode.NEEDS_LETTER, ViolationCode.NEEDS_DIGIT), no_digit_runs=True
    ),
    PasswordLevel.STRONG: _Level(
        8,
        _LETTERS | _DIGITS | _SPECIALS,
        (ViolationCode.NEEDS_UPPER, ViolationCode.NEEDS_LOWER, ViolationCode.NEEDS_DIGIT, ViolationCode.NEEDS_SPECIAL),
        no_digit_runs=True,
    ),
}

_CLASSES: Final = {
    ViolationCode.NEEDS_LETTER: (_LETTERS, "Add at least one English letter (a–z or A–Z)."),
    ViolationCode.NEEDS_UPPER: (_UPPER, "Add at least one upper-case letter (A–Z)."),
    ViolationCode.NEEDS_LOWER: (_LOWER, "Add at least one lower-case letter (a–z)."),
    ViolationCode.NEEDS_DIGIT: (_DIGITS, "Add at least one digit (0–9)."),
    ViolationCode.NEEDS_SPECIAL: (_SPECIALS, "Add at least one special character, such as ! @ # $ % or -."),
}

_KEYBOARD_HINT: Final = "check that the keyboard is in English mode"
_RUN_MESSAGE: Final = "Do not put three digits in a row that repeat or count up or down, such as 111, 123 or 321."
_RUN_RULE: Final = "No three digits in a row that repeat or count up or down (111, 123, 321)."


def check_password(
    password: str, level: PasswordLevel, *, current_hash_verifier: Callable[[str], bool] | None = None
) -> list[RuleViolation]:
    """Every rule of ``level`` that ``password`` breaks, in the order of ``rules_text``; empty means it is fine."""
    rules = _LEVELS[level]
    violations = _length_violations(password, rules)
    if not set(password) <= rules.alphabet:
        violations.append(RuleViolation(ViolationCode.CHARACTER_NOT_ALLOWED, _alphabet_message(level)))
    for code in rules.required:
        members, message = _CLASSES[code]
        if members.isdisjoint(password):
            violations.append(RuleViolation(code, message))
    if rules.no_digit_runs and has_digit_run(password):
        violations.append(RuleViolation(ViolationCode.DIGIT_RUN, _RUN_MESSAGE))
    if not violations and current_hash_verifier is not None and current_hash_verifier(password):
        violations.append(RuleViolation(ViolationCode.REUSED, "Choose a password different from the current one."))
    return violations


def has_digit_run(password: str) -> bool:
    """True when three adjacent ASCII digits repeat (111), count up (123) or count down (321)."""
    for a, b, c in zip(password, password[1:], password[2:], strict=False):
        if a in _DIGITS and b in _DIGITS and c in _DIGITS:
            step = ord(b) - ord(a)
            if step in (-1, 0, 1) and ord(c) - ord(b) == step:
                return True
    return False


def rules(level: PasswordLevel, *, changing: bool = False) -> tuple[PasswordRule, ...]:
    """The rules of ``level`` as lines for a dialog, each with the violation codes that break it."""
    lv = _LEVELS[level]
    found: list[PasswordRule] = [
        PasswordRule(
            f"{lv.min_length} to {lv.max_length} characters.",
            frozenset({ViolationCode.TOO_SHORT, ViolationCode.TOO_LONG}),
        ),
        PasswordRule(_alphabet_rule(level), frozenset({ViolationCode.CHARACTER_NOT_ALLOWED})),
    ]
    if level is PasswordLevel.MEDIUM:
        found.append(PasswordRule("At least one letter and one digit.", frozenset(lv.required)))
    elif level is PasswordLevel.STRONG:
        text = "At least one upper-case letter, one lower-case letter, one digit and one special character."
        found.append(PasswordRule(text, frozenset(lv.required)))
    if lv.no_digit_runs:
        found.append(PasswordRule(_RUN_RULE, frozenset({ViolationCode.DIGIT_RUN})))
    if changing:
        found.append(PasswordRule("Different from the current password.", frozenset({ViolationCode.REUSED})))
    return tuple(found)


def rules_text(level: PasswordLevel, *, changing: bool = False) -> tuple[str, ...]:
    """The rules of ``level`` as English sentences, one per line of the dialog."""
    return tuple(rule.text for rule in rules(level, changing=changing))


def password_expires_at(changed_at: datetime.datetime, lifetime_days: int | None) -> datetime.datetime | None:
    """The instant a password changed at ``changed_at`` expires, or None when there is no lifetime."""
    if lifetime_days is None:
        return None
    if isinstance(lifetime_days, bool) or lifetime_days not in PASSWORD_LIFETIME_DAYS:
        raise LoginRulesError(
            f"A password lifetime of {lifetime_days!r} days is not offered: use 30, 60 or 90, or None for no limit."
        )
    require_aware(changed_at, "changed_at")
    return changed_at + datetime.timedelta(days=lifetime_days)


def password_expired(changed_at: datetime.datetime, lifetime_days: int | None, now: datetime.datetime) -> bool:
    """True when the password must be changed before anything else: ``now`` is at or past its expiry."""
    require_aware(now, "now")
    expires_at = password_expires_at(changed_at, lifetime_days)
    return expires_at is not None and now >= expires_at


def _length_violations(password: str, rules: _Level) -> list[RuleViolation]:
    count = len(password)
    if count < rules.min_length:
        message = f"Use at least {rules.min_length} characters (this password has {count})."
        return [RuleViolation(ViolationCode.TOO_SHORT, message)]
    if count > rules.max_length:
        message = f"Use at most {rules.max_length} characters (this password has {count})."
        return [RuleViolation(ViolationCode.TOO_LONG, message)]
    return []


def _alphabet_rule(level: PasswordLevel) -> str:
    if level is PasswordLevel.WEAK:
        return "English letters and digits only."
    return "English letters, digits and special characters only."


def _alphabet_message(level: PasswordLevel) -> str:
    if level is PasswordLevel.WEAK:
        allowed, remove = "English letters and digits", "spaces, special characters and other letters"
    else:
        allowed, remove = "English letters, digits and special characters", "spaces and other letters"
    return f"Use only {allowed}: remove {remove} ({_KEYBOARD_HINT})."
