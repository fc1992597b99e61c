"""The effective-options engine: group states, agents' values, group-only options, refused writes."""

from __future__ import annotations

import json
import logging

import pytest

from server.policy import (
    OPTIONS,
    ForcedOptionError,
    GroupPolicy,
    GroupState,
    InvalidOptionValueError,
    PolicyError,
    UnknownOptionError,
    effective_options,
    user_may_set,
    validate_user_value,
    validate_user_values,
)
from server.policy.model import to_json_value

ALL, OFF, USER = GroupState.ALL_USE, GroupState.NOT_USED, GroupState.USER_SETTING


def test_a_new_group_gives_every_default() -> None:
    assert effective_options(GroupPolicy(), {}) == {option.key: to_json_value(option.default) for option in OPTIONS}


@pytest.mark.parametrize(
    ("state", "user", "expected"),
    [
        (ALL, None, True),
        (ALL, False, True),
        (OFF, None, False),
        (OFF, True, False),
        (USER, None, False),  # the default of control_auto_enable
        (USER, True, True),
        (USER, False, False),
    ],
)
def test_the_three_states_on_a_switch(state: GroupState, user: bool | None, expected: bool) -> None:
    values = {} if user is None else {"control_auto_enable": user}
    policy = GroupPolicy(states={"control_auto_enable": state})
    assert effective_options(policy, values)["control_auto_enable"] is expected


def test_a_switch_without_a_state_is_left_to_the_agent() -> None:
    assert GroupPolicy().state_of("mouse_control") is USER
    assert effective_options(GroupPolicy(), {"mouse_control": False})["mouse_control"] is False


def test_a_value_option_takes_the_group_value_under_all_use() -> None:
    policy = GroupPolicy(states={"recording_path": ALL}, values={"recording_path": "/srv/recordings"})
    assert effective_options(policy, {"recording_path": "/home/me"})["recording_path"] == "/srv/recordings"


def test_a_value_option_under_user_setting_uses_agent_then_group_then_default() -> None:
    grouped = GroupPolicy(values={"recording_path": "/srv/recordings"})
    assert effective_options(grouped, {"recording_path": "/home/me"})["recording_path"] == "/home/me"
    assert effective_options(grouped, {})["recording_path"] == "/srv/recordings"
    assert effective_options(GroupPolicy(), {})["recording_path"] == ""


def test_a_value_option_under_not_used_takes_its_off_value() -> None:
    policy = GroupPolicy(states={"recording_path": OFF}, values={"recording_path": "/srv/recordings"})
    assert effective_options(policy, {"recording_path": "/home/me"})["recording_path"] == ""


def test_companions_follow_their_parent() -> None:
    forced = GroupPolicy(
        states={"auto_logout": ALL, "ip_allow": ALL},
        values={"auto_logout_minutes": 10, "ip_allow_list": ("10.0.0.0/8",)},
    )
    mine = {"auto_logout_minutes": 60, "ip_allow_list": ["192.168.0.1"]}
    options = effective_options(forced, mine)
    assert (options["auto_logout"], options["auto_logout_minutes"]) == (True, 10)
    assert (options["ip_allow"], options["ip_allow_list"]) == (True, ["10.0.0.0/8"])
    assert forced.state_of("ip_allow_list") is ALL

    free = effective_options(GroupPolicy(), {"auto_logout": True, **mine})
    assert (free["auto_logout"], free["auto_logout_minutes"]) == (True, 60)

    off = effective_options(GroupPolicy(states={"auto_logout": OFF}, values={"auto_logout_minutes": 5}), mine)
    assert (off["auto_logout"], off["auto_logout_minutes"]) == (False, 30)  # off: the default, not the group's


def test_group_only_options_ignore_agent_values() -> None:
    mine = {"support_log": "required", "expiry_notice": False, "end_popup_url": "https://example.com/"}
    defaults = effective_options(GroupPolicy(), {})
    options = effective_options(GroupPolicy(), mine)
    for key in mine:
        assert options[key] == defaults[key]


def test_group_only_options_take_the_group_value() -> None:
    policy = GroupPolicy(
        states={"expiry_notice": OFF, "email_connection_info": ALL},
        values={"support_log": "required", "end_popup_url": "https://example.com/thanks"},
    )
    options = effective_options(policy, {"support_log": "off", "email_connection_info": False})
    assert options["expiry_notice"] is False
    assert options["email_connection_info"] is True
    assert options["support_log"] == "required"
    assert options["end_popup_url"] == "https://example.com/thanks"
    assert policy.state_of("end_popup_url") is ALL


def test_group_only_implied_states() -> None:
    policy = GroupPolicy()
    assert policy.state_of("expiry_notice") is ALL  # default on
    assert policy.state_of("email_connection_info") is OFF  # default off
    assert policy.state_of("support_log") is ALL  # default "optional", not its off value
    assert policy.state_of("end_popup_url") is OFF  # no URL
    assert GroupPolicy(states={"support_log": OFF}).state_of("support_log") is OFF
    assert effective_options(GroupPolicy(states={"support_log": OFF}), {})["support_log"] == "off"


def test_end_page_combinations() -> None:
    url = "https://example.com/thanks"
    cases = [
        ({"end_notice_page": ALL}, {"end_popup_url": url}, (True, url)),
        ({"end_notice_page": ALL, "end_popup_url": OFF}, {"end_popup_url": url}, (True, "")),
        ({"end_notice_page": OFF}, {"end_popup_url": url}, (False, url)),
        ({"end_notice_page": OFF}, {}, (False, "")),
    ]
    for states, values, expected in cases:
        options = effective_options(GroupPolicy(states=states, values=values), {})
        assert (options["end_notice_page"], options["end_popup_url"]) == expected


@pytest.mark.parametrize(
    ("states", "key", "message"),
    [
        ({"mouse_control": ALL}, "mouse_control", "mouse_control is set to 'all use' by your group; only"),
        ({"file_transfer": OFF}, "file_transfer", "file_transfer is set to 'not used' by your group; only"),
        ({"ip_allow": OFF}, "ip_allow_list", "ip_allow_list is set to 'not used' by your group (it goes with ip_allow"),
        ({}, "support_log", "support_log is a group-only option (set to 'all use' by your group)"),
        ({}, "end_popup_url", "end_popup_url is a group-only option (set to 'not used' by your group)"),
    ],
)
def test_forced_keys_refuse_agent_writes(states: dict[str, GroupState], key: str, message: str) -> None:
    policy = GroupPolicy(states=states)
    value = effective_options(policy, {})[key]
    with pytest.raises(ForcedOptionError) as info:
        validate_user_value(key, value, policy)
    assert str(info.value).startswith(message)
    assert str(info.value).endswith("only a group admin can change it")
    assert info.value.key == key
    assert info.value.state == policy.state_of(key).value
    assert not user_may_set(key, policy)


def test_forced_message_exactly() -> None:
    with pytest.raises(ForcedOptionError) as info:
        validate_user_value("mouse_control", False, GroupPolicy(states={"mouse_control": ALL}))
    assert str(info.value) == "mouse_control is set to 'all use' by your group; only a group admin can change it"


def test_agent_writes_are_normalised_and_checked() -> None:
    policy = GroupPolicy()
    assert user_may_set("mac_allow_list", policy)
    assert validate_user_value("mac_allow_list", ["00-1a-2b-3c-4d-5e"], policy) == ("001A2B3C4D5E",)
    assert validate_user_value("auto_logout_minutes", 15, policy) == 15
    with pytest.raises(InvalidOptionValueError, match=r"auto_logout_minutes must be one of 1, 3, 5, 10, 15, 30, 60"):
        validate_user_value("auto_logout_minutes", 20, policy)
    with pytest.raises(UnknownOptionError, match="'colour' is not an option"):
        validate_user_value("colour", "blue", policy)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"ip_allow": True}, "ip_allow_list is empty while ip_allow is on"),
        ({"mac_allow": True, "mac_allow_list": []}, "mac_allow_list is empty while mac_allow is on"),
        (
            {"session_password": True, "session_password_mode": "fixed"},
            "session_password_value is empty while session_password is on and session_password_mode is 'fixed'",
        ),
        ({"support_data_transfer": True}, "support_data_transfer_url is empty while support_data_transfer is on"),
    ],
)
def test_agent_values_must_agree_with_each_other(values: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidOptionValueError, match=message) as info:
        validate_user_values(values, GroupPolicy())
    assert "in your settings" in str(info.value)


def test_agent_values_that_agree_are_returned_normalised() -> None:
    values = {
        "session_password": True,
        "session_password_mode": "fixed",
        "session_password_value": "0420",
        "ip_allow": True,
        "ip_allow_list": [" 192.168.100.100 ", "10.0.0.0/8"],
    }
    checked = validate_user_values(values, GroupPolicy())
    assert checked["ip_allow_list"] == ("192.168.100.100", "10.0.0.0/8")
    options = effective_options(GroupPolicy(), checked)
    assert options["session_password_value"] == "0420"
    assert options["ip_allow_list"] == ["192.168.100.100", "10.0.0.0/8"]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"states": {"ip_allow": ALL}}, InvalidOptionValueError, "ip_allow_list is empty while ip_allow is on"),
        ({"states": {"end_popup_url": ALL}}, InvalidOptionValueError, "end_popup_url is set to 'all use' but has no"),
        ({"states": {"support_log": USER}}, InvalidOptionValueError, "support_log is group-only"),
        ({"states": {"ip_allow_list": ALL}}, InvalidOptionValueError, "ip_allow_list has no state of its own"),
        ({"states": {"mouse_control": "always"}}, InvalidOptionValueError, "'always' is not a group state"),
        ({"states": {"mouse_kontrol": ALL}}, UnknownOptionError, "'mouse_kontrol' is not an option"),
        ({"values": {"mouse_control": True}}, InvalidOptionValueError, "mouse_control takes no value"),
        ({"values": {"end_popup_url": "www.example.com"}}, InvalidOptionValueError, "http:// or https://"),
        ({"values": {"auto_logout_minutes": 2}}, InvalidOptionValueError, "auto_logout_minutes must be one of"),
    ],
)
def test_a_bad_group_policy_is_refused(kwargs: dict[str, object], error: type[PolicyError], message: str) -> None:
    with pytest.raises(error, match=message):
        GroupPolicy(**kwargs)  # type: ignore[arg-type]


def test_group_policy_is_normalised_and_read_only() -> None:
    policy = GroupPolicy(
        states={"mac_allow": "all_use"},  # type: ignore[dict-item]
        values={"mac_allow_list": ("aa:bb:cc:dd:ee:ff",)},
    )
    assert policy.states["mac_allow"] is ALL
    assert policy.values["mac_allow_list"] == ("AABBCCDDEEFF",)
    with pytest.raises(TypeError):
        policy.states["mouse_control"] = OFF  # type: ignore[index]


def test_group_policy_json_round_trip() -> None:
    policy = GroupPolicy(
        states={"mouse_control": ALL, "ip_allow": ALL, "support_log": ALL},
        values={"ip_allow_list": ("10.0.0.0/8",), "support_log": "required", "auto_logout_minutes": 5},
    )
    data = json.loads(json.dumps(policy.to_json()))
    assert data["states"]["mouse_control"] == "all_use"
    assert GroupPolicy.from_json(data) == policy


@pytest.mark.parametrize(
    "data",
    [[], {"states": [], "values": {}}, {"states": {}, "extra": {}}, {"states": {"mouse_control": 1}}],
)
def test_group_policy_from_bad_json(data: object) -> None:
    with pytest.raises(PolicyError):
        GroupPolicy.from_json(data)


def test_effective_options_are_json_serialisable() -> None:
    policy = GroupPolicy(
        states={"ip_allow": ALL, "mac_allow": ALL, "support_data_transfer": ALL, "end_popup_url": ALL},
        values={
            "ip_allow_list": ("10.0.0.0/8", "2001:db8::/32"),
            "mac_allow_list": ("001A2B3C4D5E",),
            "support_data_transfer_url": "https://crm.example.com/ferry",
            "end_popup_url": "https://example.com/thanks",
        },
    )
    options = effective_options(policy, {"auto_logout": True, "auto_logout_minutes": 10})
    assert json.loads(json.dumps(options)) == options
    for value in options.values():
        assert isinstance(value, bool | int | str | list)


def test_a_stale_agent_value_is_skipped_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="server.policy.engine"):
        options = effective_options(GroupPolicy(), {"auto_logout_minutes": 7, "no_longer_an_option": True})
    assert options["auto_logout_minutes"] == 30
    assert "no_longer_an_option" not in options
    assert "auto_logout_minutes must be one of" in caplog.text


def test_a_partial_write_is_checked_with_the_stored_values() -> None:
    policy = GroupPolicy(states={"mouse_control": ALL})
    stored = {"mouse_control": False, "ip_allow": True, "ip_allow_list": ("10.0.0.0/8",)}
    assert validate_user_values({"recording_path": "/home/me"}, policy, stored) == {"recording_path": "/home/me"}
    with pytest.raises(InvalidOptionValueError, match="ip_allow_list is empty while ip_allow is on"):
        validate_user_values({"ip_allow_list": []}, policy, stored)
    assert validate_user_values({"ip_allow": False, "ip_allow_list": []}, policy, stored) == {
        "ip_allow": False,
        "ip_allow_list": (),
    }


def test_all_use_with_the_off_choice_is_allowed_for_a_choice() -> None:
    policy = GroupPolicy(states={"support_log": ALL}, values={"support_log": "off"})
    assert effective_options(policy, {})["support_log"] == "off"
