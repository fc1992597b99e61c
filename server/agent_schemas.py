"""Request and answer bodies of the agent app's own routes (``server.routes_agent``)."""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints, field_validator

from server.schemas import StrictInput

Text500 = Annotated[str, StringConstraints(min_length=1, max_length=500)]


class Profile(BaseModel):
    """Who the caller is, and when their account ends (None: never), for the waiting screen's expiry notice."""

    login_id: str
    name: str
    nickname: str | None
    role: str
    company: str
    group: str | None
    expires_at: datetime.datetime | None


class ShortcutOut(BaseModel):
    """One of the ten shortcut messages; ``source`` is own, company or default."""

    slot: int
    text: str
    source: str


ShortcutUpdate = Annotated[dict[Literal["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"], Text500 | None],
                           Field(max_length=10)]
"""Slots (1..10, as JSON keys) and the agent's new text, or null to go back to the company's or default text."""


class FavoriteIn(StrictInput):
    """A new favorite of the agent's own."""

    title: str = Field(min_length=1, max_length=100)
    url: str = Field(min_length=8, max_length=2048, description="http:// or https:// URL")

    @field_validator("url")
    @classmethod
    def _web_url(cls, value: str) -> str:
        if not value.lower().startswith(("http://", "https://")) or any(c.isspace() for c in value):
            raise ValueError("the URL must start with http:// or https:// and contain no spaces")
        return value


class FavoriteOut(BaseModel):
    """A favorite; ``editable`` is False for the ones an administrator added for everyone."""

    id: int
    title: str
    url: str
    editable: bool


class CategoryOut(BaseModel):
    """A consultation category and its children, in order."""

    id: int
    name: str
    children: list[CategoryOut]


class ChatLineIn(StrictInput):
    """One chat line; ``client_id`` is unique per session on the sending side (a UUID)."""

    client_id: str = Field(min_length=1, max_length=36, pattern=r"^[A-Za-z0-9-]+$")
    sender: Literal["agent", "customer"]
    text: str = Field(min_length=1, max_length=4000)
    sent_at: datetime.datetime = Field(description="when it was sent (ISO 8601 with a time zone)")

    @field_validator("sent_at")
    @classmethod
    def _aware(cls, value: datetime.datetime) -> datetime.datetime:
        if value.tzinfo is None:
            raise ValueError("the time needs a time zone (for example 2026-11-25T10:00:00Z)")
        return value


class ChatBatch(StrictInput):
    """Chat lines to save (a batch sent again stores nothing twice)."""

    lines: list[ChatLineIn] = Field(min_length=1, max_length=200)


class ChatSaved(BaseModel):
    """How many lines the session has on the server after this batch."""

    stored: int


class SupportLogIn(StrictInput):
    """The support log of a session."""

    customer_name: str = Field(default="", max_length=100)
    content: str = Field(default="", max_length=10000)
    category_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class SupportLogOut(BaseModel):
    """A support log as stored."""

    customer_name: str
    content: str
    category_id: int | None
    written_at: datetime.datetime | None


class HistoryItemOut(BaseModel):
    """One session of the agent's support history."""

    session_id: str
    state: str
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    ended_at: datetime.datetime | None
    pc_name: str | None
    os: str | None
    end_reason: str | None
    customer_name: str | None
    chat_lines: int


class ChatLineOut(BaseModel):
    """A saved chat line."""

    sender: str
    text: str
    sent_at: datetime.datetime


class GrantEventOut(BaseModel):
    """A grant, refusal or revoke on the customer's side (``by`` customer, policy or agent)."""

    at: datetime.datetime
    kind: str
    granted: bool
    by: str
    reason: str


class HistoryDetailOut(BaseModel):
    """A session of the history with its support log, saved chat and the customer's grants."""

    session: HistoryItemOut
    log: SupportLogOut | None
    chat: list[ChatLineOut]
    events: list[GrantEventOut] = []


class MemberOut(BaseModel):
    """An agent of the caller's group and what they are doing now."""

    login_id: str
    name: str
    nickname: str | None
    state: Literal["offline", "agent_waiting", "viewer_waiting", "in_session"]
