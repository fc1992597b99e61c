"""Window queues through the real server (SQLite): live positions over /ws/queue, distribution all / window /
sequential, accept, chat both ways (kept or not per chat_log_server), chat files per option, the remote
button's code, and reservations done / cancel."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from websockets.asyncio.client import ClientConnection, connect

from server.models import GroupOption, QueueChatLine, Reservation, User
from tests.integration.pages_rig import PASSWORD, PagesRig
from tests.integration.postgres import database_env
from tests.integration.push_socket import next_event, open_pushes
from tools.server_process import start_server

pytestmark = pytest.mark.integration
ALERT_TIMEOUT_S = 1.0


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PagesRig]:
    with queue_rig(tmp_path_factory.mktemp("queues") / "data", None) as made:
        yield made


@contextlib.contextmanager
def queue_rig(data_dir: Path, database_url: str | None) -> Iterator[PagesRig]:
    """A pages rig whose server has a short sequential alert timeout."""
    env = {**database_env(database_url), "FERRY_QUEUE_ALERT_TIMEOUT_S": str(ALERT_TIMEOUT_S)}
    server = start_server(data_dir, env=env)
    made = PagesRig(server, database_url)
    try:
        yield made
    finally:
        made.close()
        server.stop()


class Desk:
    """A company with a window page (open all day), its group, agents and one or two windows."""

    def __init__(self, rig: PagesRig, name: str, distribution: str, agents: int = 2, assigned: int = 0) -> None:
        self.rig, self.slug = rig, name
        admin = rig.token(rig.user(f"{name}-admin", name, "Desk", "company_admin"))
        self.agent_ids = [rig.user(f"{name}-a{i}", name, "Desk") for i in range(agents)]
        group = next(g["id"] for g in rig.admin("GET", "/groups", admin).json() if g["name"] == "Desk")
        self.group_id = group
        page = rig.admin("POST", "/pages", admin, json={"slug": name, "kind": "window", "name": name,
                                                        "time_zone": "UTC", "languages": ["en"],
                                                        "default_language": "en", "group_ids": [group],
                                                        "distribution": distribution,
                                                        "show_customer_name": True}).json()
        rig.admin("PUT", f"/pages/{page['id']}/hours", admin,
                  json={"ranges": [{"weekday": d, "start": "00:00", "end": "24:00"} for d in range(7)]})
        body = {"name": "Cards", "estimate_minutes": 3, "agent_ids": self.agent_ids[:assigned]}
        self.window = rig.admin("POST", f"/pages/{page['id']}/windows", admin, json=body).json()["id"]
        self.page_id = page["id"]

    def join(self, name: str = "Lee") -> str:
        answer = self.rig.post_form(f"/p/{self.slug}/w/{self.window}/queue", {"name": name})
        assert answer.status_code == 303, answer.text
        found = re.search(r"/t/([A-Za-z0-9_-]{32})", answer.headers["location"])
        assert found
        return found.group(1)

    def login(self, index: int) -> str:
        login_id = self.rig.db.run(lambda db: db.get_one(User, self.agent_ids[index]).login_id)
        return self.rig.server.login(login_id, PASSWORD)

    def api(self, method: str, path: str, token: str, **kwargs: Any) -> Any:
        return self.rig.http.request(method, self.rig.server.api("/api/v1" + path), timeout=20,
                                     headers={"Authorization": f"Bearer {token}"}, **kwargs)

    def option(self, key: str, value: bool) -> None:
        def write(db: Any) -> None:
            state = "all_use" if value else "not_used"
            row = db.get(GroupOption, (self.group_id, key))
            if row is None:
                db.add(GroupOption(group_id=self.group_id, key=key, state=state))
            else:
                row.state = state
        self.rig.db.run(write)


async def customer(rig: PagesRig, ticket: str) -> ClientConnection:
    return await connect(rig.server.ws_url(f"/ws/queue/{ticket}"), ssl=rig.server.ssl_context(), open_timeout=10)


async def expect(ws: ClientConnection, kind: str, timeout: float = 3.0, **fields: Any) -> dict[str, Any]:
    """The next message of this type with these fields (others in between are skipped)."""
    deadline = time.monotonic() + timeout
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), max(0.01, deadline - time.monotonic())))
        if message["type"] == kind and all(message.get(k) == v for k, v in fields.items()):
            return dict(message)


async def expect_push(ws: ClientConnection, kind: str, timeout: float = 3.0, **fields: Any) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        event = await next_event(ws, max(0.01, deadline - time.monotonic()))
        if event["type"] == kind and all(event.get(k) == v for k, v in fields.items()):
            return event


def test_positions_are_live(rig: PagesRig) -> None:
    desk = Desk(rig, "q-live", "all")

    async def run() -> None:
        first = await customer(rig, desk.join("One"))
        assert await expect(first, "position") == {"type": "position", "position": 1, "wait_minutes": 3,
                                                   "state": "waiting"}
        second = await customer(rig, desk.join("Two"))
        await expect(second, "position", position=2, wait_minutes=6)
        await first.send(json.dumps({"type": "leave"}))
        await expect(first, "ended", reason="left")
        started = time.monotonic()
        await expect(second, "position", timeout=1.0, position=1)
        assert time.monotonic() - started < 1.0
        await first.close()
        await second.close()
    asyncio.run(run())


def test_distribution_all_and_window(rig: PagesRig) -> None:
    everyone, by_window = Desk(rig, "q-all", "all"), Desk(rig, "q-win", "window", assigned=1)

    async def run() -> None:
        sockets = [await open_pushes(rig.server, desk.login(i)) for desk in (everyone, by_window) for i in (0, 1)]
        everyone.join("A")
        for ws in sockets[:2]:
            await expect_push(ws, "queue_alert", customer_name="A")
        by_window.join("B")
        await expect_push(sockets[2], "queue_alert", customer_name="B")
        with pytest.raises(TimeoutError):
            await expect_push(sockets[3], "queue_alert", timeout=0.6)
        for ws in sockets:
            await ws.close()
    asyncio.run(run())
    unassigned = by_window.login(1)
    assert by_window.api("GET", "/queue", unassigned).json()["entries"] == []
    listed = by_window.api("GET", "/queue", by_window.login(0)).json()["entries"]
    assert [(e["customer_name"], e["position"], e["alerted_to_me"]) for e in listed] == [("B", 1, True)]


def test_sequential_moves_the_alert(rig: PagesRig) -> None:
    desk = Desk(rig, "q-seq", "sequential")

    async def run() -> None:
        first = await open_pushes(rig.server, desk.login(0))
        second = await open_pushes(rig.server, desk.login(1))
        desk.join("C")
        alert = await expect_push(first, "queue_alert", customer_name="C")
        started = time.monotonic()
        await expect_push(second, "queue_alert", timeout=ALERT_TIMEOUT_S + 2, entry_id=alert["entry_id"])
        assert time.monotonic() - started >= ALERT_TIMEOUT_S * 0.8
        await expect_push(first, "queue_taken", entry_id=alert["entry_id"], reason="moved")
        await first.close()
        await second.close()
    asyncio.run(run())


def _accepted_entry(desk: Desk, token: str) -> int:
    entries = desk.api("GET", "/queue", token).json()["entries"]
    answer = desk.api("POST", f"/queue/{entries[0]['id']}/accept", token)
    assert answer.status_code == 200, answer.text
    assert answer.json()["state"] == "accepted"
    return int(entries[0]["id"])


def _chat_rows(desk: Desk, entry_id: int) -> int:
    return int(desk.rig.db.run(lambda db: db.scalar(select(func.count()).select_from(QueueChatLine)
                                                    .where(QueueChatLine.entry_id == entry_id))))


@pytest.mark.parametrize("keep", [True, False])
def test_chat_both_ways(rig: PagesRig, keep: bool) -> None:
    desk = Desk(rig, f"q-chat-{'keep' if keep else 'drop'}", "all", agents=1)
    desk.option("chat_log_server", keep)
    desk.option("chat_log_customer", True)
    ticket = desk.join("Dana")

    async def run() -> int:
        token = desk.login(0)
        pushes = await open_pushes(rig.server, token)
        ws = await customer(rig, ticket)
        await expect(ws, "position", position=1)
        await ws.send(json.dumps({"type": "chat", "text": "early"}))
        await expect(ws, "error", code="not_accepted")
        entry_id = await asyncio.to_thread(_accepted_entry, desk, token)
        await expect(ws, "accepted", agent_name=f"{desk.slug}-a0")
        sent = (await asyncio.to_thread(desk.api, "POST", f"/queue/{entry_id}/chat", token,
                                        json={"text": "Hello, how can I help?"})).json()
        got = await expect(ws, "chat", sender="agent")
        assert got["id"] == sent["id"] and got["text"] == "Hello, how can I help?"
        await ws.send(json.dumps({"type": "chat", "text": "My card is lost"}))
        echo = await expect(ws, "chat", sender="customer")
        pushed = await expect_push(pushes, "queue_chat", entry_id=entry_id)
        assert pushed["line"]["id"] == echo["id"] > sent["id"] and pushed["line"]["text"] == "My card is lost"
        log = await asyncio.to_thread(rig.get, f"/p/{desk.slug}/t/{ticket}/chat.txt")
        assert log.status_code == 200 and "Dana: My card is lost" in log.text
        assert _chat_rows(desk, entry_id) == 2
        assert (await asyncio.to_thread(desk.api, "POST", f"/queue/{entry_id}/end", token)).status_code == 204
        await expect(ws, "ended", reason="served")
        await ws.close()
        await pushes.close()
        return entry_id
    entry_id = asyncio.run(run())
    assert _chat_rows(desk, entry_id) == (2 if keep else 0)


def test_chat_files_follow_the_options(rig: PagesRig) -> None:
    desk = Desk(rig, "q-files", "all", agents=1)
    desk.option("chat_file_customer", False)
    ticket = desk.join("Eun")
    token = desk.login(0)
    entry_id = _accepted_entry(desk, token)
    data = os.urandom(200_000)
    sent = desk.api("POST", f"/queue/{entry_id}/files", token, files={"file": ("report.pdf", data)})
    assert sent.status_code == 201, sent.text
    assert sent.json()["file"]["name"] == "report.pdf"
    url = f"/p/{desk.slug}/t/{ticket}/files/{sent.json()['file']['id']}"
    assert rig.get(url).content == data
    assert rig.get(f"/p/{desk.slug}/t/{'x' * 32}/files/{sent.json()['file']['id']}").status_code == 404
    headers = {"Origin": rig.server.url}
    refused = rig.http.post(rig.server.api(f"/p/{desk.slug}/t/{ticket}/files"), files={"file": ("a.txt", b"hi")},
                            headers=headers, timeout=20)
    assert refused.status_code == 403 and "chat_file_customer" in refused.json()["detail"]
    desk.option("chat_file_customer", True)
    taken = rig.http.post(rig.server.api(f"/p/{desk.slug}/t/{ticket}/files"), files={"file": ("a.txt", b"hi")},
                          headers=headers, timeout=20)
    assert taken.status_code == 201
    got = desk.api("GET", f"/queue/{entry_id}/files/{taken.json()['id']}", token)
    assert got.content == b"hi"
    desk.option("chat_file_agent", False)
    off = desk.api("POST", f"/queue/{entry_id}/files", token, files={"file": ("b.txt", b"x")})
    assert off.status_code == 403 and "chat_file_agent" in off.json()["detail"]
    assert rig.get(f"/p/{desk.slug}/t/{ticket}/chat.txt").status_code == 403


def test_remote_button_gives_a_working_code(rig: PagesRig) -> None:
    desk = Desk(rig, "q-remote", "all", agents=1)
    ticket = desk.join("Fay")
    token = desk.login(0)

    async def run() -> dict[str, Any]:
        ws = await customer(rig, ticket)
        entry_id = await asyncio.to_thread(_accepted_entry, desk, token)
        answer = await asyncio.to_thread(desk.api, "POST", f"/queue/{entry_id}/remote", token)
        assert answer.status_code == 201, answer.text
        message = await expect(ws, "remote")
        assert message["code"] == answer.json()["code"] and message["download_url"].endswith(message["code"])
        await ws.close()
        return message
    message = asyncio.run(run())
    joined = rig.http.post(rig.server.api("/api/v1/sessions/join"), timeout=20,
                           json={"code": message["code"], "pc_name": "pc", "os": "Linux"})
    assert joined.status_code == 200, joined.text


def test_reservations_done_and_cancel(rig: PagesRig) -> None:
    desk = Desk(rig, "q-res", "all", agents=1)
    slot = datetime.datetime.now(datetime.UTC).replace(minute=0, second=0, microsecond=0)

    def book(db: Any) -> list[int]:
        rows = [Reservation(window_id=desk.window, slot_start=slot, customer={"name": n}) for n in ("G", "H")]
        db.add_all(rows)
        db.flush()
        return [row.id for row in rows]
    ids = rig.db.run(book)
    token = desk.login(0)
    listed = desk.api("GET", f"/reservations?day={slot:%Y-%m-%d}", token).json()["reservations"]
    assert [item["id"] for item in listed] == ids and listed[0]["customer"] == {"name": "G"}
    done = desk.api("POST", f"/reservations/{ids[0]}/done", token)
    assert done.status_code == 200 and done.json()["state"] == "done"
    assert desk.api("POST", f"/reservations/{ids[1]}/cancel", token).json()["state"] == "cancelled"
    again = desk.api("POST", f"/reservations/{ids[1]}/done", token)
    assert again.status_code == 409 and "cancelled" in again.json()["detail"]
