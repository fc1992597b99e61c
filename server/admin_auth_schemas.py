"""Request and answer bodies of the admin page's login (``/api/v1/admin/auth``)."""

from __future__ import annotations

import datetime

from pydantic import BaseModel, Field, field_validator

from server.schemas import CODE_PATTERN, SESSION_ID_PATTERN, StrictInput


class AdminLoginRequest(StrictInput):
    """An admin-page login: the same ID and password as the agent app."""

    login_id: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class SecondStepRequest(StrictInput):
    """The e-mailed code for a two-step login."""

    challenge_id: str = Field(pattern=SESSION_ID_PATTERN, description="from the 202 answer of the login: 32 hex "
                              "characters")
    code: str = Field(min_length=1, max_length=16, description="the 6 digits of the e-mail; spaces and dashes "
                      "are ignored")

    @field_validator("code")
    @classmethod
    def _six_digits(cls, value: str) -> str:
        digits = value.replace(" ", "").replace("-", "")
        if not CODE_PATTERN.fullmatch(digits):
            raise ValueError("the login code must be exactly the 6 digits of the e-mail")
        return digits


class AdminUser(BaseModel):
    """Who is logged in to the admin page."""

    login_id: str
    name: str
    role: str = Field(description="company_admin, group_admin or agent")
    company: str
    group: str | None


class AdminLoginResponse(BaseModel):
    """An admin-page token for ``Authorization: Bearer <token>`` and when it stops working."""

    token: str
    expires_at: datetime.datetime
    user: AdminUser


class SecondStepStarted(BaseModel):
    """A code was mailed: send it with ``challenge_id`` to ``POST /api/v1/admin/auth/verify`` before it expires."""

    challenge_id: str
    sent_to: str = Field(description="the address the code went to, masked: a***@example.com")
    expires_at: datetime.datetime


class AdminMe(BaseModel):
    """The logged-in user and the admin-page menus their role sees."""

    user: AdminUser
    menus: list[str] = Field(description="menu names, in order: company, groups, users, policies, usage, "
                             "history (company admin); users, policies, usage of their group (group admin); "
                             "my_settings (agent)")
