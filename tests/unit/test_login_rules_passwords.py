"""Password levels at their boundaries, digit runs, non-ASCII, reuse, the dialog's rules, and expiry."""

from __future__ import annotations

import datetime

import pytest

from server.login_rules import LoginRulesError, PasswordLevel, ViolationCode, check_password, password_expired
from server.login_rules.passwords import has_digit_run, password_expires_at, rules, rules_text

WEAK, MEDIUM, STRONG = PasswordLevel.WEAK, PasswordLevel.MEDIUM, PasswordLevel.STRONG
T0 = datetime.datetime(2025, 1, 31, 9, 30, tzinfo=datetime.UTC)


def codes(password: str, level: PasswordLevel) -> list[ViolationCode]:
    return [v.code for v in check_password(password, level)]


# Weak: 6–24, letters or digits only.


@pytest.mark.parametrize("password", ["abcdef", "123456", "a1b2c3", "A" * 24, "111111", "Ab3Zz9"])
def test_weak_accepts(password: str) -> None:
    assert check_password(password, WEAK) == []


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("abcde", [ViolationCode.TOO_SHORT]),
        ("a" * 25, [ViolationCode.TOO_LONG]),
        ("", [ViolationCode.TOO_SHORT]),
        ("abc-def", [ViolationCode.CHARACTER_NOT_ALLOWED]),
        ("abc def", [ViolationCode.CHARACTER_NOT_ALLOWED]),
        ("비밀번호1234", [ViolationCode.CHARACTER_NOT_ALLOWED]),
    ],
)
def test_weak_refuses(password: str, expected: list[ViolationCode]) -> None:
    assert codes(password, WEAK) == expected


# Medium: 8–24, a letter and a digit, no run of three digits.


@pytest.mark.parametrize(
    "password", ["abcdefg1", "a1b2c3d4", "ab12ab12", "Pass-w0rd", "x" * 23 + "1", "13579abc", "xa890bcd", "abc12xyz89"]
)
def test_medium_accepts(password: str) -> None:
    assert check_password(password, MEDIUM) == []


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("abcdef1", [ViolationCode.TOO_SHORT]),
        ("x" * 24 + "1", [ViolationCode.TOO_LONG]),
        ("abcdefgh", [ViolationCode.NEEDS_DIGIT]),
        ("13572468", [ViolationCode.NEEDS_LETTER]),
        ("abcde111", [ViolationCode.DIGIT_RUN]),
        ("abcde123", [ViolationCode.DIGIT_RUN]),
        ("789abcde", [ViolationCode.DIGIT_RUN]),
        ("abc321de", [ViolationCode.DIGIT_RUN]),
        ("ab000cde", [ViolationCode.DIGIT_RUN]),
        ("암호abcd12", [ViolationCode.CHARACTER_NOT_ALLOWED]),
        ("pässwört1", [ViolationCode.CHARACTER_NOT_ALLOWED]),
        ("abc1", [ViolationCode.TOO_SHORT]),
        ("123", [ViolationCode.TOO_SHORT, ViolationCode.NEEDS_LETTER, ViolationCode.DIGIT_RUN]),
    ],
)
def test_medium_refuses(password: str, expected: list[ViolationCode]) -> None:
    assert codes(password, MEDIUM) == expected


def test_medium_boundaries_8_and_24() -> None:
    assert codes("abcdef1", MEDIUM) == [ViolationCode.TOO_SHORT]  # 7
    assert codes("abcdefg1", MEDIUM) == []  # 8
    assert codes("a" * 23 + "1", MEDIUM) == []  # 24
    assert codes("a" * 24 + "1", MEDIUM) == [ViolationCode.TOO_LONG]  # 25


# Strong: 8–24, upper, lower, digit and special, no run of three digits.


@pytest.mark.parametrize("password", ["Abcdef1!", "Zz9-Zz9-", "P@ssw0rd" + "x" * 16, "Aa1~" * 2, "Q{}w|e;r1"])
def test_strong_accepts(password: str) -> None:
    assert check_password(password, STRONG) == []


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("Abcde1!", [ViolationCode.TOO_SHORT]),
        ("Abcdef1!" + "x" * 17, [ViolationCode.TOO_LONG]),
        ("abcdef1!", [ViolationCode.NEEDS_UPPER]),
        ("ABCDEF1!", [ViolationCode.NEEDS_LOWER]),
        ("Abcdefg!", [ViolationCode.NEEDS_DIGIT]),
        ("Abcdefg1", [ViolationCode.NEEDS_SPECIAL]),
        ("Abcd!111", [ViolationCode.DIGIT_RUN]),
        ("Abcd!123", [ViolationCode.DIGIT_RUN]),
        ("789!Abcd", [ViolationCode.DIGIT_RUN]),
        ("Ab321cd!", [ViolationCode.DIGIT_RUN]),
        ("Abcd1 !x", [ViolationCode.CHARACTER_NOT_ALLOWED]),
        ("Abcd1!한글", [ViolationCode.CHARACTER_NOT_ALLOWED]),
        ("Abcd1！xy", [ViolationCode.CHARACTER_NOT_ALLOWED, ViolationCode.NEEDS_SPECIAL]),  # full-width !
        (
            "abcdefgh",
            [ViolationCode.NEEDS_UPPER, ViolationCode.NEEDS_DIGIT, ViolationCode.NEEDS_SPECIAL],
        ),
    ],
)
def test_strong_refuses(password: str, expected: list[ViolationCode]) -> None:
    assert codes(password, STRONG) == expected


def test_non_ascii_digits_are_neither_digits_nor_allowed() -> None:
    assert codes("Abcd!٣٣٣x", STRONG) == [ViolationCode.CHARACTER_NOT_ALLOWED, ViolationCode.NEEDS_DIGIT]


@pytest.mark.parametrize(
    ("text", "run"),
    [
        ("111", True), ("123", True), ("789", True), ("321", True), ("987", True), ("000", True),
        ("x1234y", True), ("12", False), ("135", False), ("890", False), ("901", False), ("121", False),
        ("1a2b3", False), ("abc", False), ("112", False), ("", False),
    ],
)  # fmt: skip
def test_digit_runs(text: str, run: bool) -> None:
    assert has_digit_run(text) is run


def test_weak_has_no_run_rule() -> None:
    assert check_password("111111", WEAK) == []
    assert check_password("123456", WEAK) == []


def test_every_violation_says_what_to_do() -> None:
    for violation in check_password("", STRONG) + check_password("ab 111", MEDIUM):
        assert violation.message.endswith(".")
        assert violation.message.split()[0] in {"Use", "Add", "Do", "Choose"}
    assert "at least 8 characters (this password has 0)" in check_password("", STRONG)[0].message


# Reuse: the verifier says whether the new password is the current one.


def test_reuse_refused() -> None:
    violations = check_password("Abcdef1!", STRONG, current_hash_verifier=lambda pw: pw == "Abcdef1!")
    assert [v.code for v in violations] == [ViolationCode.REUSED]
    assert "different from the current" in violations[0].message


def test_new_password_accepted_when_verifier_says_different() -> None:
    assert check_password("Abcdef1?", STRONG, current_hash_verifier=lambda pw: pw == "Abcdef1!") == []


def test_verifier_not_asked_when_a_rule_already_fails() -> None:
    asked: list[str] = []

    def verifier(password: str) -> bool:
        asked.append(password)
        return True

    assert codes("short", MEDIUM) == [ViolationCode.TOO_SHORT, ViolationCode.NEEDS_DIGIT]
    check_password("short", MEDIUM, current_hash_verifier=verifier)
    assert asked == []
    check_password("longer12", MEDIUM, current_hash_verifier=verifier)
    assert asked == ["longer12"]


# The dialog's rules.


def test_rules_text_per_level() -> None:
    assert rules_text(WEAK) == ("6 to 24 characters.", "English letters and digits only.")
    assert len(rules_text(MEDIUM)) == 4 and "111, 123, 321" in rules_text(MEDIUM)[3]
    assert "one special character" in rules_text(STRONG)[2]
    assert rules_text(STRONG, changing=True)[-1] == "Different from the current password."


@pytest.mark.parametrize("level", list(PasswordLevel))
def test_each_violation_code_maps_to_one_rule_line(level: PasswordLevel) -> None:
    lines = rules(level, changing=True)
    for password in ["", "x" * 30, "ab 12", "abcdefgh", "ABCD1234", "Abc!!111", "Ab1!Ab1!"]:
        for violation in check_password(password, level, current_hash_verifier=lambda _pw: True):
            assert sum(violation.code in line.codes for line in lines) == 1


# Lifetime.


@pytest.mark.parametrize("days", [30, 60, 90])
def test_expires_at_exactly_n_days(days: int) -> None:
    expiry = T0 + datetime.timedelta(days=days)
    assert password_expires_at(T0, days) == expiry
    assert not password_expired(T0, days, expiry - datetime.timedelta(microseconds=1))
    assert password_expired(T0, days, expiry)
    assert password_expired(T0, days, expiry + datetime.timedelta(days=400))


def test_no_lifetime_never_expires() -> None:
    assert password_expires_at(T0, None) is None
    assert not password_expired(T0, None, T0 + datetime.timedelta(days=10_000))


def test_expiry_compares_instants_across_time_zones() -> None:
    seoul = datetime.timezone(datetime.timedelta(hours=9))
    changed = datetime.datetime(2025, 3, 1, 0, 0, tzinfo=seoul)  # 2025-02-28 15:00 UTC
    assert password_expired(changed, 30, datetime.datetime(2025, 3, 30, 15, 0, tzinfo=datetime.UTC))
    assert not password_expired(changed, 30, datetime.datetime(2025, 3, 30, 14, 59, tzinfo=datetime.UTC))


@pytest.mark.parametrize("days", [0, 1, 45, -30, True])
def test_lifetime_outside_the_offered_choices_is_refused(days: int) -> None:
    with pytest.raises(LoginRulesError, match="use 30, 60 or 90"):
        password_expired(T0, days, T0)


def test_naive_times_are_refused() -> None:
    naive = datetime.datetime(2025, 1, 1)
    with pytest.raises(LoginRulesError, match="naive"):
        password_expired(naive, 30, T0)
    with pytest.raises(LoginRulesError, match="naive"):
        password_expired(T0, 30, naive)
    with pytest.raises(ValueError):  # LoginRulesError is a ValueError, for pydantic validators
        password_expired(T0, 30, naive)
