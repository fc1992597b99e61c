"""Stored option policies (run inside ``Database.call``): a group's states and values, an agent's values.

The rules live in ``server.policy`` (effective options, what an agent may write) and
``server.login_rules`` (IP and MAC allow lists); this module only reads and writes their rows. A key with
no row takes the catalogue's default, so a new group stores nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.errors import OptionForcedError, OptionInvalidError, UnavailableError
from server.login_rules import (
    Decision,
    GroupAccessRules,
    GroupState,
    IpAllowList,
    LoginRulesError,
    MacAllowList,
    UserAccessRules,
    login_allowed,
    parse_ip_list,
    parse_mac_list,
)
from server.models import GroupOption, User, UserOption
from server.policy import (
    EffectiveOptions,
    ForcedOptionError,
    GroupPolicy,
    PolicyError,
    effective_options,
    get_option,
    normalise,
    validate_user_values,
)
from server.policy.model import to_json_value

log = logging.getLogger(__name__)


def _sentence(lead: str, message: str) -> str:
    """One sentence: ``lead``, then the policy's message (which starts with the option key, kept as is)."""
    return f"{lead}: {message.rstrip('.')}."


def group_policy(db: Session, group_id: int | None) -> GroupPolicy:
    """The stored policy of a group (an empty one, catalogue defaults, for no group or no rows).

    A stored policy the catalogue no longer accepts gives ``UnavailableError`` naming what is wrong.
    """
    if group_id is None:
        return GroupPolicy()
    rows = db.scalars(select(GroupOption).where(GroupOption.group_id == group_id)).all()
    try:
        states = {row.key: GroupState(row.state) for row in rows if row.state is not None}
        values = {row.key: row.value for row in rows if row.value is not None}
        return GroupPolicy(states=states, values=values)
    except (PolicyError, ValueError) as exc:
        log.error("group %s has an invalid stored option policy: %s", group_id, exc)
        raise UnavailableError(
            f"Your group's option settings are invalid ({exc}): ask a group admin to fix them.") from exc


def user_values(db: Session, user_id: int) -> dict[str, object]:
    """The agent's own stored values, by key."""
    rows = db.scalars(select(UserOption).where(UserOption.user_id == user_id)).all()
    return {row.key: row.value for row in rows}


def options_of(db: Session, user: User) -> EffectiveOptions:
    """The agent's effective options: the group's policy applied to the agent's own values."""
    return effective_options(group_policy(db, user.group_id), user_values(db, user.id))


def agent_options(db: Session, user_id: int) -> EffectiveOptions:
    """``options_of`` for the user with this id."""
    return options_of(db, db.get_one(User, user_id))


def set_user_options(db: Session, user_id: int, changes: Mapping[str, object]) -> EffectiveOptions:
    """Check an agent's write against the group's policy, store it, and return the new effective options.

    A key the group decides gives ``OptionForcedError`` (403), an unknown key or a bad value
    ``OptionInvalidError`` (422); each names the key and the rule.
    """
    user = db.get_one(User, user_id)
    policy = group_policy(db, user.group_id)
    stored = user_values(db, user.id)
    try:
        checked = validate_user_values(changes, policy, stored)
    except ForcedOptionError as exc:
        raise OptionForcedError(_sentence("Option not changed", str(exc))) from exc
    except PolicyError as exc:
        raise OptionInvalidError(_sentence("Options not changed", str(exc))) from exc
    for key, value in checked.items():
        row = db.get(UserOption, (user.id, key))
        if row is None:
            db.add(UserOption(user_id=user.id, key=key, value=to_json_value(value)))
        else:
            row.value = to_json_value(value)
        stored[key] = to_json_value(value)
    db.flush()
    return effective_options(policy, stored)


def _user_value(values: Mapping[str, object], key: str) -> object:
    """The agent's stored value for ``key`` normalised, or None when there is none or it is no longer valid."""
    if key not in values:
        return None
    try:
        return normalise(get_option(key), values[key])
    except PolicyError:
        return None


def _ips(entries: object) -> IpAllowList:
    """A parsed IP allow list; an unreadable one is empty, which refuses every login (fail closed)."""
    try:
        return parse_ip_list([str(item) for item in entries]) if isinstance(entries, (list, tuple)) else ()
    except LoginRulesError:
        return ()


def _macs(entries: object) -> MacAllowList:
    """A parsed MAC allow list; an unreadable one is empty, which refuses every login (fail closed)."""
    try:
        return parse_mac_list([str(item) for item in entries]) if isinstance(entries, (list, tuple)) else ()
    except LoginRulesError:
        return ()


def access_decision(db: Session, user: User, address: str | None, mac: str | None, *,
                    check_mac: bool = True) -> Decision:
    """Whether the IP and MAC allow lists in force (the group's, or the agent's own) admit this login.

    ``check_mac=False`` for the admin page: a browser cannot report a MAC, and SPEC.md's MAC rule is about
    the agent app's login; the IP rule applies to both doors.
    """
    policy = group_policy(db, user.group_id)
    values = user_values(db, user.id)
    group = GroupAccessRules(
        ip_state=policy.state_of("ip_allow"),
        ips=_ips(policy.values.get("ip_allow_list", ())),
        mac_state=policy.state_of("mac_allow") if check_mac else GroupState.NOT_USED,
        macs=_macs(policy.values.get("mac_allow_list", ())),
    )
    own = UserAccessRules(
        ip_enabled=_user_value(values, "ip_allow") is True,
        ips=_ips(_user_value(values, "ip_allow_list")),
        mac_enabled=check_mac and _user_value(values, "mac_allow") is True,
        macs=_macs(_user_value(values, "mac_allow_list")),
    )
    return login_allowed(address, mac, group, own)

