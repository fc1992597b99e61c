"""Login rules, pure logic with no database, HTTP or clock: password levels, lock, IP/MAC allow lists.

``passwords`` checks a password against the company's level, refuses reuse and tells when it expired;
``lockout`` counts wrong passwords and locks the account; ``allow_lists`` parses IP and MAC allow lists
and decides whether an agent may log in from where it is. Each module starts with the rules it keeps.
Every error raised on purpose is a ``LoginRulesError``.
"""

from __future__ import annotations

from server.group_state import GroupState
from server.login_rules.allow_lists import (
    Decision,
    GroupAccessRules,
    IpAllowList,
    MacAllowList,
    UserAccessRules,
    address_allowed,
    ip_entries,
    login_allowed,
    mac_allowed,
    normalise_mac,
    parse_ip_list,
    parse_mac_list,
)
from server.login_rules.errors import AllowListEntryError, LoginRulesError
from server.login_rules.lockout import (
    MAX_FAILURES,
    LockoutPolicy,
    LockoutState,
    LockStatus,
    is_locked,
    register_failure,
    register_success,
    reset_lock,
)
from server.login_rules.passwords import (
    PASSWORD_LIFETIME_DAYS,
    PasswordLevel,
    PasswordRule,
    RuleViolation,
    ViolationCode,
    check_password,
    password_expired,
    password_expires_at,
    rules,
    rules_text,
)

__all__ = [
    "MAX_FAILURES",
    "PASSWORD_LIFETIME_DAYS",
    "AllowListEntryError",
    "Decision",
    "GroupAccessRules",
    "GroupState",
    "IpAllowList",
    "LockStatus",
    "LockoutPolicy",
    "LockoutState",
    "LoginRulesError",
    "MacAllowList",
    "PasswordLevel",
    "PasswordRule",
    "RuleViolation",
    "UserAccessRules",
    "ViolationCode",
    "address_allowed",
    "check_password",
    "ip_entries",
    "is_locked",
    "login_allowed",
    "mac_allowed",
    "normalise_mac",
    "parse_ip_list",
    "parse_mac_list",
    "password_expired",
    "password_expires_at",
    "register_failure",
    "register_success",
    "reset_lock",
    "rules",
    "rules_text",
]
