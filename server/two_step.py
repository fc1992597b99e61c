"""Two-step admin login: the e-mailed code's challenge, from its start to the admin token.

Rules this module keeps:

1. The code is never stored: the row holds HMAC-SHA256 of the code keyed by the challenge's own random id,
   so two challenges with the same code store different hashes. (Six digits are few: whoever can read the
   table can still try all of them, so the short life below is what bounds that; the hash keeps the code
   out of backups and logs.)
2. A code lives ``CODE_TTL`` (5 minutes) from its mailing.
3. ``MAX_ATTEMPTS`` (5) wrong codes end the challenge; a right code ends it too (single use). A new login
   ends the user's older challenges, so only the last code mailed works.
4. Codes are compared in constant time, and the attempt count is raised by one guarded UPDATE, so
   concurrent guesses cannot exceed the limit on either database.
5. Every failure is written to the login history (kind admin) in the same transaction; refusals are
   *returned*, so the route raises them after the commit.

The pure part (``code_hash``, ``judge``) takes the time as an argument and is tested with a fake clock.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import hashlib
import hmac
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from server.accounts import (
    ClientInfo,
    LoginGrant,
    SecondStepNeeded,
    admin_login,
    count_wrong_code,
    issue_admin_token,
    record_attempt,
)
from server.errors import ApiError, ForbiddenError, NotAuthenticatedError
from server.models import AdminChallenge, LoginResult, TokenKind, User, utcnow
from server.security import digests_match, new_code

CODE_TTL = datetime.timedelta(minutes=5)
MAX_ATTEMPTS = 5
LOG_IN_AGAIN = "log in again with your ID and password to get a new code"
NO_EMAIL = ("Your company requires a code sent by e-mail to log in to the admin page, but no e-mail address "
            "is registered for your ID: ask your company admin to register one, then log in again.")


class SecondStepFailedError(NotAuthenticatedError):
    """The e-mailed code was wrong, expired, used up or unknown; the sentence says what to do."""

    code = "second_step_failed"


class Verdict(enum.Enum):
    """What a code sent for a challenge amounts to."""

    ACCEPTED = "accepted"
    WRONG = "wrong"
    EXPIRED = "expired"
    USED = "used"
    EXHAUSTED = "exhausted"


@dataclasses.dataclass(frozen=True)
class ChallengeState:
    """What ``judge`` needs of a stored challenge."""

    challenge_id: str
    code_hash: str
    expires_at: datetime.datetime
    attempts: int
    used: bool


@dataclasses.dataclass(frozen=True)
class CodeToSend:
    """A challenge just stored: its id for the client, the plain code for the mail only, and where to send it."""

    challenge_id: str
    code: str
    email: str
    expires_at: datetime.datetime
    user_id: int
    login_id: str


def code_hash(challenge_id: str, code: str) -> str:
    """HMAC-SHA256 of ``code`` keyed by the challenge id (64 hex characters)."""
    return hmac.new(challenge_id.encode("ascii"), code.encode("utf-8"), hashlib.sha256).hexdigest()


def judge(state: ChallengeState, code: str, now: datetime.datetime) -> Verdict:
    """The verdict on ``code`` for this challenge at ``now``; a dead challenge is refused before comparing."""
    if state.used:
        return Verdict.USED
    if state.attempts >= MAX_ATTEMPTS:
        return Verdict.EXHAUSTED
    if now >= state.expires_at:
        return Verdict.EXPIRED
    if digests_match(code_hash(state.challenge_id, code), state.code_hash):
        return Verdict.ACCEPTED
    return Verdict.WRONG


def refusal_sentence(verdict: Verdict, attempts_left: int) -> str:
    """What the admin page shows for a refused code."""
    if verdict is Verdict.WRONG and attempts_left > 0:
        plural = "attempt" if attempts_left == 1 else "attempts"
        return f"The login code is wrong: check the e-mail and type its 6 digits again ({attempts_left} {plural} left)."
    if verdict in (Verdict.WRONG, Verdict.EXHAUSTED):
        return f"The login code was wrong {MAX_ATTEMPTS} times, so it no longer works: {LOG_IN_AGAIN}."
    if verdict is Verdict.EXPIRED:
        minutes = int(CODE_TTL.total_seconds() // 60)
        return f"The login code has expired (it is valid for {minutes} minutes): {LOG_IN_AGAIN}."
    return f"This login code was already used or replaced by a newer one: {LOG_IN_AGAIN}."


def new_challenge_id() -> str:
    """A random challenge id: 32 hex characters (128 bits)."""
    return secrets.token_hex(16)


def open_challenge(
    db: Session, user_id: int, now: datetime.datetime | None = None,
) -> tuple[str, str, datetime.datetime]:
    """Store a new challenge for the user (ending their older ones): ``(challenge_id, code, expires_at)``."""
    now = now or utcnow()
    db.execute(update(AdminChallenge).where(AdminChallenge.user_id == user_id, AdminChallenge.used.is_(False))
               .values(used=True))
    challenge_id, code = new_challenge_id(), new_code()
    expires_at = now + CODE_TTL
    db.add(AdminChallenge(id=challenge_id, user_id=user_id, code_hash=code_hash(challenge_id, code),
                          created_at=now, expires_at=expires_at, attempts=0, used=False))
    return challenge_id, code, expires_at


def start_admin_login(
    db: Session, login_id: str, password: str, ttl_s: float, client: ClientInfo,
) -> LoginGrant | CodeToSend | ApiError:
    """``admin_login``, and when the company wants the second step, a stored challenge and its code to mail.

    A user with no e-mail address gets the refusal (written to the login history).
    """
    result = admin_login(db, login_id, password, ttl_s, client)
    if not isinstance(result, SecondStepNeeded):
        return result
    user = db.get_one(User, result.user_id)
    if not result.email:
        record_attempt(db, user.login_id, user, LoginResult.REFUSED, "No e-mail address registered for the "
                       "two-step login.", client=client, kind=TokenKind.ADMIN)
        return ForbiddenError(NO_EMAIL)
    challenge_id, code, expires_at = open_challenge(db, user.id)
    return CodeToSend(challenge_id, code, result.email, expires_at, user.id, user.login_id)


def drop_challenge(db: Session, challenge_id: str, reason: str, client: ClientInfo) -> None:
    """End a challenge whose code could not be mailed, and write why to the login history."""
    challenge = db.get(AdminChallenge, challenge_id)
    if challenge is None:
        return
    challenge.used = True
    user = db.get_one(User, challenge.user_id)
    record_attempt(db, user.login_id, user, LoginResult.FAILED, reason, client=client, kind=TokenKind.ADMIN)


def _state(row: AdminChallenge) -> ChallengeState:
    return ChallengeState(row.id, row.code_hash, row.expires_at, row.attempts, row.used)


def _spend(db: Session, challenge_id: str, verdict: Verdict) -> bool:
    """Record the verdict with one guarded UPDATE; False when a concurrent request got there first."""
    live = (AdminChallenge.id == challenge_id, AdminChallenge.used.is_(False),
            AdminChallenge.attempts < MAX_ATTEMPTS)
    change = {"used": True} if verdict is Verdict.ACCEPTED else {"attempts": AdminChallenge.attempts + 1}
    done = db.execute(update(AdminChallenge).where(*live).values(**change).execution_options(
        synchronize_session=False))
    return bool(getattr(done, "rowcount", 0) == 1)


def finish_admin_login(
    db: Session, challenge_id: str, code: str, ttl_s: float, client: ClientInfo, *,
    now: datetime.datetime | None = None,
) -> LoginGrant | ApiError:
    """Check the e-mailed code; the admin token when it is right, else the refusal (in the history either way)."""
    now = now or utcnow()
    row = db.scalars(select(AdminChallenge).where(AdminChallenge.id == challenge_id).with_for_update()).one_or_none()
    if row is None:
        record_attempt(db, "", None, LoginResult.FAILED, f"Unknown login code request {challenge_id}.",
                       client=client, kind=TokenKind.ADMIN)
        return SecondStepFailedError(f"This login code request is unknown or has ended: {LOG_IN_AGAIN}.")
    verdict = judge(_state(row), code, now)
    if verdict in (Verdict.ACCEPTED, Verdict.WRONG) and not _spend(db, challenge_id, verdict):
        verdict = Verdict.USED  # another request used or exhausted it meanwhile
    if verdict is Verdict.ACCEPTED:
        return issue_admin_token(db, row.user_id, ttl_s, client)
    db.refresh(row)
    sentence = refusal_sentence(verdict, MAX_ATTEMPTS - row.attempts)
    user = db.get_one(User, row.user_id)
    if verdict is Verdict.WRONG and count_wrong_code(db, user, now):
        sentence = ("Wrong login code, and too many wrong passwords or codes in a row: the account is locked. "
                    "Ask your company admin to unlock it, or wait for the lock time to pass.")
    record_attempt(db, user.login_id, user, LoginResult.FAILED, f"Second step: {sentence}", client=client,
                   kind=TokenKind.ADMIN)
    return SecondStepFailedError(sentence)
