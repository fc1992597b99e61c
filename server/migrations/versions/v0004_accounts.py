"""Accounts: company options and licence, group external ID, user profile, token origin and end reason,
login history MAC and kind, two-step admin login challenges.

Unique rules on existing tables are unique indexes: on SQLite a batch copy of ``users`` would
cascade-delete its tokens and sessions.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS: tuple[tuple[str, sa.Column[object]], ...] = (
    ("companies", sa.Column("history_months", sa.Integer(), nullable=False, server_default="12")),
    ("companies", sa.Column("two_step_login", sa.Boolean(), nullable=False, server_default=sa.false())),
    ("companies", sa.Column("login_page_url", sa.String(50), nullable=True)),
    ("companies", sa.Column("logo", sa.LargeBinary(), nullable=True)),
    ("companies", sa.Column("logo_type", sa.String(16), nullable=True)),
    ("companies", sa.Column("licence_kind", sa.String(12), nullable=False, server_default="named")),
    ("companies", sa.Column("licence_count", sa.Integer(), nullable=True)),
    ("groups", sa.Column("external_id", sa.String(64), nullable=True)),
    ("users", sa.Column("family_name", sa.String(100), nullable=True)),
    ("users", sa.Column("given_name", sa.String(100), nullable=True)),
    ("users", sa.Column("name_reading", sa.String(200), nullable=True)),
    ("users", sa.Column("nickname", sa.String(100), nullable=True)),
    ("users", sa.Column("phone", sa.String(13), nullable=True)),
    ("users", sa.Column("mobile", sa.String(13), nullable=True)),
    ("users", sa.Column("email", sa.String(254), nullable=True)),
    ("users", sa.Column("email_opt_in", sa.Boolean(), nullable=False, server_default=sa.false())),
    ("users", sa.Column("icon_number", sa.Integer(), nullable=True)),
    ("users", sa.Column("expires_at", sa.DateTime(), nullable=True)),
    ("login_history", sa.Column("mac", sa.String(12), nullable=True)),
    ("login_history", sa.Column("kind", sa.String(8), nullable=False, server_default="agent")),
    ("tokens", sa.Column("kind", sa.String(8), nullable=False, server_default="agent")),
    ("tokens", sa.Column("address", sa.String(64), nullable=True)),
    ("tokens", sa.Column("mac", sa.String(12), nullable=True)),
    ("tokens", sa.Column("client_version", sa.String(64), nullable=True)),
    ("tokens", sa.Column("ended_reason", sa.String(200), nullable=True)),
)

UNIQUE_INDEXES = (
    ("uq_companies_login_page_url", "companies", ["login_page_url"]),
    ("uq_groups_company_external_id", "groups", ["company_id", "external_id"]),
    ("uq_users_company_icon_number", "users", ["company_id", "icon_number"]),
)


def upgrade() -> None:
    for table, column in COLUMNS:
        op.add_column(table, column)
    for name, table, columns in UNIQUE_INDEXES:
        op.create_index(name, table, columns, unique=True)
    op.create_table(
        "admin_challenges",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("used", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_admin_challenges_user_id", "admin_challenges", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_admin_challenges_user_id", table_name="admin_challenges")
    op.drop_table("admin_challenges")
    for name, table, _ in reversed(UNIQUE_INDEXES):
        op.drop_index(name, table_name=table)
    # Plain DROP COLUMN (SQLite >= 3.35), for the reason the module docstring gives.
    for table, column in reversed(COLUMNS):
        op.drop_column(table, column.name)
