"""Opening hours, holidays, next opening and reservation slots (server.pages.schedule) at fixed instants, in a
zone without summer time (Asia/Seoul) and across both summer-time transitions (Europe/Berlin, America/New_York)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from server.pages.schedule import (
    Calendar,
    HolidayRule,
    OpenRange,
    has_room,
    is_holiday,
    is_open,
    is_slot,
    next_opening,
    reservation_slots,
    upcoming_slots,
)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=datetime.UTC)


def weekdays(*ranges: tuple[int, int]) -> tuple[OpenRange, ...]:
    return tuple(OpenRange(day, start * 60, end * 60) for day in range(5) for start, end in ranges)


SEOUL = Calendar(ZoneInfo("Asia/Seoul"), weekdays((9, 12), (13, 18)),
                 (HolidayRule(datetime.date(2020, 3, 5), yearly=True), HolidayRule(datetime.date(2031, 3, 12))))
BERLIN = Calendar(ZoneInfo("Europe/Berlin"), tuple(OpenRange(day, 9 * 60, 17 * 60) for day in range(7)))
NEW_YORK = Calendar(ZoneInfo("America/New_York"), weekdays((9, 17)))


def test_seoul_open_ranges_and_lunch_break() -> None:
    assert is_open(SEOUL, utc(2031, 3, 3, 0, 30))  # Monday 09:30 KST
    assert not is_open(SEOUL, utc(2031, 3, 3, 3, 30))  # 12:30 KST: between the two ranges
    assert next_opening(SEOUL, utc(2031, 3, 3, 3, 30)) == utc(2031, 3, 3, 4, 0)
    assert not is_open(SEOUL, utc(2031, 3, 3, 9, 0))  # 18:00 KST: the end is exclusive
    assert is_open(SEOUL, utc(2031, 3, 3, 8, 59))


def test_seoul_weekend_and_next_opening() -> None:
    friday_evening = utc(2031, 3, 7, 9, 0)  # Friday 18:00 KST
    assert next_opening(SEOUL, friday_evening) == utc(2031, 3, 10, 0, 0)  # Monday 09:00 KST
    assert next_opening(SEOUL, utc(2031, 3, 3, 0, 30)) == utc(2031, 3, 3, 0, 30)  # open: now


def test_holidays_yearly_and_once() -> None:
    assert is_holiday(SEOUL, datetime.date(2031, 3, 5)) and is_holiday(SEOUL, datetime.date(2020, 3, 5))
    assert is_holiday(SEOUL, datetime.date(2031, 3, 12)) and not is_holiday(SEOUL, datetime.date(2032, 3, 12))
    assert not is_open(SEOUL, utc(2031, 3, 5, 1, 0))  # Wednesday 10:00 KST, a yearly holiday
    assert next_opening(SEOUL, utc(2031, 3, 5, 1, 0)) == utc(2031, 3, 6, 0, 0)
    assert reservation_slots(SEOUL, datetime.date(2031, 3, 5)) == []


def test_leap_day_holiday_only_in_leap_years() -> None:
    calendar = Calendar(ZoneInfo("UTC"), (), (HolidayRule(datetime.date(2028, 2, 29), yearly=True),))
    assert is_holiday(calendar, datetime.date(2032, 2, 29))
    assert not is_holiday(calendar, datetime.date(2031, 2, 28)) and not is_holiday(calendar, datetime.date(2031, 3, 1))


def test_berlin_wall_clock_hours_across_spring_and_autumn() -> None:
    assert is_open(BERLIN, utc(2031, 3, 29, 8, 0)) and not is_open(BERLIN, utc(2031, 3, 29, 7, 30))  # CET, +1
    assert is_open(BERLIN, utc(2031, 3, 31, 7, 0)) and not is_open(BERLIN, utc(2031, 3, 31, 6, 30))  # CEST, +2
    assert next_opening(BERLIN, utc(2031, 3, 30, 16, 0)) == utc(2031, 3, 31, 7, 0)
    assert next_opening(BERLIN, utc(2031, 10, 25, 16, 0)) == utc(2031, 10, 26, 8, 0)  # back to CET
    assert is_open(BERLIN, utc(2031, 10, 27, 15, 59)) and not is_open(BERLIN, utc(2031, 10, 27, 16, 0))


def test_new_york_summer_time_moves_the_utc_opening() -> None:
    assert is_open(NEW_YORK, utc(2031, 3, 7, 14, 0))  # Friday 09:00 EST
    assert not is_open(NEW_YORK, utc(2031, 3, 10, 12, 30)) and is_open(NEW_YORK, utc(2031, 3, 10, 13, 0))  # EDT
    assert next_opening(NEW_YORK, utc(2031, 3, 7, 22, 0)) == utc(2031, 3, 10, 13, 0)
    assert next_opening(NEW_YORK, utc(2031, 10, 31, 22, 0)) == utc(2031, 11, 3, 14, 0)  # EST again


def test_skipped_hour_is_never_a_slot_and_repeated_hour_counts_once() -> None:
    night = Calendar(ZoneInfo("Europe/Berlin"), (OpenRange(6, 60, 240),))  # Sundays 01:00-04:00 local
    spring = reservation_slots(night, datetime.date(2031, 3, 30))  # 02:00 does not exist that night
    assert spring == [utc(2031, 3, 30, 0, 0), utc(2031, 3, 30, 1, 0)]  # 01:00 CET, 03:00 CEST
    autumn = reservation_slots(night, datetime.date(2031, 10, 26))  # 02:00 happens twice
    assert autumn == [utc(2031, 10, 25, 23, 0), utc(2031, 10, 26, 0, 0), utc(2031, 10, 26, 2, 0)]
    assert is_open(night, utc(2031, 10, 26, 1, 30))  # 02:30 CET, the second time round
    opening_in_gap = Calendar(ZoneInfo("Europe/Berlin"), (OpenRange(6, 150, 240),))  # opens at 02:30
    assert next_opening(opening_in_gap, utc(2031, 3, 29, 23, 0)) == utc(2031, 3, 30, 1, 0)  # 03:00 CEST


def test_slots_are_whole_hours_inside_each_range() -> None:
    calendar = Calendar(ZoneInfo("Asia/Seoul"), (OpenRange(0, 9 * 60 + 30, 12 * 60), OpenRange(0, 13 * 60, 14 * 60)))
    slots = reservation_slots(calendar, datetime.date(2031, 3, 3))
    assert slots == [utc(2031, 3, 3, 0, 30), utc(2031, 3, 3, 1, 30), utc(2031, 3, 3, 4, 0)]  # 11:30 would end late
    assert is_slot(calendar, utc(2031, 3, 3, 4, 0)) and not is_slot(calendar, utc(2031, 3, 3, 4, 30))
    later = upcoming_slots(calendar, utc(2031, 3, 3, 1, 0), days=8)
    assert later == [utc(2031, 3, 3, 1, 30), utc(2031, 3, 3, 4, 0), utc(2031, 3, 10, 0, 30), utc(2031, 3, 10, 1, 30),
                     utc(2031, 3, 10, 4, 0)]


def test_room_per_hour() -> None:
    assert has_room(0, 1) and has_room(2, 3)
    assert not has_room(1, 1) and not has_room(0, 0) and not has_room(5, 3)


def test_never_open_has_no_next_opening() -> None:
    assert next_opening(Calendar(ZoneInfo("UTC")), utc(2031, 1, 1)) is None
