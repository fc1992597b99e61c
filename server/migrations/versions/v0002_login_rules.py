"""Login rules: company password/lock settings, user lock and password age, login history.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("companies", sa.Column("password_level", sa.String(10), nullable=False, server_default="medium"))
    op.add_column("companies", sa.Column("password_lifetime_days", sa.Integer(), nullable=True))
    op.add_column("companies", sa.Column("lock_minutes", sa.Integer(), nullable=True))
    op.add_column("users", sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("users", sa.Column("locked_at", sa.DateTime(), nullable=True))
    op.add_column("users", sa.Column("password_changed_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE users SET password_changed_at = created_at")
    op.create_table(
        "login_history",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("login_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("result", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(300), nullable=False),
        sa.Column("address", sa.String(64), nullable=True),
        sa.Column("client_version", sa.String(64), nullable=True),
    )
    op.create_index("ix_login_history_at", "login_history", ["at"])
    op.create_index("ix_login_history_login_id", "login_history", ["login_id"])
    op.create_index("ix_login_history_user_id", "login_history", ["user_id"])


def downgrade() -> None:
    for index in ("ix_login_history_user_id", "ix_login_history_login_id", "ix_login_history_at"):
        op.drop_index(index, table_name="login_history")
    op.drop_table("login_history")
    # Plain DROP COLUMN (SQLite >= 3.35): a batch copy of users would cascade-delete its tokens and sessions.
    for table, column in (
        ("users", "password_changed_at"), ("users", "locked_at"), ("users", "failed_logins"),
        ("companies", "lock_minutes"), ("companies", "password_lifetime_days"), ("companies", "password_level"),
    ):
        op.drop_column(table, column)
