"""Agents and their bearer tokens: login, logout, token lookup (run inside ``Database.call``)."""

from __future__ import annotations

import dataclasses
import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from server.errors import NotAuthenticatedError
from server.models import Company, Group, Token, User, utcnow
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
class LoginResult:
    """A fresh token (shown once) and whom it belongs to."""

    token: str
    expires_at: datetime.datetime
    agent: Agent


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


def login(db: Session, login_id: str, password: str, ttl_s: float) -> LoginResult:
    """Check the password and issue a token valid for ``ttl_s`` seconds."""
    user = db.scalars(select(User).where(User.login_id == login_id)).one_or_none()
    if not verify_password(user.password_hash if user else None, password) or user is None:
        raise NotAuthenticatedError("Wrong login ID or password: check both and try again.")
    token = new_token()
    expires_at = utcnow() + datetime.timedelta(seconds=ttl_s)
    db.add(Token(token_hash=token_digest(token), user_id=user.id, expires_at=expires_at))
    return LoginResult(token, expires_at, _agent(db, user))


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
                company_id=company_row.id, group_id=group_id)
    db.add(user)
    db.flush()
    return _agent(db, user)
