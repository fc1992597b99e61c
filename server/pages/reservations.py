"""Reservations: booking one hour at a window while the page is closed, the reservation history, and the
retention purge (run inside ``Database.call``).

Rules this module keeps:

1. A booking's transaction starts by bumping its page's ``bookings`` counter, so concurrent bookings of one
   page run one after the other (a row lock on PostgreSQL, the write lock on SQLite) and the count of an
   hour is read after every earlier booking committed: at most ``max_reservations_per_hour`` per window.
2. Only a slot of the page's calendar that is still ahead is bookable, on a page with reservations on and
   a window that takes them (a maximum above 0); cancelled reservations free their place.
3. The history is the company admin's (every page) or a group admin's (the pages their group uses), by
   reserved hour, newest first; dates are UTC days, both ends included.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.orm import Session

from server.accounts import Caller
from server.admin.scope import require_role
from server.errors import ApiError, ConflictError, NotFoundError, ValidationFailedError
from server.models import (
    ConnectionPage,
    PageGroup,
    PageWindow,
    QueueEntry,
    QueueState,
    Reservation,
    ReservationState,
    Role,
)
from server.pages.calendar import page_calendar
from server.pages.schedule import has_room, is_slot
from server.pages.schemas import ReservationOut, ReservationPage

FULL = ("Every place in this hour is taken ({maximum} reservations per hour at this window): choose another "
        "hour.")


def _for_page(error: ApiError, text_key: str, **values: object) -> ApiError:
    """``error`` carrying the key of its sentence in the page's texts (server.pages.texts), for the public page."""
    error.page_text = (text_key, values)  # type: ignore[attr-defined]
    return error


@dataclasses.dataclass(frozen=True)
class HistoryFilter:
    """What the reservation history shows."""

    page_id: int | None = None
    window_id: int | None = None
    state: str | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None
    limit: int = 100
    offset: int = 0


def count_booked(db: Session, window_id: int, slot: datetime.datetime) -> int:
    """How many live (not cancelled) reservations a window has for the hour starting at ``slot``."""
    return int(db.scalar(select(func.count()).select_from(Reservation).where(
        Reservation.window_id == window_id, Reservation.slot_start == slot,
        Reservation.state != ReservationState.CANCELLED.value)) or 0)


def book(db: Session, page_id: int, window_id: int, slot: datetime.datetime, *, customer: dict[str, str],
         now: datetime.datetime) -> int:
    """Book ``slot`` at the window for the customer; the reservation's id (rule 1 and 2)."""
    bumped = db.execute(update(ConnectionPage).where(ConnectionPage.id == page_id)
                        .values(bookings=ConnectionPage.bookings + 1).execution_options(synchronize_session=False))
    page, window = db.get(ConnectionPage, page_id), db.get(PageWindow, window_id)
    if not getattr(bumped, "rowcount", 0) or page is None or window is None or window.page_id != page_id:
        raise _for_page(NotFoundError("This window no longer exists: go back to the page and choose another one."),
                        "window_gone")
    if not page.reservations_enabled or window.max_reservations_per_hour < 1:
        raise _for_page(ValidationFailedError("This window takes no reservations: please come back during business "
                                              "hours."), "window_no_reservations")
    if slot <= now or not is_slot(page_calendar(db, page), slot):
        raise _for_page(ValidationFailedError("That hour cannot be reserved (it has passed or is outside business "
                                              "hours): choose one of the hours the page lists."), "slot_gone")
    if not has_room(count_booked(db, window_id, slot), window.max_reservations_per_hour):
        maximum = window.max_reservations_per_hour
        raise _for_page(ConflictError(FULL.format(maximum=maximum)), "reservation_full", maximum=maximum)
    row = Reservation(window_id=window_id, slot_start=slot, customer=customer, created_at=now)
    db.add(row)
    db.flush()
    return row.id


def _visible_pages(db: Session, caller: Caller) -> ColumnElement[bool]:
    require_role(caller, "see the reservation history", Role.COMPANY_ADMIN, Role.GROUP_ADMIN)
    in_company = ConnectionPage.company_id == caller.company_id
    if caller.agent.role == Role.COMPANY_ADMIN.value:
        return in_company
    group_pages = select(PageGroup.page_id).where(PageGroup.group_id == caller.group_id)
    return in_company & ConnectionPage.id.in_(group_pages)


def _conditions(where: HistoryFilter) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if where.page_id is not None:
        found.append(ConnectionPage.id == where.page_id)
    if where.window_id is not None:
        found.append(Reservation.window_id == where.window_id)
    if where.state is not None:
        found.append(Reservation.state == where.state)
    if where.since is not None:
        found.append(Reservation.slot_start >= _day_start(where.since))
    if where.until is not None:
        found.append(Reservation.slot_start < _day_start(where.until) + datetime.timedelta(days=1))
    return found


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)


def history(db: Session, caller: Caller, where: HistoryFilter) -> ReservationPage:
    """The reservations the caller may see that match ``where`` (rule 3)."""
    base = (select(Reservation, PageWindow, ConnectionPage).join(PageWindow, Reservation.window_id == PageWindow.id)
            .join(ConnectionPage, PageWindow.page_id == ConnectionPage.id)
            .where(_visible_pages(db, caller), *_conditions(where)))
    total = int(db.scalar(select(func.count()).select_from(base.subquery())) or 0)
    rows = db.execute(base.order_by(Reservation.slot_start.desc(), Reservation.id.desc())
                      .limit(where.limit).offset(where.offset)).all()
    return ReservationPage(total=total, reservations=[_out(*row) for row in rows])


def _out(row: Reservation, window: PageWindow, page: ConnectionPage) -> ReservationOut:
    local = row.slot_start.astimezone(ZoneInfo(page.time_zone))
    customer: dict[str, Any] = row.customer if isinstance(row.customer, dict) else {}
    return ReservationOut(id=row.id, page_id=page.id, window_id=window.id, window_name=window.name,
                          slot_start=row.slot_start, slot_local=f"{local:%Y-%m-%d %H:%M}",
                          customer={str(k): str(v) for k, v in customer.items()}, created_at=row.created_at,
                          state=cast(Any, row.state), agent_id=row.agent_id, handled_at=row.handled_at)


def purge_company(db: Session, company_id: int, before: datetime.datetime) -> tuple[int, int]:
    """Delete a company's reservations whose hour began, and ended queue entries that ended, before
    ``before``; how many of each (for ``server.retention``)."""
    windows = (select(PageWindow.id).join(ConnectionPage, PageWindow.page_id == ConnectionPage.id)
               .where(ConnectionPage.company_id == company_id).scalar_subquery())
    reservations = db.execute(delete(Reservation).where(Reservation.window_id.in_(windows),
                                                        Reservation.slot_start < before)
                              .execution_options(synchronize_session=False))
    ended = (QueueState.LEFT.value, QueueState.SERVED.value)
    entries = db.execute(delete(QueueEntry).where(QueueEntry.window_id.in_(windows), QueueEntry.state.in_(ended),
                                                  func.coalesce(QueueEntry.ended_at, QueueEntry.created_at,
                                                                type_=QueueEntry.ended_at.type) < before)
                         .execution_options(synchronize_session=False))
    return int(getattr(reservations, "rowcount", 0) or 0), int(getattr(entries, "rowcount", 0) or 0)
