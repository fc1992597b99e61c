"""Privacy protection per connection page, against the real server on loopback (SQLite): a session started from
an icon page with privacy protection on (or through an access-code page with it on) keeps its page, and the
agent's history and history detail give no customer PC name for it (null; the OS stays); with the protection off,
or for a session the agent made without a page, the PC name is there; deleting the page keeps the session and
shows the name again. Also revision 0010 (``sessions.page_id``) down to 0009 and up again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from server.accounts import create_agent
from server.db import Database, alembic_config, create_db_engine
from server.models import Base, SessionEvent, SupportSession
from server.support import create_session
from tests.integration.pages_rig import PagesRig, pages_rig
from tests.integration.test_pages_icons import CODE_LINK, Present, wait_for

pytestmark = pytest.mark.integration
ADMIN_VIEWS = ("/logins/now", "/history/logins")


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PagesRig]:
    with pages_rig(tmp_path_factory.mktemp("privacy") / "data", None) as made:
        yield made


@pytest.fixture(scope="module")
def admin(rig: PagesRig) -> str:
    token = rig.token(rig.user("priv-admin", "priv", "Front", "company_admin"))
    rig.user("priv-lee", "priv", "Front")
    rig.user("priv-kim", "priv", "Back")  # a group has one icon page
    groups = {group["name"]: group["id"] for group in rig.admin("GET", "/groups", token).json()}
    for slug, group, private in (("priv-on", "Front", True), ("priv-off", "Back", False),
                                 ("priv-code", None, True)):
        answer = rig.admin("POST", "/pages", token, json={
            "slug": slug, "kind": "icon" if group else "access_code", "name": slug,
            "group_ids": [groups[group]] if group else [],
            "icon_numbering": "from_10", "show_customer_name": True, "privacy_protection": private,
            "languages": ["en", "ko"], "default_language": "en"})
        assert answer.status_code == 201, answer.text
    return token


@pytest.fixture(scope="module")
def present(rig: PagesRig, admin: str) -> Iterator[Present]:
    agents = Present(rig)
    agents.log_in("priv-lee")
    agents.log_in("priv-kim")
    yield agents
    agents.close()


def join(rig: PagesRig, code: str, pc_name: str) -> str:
    with rig.server.session() as http:
        joined = http.post(rig.server.api("/api/v1/sessions/join"), timeout=10,
                           json={"code": code, "pc_name": pc_name, "os": "Windows 11"})
    assert joined.status_code == 200, joined.text
    return str(joined.json()["session_id"])


def from_icon(rig: PagesRig, present: Present, slug: str, agent: str, pc_name: str) -> str:
    before = len(present.of_type(agent, "icon_session"))
    answer = rig.post_form(f"/p/{slug}/i/10?lang=en", {"name": "Hong"})
    assert answer.status_code == 200, answer.text
    wait_for(lambda: len(present.of_type(agent, "icon_session")) > before)
    return join(rig, CODE_LINK.search(answer.text).group(1), pc_name)  # type: ignore[union-attr]


def agent_code(rig: PagesRig, present: Present) -> str:
    with rig.server.session() as http:
        made = http.post(rig.server.api("/api/v1/sessions"), timeout=10,
                         headers={"Authorization": f"Bearer {present.tokens['priv-lee']}"})
    assert made.status_code == 201, made.text
    return str(made.json()["code"])


def seen(rig: PagesRig, present: Present, session_id: str, agent: str = "priv-lee") -> tuple[Any, Any, Any]:
    """The customer PC name in the agent's history list and detail, and the OS of the detail."""
    headers = {"Authorization": f"Bearer {present.tokens[agent]}"}
    with rig.server.session() as http:
        items = http.get(rig.server.api("/api/v1/me/history"), headers=headers, timeout=10).json()
        detail = http.get(rig.server.api(f"/api/v1/me/history/{session_id}"), headers=headers, timeout=10)
    assert detail.status_code == 200, detail.text
    listed = [item for item in items if item["session_id"] == session_id]
    assert len(listed) == 1 and "pc_name" in detail.json()["session"]
    return listed[0]["pc_name"], detail.json()["session"]["pc_name"], detail.json()["session"]["os"]


def test_privacy_on_hides_the_pc_name_off_and_no_page_show_it(rig: PagesRig, admin: str, present: Present) -> None:
    hidden = from_icon(rig, present, "priv-on", "priv-lee", "SECRET-PC")
    open_page = from_icon(rig, present, "priv-off", "priv-kim", "OPEN-PC")
    own = join(rig, agent_code(rig, present), "OWN-PC")
    assert seen(rig, present, hidden) == (None, None, "Windows 11")
    assert seen(rig, present, open_page, "priv-kim") == ("OPEN-PC", "OPEN-PC", "Windows 11")
    assert seen(rig, present, own) == ("OWN-PC", "OWN-PC", "Windows 11")
    pages = dict(rig.db.run(lambda db: db.execute(select(SupportSession.id, SupportSession.page_id)).all()))
    assert pages[own] is None and None not in (pages[hidden], pages[open_page]) and pages[hidden] != pages[open_page]
    for path in ADMIN_VIEWS:  # the admin's views carry no customer PC name (nor IP nor MAC) at all
        answer = rig.admin("GET", path, admin)
        assert answer.status_code == 200 and "SECRET-PC" not in answer.text, path
    page_id = pages[hidden]
    assert rig.admin("DELETE", f"/pages/{page_id}", admin).status_code == 204
    assert seen(rig, present, hidden) == ("SECRET-PC", "SECRET-PC", "Windows 11")  # the page and its rule gone
    assert rig.db.run(lambda db: db.get_one(SupportSession, hidden).page_id) is None  # the session stays


def test_access_code_page_with_privacy_hides_the_pc_name(rig: PagesRig, present: Present) -> None:
    code = agent_code(rig, present)
    shown = rig.get(f"/p/priv-code/code?code={code}&lang=en")  # no name typed: the page is still remembered
    assert shown.status_code == 200 and f"/download/host?code={code}" in shown.text
    session_id = join(rig, code, "CODE-PC")
    assert seen(rig, present, session_id) == (None, None, "Windows 11")
    assert rig.db.run(lambda db: db.get_one(SupportSession, session_id).customer_name) is None


@pytest.fixture()
def url(database_url: str | None, tmp_path: Path) -> str:
    return database_url or f"sqlite:///{tmp_path / 'ferry.db'}"


def _session_with_an_event(db: Session) -> str:
    agent = create_agent(db, login_id="down-kim", name="Kim", password="Good-pass-47", company="down", group=None)
    session_id = create_session(db, agent, 600).session_id
    db.add(SessionEvent(session_id=session_id, kind="control", granted=True, by="customer"))
    return session_id


def test_revision_0010_down_and_up(url: str) -> None:
    database = Database.open(url)
    try:
        with database.engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                    Base.metadata) == []
        session_id = database.run(_session_with_an_event)
    finally:
        database.dispose()
    command.downgrade(alembic_config(url), "0008")  # through 0009's downgrade too
    engine = create_db_engine(url)  # the server's engine: foreign keys on, so a table copy would cascade
    try:
        with engine.connect() as connection:  # nothing cascaded away
            events = connection.exec_driver_sql("SELECT count(*) FROM session_events").scalar_one()
            sessions = connection.exec_driver_sql("SELECT id FROM sessions").scalars().all()
    finally:
        engine.dispose()
    assert events == 1 and sessions == [session_id]
    command.upgrade(alembic_config(url), "0009")
    columns = {column["name"] for column in inspect(database.engine).get_columns("sessions")}
    assert "page_id" not in columns and {"customer_name", "origin"} <= columns
    reopened = Database.open(url)
    try:
        assert "page_id" in {column["name"] for column in inspect(reopened.engine).get_columns("sessions")}
    finally:
        reopened.dispose()
