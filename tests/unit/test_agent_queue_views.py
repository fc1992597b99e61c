"""The queue view, the queue chats and the reservations window, driven by a fake server at the HTTP seam:
listing, alert ring, accept (and losing the race), chat both ways with the shared panel's shortcut messages,
files, remote support, the end, a customer who leaves, and Done on a reservation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QUrl
from pytestqt.qtbot import QtBot

from agent.api import IssuedCode
from agent.background import BackgroundRunner
from agent.chat import ChatCoordinator
from agent.errors import ApiError
from agent.launcher import ViewerLauncher
from agent.push import PushEvent
from agent.queue_api import QueueApi
from agent.queue_chat import QueueChatDesk
from agent.queue_desk import QueueDesk
from agent.queue_views import QueueView
from tests.unit.test_agent_queue_fakes import NOW, FakeServer, entry
from ui.chat_panel import LineStatus

LEFT = Qt.MouseButton.LeftButton


class Rig:
    """A QueueDesk with its view and chats over a FakeServer; what it notified and opened is recorded."""

    def __init__(self, qtbot: QtBot, tmp_path: Path, options: dict[str, Any] | None = None) -> None:
        self.qtbot = qtbot
        self.server = FakeServer()
        self.runner = BackgroundRunner()
        self.coordinator = ChatCoordinator(self.server, self.runner, ViewerLauncher(), {}, language="en")
        self.notes: list[str] = []
        self.opened: list[QUrl] = []
        self.save_to = tmp_path / "saved" / "report.txt"
        self.to_send = tmp_path / "manual.pdf"
        self.to_send.write_bytes(b"%PDF manual")
        api = QueueApi(self.server, self.server.fetch)
        self.chats = QueueChatDesk(api, self.runner, self.coordinator, options or {},
                                   choose_open=lambda _parent: self.to_send,
                                   choose_save=lambda _parent, _name: self.save_to,
                                   open_url=self._open, files_dir=tmp_path / "files")
        self.view = QueueView(now=lambda: NOW)
        qtbot.addWidget(self.view)
        self.desk = QueueDesk(api, self.runner, self.view, self.chats, notify=self.notes.append)

    def _open(self, url: QUrl) -> bool:
        self.opened.append(url)
        return True

    def push(self, kind: str, **data: Any) -> None:
        assert self.desk.on_push(PushEvent(kind, {"type": kind, **data}))

    def rows(self) -> list[list[str]]:
        table = self.view.table
        return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]

    def wait(self, condition: Any) -> None:
        self.qtbot.waitUntil(condition, timeout=5000)

    def settle(self) -> None:
        self.wait(lambda: not self.runner.busy)

    def accept(self, entry_id: int) -> None:
        assert self.view.select_entry(entry_id)
        self.qtbot.mouseClick(self.view.accept_button, LEFT)
        self.settle()


@pytest.fixture()
def rig(qtbot: QtBot, tmp_path: Path) -> Rig:
    made = Rig(qtbot, tmp_path)
    yield made
    made.desk.shutdown()


def test_the_view_lists_waiting_customers_and_rings_on_an_alert(rig: Rig) -> None:
    rig.server.entries = {1: entry(1, "Hong", minutes_ago=5), 2: entry(2, "Lee", position=2, minutes_ago=0)}
    rig.push("queue_changed", page_id=1)
    rig.wait(lambda: rig.view.table.rowCount() == 2)
    assert rig.rows()[0] == ["Cards", "Hong", "Phone: 010-1234 · Topic: lost card", "1", "5 min"]
    assert rig.rows()[1][1:] == ["Lee", "Phone: 010-1234 · Topic: lost card", "2", "under a minute"]
    assert not rig.view.empty_label.isVisibleTo(rig.view) and not rig.view.property("ringing")
    rig.push("queue_alert", entry_id=2, window_name="Cards", customer_name="Lee")
    assert rig.view.property("ringing") and rig.view.alert_label.text() == "Lee is waiting at Cards."
    assert rig.notes == ["Lee is waiting at Cards."]
    rig.push("queue_alert", entry_id=2, window_name="Cards", customer_name="Lee")
    assert len(rig.notes) == 1  # the same alert again does not notify twice
    rig.settle()
    assert rig.view.table.item(1, 1).font().bold() and not rig.view.table.item(0, 1).font().bold()
    rig.push("queue_taken", entry_id=2, agent_name="Park")
    assert not rig.view.property("ringing") and not rig.view.alert_label.isVisibleTo(rig.view)
    assert not rig.desk.on_push(PushEvent("customer_joined", {}))


def test_pushes_meanwhile_fold_into_one_more_fetch(rig: Rig) -> None:
    for _ in range(5):
        rig.push("queue_changed", page_id=1)
    rig.settle()
    assert rig.server.calls.count(("GET", "/queue")) == 2


def test_accept_opens_the_chat_with_the_conversation_and_shortcuts(rig: Rig) -> None:
    rig.server.entries = {1: entry(1, "Hong")}
    rig.server.customer_says(1, "My card is gone")
    rig.desk.refresh()
    rig.wait(lambda: rig.view.table.rowCount() == 1)
    rig.accept(1)
    window = rig.chats.window(1)
    assert window is not None and window.isVisible() and window.windowTitle() == "Chat with Hong (Cards)"
    panel = window.panel
    assert [panel.line(i)[:2] for i in panel.line_ids()] == [("Hong", "My card is gone")]
    assert rig.rows()[0][3] == "With you" and rig.view.accept_button.text() == "Open chat"
    rig.coordinator.load_texts()  # the session chat's shortcut messages and favorites reach the queue chat
    rig.wait(lambda: panel.shortcut_row.isVisibleTo(window) and bool(panel.favorite_actions()))
    panel.send_shortcut(1)
    rig.settle()
    last = panel.line_ids()[-1]
    assert panel.line(last) == ("You", "Hello, how can I help?", "sent") and panel.status(last) is LineStatus.SENT
    assert rig.server.lines[1][-1]["text"] == "Hello, how can I help?"
    assert rig.coordinator.window("queue-1") is window  # the same window the coordinator keeps current


def test_a_line_the_server_refuses_is_marked_failed_with_the_reason(rig: Rig) -> None:
    rig.server.entries = {1: entry(1)}
    rig.desk.refresh()
    rig.wait(lambda: rig.view.table.rowCount() == 1)
    rig.accept(1)
    panel = rig.chats.window(1).panel
    rig.server.chat_error = ApiError("Could not connect to the server at https://127.0.0.1:9: no answer in time.")
    panel.message_submitted.emit("Are you there?")
    rig.settle()
    line = panel.line_ids()[-1]
    assert panel.status(line) is LineStatus.FAILED and panel.line(line)[1] == "Are you there?"
    assert "no answer in time" in panel._items[line].toolTip(3)


def test_losing_the_race_says_who_took_the_customer(rig: Rig) -> None:
    rig.server.entries = {1: entry(1, "Hong")}
    rig.desk.refresh()
    rig.wait(lambda: rig.view.table.rowCount() == 1)
    rig.push("queue_alert", entry_id=1, window_name="Cards", customer_name="Hong")
    rig.server.taken_by[1] = "Park"
    rig.push("queue_taken", entry_id=1, agent_name="Park")
    rig.accept(1)
    assert rig.view.status_label.text() == "Hong was already taken by Park: choose another customer."
    assert rig.chats.window(1) is None and not rig.view.property("ringing")


def test_files_both_ways(rig: Rig, tmp_path: Path) -> None:
    rig.server.entries = {1: entry(1)}
    rig.desk.refresh()
    rig.wait(lambda: rig.view.table.rowCount() == 1)
    rig.accept(1)
    tools = rig.chats.tools(1)
    window = rig.chats.window(1)
    assert tools is not None and window is not None and tools.file_button.isVisibleTo(window)
    rig.qtbot.mouseClick(tools.file_button, LEFT)
    rig.settle()
    assert window.panel.line(window.panel.line_ids()[-1]) == ("You", "File sent: manual.pdf", "sent")
    rig.server.files[55] = b"customer log\n"
    line = rig.server.customer_says(1, file={"id": 55, "name": "../../report.txt", "size": 13, "url": "/x"})
    rig.push("queue_chat", entry_id=1, line=line)
    rig.push("queue_chat", entry_id=1, line=line)  # a repeated push shows once
    assert tools.files.count() == 1 and tools.open_button.isVisibleTo(window)
    assert window.panel.line(f"srv-{line['id']}")[1] == "File received: ../../report.txt"
    rig.qtbot.mouseClick(tools.open_button, LEFT)
    rig.settle()
    opened = Path(rig.opened[0].toLocalFile())
    assert opened.parent == tmp_path / "files" and opened.name == "1-55-report.txt"
    assert opened.read_bytes() == b"customer log\n"
    rig.qtbot.mouseClick(tools.save_button, LEFT)
    rig.settle()
    assert rig.save_to.read_bytes() == b"customer log\n"
    assert window.panel.line(window.panel.line_ids()[-1])[1] == f"Saved to {rig.save_to}"


def test_remote_support_hands_the_code_over_and_end_closes_the_chat(rig: Rig) -> None:
    rig.server.entries = {1: entry(1)}
    rig.desk.refresh()
    rig.wait(lambda: rig.view.table.rowCount() == 1)
    rig.accept(1)
    issued: list[IssuedCode] = []
    rig.chats.code_issued.connect(issued.append)
    tools = rig.chats.tools(1)
    rig.qtbot.mouseClick(tools.remote_button, LEFT)
    rig.settle()
    assert [c.code for c in issued] == ["123456"] and issued[0].session_id == "ab" * 16
    panel = rig.chats.window(1).panel
    assert "123456" in panel.line(panel.line_ids()[-1])[1]
    rig.qtbot.mouseClick(tools.end_button, LEFT)
    rig.settle()
    assert ("POST", "/queue/1/end") in rig.server.calls and rig.chats.is_over(1)
    assert not panel.input.isEnabled() and panel.input.placeholderText() == "You ended the chat."
    assert not tools.remote_button.isEnabled() and rig.view.table.rowCount() == 0


def test_a_customer_who_leaves_ends_the_chat(rig: Rig) -> None:
    rig.server.entries = {1: entry(1)}
    rig.desk.refresh()
    rig.wait(lambda: rig.view.table.rowCount() == 1)
    rig.accept(1)
    del rig.server.entries[1]
    rig.push("queue_changed", page_id=1)
    rig.settle()
    panel = rig.chats.window(1).panel
    assert rig.chats.is_over(1) and panel.input.placeholderText() == "The customer has left: the chat is over."
    panel.message_submitted.emit("Hello?")
    assert panel.status(panel.line_ids()[-1]) is LineStatus.FAILED


def test_options_hide_the_file_and_remote_buttons(qtbot: QtBot, tmp_path: Path) -> None:
    rig = Rig(qtbot, tmp_path, {"chat_file_agent": False, "chat_remote_button": False})
    rig.server.entries = {1: entry(1)}
    rig.desk.refresh()
    rig.wait(lambda: rig.view.table.rowCount() == 1)
    rig.accept(1)
    tools, window = rig.chats.tools(1), rig.chats.window(1)
    assert not tools.file_button.isVisibleTo(window) and not tools.remote_button.isVisibleTo(window)
    rig.chats.set_options({"chat_file_agent": True})
    assert tools.file_button.isVisibleTo(window) and tools.remote_button.isVisibleTo(window)
    rig.desk.shutdown()


def test_a_listing_that_fails_says_so(rig: Rig) -> None:
    rig.server.queue_error = ApiError("Could not connect to the server at https://127.0.0.1:9: refused.")
    rig.desk.refresh()
    rig.settle()
    assert rig.view.status_label.text().startswith("The waiting customers could not be loaded: Could not connect")


def test_reservations_today_and_done(rig: Rig) -> None:
    today = dt.date.today().isoformat()
    rig.server.reservations = [
        {"id": 4, "window_id": 7, "window_name": "Loans", "slot_start": f"{today}T10:00:00",
         "customer": {"Name": "Choi", "Phone": "010"}, "state": "booked", "agent_id": None}]
    view = rig.desk.show_reservations()
    rig.qtbot.addWidget(view)
    rig.wait(lambda: view.table.rowCount() == 1)
    assert [view.table.item(0, c).text() for c in (1, 2, 3)] == ["Loans", "Name: Choi · Phone: 010", "Booked"]
    assert not view.done_button.isEnabled()
    assert view.select_reservation(4) and view.done_button.isEnabled()
    rig.qtbot.mouseClick(view.done_button, LEFT)
    rig.wait(lambda: view.table.item(0, 3).text() == "Done")
    assert not view.done_button.isEnabled() and not view.cancel_button.isEnabled()
    view.date_edit.setDate(view.date_edit.date().addDays(1))
    rig.wait(lambda: view.table.rowCount() == 0 and view.empty_label.isVisibleTo(view))
    assert view.empty_label.text() == "No reservations on this day."


def test_a_listing_that_alerts_us_rings_once_even_before_the_push(rig: Rig) -> None:
    rig.server.entries = {3: entry(3, "Yoon", alerted_to_me=True)}
    rig.desk.refresh()
    rig.settle()
    assert rig.view.property("ringing") and rig.notes == ["Yoon is waiting at Cards."]
    rig.push("queue_alert", entry_id=3, window_name="Cards", customer_name="Yoon")
    rig.settle()
    assert rig.notes == ["Yoon is waiting at Cards."]
