"""Initial schema: companies, groups, users, tokens, sessions.

Revision ID: 0001
Revises:
Create Date: 2025-01-01 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _created_at() -> sa.Column[object]:
    return sa.Column("created_at", sa.DateTime(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "companies",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        _created_at(),
    )
    op.create_table(
        "groups",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("company_id", sa.Integer(), sa.ForeignKey("companies.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        _created_at(),
        sa.UniqueConstraint("company_id", "name", name="uq_groups_company_name"),
    )
    op.create_index("ix_groups_company_id", "groups", ["company_id"])
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("login_id", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("company_id", sa.Integer(), sa.ForeignKey("companies.id", ondelete="CASCADE"), nullable=False),
        sa.Column("group_id", sa.Integer(), sa.ForeignKey("groups.id", ondelete="SET NULL"), nullable=True),
        sa.Column("role", sa.String(20), nullable=False),
        _created_at(),
    )
    op.create_index("ix_users_company_id", "users", ["company_id"])
    op.create_index("ix_users_group_id", "users", ["group_id"])
    op.create_table(
        "tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        _created_at(),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_tokens_user_id", "tokens", ["user_id"])
    _create_sessions()


def _create_sessions() -> None:
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("code", sa.String(6), nullable=False),
        sa.Column("live_code", sa.String(6), nullable=True, unique=True),
        sa.Column("code_expires_at", sa.DateTime(), nullable=False),
        sa.Column("code_used", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("secret", sa.String(64), nullable=False),
        sa.Column("host_token_hash", sa.String(64), nullable=True, unique=True),
        sa.Column("agent_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        _created_at(),
        sa.Column("joined_at", sa.DateTime(), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("pc_name", sa.String(128), nullable=True),
        sa.Column("os", sa.String(128), nullable=True),
        sa.Column("end_reason", sa.String(200), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("bytes_relayed", sa.BigInteger(), nullable=False, server_default="0"),
    )
    op.create_index("ix_sessions_code", "sessions", ["code"])
    op.create_index("ix_sessions_agent_id", "sessions", ["agent_id"])
    op.create_index("ix_sessions_state", "sessions", ["state"])


def downgrade() -> None:
    for index, table in [
        ("ix_sessions_state", "sessions"), ("ix_sessions_agent_id", "sessions"), ("ix_sessions_code", "sessions"),
    ]:
        op.drop_index(index, table_name=table)
    op.drop_table("sessions")
    op.drop_index("ix_tokens_user_id", table_name="tokens")
    op.drop_table("tokens")
    op.drop_index("ix_users_group_id", table_name="users")
    op.drop_index("ix_users_company_id", table_name="users")
    op.drop_table("users")
    op.drop_index("ix_groups_company_id", table_name="groups")
    op.drop_table("groups")
    op.drop_table("companies")
