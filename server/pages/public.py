"""What the customer pages read and write (run inside ``Database.call``): frozen views, never ORM rows.

Icon numbers (rule): the agents shown are those of the page's groups whose agent app is logged in with its
push socket open; ``from_1`` / ``from_10`` number them in login order from 1 or 10, ``fixed`` shows each
agent's own icon number and leaves out agents without one.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Collection
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.accounts import live_tokens
from server.errors import NotFoundError
from server.models import (
    ConnectionPage,
    PageGroup,
    PageWindow,
    QueueEntry,
    QueueState,
    Reservation,
    ReservationState,
    Token,
    User,
    utcnow,
)
from server.options import agent_options
from server.pages.calendar import page_calendar
from server.pages.schedule import has_room, is_open, next_opening, upcoming_slots

RESERVATION_DAYS = 14
WAITING = (QueueState.WAITING.value, QueueState.ALERTED.value)
NO_PAGE = "There is no connection page at this address: check the link you were given."


@dataclasses.dataclass(frozen=True)
class PageView:
    """A page's public settings."""

    id: int
    slug: str
    name: str
    kind: str
    time_zone: str
    tls_only: bool
    languages: tuple[str, ...]
    default_language: str
    show_browser_help: bool
    show_screen_reader_hint: bool
    show_code_box: bool
    show_download: bool
    show_customer_name: bool
    icon_numbering: str
    show_wait_time: bool
    reservations_enabled: bool
    color: str
    has_logo: bool
    texts: dict[str, Any]


@dataclasses.dataclass(frozen=True)
class WindowView:
    """A window as customers see it."""

    id: int
    name: str
    description: str
    has_image: bool
    estimate_minutes: int
    max_reservations_per_hour: int
    request_fields: tuple[dict[str, Any], ...]
    reservation_fields: tuple[dict[str, Any], ...]


@dataclasses.dataclass(frozen=True)
class OpenState:
    """Whether the page takes customers now, and when it opens next if not."""

    open: bool
    next_opening: datetime.datetime | None


@dataclasses.dataclass(frozen=True)
class Icon:
    """One agent's icon: its number, the name customers see and the agent's id (never shown)."""

    number: int
    name: str
    agent_id: int = 0


def _page_row(db: Session, slug: str) -> ConnectionPage:
    page = db.scalar(select(ConnectionPage).where(ConnectionPage.slug == slug))
    if page is None:
        raise NotFoundError(NO_PAGE)
    return page


def find_page(db: Session, slug: str) -> PageView:
    """The page at ``slug`` (``NotFoundError`` otherwise)."""
    page = _page_row(db, slug)
    texts = page.texts if isinstance(page.texts, dict) else {}
    return PageView(page.id, page.slug, page.name, page.kind, page.time_zone, page.tls_only, tuple(page.languages),
                    page.default_language, page.show_browser_help, page.show_screen_reader_hint, page.show_code_box,
                    page.show_download, page.show_customer_name, page.icon_numbering, page.show_wait_time,
                    page.reservations_enabled, page.color, page.logo is not None, texts)


def _window_view(row: PageWindow) -> WindowView:
    return WindowView(row.id, row.name, row.description, row.image is not None, row.estimate_minutes,
                      row.max_reservations_per_hour, tuple(row.request_fields or ()),
                      tuple(row.reservation_fields or ()))


def windows_of(db: Session, page_id: int) -> list[WindowView]:
    """The page's windows in display order."""
    rows = db.scalars(select(PageWindow).where(PageWindow.page_id == page_id)
                      .order_by(PageWindow.position, PageWindow.id))
    return [_window_view(row) for row in rows]


def window_of(db: Session, page_id: int, window_id: int) -> WindowView:
    """One window of the page (``NotFoundError`` otherwise)."""
    row = db.get(PageWindow, window_id)
    if row is None or row.page_id != page_id:
        raise NotFoundError("This page has no such window: go back to the page and choose one of its windows.")
    return _window_view(row)


def open_state(db: Session, page_id: int, now: datetime.datetime) -> OpenState:
    """Whether the page is open at ``now``, and its next opening."""
    calendar = page_calendar(db, db.get_one(ConnectionPage, page_id))
    if is_open(calendar, now):
        return OpenState(True, now)
    return OpenState(False, next_opening(calendar, now))


def free_slots(db: Session, page_id: int, window: WindowView, now: datetime.datetime) -> list[datetime.datetime]:
    """The hours of the next days the window still has room in."""
    slots = upcoming_slots(page_calendar(db, db.get_one(ConnectionPage, page_id)), now, RESERVATION_DAYS)
    if not slots:
        return []
    counts = dict(db.execute(
        select(Reservation.slot_start, func.count()).where(
            Reservation.window_id == window.id, Reservation.slot_start >= slots[0],
            Reservation.slot_start <= slots[-1], Reservation.state != ReservationState.CANCELLED.value)
        .group_by(Reservation.slot_start)).tuples().all())
    return [slot for slot in slots if has_room(counts.get(slot, 0), window.max_reservations_per_hour)]


def icons(db: Session, page: PageView, connected: Collection[str]) -> list[Icon]:
    """The icons of the page's present agents (see the module's rule)."""
    groups = select(PageGroup.group_id).where(PageGroup.page_id == page.id)
    first_login = func.min(Token.created_at)
    rows = db.execute(
        select(User, first_login).join(Token, Token.user_id == User.id)
        .where(User.group_id.in_(groups), live_tokens(utcnow()), Token.token_hash.in_(list(connected)))
        .group_by(User.id).order_by(first_login, User.id)).all()
    if page.icon_numbering == "fixed":
        return sorted((Icon(user.icon_number, user.nickname or user.name, user.id) for user, _ in rows
                       if user.icon_number is not None), key=lambda icon: icon.number)
    start = 10 if page.icon_numbering == "from_10" else 1
    return [Icon(start + index, user.nickname or user.name, user.id) for index, (user, _) in enumerate(rows)]


def page_logo(db: Session, slug: str) -> tuple[bytes, str]:
    """The page's logo and media type."""
    page = _page_row(db, slug)
    if page.logo is None or page.logo_type is None:
        raise NotFoundError("This page has no logo.")
    return page.logo, page.logo_type


def window_image(db: Session, slug: str, window_id: int) -> tuple[bytes, str]:
    """A window's image and media type."""
    page = _page_row(db, slug)
    row = db.get(PageWindow, window_id)
    if row is None or row.page_id != page.id or row.image is None or row.image_type is None:
        raise NotFoundError("This window has no image.")
    return row.image, row.image_type


@dataclasses.dataclass(frozen=True)
class TicketView:
    """A queue entry as its customer sees it.

    ``ticket``, ``socket_path`` (``/ws/queue/{ticket}``) and ``base_path`` (``/p/{slug}/t/{ticket}``: add
    ``/files`` to upload, ``/chat.txt`` for the chat log) are filled in by the route; ``agent_name``,
    ``files_allowed`` (chat_file_customer) and ``chat_log_allowed`` (chat_log_customer) once an agent accepted.
    """

    window_name: str
    state: str
    position: int
    estimate_minutes: int
    ticket: str = ""
    socket_path: str = ""
    base_path: str = ""
    agent_name: str = ""
    files_allowed: bool = False
    chat_log_allowed: bool = False


def enqueue(db: Session, window_id: int, name: str, fields: dict[str, str], ticket_hash: str) -> int:
    """Put a customer in a window's queue (state waiting); the entry's id."""
    row = QueueEntry(window_id=window_id, customer_name=name, fields=fields, ticket_hash=ticket_hash)
    db.add(row)
    db.flush()
    return row.id


def ticket(db: Session, ticket_hash: str) -> TicketView:
    """Where a ticket's holder stands: 1 + those waiting at the window before them (ties by id)."""
    row = db.scalar(select(QueueEntry).where(QueueEntry.ticket_hash == ticket_hash))
    if row is None:
        raise NotFoundError("This queue ticket is unknown: go back to the page and choose a window again.")
    window = db.get_one(PageWindow, row.window_id)
    earlier = (QueueEntry.created_at < row.created_at) | ((QueueEntry.created_at == row.created_at)
                                                          & (QueueEntry.id < row.id))
    ahead = int(db.scalar(select(func.count()).select_from(QueueEntry).where(
        QueueEntry.window_id == row.window_id, QueueEntry.state.in_(WAITING), earlier)) or 0)
    view = TicketView(window.name, row.state, ahead + 1, (ahead + 1) * window.estimate_minutes)
    if row.state != QueueState.ACCEPTED.value or row.agent_id is None:
        return view
    agent = db.get_one(User, row.agent_id)
    options = agent_options(db, agent.id)
    return dataclasses.replace(view, agent_name=agent.nickname or agent.name,
                               files_allowed=options.get("chat_file_customer") is True,
                               chat_log_allowed=options.get("chat_log_customer") is True)


@dataclasses.dataclass(frozen=True)
class TicketChat:
    """What a ticket's holder may do with the chat: the entry, its page's time zone, and the agent's options."""

    entry_id: int
    state: str
    agent_id: int | None
    time_zone: str
    files_allowed: bool
    chat_log_allowed: bool


def ticket_chat(db: Session, page_id: int, ticket_hash: str) -> TicketChat:
    """The ticket's entry on this page, for its chat routes (``NotFoundError`` otherwise)."""
    row = db.scalar(select(QueueEntry).where(QueueEntry.ticket_hash == ticket_hash))
    window = None if row is None else db.get(PageWindow, row.window_id)
    if row is None or window is None or window.page_id != page_id:
        raise NotFoundError("This queue ticket is unknown: go back to the page and choose a window again.")
    options = agent_options(db, row.agent_id) if row.agent_id is not None else {}
    return TicketChat(row.id, row.state, row.agent_id, db.get_one(ConnectionPage, page_id).time_zone,
                      options.get("chat_file_customer") is True, options.get("chat_log_customer") is True)
