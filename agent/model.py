"""The agent's sessions and its own state, without Qt.

Rules: every session the agent issued a code for is one SessionRecord (frozen; replaced on
change). Rule 1: a session's state changes only through ``TRANSITIONS``; an event that the
table does not allow in the current state is ignored (returns None), never an exception,
because pushes and process exits arrive in any order. Rule 2: the agent is IN_SESSION while
at least one session has a viewer (JOINED or IN_SESSION); otherwise VIEWER_WAITING while a
code waits for its customer; otherwise AGENT_WAITING (the same words as the server's group list).
Time is passed in (monotonic seconds, or an aware datetime for account expiry), so expiry is
tested without sleeping. ``AgentOptions`` reads the effective options the window follows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import secrets
from collections.abc import Callable, Mapping
from typing import Any

SUPPORT_LOG_MODES = ("off", "optional", "required")
EXPIRY_WARNING_DAYS = 14


class AgentState(enum.Enum):
    """What the agent is doing, as its state label says."""

    AGENT_WAITING = "agent_waiting"  # logged in, no code out, no session
    VIEWER_WAITING = "viewer_waiting"  # a code waits for its customer
    IN_SESSION = "in_session"


class SessionState(enum.Enum):
    """Where one session stands, from the agent's side."""

    WAITING = "waiting"  # code issued, no customer yet
    EXPIRED = "expired"  # the code's time ran out with no customer
    JOINED = "joined"  # the customer entered the code; the viewer is starting
    IN_SESSION = "in_session"  # the viewer process runs
    ENDED = "ended"  # the viewer exited normally, or the server ended the session
    FAILED = "failed"  # the viewer exited with an error status or could not start
    CRASHED = "crashed"  # the viewer process died (signal)


class Event(enum.Enum):
    """What can happen to a session."""

    CUSTOMER_JOINED = "customer_joined"
    CODE_EXPIRED = "code_expired"
    VIEWER_STARTED = "viewer_started"
    VIEWER_EXITED = "viewer_exited"
    VIEWER_FAILED = "viewer_failed"
    VIEWER_CRASHED = "viewer_crashed"
    SERVER_ENDED = "server_ended"


S, E = SessionState, Event
TRANSITIONS: dict[SessionState, dict[Event, SessionState]] = {
    S.WAITING: {E.CUSTOMER_JOINED: S.JOINED, E.CODE_EXPIRED: S.EXPIRED, E.SERVER_ENDED: S.ENDED},
    # the server's clock decides expiry: a join it accepted after our countdown ran out still counts
    S.EXPIRED: {E.CUSTOMER_JOINED: S.JOINED, E.SERVER_ENDED: S.EXPIRED},
    S.JOINED: {E.VIEWER_STARTED: S.IN_SESSION, E.VIEWER_FAILED: S.FAILED, E.VIEWER_CRASHED: S.FAILED},
    # a server end while the viewer runs only notes the reason: the viewer's exit ends it here
    S.IN_SESSION: {E.VIEWER_EXITED: S.ENDED, E.VIEWER_FAILED: S.FAILED, E.VIEWER_CRASHED: S.CRASHED,
                   E.SERVER_ENDED: S.IN_SESSION},
    S.ENDED: {},
    S.FAILED: {},
    S.CRASHED: {},
}
ACTIVE = frozenset({S.JOINED, S.IN_SESSION})
FINAL = frozenset({S.ENDED, S.FAILED, S.CRASHED})


@dataclasses.dataclass(frozen=True)
class SessionRecord:
    """One session as the agent knows it; ``deadline`` is the code's expiry on the monotonic clock."""

    session_id: str
    code: str
    connect_url: str
    deadline: float
    secret: str = dataclasses.field(repr=False)
    state: SessionState = SessionState.WAITING
    pc_name: str = ""
    os: str = ""
    detail: str = ""
    session_password: str = dataclasses.field(default="", repr=False)  # made on this PC; "" when none


class SessionBook:
    """The sessions of this login, newest first; see the module rules."""

    def __init__(self) -> None:
        self._records: dict[str, SessionRecord] = {}

    def add(self, session_id: str, code: str, connect_url: str, secret: str,
            deadline: float, *, session_password: str = "") -> SessionRecord:
        """Record a newly issued code."""
        record = SessionRecord(session_id, code, connect_url, deadline, secret,
                               session_password=session_password)
        self._records[session_id] = record
        return record

    def get(self, session_id: str) -> SessionRecord | None:
        return self._records.get(session_id)

    def records(self) -> list[SessionRecord]:
        """All sessions, newest first."""
        return list(reversed(self._records.values()))

    @property
    def agent_state(self) -> AgentState:
        """IN_SESSION while any viewer is starting or running, VIEWER_WAITING while a code waits (rule 2)."""
        states = {r.state for r in self._records.values()}
        if states & ACTIVE:
            return AgentState.IN_SESSION
        if S.WAITING in states:
            return AgentState.VIEWER_WAITING
        return AgentState.AGENT_WAITING

    def apply(self, session_id: str, event: Event, *, pc_name: str | None = None, os: str | None = None,
              detail: str | None = None) -> SessionRecord | None:
        """Apply ``event`` (rule 1) and the given field changes; returns the new record, or None."""
        record = self._records.get(session_id)
        if record is None:
            return None
        target = TRANSITIONS[record.state].get(event)
        if target is None:
            return None
        updated = dataclasses.replace(
            record, state=target,
            pc_name=record.pc_name if pc_name is None else pc_name,
            os=record.os if os is None else os,
            detail=record.detail if detail is None else detail,
        )
        if updated == record:
            return None
        self._records[session_id] = updated
        return updated

    def expire_due(self, now: float) -> list[SessionRecord]:
        """Mark WAITING sessions whose deadline has passed as EXPIRED; returns those changed."""
        due = [r.session_id for r in self._records.values() if r.state is S.WAITING and r.deadline <= now]
        changed = [self.apply(sid, E.CODE_EXPIRED) for sid in due]
        return [r for r in changed if r is not None]


@dataclasses.dataclass(frozen=True)
class AgentOptions:
    """The effective options the agent app itself follows (server.policy.catalogue keys and defaults)."""

    support_log: str = "optional"  # off / optional / required
    auto_logout_minutes: int | None = None  # None: no auto-logout
    session_password_mode: str | None = None  # None: no session password; "auto" or "fixed"
    session_password_value: str = dataclasses.field(default="", repr=False)
    copy_connection_info: bool = True
    email_connection_info: bool = False
    expiry_notice: bool = True
    agent_user_status: bool = True

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> AgentOptions:
        """Read the server's effective options; a missing key keeps the catalogue's default."""
        default = cls()
        mode = str(options.get("support_log", default.support_log))
        minutes = options.get("auto_logout_minutes", 30)
        password_mode = str(options.get("session_password_mode") or "auto")
        return cls(
            support_log=mode if mode in SUPPORT_LOG_MODES else default.support_log,
            auto_logout_minutes=int(minutes) if options.get("auto_logout") is True and minutes else None,
            session_password_mode=password_mode if options.get("session_password") is True else None,
            session_password_value=str(options.get("session_password_value") or ""),
            copy_connection_info=options.get("copy_connection_info", default.copy_connection_info) is True,
            email_connection_info=options.get("email_connection_info", default.email_connection_info) is True,
            expiry_notice=options.get("expiry_notice", default.expiry_notice) is True,
            agent_user_status=options.get("agent_user_status", default.agent_user_status) is True,
        )


def make_session_password(options: AgentOptions, randbelow: Callable[[int], int] = secrets.randbelow) -> str:
    """The 4-digit session password for a new code: drawn here (auto) or the policy's (fixed); "" when off."""
    if options.session_password_mode is None:
        return ""
    if options.session_password_mode == "fixed" and options.session_password_value:
        return options.session_password_value
    return f"{randbelow(10_000):04d}"


def days_left(expires_at: dt.datetime, now: dt.datetime) -> int:
    """Whole calendar days from ``now`` until ``expires_at`` (both aware; 0 on the last day, <0 after)."""
    return (expires_at.date() - now.astimezone(expires_at.tzinfo).date()).days


def expiry_is_near(expires_at: dt.datetime, now: dt.datetime) -> bool:
    """Within EXPIRY_WARNING_DAYS days: the notice is shown in the warning colour."""
    return days_left(expires_at, now) <= EXPIRY_WARNING_DAYS


def support_log_missing(mode: str, customer_name: str, content: str, category_id: int | None,
                        has_categories: bool) -> list[str]:
    """Which fields a *required* support log still lacks ("customer_name", "content", "category")."""
    if mode != "required":
        return []
    missing = [name for name, value in (("customer_name", customer_name), ("content", content))
               if not value.strip()]
    if has_categories and category_id is None:
        missing.append("category")
    return missing
