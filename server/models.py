"""Database tables (SQLAlchemy 2 typed ORM). Times are stored as naive UTC and read back aware.

Schema changes go through a new Alembic revision in ``server/migrations/versions``.
"""

from __future__ import annotations

import datetime
import enum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime.datetime:
    """The current time, aware, in UTC."""
    return datetime.datetime.now(datetime.UTC)


class UTCDateTime(TypeDecorator[datetime.datetime]):
    """An aware UTC datetime in Python, naive UTC in the database (SQLite and PostgreSQL alike)."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(
        self, value: datetime.datetime | None, dialect: Dialect
    ) -> datetime.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: pass an aware UTC time")
        return value.astimezone(datetime.UTC).replace(tzinfo=None)

    def process_result_value(
        self, value: datetime.datetime | None, dialect: Dialect
    ) -> datetime.datetime | None:
        return None if value is None else value.replace(tzinfo=datetime.UTC)


class Base(DeclarativeBase):
    """Declarative base of every table."""


class Role(enum.StrEnum):
    """What a user may do (stored as its value)."""

    AGENT = "agent"
    GROUP_ADMIN = "group_admin"
    COMPANY_ADMIN = "company_admin"


class LicenceKind(enum.StrEnum):
    """Named: one licence per agent ID (at most N IDs); concurrent: at most N agents logged in at once."""

    NAMED = "named"
    CONCURRENT = "concurrent"


class SessionState(enum.StrEnum):
    """Life of a support session: code issued, customer joined, both legs paired, over."""

    WAITING = "waiting"
    JOINED = "joined"
    LIVE = "live"
    ENDED = "ended"


class Company(Base):
    """A customer of Ferry: owns groups and users."""

    __tablename__ = "companies"
    __table_args__ = (Index("uq_companies_login_page_url", "login_page_url", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Login rules (server.login_rules): password level weak/medium/strong, lifetime 30/60/90 days or None,
    # lock time in minutes after five wrong passwords or None (locked until an admin resets it).
    password_level: Mapped[str] = mapped_column(String(10), default="medium")
    password_lifetime_days: Mapped[int | None] = mapped_column(Integer)
    lock_minutes: Mapped[int | None] = mapped_column(Integer)
    # Company options (revision 0004): history kept 0 (none), 6 or 12 months; two-step admin login by an
    # e-mailed code; a custom login page name and logo; the licence (named: at most N agent IDs, concurrent:
    # at most N agents logged in at once; None: no limit).
    history_months: Mapped[int] = mapped_column(Integer, default=12)
    two_step_login: Mapped[bool] = mapped_column(default=False)
    login_page_url: Mapped[str | None] = mapped_column(String(50))
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_type: Mapped[str | None] = mapped_column(String(16))
    licence_kind: Mapped[str] = mapped_column(String(12), default=LicenceKind.NAMED.value)
    licence_count: Mapped[int | None] = mapped_column(Integer)


class Group(Base):
    """A group of agents inside a company."""

    __tablename__ = "groups"
    __table_args__ = (
        UniqueConstraint("company_id", "name", name="uq_groups_company_name"),
        Index("uq_groups_company_external_id", "company_id", "external_id", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    external_id: Mapped[str | None] = mapped_column(String(64))  # the group's ID in a CRM
    created_at: Mapped[datetime.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class User(Base):
    """An agent or admin who logs in with ``login_id`` and a password (Argon2id hash)."""

    __tablename__ = "users"
    __table_args__ = (Index("uq_users_company_icon_number", "company_id", "icon_number", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    login_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))  # the display name (family and given name, as entered)
    password_hash: Mapped[str] = mapped_column(String(255))
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"), index=True)
    role: Mapped[str] = mapped_column(String(20), default=Role.AGENT.value)
    created_at: Mapped[datetime.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_at: Mapped[datetime.datetime | None] = mapped_column(UTCDateTime())
    # Set at creation and at every change; None only for rows older than revision 0002 (read as created_at).
    password_changed_at: Mapped[datetime.datetime | None] = mapped_column(UTCDateTime(), default=utcnow)
    # Profile (revision 0004), as SPEC.md's "Users and groups" lists it.
    family_name: Mapped[str | None] = mapped_column(String(100))
    given_name: Mapped[str | None] = mapped_column(String(100))
    name_reading: Mapped[str | None] = mapped_column(String(200))
    nickname: Mapped[str | None] = mapped_column(String(100))  # shown to customers in chat
    phone: Mapped[str | None] = mapped_column(String(13))
    mobile: Mapped[str | None] = mapped_column(String(13))
    email: Mapped[str | None] = mapped_column(String(254))
    email_opt_in: Mapped[bool] = mapped_column(default=False)
    icon_number: Mapped[int | None] = mapped_column(Integer)  # fixed icon number, unique per company
    expires_at: Mapped[datetime.datetime | None] = mapped_column(UTCDateTime())  # account end; None: never


class GroupOption(Base):
    """A group's state for one option key (None for a companion, which follows its parent) and its value.

    A key with no row takes the catalogue's default (``server.policy``): a new group stores nothing.
    """

    __tablename__ = "group_options"

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(16))
    value: Mapped[Any] = mapped_column(JSON, nullable=True)


class UserOption(Base):
    """An agent's own value for one option key (used where the group leaves the key to the agent)."""

    __tablename__ = "user_options"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class LoginResult(enum.StrEnum):
    """How a login attempt ended, as the login history records it."""

    OK = "ok"
    FAILED = "failed"
    LOCKED = "locked"
    EXPIRED = "expired"
    REFUSED = "refused"  # the IP or MAC allow list in force does not admit this login


class LoginHistory(Base):
    """One login attempt, written (and committed) before the answer: who, when, from where, how it ended."""

    __tablename__ = "login_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    login_id: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    result: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(300))
    address: Mapped[str | None] = mapped_column(String(64))
    client_version: Mapped[str | None] = mapped_column(String(64))
    mac: Mapped[str | None] = mapped_column(String(12))  # normalised: 12 hex digits, upper case, no separators
    kind: Mapped[str] = mapped_column(String(8), default="agent")  # TokenKind: agent app or admin page


class TokenKind(enum.StrEnum):
    """Which door a token was given at: the agent app's login or the admin page's."""

    AGENT = "agent"
    ADMIN = "admin"


class Token(Base):
    """A bearer token given at login; only its SHA-256 is stored, with where the login came from."""

    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime.datetime] = mapped_column(UTCDateTime())
    revoked: Mapped[bool] = mapped_column(default=False)
    kind: Mapped[str] = mapped_column(String(8), default=TokenKind.AGENT.value)
    address: Mapped[str | None] = mapped_column(String(64))
    mac: Mapped[str | None] = mapped_column(String(12))
    client_version: Mapped[str | None] = mapped_column(String(64))
    ended_reason: Mapped[str | None] = mapped_column(String(200))  # why it was revoked, told to its holder


class AdminChallenge(Base):
    """A two-step admin login in progress: the e-mailed code's hash, its expiry and the attempts made."""

    __tablename__ = "admin_challenges"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random hex, given to the client
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime.datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    used: Mapped[bool] = mapped_column(default=False)


class SupportSession(Base):
    """One support session: its connection code, the customer's PC and the relay's record."""

    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # uuid4 hex
    code: Mapped[str] = mapped_column(String(6), index=True)
    live_code: Mapped[str | None] = mapped_column(String(6), unique=True)  # the code while it may be used
    code_expires_at: Mapped[datetime.datetime] = mapped_column(UTCDateTime())
    code_used: Mapped[bool] = mapped_column(default=False)
    secret: Mapped[str] = mapped_column(String(64))  # 32 random bytes, hex
    host_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    joined_at: Mapped[datetime.datetime | None] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime.datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime.datetime | None] = mapped_column(UTCDateTime())
    pc_name: Mapped[str | None] = mapped_column(String(128))
    os: Mapped[str | None] = mapped_column(String(128))
    end_reason: Mapped[str | None] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(16), default=SessionState.WAITING.value, index=True)
    bytes_relayed: Mapped[int] = mapped_column(BigInteger, default=0)
    # revision 0009: the name the customer typed on a connection page; how the session started (None: the agent's
    # own code, "icon": the customer chose the agent's icon on an icon page)
    customer_name: Mapped[str | None] = mapped_column(String(100))
    origin: Mapped[str | None] = mapped_column(String(16))
    # revision 0010: the connection page the customer came from (None: the agent's own code); its
    # privacy_protection hides the customer's PC name, IP and MAC from history views (server/privacy.py)
    # the connection page the customer came through (privacy protection); no foreign key (see migration 0010):
    # deleting a page sets it to NULL (server.pages.pages.delete_page)
    page_id: Mapped[int | None] = mapped_column(index=True)


class ShortcutMessage(Base):
    """One of the ten shortcut messages (slot 1..10): the company's (``user_id`` None) or an agent's own.

    An agent with no own row for a slot uses the company's; a company with none uses the shipped defaults.
    """

    __tablename__ = "shortcut_messages"
    __table_args__ = (Index("uq_shortcut_messages_owner_slot", "company_id", "user_id", "slot", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    slot: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(500))


class Favorite(Base):
    """A saved URL: an admin's for the whole company (``user_id`` None, read-only to agents) or an agent's own."""

    __tablename__ = "favorites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(String(2048))
    created_at: Mapped[datetime.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Category(Base):
    """A consultation category: a tree per company, ordered by ``position`` within one parent."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)


class ChatLine(Base):
    """One chat line of a session, saved when chat_log_server applies; ``client_id`` makes a resend harmless."""

    __tablename__ = "chat_lines"
    __table_args__ = (UniqueConstraint("session_id", "client_id", name="uq_chat_lines_session_client"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[str] = mapped_column(String(36))
    sender: Mapped[str] = mapped_column(String(10))  # agent | customer
    text: Mapped[str] = mapped_column(String(4000))
    sent_at: Mapped[datetime.datetime] = mapped_column(UTCDateTime())
    stored_at: Mapped[datetime.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SupportLog(Base):
    """What the agent wrote about a session (one per session; written again, it is replaced)."""

    __tablename__ = "support_logs"

    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    customer_name: Mapped[str] = mapped_column(String(100))
    content: Mapped[str] = mapped_column(String(10000))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id", ondelete="SET NULL"))
    written_at: Mapped[datetime.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SessionEvent(Base):
    """A grant, refusal or revoke on the customer's side (control, files, recording, …), as the host reports it."""

    __tablename__ = "session_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    kind: Mapped[str] = mapped_column(String(32))  # control, file_send, recording, … (PermissionRequest kinds)
    granted: Mapped[bool] = mapped_column()
    by: Mapped[str] = mapped_column(String(16))  # customer, policy, agent
    reason: Mapped[str] = mapped_column(String(200), default="")


# --- connection pages (revision 0007): SPEC.md "Connection pages"; rules in server/pages -------------------


class ConnectionPage(Base):
    """A customer connection page of a company, served at ``/p/{slug}``: access code, icon or window kind.

    ``texts`` maps a language to the page's own texts for it (``{"ko": {"initial_title": "…"}}``); a text
    left out takes the built-in one. ``bookings`` is bumped first in every reservation's transaction, so
    bookings of one page queue behind each other and the per-hour maximum holds.
    """

    __tablename__ = "connection_pages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(12))  # access_code | icon | window
    time_zone: Mapped[str] = mapped_column(String(64), default="Asia/Seoul")  # IANA name; summer time follows it
    tls_only: Mapped[bool] = mapped_column(default=True)
    privacy_protection: Mapped[bool] = mapped_column(default=False)
    languages: Mapped[Any] = mapped_column(JSON)  # list of ko, ja, en, zh-Hans, zh-Hant, es, fr, pt
    default_language: Mapped[str] = mapped_column(String(8), default="ko")
    show_browser_help: Mapped[bool] = mapped_column(default=False)
    show_screen_reader_hint: Mapped[bool] = mapped_column(default=True)
    show_code_box: Mapped[bool] = mapped_column(default=False)  # icon pages: the code box too
    show_download: Mapped[bool] = mapped_column(default=True)
    show_customer_name: Mapped[bool] = mapped_column(default=False)
    icon_numbering: Mapped[str] = mapped_column(String(8), default="from_1")  # from_1 | from_10 | fixed
    distribution: Mapped[str] = mapped_column(String(12), default="all")  # all | window | sequential
    show_wait_time: Mapped[bool] = mapped_column(default=True)
    reservations_enabled: Mapped[bool] = mapped_column(default=False)
    color: Mapped[str] = mapped_column(String(7), default="#1f5fa8")
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_type: Mapped[str | None] = mapped_column(String(16))
    texts: Mapped[Any] = mapped_column(JSON)
    bookings: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PageGroup(Base):
    """Which connection page a group uses: at most one per group, one page for any number of groups."""

    __tablename__ = "connection_page_groups"

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("connection_pages.id", ondelete="CASCADE"), index=True)


class PageWindow(Base):
    """A window (창구) of a window page: a service desk customers pick, with its own form and agents.

    ``request_fields`` and ``reservation_fields`` are lists of ``{"key", "kind", "required", "labels"}``.
    """

    __tablename__ = "page_windows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("connection_pages.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(String(2000), default="")
    image: Mapped[bytes | None] = mapped_column(LargeBinary)
    image_type: Mapped[str | None] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer, default=0)
    estimate_minutes: Mapped[int] = mapped_column(Integer, default=5)  # per case, for the estimated wait
    max_reservations_per_hour: Mapped[int] = mapped_column(Integer, default=0)  # 0: no reservations
    request_fields: Mapped[Any] = mapped_column(JSON)
    reservation_fields: Mapped[Any] = mapped_column(JSON)


class WindowAgent(Base):
    """An agent assigned to a window (alerted when the page distributes by window)."""

    __tablename__ = "page_window_agents"

    window_id: Mapped[int] = mapped_column(ForeignKey("page_windows.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)


class BusinessHours(Base):
    """One opening range of a page on a weekday (0 Monday .. 6 Sunday), minutes after local midnight."""

    __tablename__ = "page_hours"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("connection_pages.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)
    start_minute: Mapped[int] = mapped_column(Integer)
    end_minute: Mapped[int] = mapped_column(Integer)  # exclusive; 1440 is midnight at the day's end


class Holiday(Base):
    """A day a page is closed (local date); ``yearly`` repeats it on the same month and day every year."""

    __tablename__ = "page_holidays"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("connection_pages.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    day: Mapped[datetime.date] = mapped_column(Date)
    yearly: Mapped[bool] = mapped_column(default=False)


class ReservationState(enum.StrEnum):
    """A reservation is booked, then done by an agent or cancelled."""

    BOOKED = "booked"
    CANCELLED = "cancelled"
    DONE = "done"


class Reservation(Base):
    """A customer's booking of one hour at a window, made while the page was closed."""

    __tablename__ = "reservations"
    __table_args__ = (Index("ix_reservations_window_slot", "window_id", "slot_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    window_id: Mapped[int] = mapped_column(ForeignKey("page_windows.id", ondelete="CASCADE"))
    slot_start: Mapped[datetime.datetime] = mapped_column(UTCDateTime())
    customer: Mapped[Any] = mapped_column(JSON)  # the reservation fields as the customer filled them
    created_at: Mapped[datetime.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    state: Mapped[str] = mapped_column(String(12), default=ReservationState.BOOKED.value)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    handled_at: Mapped[datetime.datetime | None] = mapped_column(UTCDateTime())


class QueueState(enum.StrEnum):
    """A queue entry waits, is alerted to agents, is accepted by one, and is served, or the customer leaves."""

    WAITING = "waiting"
    ALERTED = "alerted"
    ACCEPTED = "accepted"
    LEFT = "left"
    SERVED = "served"


class QueueEntry(Base):
    """A customer waiting at a window; the customer holds a ticket whose SHA-256 alone is stored."""

    __tablename__ = "queue_entries"
    __table_args__ = (Index("ix_queue_entries_window_state_created", "window_id", "state", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    window_id: Mapped[int] = mapped_column(ForeignKey("page_windows.id", ondelete="CASCADE"))
    customer_name: Mapped[str] = mapped_column(String(100), default="")
    fields: Mapped[Any] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(12), default=QueueState.WAITING.value)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    session_id: Mapped[str | None] = mapped_column(ForeignKey("sessions.id", ondelete="SET NULL"))
    ticket_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    accepted_at: Mapped[datetime.datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime.datetime | None] = mapped_column(UTCDateTime())


# --- queue chat (revision 0008): chat between a queue's customer and the agent who accepted; rules in server/queues


class QueueChatFile(Base):
    """A file sent in a queue chat, stored under the server's data directory with a random name."""

    __tablename__ = "queue_chat_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("queue_entries.id", ondelete="CASCADE"), index=True)
    sender: Mapped[str] = mapped_column(String(10))  # agent | customer
    name: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(BigInteger)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class QueueChatLine(Base):
    """One line of a queue chat (a file is a line with ``file_id``); its id orders the chat for both sides."""

    __tablename__ = "queue_chat_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("queue_entries.id", ondelete="CASCADE"), index=True)
    sender: Mapped[str] = mapped_column(String(10))  # agent | customer
    name: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(String(4000))
    file_id: Mapped[int | None] = mapped_column(ForeignKey("queue_chat_files.id", ondelete="CASCADE"))
    at: Mapped[datetime.datetime] = mapped_column(UTCDateTime(), default=utcnow)
