"""Request and response bodies of the admin directory API: company, groups, group options, users.

Request bodies refuse unknown keys (``StrictInput``) and cap every string; the field rules themselves
live in ``server.admin.validation`` so the same sentence comes out of every door. An update body sets
only the fields it names; ``null`` clears a field that may be empty and is refused for one that may not.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, Field, field_validator

from server.admin import validation as rules
from server.policy import JsonValue
from server.schemas import OptionKey, OptionValue, StrictInput

PasswordLevelName = Literal["weak", "medium", "strong"]
RoleName = Literal["agent", "group_admin", "company_admin"]
LicenceKindName = Literal["named", "concurrent"]
LICENCE_READ_ONLY = ("the licence is set by the server operator with the seed command, not through this API: "
                     "remove licence_kind and licence_count")
ID_NEVER_CHANGES = "the ID never changes: remove login_id, or create a new user with the new ID"


def _not_null(value: object, field: str, rule: str) -> object:
    if value is None:
        raise ValueError(f"{field} may not be null: give {rule}")
    return value


class CompanyOut(BaseModel):
    """The caller's company and its company options (licence shown, read-only)."""

    id: int
    name: str
    password_level: PasswordLevelName
    password_lifetime_days: int | None = Field(description="30, 60 or 90; null: passwords never expire")
    lock_minutes: int | None = Field(description="1..1440; null: locked until an admin resets it")
    history_months: int = Field(description="0 (keep no history), 6 or 12")
    two_step_login: bool
    login_page_url: str | None
    logo_type: str | None = Field(description="the logo's media type; null: no logo")
    licence_kind: LicenceKindName
    licence_count: int | None = Field(description="null: no limit")
    user_count: int = Field(description="how many IDs the company has (a named licence counts these)")


class CompanyUpdate(StrictInput):
    """``PATCH /company``: the company options to change (company admin only)."""

    password_level: PasswordLevelName | None = None
    password_lifetime_days: Literal[30, 60, 90] | None = Field(default=None,
                                                               description="null: passwords never expire")
    lock_minutes: int | None = Field(default=None, ge=rules.LOCK_MINUTES_MIN, le=rules.LOCK_MINUTES_MAX,
                                     description="null: locked until an admin resets it")
    history_months: Literal[0, 6, 12] | None = None
    two_step_login: bool | None = None
    login_page_url: str | None = Field(default=None, max_length=50, description="letters, digits, '.', '_', '-'; "
                                       "unique among companies; null removes it")
    licence_kind: str | None = Field(default=None, max_length=16, description="read-only: naming it is refused")
    licence_count: int | None = Field(default=None, description="read-only: naming it is refused")

    @field_validator("password_level", "history_months", "two_step_login", mode="before")
    @classmethod
    def _required_value(cls, value: object, info: Any) -> object:
        return _not_null(value, info.field_name, "a value, or leave the field out")

    @field_validator("login_page_url")
    @classmethod
    def _login_page_url(cls, value: str | None) -> str | None:
        return None if value is None else rules.check_login_page_url(value)

    @field_validator("licence_kind", "licence_count", mode="before")
    @classmethod
    def _licence_read_only(cls, value: object) -> object:
        raise ValueError(LICENCE_READ_ONLY)


class GroupOut(BaseModel):
    """A group of the company."""

    id: int
    name: str
    external_id: str | None = Field(description="the group's ID in a CRM")
    user_count: int


PlainText = AfterValidator(rules.check_plain_text)
GroupName = Annotated[str, Field(min_length=1, max_length=200), PlainText]
ExternalId = Annotated[str, Field(min_length=1, max_length=64), PlainText]


class GroupCreate(StrictInput):
    """``POST /groups``: a new group (company admin only)."""

    name: GroupName
    external_id: ExternalId | None = None


class GroupUpdate(StrictInput):
    """``PATCH /groups/{id}``: new name and/or external ID (null removes the external ID)."""

    name: GroupName | None = None
    external_id: ExternalId | None = None

    @field_validator("name", mode="before")
    @classmethod
    def _name_required(cls, value: object) -> object:
        return _not_null(value, "name", "1 to 200 characters, or leave the field out")


GROUP_STATES = "all_use, not_used or user_setting"


class GroupOptionEntry(StrictInput):
    """One option of a group policy: its state (not for a companion) and the group's value (not for a switch)."""

    state: str | None = Field(default=None, max_length=16, description=f"{GROUP_STATES}; null for a companion "
                              "option (it follows its parent)")
    value: OptionValue | None = Field(default=None, description="the group's value for a non-switch option; "
                                      "null: the catalogue default")


GroupOptionsUpdate = Annotated[dict[OptionKey, GroupOptionEntry], Field(max_length=200)]


class GroupOptionOut(BaseModel):
    """A group's state and value for one catalogue key."""

    state: str | None = Field(description=f"{GROUP_STATES} (stored or implied); null for a companion option")
    value: JsonValue | None = Field(description="the group's value; null: the catalogue default")
    effective_state: str = Field(description="the state that decides this key (a companion's parent's)")
    default: JsonValue
    group_only: bool
    part_of: str | None


Text100 = Annotated[str, Field(max_length=100), PlainText]
Text200 = Annotated[str, Field(max_length=200), PlainText]
Phone = Annotated[str, Field(max_length=rules.PHONE_MAX, description="digits and '-', at most 13")]
Email = Annotated[str, Field(max_length=rules.EMAIL_MAX)]
IconNumber = Annotated[int, Field(ge=rules.ICON_MIN, le=rules.ICON_MAX, description="unique per company")]


class UserProfile(StrictInput):
    """Profile fields shared by create and update (every one optional)."""

    family_name: Text100 | None = None
    given_name: Text100 | None = None
    name: Text200 | None = Field(default=None, description="display name; when left out it is built from "
                                 "family_name and given_name")
    name_reading: Text200 | None = None
    nickname: Text100 | None = Field(default=None, description="shown to customers in chat")
    phone: Phone | None = None
    mobile: Phone | None = None
    email: Email | None = None
    email_opt_in: bool | None = None
    icon_number: IconNumber | None = None
    group_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    expires_at: AwareDatetime | None = Field(default=None, description="account end (with a time zone); "
                                             "null: never")

    @field_validator("phone", "mobile")
    @classmethod
    def _phone(cls, value: str | None, info: Any) -> str | None:
        return None if value is None else rules.check_phone(value, info.field_name)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return None if value is None else rules.check_email(value)

    @field_validator("name", mode="before")
    @classmethod
    def _name_not_blank(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            raise ValueError("name may not be blank: give a display name, or leave it out to build it from "
                             "family_name and given_name")
        return value


class UserCreate(UserProfile):
    """``POST /users``: a new user with every SPEC field."""

    login_id: str = Field(min_length=1, max_length=64, description="letters, digits, '.', '_', '-', '@'; "
                          "never changes")
    password: str = Field(min_length=1, max_length=256, description="checked against the company's level")
    role: RoleName = "agent"

    @field_validator("login_id")
    @classmethod
    def _login_id(cls, value: str) -> str:
        return rules.check_login_id(value)

    @field_validator("email_opt_in", mode="before")
    @classmethod
    def _opt_in(cls, value: object) -> object:
        return _not_null(value, "email_opt_in", "true or false")


class UserUpdate(UserProfile):
    """``PATCH /users/{id}``: the fields to change; login_id is refused (the ID never changes)."""

    role: RoleName | None = None
    login_id: str | None = Field(default=None, max_length=64, description="refused: the ID never changes")

    @field_validator("login_id", mode="before")
    @classmethod
    def _login_id_fixed(cls, value: object) -> object:
        raise ValueError(ID_NEVER_CHANGES)

    @field_validator("role", "email_opt_in", mode="before")
    @classmethod
    def _required_value(cls, value: object, info: Any) -> object:
        return _not_null(value, info.field_name, "a value, or leave the field out")


class UserOut(BaseModel):
    """A user as the admin page shows them."""

    id: int
    login_id: str
    role: RoleName
    name: str
    family_name: str | None
    given_name: str | None
    name_reading: str | None
    nickname: str | None
    phone: str | None
    mobile: str | None
    email: str | None
    email_opt_in: bool
    icon_number: int | None
    group_id: int | None
    expires_at: datetime.datetime | None
    created_at: datetime.datetime
    password_changed_at: datetime.datetime | None
    locked: bool = Field(description="locked after five wrong passwords (POST .../unlock resets it)")


class UserPage(BaseModel):
    """One page of users and how many there are in all."""

    items: list[UserOut]
    total: int
    limit: int
    offset: int


class PasswordSet(StrictInput):
    """``POST /users/{id}/password``: the new password, checked against the company's level."""

    password: str = Field(min_length=1, max_length=256)
