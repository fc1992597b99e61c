"""``ferry-server licence COMPANY named|concurrent [COUNT]``: the server operator sets a company's licence.

Company admins see their licence but cannot change it (the admin API refuses); this command is the
operator's way, next to ``ferry-server seed``. Without COUNT the licence has no limit.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.config import default_database_url
from server.db import Database
from server.errors import StartupError
from server.models import Company, LicenceKind, User


class LicenceError(Exception):
    """The licence cannot be set as asked; the message says why and what to do."""


def set_licence(db: Session, company_name: str, kind: LicenceKind, count: int | None) -> str:
    """Set the licence of the company named ``company_name``; a line saying what it is now."""
    company = db.scalars(select(Company).where(Company.name == company_name)).one_or_none()
    if company is None:
        known = ", ".join(sorted(db.scalars(select(Company.name)))[:10]) or "none yet"
        raise LicenceError(f"There is no company named {company_name!r} (companies: {known}): check the name.")
    if kind is LicenceKind.NAMED and count is not None:
        ids = len(list(db.scalars(select(User.id).where(User.company_id == company.id))))
        if ids > count:
            raise LicenceError(f"{company_name} already has {ids} IDs, more than {count} named licences: "
                               "delete IDs first or give a larger count.")
    company.licence_kind, company.licence_count = kind.value, count
    limit = "no limit" if count is None else str(count)
    return f"Licence of {company_name}: {kind.value}, {limit}."


def _count(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 100000:
        raise argparse.ArgumentTypeError(f"{text!r} is not a licence count: use a whole number from 1 to 100000")
    return int(text)


def parse_licence_args(argv: Sequence[str]) -> argparse.Namespace:
    """The ``licence`` command line."""
    parser = argparse.ArgumentParser(prog="ferry-server licence", description="Set a company's licence.")
    parser.add_argument("company", help="the company's name, as seeded")
    parser.add_argument("kind", choices=[kind.value for kind in LicenceKind],
                        help="named: at most COUNT IDs; concurrent: at most COUNT agents logged in at once")
    parser.add_argument("count", nargs="?", type=_count, default=None, help="the number of licences (none: no limit)")
    parser.add_argument("--data-dir", type=Path, default=Path("ferry-data"),
                        help="the server's data directory (default ./ferry-data); FERRY_DATABASE_URL wins")
    return parser.parse_args(argv)


def licence(argv: Sequence[str]) -> int:
    """Run the command; the exit status (1 with one sentence on stderr when it cannot)."""
    args = parse_licence_args(argv)
    url = os.environ.get("FERRY_DATABASE_URL") or default_database_url(args.data_dir.expanduser().resolve())
    try:
        db = Database.open(url)
        try:
            line = db.run(set_licence, args.company, LicenceKind(args.kind), args.count)
        finally:
            db.dispose()
    except (LicenceError, StartupError) as exc:
        sys.stderr.write(f"ferry-server licence: {exc}\n")
        return 1
    sys.stdout.write(line + "\n")
    return 0
