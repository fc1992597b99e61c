"""The whole way in, with the real programs on both sides: a customer in headless Chromium picks a window,
fills the request form and watches their place change live; the agent app (pytest-qt, the real controller,
its queue view and chat window) accepts them; they chat both ways; the agent starts remote support from the
chat and the customer's page shows the code with a host download link carrying it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

from agent.api import ServerClient
from agent.app import AgentController
from agent.background import BackgroundRunner
from agent.config import TlsConfig
from agent.events import EventLog
from agent.launcher import ViewerLauncher
from tests.browser.conftest import ALWAYS_OPEN, Company, wait_for
from tests.integration.pages_rig import PASSWORD, PagesRig
from tests.integration.test_agent_app import FakeViewers, Recorder
from tests.integration.test_agent_queue import rows

pytestmark = [pytest.mark.browser, pytest.mark.integration]
WAIT_MS = 15_000
LEFT = Qt.MouseButton.LeftButton
FIELDS = [{"key": "phone", "kind": "phone", "required": True, "labels": {"ko": "전화번호", "en": "Phone"}}]


@pytest.fixture(scope="module")
def desk(rig: PagesRig) -> Company:
    """A company whose group "Desk" has one agent, desk-agent1."""
    return Company(rig, "desk")


@pytest.fixture()
def agent_app(qtbot: QtBot, rig: PagesRig, desk: Company, tmp_path: Path) -> Iterator[AgentController]:
    """The real agent app of desk-agent1, logged in and present (its push socket open)."""
    client = ServerClient(rig.server.url, TlsConfig(fingerprint=rig.server.fingerprint))
    events = EventLog()
    recorder = Recorder(events)
    viewers = FakeViewers(tmp_path)
    controller = AgentController(client, client.login("desk-agent1", PASSWORD), events,
                                 ViewerLauncher(command=viewers.command), BackgroundRunner())
    qtbot.addWidget(controller.window)
    controller.start()
    qtbot.waitUntil(lambda: bool(recorder.named("push_connected")), timeout=WAIT_MS)
    yield controller
    viewers.release(0)
    controller.shutdown()


def status(browser: WebDriver) -> str:
    return str(browser.find_element(By.ID, "queue-status").text)


def test_a_browser_customer_is_accepted_in_the_agent_app_chats_and_gets_a_code(
        qtbot: QtBot, rig: PagesRig, browser: WebDriver, desk: Company, agent_app: AgentController) -> None:
    page = desk.page("desk-page", "window", time_zone="UTC", languages=["en", "ko"], default_language="en",
                     group_ids=[desk.group_id], distribution="window", show_customer_name=True)
    desk.hours(page["id"], ALWAYS_OPEN)
    window = desk.window(page["id"], name="Cards", estimate_minutes=4, request_fields=FIELDS,
                         agent_ids=desk.agent_ids)
    first = rig.post_form(f"/p/desk-page/w/{window['id']}/queue", {"name": "Early", "x_phone": "010-1"})
    assert first.status_code == 303, first.text
    browser.get(rig.server.api(f"/p/desk-page/w/{window['id']}"))
    browser.find_element(By.ID, "f-name").send_keys("Hong")
    browser.find_element(By.ID, "f-x_phone").send_keys("010-2345", Keys.ENTER)
    wait_for(browser, lambda d: "You are number 2 at Cards." in status(d), what="second in line")
    controller = agent_app
    view = controller.window.queue_view
    qtbot.waitUntil(lambda: rows(controller) == ["Early", "Hong"], timeout=WAIT_MS)
    _accept(qtbot, controller, rows(controller).index("Early"))  # the first customer is served first
    wait_for(browser, lambda d: "You are number 1 at Cards." in status(d), what="first in line, live")
    entry_id = _accept(qtbot, controller, rows(controller).index("Hong"))
    wait_for(browser, lambda d: "desk-agent1 accepted your request" in status(d), what="accepted")
    panel = controller.queue.chats.window(entry_id).panel
    panel.input.setText("Hello, this is your agent.")
    qtbot.mouseClick(panel.send_button, LEFT)
    wait_for(browser, lambda d: "Hello, this is your agent." in d.find_element(By.ID, "chat-log").text,
             what="the agent's line")
    browser.find_element(By.ID, "chat-text").send_keys("My card is blocked", Keys.ENTER)
    qtbot.waitUntil(lambda: panel.line(panel.line_ids()[-1])[:2] == ("Hong", "My card is blocked"), timeout=WAIT_MS)
    qtbot.mouseClick(controller.queue.chats.tools(entry_id).remote_button, LEFT)
    qtbot.waitUntil(lambda: bool(controller.window.code_panel.code_label.code()), timeout=WAIT_MS)
    code = controller.window.code_panel.code_label.code()
    wait_for(browser, lambda d: d.find_element(By.ID, "remote-code").text == code, what="the code on the page")
    download = browser.find_element(By.ID, "remote-download").get_attribute("href")
    assert download == rig.server.api(f"/download/host?code={code}")
    assert not view.property("ringing")


def _accept(qtbot: QtBot, controller: AgentController, row: int) -> int:
    view = controller.window.queue_view
    entry_id = int(view.table.item(row, 0).data(Qt.ItemDataRole.UserRole))
    assert view.select_entry(entry_id)
    qtbot.mouseClick(view.accept_button, LEFT)
    qtbot.waitUntil(lambda: controller.queue.chats.window(entry_id) is not None, timeout=WAIT_MS)
    return entry_id
