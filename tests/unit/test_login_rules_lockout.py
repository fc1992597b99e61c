"""Five wrong passwords lock the account: until an admin resets it, or for the lock time; time passed in."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest

from server.login_rules import (
    LockoutPolicy,
    LockoutState,
    LoginRulesError,
    is_locked,
    register_failure,
    register_success,
    reset_lock,
)

T0 = datetime.datetime(2025, 6, 1, 12, 0, tzinfo=datetime.UTC)
SECOND = datetime.timedelta(seconds=1)
UNTIL_RESET = LockoutPolicy()
TEN_MINUTES = LockoutPolicy(lock_time=datetime.timedelta(minutes=10))


def fail(times: int, policy: LockoutPolicy, state: LockoutState | None = None) -> LockoutState:
    """``times`` wrong passwords one second apart from T0."""
    state = state or LockoutState()
    for i in range(times):
        state = register_failure(state, T0 + i * SECOND, policy)
    return state


def test_four_failures_do_not_lock() -> None:
    state = fail(4, UNTIL_RESET)
    status = is_locked(state, T0 + 10 * SECOND, UNTIL_RESET)
    assert not status.locked and status.failures_left == 1 and status.remaining is None
    assert status.message() == "1 more wrong password(s) will lock this account."


def test_fifth_failure_locks_until_an_admin_resets() -> None:
    state = fail(5, UNTIL_RESET)
    assert state == LockoutState(5, T0 + 4 * SECOND)
    for later in (T0 + 5 * SECOND, T0 + datetime.timedelta(days=365)):
        status = is_locked(state, later, UNTIL_RESET)
        assert status.locked and status.until_reset and status.remaining is None and status.failures_left == 0
    assert "ask an administrator to reset the password" in is_locked(state, T0, UNTIL_RESET).message()
    assert reset_lock() == LockoutState()
    assert not is_locked(reset_lock(), T0 + 6 * SECOND, UNTIL_RESET).locked


def test_success_before_the_limit_clears_the_count() -> None:
    state = register_success(fail(4, UNTIL_RESET))
    assert state == LockoutState()
    assert not is_locked(fail(4, UNTIL_RESET, state), T0, UNTIL_RESET).locked


def test_timed_lock_lifts_at_exactly_the_lock_time() -> None:
    state = fail(5, TEN_MINUTES)
    locked_at = T0 + 4 * SECOND
    status = is_locked(state, locked_at + datetime.timedelta(minutes=3), TEN_MINUTES)
    assert status.locked and not status.until_reset and status.remaining == datetime.timedelta(minutes=7)
    assert status.message().endswith("try again in 7 minute(s).")
    last = is_locked(state, locked_at + datetime.timedelta(minutes=10) - SECOND, TEN_MINUTES)
    assert last.locked and last.remaining == SECOND and last.message().endswith("try again in 1 second(s).")
    lifted = is_locked(state, locked_at + datetime.timedelta(minutes=10), TEN_MINUTES)
    assert not lifted.locked and lifted.failures_left == 5


def test_after_a_timed_lock_the_count_starts_again() -> None:
    state = fail(5, TEN_MINUTES)
    after = T0 + datetime.timedelta(hours=1)
    state = register_failure(state, after, TEN_MINUTES)
    assert state == LockoutState(1, None)
    for i in range(1, 5):
        state = register_failure(state, after + i * SECOND, TEN_MINUTES)
    assert state.locked_at == after + 4 * SECOND
    assert is_locked(state, after + 5 * SECOND, TEN_MINUTES).locked


def test_failure_while_locked_changes_nothing() -> None:
    state = fail(5, TEN_MINUTES)
    assert register_failure(state, T0 + datetime.timedelta(minutes=9), TEN_MINUTES) is state
    assert register_failure(fail(5, UNTIL_RESET), T0 + datetime.timedelta(days=2), UNTIL_RESET) == fail(5, UNTIL_RESET)


def test_policy_in_force_decides_an_existing_lock() -> None:
    state = fail(5, UNTIL_RESET)
    assert not is_locked(state, T0 + datetime.timedelta(minutes=11), TEN_MINUTES).locked  # lock time set later
    assert is_locked(fail(5, TEN_MINUTES), T0 + datetime.timedelta(days=9), UNTIL_RESET).until_reset


def test_clock_going_backwards_never_lengthens_a_lock() -> None:
    state = fail(5, TEN_MINUTES)
    status = is_locked(state, T0 - datetime.timedelta(hours=5), TEN_MINUTES)
    assert status.locked and status.remaining == datetime.timedelta(minutes=10)


def test_long_lock_time_reads_in_hours() -> None:
    policy = LockoutPolicy(lock_time=datetime.timedelta(hours=24))
    assert is_locked(fail(5, policy), T0 + 4 * SECOND, policy).message().endswith("try again in 24 hour(s).")


def test_configurable_failure_limit() -> None:
    policy = LockoutPolicy(max_failures=3)
    assert not is_locked(fail(2, policy), T0, policy).locked
    assert is_locked(fail(3, policy), T0 + 3 * SECOND, policy).locked


@pytest.mark.parametrize(
    "make",
    [
        lambda: LockoutPolicy(max_failures=0),
        lambda: LockoutPolicy(lock_time=datetime.timedelta(0)),
        lambda: LockoutPolicy(lock_time=-SECOND),
        lambda: LockoutState(failures=-1),
        lambda: LockoutState(1, datetime.datetime(2025, 1, 1)),
        lambda: is_locked(LockoutState(), datetime.datetime(2025, 1, 1), UNTIL_RESET),
    ],
)
def test_misuse_is_refused_with_a_login_rules_error(make: Callable[[], object]) -> None:
    with pytest.raises(LoginRulesError):
        make()
