"""Session share and transfer: a child session for another agent (run inside ``Database.call``).

The relay pairs exactly two legs, so a watcher (share) or a new agent (transfer) gets a child session of its
own: same customer (PC name and OS copied), a new id, a host token and a secret that the inviting viewer hands
to the customer's host inside the end-to-end channel. The host opens the child's host leg only after the
customer agreed (or transfer_auto_accept); the invited agent's viewer opens the viewer leg after accepting.

Rules:
- Only the agent of a live session may invite, only when their effective options allow session_share /
  session_transfer (403 with the option's name), and only an agent of the same company (404 otherwise) who is
  logged in now (409): a push socket open with a live token. Inviting oneself is 422.
- The child waits (state waiting) until the invited agent accepts, for ``INVITE_TTL_S``; accepting moves it to
  joined (the relay then admits the invited agent's viewer), declining ends it. Only the invited agent answers.
- Every step is on the parent session's record (``session_events``: session_share / session_transfer, by
  agent), so the history shows who was invited and who answered; the customer's own decision comes from the
  host like every other grant.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts import Agent, live_tokens
from server.errors import ConflictError, ForbiddenError, GoneError, NotFoundError, ValidationFailedError
from server.models import SessionEvent, SessionState, SupportSession, Token, User, utcnow
from server.options import agent_options
from server.security import new_session_id, new_session_secret, new_token, token_digest

KINDS = {"share": "session_share", "transfer": "session_transfer"}  # handover kind -> option and event kind
INVITE_TTL_S = 120.0


@dataclasses.dataclass(frozen=True)
class Candidate:
    """An agent who could be invited now."""

    login_id: str
    name: str


@dataclasses.dataclass(frozen=True)
class Invitation:
    """A child session waiting for the invited agent's answer."""

    handover_id: str  # the child session's id
    kind: str  # share | transfer
    parent_id: str
    inviter_id: int
    inviter_login: str
    inviter_name: str
    target_id: int
    target_login: str
    target_name: str
    host_token: str = dataclasses.field(repr=False)
    secret: str = dataclasses.field(repr=False)
    expires_at: datetime.datetime
    pc_name: str
    os: str


@dataclasses.dataclass(frozen=True)
class Answer:
    """What accepting gives the invited agent's app: enough to start its viewer."""

    handover_id: str
    kind: str
    secret: str = dataclasses.field(repr=False)
    inviter_name: str
    pc_name: str
    os: str


def _live_parent(db: Session, session_id: str, agent: Agent) -> SupportSession:
    row = db.get(SupportSession, session_id)
    if row is None or row.agent_id != agent.id:
        raise NotFoundError(f"You have no session with id {session_id}: check the id returned by "
                            "POST /api/v1/sessions.")
    if row.state != SessionState.LIVE.value:
        raise ConflictError("This session is not live: an agent can be invited only while the customer "
                            "is connected.")
    return row


def check_option(db: Session, agent_id: int, kind: str) -> None:
    """403 unless the agent's effective options allow ``kind`` (share or transfer)."""
    option = KINDS[kind]
    if agent_options(db, agent_id).get(option) is not True:
        raise ForbiddenError(f"Your group's policy turns {option} off, so you cannot "
                             f"{'invite an agent to watch' if kind == 'share' else 'hand this session over'}: "
                             "ask your group admin if you need it.")


def _colleagues(db: Session, agent: Agent) -> list[User]:
    me = db.get_one(User, agent.id)
    query = select(User).where(User.company_id == me.company_id, User.id != me.id)
    if me.group_id is not None:
        query = query.where(User.group_id == me.group_id)
    return list(db.scalars(query.order_by(User.name, User.id)))


def _online(db: Session, user_ids: list[int], connected: Collection[str]) -> set[int]:
    return set(db.scalars(select(Token.user_id).where(
        Token.user_id.in_(user_ids), live_tokens(utcnow()), Token.token_hash.in_(list(connected)))))


def candidates(db: Session, session_id: str, agent: Agent, connected: Collection[str]) -> list[Candidate]:
    """The logged-in agents of the caller's group (the company's without a group) the caller could invite."""
    _live_parent(db, session_id, agent)
    allowed = [kind for kind in KINDS if agent_options(db, agent.id).get(KINDS[kind]) is True]
    if not allowed:
        check_option(db, agent.id, "share")
    users = _colleagues(db, agent)
    online = _online(db, [user.id for user in users], connected)
    return [Candidate(user.login_id, user.name) for user in users if user.id in online]


def _target(db: Session, agent: Agent, login_id: str, connected: Collection[str]) -> User:
    me = db.get_one(User, agent.id)
    user = db.scalars(select(User).where(User.login_id == login_id)).one_or_none()
    if user is None or user.company_id != me.company_id:
        raise NotFoundError(f"There is no agent {login_id!r} in your company: pick one from the list of agents.")
    if user.id == me.id:
        raise ValidationFailedError("You cannot invite yourself: pick another agent.")
    if not _online(db, [user.id], connected):
        raise ConflictError(f"{user.name} is not logged in to the agent app now: invite them once they are.")
    return user


def _event(db: Session, session_id: str, kind: str, granted: bool, reason: str) -> None:
    db.add(SessionEvent(session_id=session_id, kind=KINDS[kind], granted=granted, by="agent", reason=reason[:200]))


def create_handover(db: Session, session_id: str, agent: Agent, *, kind: str, login_id: str,
                    connected: Collection[str], ttl_s: float = INVITE_TTL_S) -> Invitation:
    """Invite ``login_id`` to watch (share) or take over (transfer) the caller's live session."""
    if kind not in KINDS:
        raise ValidationFailedError("Invalid kind: it must be share or transfer.")
    parent = _live_parent(db, session_id, agent)
    check_option(db, agent.id, kind)
    target = _target(db, agent, login_id, connected)
    now = utcnow()
    host_token = new_token()
    child = SupportSession(
        id=new_session_id(), code=parent.code, live_code=None, secret=new_session_secret(), agent_id=target.id,
        code_expires_at=now + datetime.timedelta(seconds=ttl_s), code_used=True, created_at=now,
        host_token_hash=token_digest(host_token), pc_name=parent.pc_name, os=parent.os,
        page_id=parent.page_id, customer_name=parent.customer_name,
        state=SessionState.WAITING.value,
    )
    db.add(child)
    _event(db, parent.id, kind, True, f"{agent.login_id} invited {target.login_id} (session {child.id})")
    db.flush()
    return Invitation(child.id, kind, parent.id, agent.id, agent.login_id, agent.name, target.id, target.login_id,
                      target.name, host_token, child.secret, child.code_expires_at, parent.pc_name or "",
                      parent.os or "")


def _waiting_child(db: Session, invitation: Invitation | None, handover_id: str, agent: Agent) -> SupportSession:
    if invitation is None or invitation.target_id != agent.id:
        raise NotFoundError(f"You have no invitation {handover_id}: it was for another agent, or never made.")
    row = db.get(SupportSession, handover_id)
    if row is None or row.state != SessionState.WAITING.value or row.code_expires_at <= utcnow():
        raise GoneError("This invitation has expired or was withdrawn: ask the agent to invite you again.")
    return row


def accept_handover(db: Session, invitation: Invitation | None, handover_id: str, agent: Agent) -> Answer:
    """The invited agent accepts: the child is theirs to join now."""
    row = _waiting_child(db, invitation, handover_id, agent)
    assert invitation is not None  # _waiting_child checked it
    row.state, row.joined_at = SessionState.JOINED.value, utcnow()
    _event(db, invitation.parent_id, invitation.kind, True, f"{agent.login_id} accepted (session {row.id})")
    return Answer(row.id, invitation.kind, row.secret, invitation.inviter_name, row.pc_name or "", row.os or "")


def decline_handover(db: Session, invitation: Invitation | None, handover_id: str, agent: Agent) -> None:
    """The invited agent declines: the child ends."""
    row = _waiting_child(db, invitation, handover_id, agent)
    assert invitation is not None
    row.state, row.ended_at, row.end_reason = SessionState.ENDED.value, utcnow(), f"declined by {agent.name}"[:200]
    _event(db, invitation.parent_id, invitation.kind, False, f"{agent.login_id} declined (session {row.id})")


def withdraw_unanswered(db: Session, handover_id: str) -> bool:
    """The invitation could not be delivered: end the child; False when it was no longer waiting."""
    row = db.get(SupportSession, handover_id)
    if row is None or row.state != SessionState.WAITING.value:
        return False
    row.state, row.ended_at, row.end_reason = SessionState.ENDED.value, utcnow(), "the invitation was not delivered"
    return True

