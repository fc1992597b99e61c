"""Request and response bodies of the REST API (pydantic); lengths are capped on every input."""

from __future__ import annotations

import datetime
import re
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, field_validator

CODE_PATTERN = re.compile(r"[0-9]{6}")
SESSION_ID_PATTERN = r"^[0-9a-f]{32}$"


def _iso_day(value: object) -> object:
    """Only YYYY-MM-DD is a day (pydantic alone would also read "0.0" as 1970-01-01)."""
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError("write the day as YYYY-MM-DD")
    return value


IsoDay = Annotated[datetime.date, BeforeValidator(_iso_day)]
"""A calendar day in a query or body, written YYYY-MM-DD."""


class ErrorDetail(BaseModel):
    """Every error answer: one sentence naming what failed (the field and the rule) and what to do."""

    detail: str
    code: str | None = Field(default=None, description="a machine-readable reason, when the client must act "
                             "on it: password_expired, account_locked, account_expired, password_rules, "
                             "address_not_allowed, licence_full, duplicate_login, conflict, role_forbidden, "
                             "option_forced, option_invalid, second_step_failed")


class StrictInput(BaseModel):
    """A request body: unknown keys are refused (422 naming the key), never silently ignored."""

    model_config = ConfigDict(extra="forbid")


class Health(BaseModel):
    """``GET /api/v1/health``."""

    status: str
    version: str


class LoginRequest(StrictInput):
    """An agent's credentials."""

    login_id: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    mac: str | None = Field(default=None, max_length=64,
                            description="this PC's MAC address, for the MAC allow list (any common spelling)")


class PasswordChangeRequest(StrictInput):
    """A password change; needs no token, so an agent whose password expired can change it."""

    login_id: str = Field(min_length=1, max_length=64)
    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=1, max_length=256)


class PasswordCheckRequest(StrictInput):
    """A new password to check against the rules of the user's company (nothing is changed)."""

    login_id: str = Field(min_length=1, max_length=64)
    new_password: str = Field(max_length=256)


class PasswordRuleState(BaseModel):
    """One rule of the level: ``id`` is length, alphabet, classes, digit_run or reuse."""

    id: str
    text: str
    met: bool


class PasswordCheck(BaseModel):
    """The company's password level and each of its rules, met or not by the new password."""

    level: str
    rules: list[PasswordRuleState]


class AgentInfo(BaseModel):
    """Who is logged in."""

    login_id: str
    name: str
    company: str
    group: str | None


OptionKey = Annotated[str, StringConstraints(min_length=1, max_length=64)]
OptionValue = (bool | int | Annotated[str, StringConstraints(max_length=2048)]
               | Annotated[list[Annotated[str, StringConstraints(max_length=64)]], Field(max_length=256)])
Options = dict[str, bool | int | str | list[str]]
"""Effective options: every catalogue key and its value for this agent."""
OptionsUpdate = Annotated[dict[OptionKey, OptionValue], Field(max_length=100)]
"""An agent's write of its own options: ``{key: value}``."""


class LoginResponse(BaseModel):
    """A bearer token for ``Authorization: Bearer <token>``, when it stops working, and the agent's options."""

    token: str
    expires_at: datetime.datetime
    agent: AgentInfo
    options: Options = Field(description="the agent's effective options: every catalogue key and its value")


class SessionCreated(BaseModel):
    """A new session: the code to give the customer and the secret for the viewer."""

    session_id: str
    code: str
    expires_at: datetime.datetime
    secret: str
    connect_url: str


class JoinRequest(StrictInput):
    """What the customer's host module sends with the code it was given."""

    code: str = Field(min_length=1, max_length=32, description="6 digits; spaces and dashes are ignored")
    pc_name: str = Field(default="", max_length=128)
    os: str = Field(default="", max_length=128)

    @field_validator("code")
    @classmethod
    def _six_digits(cls, value: str) -> str:
        digits = value.replace(" ", "").replace("-", "")
        if not CODE_PATTERN.fullmatch(digits):
            raise ValueError("the connection code must be exactly 6 digits")
        return digits


class JoinResponse(BaseModel):
    """The host's credentials for the relay and the shared session secret."""

    session_id: str
    host_token: str
    secret: str
    agent_name: str
    company: str
    policy: Options = Field(default_factory=dict, description="the agent's effective options that the host "
                            "enforces (pre_consent, control_consent, blinder, module_delete, recording_*, …)")


class SessionInfo(BaseModel):
    """The record of one session."""

    session_id: str
    state: str
    agent: str
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    ended_at: datetime.datetime | None
    pc_name: str | None
    os: str | None
    end_reason: str | None


class EndRequest(StrictInput):
    """Why the session ends (shown to the other side and kept in the record)."""

    reason: str | None = Field(default=None, max_length=200)


class GrantEventIn(StrictInput):
    """A grant, refusal or revoke on the customer's side."""

    kind: str = Field(min_length=1, max_length=32, pattern=r"^[a-z_]+$",
                      description="control, or a permission kind (file_send, recording, …)")
    granted: bool
    by: Literal["customer", "policy", "agent"]
    reason: str = Field(default="", max_length=200)


class GrantEvents(StrictInput):
    """Events the host reports for the session record."""

    events: list[GrantEventIn] = Field(min_length=1, max_length=100)


class EventsStored(BaseModel):
    """How many events the session record holds now."""

    stored: int
