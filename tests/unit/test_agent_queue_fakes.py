"""A fake of the server's agent REST API at the HTTP seam (``ServerClient.call``) for the queue tests (no tests here).

It behaves like the queue routes of /tmp/queue_contract.md: entries by id, accept once (409 already_taken
afterwards), chat lines with ids, files, remote support codes, end, and reservations by day.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from agent.api import ServerClient
from agent.config import TlsConfig
from agent.errors import ApiError

NOW = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)


def entry(entry_id: int, name: str = "Hong", *, window: str = "Cards", state: str = "waiting", position: int = 1,
          minutes_ago: int = 0, alerted_to_me: bool = False) -> dict[str, Any]:
    created = NOW - dt.timedelta(minutes=minutes_ago)
    return {"id": entry_id, "page_id": 1, "window_id": 7, "window_name": window, "customer_name": name,
            "fields": {"Phone": "010-1234", "Topic": "lost card"}, "state": state, "position": position,
            "created_at": created.isoformat().replace("+00:00", "Z"), "alerted_to_me": alerted_to_me,
            "agent_id": None}


class FakeServer(ServerClient):
    """A logged-in ServerClient whose ``call`` answers from memory; ``calls`` records (method, path)."""

    def __init__(self) -> None:
        super().__init__("https://127.0.0.1:9", TlsConfig(fingerprint="AA" * 32))
        self.calls: list[tuple[str, str]] = []
        self.entries: dict[int, dict[str, Any]] = {}
        self.taken_by: dict[int, str] = {}
        self.lines: dict[int, list[dict[str, Any]]] = {}
        self.reservations: list[dict[str, Any]] = []
        self.files: dict[int, bytes] = {}
        self.chat_error: ApiError | None = None
        self.queue_error: ApiError | None = None
        self.shortcut_texts = ["Hello, how can I help?", "One moment please."]
        self._next_id = 100

    def call(self, method: str, path: str, *, auth: bool = True, **kwargs: Any) -> Any:
        self.calls.append((method, path))
        for pattern, handler in self._routes():
            match = re.fullmatch(pattern, f"{method} {path}")
            if match:
                return handler(*[int(g) if g.isdigit() else g for g in match.groups()], **kwargs)
        raise ApiError(f"unexpected call {method} {path}", 404)

    def _routes(self) -> list[tuple[str, Any]]:
        return [(r"GET /queue", self._list), (r"POST /queue/(\d+)/accept", self._accept),
                (r"GET /queue/(\d+)/chat", lambda i: {"lines": self.lines.get(i, [])}),
                (r"POST /queue/(\d+)/chat", self._chat), (r"POST /queue/(\d+)/files", self._file),
                (r"POST /queue/(\d+)/remote", self._remote), (r"POST /queue/(\d+)/end", self._end),
                (r"GET /reservations", self._reservations),
                (r"POST /reservations/(\d+)/(done|cancel)", self._set_reservation),
                (r"GET /me/shortcuts", lambda **_: [{"slot": n, "text": t, "source": "own"}
                                                   for n, t in enumerate(self.shortcut_texts, start=1)]),
                (r"GET /me/favorites", lambda **_: [{"id": 1, "title": "Help", "url": "https://help.example/",
                                                    "editable": True}])]

    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def _list(self, **_: Any) -> dict[str, Any]:
        if self.queue_error is not None:
            raise self.queue_error
        return {"entries": sorted(self.entries.values(), key=lambda e: e["created_at"])}

    def _accept(self, entry_id: int) -> dict[str, Any]:
        if entry_id in self.taken_by:
            raise ApiError(f"{self.taken_by[entry_id]} accepted this customer first.", 409, "already_taken")
        item = self.entries[entry_id]
        item.update(state="accepted", agent_id=1)
        self.taken_by[entry_id] = "me"
        return dict(item)

    def customer_says(self, entry_id: int, text: str = "", file: dict[str, Any] | None = None) -> dict[str, Any]:
        line = {"id": self.new_id(), "sender": "customer", "name": "Hong", "text": text, "at": "2026-11-26T09:01:00Z"}
        if file is not None:
            line["file"] = file
        self.lines.setdefault(entry_id, []).append(line)
        return line

    def _chat(self, entry_id: int, json: dict[str, Any]) -> dict[str, Any]:
        if self.chat_error is not None:
            raise self.chat_error
        line = {"id": self.new_id(), "sender": "agent", "name": "Kim", "text": json["text"],
                "at": "2026-11-26T09:02:00Z"}
        self.lines.setdefault(entry_id, []).append(line)
        return line

    def _file(self, entry_id: int, files: dict[str, Any]) -> dict[str, Any]:
        name, handle, _kind = files["file"]
        file_id = self.new_id()
        self.files[file_id] = handle.read()
        line = {"id": self.new_id(), "sender": "agent", "name": "Kim", "text": "", "at": "2026-11-26T09:03:00Z",
                "file": {"id": file_id, "name": name, "size": len(self.files[file_id]),
                         "url": f"/p/x/t/y/files/{file_id}"}}
        self.lines.setdefault(entry_id, []).append(line)
        return line

    def fetch(self, path: str) -> bytes:
        self.calls.append(("GET", path))
        return self.files[int(path.rsplit("/", 1)[1])]

    def _remote(self, entry_id: int) -> dict[str, Any]:
        expires = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10)
        return {"session_id": "ab" * 16, "code": "123456", "secret": "s3cret", "connect_url": "https://x/connect",
                "expires_at": expires.isoformat()}

    def _end(self, entry_id: int, json: dict[str, Any]) -> None:
        self.entries.pop(entry_id, None)

    def _reservations(self, params: dict[str, str]) -> dict[str, Any]:
        return {"reservations": [r for r in self.reservations if r["slot_start"].startswith(params["day"])]}

    def _set_reservation(self, reservation_id: int, action: str) -> dict[str, Any]:
        booking = next(r for r in self.reservations if r["id"] == reservation_id)
        if booking["state"] != "booked":
            raise ApiError("This reservation is no longer booked.", 409, "not_booked")
        booking["state"] = "done" if action == "done" else "cancelled"
        return booking
