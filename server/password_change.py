"""Changing a password with the current one, and checking a new one against the company's rules as it is
typed (run inside ``Database.call``); neither needs a token, so an expired password can be changed."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts import check_credentials, find_user
from server.errors import ApiError, PasswordRulesError
from server.login_rules import PasswordLevel, ViolationCode, check_password, reset_lock
from server.login_rules import rules as password_rules
from server.models import Company, User, utcnow
from server.security import hash_password, verify_password


def change_password(db: Session, login_id: str, current_password: str, new_password: str) -> ApiError | None:
    """Change a password (no token needed); None on success, else the refusal to raise after the commit.

    The current password is checked like a login (a wrong one counts towards the lock), then the new one
    against the company's password level, and it may not be the current one.
    """
    now = utcnow()
    user = find_user(db, login_id)
    _, _, error = check_credentials(db, user, current_password, now)
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


RULE_IDS = {ViolationCode.TOO_SHORT: "length", ViolationCode.TOO_LONG: "length",
            ViolationCode.CHARACTER_NOT_ALLOWED: "alphabet", ViolationCode.NEEDS_LETTER: "classes",
            ViolationCode.NEEDS_UPPER: "classes", ViolationCode.NEEDS_LOWER: "classes",
            ViolationCode.NEEDS_DIGIT: "classes", ViolationCode.NEEDS_SPECIAL: "classes",
            ViolationCode.DIGIT_RUN: "digit_run", ViolationCode.REUSED: "reuse"}


@dataclasses.dataclass(frozen=True)
class RuleCheck:
    """One rule of the password level, a stable id for clients that show it translated, and whether it is met."""

    id: str
    text: str
    met: bool


def check_new_password(db: Session, login_id: str, new_password: str) -> tuple[str, list[RuleCheck]]:
    """The company's password level for ``login_id`` and each of its rules, met or not by ``new_password``.

    For a password-change dialog that shows the rules as the user types. An unknown ID gets the default
    level (medium), so the answer does not tell which IDs exist; reuse of the current password is checked
    only by the change itself.
    """
    user = db.scalars(select(User).where(User.login_id == login_id)).one_or_none()
    level = PasswordLevel(db.get_one(Company, user.company_id).password_level) if user else PasswordLevel.MEDIUM
    broken = {violation.code for violation in check_password(new_password, level)}
    checks = [RuleCheck(RULE_IDS[min(rule.codes)], rule.text, broken.isdisjoint(rule.codes))
              for rule in password_rules(level)]
    return level.value, checks
