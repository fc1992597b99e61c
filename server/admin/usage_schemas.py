"""Request and answer bodies of the admin usage API: logins now, force logout, login history, licence use."""

from __future__ import annotations

import datetime

from pydantic import BaseModel, Field

from server.schemas import StrictInput


class LiveLogin(BaseModel):
    """One live agent-app login (never its token nor the token's hash)."""

    user_id: int
    login_id: str
    name: str
    group: str | None
    since: datetime.datetime = Field(description="when the token was given (UTC)")
    expires_at: datetime.datetime
    address: str | None = Field(description="the IP address the login came from")
    mac: str | None = Field(description="the MAC the agent app reported: 12 upper-case hex digits")
    client_version: str | None
    connected: bool = Field(description="whether the agent app's push socket (/ws/agent) is open now")


class LiveLogins(BaseModel):
    """``GET /api/v1/admin/logins/now``: the live agent-app logins the caller may see, newest first."""

    logins: list[LiveLogin]


class LogoutRequest(StrictInput):
    """Why an administrator ends a user's logins (told to the agent app and kept with the ended token)."""

    reason: str | None = Field(default=None, max_length=200)


class LogoutDone(BaseModel):
    """How many agent-app logins of the user were ended."""

    user_id: int
    ended: int


class HistoryEntry(BaseModel):
    """One login attempt, at the agent app (kind agent) or the admin page (kind admin)."""

    id: int
    at: datetime.datetime
    login_id: str
    user_id: int | None
    kind: str = Field(description="agent (the agent app) or admin (the admin page)")
    result: str = Field(description="ok, failed, locked, expired or refused")
    reason: str
    address: str | None
    mac: str | None
    client_version: str | None


class HistoryPage(BaseModel):
    """``GET /api/v1/admin/history/logins``: one page of matching rows, newest first, and how many match."""

    total: int
    limit: int
    offset: int
    entries: list[HistoryEntry]


class LicenceHolder(BaseModel):
    """An agent holding a licence: concurrent, logged in now (since when); named, an ID of the company."""

    user_id: int
    login_id: str
    name: str
    group: str | None
    since: datetime.datetime | None = Field(description="concurrent: when the oldest present login began")


class LicenceUse(BaseModel):
    """``GET /api/v1/admin/licence``: the company's licence against its use now."""

    kind: str = Field(description="named (one per agent ID) or concurrent (N agents logged in at once)")
    count: int | None = Field(description="how many licences; null: no limit")
    in_use: int
    holders: list[LicenceHolder]
