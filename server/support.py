"""Support sessions: connection codes, joining, ending, relay admission (run inside ``Database.call``).

Rules:
- A code is live while ``live_code`` holds it: unique among live codes (a unique column), cleared when
  the code is used, when the session ends, and lazily once expired. ``code`` keeps it for the record.
- Joining is one conditional UPDATE, so a code is used at most once even under concurrent joins.
- A session's state only moves forward: waiting -> joined -> live -> ended (or straight to ended).
"""

from __future__ import annotations

import dataclasses
import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from server.accounts import Agent, authenticate, load_agent
from server.errors import (
    ForbiddenError,
    GoneError,
    NotAuthenticatedError,
    NotFoundError,
    RelayRefusedError,
)
from server.models import SessionEvent, SessionState, SupportSession, utcnow
from server.options import agent_options
from server.policy import OPTIONS, EffectiveOptions
from server.policy.model import Place
from server.security import (
    digests_match,
    new_code,
    new_session_id,
    new_session_secret,
    new_token,
    token_digest,
)

CODE_ATTEMPTS = 50
BAD_AGENT_TOKEN = "missing, unknown or expired agent token: log in again"
RECENT_CODES = datetime.timedelta(hours=24)
CLOSE_BAD_TOKEN, CLOSE_NOT_YOURS, CLOSE_NO_SESSION, CLOSE_ENDED = 4401, 4403, 4404, 4410


@dataclasses.dataclass(frozen=True)
class NewSession:
    """A session just created for an agent."""

    session_id: str
    code: str
    expires_at: datetime.datetime
    secret: str


@dataclasses.dataclass(frozen=True)
class Joined:
    """What the customer's host module gets for a good code, and whom to tell."""

    session_id: str
    host_token: str
    secret: str
    agent_id: int
    agent_name: str
    company: str
    pc_name: str
    os: str
    policy: EffectiveOptions = dataclasses.field(default_factory=dict)  # host-enforced options


@dataclasses.dataclass(frozen=True)
class SessionRecord:
    """A session as ``GET /api/v1/sessions/{id}`` shows it."""

    session_id: str
    state: str
    agent: str
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    ended_at: datetime.datetime | None
    pc_name: str | None
    os: str | None
    end_reason: str | None


@dataclasses.dataclass(frozen=True)
class EndOutcome:
    """What ``POST /end`` did: ``ended`` now, or the session is ``live`` and the relay must end it."""

    agent_id: int
    reason: str
    ended: bool
    live: bool


@dataclasses.dataclass(frozen=True)
class Ended:
    """A session the relay has just closed."""

    agent_id: int
    reason: str


def _expire_codes(db: Session, now: datetime.datetime) -> None:
    db.execute(update(SupportSession)
               .where(SupportSession.live_code.is_not(None), SupportSession.code_expires_at <= now)
               .values(live_code=None))


def create_session(db: Session, agent: Agent, code_ttl_s: float) -> NewSession:
    """A new waiting session with a fresh live code for ``agent``."""
    now = utcnow()
    _expire_codes(db, now)
    for _ in range(CODE_ATTEMPTS):
        code = new_code()
        taken = db.scalar(select(SupportSession.id).where(SupportSession.live_code == code))
        if taken is None:
            break
    else:  # a million codes and fifty misses: the table is full of live codes
        raise GoneError("No free connection code is available right now: try again in a minute.")
    row = SupportSession(
        id=new_session_id(), code=code, live_code=code, secret=new_session_secret(), agent_id=agent.id,
        code_expires_at=now + datetime.timedelta(seconds=code_ttl_s), created_at=now,
        state=SessionState.WAITING.value,
    )
    db.add(row)
    db.flush()
    return NewSession(row.id, code, row.code_expires_at, row.secret)


def _refuse_unusable(db: Session, code: str, now: datetime.datetime) -> None:
    recent = db.scalar(select(SupportSession.id).where(
        SupportSession.code == code, SupportSession.created_at > now - RECENT_CODES).limit(1))
    if recent is not None:
        raise GoneError("This connection code has already been used or has expired: "
                        "ask your support agent for a new code.")
    raise NotFoundError("No session has this connection code: check the 6 digits your support agent "
                        "gave you and try again.")


def join_session(db: Session, code: str, pc_name: str, os_name: str) -> Joined:
    """Use a live code once: record the customer's PC and hand out the host token."""
    now = utcnow()
    row = db.scalars(select(SupportSession).where(SupportSession.live_code == code)).one_or_none()
    if row is None or row.code_expires_at <= now:
        _refuse_unusable(db, code, now)
    assert row is not None  # _refuse_unusable always raises
    host_token = new_token()
    result = db.execute(
        update(SupportSession)
        .where(SupportSession.id == row.id, SupportSession.live_code == code,
               SupportSession.state == SessionState.WAITING.value)
        .values(live_code=None, code_used=True, host_token_hash=token_digest(host_token), joined_at=now,
                pc_name=pc_name, os=os_name, state=SessionState.JOINED.value)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        _refuse_unusable(db, code, now)
    agent = load_agent(db, row.agent_id)
    policy = host_policy(agent_options(db, agent.id))
    return Joined(row.id, host_token, row.secret, agent.id, agent.name, agent.company, pc_name, os_name, policy)


def host_policy(options: EffectiveOptions) -> EffectiveOptions:
    """The agent's effective options that the customer's host enforces (catalogue: enforced at the host)."""
    return {option.key: options[option.key] for option in OPTIONS
            if Place.HOST in option.enforced_at and option.key in options}


def _owned_row(db: Session, session_id: str, agent: Agent) -> SupportSession:
    row = db.get(SupportSession, session_id)
    if row is None or row.agent_id != agent.id:
        raise NotFoundError(f"You have no session with id {session_id}: check the id returned by "
                            "POST /api/v1/sessions.")
    return row


def _code_expired(row: SupportSession) -> bool:
    return row.state == SessionState.WAITING.value and row.code_expires_at <= utcnow()


def get_session(db: Session, session_id: str, agent: Agent) -> SessionRecord:
    """The record of one of the agent's sessions (state "expired": the code expired unused)."""
    row = _owned_row(db, session_id, agent)
    state = "expired" if _code_expired(row) else row.state
    return SessionRecord(row.id, state, agent.login_id, row.created_at, row.started_at, row.ended_at,
                         row.pc_name, row.os, row.end_reason)


def _end_by(db: Session, row: SupportSession, token: str | None) -> str:
    if token and digests_match(token_digest(token), row.host_token_hash):
        return "customer"
    caller = authenticate(db, token)
    if caller.agent.id != row.agent_id:
        raise ForbiddenError("This session belongs to another agent: only its agent or its customer "
                             "can end it.")
    return "agent"


def end_session(db: Session, session_id: str, token: str | None, reason: str | None) -> EndOutcome:
    """End a session for its agent or its customer; a live one keeps running until the relay closes."""
    row = db.get(SupportSession, session_id)
    if row is None:
        raise NotFoundError(f"There is no session with id {session_id}: check the id.")
    who = _end_by(db, row, token)
    if row.state == SessionState.ENDED.value:
        return EndOutcome(row.agent_id, row.end_reason or "", ended=False, live=False)
    row.end_reason = row.end_reason or reason or f"ended by the {who}"
    if row.state == SessionState.LIVE.value:
        return EndOutcome(row.agent_id, row.end_reason, ended=False, live=True)
    row.state, row.ended_at, row.live_code = SessionState.ENDED.value, utcnow(), None
    return EndOutcome(row.agent_id, row.end_reason, ended=True, live=False)


def admit_leg(db: Session, session_id: str, role: str, token: str | None) -> int:
    """Check a relay leg's credentials; the session's agent id, or ``RelayRefusedError``."""
    row = db.get(SupportSession, session_id)
    if row is None:
        raise RelayRefusedError(CLOSE_NO_SESSION, "no such session")
    if row.state == SessionState.ENDED.value:
        raise RelayRefusedError(CLOSE_ENDED, "the session has ended")
    if _code_expired(row):
        raise RelayRefusedError(CLOSE_ENDED, "the code expired before the customer joined")
    if role == "host":
        if not token or not digests_match(token_digest(token), row.host_token_hash):
            raise RelayRefusedError(CLOSE_BAD_TOKEN, "wrong host token: join with the code first")
        return row.agent_id
    try:
        caller = authenticate(db, token)
    except NotAuthenticatedError as exc:
        raise RelayRefusedError(CLOSE_BAD_TOKEN, BAD_AGENT_TOKEN) from exc
    if caller.agent.id != row.agent_id:
        raise RelayRefusedError(CLOSE_NOT_YOURS, "this session belongs to another agent")
    return row.agent_id


def mark_live(db: Session, session_id: str) -> bool:
    """Both legs are paired: the session is live from now (False when it had already ended)."""
    result = db.execute(
        update(SupportSession)
        .where(SupportSession.id == session_id, SupportSession.state != SessionState.ENDED.value)
        .values(state=SessionState.LIVE.value, started_at=utcnow(), live_code=None)
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1


def mark_ended(db: Session, session_id: str, fallback_reason: str, bytes_relayed: int) -> Ended:
    """The relay closed: record the end (keeping a reason given earlier by ``POST /end``)."""
    row = db.get_one(SupportSession, session_id)
    if row.state != SessionState.ENDED.value:
        row.state, row.ended_at, row.live_code = SessionState.ENDED.value, utcnow(), None
        row.end_reason = row.end_reason or fallback_reason
    row.bytes_relayed = (row.bytes_relayed or 0) + bytes_relayed
    return Ended(row.agent_id, row.end_reason or fallback_reason)


def close_stale_sessions(db: Session) -> int:
    """At start-up: sessions left live by a previous process cannot resume; mark them ended."""
    rows = db.scalars(select(SupportSession).where(SupportSession.state == SessionState.LIVE.value)).all()
    for row in rows:
        row.state, row.ended_at = SessionState.ENDED.value, utcnow()
        row.end_reason = row.end_reason or "server restarted"
    return len(rows)


@dataclasses.dataclass(frozen=True)
class GrantEvent:
    """One grant, refusal or revoke the host reports."""

    kind: str
    granted: bool
    by: str
    reason: str = ""


def record_events(db: Session, session_id: str, host_token: str | None, events: list[GrantEvent]) -> int:
    """Add the host's events to the session record (host token only); how many the session holds now."""
    row = db.get(SupportSession, session_id)
    if row is None or not host_token or not digests_match(token_digest(host_token), row.host_token_hash):
        raise NotFoundError(f"There is no session {session_id} for this host token: join with the code first.")
    for event in events:
        db.add(SessionEvent(session_id=session_id, kind=event.kind, granted=event.granted, by=event.by,
                            reason=event.reason))
    db.flush()
    return len(list(db.scalars(select(SessionEvent.id).where(SessionEvent.session_id == session_id))))


OPEN_STATES = (SessionState.WAITING.value, SessionState.JOINED.value, SessionState.LIVE.value)


def end_agent_sessions(db: Session, agent_id: int, reason: str) -> list[tuple[str, EndOutcome]]:
    """End every session of an agent whose login an administrator ended: (session id, what to do) for each."""
    rows = db.scalars(select(SupportSession).where(SupportSession.agent_id == agent_id,
                                                   SupportSession.state.in_(OPEN_STATES))).all()
    outcomes = []
    for row in rows:
        row.end_reason = row.end_reason or reason[:200]
        if row.state == SessionState.LIVE.value:
            outcomes.append((row.id, EndOutcome(agent_id, row.end_reason, ended=False, live=True)))
            continue
        row.state, row.ended_at, row.live_code = SessionState.ENDED.value, utcnow(), None
        outcomes.append((row.id, EndOutcome(agent_id, row.end_reason, ended=True, live=False)))
    return outcomes
