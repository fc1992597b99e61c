"""Account lock after wrong passwords, as pure functions over a small frozen state; time is passed in.

Rules kept here (SPEC.md "Company options"; the manual's 로그인 실패 시 계정 잠금 / 로그인 잠금 시간 설정):

1. Wrong passwords are counted; the fifth in a row (``LockoutPolicy.max_failures``) locks the account.
   A correct password before that clears the count (``register_success``).
2. Without a lock time the account stays locked until an admin resets or changes the password
   (``reset_lock``). With a lock time it unlocks by itself once that time has passed since the lock,
   the instant included; the policy in force when asked decides, so changing the lock time applies
   to accounts already locked.
3. While locked the server does not check passwords. A failure registered while locked changes nothing:
   it neither extends the lock nor counts. After a timed lock has passed, the count starts again from
   zero, so the next five wrong passwords lock again.
4. A clock that went backwards never makes a lock last longer than the lock time.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from typing import Final

from server.login_rules.errors import LoginRulesError, require_aware

MAX_FAILURES: Final = 5


@dataclass(frozen=True)
class LockoutPolicy:
    """The company's lock settings: failures before the lock, and the lock time (None: until an admin resets)."""

    max_failures: int = MAX_FAILURES
    lock_time: datetime.timedelta | None = None

    def __post_init__(self) -> None:
        if self.max_failures < 1:
            raise LoginRulesError(f"max_failures is {self.max_failures}: it must be at least 1 (the product uses 5).")
        if self.lock_time is not None and self.lock_time <= datetime.timedelta(0):
            raise LoginRulesError(f"The lock time {self.lock_time} is not positive: set a positive time or None.")


@dataclass(frozen=True)
class LockoutState:
    """One account's wrong passwords in a row, and when the account was locked (None: not locked)."""

    failures: int = 0
    locked_at: datetime.datetime | None = None

    def __post_init__(self) -> None:
        if self.failures < 0:
            raise LoginRulesError(f"failures is {self.failures}: a count of wrong passwords cannot be negative.")
        if self.locked_at is not None:
            require_aware(self.locked_at, "locked_at")


@dataclass(frozen=True)
class LockStatus:
    """Whether login is refused now; ``remaining`` is the time left of a timed lock, else None."""

    locked: bool
    remaining: datetime.timedelta | None
    failures_left: int

    @property
    def until_reset(self) -> bool:
        """True when only an admin can unlock the account."""
        return self.locked and self.remaining is None

    def message(self) -> str:
        """A sentence for the person logging in."""
        if not self.locked:
            return f"{self.failures_left} more wrong password(s) will lock this account."
        if self.remaining is None:
            return "This account is locked after too many wrong passwords: ask an administrator to reset the password."
        return f"This account is locked after too many wrong passwords: try again in {_duration(self.remaining)}."


def register_failure(state: LockoutState, now: datetime.datetime, policy: LockoutPolicy) -> LockoutState:
    """The state after a wrong password at ``now``; the failure that reaches the limit locks the account."""
    if is_locked(state, now, policy).locked:
        return state
    failures = (0 if state.locked_at is not None else state.failures) + 1
    return LockoutState(failures, now if failures >= policy.max_failures else None)


def register_success(state: LockoutState) -> LockoutState:
    """The state after a correct password (only checked while ``is_locked`` says unlocked): a clean count."""
    return LockoutState()


def reset_lock() -> LockoutState:
    """The state after an admin resets or changes the password: unlocked, no failures counted."""
    return LockoutState()


def is_locked(state: LockoutState, now: datetime.datetime, policy: LockoutPolicy) -> LockStatus:
    """Whether ``state`` refuses login at ``now`` under ``policy``, with the time left of a timed lock."""
    require_aware(now, "now")
    if state.locked_at is None:
        return LockStatus(False, None, max(policy.max_failures - state.failures, 0))
    if policy.lock_time is None:
        return LockStatus(True, None, 0)
    remaining = min(state.locked_at + policy.lock_time - now, policy.lock_time)
    if remaining <= datetime.timedelta(0):
        return LockStatus(False, None, policy.max_failures)
    return LockStatus(True, remaining, 0)


def _duration(remaining: datetime.timedelta) -> str:
    seconds = math.ceil(remaining.total_seconds())
    if seconds < 60:
        return f"{seconds} second(s)"
    minutes = math.ceil(seconds / 60)
    if minutes < 120:
        return f"{minutes} minute(s)"
    return f"{math.ceil(minutes / 60)} hour(s)"
