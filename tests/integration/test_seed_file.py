"""``python -m server seed FILE``: the shipped example seeds a database whose users log in through the real server;
a second run changes nothing; a bad file is refused with a sentence and writes nothing. SQLite and PostgreSQL.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.models import Company, Group, GroupOption, User
from tests.integration.db_rig import ServerRig, serving
from tests.integration.postgres import database_env
from tools.server_process import REPO_ROOT

pytestmark = pytest.mark.integration

EXAMPLE = REPO_ROOT / "docs" / "seed-example.toml"
LOGIN = "/api/v1/auth/login"


def run_seed(path: Path, data_dir: Path, database_url: str | None) -> subprocess.CompletedProcess[str]:
    """The console entry as a user runs it, with only the database variable from the test's choice."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FERRY_")}
    env.update(database_env(database_url))
    return subprocess.run([sys.executable, "-m", "server", "seed", str(path), "--data-dir", str(data_dir)],
                          cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)


def counts(rig: ServerRig) -> dict[str, int]:
    def count(db: Session) -> dict[str, int]:
        return {model.__tablename__: db.scalar(select(func.count()).select_from(model)) or 0
                for model in (Company, Group, User, GroupOption)}
    return rig.db.run(count)


class Seeded:
    """The module's server on a database the example file seeded, and that first run's output."""

    def __init__(self, rig: ServerRig, first: subprocess.CompletedProcess[str], data_dir: Path,
                 database_url: str | None) -> None:
        self.rig, self.first, self.data_dir, self.database_url = rig, first, data_dir, database_url

    def login(self, login_id: str, password: str) -> Any:
        return self.rig.http.post(self.rig.server.api(LOGIN), json={"login_id": login_id, "password": password},
                                  timeout=30)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, module_database_url: str | None) -> Iterator[Seeded]:
    data_dir = tmp_path_factory.mktemp("seed") / "data"
    first = run_seed(EXAMPLE, data_dir, module_database_url)
    with serving(ServerRig, data_dir, module_database_url) as rig:
        yield Seeded(rig, first, data_dir, module_database_url)


def example() -> dict[str, Any]:
    return tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))


def test_the_example_seeds_a_fresh_database(seeded: Seeded) -> None:
    assert seeded.first.returncode == 0, seeded.first.stderr
    data = example()
    for user in data["users"]:
        assert f"User {user['login_id']} ({user['role']}" in seeded.first.stdout
    assert seeded.first.stdout.count(": created") == 1 + len(data["groups"]) + len(data["users"])
    assert counts(seeded.rig) == {"companies": 1, "groups": 2, "users": 5, "group_options": 7}
    roles = seeded.rig.db.run(lambda db: sorted(db.scalars(select(User.role))))
    assert roles == ["agent", "agent", "agent", "company_admin", "group_admin"]


def test_the_seeded_users_log_in_with_their_group_options(seeded: Seeded) -> None:
    for user in example()["users"]:
        answer = seeded.login(user["login_id"], user["password"])
        assert answer.status_code == 200, (user["login_id"], answer.text)
    options = seeded.login("agent.lee", "Support-lee-29").json()["options"]
    assert options["file_transfer"] is True and options["recording_customer"] is False
    assert options["auto_logout"] is True and options["auto_logout_minutes"] == 30
    assert seeded.login("agent.choi", "Support-choi-83").json()["options"]["voice_chat"] is False
    assert seeded.login("agent.choi", "wrong-password-1").status_code == 401


def test_a_second_run_says_what_exists_and_changes_nothing(seeded: Seeded) -> None:
    before = counts(seeded.rig)
    again = run_seed(EXAMPLE, seeded.data_dir, seeded.database_url)
    assert again.returncode == 0, again.stderr
    assert ": created" not in again.stdout
    assert "User agent.lee: exists, left as it is" in again.stdout
    assert counts(seeded.rig) == before


def test_a_bad_file_is_refused_with_a_sentence_and_writes_nothing(seeded: Seeded, tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace('name = "고객상담팀 Customer Care"', 'name = "새 그룹 New group"')  # a new group first …
    text = text.replace('group = "고객상담팀 Customer Care"', 'group = "새 그룹 New group"')
    text += '\n[[users]]\nlogin_id = "agent.new"\npassword = "Support-new-72"\ngroup = "새 그룹 New group"\n'
    text += '\n[[users]]\nlogin_id = "agent.bad"\npassword = "Support-bad-72"\nphone = "02 345"\n' \
            'group = "새 그룹 New group"\n'  # … and a bad entry last
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    before = counts(seeded.rig)
    refused = run_seed(bad, seeded.data_dir, seeded.database_url)
    assert refused.returncode == 1
    assert f"{bad}: users[6].phone: digits and '-' only, at most 13 characters" in refused.stderr
    assert "Nothing was written" in refused.stderr and refused.stdout == ""
    assert counts(seeded.rig) == before
    assert seeded.login("agent.new", "Support-new-72").status_code == 401


def test_a_conflict_found_in_the_database_writes_nothing(seeded: Seeded, tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace("한빛상사 Hanbit Trading", "Other Company")
    text = text.replace('login_id = "agent.choi"', 'login_id = "agent.new2"')
    clash = tmp_path / "clash.toml"
    clash.write_text(text, encoding="utf-8")
    before = counts(seeded.rig)
    refused = run_seed(clash, seeded.data_dir, seeded.database_url)
    assert refused.returncode == 1
    assert "users[0].login_id: 'admin.kim' belongs to another company" in refused.stderr
    assert counts(seeded.rig) == before
