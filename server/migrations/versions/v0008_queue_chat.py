"""Queue chat: the lines and files of the chat between a queue's customer and the agent who accepted.

Both tables hang off ``queue_entries`` with ON DELETE CASCADE, so purging an entry (history retention)
removes its chat rows; the files on disk are removed by the queue engine's sweep.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 01:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _entry() -> sa.Column[int]:
    return sa.Column("entry_id", sa.Integer(), sa.ForeignKey("queue_entries.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "queue_chat_files", sa.Column("id", sa.Integer(), primary_key=True), _entry(),
        sa.Column("sender", sa.String(10), nullable=False), sa.Column("name", sa.String(200), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("stored_name", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False))
    op.create_index("ix_queue_chat_files_entry_id", "queue_chat_files", ["entry_id"])
    op.create_table(
        "queue_chat_lines", sa.Column("id", sa.Integer(), primary_key=True), _entry(),
        sa.Column("sender", sa.String(10), nullable=False), sa.Column("name", sa.String(100), nullable=False),
        sa.Column("text", sa.String(4000), nullable=False),
        sa.Column("file_id", sa.Integer(), sa.ForeignKey("queue_chat_files.id", ondelete="CASCADE"), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False))
    op.create_index("ix_queue_chat_lines_entry_id", "queue_chat_lines", ["entry_id"])


def downgrade() -> None:
    op.drop_table("queue_chat_lines")
    op.drop_table("queue_chat_files")
