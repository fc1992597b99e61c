"""What is kept of a session besides its record (run inside ``Database.call``): chat lines and the support log,
and the agent's own support history.

Chat lines are saved only when the agent's effective ``chat_log_server`` is on; each line carries the client's
own id, so sending a batch again after a lost answer stores nothing twice. The support log follows
``support_log``: off refuses it, required needs the customer's name and the content, and a category when the
company has categories.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.agent_tools import category_ids, category_tree
from server.errors import ForbiddenError, NotFoundError, ValidationFailedError
from server.models import ChatLine, SessionEvent, SupportLog, SupportSession, User, utcnow
from server.options import options_of
from server.privacy import hidden_sessions, is_hidden, shown


@dataclasses.dataclass(frozen=True)
class Line:
    """One chat line as a client sends it (``client_id`` is the client's own unique id for it)."""

    client_id: str
    sender: str
    text: str
    sent_at: datetime.datetime


@dataclasses.dataclass(frozen=True)
class LogEntry:
    """A support log as written."""

    customer_name: str
    content: str
    category_id: int | None
    written_at: datetime.datetime | None = None


@dataclasses.dataclass(frozen=True)
class HistoryItem:
    """One of the agent's sessions in their support history."""

    session_id: str
    state: str
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    ended_at: datetime.datetime | None
    pc_name: str | None
    os: str | None
    end_reason: str | None
    customer_name: str | None
    chat_lines: int


@dataclasses.dataclass(frozen=True)
class GrantRecord:
    """A grant, refusal or revoke on the customer's side, as the host reported it."""

    at: datetime.datetime
    kind: str
    granted: bool
    by: str
    reason: str


@dataclasses.dataclass(frozen=True)
class HistoryDetail:
    """A session of the agent's history with its log, chat and the customer's grants."""

    item: HistoryItem
    log: LogEntry | None
    chat: tuple[Line, ...]
    events: tuple[GrantRecord, ...] = ()


def _own_session(db: Session, user_id: int, session_id: str) -> SupportSession:
    row = db.get(SupportSession, session_id)
    if row is None or row.agent_id != user_id:
        raise NotFoundError(f"There is no session {session_id} of yours: check the session id.")
    return row


def save_chat_lines(db: Session, user_id: int, session_id: str, lines: Sequence[Line]) -> int:
    """Store the lines not stored yet (by client id); how many are stored for the session in all."""
    user = db.get_one(User, user_id)
    _own_session(db, user_id, session_id)
    if options_of(db, user).get("chat_log_server") is not True:
        raise ForbiddenError("Chat lines are not saved on the server for your group (option chat_log_server "
                             "is off): nothing was stored.")
    known = set(db.scalars(select(ChatLine.client_id).where(ChatLine.session_id == session_id)))
    for line in lines:
        if line.client_id not in known:
            db.add(ChatLine(session_id=session_id, client_id=line.client_id, sender=line.sender, text=line.text,
                            sent_at=line.sent_at))
            known.add(line.client_id)
    db.flush()
    return len(known)


def _check_log(db: Session, user: User, entry: LogEntry) -> None:
    mode = options_of(db, user).get("support_log")
    if mode == "off":
        raise ForbiddenError("Support logs are turned off for your group (option support_log is off).")
    tree = category_tree(db, user.company_id)
    if entry.category_id is not None and entry.category_id not in category_ids(tree):
        raise ValidationFailedError(f"Invalid category_id: {entry.category_id} is not one of your company's "
                                    "consultation categories. Pick one from GET /api/v1/categories.")
    if mode != "required":
        return
    for field, value in (("customer_name", entry.customer_name), ("content", entry.content)):
        if not value.strip():
            raise ValidationFailedError(f"Invalid {field}: a support log is required for your group, so "
                                        f"{field} may not be empty. Fill it in and save again.")
    if tree and entry.category_id is None:
        raise ValidationFailedError("Invalid category_id: your company has consultation categories, so a "
                                    "required support log needs one. Pick one and save again.")


def write_support_log(db: Session, user_id: int, session_id: str, entry: LogEntry) -> LogEntry:
    """Write (or replace) the support log of one of the agent's sessions, under the group's rule."""
    user = db.get_one(User, user_id)
    _own_session(db, user_id, session_id)
    _check_log(db, user, entry)
    row = db.get(SupportLog, session_id)
    if row is None:
        row = SupportLog(session_id=session_id, agent_id=user_id, customer_name="", content="")
        db.add(row)
    row.customer_name, row.content, row.category_id = entry.customer_name, entry.content, entry.category_id
    row.written_at = utcnow()
    db.flush()
    return dataclasses.replace(entry, written_at=row.written_at)


def _item(row: SupportSession, log: SupportLog | None, chat_lines: int, hidden: bool) -> HistoryItem:
    """The history item; the customer's PC name is None when the session's page has privacy protection on."""
    return HistoryItem(row.id, row.state, row.created_at, row.started_at, row.ended_at, shown(row.pc_name, hidden),
                       row.os, row.end_reason, log.customer_name if log else row.customer_name, chat_lines)


def history(db: Session, user_id: int, limit: int, offset: int) -> list[HistoryItem]:
    """The agent's sessions, newest first."""
    rows = db.scalars(select(SupportSession).where(SupportSession.agent_id == user_id)
                      .order_by(SupportSession.created_at.desc(), SupportSession.id).limit(limit).offset(offset)).all()
    ids = [row.id for row in rows]
    logs = {log.session_id: log for log in db.scalars(select(SupportLog).where(SupportLog.session_id.in_(ids)))}
    counted = db.execute(select(ChatLine.session_id, func.count()).where(ChatLine.session_id.in_(ids))
                         .group_by(ChatLine.session_id))
    counts: dict[str, int] = {session_id: number for session_id, number in counted}
    hidden = hidden_sessions(db, rows)
    return [_item(row, logs.get(row.id), counts.get(row.id, 0), row.id in hidden) for row in rows]


def history_detail(db: Session, user_id: int, session_id: str) -> HistoryDetail:
    """One session of the agent's history, with its support log and saved chat."""
    row = _own_session(db, user_id, session_id)
    log = db.get(SupportLog, session_id)
    chat = db.scalars(select(ChatLine).where(ChatLine.session_id == session_id).order_by(ChatLine.sent_at,
                                                                                        ChatLine.id)).all()
    entry = LogEntry(log.customer_name, log.content, log.category_id, log.written_at) if log else None
    lines = tuple(Line(c.client_id, c.sender, c.text, c.sent_at) for c in chat)
    events = tuple(GrantRecord(e.at, e.kind, e.granted, e.by, e.reason) for e in db.scalars(
        select(SessionEvent).where(SessionEvent.session_id == session_id).order_by(SessionEvent.at, SessionEvent.id)))
    return HistoryDetail(_item(row, log, len(lines), is_hidden(db, row)), entry, lines, events)
