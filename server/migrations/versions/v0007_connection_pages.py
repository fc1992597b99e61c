"""Connection pages: pages, the groups that use them, windows and their agents, business hours, holidays,
reservations and queue entries.

A group's page is a link table (``connection_page_groups``, one row per group) rather than a column of
``groups``: one page serves any number of groups, as the manual's "사용 그룹" list shows, and ``groups``
is left untouched.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ref(column: str, target: str, ondelete: str = "CASCADE", nullable: bool = False,
         primary_key: bool = False) -> sa.Column[int]:
    return sa.Column(column, sa.Integer(), sa.ForeignKey(target, ondelete=ondelete), nullable=nullable,
                     primary_key=primary_key)


def _flag(name: str) -> sa.Column[bool]:
    return sa.Column(name, sa.Boolean(), nullable=False)


def _pages() -> None:
    op.create_table(
        "connection_pages", sa.Column("id", sa.Integer(), primary_key=True), _ref("company_id", "companies.id"),
        sa.Column("slug", sa.String(50), nullable=False, unique=True),
        sa.Column("name", sa.String(100), nullable=False), sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=False), _flag("tls_only"), _flag("privacy_protection"),
        sa.Column("languages", sa.JSON(), nullable=False), sa.Column("default_language", sa.String(8), nullable=False),
        _flag("show_browser_help"), _flag("show_screen_reader_hint"), _flag("show_code_box"), _flag("show_download"),
        _flag("show_customer_name"), sa.Column("icon_numbering", sa.String(8), nullable=False),
        sa.Column("distribution", sa.String(12), nullable=False), _flag("show_wait_time"),
        _flag("reservations_enabled"), sa.Column("color", sa.String(7), nullable=False),
        sa.Column("logo", sa.LargeBinary(), nullable=True), sa.Column("logo_type", sa.String(16), nullable=True),
        sa.Column("texts", sa.JSON(), nullable=False), sa.Column("bookings", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False))
    op.create_index("ix_connection_pages_company_id", "connection_pages", ["company_id"])
    op.create_table("connection_page_groups", _ref("group_id", "groups.id", primary_key=True),
                    _ref("page_id", "connection_pages.id"))
    op.create_index("ix_connection_page_groups_page_id", "connection_page_groups", ["page_id"])


def _windows() -> None:
    op.create_table(
        "page_windows", sa.Column("id", sa.Integer(), primary_key=True), _ref("page_id", "connection_pages.id"),
        sa.Column("name", sa.String(100), nullable=False), sa.Column("description", sa.String(2000), nullable=False),
        sa.Column("image", sa.LargeBinary(), nullable=True), sa.Column("image_type", sa.String(16), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("estimate_minutes", sa.Integer(), nullable=False),
        sa.Column("max_reservations_per_hour", sa.Integer(), nullable=False),
        sa.Column("request_fields", sa.JSON(), nullable=False),
        sa.Column("reservation_fields", sa.JSON(), nullable=False))
    op.create_index("ix_page_windows_page_id", "page_windows", ["page_id"])
    op.create_table("page_window_agents", _ref("window_id", "page_windows.id", primary_key=True),
                    _ref("user_id", "users.id", primary_key=True))
    op.create_index("ix_page_window_agents_user_id", "page_window_agents", ["user_id"])


def _calendar() -> None:
    op.create_table(
        "page_hours", sa.Column("id", sa.Integer(), primary_key=True), _ref("page_id", "connection_pages.id"),
        sa.Column("weekday", sa.Integer(), nullable=False), sa.Column("start_minute", sa.Integer(), nullable=False),
        sa.Column("end_minute", sa.Integer(), nullable=False))
    op.create_index("ix_page_hours_page_id", "page_hours", ["page_id"])
    op.create_table(
        "page_holidays", sa.Column("id", sa.Integer(), primary_key=True), _ref("page_id", "connection_pages.id"),
        sa.Column("name", sa.String(100), nullable=False), sa.Column("day", sa.Date(), nullable=False),
        _flag("yearly"))
    op.create_index("ix_page_holidays_page_id", "page_holidays", ["page_id"])


def _customers() -> None:
    op.create_table(
        "reservations", sa.Column("id", sa.Integer(), primary_key=True), _ref("window_id", "page_windows.id"),
        sa.Column("slot_start", sa.DateTime(), nullable=False), sa.Column("customer", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False), sa.Column("state", sa.String(12), nullable=False),
        _ref("agent_id", "users.id", "SET NULL", nullable=True), sa.Column("handled_at", sa.DateTime(), nullable=True))
    op.create_index("ix_reservations_window_slot", "reservations", ["window_id", "slot_start"])
    op.create_index("ix_reservations_created_at", "reservations", ["created_at"])
    op.create_index("ix_reservations_agent_id", "reservations", ["agent_id"])
    op.create_table(
        "queue_entries", sa.Column("id", sa.Integer(), primary_key=True), _ref("window_id", "page_windows.id"),
        sa.Column("customer_name", sa.String(100), nullable=False), sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(12), nullable=False), _ref("agent_id", "users.id", "SET NULL", nullable=True),
        sa.Column("session_id", sa.String(32), sa.ForeignKey("sessions.id", ondelete="SET NULL"), nullable=True),
        sa.Column("ticket_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False), sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True))
    op.create_index("ix_queue_entries_window_state_created", "queue_entries", ["window_id", "state", "created_at"])
    op.create_index("ix_queue_entries_agent_id", "queue_entries", ["agent_id"])


def upgrade() -> None:
    _pages()
    _windows()
    _calendar()
    _customers()


def downgrade() -> None:
    for table in ("queue_entries", "reservations", "page_holidays", "page_hours", "page_window_agents",
                  "page_windows", "connection_page_groups", "connection_pages"):
        op.drop_table(table)
