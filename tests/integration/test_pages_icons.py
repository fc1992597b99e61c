"""Icon pages against the real server on loopback (SQLite): the icons' numbers (fixed, from 10), a click on an
icon gives a code for that agent (pushed to the agent's socket as ``icon_session``, with the customer's name,
kept on the session), the host joins with it, a second click gets the same code, an absent agent's icon is a
409 page, a form from elsewhere is refused, the access-code page's name reaches the session, and clicks from
one address are limited (last: it locks the address out)."""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select, update
from websockets.asyncio.client import ClientConnection

from server.models import SupportSession, User
from tests.integration.pages_rig import PASSWORD, PagesRig, pages_rig
from tests.integration.push_socket import open_pushes

pytestmark = pytest.mark.integration
CODE_LINK = re.compile(r'href="/download/host\?code=(\d{6})"')


class Present:
    """Agents' push sockets held open on an event loop of a thread of its own; each socket's pushes collected."""

    def __init__(self, rig: PagesRig) -> None:
        self._rig = rig
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self.sockets: dict[str, ClientConnection] = {}
        self.tokens: dict[str, str] = {}
        self.pushes: dict[str, list[dict[str, Any]]] = {}

    def _run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(15)

    def log_in(self, login_id: str) -> None:
        self.tokens[login_id] = token = self._rig.server.login(login_id, PASSWORD)
        self.sockets[login_id] = socket = self._run(self._open(token))
        self.pushes[login_id] = []
        asyncio.run_coroutine_threadsafe(self._read(login_id, socket), self._loop)

    async def _open(self, token: str) -> ClientConnection:
        socket = await open_pushes(self._rig.server, token)
        await socket.send("ping")  # answered once the server counts the login as present
        assert await asyncio.wait_for(socket.recv(), 10) == "pong"
        return socket

    async def _read(self, login_id: str, socket: ClientConnection) -> None:
        async for message in socket:
            self.pushes[login_id].append(json.loads(message))

    def of_type(self, login_id: str, kind: str) -> list[dict[str, Any]]:
        return [push for push in list(self.pushes[login_id]) if push.get("type") == kind]

    def log_out(self, login_id: str) -> None:
        self._run(self.sockets.pop(login_id).close())
        with self._rig.server.session() as http:
            http.post(self._rig.server.api("/api/v1/auth/logout"), timeout=10,
                      headers={"Authorization": f"Bearer {self.tokens.pop(login_id)}"})

    def close(self) -> None:
        for login_id in list(self.sockets):
            self._run(self.sockets.pop(login_id).close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)


class Shop:
    """A company: group "Fixed" (kim, icon number 7) uses the fixed-numbers page, group "Front" (lee, park, choi;
    no fixed numbers) the auto-from-10 page; and an access-code page."""

    def __init__(self, rig: PagesRig) -> None:
        self.admin = rig.token(rig.user("shop-admin", "shop", "Front", "company_admin"))
        kim = rig.user("shop-kim", "shop", "Fixed")
        for name in ("lee", "park", "choi"):
            rig.user(f"shop-{name}", "shop", "Front")
        rig.db.run(lambda db: db.execute(update(User).where(User.id == kim).values(icon_number=7)))
        groups = {group["name"]: group["id"] for group in rig.admin("GET", "/groups", self.admin).json()}
        for slug, kind, numbering, group in (("shop-fixed", "icon", "fixed", "Fixed"),
                                             ("shop-auto", "icon", "from_10", "Front"),
                                             ("shop-code", "access_code", "from_1", None)):
            answer = rig.admin("POST", "/pages", self.admin, json={
                "slug": slug, "kind": kind, "name": slug, "group_ids": [groups[group]] if group else [],
                "icon_numbering": numbering, "show_customer_name": True, "languages": ["en", "ko"],
                "default_language": "en"})
            assert answer.status_code == 201, answer.text


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PagesRig]:
    with pages_rig(tmp_path_factory.mktemp("icons") / "data", None) as made:
        yield made


@pytest.fixture(scope="module")
def present(rig: PagesRig) -> Iterator[Present]:
    Shop(rig)
    agents = Present(rig)
    for name in ("kim", "lee", "park"):
        agents.log_in(f"shop-{name}")
    yield agents
    agents.close()


def session_row(rig: PagesRig, code: str) -> tuple[str | None, str | None, str]:
    row = rig.db.run(lambda db: db.scalars(select(SupportSession).where(SupportSession.code == code)
                                           .order_by(SupportSession.created_at.desc())).first())
    return row.customer_name, row.origin, row.state


def wait_for(check: Any, seconds: float = 5.0) -> None:
    for _ in range(int(seconds * 20)):
        if check():
            return
        threading.Event().wait(0.05)
    raise AssertionError("timed out")


def test_icon_numbers_fixed_and_from_10(rig: PagesRig, present: Present) -> None:
    fixed = rig.get("/p/shop-fixed?lang=en").text
    assert 'formaction="/p/shop-fixed/i/7?lang=en"' in fixed and "shop-kim" in fixed
    assert "shop-lee" not in fixed and "/i/" not in fixed.replace("/i/7?", "")  # only kim: the one with a number
    auto = rig.get("/p/shop-auto?lang=en").text
    assert 'formaction="/p/shop-auto/i/10?lang=en"' in auto and 'formaction="/p/shop-auto/i/11?lang=en"' in auto
    assert auto.index("<strong>10</strong>shop-lee") < auto.index("<strong>11</strong>shop-park")
    assert '<label for="f-icon-name">Your name (optional)</label>' in auto and "/i/12" not in auto
    confirm = rig.get("/p/shop-auto/i/11?lang=en")
    assert confirm.status_code == 200 and "Agent number 11 (shop-park) will help you" in confirm.text
    assert 'action="/p/shop-auto/i/11?lang=en"' in confirm.text


def test_click_gives_the_agents_code_and_the_same_code_again(rig: PagesRig, present: Present) -> None:
    answer = rig.post_form("/p/shop-auto/i/11?lang=en", {"name": "Hong Gildong"})
    assert answer.status_code == 200, answer.text
    code = CODE_LINK.search(answer.text).group(1)  # type: ignore[union-attr]
    assert f'<strong class="code">{code}</strong>' in answer.text and "shop-park has been told" in answer.text
    assert "4-digit session password" not in answer.text  # park's session_password option is off
    wait_for(lambda: present.of_type("shop-park", "icon_session"))
    push = present.of_type("shop-park", "icon_session")[0]
    assert push["code"] == code and push["customer_name"] == "Hong Gildong" and push["icon"] == 11
    assert re.fullmatch(r"[0-9a-f]{64}", push["secret"]) and push["connect_url"].endswith(f"/connect?code={code}")
    assert push["expires_at"].endswith("Z") and not present.of_type("shop-lee", "icon_session")
    again = rig.post_form("/p/shop-auto/i/11?lang=en", {"name": "Hong Gildong"})
    assert again.status_code == 200 and CODE_LINK.search(again.text).group(1) == code  # type: ignore[union-attr]
    threading.Event().wait(0.3)
    assert len(present.of_type("shop-park", "icon_session")) == 1  # nothing new made or pushed
    assert session_row(rig, code) == ("Hong Gildong", "icon", "waiting")
    with rig.server.session() as http:
        joined = http.post(rig.server.api("/api/v1/sessions/join"), timeout=10,
                           json={"code": code, "pc_name": "HONG-PC", "os": "Windows 11"})
    assert joined.status_code == 200 and joined.json()["secret"] == push["secret"]
    wait_for(lambda: present.of_type("shop-park", "customer_joined"))
    after = rig.post_form("/p/shop-auto/i/11?lang=ko", {})
    fresh = CODE_LINK.search(after.text).group(1)  # type: ignore[union-attr]
    assert after.status_code == 200 and fresh != code and "접속 코드" in after.text  # the first one was used
    assert session_row(rig, fresh) == (None, "icon", "waiting")


def test_fixed_number_and_password_note(rig: PagesRig, present: Present) -> None:
    from server.models import GroupOption  # the group decides: session passwords on
    group_id = rig.db.run(lambda db: db.scalars(select(User.group_id).where(User.login_id == "shop-kim")).one())
    rig.db.run(lambda db: db.merge(GroupOption(group_id=group_id, key="session_password", state="all_use",
                                               value=None)))
    answer = rig.post_form("/p/shop-fixed/i/7?lang=en", {"name": ""})
    assert answer.status_code == 200 and "4-digit session password" in answer.text
    code = CODE_LINK.search(answer.text).group(1)  # type: ignore[union-attr]
    wait_for(lambda: present.of_type("shop-kim", "icon_session"))
    assert present.of_type("shop-kim", "icon_session")[0]["code"] == code
    assert rig.post_form("/p/shop-fixed/i/8?lang=en", {}).status_code == 409  # nobody has number 8


def test_absent_agent_and_foreign_form(rig: PagesRig, present: Present) -> None:
    present.log_in("shop-choi")  # number 12 on the auto page
    assert "/i/12" in rig.get("/p/shop-auto").text
    present.log_out("shop-choi")
    gone = rig.post_form("/p/shop-auto/i/12?lang=en", {})
    assert gone.status_code == 409 and "This agent is not available now: choose another icon." in gone.text
    assert rig.get("/p/shop-auto/i/12?lang=ko").status_code == 409
    foreign = rig.post_form("/p/shop-auto/i/10?lang=en", {}, origin="https://evil.example")
    assert foreign.status_code == 403 and "did not come from this page" in foreign.text
    assert rig.post_form("/p/shop-code/i/1", {}).status_code == 404  # not an icon page


def test_access_code_page_name_reaches_the_session(rig: PagesRig, present: Present) -> None:
    with rig.server.session() as http:
        made = http.post(rig.server.api("/api/v1/sessions"), timeout=10,
                         headers={"Authorization": f"Bearer {present.tokens['shop-kim']}"}).json()
    shown = rig.get(f"/p/shop-code/code?code={made['code']}&name=Park+Customer&lang=en")
    assert shown.status_code == 200 and f"/download/host?code={made['code']}" in shown.text
    assert session_row(rig, made["code"]) == ("Park Customer", None, "waiting")


def test_clicks_per_address_are_limited(rig: PagesRig, present: Present) -> None:
    statuses = [rig.post_form("/p/shop-auto/i/10?lang=en", {}).status_code for _ in range(25)]
    assert 429 in statuses and statuses[0] == 200
    limited = rig.post_form("/p/shop-auto/i/10?lang=en", {})
    assert limited.status_code == 429 and "Too many clicks from your address" in limited.text
    assert int(limited.headers["Retry-After"]) >= 1
