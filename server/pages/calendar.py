"""Business hours and holidays of a page (run inside ``Database.call``), and the page's ``Calendar``
for the rules in ``server.pages.schedule``.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from server.accounts import Caller
from server.errors import NotFoundError, ValidationFailedError
from server.models import BusinessHours, ConnectionPage, Holiday
from server.pages import validation as rules
from server.pages.pages import company_page
from server.pages.schedule import Calendar, HolidayRule, OpenRange
from server.pages.schemas import HolidayCreate, HolidayOut, HolidayUpdate, HoursOut, HoursPut


def page_calendar(db: Session, page: ConnectionPage) -> Calendar:
    """The page's zone, weekly hours and holidays."""
    hours = db.scalars(select(BusinessHours).where(BusinessHours.page_id == page.id))
    holidays = db.scalars(select(Holiday).where(Holiday.page_id == page.id))
    return Calendar(ZoneInfo(page.time_zone),
                    tuple(OpenRange(h.weekday, h.start_minute, h.end_minute) for h in hours),
                    tuple(HolidayRule(h.day, h.yearly) for h in holidays))


def _hours_out(db: Session, page: ConnectionPage) -> HoursOut:
    rows = db.scalars(select(BusinessHours).where(BusinessHours.page_id == page.id)
                      .order_by(BusinessHours.weekday, BusinessHours.start_minute))
    ranges: list[dict[str, Any]] = [{"weekday": r.weekday, "start": rules.hhmm(r.start_minute),
                                     "end": rules.hhmm(r.end_minute)} for r in rows]
    return HoursOut(time_zone=page.time_zone, ranges=ranges)


def get_hours(db: Session, caller: Caller, page_id: int) -> HoursOut:
    """The page's weekly hours."""
    return _hours_out(db, company_page(db, caller, page_id))


def put_hours(db: Session, caller: Caller, page_id: int, body: HoursPut) -> HoursOut:
    """Replace the page's weekly hours (an empty list: never open, reservations only)."""
    page = company_page(db, caller, page_id)
    try:
        ranges = rules.check_ranges([(r.weekday, rules.minute_of(r.start), rules.minute_of(r.end))
                                     for r in body.ranges])
    except ValueError as exc:
        raise ValidationFailedError(f"Invalid ranges: {exc}. Fix it and send the week again.") from exc
    db.execute(delete(BusinessHours).where(BusinessHours.page_id == page.id))
    db.add_all(BusinessHours(page_id=page.id, weekday=weekday, start_minute=start, end_minute=end)
               for weekday, start, end in ranges)
    db.flush()
    return _hours_out(db, page)


def _holiday(db: Session, caller: Caller, page_id: int, holiday_id: int) -> Holiday:
    page = company_page(db, caller, page_id)
    holiday = db.get(Holiday, holiday_id)
    if holiday is None or holiday.page_id != page.id:
        raise NotFoundError(f"Connection page {page_id} has no holiday {holiday_id}: list them with "
                            f"GET /api/v1/admin/pages/{page_id}/holidays.")
    return holiday


def _holiday_out(row: Holiday) -> HolidayOut:
    return HolidayOut(id=row.id, name=row.name, day=row.day, yearly=row.yearly)


def list_holidays(db: Session, caller: Caller, page_id: int) -> list[HolidayOut]:
    """The page's holidays by date."""
    page = company_page(db, caller, page_id)
    rows = db.scalars(select(Holiday).where(Holiday.page_id == page.id).order_by(Holiday.day, Holiday.id))
    return [_holiday_out(row) for row in rows]


def create_holiday(db: Session, caller: Caller, page_id: int, body: HolidayCreate) -> HolidayOut:
    """Add a holiday."""
    page = company_page(db, caller, page_id)
    row = Holiday(page_id=page.id, name=body.name, day=body.day, yearly=body.yearly)
    db.add(row)
    db.flush()
    return _holiday_out(row)


def update_holiday(db: Session, caller: Caller, page_id: int, holiday_id: int, body: HolidayUpdate) -> HolidayOut:
    """Change what the PATCH names."""
    row = _holiday(db, caller, page_id, holiday_id)
    for name, value in body.model_dump(include=body.model_fields_set).items():
        setattr(row, name, value)
    return _holiday_out(row)


def delete_holiday(db: Session, caller: Caller, page_id: int, holiday_id: int) -> None:
    """Remove a holiday."""
    db.delete(_holiday(db, caller, page_id, holiday_id))
