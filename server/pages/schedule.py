"""When a connection page is open, and the hours a customer may reserve (pure: no database, no clock).

Rules this module keeps:

1. Business hours are wall-clock ranges in the page's time zone (IANA name): a weekday (0 Monday .. 6
   Sunday), a start and an end in minutes after local midnight, end exclusive (1440: the day's end). A day
   may have several ranges. Summer time is the zone's own: 09:00 stays 09:00 local across a transition.
2. A holiday closes its whole local day; a yearly holiday closes the same month and day every year
   (a yearly 29 February only in leap years).
3. Instants passed in and returned are aware UTC datetimes. A wall time that does not exist (the hour
   skipped when summer time starts) is never an opening nor a slot; a wall time that happens twice (the
   hour repeated when it ends) counts once, at its first occurrence.
4. Reservation slots are whole hours from the start of each range that end inside it.
"""

from __future__ import annotations

import dataclasses
import datetime
from zoneinfo import ZoneInfo

UTC = datetime.UTC
DAY_MINUTES = 1440
SEARCH_DAYS = 400  # next_opening looks this far ahead (a year of holidays and then some)


@dataclasses.dataclass(frozen=True)
class OpenRange:
    """One opening range on one weekday, in local minutes after midnight."""

    weekday: int
    start_minute: int
    end_minute: int


@dataclasses.dataclass(frozen=True)
class HolidayRule:
    """A closed local day, repeated every year when ``yearly``."""

    day: datetime.date
    yearly: bool = False


@dataclasses.dataclass(frozen=True)
class Calendar:
    """A page's zone, weekly hours and holidays."""

    zone: ZoneInfo
    hours: tuple[OpenRange, ...] = ()
    holidays: tuple[HolidayRule, ...] = ()


def is_holiday(calendar: Calendar, day: datetime.date) -> bool:
    """True when ``day`` (local) is one of the page's holidays."""
    for rule in calendar.holidays:
        if rule.day == day or (rule.yearly and (rule.day.month, rule.day.day) == (day.month, day.day)):
            return True
    return False


def ranges_of(calendar: Calendar, day: datetime.date) -> list[OpenRange]:
    """The ranges open on local ``day`` (none on a holiday), by start."""
    if is_holiday(calendar, day):
        return []
    return sorted((r for r in calendar.hours if r.weekday == day.weekday()), key=lambda r: r.start_minute)


def local_instant(calendar: Calendar, day: datetime.date, minute: int) -> datetime.datetime | None:
    """The UTC instant of local ``day`` at ``minute``, or None when that wall time does not exist there."""
    wall = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(minutes=minute)
    instant = wall.replace(tzinfo=calendar.zone).astimezone(UTC)
    if instant.astimezone(calendar.zone).replace(tzinfo=None) != wall:
        return None  # skipped by the start of summer time
    return instant


def is_open(calendar: Calendar, at: datetime.datetime) -> bool:
    """True when the page takes customers at the UTC instant ``at``."""
    local = at.astimezone(calendar.zone)
    minute = local.hour * 60 + local.minute
    return any(r.start_minute <= minute < r.end_minute for r in ranges_of(calendar, local.date()))


def next_opening(calendar: Calendar, at: datetime.datetime) -> datetime.datetime | None:
    """The first instant at or after ``at`` when the page is open (``at`` itself when open); None if never."""
    if is_open(calendar, at):
        return at
    first = at.astimezone(calendar.zone).date()
    for offset in range(SEARCH_DAYS):
        day = first + datetime.timedelta(days=offset)
        for opening in _openings(calendar, day):
            if opening > at:
                return opening
    return None


def _openings(calendar: Calendar, day: datetime.date) -> list[datetime.datetime]:
    """The instants the ranges of local ``day`` open (a start inside a skipped hour opens at its end)."""
    found = []
    for r in ranges_of(calendar, day):
        instant = local_instant(calendar, day, r.start_minute)
        if instant is None:
            instant = _first_existing(calendar, day, r)
        if instant is not None:
            found.append(instant)
    return found


def _first_existing(calendar: Calendar, day: datetime.date, r: OpenRange) -> datetime.datetime | None:
    for minute in range(r.start_minute + 1, r.end_minute):
        instant = local_instant(calendar, day, minute)
        if instant is not None:
            return instant
    return None


def reservation_slots(calendar: Calendar, day: datetime.date) -> list[datetime.datetime]:
    """The UTC starts of the bookable hours of local ``day``: whole hours inside its ranges."""
    slots = []
    for r in ranges_of(calendar, day):
        for minute in range(r.start_minute, r.end_minute - 59, 60):
            instant = local_instant(calendar, day, minute)
            if instant is not None and instant not in slots:
                slots.append(instant)
    return slots


def upcoming_slots(calendar: Calendar, now: datetime.datetime, days: int) -> list[datetime.datetime]:
    """Every slot that starts after ``now`` within the next ``days`` local days (today included)."""
    today = now.astimezone(calendar.zone).date()
    slots = []
    for offset in range(days):
        slots += [s for s in reservation_slots(calendar, today + datetime.timedelta(days=offset)) if s > now]
    return slots


def has_room(booked: int, maximum: int) -> bool:
    """True when an hour with ``booked`` reservations takes one more under a maximum of ``maximum`` per hour."""
    return 0 <= booked < maximum


def is_slot(calendar: Calendar, at: datetime.datetime) -> bool:
    """True when ``at`` is the start of one of the bookable hours of its local day."""
    return at in reservation_slots(calendar, at.astimezone(calendar.zone).date())
