"""Request and answer bodies of the connection-page admin API.

Request bodies refuse unknown keys (``StrictInput``) and cap every string and list; the rules live in
``server.pages.validation``. An update body sets only the fields it names; ``null`` is refused (every
page and window field has a value).
"""

from __future__ import annotations

import datetime
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, field_validator, model_validator

from server.admin.validation import check_plain_text
from server.pages import validation as rules
from server.schemas import StrictInput

Language = Literal["ko", "ja", "en", "zh-Hans", "zh-Hant", "es", "fr", "pt"]
PageKind = Literal["access_code", "icon", "window"]
IconNumbering = Literal["from_1", "from_10", "fixed"]
Distribution = Literal["all", "window", "sequential"]
FieldKind = Literal["text", "phone", "email"]
TextKey = Literal["title", "initial_title", "initial_body", "initial_contact", "customer_name_label",
                  "request_body", "reservation_body", "in_session_title", "in_session_body", "end_title",
                  "end_body"]
MAX_ID = 2**31 - 1
_CONTROL_BUT_BREAKS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_long_text(value: str) -> str:
    """Text that may hold line breaks and tabs but no other control characters."""
    if _CONTROL_BUT_BREAKS.search(value):
        raise ValueError("the text may not hold control characters other than line breaks and tabs")
    return value


PlainText = AfterValidator(check_plain_text)
LongText = AfterValidator(check_long_text)
Name = Annotated[str, Field(min_length=1, max_length=100), PlainText]
Slug = Annotated[str, Field(min_length=2, max_length=50), AfterValidator(rules.check_slug)]
TimeZone = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(rules.check_time_zone)]
Color = Annotated[str, Field(min_length=7, max_length=7), AfterValidator(rules.check_color)]
Languages = Annotated[list[Language], Field(min_length=1, max_length=8), AfterValidator(rules.check_languages)]
Texts = dict[Language, dict[TextKey, Annotated[str, Field(max_length=2000), LongText]]]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class FormField(StrictInput):
    """One field of a window's request or reservation form."""

    key: Annotated[str, Field(min_length=1, max_length=32, pattern=rules.FIELD_KEY_PATTERN)]
    kind: FieldKind = "text"
    required: bool = False
    labels: dict[Language, Annotated[str, Field(min_length=1, max_length=100), PlainText]] = Field(
        min_length=1, description="the label per page language; a language left out shows the key")


def _unique_keys(fields: list[FormField]) -> list[FormField]:
    rules.check_field_keys([field.key for field in fields])
    return fields


FormFields = Annotated[list[FormField], Field(max_length=rules.MAX_FIELDS), AfterValidator(_unique_keys)]


def _not_null(value: object, info: Any) -> object:
    if value is None:
        raise ValueError(f"{info.field_name} may not be null: give a value, or leave the field out")
    return value


class PageSettings(StrictInput):
    """The settings of a page a create or an update may name (the update leaves out what it keeps)."""

    name: Name | None = None
    time_zone: TimeZone | None = Field(default=None, description="IANA name; summer time follows the zone")
    tls_only: bool | None = None
    privacy_protection: bool | None = Field(default=None, description="hide the customer's PC name, IP and MAC "
                                            "in the agent's and the admin's history detail")
    languages: Languages | None = None
    default_language: Language | None = None
    show_browser_help: bool | None = None
    show_screen_reader_hint: bool | None = None
    show_code_box: bool | None = Field(default=None, description="icon pages: show the code box too")
    show_download: bool | None = None
    show_customer_name: bool | None = None
    icon_numbering: IconNumbering | None = None
    distribution: Distribution | None = Field(default=None, description="window pages: who is alerted")
    show_wait_time: bool | None = None
    reservations_enabled: bool | None = None
    color: Color | None = None
    texts: Texts | None = Field(default=None, description="per language, the page's own texts")
    group_ids: Annotated[list[Id], Field(max_length=1000)] | None = Field(
        default=None, description="the groups that use this page (a group uses at most one page)")

    @field_validator("*", mode="before")
    @classmethod
    def _no_null(cls, value: object, info: Any) -> object:
        return _not_null(value, info)


class PageCreate(PageSettings):
    """``POST /pages``: a new page; settings left out take their defaults."""

    slug: Slug
    kind: PageKind
    name: Name

    @model_validator(mode="after")
    def _default_in_languages(self) -> PageCreate:
        if self.languages is not None and self.default_language is not None:
            rules.check_default_language(self.default_language, self.languages)
        return self


class PageUpdate(PageSettings):
    """``PATCH /pages/{id}``: the settings to change; the slug may change, the kind may not."""

    slug: Slug | None = None


class PageOut(BaseModel):
    """A connection page and its settings."""

    id: int
    slug: str
    url: str = Field(description="the page's path on this server")
    name: str
    kind: PageKind
    time_zone: str
    tls_only: bool
    privacy_protection: bool
    languages: list[str]
    default_language: str
    show_browser_help: bool
    show_screen_reader_hint: bool
    show_code_box: bool
    show_download: bool
    show_customer_name: bool
    icon_numbering: IconNumbering
    distribution: Distribution
    show_wait_time: bool
    reservations_enabled: bool
    color: str
    logo_type: str | None
    texts: dict[str, dict[str, str]]
    group_ids: list[int]
    created_at: datetime.datetime


class WindowSettings(StrictInput):
    """The fields of a window a create or an update may name."""

    name: Name | None = None
    description: Annotated[str, Field(max_length=2000), LongText] | None = None
    position: Annotated[int, Field(ge=0, le=10_000)] | None = None
    estimate_minutes: Annotated[int, Field(ge=1, le=480)] | None = Field(
        default=None, description="minutes per case; the estimated wait is this times the position")
    max_reservations_per_hour: Annotated[int, Field(ge=0, le=100)] | None = Field(
        default=None, description="0: this window takes no reservations")
    request_fields: FormFields | None = None
    reservation_fields: FormFields | None = None
    agent_ids: Annotated[list[Id], Field(max_length=1000)] | None = Field(
        default=None, description="agents assigned to the window (alerted when the page distributes by window)")

    @field_validator("*", mode="before")
    @classmethod
    def _no_null(cls, value: object, info: Any) -> object:
        return _not_null(value, info)


class WindowCreate(WindowSettings):
    """``POST /pages/{id}/windows``: a new window."""

    name: Name


class WindowOut(BaseModel):
    """A window of a window page, with its direct link and banner snippets."""

    id: int
    page_id: int
    name: str
    description: str
    position: int
    estimate_minutes: int
    max_reservations_per_hour: int
    request_fields: list[dict[str, Any]]
    reservation_fields: list[dict[str, Any]]
    agent_ids: list[int]
    image_type: str | None
    link_url: str = Field(description="opens this window directly")
    link_html: str = Field(description="an HTML text link to the window")
    banner_html: str = Field(description="an HTML image banner linking to the window")


class HoursRange(StrictInput):
    """One opening range: weekday 0 (Monday) to 6 (Sunday), local times HH:MM (end 24:00 allowed)."""

    weekday: Annotated[int, Field(ge=0, le=6)]
    start: Annotated[str, Field(min_length=5, max_length=5, pattern=rules.HHMM_PATTERN)]
    end: Annotated[str, Field(min_length=5, max_length=5, pattern=rules.HHMM_PATTERN)]


class HoursPut(StrictInput):
    """``PUT /pages/{id}/hours``: the whole week, replacing what was there."""

    ranges: Annotated[list[HoursRange], Field(max_length=70)]


class HoursOut(BaseModel):
    """A page's weekly hours in its time zone."""

    time_zone: str
    ranges: list[dict[str, Any]]


class HolidayCreate(StrictInput):
    """``POST /pages/{id}/holidays``."""

    name: Name
    day: datetime.date
    yearly: bool = False


class HolidayUpdate(StrictInput):
    """``PATCH /pages/{id}/holidays/{holiday_id}``."""

    name: Name | None = None
    day: datetime.date | None = None
    yearly: bool | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _no_null(cls, value: object, info: Any) -> object:
        return _not_null(value, info)


class HolidayOut(BaseModel):
    """A closed day of a page."""

    id: int
    name: str
    day: datetime.date
    yearly: bool


class ReservationOut(BaseModel):
    """One reservation, as the reservation history shows it."""

    id: int
    page_id: int
    window_id: int
    window_name: str
    slot_start: datetime.datetime = Field(description="the reserved hour's start (UTC)")
    slot_local: str = Field(description="the same in the page's time zone, YYYY-MM-DD HH:MM")
    customer: dict[str, str]
    created_at: datetime.datetime
    state: Literal["booked", "cancelled", "done"]
    agent_id: int | None
    handled_at: datetime.datetime | None


class ReservationPage(BaseModel):
    """``GET /pages/reservations``: one page of the history, newest slot first, and how many match."""

    total: int
    reservations: list[ReservationOut]
