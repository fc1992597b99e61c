"""Reservations as agents handle them (run inside ``Database.call``): a day's list, done, cancel.

An agent sees the reservations of the windows whose queue they see (``store.agent_windows``); the day is
the page's local day. Done and cancel apply to a booked reservation only (409 naming its state otherwise).
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.errors import ConflictError, NotFoundError
from server.models import ConnectionPage, PageWindow, Reservation, ReservationState, utcnow
from server.queues.store import agent_windows


@dataclasses.dataclass(frozen=True)
class Booking:
    """A reservation as the agent app lists it."""

    id: int
    page_id: int
    window_id: int
    window_name: str
    slot_start: datetime.datetime
    customer: dict[str, str]
    state: str
    agent_id: int | None


def _booking(row: Reservation, window: PageWindow) -> Booking:
    customer: dict[str, Any] = row.customer if isinstance(row.customer, dict) else {}
    return Booking(row.id, window.page_id, window.id, window.name, row.slot_start,
                   {str(k): str(v) for k, v in customer.items()}, row.state, row.agent_id)


def day_list(db: Session, agent_id: int, day: datetime.date) -> list[Booking]:
    """The reservations of ``day`` (each page's local day) at the agent's windows, by hour."""
    windows = agent_windows(db, agent_id)
    rows = db.execute(select(Reservation, PageWindow, ConnectionPage.time_zone)
                      .join(PageWindow, PageWindow.id == Reservation.window_id)
                      .join(ConnectionPage, ConnectionPage.id == PageWindow.page_id)
                      .where(Reservation.window_id.in_(windows))
                      .where(Reservation.slot_start >= _utc(day, "UTC") - datetime.timedelta(days=1),
                             Reservation.slot_start < _utc(day, "UTC") + datetime.timedelta(days=2))
                      .order_by(Reservation.slot_start, Reservation.id)).all()
    return [_booking(row, window) for row, window, zone in rows
            if row.slot_start.astimezone(ZoneInfo(zone)).date() == day]


def _utc(day: datetime.date, zone: str) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), ZoneInfo(zone)).astimezone(datetime.UTC)


def handle(db: Session, agent_id: int, reservation_id: int, state: ReservationState) -> Booking:
    """Mark a booked reservation done or cancelled by the agent."""
    row = db.get(Reservation, reservation_id)
    if row is None or row.window_id not in agent_windows(db, agent_id):
        raise NotFoundError("There is no such reservation at your windows: refresh the reservation list.")
    if row.state != ReservationState.BOOKED.value:
        raise ConflictError(f"This reservation is already {row.state}: refresh the reservation list.")
    row.state, row.agent_id, row.handled_at = state.value, agent_id, utcnow()
    db.flush()
    return _booking(row, db.get_one(PageWindow, row.window_id))
