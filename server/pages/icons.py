"""Icon pages: a customer chooses a present agent's icon and gets a connection code for that agent.

Rules:
- The icon's agent is found by the rule the page lists its icons with (``server.pages.public.icons``): when no
  present agent has that number now (logged out, or renumbered by a logout), ``AgentAbsentError`` (409).
- A click makes a normal waiting session for the agent (``server.support.create_session``), marked origin
  ``icon`` with the customer's optional name, and pushes ``icon_session`` to the agent's app (the body of
  ``POST /api/v1/sessions`` plus ``customer_name``, ``page`` and ``icon``). When no socket of the agent takes
  the push, the session ends at once and the agent counts as absent.
- One open icon session per agent: while the agent's icon session waits with a live code, a click from the same
  client address gets that same code (nothing new is made or pushed); a click from another address gets
  ``AgentBusyError`` (409), so one customer's code is never handed to another.
- Every click counts against its address (``server.ratelimit.JoinLimiter``): ``FREE_CLICKS`` within
  ``CLICK_WINDOW_S``, then the address waits (429), doubling up to ``CLICK_CAP_S``.
- The server never sees the session password: the agent's app makes it (option ``session_password``), the
  agent reads it out, and the customer's host asks for it; a wrong one fails the end-to-end handshake.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime

from fastapi import Request
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.accounts import load_agent
from server.config import JoinLimits
from server.context import Services, get_services
from server.errors import ApiError, TooManyAttemptsError, UnavailableError
from server.models import ConnectionPage, SessionState, SupportSession, User, utcnow
from server.options import agent_options
from server.pages import public
from server.pages.public import PageView
from server.ratelimit import JoinLimiter
from server.support import NewSession, create_session

ORIGIN_ICON = "icon"
FREE_CLICKS = 20
CLICK_WINDOW_S = 60.0
CLICK_BASE_S = 10.0
CLICK_CAP_S = 120.0
NOT_TAKEN = "the agent's app did not take the icon session"


class AgentAbsentError(ApiError):
    """No present agent has this icon number now."""

    status_code = 409
    page_text: tuple[str, dict[str, object]] = ("icon_absent", {})


class AgentBusyError(ApiError):
    """The agent already waits for another customer who chose their icon."""

    status_code = 409
    page_text: tuple[str, dict[str, object]] = ("icon_busy", {})


@dataclasses.dataclass(frozen=True)
class IconAgent:
    """The agent behind an icon: id, the name customers see, and whether a session password will be asked."""

    agent_id: int
    name: str
    password: bool


@dataclasses.dataclass(frozen=True)
class IconSession:
    """What the customer gets after a click: the agent and the code (``repeated``: the same code as before)."""

    agent: IconAgent
    session_id: str
    code: str
    expires_at: datetime.datetime
    repeated: bool = False


def find_agent(db: Session, page: PageView, connected: set[str], number: int) -> IconAgent:
    """The present agent with icon ``number`` on ``page`` (``AgentAbsentError`` otherwise)."""
    for icon in public.icons(db, page, connected):
        if icon.number == number:
            password = agent_options(db, icon.agent_id).get("session_password") is True
            return IconAgent(icon.agent_id, icon.name, password)
    raise AgentAbsentError("This agent is not available now: choose another icon.")


def open_icon_session(db: Session, agent_id: int) -> tuple[str, str, datetime.datetime] | None:
    """The agent's icon session that still waits with a live code: (id, code, expiry), or None."""
    row = db.scalars(select(SupportSession).where(
        SupportSession.agent_id == agent_id, SupportSession.origin == ORIGIN_ICON,
        SupportSession.state == SessionState.WAITING.value, SupportSession.live_code.is_not(None),
        SupportSession.code_expires_at > utcnow()).order_by(SupportSession.created_at.desc()).limit(1)).first()
    return None if row is None else (row.id, row.code, row.code_expires_at)


def create_icon_session(db: Session, agent_id: int, code_ttl_s: float, customer_name: str,
                        page_id: int | None = None) -> NewSession:
    """A normal waiting session for the agent, marked as started from an icon of page ``page_id``, with the
    customer's name."""
    created = create_session(db, load_agent(db, agent_id), code_ttl_s)
    row = db.get_one(SupportSession, created.session_id)
    row.origin, row.customer_name, row.page_id = ORIGIN_ICON, customer_name or None, page_id
    return created


def drop_session(db: Session, session_id: str, reason: str) -> None:
    """End a waiting session nobody will use (its code stops working)."""
    db.execute(update(SupportSession).where(SupportSession.id == session_id,
                                            SupportSession.state == SessionState.WAITING.value)
               .values(state=SessionState.ENDED.value, ended_at=utcnow(), live_code=None, end_reason=reason)
               .execution_options(synchronize_session=False))


def remember_customer_name(db: Session, page_id: int, code: str, name: str) -> bool:
    """Mark the waiting session with that live code as coming from this access-code page (and put the name typed
    on it, if any, on the session), when the code's agent belongs to the page's company; True when a session
    took it."""
    page = db.get_one(ConnectionPage, page_id)
    agents = select(User.id).where(User.company_id == page.company_id)
    values: dict[str, object] = {"page_id": page_id, **({"customer_name": name} if name else {})}
    result = db.execute(update(SupportSession).where(
        SupportSession.live_code == code, SupportSession.state == SessionState.WAITING.value,
        SupportSession.code_expires_at > utcnow(), SupportSession.agent_id.in_(agents))
        .values(**values).execution_options(synchronize_session=False))
    return getattr(result, "rowcount", 0) == 1


def iso_z(at: datetime.datetime) -> str:
    """An aware time as ISO-8601 UTC with "Z"."""
    return at.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


class IconDesk:
    """The process's icon clicks: the per-address counter, one lock per agent and who holds each open session."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self._clicks = JoinLimiter(JoinLimits(free_failures=FREE_CLICKS, delay_base_s=CLICK_BASE_S,
                                              delay_cap_s=CLICK_CAP_S, window_s=CLICK_WINDOW_S))
        self._locks: dict[int, asyncio.Lock] = {}
        self._holders: dict[str, str] = {}  # open icon session id -> the client address that made it

    def count_click(self, address: str) -> None:
        """Count a click from ``address``; ``TooManyAttemptsError`` while it must wait."""
        now = self._services.clock()
        wait = self._clicks.acquire(address, now)
        if wait:
            raise TooManyAttemptsError(f"Too many clicks from your address: wait {wait} seconds, then try again.",
                                       wait)
        self._clicks.release(address, now, failed=True)

    async def choose(self, page: PageView, number: int, address: str, customer_name: str,
                     connect_base: str) -> IconSession:
        """The click on icon ``number``: the agent's open icon session for this address, or a new one."""
        self.count_click(address)
        db = self._services.db
        agent = await db.call(find_agent, page, self._services.hub.connected_tokens(), number)
        async with self._locks.setdefault(agent.agent_id, asyncio.Lock()):
            found = await db.call(open_icon_session, agent.agent_id)
            if found is not None:
                if self._holders.get(found[0]) != address:
                    raise AgentBusyError("This agent is connecting another customer now: choose another icon, "
                                         "or try again in a few minutes.")
                return IconSession(agent, found[0], found[1], found[2], repeated=True)
            created = await self._create(agent, customer_name, page.id)
            payload = {"type": "icon_session", "session_id": created.session_id, "code": created.code,
                       "secret": created.secret, "expires_at": iso_z(created.expires_at),
                       "connect_url": f"{connect_base}/connect?code={created.code}",
                       "customer_name": customer_name, "page": page.name, "icon": number}
            if await self._services.hub.push(agent.agent_id, payload) == 0:
                await db.call(drop_session, created.session_id, NOT_TAKEN)
                raise AgentAbsentError("This agent is not available now: choose another icon.")
            self._holders[created.session_id] = address
            self._prune()
        return IconSession(agent, created.session_id, created.code, created.expires_at)

    async def _create(self, agent: IconAgent, customer_name: str, page_id: int) -> NewSession:
        ttl = self._services.settings.code_ttl_s
        for _ in range(3):  # two sessions drew the same code at the same instant: draw again
            try:
                return await self._services.db.call(create_icon_session, agent.agent_id, ttl, customer_name,
                                                     page_id)
            except IntegrityError:
                continue
        raise UnavailableError("Could not draw a free connection code: try again in a moment.")

    def _prune(self) -> None:
        """Keep at most one holder per agent's worth of sessions (old ones have expired or been used)."""
        while len(self._holders) > max(100, 2 * len(self._locks)):
            del self._holders[next(iter(self._holders))]


def desk_of(request: Request) -> IconDesk:
    """The process's icon desk (made on first use, kept on the app)."""
    state = request.app.state
    desk = getattr(state, "icon_desk", None)
    if desk is None:
        desk = IconDesk(get_services(request))
        state.icon_desk = desk
    assert isinstance(desk, IconDesk)
    return desk
