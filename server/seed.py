"""``--seed-demo``: a demo company, group and agent on first start, credentials in a 0600 file."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.accounts import create_agent
from server.errors import StartupError
from server.login_rules import PasswordLevel, check_password
from server.models import Company, User
from server.security import new_password

DEMO_LOGIN_ID = "demo"
DEMO_COMPANY = "Ferry Demo"
DEMO_GROUP = "Support"


@dataclasses.dataclass(frozen=True)
class SeedOutcome:
    """What seeding did: ``created`` with the new password, or found the demo agent, or skipped."""

    created: bool
    exists: bool
    password: str | None = None


def seed_demo(db: Session) -> SeedOutcome:
    """Create the demo agent when the database is empty; otherwise report what is there."""
    if db.scalars(select(User).where(User.login_id == DEMO_LOGIN_ID)).one_or_none() is not None:
        return SeedOutcome(created=False, exists=True)
    if db.scalar(select(func.count()).select_from(Company)):
        return SeedOutcome(created=False, exists=False)
    password = new_password()
    while check_password(password, PasswordLevel.STRONG):  # passes every company password level
        password = new_password()
    create_agent(db, login_id=DEMO_LOGIN_ID, name="Demo Agent", password=password,
                 company=DEMO_COMPANY, group=DEMO_GROUP)
    return SeedOutcome(created=True, exists=True, password=password)


def write_credentials(path: Path, login_id: str, password: str) -> None:
    """Write ``{"login_id","password"}`` to ``path`` with mode 0600 (replacing it atomically)."""
    partial = path.with_name(path.name + ".part")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"login_id": login_id, "password": password}, handle)
            handle.write("\n")
        os.chmod(partial, 0o600)
        os.replace(partial, path)
    except OSError as exc:
        raise StartupError(f"Could not write the demo credentials to {path}: {exc}.") from exc
