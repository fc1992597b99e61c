"""The agent app (pytest-qt, the real controller) and an icon page on the real server (loopback, SQLite): the
customer's click on the agent's icon shows the code and a session password in the agent's window with a notice;
the customer's join launches the (fake) viewer with that password; a second click gives the same code."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.api import ServerClient
from agent.app import AgentController
from agent.background import BackgroundRunner
from agent.config import TlsConfig
from agent.events import EventLog
from agent.launcher import ViewerLauncher
from server.models import Group, GroupOption
from tests.integration.pages_rig import PASSWORD, PagesRig, pages_rig
from tests.integration.test_agent_app import FakeViewers, Recorder

pytestmark = pytest.mark.integration
WAIT_MS = 15_000
CODE_LINK = re.compile(r'href="/download/host\?code=(\d{6})"')


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PagesRig]:
    with pages_rig(tmp_path_factory.mktemp("icon-agent") / "data", None) as made:
        admin = made.token(made.user("desk-admin", "desk", "Desk", "company_admin"))
        made.user("desk-kim", "desk", "Desk")

        def passwords_on(db: Session) -> None:
            group_id = db.scalars(select(Group.id).where(Group.name == "Desk")).one()
            db.add(GroupOption(group_id=group_id, key="session_password", state="all_use"))
        made.db.run(passwords_on)
        group_id = next(g["id"] for g in made.admin("GET", "/groups", admin).json() if g["name"] == "Desk")
        answer = made.admin("POST", "/pages", admin, json={
            "slug": "desk-icons", "kind": "icon", "name": "Desk", "group_ids": [group_id], "icon_numbering": "from_1",
            "show_customer_name": True, "languages": ["en"], "default_language": "en"})
        assert answer.status_code == 201, answer.text
        yield made


@pytest.fixture()
def agent(qtbot: QtBot, rig: PagesRig, tmp_path: Path) -> Iterator[tuple[AgentController, Recorder, FakeViewers]]:
    client = ServerClient(rig.server.url, TlsConfig(fingerprint=rig.server.fingerprint))
    login = client.login("desk-kim", PASSWORD)
    events = EventLog()
    recorder = Recorder(events)
    viewers = FakeViewers(tmp_path)
    controller = AgentController(client, login, events, ViewerLauncher(command=viewers.command), BackgroundRunner())
    qtbot.addWidget(controller.window)
    controller.start()
    qtbot.waitUntil(lambda: 'formaction="/p/desk-icons/i/1?' in rig.get("/p/desk-icons").text, timeout=WAIT_MS)
    yield controller, recorder, viewers
    viewers.release(0)
    controller.shutdown()


def test_icon_click_reaches_the_agent_app_and_the_viewer(qtbot: QtBot, rig: PagesRig, agent: tuple[
        AgentController, Recorder, FakeViewers]) -> None:
    controller, recorder, viewers = agent
    page = rig.post_form("/p/desk-icons/i/1?lang=en", {"name": "Hong Gildong"})
    assert page.status_code == 200 and "4-digit session password" in page.text
    code = CODE_LINK.search(page.text).group(1)  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: bool(recorder.named("icon_session")), timeout=WAIT_MS)
    line = recorder.named("icon_session")[0]
    assert line["code"] == code and line["customer_name"] == "Hong Gildong" and line["session_password"] is True
    panel = controller.window.code_panel
    record = controller.book.get(line["session_id"])
    assert record is not None and re.fullmatch(r"\d{4}", record.session_password)
    assert panel.code_label.code() == code and panel.password_label.isVisible()
    assert panel.password_label.text() == f"Session password: {record.session_password}"
    assert panel.info_label.text() == "A customer chose your icon (Hong Gildong)."
    again = rig.post_form("/p/desk-icons/i/1?lang=en", {"name": "Hong Gildong"})
    assert CODE_LINK.search(again.text).group(1) == code  # type: ignore[union-attr]
    with rig.server.session() as http:
        joined = http.post(rig.server.api("/api/v1/sessions/join"), timeout=10,
                           json={"code": code, "pc_name": "HONG-PC", "os": "Windows 11"})
    assert joined.status_code == 200, joined.text
    qtbot.waitUntil(viewers.out.exists, timeout=WAIT_MS)
    seen = viewers.seen()
    assert seen["password"] == record.session_password and seen["secret"] == joined.json()["secret"]
    assert len(recorder.named("icon_session")) == 1 and recorder.named("customer_joined")[0]["pc_name"] == "HONG-PC"
