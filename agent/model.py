"""The agent's sessions and its own state, without Qt.

Rules: every session the agent issued a code for is one SessionRecord (frozen; replaced on
change). Rule 1: a session's state changes only through ``TRANSITIONS``; an event that the
table does not allow in the current state is ignored (returns None), never an exception,
because pushes and process exits arrive in any order. Rule 2: the agent is IN_SESSION while
at least one session has a viewer (JOINED or IN_SESSION), otherwise VIEWER_WAITING.
Time is passed in (monotonic seconds), so expiry is tested without sleeping.
"""

from __future__ import annotations

import dataclasses
import enum


class AgentState(enum.Enum):
    """What the agent is doing, as its state label says."""

    VIEWER_WAITING = "viewer_waiting"
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


class SessionBook:
    """The sessions of this login, newest first; see the module rules."""

    def __init__(self) -> None:
        self._records: dict[str, SessionRecord] = {}

    def add(self, session_id: str, code: str, connect_url: str, secret: str,
            deadline: float) -> SessionRecord:
        """Record a newly issued code."""
        record = SessionRecord(session_id, code, connect_url, deadline, secret)
        self._records[session_id] = record
        return record

    def get(self, session_id: str) -> SessionRecord | None:
        return self._records.get(session_id)

    def records(self) -> list[SessionRecord]:
        """All sessions, newest first."""
        return list(reversed(self._records.values()))

    @property
    def agent_state(self) -> AgentState:
        """IN_SESSION while any viewer is starting or running (rule 2)."""
        if any(r.state in ACTIVE for r in self._records.values()):
            return AgentState.IN_SESSION
        return AgentState.VIEWER_WAITING

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
