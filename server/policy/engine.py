"""Group policies, agents' own values, and the effective options the server delivers at login.

Rules this module keeps:
- Every option has a group state: *all use* (forced on; a non-bool option takes the group's value),
  *not used* (forced off: ``Option.off``) or *user setting* (the agent's value, else the group's value
  for a non-bool option, else the default). A switch never carries a group value: its state decides.
- A companion (``part_of``) follows its parent's state; it has none of its own.
- A group-only option is never *user setting*. Without an explicit state it is *all use* when the group
  gave a value or its default is not its off value, else *not used*. Agents' values for it are ignored.
- An agent may write only what the group leaves to the agent (``validate_user_value``); a forced write is
  refused with the key and the group's state in the message.
- ``effective_options`` is total: it never raises for stored values that have since become invalid
  (they are logged and skipped); writes are where values are checked.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from types import MappingProxyType

from server.group_state import GroupState
from server.policy.catalogue import BY_KEY, OPTIONS, get_option
from server.policy.errors import ForcedOptionError, InvalidOptionValueError, PolicyError
from server.policy.model import JsonValue, Kind, Option, OptionValue, to_json_value
from server.policy.values import normalise, rule_hint

log = logging.getLogger(__name__)
EffectiveOptions = dict[str, JsonValue]


@dataclasses.dataclass(frozen=True)
class GroupPolicy:
    """A group's state per option and its values for non-bool options; checked when built."""

    states: Mapping[str, GroupState] = dataclasses.field(default_factory=dict)
    values: Mapping[str, OptionValue] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        states = {key: _checked_state(key, state) for key, state in self.states.items()}
        values = {key: _checked_group_value(key, value) for key, value in self.values.items()}
        object.__setattr__(self, "states", MappingProxyType(states))
        object.__setattr__(self, "values", MappingProxyType(values))
        for option in OPTIONS:
            _check_forced_value(self, option)
        check_consistency(effective_options(self, {}), "your group's settings")

    def state_of(self, key: str) -> GroupState:
        """The state that decides ``key``: its own, its parent's for a companion, or the implied one."""
        option = get_option(key)
        if option.part_of is not None:
            return self.state_of(option.part_of)
        explicit = self.states.get(key)
        if explicit is not None:
            return explicit
        if not option.group_only:
            return GroupState.USER_SETTING
        if key in self.values or option.default != option.off:
            return GroupState.ALL_USE
        return GroupState.NOT_USED

    def to_json(self) -> dict[str, dict[str, JsonValue]]:
        """This policy as JSON: ``{"states": {key: state}, "values": {key: value}}``."""
        return {
            "states": {key: state.value for key, state in self.states.items()},
            "values": {key: to_json_value(value) for key, value in self.values.items()},
        }

    @classmethod
    def from_json(cls, data: object) -> GroupPolicy:
        """A policy from ``to_json``'s shape; raises PolicyError saying which part is wrong."""
        if not isinstance(data, Mapping) or not set(data) <= {"states", "values"}:
            raise InvalidOptionValueError('a group policy must be an object with only "states" and "values"')
        states, values = data.get("states", {}), data.get("values", {})
        if not isinstance(states, Mapping) or not isinstance(values, Mapping):
            raise InvalidOptionValueError('a group policy\'s "states" and "values" must be objects keyed by option')
        return cls(states={str(k): _parse_state(str(k), v) for k, v in states.items()}, values=dict(values))


def effective_options(group_policy: GroupPolicy, user_values: Mapping[str, object]) -> EffectiveOptions:
    """Every catalogue key's value for one agent, JSON-ready: forced by the group, else the agent's, else default."""
    return {option.key: to_json_value(_effective(option, group_policy, user_values)) for option in OPTIONS}


def validate_user_value(key: str, value: object, group_policy: GroupPolicy) -> OptionValue:
    """Check an agent's write of one option against the group and the option's rule; return it normalised."""
    option = get_option(key)
    _check_user_may_set(option, group_policy)
    return normalise(option, value)


def validate_user_values(
    changes: Mapping[str, object], group_policy: GroupPolicy, stored: Mapping[str, object] | None = None
) -> dict[str, OptionValue]:
    """Check an agent's write of several options, each and with their ``stored`` others; return the write normalised."""
    checked = {key: validate_user_value(key, value, group_policy) for key, value in changes.items()}
    check_consistency(effective_options(group_policy, {**(stored or {}), **checked}), "your settings")
    return checked


def user_may_set(key: str, group_policy: GroupPolicy) -> bool:
    """Whether the group leaves ``key`` to the agent (its state is *user setting* and it is not group-only)."""
    option = get_option(key)
    return not option.group_only and group_policy.state_of(key) is GroupState.USER_SETTING


def check_consistency(options: Mapping[str, JsonValue], whose: str = "the options") -> None:
    """Raise InvalidOptionValueError if an option another one needs is empty (``ip_allow`` on, no list)."""
    for option in OPTIONS:
        conditions = option.required_if
        if conditions and all(options[key] == value for key, value in conditions) and not options[option.key]:
            raise InvalidOptionValueError(
                f"{option.key} is empty while {_describe(conditions)} in {whose}; "
                f"give it {rule_hint(option)}, or turn {conditions[0][0]} off",
                option.key,
            )


def _effective(option: Option, group_policy: GroupPolicy, user_values: Mapping[str, object]) -> OptionValue:
    state = group_policy.state_of(option.key)
    if state is GroupState.NOT_USED:
        return option.off
    if state is GroupState.ALL_USE:
        return True if option.kind is Kind.BOOL else group_policy.values.get(option.key, option.default)
    if option.key in user_values:
        try:
            return normalise(option, user_values[option.key])
        except PolicyError as exc:
            log.warning("ignoring a stored user value that is no longer valid: %s", exc)
    return group_policy.values.get(option.key, option.default)


def _check_user_may_set(option: Option, group_policy: GroupPolicy) -> None:
    state = group_policy.state_of(option.key)
    if option.group_only:
        message = f"{option.key} is a group-only option (set to '{state.label}' by your group)"
    elif state is GroupState.USER_SETTING:
        return
    elif option.part_of is not None:
        message = f"{option.key} is set to '{state.label}' by your group (it goes with {option.part_of})"
    else:
        message = f"{option.key} is set to '{state.label}' by your group"
    raise ForcedOptionError(f"{message}; only a group admin can change it", option.key, state.value)


def _parse_state(key: str, state: object) -> GroupState:
    try:
        return GroupState(str(state) if isinstance(state, str) else "")
    except ValueError:
        choices = ", ".join(member.value for member in GroupState)
        raise InvalidOptionValueError(f"{key}: {state!r} is not a group state; use one of {choices}", key) from None


def _checked_state(key: str, state: object) -> GroupState:
    option = get_option(key)
    parsed = _parse_state(key, state)
    if option.part_of is not None:
        raise InvalidOptionValueError(
            f"{key} has no state of its own: it follows {option.part_of}; set the state of {option.part_of}", key
        )
    if option.group_only and parsed is GroupState.USER_SETTING:
        raise InvalidOptionValueError(f"{key} is group-only; set it to 'all use' or 'not used'", key)
    return parsed


def _checked_group_value(key: str, value: object) -> OptionValue:
    option = get_option(key)
    if option.kind is Kind.BOOL:
        raise InvalidOptionValueError(
            f"{key} takes no value: its state turns it on ('all use') or off ('not used'); set the state instead",
            key,
        )
    return normalise(option, value)


def _check_forced_value(group_policy: GroupPolicy, option: Option) -> None:
    if option.kind is Kind.BOOL or option.part_of is not None:
        return
    if group_policy.state_of(option.key) is not GroupState.ALL_USE:
        return
    if group_policy.values.get(option.key, option.default) in ("", ()):
        raise InvalidOptionValueError(
            f"{option.key} is set to 'all use' but has no value; give it {rule_hint(option)}, or set it to 'not used'",
            option.key,
        )


def _describe(conditions: tuple[tuple[str, OptionValue], ...]) -> str:
    parts = [f"{key} is {_shown(key, value)}" for key, value in conditions]
    return " and ".join(parts)


def _shown(key: str, value: OptionValue) -> str:
    if BY_KEY[key].kind is Kind.BOOL:
        return "on" if value else "off"
    return repr(value)
