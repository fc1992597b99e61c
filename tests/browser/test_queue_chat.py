"""A queued customer in a real browser and an agent through the agent REST API (the agent app's side is tested
with pytest-qt elsewhere): the agent accepts, the page names the agent, both chat, the customer sends a file
and saves the chat, the agent starts remote support and the page shows the code with the download carrying
it, then the agent ends the chat."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from sqlalchemy.orm import Session

from server.models import GroupOption
from tests.browser.conftest import ALWAYS_OPEN, UNLABELLED, Company, wait_for
from tests.integration.pages_rig import PASSWORD, PagesRig
from tests.integration.push_socket import open_pushes

pytestmark = [pytest.mark.browser, pytest.mark.integration]


@contextlib.contextmanager
def present(rig: PagesRig, token: str) -> Iterator[None]:
    """The agent app's presence: its push socket open (on a loop in a thread) while the block runs."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    socket = asyncio.run_coroutine_threadsafe(open_pushes(rig.server, token), loop).result(10)
    try:
        yield
    finally:
        asyncio.run_coroutine_threadsafe(socket.close(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


class Agent:
    """An agent's REST calls (``/api/v1/queue…``) with its bearer token."""

    def __init__(self, rig: PagesRig, token: str) -> None:
        self.rig, self.headers = rig, {"Authorization": f"Bearer {token}"}

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.rig.http.request(method, self.rig.server.api("/api/v1" + path), headers=self.headers,
                                     timeout=20, **kwargs)


def customer_options_on(rig: PagesRig, group_id: int) -> None:
    """The group's agents let customers send files and save the chat."""
    def store(db: Session) -> None:
        for key in ("chat_file_customer", "chat_log_customer"):
            db.add(GroupOption(group_id=group_id, key=key, state="all_use", value=None))
    rig.db.run(store)


def chat_texts(browser: WebDriver) -> list[str]:
    return [str(item.text) for item in browser.find_elements(By.CSS_SELECTOR, "#chat-log li")]


def test_agent_accepts_chats_and_starts_remote_support(rig: PagesRig, browser: WebDriver, tmp_path: Path) -> None:
    desk = Company(rig, "chat")
    customer_options_on(rig, desk.group_id)
    page = desk.page("chat-desk", "window", time_zone="UTC", languages=["en", "ko"], default_language="en",
                     group_ids=[desk.group_id], distribution="all", show_customer_name=True)
    desk.hours(page["id"], ALWAYS_OPEN)
    window = desk.window(page["id"], name="Help", estimate_minutes=3)
    agent = Agent(rig, rig.server.login("chat-agent1", PASSWORD))
    with present(rig, agent.headers["Authorization"].split()[1]):
        browser.get(rig.server.api(f"/p/chat-desk/w/{window['id']}"))
        browser.find_element(By.ID, "f-name").send_keys("Hong", Keys.ENTER)
        wait_for(browser, lambda d: "You are number 1 at Help." in d.find_element(By.ID, "queue-status").text,
                 what="queued")
        entries = agent.call("GET", "/queue").json()["entries"]
        entry = next(item for item in entries if item["customer_name"] == "Hong")
        taken = agent.call("POST", f"/queue/{entry['id']}/accept")
        assert taken.status_code == 200 and taken.json()["state"] == "accepted", taken.text
        wait_for(browser, lambda d: "chat-agent1 accepted your request" in d.find_element(By.ID, "queue-status").text,
                 what="accepted")
        _chat_both_ways(browser, agent, entry["id"])
        _file_and_chat_log(browser, agent, entry["id"], tmp_path)
        _remote_support(browser, agent, entry["id"])
        assert agent.call("POST", f"/queue/{entry['id']}/end", json={"reason": "served"}).status_code == 204
        wait_for(browser, lambda d: "The consultation has ended. Thank you." in d.find_element(By.ID, "queue-status")
                 .text, what="ended")
        assert not browser.find_element(By.ID, "chat-form").is_displayed()
        assert not browser.find_element(By.ID, "queue-connection").is_displayed()


def _chat_both_ways(browser: WebDriver, agent: Agent, entry_id: int) -> None:
    assert agent.call("POST", f"/queue/{entry_id}/chat", json={"text": "Hello, how can I help?"}).status_code == 201
    wait_for(browser, lambda d: any("Hello, how can I help?" in line for line in chat_texts(d)), what="agent line")
    field = browser.find_element(By.ID, "chat-text")
    assert field.is_displayed() and browser.find_element(By.CSS_SELECTOR, "label[for=chat-text]").is_displayed()
    field.send_keys("화면이 검게 나옵니다 <b>", Keys.ENTER)
    wait_for(browser, lambda d: not d.find_elements(By.CSS_SELECTOR, "#chat-log li.pending"), what="echo")
    assert "화면이 검게 나옵니다 <b>" in chat_texts(browser)[-1]
    assert not browser.find_elements(By.CSS_SELECTOR, "#chat-log li.failed")
    lines = agent.call("GET", f"/queue/{entry_id}/chat").json()["lines"]
    assert [(line["sender"], line["text"]) for line in lines] == [("agent", "Hello, how can I help?"),
                                                                  ("customer", "화면이 검게 나옵니다 <b>")]


def _file_and_chat_log(browser: WebDriver, agent: Agent, entry_id: int, tmp_path: Path) -> None:
    sample = tmp_path / "error-log.txt"
    sample.write_text("disk full\n", encoding="utf-8")
    wait_for(browser, lambda d: d.find_element(By.ID, "file-form").is_displayed(), what="upload offered")
    assert browser.execute_script(UNLABELLED) == []
    browser.find_element(By.ID, "chat-file").send_keys(str(sample))
    browser.find_element(By.CSS_SELECTOR, "#file-form button").click()
    link = wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#chat-log a[download='error-log.txt']"),
                    what="file line")[0]
    assert "/p/chat-desk/t/" in link.get_attribute("href") and "The file was sent." in browser.find_element(
        By.ID, "file-note").text
    files = [line["file"] for line in agent.call("GET", f"/queue/{entry_id}/chat").json()["lines"] if line.get("file")]
    assert [item["name"] for item in files] == ["error-log.txt"]
    assert agent.call("GET", f"/queue/{entry_id}/files/{files[0]['id']}").content == b"disk full\n"
    save = wait_for(browser, lambda d: d.find_element(By.ID, "chat-save").is_displayed() and d.find_element(
        By.CSS_SELECTOR, "#chat-save a"), what="save link")
    log = agent.rig.http.get(save.get_attribute("href"), timeout=10)
    assert log.status_code == 200 and "Hong: 화면이 검게 나옵니다 <b>" in log.text


def _remote_support(browser: WebDriver, agent: Agent, entry_id: int) -> None:
    remote = agent.call("POST", f"/queue/{entry_id}/remote")
    assert remote.status_code == 201, remote.text
    code = remote.json()["code"]
    wait_for(browser, lambda d: d.find_element(By.ID, "queue-remote").is_displayed(), what="remote support")
    assert browser.find_element(By.ID, "remote-code").text == code
    download = browser.find_element(By.ID, "remote-download").get_attribute("href")
    assert download.endswith(f"/download/host?code={code}")
    assert browser.find_element(By.ID, "remote-connect").get_attribute("href").endswith(f"/connect?code={code}")
