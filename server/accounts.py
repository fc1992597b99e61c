"""Agents and their bearer tokens: login, logout, token lookup (run inside ``Database.call``).

Login keeps the company's login rules (``server.login_rules``): five wrong passwords lock the account
(for ``Company.lock_minutes``, or until an admin resets it), a password older than the company's lifetime
must be changed before a token is given, and a change must satisfy the company's password level. The
functions that count failures or write the login history *return* the refusal instead of raising it, so
the transaction commits first and the route raises it afterwards.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Collection

from sqlalchemy import ColumnElement, literal, select, update
from sqlalchemy.orm import Session

from server.errors import (
    AccountExpiredError,
    AccountLockedError,
    AddressNotAllowedError,
    ApiError,
    DuplicateLoginError,
    LicenceFullError,
    NotAuthenticatedError,
    PasswordExpiredError,
)
from server.login_rules import (
    LockoutPolicy,
    LockoutState,
    LockStatus,
    LoginRulesError,
    is_locked,
    normalise_mac,
    password_expired,
    register_failure,
)
from server.models import (
    Company,
    Group,
    LicenceKind,
    LoginHistory,
    LoginResult,
    Token,
    TokenKind,
    User,
    utcnow,
)
from server.options import access_decision, options_of
from server.policy import EffectiveOptions
from server.security import hash_password, needs_rehash, new_token, token_digest, verify_password

LOGIN_HINT = "log in again with POST /api/v1/auth/login and send its token as 'Authorization: Bearer <token>'"


@dataclasses.dataclass(frozen=True)
class Agent:
    """The public face of a user, as the API shows it."""

    id: int
    login_id: str
    name: str
    company: str
    group: str | None
    role: str


@dataclasses.dataclass(frozen=True)
class LoginGrant:
    """A fresh token (shown once), whom it belongs to, and the older logins this one ended."""

    token: str
    expires_at: datetime.datetime
    agent: Agent
    options: EffectiveOptions
    ended_tokens: tuple[str, ...] = ()  # digests of the same agent's logins ended by this one
    ended_reason: str = ""


@dataclasses.dataclass(frozen=True)
class SecondStepNeeded:
    """Password and rules passed, but the company wants an e-mailed code before an admin token is given."""

    user_id: int
    login_id: str
    email: str | None


@dataclasses.dataclass(frozen=True)
class Caller:
    """An authenticated user, the digest of the token they used and the door it was given at."""

    agent: Agent
    token_hash: str
    company_id: int = 0
    group_id: int | None = None
    kind: str = TokenKind.AGENT.value


PRESENCE_GRACE = datetime.timedelta(seconds=60)
"""A login holds a concurrent licence for this long after its token was given, before its push socket is
open (two agents logging in at the same instant cannot both take the last licence)."""


def _agent(db: Session, user: User) -> Agent:
    company = db.get_one(Company, user.company_id)
    group = db.get(Group, user.group_id) if user.group_id is not None else None
    return Agent(user.id, user.login_id, user.name, company.name, group.name if group else None, user.role)


def load_agent(db: Session, user_id: int) -> Agent:
    """The agent with this id (it must exist)."""
    return _agent(db, db.get_one(User, user_id))


WRONG_CREDENTIALS = "Wrong login ID or password: check both and try again."
EXPIRED = "password expired: change it with POST /api/v1/auth/password, then log in again."


@dataclasses.dataclass(frozen=True)
class ClientInfo:
    """Where a login attempt came from, for the login history."""

    address: str | None = None
    client_version: str | None = None
    mac: str | None = None  # reported by the agent, for the MAC allow list

    def mac_normalised(self) -> str | None:
        """The MAC as the history and token rows keep it (12 upper-case hex digits), or None."""
        try:
            return normalise_mac(self.mac) if self.mac else None
        except LoginRulesError:
            return None


def lockout_policy(company: Company) -> LockoutPolicy:
    """The company's lock settings (five failures; the lock time, or None: until an admin resets it)."""
    minutes = company.lock_minutes
    return LockoutPolicy(lock_time=datetime.timedelta(minutes=minutes) if minutes else None)


def _locked_error(status: LockStatus, now: datetime.datetime) -> AccountLockedError:
    if status.remaining is None:
        return AccountLockedError(status.message())
    until = (now + status.remaining).strftime("%Y-%m-%d %H:%M:%S UTC")
    return AccountLockedError(status.message().removesuffix(".") + f" (locked until {until}).")


def find_user(db: Session, login_id: str) -> User | None:
    """The user, its row locked for this transaction where the database can (failure counts stay exact)."""
    return db.scalars(select(User).where(User.login_id == login_id).with_for_update()).one_or_none()


def check_credentials(
    db: Session, user: User | None, password: str, now: datetime.datetime
) -> tuple[LoginResult | None, str, ApiError | None]:
    """The lock and password checks shared by login and password change: (history result, reason, refusal)."""
    if user is None:
        verify_password(None, password)  # same time as a known user
        return None, "Unknown login ID.", NotAuthenticatedError(WRONG_CREDENTIALS)
    company = db.get_one(Company, user.company_id)
    policy = lockout_policy(company)
    state = LockoutState(user.failed_logins, user.locked_at)
    status = is_locked(state, now, policy)
    if status.locked:
        error = _locked_error(status, now)
        return LoginResult.LOCKED, error.detail, error
    if not verify_password(user.password_hash, password):
        state = _count_failure(db, user, now, policy)
        if state.locked_at is not None:
            error = _locked_error(is_locked(state, now, policy), now)
            return LoginResult.FAILED, f"Wrong password ({state.failures} in a row): account locked.", error
        return LoginResult.FAILED, f"Wrong password ({state.failures} in a row).", NotAuthenticatedError(
            WRONG_CREDENTIALS)
    if not _count_success(db, user):  # a parallel attempt locked the account meanwhile
        error = _locked_error(is_locked(LockoutState(policy.max_failures, now), now, policy), now)
        return LoginResult.LOCKED, error.detail, error
    if needs_rehash(user.password_hash):  # made with older Argon2 parameters: move it to the current ones
        user.password_hash = hash_password(password)
    return None, "", None


_NO_SYNC = {"synchronize_session": False}  # the attributes are expired instead


def _same_lock(user: User) -> ColumnElement[bool]:
    """The user's row still has the lock state this attempt read (no parallel attempt locked it since)."""
    return User.locked_at.is_(None) if user.locked_at is None else User.locked_at == user.locked_at


def _count_failure(db: Session, user: User, now: datetime.datetime, policy: LockoutPolicy) -> LockoutState:
    """Count a wrong password in one statement (parallel attempts each count), locking at the limit.

    An expired timed lock starts a new count. The row's new count decides, not what this attempt read.
    """
    fresh_count = User.failed_logins + 1 if user.locked_at is None else literal(1)
    failures = db.execute(update(User).where(User.id == user.id, _same_lock(user))
                          .values(failed_logins=fresh_count, locked_at=None).returning(User.failed_logins),
                          execution_options=_NO_SYNC).scalar_one_or_none()
    if failures is None:  # a parallel attempt locked the account or started a new count first: count on it
        failures = db.execute(update(User).where(User.id == user.id)
                              .values(failed_logins=User.failed_logins + 1).returning(User.failed_logins),
                              execution_options=_NO_SYNC).scalar_one()
    state = register_failure(LockoutState(failures - 1, None), now, policy)
    if state.locked_at is not None:
        db.execute(update(User).where(User.id == user.id, User.locked_at.is_(None)).values(locked_at=state.locked_at),
                   execution_options=_NO_SYNC)
    db.expire(user, ["failed_logins", "locked_at"])
    return state


def count_wrong_code(db: Session, user: User, now: datetime.datetime) -> bool:
    """A wrong e-mailed login code counts like a wrong password (so knowing the password does not give endless
    code guesses); True when it locked the account."""
    policy = lockout_policy(db.get_one(Company, user.company_id))
    if is_locked(LockoutState(user.failed_logins, user.locked_at), now, policy).locked:
        return True
    return _count_failure(db, user, now, policy).locked_at is not None


def _count_success(db: Session, user: User) -> bool:
    """Clear the count after a right password, unless a parallel attempt locked the account meanwhile."""
    cleared = db.execute(update(User).where(User.id == user.id, _same_lock(user))
                         .values(failed_logins=0, locked_at=None).returning(User.id),
                         execution_options=_NO_SYNC).scalar_one_or_none()
    db.expire(user, ["failed_logins", "locked_at"])
    return cleared is not None


def _cut(text: str | None, length: int) -> str | None:
    return text[:length] if text else None


def record_attempt(db: Session, login_id: str, user: User | None, result: LoginResult, reason: str, *,
                   client: ClientInfo, kind: TokenKind = TokenKind.AGENT) -> None:
    """Add one row to the login history (agent or admin login)."""
    db.add(LoginHistory(login_id=login_id[:64], user_id=user.id if user else None, result=result.value,
                        reason=reason[:300], address=_cut(client.address, 64),
                        client_version=_cut(client.client_version, 64), mac=client.mac_normalised(),
                        kind=kind.value))


def _account_expired(user: User, now: datetime.datetime) -> AccountExpiredError | None:
    if user.expires_at is None or user.expires_at > now:
        return None
    day = user.expires_at.strftime("%Y-%m-%d")
    return AccountExpiredError(f"This account ended on {day} (UTC): ask your administrator to extend it.")


def live_tokens(now: datetime.datetime, kind: TokenKind | None = TokenKind.AGENT) -> ColumnElement[bool]:
    """A WHERE clause for tokens that still work at ``now`` (of one kind, or any): not revoked, not expired."""
    alive = Token.revoked.is_(False) & (Token.expires_at > now)
    return alive if kind is None else alive & (Token.kind == kind.value)


def _live_agent_tokens(db: Session, user_ids: Collection[int] | None, company_id: int,
                       now: datetime.datetime) -> list[Token]:
    query = (select(Token).join(User, User.id == Token.user_id)
             .where(live_tokens(now), User.company_id == company_id))
    if user_ids is not None:
        query = query.where(Token.user_id.in_(user_ids))
    return list(db.scalars(query))


def holds_licence(token: Token, connected: Collection[str], now: datetime.datetime) -> bool:
    """A login holds a concurrent licence while its push socket is open, or shortly after it was given."""
    return token.token_hash in connected or token.created_at > now - PRESENCE_GRACE


def revoke(tokens: Collection[Token], reason: str) -> tuple[str, ...]:
    """Revoke these tokens, keeping why; their digests (to tell and close their push sockets)."""
    for token in tokens:
        token.revoked, token.ended_reason = True, reason[:200]
    return tuple(token.token_hash for token in tokens)


def _since(token: Token) -> str:
    where = f" from {token.address}" if token.address else ""
    return f"{where} since {token.created_at.strftime('%Y-%m-%d %H:%M')} UTC"


def _take_turns(db: Session, company_id: int) -> None:
    """Logins of one company that passed their password take turns from here to their commit: a write on the
    company's row is a row lock on PostgreSQL and the database's write lock on SQLite, so the duplicate-login
    and licence checks below see every login committed before them."""
    db.execute(update(Company).where(Company.id == company_id).values(licence_kind=Company.licence_kind),
               execution_options=_NO_SYNC)


def _duplicate_rule(db: Session, user: User, options: EffectiveOptions, connected: Collection[str],
                    now: datetime.datetime) -> tuple[list[Token], ApiError | None]:
    """The duplicate-login rule, decided but not applied: (the older logins to end, or the refusal).

    With ``agent_force_logout_duplicate`` every older agent-app login of the ID ends (a present one is
    told why); without it a present one refuses the new login.
    """
    mine = _live_agent_tokens(db, [user.id], user.company_id, now)
    if options.get("agent_force_logout_duplicate") is True:
        return mine, None
    present = [token for token in mine if token.token_hash in connected]
    if not present:
        return [], None
    return [], DuplicateLoginError(
        f"This ID is already logged in{_since(present[0])}: log out there first, or ask an administrator "
        "to end that login.")


def _licence_refusal(db: Session, user: User, connected: Collection[str],
                     now: datetime.datetime) -> LicenceFullError | None:
    company = db.get_one(Company, user.company_id)
    if company.licence_kind != LicenceKind.CONCURRENT.value or company.licence_count is None:
        return None
    tokens = _live_agent_tokens(db, None, company.id, now)
    others = {token.user_id for token in tokens if token.user_id != user.id and holds_licence(token, connected, now)}
    if len(others) < company.licence_count:
        return None
    return LicenceFullError(
        f"All {company.licence_count} concurrent licences of {company.name} are in use: try again when an "
        "agent logs out, or ask your administrator for more licences.")


def _rules_refusal(db: Session, user: User, client: ClientInfo, now: datetime.datetime, *,
                   kind: TokenKind = TokenKind.AGENT) -> tuple[LoginResult, ApiError] | None:
    """Account end, allow lists (IP for both doors, MAC for the agent app's) and password age, in that
    order: the first refusal, or None."""
    expired = _account_expired(user, now)
    if expired is not None:
        return LoginResult.REFUSED, expired
    decision = access_decision(db, user, client.address, client.mac, check_mac=kind is TokenKind.AGENT)
    if not decision.allowed:
        return LoginResult.REFUSED, AddressNotAllowedError(decision.reason)
    company = db.get_one(Company, user.company_id)
    if password_expired(user.password_changed_at or user.created_at, company.password_lifetime_days, now):
        return LoginResult.EXPIRED, PasswordExpiredError(EXPIRED)
    return None


def _grant(db: Session, user: User, ttl_s: float, client: ClientInfo, *, kind: TokenKind,
           now: datetime.datetime) -> tuple[str, datetime.datetime]:
    token = new_token()
    expires_at = now + datetime.timedelta(seconds=ttl_s)
    db.add(Token(token_hash=token_digest(token), user_id=user.id, expires_at=expires_at, kind=kind.value,
                 address=_cut(client.address, 64), mac=client.mac_normalised(),
                 client_version=_cut(client.client_version, 64)))
    return token, expires_at


def login(
    db: Session, login_id: str, password: str, ttl_s: float, client: ClientInfo | None = None, *,
    connected: Collection[str] = (),
) -> LoginGrant | ApiError:
    """An agent app's login: lock, password, account end, allow lists, password age, then the duplicate-login
    and concurrent-licence rules; a token valid for ``ttl_s`` seconds and the effective options, or the
    refusal to raise.

    ``connected`` holds the digests of tokens whose push socket is open (the hub knows them): an older
    login counts as present while its socket is open. Every attempt is written to the login history in
    this transaction; the caller raises a returned refusal only after the commit.
    """
    client = client or ClientInfo()
    now = utcnow()
    user = find_user(db, login_id)
    result, reason, error = check_credentials(db, user, password, now)
    if error is not None:
        record_attempt(db, login_id, user, result or LoginResult.FAILED, reason, client=client)
        return error
    assert user is not None
    refusal = _rules_refusal(db, user, client, now)
    if refusal is not None:
        record_attempt(db, login_id, user, refusal[0], refusal[1].detail, client=client)
        return refusal[1]
    _take_turns(db, user.company_id)
    options = options_of(db, user)
    to_end, duplicate = _duplicate_rule(db, user, options, connected, now)
    refused = duplicate or _licence_refusal(db, user, connected, now)
    if refused is not None:  # nothing is ended by a login that is refused
        record_attempt(db, login_id, user, LoginResult.REFUSED, refused.detail, client=client)
        return refused
    ended_reason = "Your ID logged in again" + (f" from {client.address}" if client.address else "") + "."
    ended = revoke(to_end, ended_reason)
    token, expires_at = _grant(db, user, ttl_s, client, kind=TokenKind.AGENT, now=now)
    record_attempt(db, login_id, user, LoginResult.OK, "Logged in.", client=client)
    return LoginGrant(token, expires_at, _agent(db, user), options, ended, ended_reason if ended else "")


def admin_login(
    db: Session, login_id: str, password: str, ttl_s: float, client: ClientInfo | None = None,
) -> LoginGrant | SecondStepNeeded | ApiError:
    """The admin page's login: the same lock, account end, allow-list and password-age rules as an agent's
    (no duplicate or licence rule); with the company's two-step login on, ``SecondStepNeeded`` instead of
    a token (the caller e-mails a code and finishes with ``issue_admin_token``)."""
    client = client or ClientInfo()
    now = utcnow()
    user = find_user(db, login_id)
    result, reason, error = check_credentials(db, user, password, now)
    if error is not None:
        record_attempt(db, login_id, user, result or LoginResult.FAILED, reason, client=client, kind=TokenKind.ADMIN)
        return error
    assert user is not None
    refusal = _rules_refusal(db, user, client, now, kind=TokenKind.ADMIN)
    if refusal is not None:
        record_attempt(db, login_id, user, refusal[0], refusal[1].detail, client=client, kind=TokenKind.ADMIN)
        return refusal[1]
    if db.get_one(Company, user.company_id).two_step_login:
        return SecondStepNeeded(user.id, user.login_id, user.email)
    return issue_admin_token(db, user.id, ttl_s, client)


def issue_admin_token(db: Session, user_id: int, ttl_s: float, client: ClientInfo | None = None) -> LoginGrant:
    """An admin-page token for a user whose login passed every check (and the second step, when asked).

    The lock and the account end are checked again: either may have changed while the e-mailed code was
    on its way (raised, so nothing is written).
    """
    client = client or ClientInfo()
    user = db.get_one(User, user_id)
    now = utcnow()
    status = is_locked(LockoutState(user.failed_logins, user.locked_at), now,
                       lockout_policy(db.get_one(Company, user.company_id)))
    if status.locked:
        raise _locked_error(status, now)
    expired = _account_expired(user, now)
    if expired is not None:
        raise expired
    token, expires_at = _grant(db, user, ttl_s, client, kind=TokenKind.ADMIN, now=utcnow())
    record_attempt(db, user.login_id, user, LoginResult.OK, "Logged in to the admin page.", client=client,
                   kind=TokenKind.ADMIN)
    return LoginGrant(token, expires_at, _agent(db, user), options_of(db, user))


def _token_refusal(row: Token | None, kind: TokenKind, now: datetime.datetime) -> str | None:
    if row is None or row.kind != kind.value:
        return f"The bearer token is unknown: {LOGIN_HINT}."
    if row.revoked:
        why = row.ended_reason or "logged out"
        return f"This login has ended ({why.rstrip('.')}): {LOGIN_HINT}."
    if row.expires_at <= now:
        return f"The bearer token has expired: {LOGIN_HINT}."
    return None


def authenticate(db: Session, token: str | None, kind: TokenKind = TokenKind.AGENT) -> Caller:
    """The user a bearer token of this kind belongs to, or ``NotAuthenticatedError`` saying why not."""
    if not token:
        raise NotAuthenticatedError(f"This call needs a bearer token: {LOGIN_HINT}.")
    digest = token_digest(token)
    row = db.scalars(select(Token).where(Token.token_hash == digest)).one_or_none()
    refusal = _token_refusal(row, kind, utcnow())
    if refusal is not None:
        raise NotAuthenticatedError(refusal)
    assert row is not None
    user = db.get_one(User, row.user_id)
    return Caller(_agent(db, user), digest, user.company_id, user.group_id, row.kind)


def logout(db: Session, token_hash: str) -> None:
    """Revoke one token."""
    db.execute(update(Token).where(Token.token_hash == token_hash).values(revoked=True, ended_reason="Logged out."))


def force_logout(db: Session, user_id: int, reason: str, kind: TokenKind | None = None) -> tuple[str, ...]:
    """End every live login of a user (of one kind, or all); the digests, to tell and close their sockets."""
    query = select(Token).where(Token.user_id == user_id, live_tokens(utcnow(), kind))
    return revoke(list(db.scalars(query)), reason)


def create_agent(
    db: Session, *, login_id: str, name: str, password: str, company: str, group: str | None
) -> Agent:
    """Create a user (and its company and group when they do not exist yet)."""
    company_row = db.scalars(select(Company).where(Company.name == company)).one_or_none()
    if company_row is None:
        company_row = Company(name=company)
        db.add(company_row)
        db.flush()
    group_id = None
    if group is not None:
        group_row = db.scalars(
            select(Group).where(Group.company_id == company_row.id, Group.name == group)
        ).one_or_none()
        if group_row is None:
            group_row = Group(company_id=company_row.id, name=group)
            db.add(group_row)
            db.flush()
        group_id = group_row.id
    user = User(login_id=login_id, name=name, password_hash=hash_password(password),
                company_id=company_row.id, group_id=group_id, password_changed_at=utcnow())
    db.add(user)
    db.flush()
    return _agent(db, user)


@dataclasses.dataclass(frozen=True)
class Profile:
    """The caller's own account, as the agent app's waiting screen shows it."""

    agent: Agent
    nickname: str | None
    expires_at: datetime.datetime | None


def profile_of(db: Session, user_id: int) -> Profile:
    """The user's profile and account end."""
    user = db.get_one(User, user_id)
    return Profile(_agent(db, user), user.nickname, user.expires_at)
