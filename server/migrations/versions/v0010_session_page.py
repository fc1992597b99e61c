"""Sessions remember the connection page they came from.

``page_id``: the connection page the customer used (the icon page whose icon they chose, the access-code page
where they typed the code, the window page whose chat started remote support), NULL for a code the agent gave
out directly. The page's ``privacy_protection`` then hides the customer's PC name, IP and MAC from the agent's
and the admin's history (server/privacy.py). Deleting the page keeps the session (the link becomes NULL).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26 02:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # No foreign key: SQLite can add one only by copying the table, and dropping the old ``sessions`` with
    # foreign keys on would delete the rows of every table that cascades from it. Deleting a page sets its
    # sessions' page_id to NULL in server.pages.pages.delete_page instead.
    op.add_column("sessions", sa.Column("page_id", sa.Integer(), nullable=True))
    op.create_index("ix_sessions_page_id", "sessions", ["page_id"])


def downgrade() -> None:
    op.drop_index("ix_sessions_page_id", table_name="sessions")
    drop_column_in_place("sessions", "page_id")


def drop_column_in_place(table: str, column: str) -> None:
    """Drop a column without copying the table (SQLite 3.35+ can; a copy would fire ON DELETE CASCADE)."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        op.drop_column(table, column)
