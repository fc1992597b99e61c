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

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from server.errors import (
    AccountLockedError,
    AddressNotAllowedError,
    ApiError,
    NotAuthenticatedError,
    PasswordExpiredError,
    PasswordRulesError,
)
from server.login_rules import (
    LockoutPolicy,
    LockoutState,
    LockStatus,
    PasswordLevel,
    check_password,
    is_locked,
    password_expired,
    register_failure,
    register_success,
    reset_lock,
)
from server.models import Company, Group, LoginHistory, LoginResult, Token, User, utcnow
from server.options import access_decision, options_of
from server.policy import EffectiveOptions
from server.security import hash_password, new_token, token_digest, verify_password

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
    """A fresh token (shown once) and whom it belongs to."""

    token: str
    expires_at: datetime.datetime
    agent: Agent
    options: EffectiveOptions


@dataclasses.dataclass(frozen=True)
class Caller:
    """An authenticated agent and the digest of the token they used."""

    agent: Agent
    token_hash: str


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


def lockout_policy(company: Company) -> LockoutPolicy:
    """The company's lock settings (five failures; the lock time, or None: until an admin resets it)."""
    minutes = company.lock_minutes
    return LockoutPolicy(lock_time=datetime.timedelta(minutes=minutes) if minutes else None)


def _locked_error(status: LockStatus, now: datetime.datetime) -> AccountLockedError:
    if status.remaining is None:
        return AccountLockedError(status.message())
    until = (now + status.remaining).strftime("%Y-%m-%d %H:%M:%S UTC")
    return AccountLockedError(status.message().removesuffix(".") + f" (locked until {until}).")


def _find_user(db: Session, login_id: str) -> User | None:
    """The user, its row locked for this transaction where the database can (failure counts stay exact)."""
    return db.scalars(select(User).where(User.login_id == login_id).with_for_update()).one_or_none()


def _check_credentials(
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
        state = register_failure(state, now, policy)
        user.failed_logins, user.locked_at = state.failures, state.locked_at
        if state.locked_at is not None:
            error = _locked_error(is_locked(state, now, policy), now)
            return LoginResult.FAILED, f"Wrong password ({state.failures} in a row): account locked.", error
        return LoginResult.FAILED, f"Wrong password ({state.failures} in a row).", NotAuthenticatedError(
            WRONG_CREDENTIALS)
    state = register_success(state)
    user.failed_logins, user.locked_at = state.failures, state.locked_at
    return None, "", None


def _record(db: Session, login_id: str, user: User | None, result: LoginResult, reason: str, *,
            client: ClientInfo) -> None:
    db.add(LoginHistory(login_id=login_id[:64], user_id=user.id if user else None, result=result.value,
                        reason=reason[:300], address=(client.address or None) and client.address[:64],
                        client_version=(client.client_version or None) and client.client_version[:64]))


def login(
    db: Session, login_id: str, password: str, ttl_s: float, client: ClientInfo | None = None
) -> LoginGrant | ApiError:
    """Check lock, password, allow lists and password age; a token valid for ``ttl_s`` seconds and the
    agent's effective options, or the refusal to raise.

    Every attempt is written to the login history in this transaction; the caller raises a returned
    refusal only after the commit, so failure counts and history rows are kept.
    """
    client = client or ClientInfo()
    now = utcnow()
    user = _find_user(db, login_id)
    result, reason, error = _check_credentials(db, user, password, now)
    if error is not None:
        _record(db, login_id, user, result or LoginResult.FAILED, reason, client=client)
        return error
    assert user is not None
    decision = access_decision(db, user, client.address, client.mac)
    if not decision.allowed:
        _record(db, login_id, user, LoginResult.REFUSED, decision.reason, client=client)
        return AddressNotAllowedError(decision.reason)
    company = db.get_one(Company, user.company_id)
    if password_expired(user.password_changed_at or user.created_at, company.password_lifetime_days, now):
        _record(db, login_id, user, LoginResult.EXPIRED, "Password expired.", client=client)
        return PasswordExpiredError(EXPIRED)
    token = new_token()
    expires_at = now + datetime.timedelta(seconds=ttl_s)
    db.add(Token(token_hash=token_digest(token), user_id=user.id, expires_at=expires_at))
    _record(db, login_id, user, LoginResult.OK, "Logged in.", client=client)
    return LoginGrant(token, expires_at, _agent(db, user), options_of(db, user))


def change_password(db: Session, login_id: str, current_password: str, new_password: str) -> ApiError | None:
    """Change a password (no token needed); None on success, else the refusal to raise after the commit.

    The current password is checked like a login (a wrong one counts towards the lock), then the new one
    against the company's password level, and it may not be the current one.
    """
    now = utcnow()
    user = _find_user(db, login_id)
    _, _, error = _check_credentials(db, user, current_password, now)
    if error is not None:
        return error
    assert user is not None
    company = db.get_one(Company, user.company_id)
    current_hash = user.password_hash
    violations = check_password(new_password, PasswordLevel(company.password_level),
                                current_hash_verifier=lambda candidate: verify_password(current_hash, candidate))
    if violations:
        return PasswordRulesError("The new password breaks these rules: "
                                  + " ".join(v.message for v in violations))
    user.password_hash = hash_password(new_password)
    user.password_changed_at = now
    state = reset_lock()
    user.failed_logins, user.locked_at = state.failures, state.locked_at
    return None


def authenticate(db: Session, token: str | None) -> Caller:
    """The agent a bearer token belongs to, or ``NotAuthenticatedError``."""
    if not token:
        raise NotAuthenticatedError(f"This call needs an agent's bearer token: {LOGIN_HINT}.")
    digest = token_digest(token)
    row = db.scalars(select(Token).where(Token.token_hash == digest)).one_or_none()
    if row is None or row.revoked or row.expires_at <= utcnow():
        raise NotAuthenticatedError(f"The bearer token is unknown, expired or logged out: {LOGIN_HINT}.")
    return Caller(load_agent(db, row.user_id), digest)


def logout(db: Session, token_hash: str) -> None:
    """Revoke one token."""
    db.execute(update(Token).where(Token.token_hash == token_hash).values(revoked=True))


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
