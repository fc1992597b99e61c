"""IP and MAC allow lists: parsing, matching, and which list applies (the group's or the user's)."""

from __future__ import annotations

import ipaddress

import pytest

from server.login_rules import (
    AllowListEntryError,
    Decision,
    GroupAccessRules,
    GroupState,
    LoginRulesError,
    UserAccessRules,
    address_allowed,
    login_allowed,
    mac_allowed,
    normalise_mac,
    parse_ip_list,
    parse_mac_list,
)
from server.login_rules.allow_lists import ip_entries

# The manual's example (4.9): the office's second floor, fifth floor, and home.
FLOOR2, FLOOR5, HOME = "192.168.100.100", "192.168.100.200", "10.10.10.100"
MAC_A, MAC_B = "AABBCCDDEEFF", "001122334455"


# IP lists.


def test_parse_ip_list_from_text_and_from_a_list() -> None:
    text = " 192.168.100.100, 10.0.0.0/8;2001:db8::/32\n\n fe80::1  192.168.100.100 "
    expected = (
        ipaddress.ip_network("192.168.100.100/32"),
        ipaddress.ip_network("10.0.0.0/8"),
        ipaddress.ip_network("2001:db8::/32"),
        ipaddress.ip_network("fe80::1/128"),
    )
    assert parse_ip_list(text) == expected
    assert parse_ip_list(["192.168.100.100", " 10.0.0.0/8 ", "", "2001:db8::/32", "fe80::1"]) == expected
    assert parse_ip_list("") == () and parse_ip_list([]) == ()


def test_ip_entries_are_canonical_text() -> None:
    allow = parse_ip_list("192.168.100.100 2001:DB8:0::1 10.0.0.0/8 ::ffff:192.168.1.0/120")
    assert ip_entries(allow) == ["192.168.100.100", "2001:db8::1", "10.0.0.0/8", "192.168.1.0/24"]


@pytest.mark.parametrize(
    ("entry", "hint"),
    [
        ("192.168.100.300", "is not an IP address or range"),
        ("192.168.100.0/33", "is not an IP address or range"),
        ("office", "is not an IP address or range"),
        ("192.168.100.5/24", "write 192.168.100.0/24 for that range"),
        ("2001:db8::1/32", "write 2001:db8::/32 for that range"),
        ("fe80::1%eth0", "write fe80::1."),
        ("1.2.3.4-1.2.3.9", "is not an IP address or range"),
    ],
)
def test_bad_ip_entry_is_named(entry: str, hint: str) -> None:
    with pytest.raises(AllowListEntryError, match="^" + repr(entry).replace(".", r"\.")) as caught:
        parse_ip_list(f"10.0.0.1, {entry}, 10.0.0.2")
    assert caught.value.entry == entry
    assert hint in str(caught.value)
    assert isinstance(caught.value, LoginRulesError) and isinstance(caught.value, ValueError)


def test_oversize_entry_is_cut_short_in_the_message() -> None:
    with pytest.raises(AllowListEntryError) as caught:
        parse_ip_list(["x" * 10_000])
    assert len(str(caught.value)) < 300


def test_non_text_entry_is_refused() -> None:
    with pytest.raises(LoginRulesError, match="not text"):
        parse_ip_list(["10.0.0.1", 7])  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("192.168.100.100", True),
        ("192.168.100.101", False),
        ("10.1.2.3", True),
        ("11.0.0.1", False),
        ("2001:db8:1::5", True),
        ("2001:db9::5", False),
        ("::ffff:10.9.9.9", True),  # an IPv4 client on a dual-stack socket
        ("2001:db8::7%eth0", True),
        (ipaddress.ip_address("10.0.0.1"), True),
        ("::1", False),
    ],
)
def test_address_allowed_v4_v6_and_cidr(address: str, allowed: bool) -> None:
    allow = parse_ip_list("192.168.100.100 10.0.0.0/8 2001:db8::/32")
    assert address_allowed(address, allow) is allowed


def test_address_allowed_refuses_garbage_with_an_error() -> None:
    with pytest.raises(LoginRulesError):
        address_allowed("testclient", parse_ip_list("10.0.0.0/8"))


def test_an_empty_list_allows_no_address() -> None:
    assert not address_allowed("10.0.0.1", ())


# MAC lists.


@pytest.mark.parametrize(
    "mac",
    ["AA-BB-CC-DD-EE-FF", "aa:bb:cc:dd:ee:ff", "aabb.ccdd.eeff", "AABBCCDDEEFF", "aabbccddeeff", " Aa-bB-cc-DD-ee-FF "],
)
def test_mac_forms_normalise_to_twelve_upper_case_hex_digits(mac: str) -> None:
    assert normalise_mac(mac) == MAC_A
    assert mac_allowed(mac, (MAC_A,))


@pytest.mark.parametrize(
    "mac",
    [
        "AA:BB-CC:DD:EE:FF",  # mixed separators
        "AABBCCDDEEF",  # 11 digits
        "AABBCCDDEEFF00",  # 14 digits
        "GGBBCCDDEEFF",  # not hex
        "aa:bb:cc:dd:ee:ff:00",
        "a:b:c:d:e:f",
        "aabb.ccdd.eef",
        "AA BB CC DD EE FF",
        "",
    ],
)
def test_bad_mac_is_named(mac: str) -> None:
    with pytest.raises(AllowListEntryError, match="is not a MAC address: write 12 hex digits") as caught:
        normalise_mac(mac)
    assert caught.value.entry == mac


def test_parse_mac_list_dedupes_and_names_the_bad_entry() -> None:
    assert parse_mac_list("AA-BB-CC-DD-EE-FF, aabbccddeeff; 00:11:22:33:44:55") == (MAC_A, MAC_B)
    assert parse_mac_list(["aabb.ccdd.eeff", "  "]) == (MAC_A,)
    with pytest.raises(AllowListEntryError, match="'00-11-22-33-44'"):
        parse_mac_list("AABBCCDDEEFF 00-11-22-33-44")


def test_mac_allowed_raises_on_garbage() -> None:
    with pytest.raises(LoginRulesError):
        mac_allowed("not-a-mac", (MAC_A,))


# Which list applies: the manual's two cases.

OFFICE2 = parse_ip_list(FLOOR2)
EVERYONE_FROM_FLOOR2 = GroupAccessRules(ip_state=GroupState.ALL_USE, ips=OFFICE2)


@pytest.mark.parametrize(("address", "allowed"), [(FLOOR2, True), (FLOOR5, False), (HOME, False)])
def test_manual_example_group_all_use(address: str, allowed: bool) -> None:
    assert login_allowed(address, None, EVERYONE_FROM_FLOOR2, UserAccessRules()).allowed is allowed


def test_no_rule_allows_everyone() -> None:
    for address in (FLOOR2, FLOOR5, HOME, None, "testclient"):
        decision = login_allowed(address, None, GroupAccessRules(), UserAccessRules())
        assert decision == Decision(True, "Allowed: no IP or MAC restriction applies.")


def test_all_use_ignores_the_users_own_list() -> None:
    user = UserAccessRules(ip_enabled=True, ips=parse_ip_list(HOME))
    assert not login_allowed(HOME, None, EVERYONE_FROM_FLOOR2, user).allowed
    decision = login_allowed(FLOOR2, None, EVERYONE_FROM_FLOOR2, user)
    assert decision.allowed and "group IP allow list" in decision.reason


def test_user_setting_uses_each_users_list() -> None:
    group = GroupAccessRules(ip_state=GroupState.USER_SETTING, ips=OFFICE2)
    at_home = UserAccessRules(ip_enabled=True, ips=parse_ip_list(HOME))
    assert login_allowed(HOME, None, group, at_home).allowed
    refused = login_allowed(FLOOR2, None, group, at_home)  # the group's list does not apply here
    assert not refused.allowed and "user IP allow list" in refused.reason and FLOOR2 in refused.reason


def test_user_setting_without_the_users_box_means_no_limit() -> None:
    group = GroupAccessRules(ip_state=GroupState.USER_SETTING, ips=OFFICE2)
    unticked = UserAccessRules(ip_enabled=False, ips=parse_ip_list(HOME))
    assert login_allowed(FLOOR5, None, group, unticked).allowed


def test_not_used_ignores_every_list() -> None:
    group = GroupAccessRules(ip_state=GroupState.NOT_USED, ips=OFFICE2, mac_state=GroupState.NOT_USED, macs=(MAC_A,))
    user = UserAccessRules(ip_enabled=True, ips=OFFICE2, mac_enabled=True, macs=(MAC_A,))
    assert login_allowed(HOME, MAC_B, group, user).allowed


def test_empty_list_in_force_refuses_and_says_so() -> None:
    decision = login_allowed(FLOOR2, MAC_A, GroupAccessRules(ip_state=GroupState.ALL_USE), UserAccessRules())
    assert not decision.allowed and "IP allow list is empty" in decision.reason
    group = GroupAccessRules(mac_state=GroupState.USER_SETTING)
    decision = login_allowed(FLOOR2, MAC_A, group, UserAccessRules(mac_enabled=True))
    assert not decision.allowed and "user MAC allow list is empty" in decision.reason


def test_mac_rule_per_group_and_per_user() -> None:
    group = GroupAccessRules(mac_state=GroupState.ALL_USE, macs=(MAC_A,))
    assert login_allowed(HOME, "aa:bb:cc:dd:ee:ff", group, UserAccessRules()).allowed
    refused = login_allowed(HOME, MAC_B, group, UserAccessRules())
    assert not refused.allowed and MAC_B in refused.reason and "group MAC allow list" in refused.reason
    per_user = GroupAccessRules(mac_state=GroupState.USER_SETTING, macs=(MAC_A,))
    assert login_allowed(HOME, MAC_B, per_user, UserAccessRules(mac_enabled=True, macs=(MAC_B,))).allowed
    assert not login_allowed(HOME, MAC_A, per_user, UserAccessRules(mac_enabled=True, macs=(MAC_B,))).allowed


def test_any_reported_mac_may_match_and_garbage_macs_are_dropped() -> None:
    group = GroupAccessRules(mac_state=GroupState.ALL_USE, macs=(MAC_B,))
    assert login_allowed(FLOOR2, ["junk", MAC_A, "00-11-22-33-44-55"], group, UserAccessRules()).allowed
    for reported in (None, [], "junk", ["junk", ""]):
        decision = login_allowed(FLOOR2, reported, group, UserAccessRules())
        assert not decision.allowed and "no valid MAC address" in decision.reason


def test_ip_and_mac_must_both_pass() -> None:
    group = GroupAccessRules(ip_state=GroupState.ALL_USE, ips=OFFICE2, mac_state=GroupState.ALL_USE, macs=(MAC_A,))
    assert login_allowed(FLOOR2, MAC_A, group, UserAccessRules()) == Decision(
        True,
        f"Allowed: address {FLOOR2} is in the group IP allow list; a reported MAC is in the group MAC allow list.",
    )
    assert "IP allow list" in login_allowed(HOME, MAC_A, group, UserAccessRules()).reason
    assert "MAC allow list" in login_allowed(FLOOR2, MAC_B, group, UserAccessRules()).reason


def test_ip_and_mac_states_are_independent() -> None:
    group = GroupAccessRules(ip_state=GroupState.ALL_USE, ips=OFFICE2, mac_state=GroupState.USER_SETTING)
    assert login_allowed(FLOOR2, None, group, UserAccessRules()).allowed  # MAC: user box unticked
    user = UserAccessRules(mac_enabled=True, macs=(MAC_B,))
    assert not login_allowed(FLOOR2, MAC_A, group, user).allowed
    assert login_allowed(FLOOR2, MAC_B, group, user).allowed


def test_unreadable_client_address_is_refused_not_raised() -> None:
    for address in (None, "testclient"):
        decision = login_allowed(address, None, EVERYONE_FROM_FLOOR2, UserAccessRules())
        assert not decision.allowed
    assert "could not read this connection's address" in login_allowed(
        None, None, EVERYONE_FROM_FLOOR2, UserAccessRules()
    ).reason
    assert "'testclient'" in login_allowed("testclient", None, EVERYONE_FROM_FLOOR2, UserAccessRules()).reason


def test_ipv4_client_on_a_dual_stack_socket_matches_an_ipv4_list() -> None:
    assert login_allowed("::ffff:" + FLOOR2, None, EVERYONE_FROM_FLOOR2, UserAccessRules()).allowed
