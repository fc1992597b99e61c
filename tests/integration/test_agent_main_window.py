"""The agent's main window against the real server: state, code, countdown and session password; copy and
e-mail of the connection info; the account-expiry notice; the group's agents; the support history; options
followed without a restart.

Agents, their groups' options and their account ends are written straight into the server's database (as
the admin page would); the agent logs in through the API like the app does. The mail program is a
QDesktopServices URL handler (or an opener that says no mail program exists).
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from agent.api import LoginResult, ServerClient
from agent.app import AgentController
from agent.background import BackgroundRunner
from agent.config import TlsConfig
from agent.events import EventLog
from agent.launcher import ViewerLauncher
from agent.main_window import UrlOpener
from agent.model import AgentState
from agent.support_log_dialog import SupportLogDesk
from server.accounts import create_agent, issue_admin_token
from server.models import Group, GroupOption, Role, User
from tests.integration.db_rig import ServerRig, serving
from tests.integration.test_agent_app import FakeViewers, Recorder

pytestmark = pytest.mark.integration

PASSWORD = "Good-pass-47"
WAIT_MS = 20_000


class Rig(ServerRig):
    """The shared rig plus agents with group options, logins, admin tokens and customer joins."""

    def agent(self, login_id: str, group: str | None = None, company: str | None = None,
              role: Role = Role.AGENT, **options: tuple[str | None, object]) -> int:
        """A new user in ``group`` (default its own) whose group stores ``key=(state, value)``; its id."""
        group_name = group or f"g-{login_id}"

        def make(db: Session) -> int:
            made = create_agent(db, login_id=login_id, name=f"Name {login_id}", password=PASSWORD,
                                company=company or f"co-{group_name}", group=group_name)
            db.execute(update(User).where(User.id == made.id).values(role=role.value))
            group_row = db.scalars(select(Group).where(Group.name == group_name)).one()
            for key, (state, value) in options.items():
                db.merge(GroupOption(group_id=group_row.id, key=key, state=state, value=value))
            return made.id
        return self.db.run(make)

    def set_group_option(self, login_id: str, key: str, state: str, value: object) -> None:
        def write(db: Session) -> None:
            group_id = db.scalars(select(User.group_id).where(User.login_id == login_id)).one()
            db.merge(GroupOption(group_id=group_id, key=key, state=state, value=value))
        self.db.run(write)

    def set_user(self, login_id: str, **fields: object) -> None:
        self.db.run(lambda db: db.execute(update(User).where(User.login_id == login_id).values(**fields)))

    def company_of(self, login_id: str) -> int:
        return int(self.db.run(lambda db: db.scalars(select(User.company_id).where(User.login_id == login_id)).one()))

    def admin_token(self, user_id: int) -> str:
        return self.db.run(lambda db: issue_admin_token(db, user_id, 3600).token)

    def client(self, login_id: str) -> tuple[ServerClient, LoginResult]:
        client = ServerClient(self.server.url, TlsConfig(fingerprint=self.server.fingerprint))
        return client, client.login(login_id, PASSWORD)

    def call(self, method: str, path: str, token: str, **kwargs: Any) -> Any:
        return self.http.request(method, self.server.api(path), headers={"Authorization": f"Bearer {token}"},
                                 timeout=10, **kwargs)

    def join(self, code: str) -> dict[str, Any]:
        """What the host module does with the code the customer typed."""
        answer = self.http.post(self.server.api("/api/v1/sessions/join"), timeout=10,
                                json={"code": code, "pc_name": "CUSTOMER-PC", "os": "Linux test"})
        assert answer.status_code == 200, answer.text
        return dict(answer.json())


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rig]:
    with serving(Rig, tmp_path_factory.mktemp("agent-window") / "data", None) as made:
        yield made


Agent = tuple[AgentController, Recorder]
MakeAgent = Callable[..., Agent]


@pytest.fixture()
def viewers(tmp_path: Path) -> FakeViewers:
    return FakeViewers(tmp_path)


@pytest.fixture()
def make_agent(qtbot, rig: Rig, viewers: FakeViewers) -> Iterator[MakeAgent]:
    """``make_agent(login_id, open_url=None, desk=None)``: a logged-in, started controller; shut down afterwards."""
    made: list[AgentController] = []

    def make(login_id: str, open_url: UrlOpener | None = None, desk: SupportLogDesk | None = None) -> Agent:
        client, login = rig.client(login_id)
        events = EventLog()
        recorder = Recorder(events)
        controller = AgentController(client, login, events, ViewerLauncher(command=viewers.command),
                                     BackgroundRunner(), open_url=open_url, desk=desk)
        qtbot.addWidget(controller.window)
        made.append(controller)
        controller.start()
        return controller, recorder

    yield make
    for controller in made:
        controller.shutdown()


def wait_for(qtbot, recorder: Recorder, name: str, count: int = 1) -> dict[str, Any]:
    qtbot.waitUntil(lambda: len(recorder.named(name)) >= count, timeout=WAIT_MS)
    return recorder.named(name)[count - 1]


def issue_code(qtbot, controller: AgentController, recorder: Recorder) -> dict[str, Any]:
    before = len(recorder.named("code"))
    controller.window.code_panel.new_button.click()
    return wait_for(qtbot, recorder, "code", before + 1)


def test_state_code_countdown_and_session_password(qtbot, rig: Rig, make_agent: MakeAgent) -> None:
    rig.agent("win-state", session_password=("all_use", None), session_password_mode=(None, "auto"))
    controller, recorder = make_agent("win-state")
    window = controller.window
    assert window.state_label.text() == "Agent waiting" and controller.state is AgentState.AGENT_WAITING
    line = issue_code(qtbot, controller, recorder)
    panel = window.code_panel
    assert panel.code_label.code() == line["code"] and re.fullmatch(r"\d{6}", line["code"])
    assert re.fullmatch(r"Expires in \d\d:\d\d", panel.countdown.text())
    assert window.state_label.text() == "Viewer waiting"
    assert line["session_password"] is True  # the event says one exists, never what it is
    password = controller.book.get(line["session_id"]).session_password  # type: ignore[union-attr]
    assert re.fullmatch(r"\d{4}", password)
    assert panel.password_label.isVisible() and panel.password_label.text() == f"Session password: {password}"


def test_fixed_session_password_and_none(qtbot, rig: Rig, make_agent: MakeAgent) -> None:
    rig.agent("win-fixed", session_password=("all_use", None), session_password_mode=(None, "fixed"),
              session_password_value=(None, "4821"))
    controller, recorder = make_agent("win-fixed")
    issue_code(qtbot, controller, recorder)
    assert controller.window.code_panel.password_label.text() == "Session password: 4821"
    rig.agent("win-nopass")
    plain, plain_events = make_agent("win-nopass")
    issue_code(qtbot, plain, plain_events)
    assert plain.window.code_panel.password_label.isHidden()


def test_copy_puts_address_and_code_on_the_clipboard(qtbot, rig: Rig, make_agent: MakeAgent) -> None:
    rig.agent("win-copy")
    controller, recorder = make_agent("win-copy")
    clipboard = QGuiApplication.clipboard()
    clipboard.setText("something else")
    line = issue_code(qtbot, controller, recorder)  # copy_connection_info is on by default: copied at once
    assert clipboard.text() == f"Connection page: {line['connect_url']}\nConnection code: {line['code']}"
    clipboard.setText("something else")
    controller.window.code_panel.copy_button.click()
    assert line["code"] in clipboard.text() and line["connect_url"] in clipboard.text()
    assert "clipboard" in controller.window.code_panel.info_label.text()


def test_copy_turned_off_by_the_group(qtbot, rig: Rig, make_agent: MakeAgent) -> None:
    rig.agent("win-nocopy", copy_connection_info=("not_used", None))
    controller, recorder = make_agent("win-nocopy")
    QGuiApplication.clipboard().setText("untouched")
    issue_code(qtbot, controller, recorder)
    assert controller.window.code_panel.copy_button.isHidden()
    assert QGuiApplication.clipboard().text() == "untouched"


class MailHandler(QObject):
    """A mail program: keeps the ``mailto:`` URLs it is asked to open."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open_mail(self, url: QUrl) -> None:
        self.urls.append(QUrl(url))


def test_email_opens_the_mail_program_with_the_body(qtbot, rig: Rig, make_agent: MakeAgent) -> None:
    rig.agent("win-mail", email_connection_info=("all_use", None))
    handler = MailHandler()
    QDesktopServices.setUrlHandler("mailto", handler, "open_mail")
    try:
        controller, recorder = make_agent("win-mail")
        line = issue_code(qtbot, controller, recorder)
        assert controller.window.code_panel.email_button.isVisible()
        controller.window.code_panel.email_button.click()
        qtbot.waitUntil(lambda: len(handler.urls) == 1, timeout=5000)
    finally:
        QDesktopServices.unsetUrlHandler("mailto")
    url = handler.urls[0]
    assert url.scheme() == "mailto"
    query = urllib.parse.parse_qs(url.toString(QUrl.ComponentFormattingOption.FullyEncoded).split("?", 1)[1])
    assert query["subject"] == ["Remote support: your connection code"]
    body = query["body"][0]
    assert line["connect_url"] in body and line["code"] in body and "enter this connection code" in body
    assert "mail program opened" in controller.window.code_panel.info_label.text()


def test_email_without_a_mail_program_says_so(qtbot, rig: Rig, make_agent: MakeAgent) -> None:
    rig.agent("win-nomail", email_connection_info=("all_use", None))
    asked: list[QUrl] = []

    def no_mail_program(url: QUrl) -> bool:
        asked.append(url)
        return False
    controller, recorder = make_agent("win-nomail", open_url=no_mail_program)
    issue_code(qtbot, controller, recorder)
    controller.window.code_panel.email_button.click()
    assert len(asked) == 1 and asked[0].scheme() == "mailto"
    assert controller.window.code_panel.info_label.text() == \
        "No e-mail program is set up on this PC: copy the code instead."


def test_email_hidden_by_default(qtbot, rig: Rig, make_agent: MakeAgent) -> None:
    rig.agent("win-mailoff")
    controller, _ = make_agent("win-mailoff")
    assert controller.window.code_panel.email_button.isHidden()


def test_account_expiry_notice(qtbot, rig: Rig, make_agent: MakeAgent) -> None:
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(days=5)
    rig.agent("win-expiry")
    rig.set_user("win-expiry", expires_at=soon)
    controller, _ = make_agent("win-expiry")
    label = controller.window.expiry_label
    qtbot.waitUntil(label.isVisible, timeout=WAIT_MS)
    assert label.text().startswith("Your account ends on ")
    assert re.search(r"\b[45] day\(s\) left", label.text()) and label.property("near") is True
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=100)
    rig.agent("win-later")
    rig.set_user("win-later", expires_at=later)
    relaxed, _ = make_agent("win-later")
    qtbot.waitUntil(relaxed.window.expiry_label.isVisible, timeout=WAIT_MS)
    assert relaxed.window.expiry_label.property("near") is False
    assert "left" not in relaxed.window.expiry_label.text()
    rig.agent("win-noexpiry", expiry_notice=("not_used", None))
    rig.set_user("win-noexpiry", expires_at=soon)
    hidden, hidden_events = make_agent("win-noexpiry")
    issue_code(qtbot, hidden, hidden_events)  # the runner is serial: any profile call would be done by now
    assert hidden.window.expiry_label.isHidden()


def test_team_panel_shows_the_groups_agents(qtbot, rig: Rig, make_agent: MakeAgent) -> None:
    rig.agent("team-a", group="team", company="co-team", agent_user_status=("all_use", None))
    rig.agent("team-b", group="team", company="co-team")
    watcher, _ = make_agent("team-a")
    panel = watcher.window.team_panel
    assert panel.isVisible()
    qtbot.waitUntil(lambda: panel.states().get("team-b") == "Offline", timeout=WAIT_MS)
    other, other_events = make_agent("team-b")
    wait_for(qtbot, other_events, "push_connected")
    watcher.team.refresh()
    qtbot.waitUntil(lambda: panel.states().get("team-b") == "Agent waiting", timeout=WAIT_MS)
    issue_code(qtbot, other, other_events)
    watcher.team.refresh()
    qtbot.waitUntil(lambda: panel.states().get("team-b") == "Viewer waiting", timeout=WAIT_MS)
    assert panel.states().get("team-a") == "Agent waiting"
    issue_code(qtbot, watcher, _)  # our own state change refreshes the panel at once, not at the next tick
    qtbot.waitUntil(lambda: panel.states().get("team-a") == "Viewer waiting", timeout=5000)  # the tick is 15 s


def test_team_panel_hidden_when_the_group_does_not_show_states(qtbot, rig: Rig, make_agent: MakeAgent) -> None:
    rig.agent("team-off", agent_user_status=("not_used", None))
    controller, recorder = make_agent("team-off")
    issue_code(qtbot, controller, recorder)
    assert controller.window.team_panel.isHidden()
    controller.team.refresh()  # the server says 403 as well: still hidden
    issue_code(qtbot, controller, recorder)
    assert controller.window.team_panel.isHidden()


def test_history_and_detail(qtbot, rig: Rig, make_agent: MakeAgent) -> None:
    rig.agent("win-history", chat_log_server=("all_use", None))
    controller, recorder = make_agent("win-history")
    line = issue_code(qtbot, controller, recorder)
    sid = line["session_id"]
    token = controller._login.token
    rig.join(line["code"])
    logged = rig.call("PUT", f"/api/v1/sessions/{sid}/log", token,
                      json={"customer_name": "Kim", "content": "printer fixed"})
    assert logged.status_code == 200, logged.text
    chat = rig.call("POST", f"/api/v1/sessions/{sid}/chat", token, json={"lines": [{
        "client_id": "5c1e1f0e-0000-4000-8000-000000000001", "sender": "agent", "text": "hello there",
        "sent_at": dt.datetime.now(dt.UTC).isoformat()}]})
    assert chat.status_code == 200, chat.text
    controller.window.history_button.click()
    dialog = controller.history
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: sid in dialog.session_ids(), timeout=WAIT_MS)
    row = dialog.session_ids().index(sid)
    assert dialog.table.item(row, 2).text() == "Kim" and dialog.table.item(row, 3).text() == "CUSTOMER-PC"
    dialog.select(sid)
    qtbot.waitUntil(lambda: "printer fixed" in dialog.detail.toPlainText(), timeout=WAIT_MS)
    text = dialog.detail.toPlainText()
    assert "Customer PC: CUSTOMER-PC" in text and "Operating system: Linux test" in text
    assert "Customer: Kim" in text and "agent: hello there" in text and "Started: " in text


def test_options_changed_is_followed_without_a_restart(qtbot, rig: Rig, make_agent: MakeAgent) -> None:
    rig.agent("win-options")
    controller, recorder = make_agent("win-options")
    assert controller.idle.minutes is None
    wait_for(qtbot, recorder, "push_connected")
    token = controller._login.token
    answer = rig.call("PUT", "/api/v1/me/options", token, json={"auto_logout": True, "auto_logout_minutes": 10})
    assert answer.status_code == 200, answer.text
    wait_for(qtbot, recorder, "options_changed")
    assert controller.options.auto_logout_minutes == 10 and controller.idle.minutes == 10
