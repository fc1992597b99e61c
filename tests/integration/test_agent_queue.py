"""The agent app's queue view against the real server on loopback (SQLite), with pytest-qt:

a customer takes a ticket at a window (the page form) and holds their /ws/queue socket (``websockets``, in a
thread of its own); the agent's queue view shows them and rings; Accept (a second agent who is first gets a
sentence); chat both ways; a file from the customer saved by the agent; Start remote support gives the
customer a code, the customer joins with it and the viewer (a fake) starts; End chat; and the reservations
window marks a booking done.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from websockets.asyncio.client import ClientConnection, connect

from agent.api import ServerClient
from agent.app import AgentController
from agent.background import BackgroundRunner
from agent.config import TlsConfig
from agent.events import EventLog
from agent.launcher import ViewerLauncher
from server.models import GroupOption
from tests.integration.pages_rig import PASSWORD, PagesRig, pages_rig
from tests.integration.test_agent_app import FakeViewers, Recorder
from tests.integration.test_pages_api import closed_now_hours

pytestmark = pytest.mark.integration
WAIT_MS = 15_000
LEFT = Qt.MouseButton.LeftButton
FIELDS = [{"key": "phone", "kind": "phone", "required": True, "labels": {"ko": "전화번호", "en": "Phone"}}]


class Customer:
    """A customer's /ws/queue socket on an event loop of its own thread; ``messages`` collects what arrives."""

    def __init__(self, rig: PagesRig, ticket: str) -> None:
        self.messages: list[dict[str, Any]] = []
        self.ticket = ticket
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._ws: ClientConnection = self._run(self._open(rig, ticket))
        self._reader = asyncio.run_coroutine_threadsafe(self._read(), self._loop)

    @staticmethod
    async def _open(rig: PagesRig, ticket: str) -> ClientConnection:
        return await connect(rig.server.ws_url(f"/ws/queue/{ticket}"), ssl=rig.server.ssl_context(), open_timeout=10)

    def _run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(10)

    async def _read(self) -> None:
        async for message in self._ws:
            self.messages.append(json.loads(message))

    def send(self, message: dict[str, Any]) -> None:
        self._run(self._ws.send(json.dumps(message)))

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [m for m in list(self.messages) if m.get("type") == kind]

    def close(self) -> None:
        self._run(self._ws.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)


class Bank:
    """A company with two agents assigned to one window of an open window page, and a closed page."""

    def __init__(self, rig: PagesRig) -> None:
        self.admin = rig.token(rig.user("bank-admin", "bank", "Desk", "company_admin"))
        self.agent_id = rig.user("bank-kim", "bank", "Desk")
        self.rival_id = rig.user("bank-lee", "bank", "Desk")
        groups = rig.admin("GET", "/groups", self.admin).json()
        group_id = next(group["id"] for group in groups if group["name"] == "Desk")
        rig.db.run(lambda db: db.add(GroupOption(group_id=group_id, key="chat_file_customer", state="all_use")))
        page = self._page(rig, "bank-open", group_id, distribution="window", show_customer_name=True)
        rig.admin("PUT", f"/pages/{page}/hours", self.admin,
                  json={"ranges": [{"weekday": d, "start": "00:00", "end": "24:00"} for d in range(7)]})
        self.window = self._window(rig, page, request_fields=FIELDS, estimate_minutes=3)
        closed = self._page(rig, "bank-closed", group_id, time_zone="Asia/Seoul", reservations_enabled=True)
        seoul = datetime.datetime.now(datetime.UTC).astimezone(ZoneInfo("Asia/Seoul"))
        rig.admin("PUT", f"/pages/{closed}/hours", self.admin, json={"ranges": closed_now_hours(seoul)})
        self.closed_window = self._window(rig, closed, max_reservations_per_hour=2, reservation_fields=[
            {"key": "name", "required": True, "labels": {"ko": "이름", "en": "Name"}}])

    def _page(self, rig: PagesRig, slug: str, group_id: int, **settings: Any) -> int:
        answer = rig.admin("POST", "/pages", self.admin, json={"slug": slug, "kind": "window", "name": slug,
                                                               "group_ids": [group_id], "languages": ["en"],
                                                               "default_language": "en", **settings})
        assert answer.status_code == 201, answer.text
        return int(answer.json()["id"])

    def _window(self, rig: PagesRig, page: int, **settings: Any) -> int:
        answer = rig.admin("POST", f"/pages/{page}/windows", self.admin,
                           json={"name": "Cards", "agent_ids": [self.agent_id, self.rival_id], **settings})
        assert answer.status_code == 201, answer.text
        return int(answer.json()["id"])


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PagesRig]:
    with pages_rig(tmp_path_factory.mktemp("queue-agent") / "data", None) as made:
        yield made


@pytest.fixture(scope="module")
def bank(rig: PagesRig) -> Bank:
    return Bank(rig)


@pytest.fixture()
def agent(qtbot: QtBot, rig: PagesRig, bank: Bank, tmp_path: Path) -> Iterator[tuple[AgentController, Recorder,
                                                                                     FakeViewers]]:
    client = ServerClient(rig.server.url, TlsConfig(fingerprint=rig.server.fingerprint))
    login = client.login("bank-kim", PASSWORD)
    events = EventLog()
    recorder = Recorder(events)
    viewers = FakeViewers(tmp_path)
    controller = AgentController(client, login, events, ViewerLauncher(command=viewers.command), BackgroundRunner())
    qtbot.addWidget(controller.window)
    controller.start()
    qtbot.waitUntil(lambda: bool(recorder.named("push_connected")), timeout=WAIT_MS)
    yield controller, recorder, viewers
    viewers.release(0)
    controller.shutdown()


def take_ticket(rig: PagesRig, bank: Bank, name: str) -> str:
    answer = rig.post_form(f"/p/bank-open/w/{bank.window}/queue", {"name": name, "x_phone": "010-1234"})
    assert answer.status_code == 303, answer.text
    return str(answer.headers["location"]).split("/t/", 1)[1].split("?", 1)[0]


def rows(controller: AgentController) -> list[str]:
    table = controller.window.queue_view.table
    return [table.item(row, 1).text() for row in range(table.rowCount())]


@dataclasses.dataclass
class Scene:
    """One accepted customer: the agent app, the customer's socket and the queue entry."""

    qtbot: QtBot
    rig: PagesRig
    controller: AgentController
    recorder: Recorder
    viewers: FakeViewers
    customer: Customer
    entry_id: int
    tmp_path: Path

    def wait(self, condition: Any) -> None:
        self.qtbot.waitUntil(condition, timeout=WAIT_MS)


def test_accept_chat_files_remote_support_and_end(qtbot: QtBot, rig: PagesRig, bank: Bank, agent: Any,
                                                 tmp_path: Path) -> None:
    controller, recorder, viewers = agent
    view = controller.window.queue_view
    customer = Customer(rig, take_ticket(rig, bank, "Hong"))
    try:
        qtbot.waitUntil(lambda: rows(controller) == ["Hong"], timeout=WAIT_MS)
        assert view.table.item(0, 2).text() == "Phone: 010-1234" and view.table.item(0, 3).text() == "1"
        qtbot.waitUntil(lambda: bool(view.property("ringing")), timeout=WAIT_MS)
        assert view.alert_label.text() == "Hong is waiting at Cards."
        entry_id = int(view.table.item(0, 0).data(Qt.ItemDataRole.UserRole))
        assert view.select_entry(entry_id)
        qtbot.mouseClick(view.accept_button, LEFT)
        qtbot.waitUntil(lambda: bool(customer.of_type("accepted")), timeout=WAIT_MS)
        qtbot.waitUntil(lambda: controller.queue.chats.window(entry_id) is not None, timeout=WAIT_MS)
        assert not view.property("ringing")
        scene = Scene(qtbot, rig, controller, recorder, viewers, customer, entry_id, tmp_path)
        _chat_both_ways(scene)
        _files_both_ways(scene)
        _remote_support(scene)
        qtbot.mouseClick(controller.queue.chats.tools(entry_id).end_button, LEFT)
        qtbot.waitUntil(lambda: bool(customer.of_type("ended")), timeout=WAIT_MS)
        qtbot.waitUntil(lambda: view.table.rowCount() == 0, timeout=WAIT_MS)
        window = controller.queue.chats.window(entry_id)
        assert customer.of_type("ended")[0]["reason"] == "served" and not window.panel.input.isEnabled()
    finally:
        customer.close()


def _chat_both_ways(scene: Scene) -> None:
    panel = scene.controller.queue.chats.window(scene.entry_id).panel
    customer = scene.customer
    panel.input.setText("Hello, this is Kim.")
    scene.qtbot.mouseClick(panel.send_button, LEFT)
    scene.wait(lambda: any(m.get("text") == "Hello, this is Kim." for m in customer.of_type("chat")))
    line = next(m for m in customer.of_type("chat") if m.get("text") == "Hello, this is Kim.")
    assert line["sender"] == "agent"
    scene.wait(lambda: panel.line(panel.line_ids()[-1])[2] in ("sent", "saved on server"))
    customer.send({"type": "chat", "text": "카드를 잃어버렸어요"})
    scene.wait(lambda: panel.line(panel.line_ids()[-1])[:2] == ("Hong", "카드를 잃어버렸어요"))


def _files_both_ways(scene: Scene) -> None:
    """The agent sends a file; the customer's file (their group allows it) is listed, opened and saved."""
    chats, tmp_path = scene.controller.queue.chats, scene.tmp_path
    sent = tmp_path / "guide.txt"
    sent.write_text("steps")
    opened: list[Any] = []
    chats.choose_open = lambda _parent: sent  # the file dialogs and the desktop, answered
    chats.choose_save = lambda _parent, _name: tmp_path / "saved" / "report.txt"
    chats.open_url = lambda url: opened.append(url) or True
    tools = chats.tools(scene.entry_id)
    scene.qtbot.mouseClick(tools.file_button, LEFT)
    scene.wait(lambda: any(m.get("name") == "guide.txt" for m in scene.customer.of_type("file")))
    assert scene.customer.of_type("file")[-1]["sender"] == "agent"
    upload = scene.rig.http.post(scene.rig.server.api(f"/p/bank-open/t/{scene.customer.ticket}/files"), timeout=10,
                                 files={"file": ("report.txt", "오류 기록\n".encode())},
                                 headers={"Origin": scene.rig.server.url})
    assert upload.status_code == 201, upload.text
    scene.wait(lambda: tools.files.count() == 1)
    scene.qtbot.mouseClick(tools.open_button, LEFT)
    scene.wait(lambda: bool(opened))
    assert Path(opened[0].toLocalFile()).read_text() == "오류 기록\n"
    scene.qtbot.mouseClick(tools.save_button, LEFT)
    scene.wait((tmp_path / "saved" / "report.txt").exists)


def _remote_support(scene: Scene) -> None:
    controller, customer = scene.controller, scene.customer
    scene.qtbot.mouseClick(controller.queue.chats.tools(scene.entry_id).remote_button, LEFT)
    scene.wait(lambda: bool(customer.of_type("remote")))
    code = customer.of_type("remote")[0]["code"]
    assert re.fullmatch(r"\d{6}", code) and customer.of_type("remote")[0]["download_url"].endswith(code)
    scene.wait(lambda: controller.window.code_panel.code_label.code() == code)
    with scene.rig.server.session() as http:
        joined = http.post(scene.rig.server.api("/api/v1/sessions/join"), timeout=10,
                           json={"code": code, "pc_name": "HONG-PC", "os": "Linux test"})
    assert joined.status_code == 200, joined.text
    scene.wait(lambda: bool(scene.recorder.named("viewer_started")))
    scene.wait(scene.viewers.out.exists)
    assert scene.viewers.seen()["argv"] and scene.recorder.named("customer_joined")[0]["pc_name"] == "HONG-PC"


def test_accepting_after_another_agent_says_who_was_first(qtbot: QtBot, rig: PagesRig, bank: Bank,
                                                           agent: Any) -> None:
    controller, _recorder, _viewers = agent
    view = controller.window.queue_view
    take_ticket(rig, bank, "Choi")
    qtbot.waitUntil(lambda: "Choi" in rows(controller), timeout=WAIT_MS)
    row = rows(controller).index("Choi")
    entry_id = int(view.table.item(row, 0).data(Qt.ItemDataRole.UserRole))
    rival = rig.server.login("bank-lee", PASSWORD)
    taken = rig.http.post(rig.server.api(f"/api/v1/queue/{entry_id}/accept"), timeout=10,
                          headers={"Authorization": f"Bearer {rival}"})
    assert taken.status_code == 200, taken.text
    controller.queue.accept(entry_id)  # as the Accept button does, before our listing shows the take
    qtbot.waitUntil(lambda: "already taken" in view.status_label.text(), timeout=WAIT_MS)
    assert view.status_label.text().startswith("Choi was already taken by ")
    assert controller.queue.chats.window(entry_id) is None
    qtbot.waitUntil(lambda: "Choi" not in rows(controller), timeout=WAIT_MS)


def test_reservations_window_marks_a_booking_done(qtbot: QtBot, rig: PagesRig, bank: Bank, agent: Any) -> None:
    controller, _recorder, _viewers = agent
    form = rig.get(f"/p/bank-closed/w/{bank.closed_window}?lang=en").text
    slot = re.findall(r'<option value="([^"]+)"', form)[0]
    booked = rig.post_form(f"/p/bank-closed/w/{bank.closed_window}/reserve?lang=en", {"slot": slot, "x_name": "Park"})
    assert booked.status_code == 201, booked.text
    qtbot.mouseClick(controller.window.reservations_button, LEFT)
    view = controller.queue.reservations
    assert view is not None and view.isVisible()
    slot_day = datetime.datetime.fromisoformat(slot.replace("Z", "+00:00")).astimezone(ZoneInfo("Asia/Seoul")).date()
    view.date_edit.setDate(view.date_edit.date().fromString(slot_day.isoformat(), Qt.DateFormat.ISODate))
    qtbot.waitUntil(lambda: view.table.rowCount() >= 1, timeout=WAIT_MS)
    row = next(r for r in range(view.table.rowCount()) if "Park" in view.table.item(r, 2).text())
    view.table.selectRow(row)
    qtbot.mouseClick(view.done_button, LEFT)
    qtbot.waitUntil(lambda: view.table.item(row, 3).text() == "Done", timeout=WAIT_MS)
