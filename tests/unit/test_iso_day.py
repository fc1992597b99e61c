"""A day in the API is written YYYY-MM-DD, nothing else (pydantic alone reads "0.0" as 1970-01-01)."""

from __future__ import annotations

import datetime

import pytest
from pydantic import TypeAdapter, ValidationError

from server.schemas import IsoDay

DAY = TypeAdapter(IsoDay)


def test_a_day_written_yyyy_mm_dd_is_read() -> None:
    assert DAY.validate_python("2026-11-26") == datetime.date(2026, 11, 26)


@pytest.mark.parametrize("text", ["0.0", "0", "20261126", "2026-11-26T00:00", "26.11.2026", ""])
def test_anything_else_is_refused(text: str) -> None:
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        DAY.validate_python(text)
