"""The e-mailed code's rules (server.two_step): hashing, expiry, attempt limit, single use, with a fake clock."""

from __future__ import annotations

import dataclasses
import datetime

import pytest

from server.two_step import (
    CODE_TTL,
    MAX_ATTEMPTS,
    ChallengeState,
    Verdict,
    code_hash,
    judge,
    new_challenge_id,
    refusal_sentence,
)

START = datetime.datetime(2026, 5, 1, 9, 0, tzinfo=datetime.UTC)
CHALLENGE_ID = "0123456789abcdef0123456789abcdef"


class FakeClock:
    """Time that moves only when a test says so."""

    def __init__(self) -> None:
        self.now = START

    def advance(self, seconds: float) -> datetime.datetime:
        self.now += datetime.timedelta(seconds=seconds)
        return self.now


def fresh(code: str = "042917") -> ChallengeState:
    return ChallengeState(CHALLENGE_ID, code_hash(CHALLENGE_ID, code), START + CODE_TTL, 0, False)


def spend(state: ChallengeState, verdict: Verdict) -> ChallengeState:
    """What the database does with a verdict: a wrong code counts, a right one uses the challenge."""
    if verdict is Verdict.WRONG:
        return dataclasses.replace(state, attempts=state.attempts + 1)
    if verdict is Verdict.ACCEPTED:
        return dataclasses.replace(state, used=True)
    return state


def test_the_hash_is_keyed_by_the_challenge_and_never_the_code() -> None:
    digest = code_hash(CHALLENGE_ID, "042917")
    assert len(digest) == 64 and "042917" not in digest
    assert digest == code_hash(CHALLENGE_ID, "042917")
    assert digest != code_hash("f" * 32, "042917")
    assert digest != code_hash(CHALLENGE_ID, "042918")


def test_challenge_ids_are_random_hex() -> None:
    ids = {new_challenge_id() for _ in range(50)}
    assert len(ids) == 50 and all(len(i) == 32 and int(i, 16) >= 0 for i in ids)


def test_the_right_code_is_accepted_once() -> None:
    state = fresh()
    verdict = judge(state, "042917", START)
    assert verdict is Verdict.ACCEPTED
    assert judge(spend(state, verdict), "042917", START) is Verdict.USED


def test_the_code_expires_after_five_minutes() -> None:
    clock = FakeClock()
    state = fresh()
    assert judge(state, "042917", clock.advance(CODE_TTL.total_seconds() - 1)) is Verdict.ACCEPTED
    assert judge(state, "042917", clock.advance(1)) is Verdict.EXPIRED
    assert judge(state, "000000", clock.now) is Verdict.EXPIRED  # an expired code is not even compared


def test_five_wrong_codes_exhaust_the_challenge() -> None:
    clock = FakeClock()
    state = fresh()
    for attempt in range(MAX_ATTEMPTS):
        verdict = judge(state, "111111", clock.advance(10))
        assert verdict is Verdict.WRONG, attempt
        state = spend(state, verdict)
    assert state.attempts == MAX_ATTEMPTS == 5
    assert judge(state, "042917", clock.now) is Verdict.EXHAUSTED


@pytest.mark.parametrize(("verdict", "left", "words"), [
    (Verdict.WRONG, 4, "4 attempts left"),
    (Verdict.WRONG, 1, "1 attempt left"),
    (Verdict.WRONG, 0, "log in again"),
    (Verdict.EXHAUSTED, 0, "log in again"),
    (Verdict.EXPIRED, 3, "expired"),
    (Verdict.USED, 3, "already used"),
])
def test_every_refusal_says_what_to_do(verdict: Verdict, left: int, words: str) -> None:
    sentence = refusal_sentence(verdict, left)
    assert words in sentence and sentence.endswith(".")
