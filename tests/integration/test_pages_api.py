"""Connection pages through the real server, on SQLite and PostgreSQL: the admin API (roles, scope, rules,
windows, images, hours, holidays, reservation history) and the customer pages (languages, access code,
icons, windows, reservations within the per-hour maximum, the queue ticket, same-origin forms)."""

from __future__ import annotations

import asyncio
import datetime
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from server.models import User
from server.pages.reservations import purge_company
from tests.integration.pages_rig import PagesRig, pages_rig
from tests.integration.push_socket import open_pushes

pytestmark = pytest.mark.integration

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
WINDOW_FIELDS = [{"key": "phone", "kind": "phone", "required": True, "labels": {"ko": "전화번호", "en": "Phone"}},
                 {"key": "email", "kind": "email", "labels": {"en": "E-mail"}}]


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory, module_database_url: str | None) -> Iterator[PagesRig]:
    with pages_rig(tmp_path_factory.mktemp("pages") / "data", module_database_url) as made:
        yield made


class Company:
    """A company with a company admin, a group with its group admin and an agent, and tokens."""

    def __init__(self, rig: PagesRig, name: str) -> None:
        self.admin_id = rig.user(f"{name}-admin", name, "Desk", "company_admin")
        self.group_admin_id = rig.user(f"{name}-lead", name, "Desk", "group_admin")
        self.agent_id = rig.user(f"{name}-agent", name, "Desk")
        self.admin = rig.token(self.admin_id)
        self.group_admin = rig.token(self.group_admin_id)
        self.agent = rig.token(self.agent_id)
        groups = rig.admin("GET", "/groups", self.admin).json()
        self.group_id = next(group["id"] for group in groups if group["name"] == "Desk")


@pytest.fixture(scope="module")
def acme(rig: PagesRig) -> Company:
    return Company(rig, "acme")


def new_page(rig: PagesRig, company: Company, slug: str, kind: str, **settings: Any) -> dict[str, Any]:
    answer = rig.admin("POST", "/pages", company.admin, json={"slug": slug, "kind": kind, "name": slug.title(),
                                                              **settings})
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def closed_now_hours(zone_now: datetime.datetime) -> list[dict[str, Any]]:
    """Every day open except the current hour and the next (so the page is closed now, with slots later)."""
    closed = {zone_now.hour, (zone_now.hour + 1) % 24}
    runs, start = [], None
    for hour in range(25):
        if hour < 24 and hour not in closed and start is None:
            start = hour
        elif (hour == 24 or hour in closed) and start is not None:
            runs.append((start, hour))
            start = None
    return [{"weekday": day, "start": f"{a:02d}:00", "end": f"{b:02d}:00"} for day in range(7) for a, b in runs]


# --- admin API -------------------------------------------------------------------------------------------

def test_only_the_company_admin_manages_pages(rig: PagesRig, acme: Company) -> None:
    page = new_page(rig, acme, "acme-desk", "access_code", group_ids=[acme.group_id], languages=["ko", "en", "ja"])
    assert page["url"] == "/p/acme-desk" and page["default_language"] == "ko" and page["group_ids"] == [acme.group_id]
    for token in (acme.group_admin, acme.agent):
        refused = rig.admin("GET", f"/pages/{page['id']}", token)
        assert refused.status_code == 403 and refused.json()["code"] == "role_forbidden"
        assert "company admin" not in refused.json()["detail"] or "may not" in refused.json()["detail"]
    other = Company(rig, "other")
    missing = rig.admin("GET", f"/pages/{page['id']}", other.admin)
    assert missing.status_code == 404 and "GET /api/v1/admin/pages" in missing.json()["detail"]
    assert rig.admin("PATCH", f"/pages/{page['id']}", other.admin, json={"name": "x"}).status_code == 404
    assert [p["id"] for p in rig.admin("GET", "/pages", other.admin).json()] == []
    assert rig.admin("PATCH", f"/pages/{page['id']}", acme.admin,
                     json={"group_ids": [other.group_id]}).status_code == 404  # another company's group


def test_page_rules_are_sentences(rig: PagesRig, acme: Company) -> None:
    page = new_page(rig, acme, "acme-rules", "icon")
    path = f"/pages/{page['id']}"
    taken = rig.admin("POST", "/pages", acme.admin, json={"slug": "acme-rules", "kind": "icon", "name": "Again"})
    assert taken.status_code == 409 and "slug 'acme-rules' is taken" in taken.json()["detail"]
    unknown = rig.admin("PATCH", path, acme.admin, json={"kind": "window"})
    assert unknown.status_code == 422 and "Unknown field kind" in unknown.json()["detail"]
    bad_default = rig.admin("PATCH", path, acme.admin, json={"default_language": "fr"})
    assert bad_default.status_code == 422 and "must be one of the page's languages" in bad_default.json()["detail"]
    bad_zone = rig.admin("PATCH", path, acme.admin, json={"time_zone": "Mars/Base"})
    assert bad_zone.status_code == 422 and "IANA" in bad_zone.json()["detail"]
    assert rig.admin("GET", f"{path}?verbose=1", acme.admin).status_code == 422
    changed = rig.admin("PATCH", path, acme.admin, json={"color": "#AA0011", "icon_numbering": "from_10",
                                                         "texts": {"en": {"initial_title": "Hello"}}}).json()
    assert (changed["color"], changed["icon_numbering"], changed["texts"]) == ("#aa0011", "from_10",
                                                                               {"en": {"initial_title": "Hello"}})
    logo = rig.admin("PUT", f"{path}/logo", acme.admin, data=PNG, headers={"Content-Type": "image/png"})
    assert logo.status_code == 200 and logo.json()["logo_type"] == "image/png"
    fake = rig.admin("PUT", f"{path}/logo", acme.admin, data=b"GIF89a..", headers={"Content-Type": "image/png"})
    assert fake.status_code == 422 and "not a PNG picture" in fake.json()["detail"]
    assert rig.admin("GET", f"{path}/logo", acme.admin).content == PNG
    assert rig.get("/p/acme-rules/logo").content == PNG
    assert rig.admin("DELETE", path, acme.admin).status_code == 204
    assert rig.admin("GET", path, acme.admin).status_code == 404


def test_windows_agents_image_and_banner(rig: PagesRig, acme: Company) -> None:
    code_page = new_page(rig, acme, "acme-code", "access_code")
    refused = rig.admin("POST", f"/pages/{code_page['id']}/windows", acme.admin, json={"name": "Loans"})
    assert refused.status_code == 422 and "only window pages have windows" in refused.json()["detail"]
    page = new_page(rig, acme, "acme-bank", "window")
    base = f"/pages/{page['id']}/windows"
    window = rig.admin("POST", base, acme.admin, json={"name": "Loans <&>", "estimate_minutes": 7,
                                                       "agent_ids": [acme.agent_id], "request_fields": WINDOW_FIELDS})
    assert window.status_code == 201, window.text
    body = window.json()
    assert body["agent_ids"] == [acme.agent_id] and body["request_fields"][0]["labels"]["ko"] == "전화번호"
    assert body["link_url"] == f"{rig.server.url}/p/acme-bank/w/{body['id']}"
    assert "Loans &lt;&amp;&gt;" in body["link_html"] and f'{body["link_url"]}/image' in body["banner_html"]
    stranger = Company(rig, "stranger")
    assert rig.admin("PATCH", f"{base}/{body['id']}", acme.admin,
                     json={"agent_ids": [stranger.agent_id]}).status_code == 404
    image = rig.admin("PUT", f"{base}/{body['id']}/image", acme.admin, data=PNG, headers={"Content-Type": "image/png"})
    assert image.status_code == 200 and image.json()["image_type"] == "image/png"
    assert rig.get(f"/p/acme-bank/w/{body['id']}/image").content == PNG
    too_big = rig.admin("PUT", f"{base}/{body['id']}/image", acme.admin, data=PNG + b"\x00" * 600_000,
                        headers={"Content-Type": "image/png"})
    assert too_big.status_code == 413
    assert rig.admin("GET", f"/pages/{code_page['id']}/windows/{body['id']}", acme.admin).status_code == 404


def test_hours_and_holidays(rig: PagesRig, acme: Company) -> None:
    page = new_page(rig, acme, "acme-hours", "window", time_zone="Europe/Berlin")
    path = f"/pages/{page['id']}"
    week = [{"weekday": 0, "start": "09:00", "end": "12:00"}, {"weekday": 0, "start": "13:00", "end": "24:00"}]
    hours = rig.admin("PUT", f"{path}/hours", acme.admin, json={"ranges": week})
    assert hours.status_code == 200 and hours.json() == {"time_zone": "Europe/Berlin", "ranges": week}
    overlap = rig.admin("PUT", f"{path}/hours", acme.admin, json={"ranges": [*week, {"weekday": 0, "start": "11:00",
                                                                                     "end": "14:00"}]})
    assert overlap.status_code == 422 and "overlap" in overlap.json()["detail"]
    holiday = rig.admin("POST", f"{path}/holidays", acme.admin, json={"name": "Tag der Einheit", "day": "2031-10-03",
                                                                      "yearly": True})
    assert holiday.status_code == 201
    holiday_id = holiday.json()["id"]
    moved = rig.admin("PATCH", f"{path}/holidays/{holiday_id}", acme.admin, json={"day": "2031-10-04"})
    assert moved.json()["day"] == "2031-10-04"
    assert [h["name"] for h in rig.admin("GET", f"{path}/holidays", acme.admin).json()] == ["Tag der Einheit"]
    assert rig.admin("DELETE", f"{path}/holidays/{holiday_id}", acme.admin).status_code == 204
    assert rig.admin("GET", f"{path}/holidays", acme.admin).json() == []


# --- customer pages --------------------------------------------------------------------------------------

def test_access_code_page_languages_and_download(rig: PagesRig, acme: Company) -> None:
    new_page(rig, acme, "acme-help", "access_code", languages=["ko", "en"], show_customer_name=True,
             show_browser_help=True, texts={"en": {"initial_title": "Acme help desk"}})
    korean = rig.get("/p/acme-help")
    assert korean.status_code == 200 and '<html lang="ko">' in korean.text and "상담원과 연결하기" in korean.text
    assert 'id="screen-reader-hint"' in korean.text and '<label for="f-code">' in korean.text
    assert '<label for="f-name">' in korean.text and "<details>" in korean.text
    english = rig.get("/p/acme-help", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="en">' in english.text and "<h1>Acme help desk</h1>" in english.text
    assert '<html lang="ko">' in rig.get("/p/acme-help?lang=fr").text  # not offered: the default
    done = rig.get("/p/acme-help/code?code=123-456&name=Hong&lang=en")
    assert done.status_code == 200 and 'href="/download/host?code=123456"' in done.text and "Hong" in done.text
    wrong = rig.get("/p/acme-help/code?code=12&lang=en")
    assert wrong.status_code == 422 and 'role="alert"' in wrong.text and "6 digits" in wrong.text
    missing = rig.get("/p/no-such-page")
    assert missing.status_code == 404 and "check the link" in missing.text


def test_icon_page_shows_present_agents(rig: PagesRig, acme: Company) -> None:
    new_page(rig, acme, "acme-icons", "icon", group_ids=[acme.group_id], icon_numbering="from_10",
             show_code_box=True, languages=["en"], default_language="en")
    assert "No agent is available" in rig.get("/p/acme-icons").text
    token = rig.server.login("acme-agent", "Good-pass-47")

    async def visit() -> str:
        socket = await open_pushes(rig.server, token)
        try:
            return str(await asyncio.to_thread(lambda: rig.get("/p/acme-icons").text))
        finally:
            await socket.close()

    page = asyncio.run(visit())
    assert 'formaction="/p/acme-icons/i/10?lang=en"' in page and "acme-agent" in page and '<label for="f-code">' in page
    gone = rig.get("/p/acme-icons/i/10")  # the agent's push socket is closed by now
    assert gone.status_code == 409 and "not available now" in gone.text


def test_window_page_queue_when_open(rig: PagesRig, acme: Company) -> None:
    page = new_page(rig, acme, "acme-open", "window", time_zone="UTC", languages=["en"], default_language="en")
    path = f"/pages/{page['id']}"
    rig.admin("PUT", f"{path}/hours", acme.admin,
              json={"ranges": [{"weekday": d, "start": "00:00", "end": "24:00"} for d in range(7)]})
    window = rig.admin("POST", f"{path}/windows", acme.admin, json={"name": "Cards", "description": "Lost cards",
                                                                    "estimate_minutes": 4,
                                                                    "request_fields": WINDOW_FIELDS}).json()
    listing = rig.get("/p/acme-open").text
    assert "<h2>Cards</h2>" in listing and f'href="/p/acme-open/w/{window["id"]}?lang=en"' in listing
    form = rig.get(f"/p/acme-open/w/{window['id']}").text
    assert '<label for="f-x_phone">Phone (required)</label>' in form and 'type="tel"' in form
    url = f"/p/acme-open/w/{window['id']}/queue"
    bad = rig.post_form(url, {"x_phone": "call me"})
    assert bad.status_code == 422 and "Phone may hold only digits" in bad.text
    assert rig.post_form(url, {"x_phone": "010-1234"}, origin="https://evil.example").status_code == 403
    tickets = [rig.post_form(url, {"x_phone": "010-1234"}) for _ in range(2)]
    assert all(answer.status_code == 303 for answer in tickets)
    second = rig.get(tickets[1].headers["location"]).text
    assert "You are number 2 at Cards." in second and "about 8 minutes" in second


def test_reservations_when_closed(rig: PagesRig, acme: Company) -> None:
    page = new_page(rig, acme, "acme-closed", "window", time_zone="Asia/Seoul", reservations_enabled=True,
                    group_ids=[acme.group_id])
    path = f"/pages/{page['id']}"
    now = datetime.datetime.now(datetime.UTC)
    seoul = now.astimezone(ZoneInfo("Asia/Seoul"))
    rig.admin("PUT", f"{path}/hours", acme.admin, json={"ranges": closed_now_hours(seoul)})
    fields = [{"key": "name", "required": True, "labels": {"ko": "이름", "en": "Name"}}]
    window = rig.admin("POST", f"{path}/windows", acme.admin, json={"name": "Loans", "max_reservations_per_hour": 2,
                                                                    "reservation_fields": fields}).json()
    listing = rig.get("/p/acme-closed?lang=en").text
    assert "We are closed now." in listing and "We open again on" in listing
    form = rig.get(f"/p/acme-closed/w/{window['id']}?lang=en").text
    slots = re.findall(r'<option value="([^"]+)"', form)
    assert slots and '<label for="f-x_name">Name (required)</label>' in form
    url = f"/p/acme-closed/w/{window['id']}/reserve?lang=en"
    assert rig.post_form(url, {"slot": slots[0]}).status_code == 422  # the name is required
    assert rig.post_form(url, {"slot": "2000-01-01T00:00Z", "x_name": "Kim"}).status_code == 422
    assert rig.post_form(url, {"slot": slots[0], "x_name": "Kim"}, origin=None).status_code == 403

    def book(name: str) -> int:
        return int(rig.post_form(url, {"slot": slots[0], "x_name": name}).status_code)

    with ThreadPoolExecutor(5) as pool:
        statuses = sorted(pool.map(book, [f"customer {n}" for n in range(5)]))
    assert statuses == [201, 201, 409, 409, 409]  # at most 2 per hour, even at once
    full = rig.post_form(url, {"slot": slots[0], "x_name": "Late"})
    assert full.status_code == 409 and "choose another hour" in full.text
    korean = rig.post_form(url.replace("lang=en", "lang=ko"), {"slot": slots[0], "x_name": "Late"})
    assert korean.status_code == 409 and "예약이 모두 찼습니다(이 창구는 시간당 2건)" in korean.text
    assert slots[0] not in re.findall(r'<option value="([^"]+)"', rig.get(f"/p/acme-closed/w/{window['id']}").text)
    history = rig.admin("GET", f"/pages/reservations?page_id={page['id']}", acme.admin).json()
    assert history["total"] == 2 and {r["state"] for r in history["reservations"]} == {"booked"}
    first = history["reservations"][0]
    assert first["window_name"] == "Loans" and first["customer"]["name"].startswith("customer")
    day = first["slot_start"][:10]
    assert rig.admin("GET", f"/pages/reservations?since={day}&until={day}", acme.admin).json()["total"] >= 2
    assert rig.admin("GET", "/pages/reservations?until=2000-01-01", acme.admin).json()["total"] == 0
    lead = rig.admin("GET", "/pages/reservations", acme.group_admin).json()  # the group uses this page
    assert lead["total"] == 2
    assert rig.admin("GET", "/pages/reservations", acme.agent).status_code == 403
    assert rig.admin("GET", "/pages/reservations", Company(rig, "outsider").admin).json()["total"] == 0


def test_retention_purge_of_reservations(rig: PagesRig, acme: Company) -> None:
    company_id = rig.db.run(lambda db: db.get_one(User, acme.admin_id).company_id)
    far = datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC)
    removed, _entries = rig.db.run(purge_company, company_id, far)
    assert removed >= 2
    assert rig.admin("GET", "/pages/reservations", acme.admin).json()["total"] == 0
