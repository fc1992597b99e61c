"""The agent's group and each member's state (``agent_user_status``), run inside ``Database.call``.

States: ``offline`` (no agent-app login with an open push socket), ``in_session`` (a customer joined or the
session is live), ``viewer_waiting`` (a connection code is out and still valid), ``agent_waiting``
(logged in, nothing else).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts import live_tokens
from server.errors import ForbiddenError
from server.models import SessionState, SupportSession, Token, User, utcnow
from server.options import options_of


class AgentState(enum.StrEnum):
    """What an agent is doing now, as the group list shows it."""

    OFFLINE = "offline"
    AGENT_WAITING = "agent_waiting"
    VIEWER_WAITING = "viewer_waiting"
    IN_SESSION = "in_session"


@dataclasses.dataclass(frozen=True)
class Member:
    """One agent of the group and their state."""

    login_id: str
    name: str
    nickname: str | None
    state: AgentState


def _states(db: Session, user_ids: list[int], connected: Collection[str]) -> dict[int, AgentState]:
    now = utcnow()
    online = set(db.scalars(select(Token.user_id).where(
        Token.user_id.in_(user_ids), live_tokens(now), Token.token_hash.in_(list(connected)))))
    busy = set(db.scalars(select(SupportSession.agent_id).where(
        SupportSession.agent_id.in_(user_ids),
        SupportSession.state.in_((SessionState.JOINED.value, SessionState.LIVE.value)))))
    waiting = set(db.scalars(select(SupportSession.agent_id).where(
        SupportSession.agent_id.in_(user_ids), SupportSession.live_code.is_not(None),
        SupportSession.code_expires_at > now)))

    def state(user_id: int) -> AgentState:
        if user_id not in online:
            return AgentState.OFFLINE
        if user_id in busy:
            return AgentState.IN_SESSION
        return AgentState.VIEWER_WAITING if user_id in waiting else AgentState.AGENT_WAITING

    return {user_id: state(user_id) for user_id in user_ids}


def group_members(db: Session, user_id: int, connected: Collection[str]) -> list[Member]:
    """The agents of the caller's group (the caller alone without a group), ordered by name."""
    user = db.get_one(User, user_id)
    if options_of(db, user).get("agent_user_status") is not True:
        raise ForbiddenError("Seeing your group's agents is turned off for your group (option agent_user_status): "
                             "ask your group admin if you need it.")
    if user.group_id is None:
        members = [user]
    else:
        members = list(db.scalars(select(User).where(User.group_id == user.group_id).order_by(User.name, User.id)))
    states = _states(db, [member.id for member in members], connected)
    return [Member(m.login_id, m.name, m.nickname, states[m.id]) for m in members]
