"""Agent data: shortcut messages, favorites, consultation categories, chat lines, support logs.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _company() -> sa.Column[int]:
    return sa.Column("company_id", sa.Integer(), sa.ForeignKey("companies.id", ondelete="CASCADE"), nullable=False)


def _user(nullable: bool) -> sa.Column[int]:
    return sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=nullable)


def _session() -> sa.Column[str]:
    return sa.Column("session_id", sa.String(32), sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    op.create_table("shortcut_messages", sa.Column("id", sa.Integer(), primary_key=True), _company(), _user(True),
                    sa.Column("slot", sa.Integer(), nullable=False), sa.Column("text", sa.String(500), nullable=False))
    op.create_index("uq_shortcut_messages_owner_slot", "shortcut_messages", ["company_id", "user_id", "slot"],
                    unique=True)
    op.create_table("favorites", sa.Column("id", sa.Integer(), primary_key=True), _company(), _user(True),
                    sa.Column("title", sa.String(100), nullable=False),
                    sa.Column("url", sa.String(2048), nullable=False),
                    sa.Column("created_at", sa.DateTime(), nullable=False))
    op.create_table("categories", sa.Column("id", sa.Integer(), primary_key=True), _company(),
                    sa.Column("parent_id", sa.Integer(), sa.ForeignKey("categories.id", ondelete="CASCADE"),
                              nullable=True),
                    sa.Column("name", sa.String(100), nullable=False),
                    sa.Column("position", sa.Integer(), nullable=False))
    op.create_table("chat_lines", sa.Column("id", sa.Integer(), primary_key=True), _session(),
                    sa.Column("client_id", sa.String(36), nullable=False),
                    sa.Column("sender", sa.String(10), nullable=False),
                    sa.Column("text", sa.String(4000), nullable=False),
                    sa.Column("sent_at", sa.DateTime(), nullable=False),
                    sa.Column("stored_at", sa.DateTime(), nullable=False),
                    sa.UniqueConstraint("session_id", "client_id", name="uq_chat_lines_session_client"))
    op.create_table("support_logs",
                    sa.Column("session_id", sa.String(32), sa.ForeignKey("sessions.id", ondelete="CASCADE"),
                              primary_key=True),
                    sa.Column("agent_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"),
                              nullable=False),
                    sa.Column("customer_name", sa.String(100), nullable=False),
                    sa.Column("content", sa.String(10000), nullable=False),
                    sa.Column("category_id", sa.Integer(), sa.ForeignKey("categories.id", ondelete="SET NULL"),
                              nullable=True),
                    sa.Column("written_at", sa.DateTime(), nullable=False))
    for table, column in (("shortcut_messages", "company_id"), ("shortcut_messages", "user_id"),
                          ("favorites", "company_id"), ("favorites", "user_id"), ("categories", "company_id"),
                          ("categories", "parent_id"), ("chat_lines", "session_id"), ("support_logs", "agent_id")):
        op.create_index(f"ix_{table}_{column}", table, [column])


def downgrade() -> None:
    for table in ("support_logs", "chat_lines", "categories", "favorites", "shortcut_messages"):
        op.drop_table(table)
