"""An icon page in a real browser (headless Chromium) against the real server: the present agents' icons numbered
from 10 with labels, the customer types a name and clicks an icon, and the page shows the agent's name, the
code and the host download carrying it; the agent's push socket gets the same code and name."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.browser.conftest import UNLABELLED, Company, wait_for
from tests.integration.pages_rig import PagesRig
from tests.integration.test_pages_icons import Present

pytestmark = [pytest.mark.browser, pytest.mark.integration]


@pytest.fixture(scope="module")
def present(rig: PagesRig) -> Iterator[Present]:
    company = Company(rig, "ico", agents=2)
    company.page("ico-icons", "icon", group_ids=[company.group_id], icon_numbering="from_10",
                 show_customer_name=True, show_code_box=True, languages=["en", "ko"], default_language="en")
    agents = Present(rig)
    agents.log_in("ico-agent1")
    agents.log_in("ico-agent2")
    yield agents
    agents.close()


def test_click_an_icon_and_get_the_code_and_download(rig: PagesRig, browser: WebDriver, present: Present) -> None:
    browser.get(rig.server.api("/p/ico-icons"))
    buttons = browser.find_elements(By.CSS_SELECTOR, "ul.icons button")
    assert [b.get_attribute("aria-label") for b in buttons] == ["Agent number 10: ico-agent1",
                                                                 "Agent number 11: ico-agent2"]
    assert browser.execute_script(UNLABELLED) == []  # the name box and the code box each have their label
    browser.find_element(By.ID, "f-icon-name").send_keys("Hong Gildong")
    buttons[1].click()
    wait_for(browser, lambda d: "/p/ico-icons/i/11" in d.current_url, what="the code screen")
    code = wait_for(browser, lambda d: d.find_element(By.CSS_SELECTOR, "strong.code").text, what="the code")
    assert re.fullmatch(r"\d{6}", code) and browser.find_element(By.TAG_NAME, "h1").text == "Your agent: ico-agent2"
    link = browser.find_element(By.CSS_SELECTOR, "a[download]")
    assert link.get_attribute("href").endswith(f"/download/host?code={code}")
    wait_for(browser, lambda _: present.of_type("ico-agent2", "icon_session"), what="the agent's push")
    push = present.of_type("ico-agent2", "icon_session")[0]
    assert push["code"] == code and push["customer_name"] == "Hong Gildong"
    browser.back()  # the customer goes back and clicks again: the same code, nothing new for the agent
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "ul.icons button"), what="the icons")[1].click()
    wait_for(browser, lambda d: d.find_element(By.CSS_SELECTOR, "strong.code").text == code, what="the same code")
    assert len(present.of_type("ico-agent2", "icon_session")) == 1
