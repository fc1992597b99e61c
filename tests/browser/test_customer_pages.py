"""The customer pages in a real browser (headless Chromium) against the real server: the access-code page by
keyboard alone with its labels, hint and languages; a window page's queue with the position updating live
(no reload) over the customer socket; reservations outside business hours, a full hour refused."""

from __future__ import annotations

import asyncio
import datetime
import json
import re
from zoneinfo import ZoneInfo

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select
from websockets.asyncio.client import connect

from server.pages.texts import BUILT_IN
from tests.browser.conftest import ALWAYS_OPEN, UNLABELLED, Company, wait_for
from tests.integration.pages_rig import PagesRig
from tests.integration.postgres import database_env
from tools.server_process import start_server

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def options(driver: WebDriver, what: str) -> list[str]:
    """The hour list's option texts or values (one call, not one per option)."""
    script = f"return Array.from(document.querySelectorAll('#f-slot option'), option => option.{what});"
    return list(driver.execute_script(script))


def text_of(driver: WebDriver, css: str) -> str:
    return str(driver.find_element(By.CSS_SELECTOR, css).text)


def test_access_code_page_by_keyboard(rig: PagesRig, browser: WebDriver) -> None:
    acme = Company(rig, "kbd")
    page = acme.page("kbd-help", "access_code", languages=["ko", "en"], show_customer_name=True,
                     show_screen_reader_hint=True)
    browser.get(rig.server.api("/p/kbd-help"))
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"  # Accept-Language: en
    assert "this page works with the keyboard alone" in text_of(browser, "#screen-reader-hint")
    assert browser.execute_script(UNLABELLED) == []
    browser.find_element(By.LINK_TEXT, "한국어").click()
    wait_for(browser, lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ko", what="Korean")
    assert text_of(browser, "h1") == "상담원과 연결하기" and "스크린리더" in text_of(browser, "#screen-reader-hint")
    assert browser.find_element(By.CSS_SELECTOR, "label[for=f-code]").text.startswith("접속 코드")
    for _ in range(12):  # keyboard only: Tab to the code box
        if browser.switch_to.active_element.get_attribute("id") == "f-code":
            break
        ActionChains(browser).send_keys(Keys.TAB).perform()
    assert browser.switch_to.active_element.get_attribute("id") == "f-code"
    ActionChains(browser).send_keys("654321").send_keys(Keys.ENTER).perform()
    wait_for(browser, lambda d: "/p/kbd-help/code?" in d.current_url, what="the code screen")
    link = wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "a[href*='code=']"), what="download")
    assert link[0].get_attribute("href").endswith("/download/host?code=654321")
    assert "654321" in text_of(browser, "strong.code") and browser.find_element(By.TAG_NAME, "html") \
        .get_attribute("lang") == "ko"
    rig.admin("PATCH", f"/pages/{page['id']}", acme.admin, json={"show_screen_reader_hint": False})
    browser.get(rig.server.api("/p/kbd-help?lang=en"))
    assert not browser.find_elements(By.ID, "screen-reader-hint") and browser.execute_script(UNLABELLED) == []


async def _leave(socket_url: str, rig: PagesRig) -> list[dict[str, object]]:
    """The first customer leaves over their own socket; the messages they got."""
    got = []
    async with connect(socket_url, ssl=rig.server.ssl_context(), open_timeout=10) as socket:
        got.append(json.loads(await asyncio.wait_for(socket.recv(), 5)))
        await socket.send(json.dumps({"type": "leave"}))
        while not got or got[-1].get("type") != "ended":
            got.append(json.loads(await asyncio.wait_for(socket.recv(), 5)))
    return got


def test_window_queue_position_updates_live(rig: PagesRig, browser: WebDriver) -> None:
    acme = Company(rig, "live")
    page = acme.page("live-bank", "window", time_zone="UTC", languages=["en", "ko"], default_language="en",
                     group_ids=[acme.group_id])
    acme.hours(page["id"], ALWAYS_OPEN)
    fields = [{"key": "phone", "kind": "phone", "required": True, "labels": {"en": "Phone", "ko": "전화번호"}}]
    window = acme.window(page["id"], name="Cards", estimate_minutes=5, request_fields=fields)
    first = rig.post_form(f"/p/live-bank/w/{window['id']}/queue", {"x_phone": "010-1111"})
    assert first.status_code == 303
    first_ticket = first.headers["location"].split("/t/")[1].split("?")[0]

    browser.get(rig.server.api("/p/live-bank"))
    browser.find_element(By.LINK_TEXT, "Choose Cards").click()
    phone = wait_for(browser, lambda d: d.find_elements(By.ID, "f-x_phone"), what="request form")[0]
    assert browser.execute_script(UNLABELLED) == []
    phone.send_keys("010-2222", Keys.ENTER)
    status = wait_for(browser, lambda d: d.find_elements(By.ID, "queue-status"), what="ticket page")[0]
    assert "/t/" in browser.current_url
    assert status.get_attribute("aria-live") == "polite"
    wait_for(browser, lambda d: "You are number 2 at Cards." in text_of(d, "#queue-status"), what="position 2")
    assert "about 10 minutes" in status.text
    browser.execute_script("window.ferryNoReload = true;")
    got = asyncio.run(_leave(rig.server.ws_url(f"/ws/queue/{first_ticket}"), rig))
    assert got[0]["type"] == "position" and got[0]["position"] == 1 and got[-1]["type"] == "ended"
    wait_for(browser, lambda d: "You are number 1 at Cards." in text_of(d, "#queue-status"), what="position 1")
    assert "about 5 minutes" in status.text and browser.execute_script("return window.ferryNoReload") is True
    assert not browser.find_element(By.ID, "queue-connection").is_displayed()
    browser.find_element(By.ID, "queue-leave").click()
    wait_for(browser, lambda d: "You left the queue." in text_of(d, "#queue-status"), what="left")
    assert not browser.find_element(By.ID, "queue-leave").is_displayed()


def closed_now_hours(now: datetime.datetime) -> list[dict[str, object]]:
    """Open every day except the current hour and the next (closed now, with hours to reserve later)."""
    closed = {now.hour, (now.hour + 1) % 24}
    runs, start = [], None
    for hour in range(25):
        if hour < 24 and hour not in closed and start is None:
            start = hour
        elif (hour == 24 or hour in closed) and start is not None:
            runs.append((start, hour))
            start = None
    return [{"weekday": day, "start": f"{a:02d}:00", "end": f"{b:02d}:00"} for day in range(7) for a, b in runs]


def test_reservation_when_closed(rig: PagesRig, browser: WebDriver) -> None:
    acme = Company(rig, "resv")
    page = acme.page("resv-bank", "window", time_zone="Asia/Seoul", languages=["en", "ko"], default_language="en",
                     reservations_enabled=True, group_ids=[acme.group_id])
    acme.hours(page["id"], closed_now_hours(datetime.datetime.now(ZoneInfo("Asia/Seoul"))))
    fields = [{"key": "name", "required": True, "labels": {"en": "Name", "ko": "이름"}}]
    window = acme.window(page["id"], name="Loans", max_reservations_per_hour=1, reservation_fields=fields)
    browser.get(rig.server.api("/p/resv-bank"))
    assert "We are closed now." in text_of(browser, "main")
    browser.find_element(By.LINK_TEXT, "Choose Loans").click()
    slot = Select(wait_for(browser, lambda d: d.find_elements(By.ID, "f-slot"), what="reservation form")[0])
    assert browser.execute_script(UNLABELLED) == []
    booked_hour = slot.first_selected_option.text
    browser.find_element(By.ID, "f-x_name").send_keys("Kim", Keys.ENTER)
    wait_for(browser, lambda d: "Your reservation is booked" in text_of(d, "h1"), what="booked")
    assert booked_hour in text_of(browser, "[role=status]") and "Loans" in text_of(browser, "[role=status]")

    browser.get(rig.server.api(f"/p/resv-bank/w/{window['id']}"))
    slot = Select(browser.find_element(By.ID, "f-slot"))
    assert booked_hour not in options(browser, "text")  # the booked hour is full (1 per hour)
    taken = slot.first_selected_option.get_attribute("value")
    other = rig.post_form(f"/p/resv-bank/w/{window['id']}/reserve", {"slot": taken, "x_name": "Lee"})
    assert other.status_code == 201  # someone else takes that hour while this customer types
    browser.find_element(By.ID, "f-x_name").send_keys("Park", Keys.ENTER)
    alert = wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "[role=alert]"), what="refusal")[0]
    assert re.search(r"Every place in this hour is taken .*choose another hour", alert.text)
    assert taken not in options(browser, "value")
    history = rig.admin("GET", f"/pages/reservations?page_id={page['id']}", acme.admin).json()
    assert sorted(r["customer"]["name"] for r in history["reservations"]) == ["Kim", "Lee"]


def test_dropped_socket_is_said_and_retried(rig: PagesRig, browser: WebDriver) -> None:
    """The server goes away under an open ticket page: the page says so, retries, and is live again."""
    acme = Company(rig, "drop")
    page = acme.page("drop-bank", "window", time_zone="UTC", languages=["en"], default_language="en")
    acme.hours(page["id"], ALWAYS_OPEN)
    window = acme.window(page["id"], name="Cards", estimate_minutes=2)
    browser.get(rig.server.api(f"/p/drop-bank/w/{window['id']}"))
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").send_keys(Keys.ENTER)
    wait_for(browser, lambda d: "You are number 1 at Cards." in text_of(d, "#queue-status"), what="queued")
    wait_for(browser, lambda d: d.execute_script("return document.getElementById('queue-leave').hidden") is False,
             what="script started")
    server, port = rig.server, rig.server.port
    server.stop()
    lost = wait_for(browser, lambda d: d.find_element(By.ID, "queue-connection").is_displayed()
                    and d.find_element(By.ID, "queue-connection"), what="connection lost")
    assert "The connection to the server was lost" in lost.text and lost.get_attribute("role") == "alert"
    rig.server = start_server(server.data_dir, env=database_env(None), args=("--port", str(port)))
    wait_for(browser, lambda d: "Connected again." in text_of(d, "#queue-connection"), timeout=40, what="reconnect")
    second = rig.post_form(f"/p/drop-bank/w/{window['id']}/queue", {})
    assert second.status_code == 303
    browser.find_element(By.ID, "queue-leave").click()
    wait_for(browser, lambda d: "You left the queue." in text_of(d, "#queue-status"), what="left after reconnect")
    assert "You are number 1 at Cards." in rig.get(second.headers["location"]).text


def test_ticket_page_in_korean_and_without_script(rig: PagesRig, browser: WebDriver) -> None:
    """The live page's texts come from the server in the page's language; without script the position shows."""
    assert set(BUILT_IN["ko"]) == set(BUILT_IN["en"])  # every text in both languages
    acme = Company(rig, "hangul")
    page = acme.page("hangul-bank", "window", time_zone="UTC", languages=["ko", "en"])
    acme.hours(page["id"], ALWAYS_OPEN)
    window = acme.window(page["id"], name="카드", estimate_minutes=4)
    queued = rig.post_form(f"/p/hangul-bank/w/{window['id']}/queue?lang=ko", {})
    ticket_url = rig.server.api(queued.headers["location"])
    browser.get(ticket_url)
    wait_for(browser, lambda d: d.find_element(By.ID, "queue-leave").is_displayed(), what="script started")
    assert browser.find_element(By.ID, "queue-leave").text == "대기 취소"
    assert "카드 대기 순서: 1번째" in text_of(browser, "#queue-status") and "약 4분" in text_of(browser, "main")
    config = json.loads(browser.find_element(By.ID, "queue-config").get_attribute("textContent"))
    assert config["language"] == "ko" and config["texts"]["live_ended_left"] == "대기열에서 나왔습니다."
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        browser.get(ticket_url)
        assert "카드 대기 순서: 1번째" in text_of(browser, "#queue-status")
        assert "15초마다 새로 고쳐집니다" in text_of(browser, "main")
        assert not browser.find_element(By.ID, "queue-leave").is_displayed()
        assert not browser.find_element(By.ID, "queue-chat").is_displayed()
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
    browser.get(ticket_url)
    wait_for(browser, lambda d: d.find_element(By.ID, "queue-leave").is_displayed(), what="script again")
    browser.find_element(By.ID, "queue-leave").send_keys(Keys.ENTER)  # the keyboard works the button
    wait_for(browser, lambda d: text_of(d, "#queue-status") == "대기열에서 나왔습니다.", what="left, in Korean")
