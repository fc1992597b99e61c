"""The queue, queue chat and reservation calls of the agent REST API (blocking; run off the GUI thread).

Rules: every call returns frozen dataclasses or raises ``ApiError`` (``QueueTakenError`` when another agent
accepted the customer first). JSON calls go through ``ServerClient.call``; a chat file's bytes come through
``fetch`` (the only call whose answer is not JSON), made on first use with the same pinned TLS and token.
A chat line posted here is stored by the server before it answers 201; it is never resent on its own,
because the contract has no client id to skip duplicates: a failure is reported to the agent instead.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

import requests
from PySide6.QtCore import QCoreApplication

from agent.api import API, TIMEOUT, IssuedCode, ServerClient, parse_time, seconds_left
from agent.errors import ApiError
from transport.errors import TransportError
from transport.tls import pinned_session

HTTP_CONFLICT = 409
MAX_FILE_BYTES = 10 * 1024 * 1024
Fetch = Callable[[str], bytes]


class Caller(Protocol):
    """What the queue calls need of ``ServerClient``: one JSON call (the seam unit tests fake)."""

    def call(self, method: str, path: str, *, auth: bool = True, **kwargs: Any) -> Any: ...


class QueueTakenError(ApiError):
    """Another agent accepted this customer first (HTTP 409 already_taken)."""


@dataclasses.dataclass(frozen=True)
class QueueItem:
    """A customer waiting at (or accepted from) one of the agent's windows."""

    id: int
    page_id: int
    window_id: int
    window_name: str
    customer_name: str
    fields: tuple[tuple[str, str], ...]  # (label, value) in the order the customer filled them
    state: str  # waiting | alerted | accepted
    position: int
    created_at: dt.datetime
    alerted_to_me: bool
    agent_id: int | None


@dataclasses.dataclass(frozen=True)
class ChatFile:
    """A file sent in a queue chat."""

    id: int
    name: str
    size: int
    url: str


@dataclasses.dataclass(frozen=True)
class ChatMessage:
    """A queue chat line (``file`` set and ``text`` empty for a file)."""

    id: int
    sender: str  # agent | customer
    name: str
    text: str
    at: str
    file: ChatFile | None = None


@dataclasses.dataclass(frozen=True)
class Reservation:
    """A customer's booking of an hour at one of the agent's windows."""

    id: int
    window_id: int
    window_name: str
    slot_start: dt.datetime
    customer: tuple[tuple[str, str], ...]
    state: str  # booked | done | cancelled
    agent_id: int | None


def _pairs(data: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(data, Mapping):
        return ()
    return tuple((str(key), "" if value is None else str(value)) for key, value in data.items())


def _optional_int(value: object) -> int | None:
    return None if value is None else int(str(value))


def queue_item(data: Mapping[str, Any]) -> QueueItem:
    """A QueueItem from the server's JSON."""
    return QueueItem(
        id=int(data["id"]), page_id=int(data.get("page_id") or 0), window_id=int(data.get("window_id") or 0),
        window_name=str(data.get("window_name") or ""), customer_name=str(data.get("customer_name") or ""),
        fields=_pairs(data.get("fields")), state=str(data.get("state") or "waiting"),
        position=int(data.get("position") or 0), created_at=parse_time(str(data["created_at"])),
        alerted_to_me=data.get("alerted_to_me") is True, agent_id=_optional_int(data.get("agent_id")))


def chat_message(data: Mapping[str, Any]) -> ChatMessage:
    """A ChatMessage from the server's JSON."""
    raw_file = data.get("file")
    file = None
    if isinstance(raw_file, Mapping):
        file = ChatFile(int(raw_file["id"]), str(raw_file.get("name") or ""), int(raw_file.get("size") or 0),
                        str(raw_file.get("url") or ""))
    return ChatMessage(int(data["id"]), str(data.get("sender") or ""), str(data.get("name") or ""),
                       str(data.get("text") or ""), str(data.get("at") or ""), file)


def reservation(data: Mapping[str, Any]) -> Reservation:
    """A Reservation from the server's JSON."""
    return Reservation(
        id=int(data["id"]), window_id=int(data.get("window_id") or 0), window_name=str(data.get("window_name") or ""),
        slot_start=parse_time(str(data["slot_start"])), customer=_pairs(data.get("customer")),
        state=str(data.get("state") or ""), agent_id=_optional_int(data.get("agent_id")))


def issued_code(data: Mapping[str, Any]) -> IssuedCode:
    """The session POST /queue/{id}/remote made, as POST /sessions answers it."""
    expires_at = str(data["expires_at"])
    return IssuedCode(session_id=str(data["session_id"]), code=str(data["code"]), expires_at=expires_at,
                      expires_in=seconds_left(expires_at), connect_url=str(data.get("connect_url", "")),
                      secret=str(data["secret"]))


def file_fetcher(client: ServerClient, token: str) -> Fetch:
    """GET a file's bytes from the agent API with the client's pinned TLS (its own HTTP session)."""
    holder: list[requests.Session] = []

    def fetch(path: str) -> bytes:
        try:
            if not holder:
                holder.append(pinned_session(client.server_url, fingerprint=client.tls.fingerprint,
                                             cafile=client.tls.cafile))
            response = holder[0].get(client.server_url + API + path, timeout=TIMEOUT,
                                     headers={"Authorization": f"Bearer {token}"})
        except TransportError as exc:
            raise ApiError(str(exc)) from exc
        except (requests.RequestException, OSError) as exc:
            text = QCoreApplication.translate("QueueApi",
                                              "Could not download the file from the server: {0}. Try again.")
            raise ApiError(text.format(exc)) from exc
        if response.status_code >= 400:
            text = QCoreApplication.translate(
                "QueueApi", "The server refused the file download (HTTP {0}). Ask the customer to send it again.")
            raise ApiError(text.format(response.status_code), response.status_code)
        return response.content
    return fetch


class QueueApi:
    """The queue calls of one login; ``fetch`` downloads chat files (default: ``file_fetcher``)."""

    def __init__(self, caller: Caller, fetch: Fetch) -> None:
        self._caller = caller
        self._fetch = fetch

    def entries(self) -> list[QueueItem]:
        """GET /queue: what this agent may see, oldest first."""
        body = self._caller.call("GET", "/queue") or {}
        return [queue_item(entry) for entry in body.get("entries") or []]

    def accept(self, entry_id: int) -> QueueItem:
        """POST /queue/{id}/accept; QueueTakenError when another agent was first."""
        try:
            return queue_item(self._caller.call("POST", f"/queue/{entry_id}/accept"))
        except ApiError as exc:
            if exc.status == HTTP_CONFLICT and exc.code in (None, "already_taken"):
                # the server's sentence names who took it; a bare 409 gets ours
                ours = QCoreApplication.translate("QueueApi", "Another agent has already taken this customer.")
                text = str(exc) if exc.code else ours
                raise QueueTakenError(text, exc.status, "already_taken") from exc
            raise

    def chat(self, entry_id: int) -> list[ChatMessage]:
        """GET /queue/{id}/chat: the conversation so far."""
        body = self._caller.call("GET", f"/queue/{entry_id}/chat") or {}
        return [chat_message(line) for line in body.get("lines") or []]

    def send_chat(self, entry_id: int, text: str) -> ChatMessage:
        """POST /queue/{id}/chat: stored and sent to the customer."""
        return chat_message(self._caller.call("POST", f"/queue/{entry_id}/chat", json={"text": text}))

    def send_file(self, entry_id: int, path: Path) -> ChatMessage:
        """POST /queue/{id}/files (multipart "file"); refused here above 10 MB."""
        size = path.stat().st_size if path.exists() else -1
        if size < 0:
            text = QCoreApplication.translate("QueueApi", "The file {0} could not be read: choose it again.")
            raise ApiError(text.format(path.name))
        if size > MAX_FILE_BYTES:
            text = QCoreApplication.translate("QueueApi", "{0} is larger than 10 MB: send a smaller file.")
            raise ApiError(text.format(path.name))
        with path.open("rb") as handle:
            answer = self._caller.call("POST", f"/queue/{entry_id}/files",
                                       files={"file": (path.name, handle, "application/octet-stream")})
        return chat_message(answer)

    def download(self, entry_id: int, file_id: int) -> bytes:
        """GET /queue/{id}/files/{file_id}: the file's bytes."""
        return self._fetch(f"/queue/{entry_id}/files/{file_id}")

    def remote(self, entry_id: int) -> IssuedCode:
        """POST /queue/{id}/remote: a connection code the customer gets in their chat."""
        return issued_code(self._caller.call("POST", f"/queue/{entry_id}/remote"))

    def end(self, entry_id: int, reason: str = "served") -> None:
        """POST /queue/{id}/end."""
        self._caller.call("POST", f"/queue/{entry_id}/end", json={"reason": reason})

    def reservations(self, day: dt.date) -> list[Reservation]:
        """GET /reservations?day=…: the day's reservations of the agent's windows."""
        body = self._caller.call("GET", "/reservations", params={"day": day.isoformat()}) or {}
        return sorted((reservation(item) for item in body.get("reservations") or []),
                      key=lambda r: (r.slot_start, r.id))

    def set_reservation(self, reservation_id: int, action: str) -> Reservation:
        """POST /reservations/{id}/done or /cancel."""
        if action not in ("done", "cancel"):
            raise ValueError(f"unknown reservation action {action!r}")
        return reservation(self._caller.call("POST", f"/reservations/{reservation_id}/{action}"))
