"""Sessions remember the customer's name and where they came from.

``customer_name``: the optional name the customer typed on a connection page (access-code or icon page), so
the agent's history shows who it was before any support log is written. ``origin``: how the session started,
NULL for a code the agent asked for, ``icon`` for a customer who chose the agent's icon on an icon page (at most
one such session of an agent waits at a time: server/pages/icons.py).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 01:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("sessions", sa.Column("customer_name", sa.String(100), nullable=True))
    op.add_column("sessions", sa.Column("origin", sa.String(16), nullable=True))


def downgrade() -> None:
    # In place: a table copy (batch mode) would drop ``sessions`` and, with foreign keys on, delete the rows
    # of every table that cascades from it. SQLite 3.35+ drops a column without a copy.
    for column in ("origin", "customer_name"):
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE sessions DROP COLUMN {column}")
        else:
            op.drop_column("sessions", column)
