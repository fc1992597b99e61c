"""Browser-test fixtures: the real Ferry server on loopback (tests/integration/pages_rig.py) and one headless
Chromium per module, driven by Selenium through Debian's chromium-driver (same package version as chromium,
so the driver always matches the browser; `make deps` installs both).

The browser trusts exactly the test server's self-signed certificate: its public key's SHA-256 goes into
``--ignore-certificate-errors-spki-list``; no other certificate error is ignored.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.wait import WebDriverWait

from tests.integration.pages_rig import PagesRig, pages_rig

CHROMIUM = Path(os.environ.get("FERRY_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("FERRY_TEST_CHROMEDRIVER", "/usr/bin/chromedriver"))
WAIT_S = 10.0
T = TypeVar("T")


def spki_hash(cert_path: Path) -> str:
    """Base64 SHA-256 of the certificate's public key (what Chromium's SPKI allow-list takes)."""
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    der = cert.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


def start_chromium(cert_path: Path, profile: Path) -> WebDriver:
    """Headless Chromium trusting only the test server's certificate (fails saying what to install)."""
    for needed, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not needed.exists():
            pytest.fail(f"{needed} is missing: install Debian's {package} (make deps does: "
                        f"apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--no-first-run", "--disable-extensions", "--disable-background-networking",
                     "--window-size=1200,900", f"--user-data-dir={profile}",
                     f"--ignore-certificate-errors-spki-list={spki_hash(cert_path)}"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "en-US,en",
                                              "download.default_directory": str(profile / "downloads")})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(20)
    return driver


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PagesRig]:
    """The real server (SQLite) for one module."""
    with pages_rig(tmp_path_factory.mktemp("browser") / "data", None) as made:
        yield made


@pytest.fixture(scope="module")
def browser(rig: PagesRig, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    """One headless Chromium for the module, trusting the module's server."""
    driver = start_chromium(rig.server.cert_path, tmp_path_factory.mktemp("chromium"))
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(driver: WebDriver, check: Callable[[WebDriver], T], timeout: float = WAIT_S, what: str = "") -> T:
    """``check(driver)`` once it is truthy (polled every 50 ms; an element missing or replaced by a navigation
    counts as not yet); a timeout names ``what`` was awaited."""
    waiting = WebDriverWait(driver, timeout, poll_frequency=0.05,
                            ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))
    result: T = waiting.until(check, message=what)
    return result


class Company:
    """A company with its admin, a group "Desk" and agents in it."""

    def __init__(self, rig: PagesRig, name: str, agents: int = 1) -> None:
        self.rig = rig
        self.admin_id = rig.user(f"{name}-admin", name, "Desk", "company_admin")
        self.admin = rig.token(self.admin_id)
        self.agent_ids = [rig.user(f"{name}-agent{n}", name, "Desk") for n in range(1, agents + 1)]
        groups = rig.admin("GET", "/groups", self.admin).json()
        self.group_id = next(group["id"] for group in groups if group["name"] == "Desk")

    def page(self, slug: str, kind: str, **settings: Any) -> dict[str, Any]:
        """A new connection page (admin API)."""
        answer = self.rig.admin("POST", "/pages", self.admin, json={"slug": slug, "kind": kind, "name": slug.title(),
                                                                    **settings})
        assert answer.status_code == 201, answer.text
        return dict(answer.json())

    def window(self, page_id: int, **settings: Any) -> dict[str, Any]:
        """A new window of a window page (admin API)."""
        answer = self.rig.admin("POST", f"/pages/{page_id}/windows", self.admin, json=settings)
        assert answer.status_code == 201, answer.text
        return dict(answer.json())

    def hours(self, page_id: int, ranges: list[dict[str, Any]]) -> None:
        """The page's business hours (admin API)."""
        answer = self.rig.admin("PUT", f"/pages/{page_id}/hours", self.admin, json={"ranges": ranges})
        assert answer.status_code == 200, answer.text


# The ids of inputs that no label (nor aria-label) names: an accessibility check.
UNLABELLED = """return Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')).map(el => el.id || el.name);"""
ALWAYS_OPEN = [{"weekday": day, "start": "00:00", "end": "24:00"} for day in range(7)]
