"""Request and answer bodies of the agent queue API (``/api/v1/queue…``, ``/api/v1/reservations…``)."""

from __future__ import annotations

import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    """Bodies refuse unknown keys."""

    model_config = ConfigDict(extra="forbid")


class QueueItem(BaseModel):
    """A queue entry as the agent app lists it."""

    id: int
    page_id: int
    window_id: int
    window_name: str
    customer_name: str
    fields: dict[str, str]
    state: Literal["waiting", "alerted", "accepted"]
    position: int = Field(description="1 + waiting entries of the window created earlier; 0 once accepted")
    created_at: datetime.datetime
    alerted_to_me: bool
    agent_id: int | None


class QueueList(BaseModel):
    """The entries the agent may see, oldest first."""

    entries: list[QueueItem]


class ChatFile(BaseModel):
    """A file line's file."""

    id: int
    name: str
    size: int
    url: str


class ChatMsg(BaseModel):
    """One chat line (a file line has ``file`` and empty text)."""

    id: int
    sender: Literal["agent", "customer"]
    name: str
    text: str
    at: str
    file: ChatFile | None = None


class ChatLines(BaseModel):
    """An entry's chat, in order."""

    lines: list[ChatMsg]


class ChatIn(Strict):
    """A line the agent sends."""

    text: str = Field(min_length=1, max_length=4000)


class EndIn(Strict):
    """Why the agent ends the chat."""

    reason: str = Field(default="served", min_length=1, max_length=40, pattern=r"^[a-z_]+$")


class ReservationItem(BaseModel):
    """A reservation of a window the agent serves."""

    id: int
    window_id: int
    window_name: str
    slot_start: datetime.datetime
    customer: dict[str, str]
    state: Literal["booked", "done", "cancelled"]
    agent_id: int | None


class ReservationList(BaseModel):
    """One day's reservations."""

    reservations: list[ReservationItem]
