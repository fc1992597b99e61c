"""Queue reads and writes, each run inside ``Database.call`` (one transaction); frozen views, never ORM rows.

Rules this module keeps:

1. Who serves a window follows its page's ``distribution``: *all* — the agents of the page's groups; *window* —
   the agents assigned to the window; *sequential* — the window's assigned agents, or the page's groups'
   agents when none is assigned. Only present agents (an open ``/ws/agent`` socket: the connected tokens
   passed in) are counted, in login order (when their present token was issued).
2. Accept is one conditional UPDATE (``state IN (waiting, alerted)``) whose rowcount decides: exactly one
   agent wins however many accept at the same instant, on SQLite and PostgreSQL alike.
3. Position = 1 + the waiting or alerted entries of the same window created earlier (ties by id).
4. A chat line is stored whole (≤ 4000 characters) before anyone is told of it; its id orders the chat.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Collection, Iterable, Sequence
from typing import Any, NoReturn

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from server.accounts import live_tokens
from server.errors import ConflictError, ForbiddenError, NotFoundError
from server.models import (
    ChatLine,
    ConnectionPage,
    PageGroup,
    PageWindow,
    QueueChatFile,
    QueueChatLine,
    QueueEntry,
    QueueState,
    Token,
    User,
    WindowAgent,
    utcnow,
)
from server.options import agent_options

WAITING = (QueueState.WAITING.value, QueueState.ALERTED.value)
MAX_CHAT = 4000
NO_ENTRY = "There is no such queue entry for you: refresh the queue (GET /api/v1/queue)."


class AlreadyTakenError(ConflictError):
    """Another agent accepted the entry first; the detail names them."""

    code = "already_taken"


class NotWaitingError(ConflictError):
    """The entry is no longer waiting (the customer left or was served)."""

    code = "not_waiting"


class NotAcceptedError(ConflictError):
    """A chat or remote action on an entry that is not accepted by the caller."""

    code = "not_accepted"


@dataclasses.dataclass(frozen=True)
class Member:
    """A present agent of an audience."""

    id: int
    name: str


@dataclasses.dataclass(frozen=True)
class Audience:
    """Who serves one window, in login order, and how the page distributes."""

    page_id: int
    window_id: int
    window_name: str
    distribution: str
    agents: tuple[Member, ...]


@dataclasses.dataclass(frozen=True)
class EntryView:
    """A queue entry as the engine and the agent API use it."""

    id: int
    page_id: int
    window_id: int
    window_name: str
    customer_name: str
    fields: dict[str, str]
    state: str
    created_at: datetime.datetime
    agent_id: int | None
    session_id: str | None
    distribution: str


@dataclasses.dataclass(frozen=True)
class Place:
    """A waiting entry's place in its window."""

    entry_id: int
    window_id: int
    position: int
    wait_minutes: int
    state: str


@dataclasses.dataclass(frozen=True)
class ChatRow:
    """A stored chat line (``file`` set for a file line)."""

    id: int
    entry_id: int
    sender: str
    name: str
    text: str
    at: datetime.datetime
    file: FileRow | None = None


@dataclasses.dataclass(frozen=True)
class FileRow:
    """A stored chat file."""

    id: int
    entry_id: int
    sender: str
    name: str
    size: int
    stored_name: str


def display_name(user: User) -> str:
    """The name customers see for an agent."""
    return user.nickname or user.name


def _present(connected: Collection[str]) -> Any:
    """(user id, login time) of the present agent logins."""
    return (select(Token.user_id, func.min(Token.created_at).label("since"))
            .where(live_tokens(utcnow()), Token.token_hash.in_(list(connected)))
            .group_by(Token.user_id).subquery())


def _assigned(db: Session, window_id: int) -> list[int]:
    return list(db.scalars(select(WindowAgent.user_id).where(WindowAgent.window_id == window_id)))


def audience(db: Session, window_id: int, connected: Collection[str]) -> Audience:
    """The present agents who serve ``window_id`` (module rule 1)."""
    window = db.get_one(PageWindow, window_id)
    page = db.get_one(ConnectionPage, window.page_id)
    assigned = _assigned(db, window_id) if page.distribution != "all" else []
    present = _present(connected)
    query = select(User, present.c.since).join(present, present.c.user_id == User.id)
    if page.distribution == "window" or assigned:
        query = query.where(User.id.in_(assigned))
    else:
        query = query.where(User.group_id.in_(select(PageGroup.group_id).where(PageGroup.page_id == page.id)))
    rows = db.execute(query.order_by(present.c.since, User.id)).all()
    return Audience(page.id, window.id, window.name, page.distribution,
                    tuple(Member(user.id, display_name(user)) for user, _ in rows))


def agent_windows(db: Session, agent_id: int, only: int | None = None) -> list[int]:
    """The windows whose entries ``agent_id`` sees (module rule 1, presence aside); ``only``: just that one."""
    user = db.get_one(User, agent_id)
    group_pages = select(PageGroup.page_id).where(PageGroup.group_id == user.group_id)
    mine = select(WindowAgent.window_id).where(WindowAgent.user_id == agent_id)
    anyone = select(WindowAgent.window_id)
    query = (select(PageWindow.id, ConnectionPage.distribution, PageWindow.page_id.in_(group_pages))
             .join(ConnectionPage, ConnectionPage.id == PageWindow.page_id)
             .where(or_(PageWindow.page_id.in_(group_pages), PageWindow.id.in_(mine))))
    rows = db.execute(query if only is None else query.where(PageWindow.id == only)).all()
    assigned_to_me = set(db.scalars(mine))
    staffed = set(db.scalars(anyone.where(WindowAgent.window_id.in_([row[0] for row in rows]))))
    return [window_id for window_id, distribution, in_group in rows
            if serves(distribution, in_group=bool(in_group), assigned=window_id in assigned_to_me,
                      staffed=window_id in staffed)]


def serves(distribution: str, *, in_group: bool, assigned: bool, staffed: bool) -> bool:
    """Whether an agent serves a window (module rule 1): assigned to it, or in a group of its page when the page
    distributes to *all*, or *sequential* with nobody assigned to the window."""
    return assigned or (in_group and (distribution == "all" or (distribution == "sequential" and not staffed)))


def _fields(window: PageWindow, page: ConnectionPage, values: object) -> dict[str, str]:
    return labelled(window.request_fields, page.default_language, values)


def labelled(request_fields: object, language: str, values: object) -> dict[str, str]:
    """A customer's answers keyed by their fields' labels in the page's language."""
    labels = {}
    for field in request_fields if isinstance(request_fields, list) else ():
        names = field.get("labels") or {}
        labels[str(field.get("key"))] = str(names.get(language) or next(iter(names.values()), "")
                                            or field.get("key"))
    answers = values if isinstance(values, dict) else {}
    return {labels.get(str(key), str(key)): str(value) for key, value in answers.items()}


def _view(db: Session, row: QueueEntry) -> EntryView:
    window = db.get_one(PageWindow, row.window_id)
    page = db.get_one(ConnectionPage, window.page_id)
    return EntryView(row.id, page.id, window.id, window.name, row.customer_name, _fields(window, page, row.fields),
                     row.state, row.created_at, row.agent_id, row.session_id, page.distribution)


def entry(db: Session, entry_id: int) -> EntryView:
    """One entry (``NotFoundError`` otherwise)."""
    row = db.get(QueueEntry, entry_id)
    if row is None:
        raise NotFoundError(NO_ENTRY)
    return _view(db, row)


def entry_by_ticket(db: Session, ticket_hash: str) -> EntryView:
    """The entry a customer's ticket stands for."""
    row = db.scalar(select(QueueEntry).where(QueueEntry.ticket_hash == ticket_hash))
    if row is None:
        raise NotFoundError("This queue ticket is unknown: go back to the page and choose a window again.")
    return _view(db, row)


_LISTED = (QueueEntry.id, QueueEntry.window_id, QueueEntry.customer_name, QueueEntry.fields, QueueEntry.state,
           QueueEntry.created_at, QueueEntry.agent_id, QueueEntry.session_id, PageWindow.name, PageWindow.page_id,
           PageWindow.request_fields, PageWindow.estimate_minutes, ConnectionPage.default_language,
           ConnectionPage.distribution)


def queue_of(db: Session, agent_id: int) -> tuple[list[EntryView], dict[int, Place]]:
    """``visible_entries`` and the places of the waiting ones, from one query (``GET /queue``): every waiting
    entry of the agent's windows is listed, so their places are counted from the same rows."""
    windows = agent_windows(db, agent_id)
    rows = db.execute(select(*_LISTED).join(PageWindow, PageWindow.id == QueueEntry.window_id)
                      .join(ConnectionPage, ConnectionPage.id == PageWindow.page_id)
                      .where(or_(QueueEntry.window_id.in_(windows) & QueueEntry.state.in_(WAITING),
                                 (QueueEntry.state == QueueState.ACCEPTED.value) & (QueueEntry.agent_id == agent_id)))
                      .order_by(QueueEntry.created_at, QueueEntry.id)).all()
    entries = [EntryView(row.id, row.page_id, row.window_id, row.name, row.customer_name,
                         labelled(row.request_fields, row.default_language, row.fields), row.state, row.created_at,
                         row.agent_id, row.session_id, row.distribution) for row in rows]
    waiting = sorted((row for row in rows if row.state in WAITING), key=lambda row: row.window_id)  # stable
    estimates = {row.window_id: row.estimate_minutes for row in rows}
    return entries, number_places(((row.id, row.window_id, row.state) for row in waiting), estimates)


def places(db: Session, window_ids: Iterable[int]) -> dict[int, Place]:
    """Every waiting entry's place in these windows, by entry id (module rule 3)."""
    estimates = dict(db.execute(select(PageWindow.id, PageWindow.estimate_minutes)
                                .where(PageWindow.id.in_(list(window_ids)))).tuples().all())
    rows = db.execute(select(QueueEntry.id, QueueEntry.window_id, QueueEntry.state)
                      .where(QueueEntry.window_id.in_(list(estimates)), QueueEntry.state.in_(WAITING))
                      .order_by(QueueEntry.window_id, QueueEntry.created_at, QueueEntry.id)).all()
    return number_places(rows, estimates)


def number_places(rows: Iterable[Sequence[Any]], estimates: dict[int, int]) -> dict[int, Place]:
    """Places from ``(entry id, window id, state)`` rows of waiting entries ordered by window, then creation
    (module rule 3): the n-th of a window is at position n and waits n × the window's estimate."""
    out: dict[int, Place] = {}
    counts: dict[int, int] = {}
    for entry_id, window_id, state in rows:
        counts[window_id] = counts.get(window_id, 0) + 1
        number = counts[window_id]
        out[entry_id] = Place(entry_id, window_id, number, number * estimates[window_id], state)
    return out


def joined(db: Session, entry_id: int, connected: Collection[str]) -> tuple[EntryView, Audience]:
    """A new entry and who serves its window (read only: the engine marks it alerted when it alerts anyone)."""
    view = entry(db, entry_id)
    return view, audience(db, view.window_id, connected)


def mark_alerted(db: Session, entry_ids: Collection[int]) -> None:
    """Waiting entries become alerted (an agent was told of them)."""
    db.execute(update(QueueEntry).where(QueueEntry.id.in_(list(entry_ids)),
                                        QueueEntry.state == QueueState.WAITING.value)
               .values(state=QueueState.ALERTED.value).execution_options(synchronize_session=False))


@dataclasses.dataclass(frozen=True)
class Acceptance:
    """What an accept did, with what the engine needs to tell everyone (one transaction, one round trip)."""

    entry: EntryView
    agent_name: str
    files: bool  # chat_file_customer
    chat_log: bool  # chat_log_customer
    audience: Audience


def prepare_accept(db: Session, entry_id: int, agent_id: int, connected: Collection[str]) -> Acceptance:
    """The reads of an accept, before ``take``: 404 unless the agent serves the entry's window, 409 when it is not
    waiting; the entry as it will be once taken, the agent's customer-facing name and options, the window's
    audience. Only ``take`` decides."""
    row = db.get(QueueEntry, entry_id)
    if row is None or not agent_windows(db, agent_id, only=row.window_id):
        raise NotFoundError(NO_ENTRY)
    if row.state not in WAITING:
        _refuse(db, row)
    view = _view(db, row)
    options = agent_options(db, agent_id)
    taken = dataclasses.replace(view, state=QueueState.ACCEPTED.value, agent_id=agent_id)
    return Acceptance(taken, agent_name(db, agent_id), options.get("chat_file_customer") is True,
                      options.get("chat_log_customer") is True, audience(db, view.window_id, connected))


def take(db: Session, entry_id: int, agent_id: int) -> None:
    """The write of an accept: the one conditional UPDATE (module rule 2); 409 naming the winner when it lost."""
    if not _take(db, entry_id, agent_id):
        _refuse(db, db.get_one(QueueEntry, entry_id))


def _take(db: Session, entry_id: int, agent_id: int) -> bool:
    """The one conditional UPDATE that decides who gets the entry (module rule 2)."""
    result = db.execute(update(QueueEntry).where(QueueEntry.id == entry_id, QueueEntry.state.in_(WAITING))
                        .values(state=QueueState.ACCEPTED.value, agent_id=agent_id, accepted_at=utcnow())
                        .execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0) == 1


def _refuse(db: Session, row: QueueEntry) -> NoReturn:
    """409 for an entry that is not waiting: naming who took it, or its state."""
    if row.state == QueueState.ACCEPTED.value and row.agent_id is not None:
        taker = db.get(User, row.agent_id)
        name = display_name(taker) if taker else "another agent"
        raise AlreadyTakenError(f"{name} has already accepted this customer: pick another entry.")
    raise NotWaitingError(f"This customer is no longer waiting (state {row.state}): refresh the queue.")


def own_accepted(db: Session, entry_id: int, agent_id: int) -> EntryView:
    """An entry the caller accepted and has not ended (404 / 409 otherwise)."""
    row = db.get(QueueEntry, entry_id)
    if row is None or row.agent_id != agent_id:
        raise NotFoundError(NO_ENTRY)
    if row.state != QueueState.ACCEPTED.value:
        raise NotAcceptedError(f"This chat is not open (state {row.state}): accept the customer first.")
    return _view(db, row)


def option_on(db: Session, agent_id: int, key: str) -> bool:
    """Whether an option is on for the agent."""
    return agent_options(db, agent_id).get(key) is True


def require_option(db: Session, agent_id: int, key: str, what: str) -> None:
    """403 naming ``key`` when it is off for the agent."""
    if not option_on(db, agent_id, key):
        raise ForbiddenError(f"{what} is turned off by the option {key}: ask your administrator to turn it on.")


def leave(db: Session, entry_id: int) -> bool:
    """The customer leaves while waiting; True when the entry left now."""
    result = db.execute(update(QueueEntry).where(QueueEntry.id == entry_id, QueueEntry.state.in_(WAITING))
                        .values(state=QueueState.LEFT.value, ended_at=utcnow())
                        .execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0) == 1


def leave_entry(db: Session, entry_id: int, connected: Collection[str]) -> tuple[EntryView, Audience] | None:
    """``leave`` with the entry and its window's audience (None when it was no longer waiting)."""
    if not leave(db, entry_id):
        return None
    view = entry(db, entry_id)
    return view, audience(db, view.window_id, connected)


def set_session(db: Session, entry_id: int, session_id: str) -> None:
    """Link the remote session started from the chat."""
    db.get_one(QueueEntry, entry_id).session_id = session_id


def agent_name(db: Session, agent_id: int) -> str:
    """The name customers see for the agent."""
    return display_name(db.get_one(User, agent_id))


def add_line(db: Session, entry_id: int, sender: str, name: str, text: str, *, file_id: int | None = None) -> ChatRow:
    """Store one chat line (module rule 4)."""
    if len(text) > MAX_CHAT:
        raise ValueError(f"a chat line holds at most {MAX_CHAT} characters")
    row = QueueChatLine(entry_id=entry_id, sender=sender, name=name[:100], text=text, file_id=file_id, at=utcnow())
    db.add(row)
    db.flush()
    file = _file_row(db.get_one(QueueChatFile, file_id)) if file_id is not None else None
    return ChatRow(row.id, entry_id, sender, row.name, text, row.at, file)


def add_file(db: Session, entry_id: int, sender: str, sender_name: str, *, name: str, size: int,
             stored_name: str) -> ChatRow:
    """Store a chat file and its chat line."""
    row = QueueChatFile(entry_id=entry_id, sender=sender, name=name[:200], size=size, stored_name=stored_name)
    db.add(row)
    db.flush()
    return add_line(db, entry_id, sender, sender_name, "", file_id=row.id)


def _file_row(row: QueueChatFile) -> FileRow:
    return FileRow(row.id, row.entry_id, row.sender, row.name, row.size, row.stored_name)


def chat_of(db: Session, entry_id: int) -> list[ChatRow]:
    """The entry's chat, in order."""
    rows = db.scalars(select(QueueChatLine).where(QueueChatLine.entry_id == entry_id).order_by(QueueChatLine.id))
    files = {row.id: _file_row(row) for row in db.scalars(
        select(QueueChatFile).where(QueueChatFile.entry_id == entry_id))}
    return [ChatRow(row.id, entry_id, row.sender, row.name, row.text, row.at,
                    files.get(row.file_id) if row.file_id else None) for row in rows]


def file_of(db: Session, entry_id: int, file_id: int) -> FileRow:
    """One file of the entry's chat."""
    row = db.get(QueueChatFile, file_id)
    if row is None or row.entry_id != entry_id:
        raise NotFoundError("There is no such file in this chat (it may have been deleted with the chat).")
    return _file_row(row)


def stored_files(db: Session) -> set[str]:
    """The stored names of every chat file still on record (the sweep deletes the others on disk)."""
    return set(db.scalars(select(QueueChatFile.stored_name)))


@dataclasses.dataclass(frozen=True)
class Ending:
    """What ending an entry did."""

    entry: EntryView
    ended: bool
    kept: bool
    dropped_files: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class EndPlan:
    """What ending an entry will do, read before the write (``prepare_end``)."""

    entry: EntryView
    keep: bool
    session_id: str | None


def prepare_end(db: Session, entry_id: int, agent_id: int | None = None) -> EndPlan:
    """The reads of an end: the entry (404 unless it is the agent's) and whether its chat is kept
    (chat_log_server of the agent who accepted)."""
    row = db.get(QueueEntry, entry_id)
    if row is None or (agent_id is not None and row.agent_id != agent_id):
        raise NotFoundError(NO_ENTRY)
    keep = row.state == QueueState.ACCEPTED.value and row.agent_id is not None and \
        option_on(db, row.agent_id, "chat_log_server")
    return EndPlan(_view(db, row), keep, row.session_id)


def finish(db: Session, plan: EndPlan) -> Ending:
    """End an accepted entry (served, or the agent's login ended); keep or delete its chat as planned.

    With a remote session linked and the chat kept, the lines are copied to the session's chat (history detail).
    The state changes by one conditional UPDATE (``state = accepted``), so an entry ends once however many end it
    at the same time.
    """
    entry_id = plan.entry.id
    result = db.execute(update(QueueEntry).where(QueueEntry.id == entry_id,
                                                 QueueEntry.state == QueueState.ACCEPTED.value)
                        .values(state=QueueState.SERVED.value, ended_at=utcnow())
                        .execution_options(synchronize_session=False))
    if int(getattr(result, "rowcount", 0) or 0) != 1:
        return Ending(plan.entry, False, False)
    dropped: tuple[str, ...] = ()
    if plan.keep and plan.session_id:
        _copy_to_session(db, chat_of(db, entry_id), plan.session_id)
    elif not plan.keep:
        dropped = tuple(db.scalars(select(QueueChatFile.stored_name).where(QueueChatFile.entry_id == entry_id)))
        db.execute(delete(QueueChatLine).where(QueueChatLine.entry_id == entry_id))
        if dropped:
            db.execute(delete(QueueChatFile).where(QueueChatFile.entry_id == entry_id))
    return Ending(dataclasses.replace(plan.entry, state=QueueState.SERVED.value), True, plan.keep, dropped)


def _copy_to_session(db: Session, lines: list[ChatRow], session_id: str) -> None:
    for line in lines:
        text = line.text or (f"[file] {line.file.name}" if line.file else "")
        db.add(ChatLine(session_id=session_id, client_id=f"queue-{line.id}", sender=line.sender, text=text,
                        sent_at=line.at))


def dead_logins(db: Session, token_hashes: Collection[str]) -> set[str]:
    """Those of these token digests that no longer work (logged out, forced out, expired)."""
    alive = set(db.scalars(select(Token.token_hash).where(Token.token_hash.in_(list(token_hashes)),
                                                          live_tokens(utcnow()))))
    return set(token_hashes) - alive
