"""``ferry-server licence``: the operator sets a company's licence; mistakes are one sentence and exit 1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from server.config import default_database_url
from server.db import Database
from server.models import Company
from tools.server_process import REPO_ROOT

pytestmark = pytest.mark.integration


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "FERRY_DATABASE_URL"}
    return subprocess.run([sys.executable, "-m", "server", *args], cwd=REPO_ROOT, env=env, capture_output=True,
                          text=True, timeout=60, check=False)


def test_the_operator_sets_and_clears_a_licence(tmp_path: Path) -> None:
    data = tmp_path / "data"
    seeded = _run("seed", str(REPO_ROOT / "docs" / "seed-example.toml"), "--data-dir", str(data))
    assert seeded.returncode == 0, seeded.stderr
    db = Database.open(default_database_url(data))
    try:
        name = db.run(lambda s: s.scalars(select(Company.name)).one())
        done = _run("licence", name, "concurrent", "3", "--data-dir", str(data))
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == f"Licence of {name}: concurrent, 3."
        stored = db.run(lambda s: s.execute(select(Company.licence_kind, Company.licence_count)).one())
        assert tuple(stored) == ("concurrent", 3)
        too_few = _run("licence", name, "named", "1", "--data-dir", str(data))
        assert too_few.returncode == 1 and "more than 1 named licences" in too_few.stderr
        unknown = _run("licence", "Nobody Inc", "named", "--data-dir", str(data))
        assert unknown.returncode == 1 and "no company named 'Nobody Inc'" in unknown.stderr
        bad = _run("licence", name, "concurrent", "zero", "--data-dir", str(data))
        assert bad.returncode == 2 and "is not a licence count" in bad.stderr
    finally:
        db.dispose()
