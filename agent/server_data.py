"""The agent's data on the server: password rules, profile, options, shortcut messages, favorites,
categories, chat lines, support logs, history and the group's agents (blocking; run off the GUI thread).

Each function takes the logged-in ``ServerClient`` and returns frozen dataclasses; failures are the
client's ``ApiError`` with the server's sentence and ``code``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from agent.api import ServerClient


@dataclasses.dataclass(frozen=True)
class RuleState:
    """One rule of the company's password level: ``id`` length/alphabet/classes/digit_run/reuse, met or not."""

    id: str
    text: str
    met: bool


@dataclasses.dataclass(frozen=True)
class PasswordCheck:
    """The level and each of its rules for a new password."""

    level: str
    rules: tuple[RuleState, ...]


@dataclasses.dataclass(frozen=True)
class Profile:
    """The logged-in agent's account; ``expires_at`` (ISO time) is when it ends, or None."""

    login_id: str
    name: str
    nickname: str | None
    role: str
    company: str
    group: str | None
    expires_at: str | None


@dataclasses.dataclass(frozen=True)
class Shortcut:
    """A shortcut message slot (1..10), its text and where it comes from (own, company, default)."""

    slot: int
    text: str
    source: str


@dataclasses.dataclass(frozen=True)
class Favorite:
    """A saved URL; ``editable`` False for the company's."""

    id: int
    title: str
    url: str
    editable: bool


@dataclasses.dataclass(frozen=True)
class Category:
    """A consultation category and its children."""

    id: int
    name: str
    children: tuple[Category, ...]


@dataclasses.dataclass(frozen=True)
class ChatLine:
    """A chat line to save; ``client_id`` is unique per session (a UUID), ``sent_at`` an ISO time with zone."""

    client_id: str
    sender: str
    text: str
    sent_at: str


@dataclasses.dataclass(frozen=True)
class HistoryItem:
    """One of the agent's sessions."""

    session_id: str
    state: str
    created_at: str
    started_at: str | None
    ended_at: str | None
    pc_name: str | None
    os: str | None
    end_reason: str | None
    customer_name: str | None
    chat_lines: int


@dataclasses.dataclass(frozen=True)
class HistoryDetail:
    """A session with its support log (customer_name, content, category_id) and saved chat."""

    item: HistoryItem
    log: Mapping[str, Any] | None
    chat: tuple[ChatLine, ...]


@dataclasses.dataclass(frozen=True)
class Member:
    """An agent of the group: state offline, agent_waiting, viewer_waiting or in_session."""

    login_id: str
    name: str
    nickname: str | None
    state: str


def _fields(kind: type[Any], data: Mapping[str, Any]) -> dict[str, Any]:
    return {field.name: data.get(field.name) for field in dataclasses.fields(kind)}


def check_password(client: ServerClient, login_id: str, new_password: str) -> PasswordCheck:
    """POST /auth/password/check (no token): which rules of the level the new password meets."""
    body = client.call("POST", "/auth/password/check", auth=False,
                       json={"login_id": login_id, "new_password": new_password})
    return PasswordCheck(str(body["level"]), tuple(RuleState(str(r["id"]), str(r["text"]), bool(r["met"]))
                                                   for r in body["rules"]))


def change_password(client: ServerClient, login_id: str, current: str, new: str) -> None:
    """POST /auth/password (no token): change an (expired) password."""
    client.call("POST", "/auth/password", auth=False,
                json={"login_id": login_id, "current_password": current, "new_password": new})


def profile(client: ServerClient) -> Profile:
    """GET /me."""
    return Profile(**_fields(Profile, client.call("GET", "/me")))


def options(client: ServerClient) -> dict[str, Any]:
    """GET /me/options: the effective options."""
    return dict(client.call("GET", "/me/options"))


def set_options(client: ServerClient, changes: Mapping[str, Any]) -> dict[str, Any]:
    """PUT /me/options: the agent's own values; the new effective options."""
    return dict(client.call("PUT", "/me/options", json=dict(changes)))


def shortcuts(client: ServerClient, language: str) -> list[Shortcut]:
    """GET /me/shortcuts (empty when the group turned them off)."""
    return [Shortcut(**_fields(Shortcut, item))
            for item in client.call("GET", "/me/shortcuts", params={"language": language})]


def set_shortcuts(client: ServerClient, changes: Mapping[int, str | None], language: str) -> list[Shortcut]:
    """PUT /me/shortcuts: own texts (None: back to the company's or default)."""
    body = {str(slot): text for slot, text in changes.items()}
    return [Shortcut(**_fields(Shortcut, item))
            for item in client.call("PUT", "/me/shortcuts", params={"language": language}, json=body)]


def favorites(client: ServerClient) -> list[Favorite]:
    """GET /me/favorites."""
    return [Favorite(**_fields(Favorite, item)) for item in client.call("GET", "/me/favorites")]


def add_favorite(client: ServerClient, title: str, url: str) -> Favorite:
    """POST /me/favorites."""
    return Favorite(**_fields(Favorite, client.call("POST", "/me/favorites", json={"title": title, "url": url})))


def delete_favorite(client: ServerClient, favorite_id: int) -> None:
    """DELETE /me/favorites/{id}."""
    client.call("DELETE", f"/me/favorites/{favorite_id}")


def _category(data: Mapping[str, Any]) -> Category:
    return Category(int(data["id"]), str(data["name"]), tuple(_category(c) for c in data.get("children", ())))


def categories(client: ServerClient) -> list[Category]:
    """GET /categories: the tree."""
    return [_category(item) for item in client.call("GET", "/categories")]


def save_chat(client: ServerClient, session_id: str, lines: Sequence[ChatLine]) -> int:
    """POST /sessions/{id}/chat; how many lines the server holds for the session."""
    body = {"lines": [dataclasses.asdict(line) for line in lines]}
    return int(client.call("POST", f"/sessions/{session_id}/chat", json=body)["stored"])


def write_support_log(client: ServerClient, session_id: str, customer_name: str, content: str,
                      category_id: int | None) -> None:
    """PUT /sessions/{id}/log."""
    client.call("PUT", f"/sessions/{session_id}/log",
                json={"customer_name": customer_name, "content": content, "category_id": category_id})


def _item(data: Mapping[str, Any]) -> HistoryItem:
    return HistoryItem(**_fields(HistoryItem, data))


def history(client: ServerClient, limit: int = 50, offset: int = 0) -> list[HistoryItem]:
    """GET /me/history: newest first."""
    return [_item(item) for item in client.call("GET", "/me/history", params={"limit": limit, "offset": offset})]


def history_detail(client: ServerClient, session_id: str) -> HistoryDetail:
    """GET /me/history/{id}."""
    body = client.call("GET", f"/me/history/{session_id}")
    chat = tuple(ChatLine("", str(line["sender"]), str(line["text"]), str(line["sent_at"])) for line in body["chat"])
    return HistoryDetail(_item(body["session"]), body.get("log"), chat)


def group_members(client: ServerClient) -> list[Member]:
    """GET /me/group (403 when the group does not show agents' states)."""
    return [Member(**_fields(Member, item)) for item in client.call("GET", "/me/group")]
