"""Login rules at POST /api/v1/auth/login and /auth/password against the real server, on SQLite and PostgreSQL.

Each test makes its own company (login settings) and agent straight in the server's database, and moves
times there (a lock or a password made older) instead of sleeping.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from server.accounts import create_agent
from server.models import Company, User
from tests.integration.db_rig import ServerRig, serving

pytestmark = pytest.mark.integration

LOGIN = "/api/v1/auth/login"
CHANGE = "/api/v1/auth/password"


class Rig(ServerRig):
    """The shared rig plus this module's requests and rows."""

    def post(self, path: str, body: dict[str, str], **headers: str) -> Any:
        return self.http.post(self.server.api(path), json=body, headers=headers, timeout=10)

    def login(self, login_id: str, password: str, **headers: str) -> Any:
        return self.post(LOGIN, {"login_id": login_id, "password": password}, **headers)

    def change(self, login_id: str, current: str, new: str) -> Any:
        return self.post(CHANGE, {"login_id": login_id, "current_password": current, "new_password": new})

    def agent(self, login_id: str, password: str, **company: Any) -> None:
        """A new agent in its own company with these login settings."""
        def make(db: Session) -> None:
            create_agent(db, login_id=login_id, name=login_id, password=password, company=f"co-{login_id}",
                         group=None)
            if company:
                db.execute(update(Company).where(Company.name == f"co-{login_id}").values(**company))
        self.db.run(make)

    def user(self, login_id: str) -> User:
        return self.db.run(lambda db: db.scalars(select(User).where(User.login_id == login_id)).one())

    def set_user(self, login_id: str, **values: Any) -> None:
        self.db.run(lambda db: db.execute(update(User).where(User.login_id == login_id).values(**values)))



@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory, module_database_url: str | None) -> Iterator[Rig]:
    data_dir = tmp_path_factory.mktemp("login-rules") / "data"
    with serving(Rig, data_dir, module_database_url) as made:
        yield made


def test_demo_agent_still_logs_in(rig: Rig) -> None:
    assert rig.login(**rig.server.credentials).status_code == 200


def test_five_wrong_passwords_lock_until_an_admin_resets(rig: Rig) -> None:
    rig.agent("lock-admin", "Good-pass-47")
    for _ in range(4):
        assert rig.login("lock-admin", "wrong-pass-1").status_code == 401
    fifth = rig.login("lock-admin", "wrong-pass-1")
    assert fifth.status_code == 423 and fifth.json()["code"] == "account_locked"
    right = rig.login("lock-admin", "Good-pass-47")
    assert right.status_code == 423 and "token" not in right.json()
    assert "locked" in right.json()["detail"] and "administrator" in right.json()["detail"]
    assert rig.change("lock-admin", "Good-pass-47", "Other-pass-58").status_code == 423
    user = rig.user("lock-admin")
    assert user.failed_logins == 5 and user.locked_at is not None


def test_a_right_password_clears_the_count(rig: Rig) -> None:
    rig.agent("count", "Good-pass-47")
    for _ in range(4):
        assert rig.login("count", "wrong-pass-1").status_code == 401
    assert rig.login("count", "Good-pass-47").status_code == 200
    assert rig.user("count").failed_logins == 0
    assert rig.login("count", "wrong-pass-1").status_code == 401
    assert rig.user("count").failed_logins == 1


def test_a_timed_lock_ends_by_itself(rig: Rig) -> None:
    rig.agent("lock-timed", "Good-pass-47", lock_minutes=1)
    for _ in range(5):
        rig.login("lock-timed", "wrong-pass-1")
    locked = rig.login("lock-timed", "Good-pass-47")
    assert locked.status_code == 423
    assert "try again in" in locked.json()["detail"] and "locked until" in locked.json()["detail"]
    locked_at = rig.user("lock-timed").locked_at
    assert locked_at is not None
    rig.set_user("lock-timed", locked_at=locked_at - datetime.timedelta(seconds=61))  # the minute has passed
    assert rig.login("lock-timed", "Good-pass-47").status_code == 200
    user = rig.user("lock-timed")
    assert user.failed_logins == 0 and user.locked_at is None


def test_an_expired_password_must_be_changed(rig: Rig) -> None:
    rig.agent("expired", "Good-pass-47", password_lifetime_days=30)
    assert rig.login("expired", "Good-pass-47").status_code == 200
    rig.set_user("expired", password_changed_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=30))
    refused = rig.login("expired", "Good-pass-47")
    assert refused.status_code == 403
    body = refused.json()
    assert body["code"] == "password_expired" and body["detail"].startswith("password expired: change it")
    assert "token" not in body
    assert rig.change("expired", "Wrong-pass-47", "Fresh-pass-58").status_code == 401
    assert rig.change("expired", "Good-pass-47", "Fresh-pass-58").status_code == 204
    assert rig.login("expired", "Fresh-pass-58").status_code == 200
    assert rig.login("expired", "Good-pass-47").status_code == 401


def test_a_change_keeps_the_password_rules(rig: Rig) -> None:
    rig.agent("medium", "Good-pass-47")
    short = rig.change("medium", "Good-pass-47", "abc")
    assert short.status_code == 422 and short.json()["code"] == "password_rules"
    assert "Use at least 8 characters" in short.json()["detail"]
    assert "Add at least one digit" in short.json()["detail"]
    run = rig.change("medium", "Good-pass-47", "abcd1234")
    assert run.status_code == 422 and "three digits in a row" in run.json()["detail"]
    reused = rig.change("medium", "Good-pass-47", "Good-pass-47")
    assert reused.status_code == 422 and "different from the current one" in reused.json()["detail"]
    rig.agent("strong", "Good-pass-47", password_level="strong")
    weak = rig.change("strong", "Good-pass-47", "abcdefg1")
    assert weak.status_code == 422
    assert "upper-case" in weak.json()["detail"] and "special character" in weak.json()["detail"]
    assert rig.change("strong", "Good-pass-47", "Abcdefg1!").status_code == 204
    assert rig.login("strong", "Abcdefg1!").status_code == 200
    unknown = rig.post(CHANGE, {"login_id": "strong", "current_password": "x", "new_password": "y", "extra": "z"})
    assert unknown.status_code == 422


def test_every_attempt_is_in_the_history(rig: Rig) -> None:
    rig.agent("history", "Good-pass-47", password_lifetime_days=60)
    rig.login("history", "wrong-pass-1", **{"X-Ferry-Client": "ferry-agent/0.1.0"})
    rig.login("history", "Good-pass-47", **{"X-Ferry-Client": "ferry-agent/0.1.0"})
    rig.set_user("history", password_changed_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=61))
    rig.login("history", "Good-pass-47")
    rig.set_user("history", failed_logins=4)
    rig.login("history", "wrong-pass-1")
    rig.login("history", "Good-pass-47")
    rows = rig.history("history")
    assert [row.result for row in rows] == ["failed", "ok", "expired", "failed", "locked"]
    assert rows[0].client_version == "ferry-agent/0.1.0" and rows[2].client_version is None
    assert all(row.address == "127.0.0.1" and row.reason for row in rows)
    assert "locked" in rows[3].reason and rows[0].user_id is not None
    rig.login("nobody-here", "whatever")
    ghost = rig.history("nobody-here")
    assert [(row.result, row.user_id) for row in ghost] == [("failed", None)]


def test_the_password_check_shows_which_rules_of_the_level_are_met(rig: Rig) -> None:
    rig.agent("checker", "Good-pass-47!", password_level="strong")

    def check(login_id: str, new: str) -> dict[str, Any]:
        answer = rig.post("/api/v1/auth/password/check", {"login_id": login_id, "new_password": new})
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    weak = check("checker", "abc123")
    assert weak["level"] == "strong"
    assert {rule["id"]: rule["met"] for rule in weak["rules"]} == {
        "length": False, "alphabet": True, "classes": False, "digit_run": False}
    good = check("checker", "Fresh-pass-58")
    assert all(rule["met"] for rule in good["rules"])
    unknown = check("nobody-by-this-id", "abc")
    assert unknown["level"] == "medium"
    assert rig.user("checker").failed_logins == 0
