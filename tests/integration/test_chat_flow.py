"""Chat through a whole session: the agent app's chat window → its viewer process (stdin) → the
encrypted session through the real relay → the customer's notice window, and back; with
chat_log_server on, every line ends up on the server (read back from the agent's history).

The agent side is the real ChatCoordinator with the real ViewerLauncher running the real viewer
(headless, as its own process); the customer side is the real HostApp in this process, sharing a
fresh Xvfb display, so the test can type into the notice window like the customer would.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.api import ServerClient
from agent.background import BackgroundRunner
from agent.chat import ChatCoordinator, ChatWindow
from agent.config import TlsConfig
from agent.launcher import ViewerLauncher, ViewerRequest
from agent.settings_dialog import SettingsDialog
from host_module.app import HostApp
from host_module.join import join_by_code
from host_module.options import HostOptions
from server.accounts import create_agent
from server.models import Favorite, Group, GroupOption, User
from tests.integration.db_rig import ServerRig, serving
from tests.xvfb import XvfbDisplay
from ui.chat_panel import ChatPanel, LineStatus

pytestmark = pytest.mark.integration
PASSWORD = "Good-pass-47"
WAIT_MS = 30_000


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerRig]:
    with serving(ServerRig, tmp_path_factory.mktemp("chat-flow") / "data", None) as made:
        yield made


def make_agent(rig: ServerRig, login_id: str, chat_log_server: bool) -> None:
    def make(db: Session) -> None:
        create_agent(db, login_id=login_id, name=f"{login_id} name", password=PASSWORD, company="co-chat",
                     group=f"g-{login_id}")
        group = db.scalars(select(Group).where(Group.name == f"g-{login_id}")).one()
        db.merge(GroupOption(group_id=group.id, key="chat_log_server",
                             state="all_use" if chat_log_server else "not_used", value=None))
    rig.db.run(make)


class Sides:
    """One session with both ends running; ``stop`` ends everything it started."""

    def __init__(self, rig: ServerRig, login_id: str, xvfb: XvfbDisplay, qtbot: QtBot) -> None:
        server = rig.server
        self.client = ServerClient(server.url, TlsConfig(fingerprint=server.fingerprint))
        self.login = self.client.login(login_id, PASSWORD)
        issued = self.client.create_code()
        self.session_id = issued.session_id
        ticket = join_by_code(server.url, issued.code, server.fingerprint, None)
        options = HostOptions(server=server.url, fingerprint=server.fingerprint, ca_cert=None, code=issued.code,
                              display=xvfb.name, accept=True, grant_control=False, events_stdout=False)
        self.host = HostApp(options, ticket)
        qtbot.addWidget(self.host.notice)
        self.runner = BackgroundRunner()
        self.launcher = ViewerLauncher(command=[sys.executable, "-m", "viewer", "--headless"])
        self.chat = ChatCoordinator(self.client, self.runner, self.launcher, self.login.options, language="en")
        self.chat.load_texts()
        self.host.start()
        self.launcher.launch(ViewerRequest(server.url, self.client.tls, issued.session_id, self.login.token,
                                           issued.secret))

    def window(self, qtbot: QtBot) -> ChatWindow:
        qtbot.waitUntil(lambda: self.chat.window(self.session_id) is not None, timeout=WAIT_MS)
        window = self.chat.window(self.session_id)
        assert window is not None
        qtbot.addWidget(window)
        qtbot.waitUntil(window.panel.input.isEnabled, timeout=WAIT_MS)  # live
        return window

    def stop(self) -> None:
        with contextlib.suppress(RuntimeError):  # the test, not the session's end, decides when Qt quits
            self.host.bridge.posted.disconnect()
        self.host.session.close()
        self.host.injector.close()
        self.launcher.terminate_all()
        self.chat.shutdown()
        self.runner.wait(5000)
        self.client.close()


@pytest.fixture()
def sides(rig: ServerRig, xvfb: XvfbDisplay, qtbot: QtBot, request: pytest.FixtureRequest) -> Iterator[Sides]:
    login_id, chat_log_server = request.param
    make_agent(rig, login_id, chat_log_server)
    made = Sides(rig, login_id, xvfb, qtbot)
    yield made
    made.stop()


def texts(panel: ChatPanel) -> list[str]:
    return [panel.line(line_id)[1] for line_id in panel.line_ids()]


def line_id_of(panel: ChatPanel, text: str) -> str:
    return next(line_id for line_id in panel.line_ids() if panel.line(line_id)[1] == text)


def history_chat(rig: ServerRig, token: str, session_id: str) -> list[dict[str, Any]]:
    answer = rig.http.get(rig.server.api(f"/api/v1/me/history/{session_id}"),
                          headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["chat"])


@pytest.mark.parametrize("sides", [("chat-saved", True)], indirect=True)
def test_a_chat_round_trip_with_a_shortcut_is_saved_on_the_server(sides: Sides, rig: ServerRig,
                                                                  qtbot: QtBot) -> None:
    window = sides.window(qtbot)
    agent_panel, customer_panel = window.panel, sides.host.notice.chat
    qtbot.waitUntil(lambda: not agent_panel.shortcut_row.isHidden(), timeout=WAIT_MS)

    qtbot.keyClicks(agent_panel.input, "Hello, I am looking at your screen")
    qtbot.keyClick(agent_panel.input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Hello, I am looking at your screen" in texts(customer_panel), timeout=WAIT_MS)
    assert customer_panel.line(customer_panel.line_ids()[0])[0] == "chat-saved name"

    customer_panel.input.setText("고맙습니다, 프린터가 안 돼요")  # Korean through setText (no keyClicks)
    qtbot.mouseClick(customer_panel.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "고맙습니다, 프린터가 안 돼요" in texts(agent_panel), timeout=WAIT_MS)

    shortcut = agent_panel.shortcut_buttons[2].toolTip().split(": ", 1)[1]
    with qtbot.waitActive(window):
        window.activateWindow()
    agent_panel.input.setFocus()
    qtbot.keyClick(agent_panel.input, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: shortcut in texts(customer_panel), timeout=WAIT_MS)

    qtbot.waitUntil(lambda: all(agent_panel.status(i) is LineStatus.SAVED for i in agent_panel.line_ids()),
                    timeout=WAIT_MS)
    saved = history_chat(rig, sides.login.token, sides.session_id)
    assert [(line["sender"], line["text"]) for line in saved] == [
        ("agent", "Hello, I am looking at your screen"), ("customer", "고맙습니다, 프린터가 안 돼요"),
        ("agent", shortcut)]


@pytest.mark.parametrize("sides", [("chat-unsaved", False)], indirect=True)
def test_without_chat_log_server_lines_are_sent_but_not_stored(sides: Sides, rig: ServerRig,
                                                               qtbot: QtBot) -> None:
    window = sides.window(qtbot)
    agent_panel, customer_panel = window.panel, sides.host.notice.chat
    qtbot.keyClicks(agent_panel.input, "not kept")
    qtbot.keyClick(agent_panel.input, Qt.Key.Key_Return)
    line_id = line_id_of(agent_panel, "not kept")
    qtbot.waitUntil(lambda: agent_panel.status(line_id) is LineStatus.SENT, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "not kept" in texts(customer_panel), timeout=WAIT_MS)

    sides.host.end_now("ended by the customer")  # the customer ends: the agent's chat says so
    qtbot.waitUntil(lambda: not agent_panel.input.isEnabled(), timeout=WAIT_MS)
    agent_panel.send_shortcut(1)
    assert texts(agent_panel) == ["not kept"]  # nothing goes out once the session is over
    assert history_chat(rig, sides.login.token, sides.session_id) == []


def test_my_settings_edits_shortcuts_and_own_favorites_only(rig: ServerRig, qtbot: QtBot) -> None:
    make_agent(rig, "chat-settings", False)

    def company_favorite(db: Session) -> None:
        company = db.scalars(select(User.company_id).where(User.login_id == "chat-settings")).one()
        db.add(Favorite(company_id=company, user_id=None, title="Company", url="https://company.example"))
    rig.db.run(company_favorite)
    client = ServerClient(rig.server.url, TlsConfig(fingerprint=rig.server.fingerprint))
    login = client.login("chat-settings", PASSWORD)
    runner = BackgroundRunner()
    dialog = SettingsDialog(client, runner, login.options, "en")
    qtbot.addWidget(dialog)
    try:
        qtbot.waitUntil(lambda: dialog.texts[0].text() != "" and dialog.favorite_list.topLevelItemCount() == 1,
                        timeout=WAIT_MS)
        default_two = dialog.texts[1].text()
        assert not dialog.resets[1].isEnabled()  # a default text has nothing to reset
        dialog.texts[1].setText("My own second message")
        with qtbot.waitSignal(dialog.shortcuts_changed, timeout=WAIT_MS) as changed:
            qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert [(s.slot, s.text, s.source) for s in changed.args[0] if s.slot == 2] == [
            (2, "My own second message", "own")]
        qtbot.waitUntil(dialog.resets[1].isEnabled, timeout=WAIT_MS)
        with qtbot.waitSignal(dialog.shortcuts_changed, timeout=WAIT_MS):
            qtbot.mouseClick(dialog.resets[1], Qt.MouseButton.LeftButton)
        assert dialog.texts[1].text() == default_two

        dialog.favorite_list.setCurrentItem(dialog.favorite_list.topLevelItem(0))
        assert not dialog.remove_button.isEnabled()  # the company's favorite is read-only
        dialog.title_edit.setText("Manual")
        dialog.url_edit.setText("https://manual.example")
        with qtbot.waitSignal(dialog.favorites_changed, timeout=WAIT_MS):
            qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
        assert dialog.favorite_list.topLevelItemCount() == 2
        dialog.favorite_list.setCurrentItem(dialog.favorite_list.topLevelItem(1))
        qtbot.waitUntil(dialog.remove_button.isEnabled, timeout=WAIT_MS)
        with qtbot.waitSignal(dialog.favorites_changed, timeout=WAIT_MS) as removed:
            qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
        assert [f.title for f in removed.args[0]] == ["Company"]
    finally:
        runner.wait(5000)
        client.close()
