"""Usage management for the admin page: who is logged in now, login history, licence use (run inside
``Database.call``); the force logout itself is ``server.notify.force_logout_user``.

Scope (``server.admin.scope``): a company admin sees the company, a group admin their group, an agent only
themselves. Login history rows whose ``user_id`` is NULL (an unknown login ID, or a user deleted since)
belong to no company: this API shows them to nobody, so a login ID typed at one company's page never
shows up in another company's history.

A login is *present* (holds a concurrent licence) while its push socket is open, or for
``PRESENCE_GRACE`` after its token was given: the same rule ``server.accounts.login`` applies.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Collection, Sequence

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from server.accounts import Caller, holds_licence, live_tokens
from server.admin.scope import admin_target, require_role, visible_users
from server.errors import BadRequestError
from server.models import Company, Group, LicenceKind, LoginHistory, Role, Token, TokenKind, User, utcnow


@dataclasses.dataclass(frozen=True)
class LiveLogin:
    """One live agent-app login and whether its push socket is open now."""

    user_id: int
    login_id: str
    name: str
    group: str | None
    since: datetime.datetime
    expires_at: datetime.datetime
    address: str | None
    mac: str | None
    client_version: str | None
    connected: bool


@dataclasses.dataclass(frozen=True)
class HistoryFilter:
    """What ``login_history`` keeps: each field set narrows it; dates are whole UTC days, both included."""

    kind: TokenKind | None = None
    login_id: str | None = None
    result: str | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None
    limit: int = 100
    offset: int = 0


@dataclasses.dataclass(frozen=True)
class HistoryRow:
    """One login attempt."""

    id: int
    at: datetime.datetime
    login_id: str
    user_id: int | None
    kind: str
    result: str
    reason: str
    address: str | None
    mac: str | None
    client_version: str | None


@dataclasses.dataclass(frozen=True)
class HistorySlice:
    """One page of history rows (newest first) and how many rows match in all."""

    total: int
    rows: tuple[HistoryRow, ...]


@dataclasses.dataclass(frozen=True)
class Holder:
    """A user holding a licence (``since``: when the oldest present login began; None for named licences)."""

    user_id: int
    login_id: str
    name: str
    group: str | None
    since: datetime.datetime | None


@dataclasses.dataclass(frozen=True)
class Licence:
    """The company's licence and its use now."""

    kind: str
    count: int | None
    holders: tuple[Holder, ...]


def _live_tokens(now: datetime.datetime) -> Select[Token, User, str]:
    """Live agent-app tokens with their user and group name, newest first."""
    return (select(Token, User, Group.name).join(User, User.id == Token.user_id)
            .outerjoin(Group, Group.id == User.group_id)
            .where(live_tokens(now))
            .order_by(Token.created_at.desc(), Token.id.desc()))


def logins_now(db: Session, caller: Caller, connected: Collection[str]) -> list[LiveLogin]:
    """The live agent-app logins of the users the caller may see; ``connected`` holds open sockets' digests."""
    rows = db.execute(_live_tokens(utcnow()).where(visible_users(caller))).tuples()
    return [LiveLogin(user.id, user.login_id, user.name, group, token.created_at, token.expires_at, token.address,
                      token.mac, token.client_version, token.token_hash in connected)
            for token, user, group in rows]


def check_logout_target(db: Session, caller: Caller, user_id: int) -> None:
    """Raise unless the caller may end this user's logins (company admin; group admin for their group)."""
    admin_target(db, caller, user_id, "end the logins")


def ended_by_admin(reason: str | None) -> str:
    """The sentence an agent is told (and its ended token keeps) when an administrator ends its login."""
    reason = (reason or "").strip()
    return f"Ended by an administrator: {reason}" if reason else "Ended by an administrator."


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, datetime.UTC)


def _day_end(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.max, datetime.UTC)


def _history_conditions(caller: Caller, wanted: HistoryFilter) -> list[ColumnElement[bool]]:
    if wanted.since and wanted.until and wanted.since > wanted.until:
        raise BadRequestError(f"since ({wanted.since}) is after until ({wanted.until}): give since on or before "
                              "until (both are whole UTC days and both are included).")
    conditions = [visible_users(caller)]
    if wanted.kind is not None:
        conditions.append(LoginHistory.kind == wanted.kind.value)
    if wanted.login_id is not None:
        conditions.append(LoginHistory.login_id == wanted.login_id)
    if wanted.result is not None:
        conditions.append(LoginHistory.result == wanted.result)
    if wanted.since is not None:
        conditions.append(LoginHistory.at >= _day_start(wanted.since))
    if wanted.until is not None:
        conditions.append(LoginHistory.at <= _day_end(wanted.until))
    return conditions


def _row(entry: LoginHistory) -> HistoryRow:
    return HistoryRow(entry.id, entry.at, entry.login_id, entry.user_id, entry.kind, entry.result, entry.reason,
                      entry.address, entry.mac, entry.client_version)


def login_history(db: Session, caller: Caller, wanted: HistoryFilter) -> HistorySlice:
    """The login history rows of the users the caller may see that match ``wanted``, newest first."""
    conditions = _history_conditions(caller, wanted)
    matching = select(LoginHistory).join(User, User.id == LoginHistory.user_id).where(*conditions)
    total = db.scalar(select(func.count()).select_from(matching.subquery())) or 0
    page = db.scalars(matching.order_by(LoginHistory.at.desc(), LoginHistory.id.desc())
                      .limit(wanted.limit).offset(wanted.offset))
    return HistorySlice(total, tuple(_row(entry) for entry in page))


def _present_holders(db: Session, company_id: int, connected: Collection[str]) -> list[Holder]:
    now = utcnow()
    rows = db.execute(_live_tokens(now).where(User.company_id == company_id)).tuples()
    oldest: dict[int, Holder] = {}
    for token, user, group in rows:  # newest first: the last seen is the oldest present login
        if holds_licence(token, connected, now):
            oldest[user.id] = Holder(user.id, user.login_id, user.name, group, token.created_at)
    return sorted(oldest.values(), key=lambda holder: holder.login_id)


def _named_holders(db: Session, company_id: int) -> Sequence[Holder]:
    rows = db.execute(select(User, Group.name).outerjoin(Group, Group.id == User.group_id)
                      .where(User.company_id == company_id).order_by(User.login_id)).tuples()
    return [Holder(user.id, user.login_id, user.name, group, None) for user, group in rows]


def licence_use(db: Session, caller: Caller, connected: Collection[str]) -> Licence:
    """The company's licence and who holds one now (company admins only).

    Concurrent: the distinct users with a present agent-app login. Named: every user ID of the company
    (any role may log in to the agent app, so each ID takes a licence).
    """
    require_role(caller, "see the company's licence", Role.COMPANY_ADMIN)
    company = db.get_one(Company, caller.company_id)
    if company.licence_kind == LicenceKind.CONCURRENT.value:
        holders: Sequence[Holder] = _present_holders(db, company.id, connected)
    else:
        holders = _named_holders(db, company.id)
    return Licence(company.licence_kind, company.licence_count, tuple(holders))
