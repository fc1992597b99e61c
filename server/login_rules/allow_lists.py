"""IP and MAC allow lists for agent login, and which list applies: the group's or the user's.

Rules kept here (SPEC.md "Security" ip_allow / mac_allow; the manual's 4.9 IP, MAC 주소로 상담원 허용하기):

1. An IP list holds single addresses and CIDR ranges, IPv4 and IPv6. A range with host bits set
   (192.168.100.5/24) is refused with the range it probably means, since a typo here locks people out.
   IPv4-mapped IPv6 (::ffff:192.168.100.100, as a dual-stack socket reports a client) is read as IPv4,
   in entries and client addresses alike. A client's IPv6 zone (%eth0) is ignored; an entry with a zone
   is refused, a zone being local to one machine.
2. A MAC list holds 12 hex digits, stored upper-case without separators (the manual: 구분기호 없이).
   Accepted on input: AABBCCDDEEFF, AA-BB-CC-DD-EE-FF, aa:bb:cc:dd:ee:ff (one separator throughout) and
   aabb.ccdd.eeff, in any case. The MAC is reported by the agent itself, so it keeps honest people in
   place rather than stopping a determined one; the IP rule is the one the server observes.
3. Text lists are split on commas, semicolons and white space; empty entries are skipped, duplicates
   dropped, order kept. A bad entry raises ``AllowListEntryError`` naming it.
4. Which list applies, per rule (IP and MAC each on their own), from the group's state:
   - *all use* (manual 4.9.1, the same zone for everyone): the group's list, whatever the user has set;
   - *user setting* (4.9.2, a zone per agent): the user's list when the user's box is ticked, else no limit;
   - *not used*: no limit, even if the user has a list.
   When both rules apply, the login must pass both. A rule in force with an empty list refuses every login
   (fail closed) and says the list is empty. An agent may report several MACs (one per network card);
   one listed MAC is enough.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, TypeVar

from server.group_state import GroupState
from server.login_rules.errors import AllowListEntryError, LoginRulesError, shown

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpAllowList = tuple[IpNetwork, ...]
MacAllowList = tuple[str, ...]
_T = TypeVar("_T")

_SPLIT: Final = re.compile(r"[\s,;]+")
_HEX2: Final = "[0-9A-Fa-f]{2}"
_MAC_FORMS: Final = (
    re.compile(r"[0-9A-Fa-f]{12}"),
    re.compile(rf"{_HEX2}(?P<sep>[:-]){_HEX2}(?:(?P=sep){_HEX2}){{4}}"),
    re.compile(r"[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}"),
)
_IP_EXAMPLES: Final = "an address such as 192.168.100.100 or 2001:db8::1, or a range such as 192.168.100.0/24"
_MAC_EXAMPLES: Final = "12 hex digits such as AABBCCDDEEFF (AA-BB-CC-DD-EE-FF and aa:bb:cc:dd:ee:ff are accepted too)"


@dataclass(frozen=True)
class GroupAccessRules:
    """A group's ip_allow and mac_allow states and the group's own lists (used under *all use*)."""

    ip_state: GroupState = GroupState.NOT_USED
    ips: IpAllowList = ()
    mac_state: GroupState = GroupState.NOT_USED
    macs: MacAllowList = ()


@dataclass(frozen=True)
class UserAccessRules:
    """A user's own boxes and lists (used when the group's state is *user setting*)."""

    ip_enabled: bool = False
    ips: IpAllowList = ()
    mac_enabled: bool = False
    macs: MacAllowList = ()


@dataclass(frozen=True)
class Decision:
    """Whether a login may go on, and why (for the person logging in and the login history)."""

    allowed: bool
    reason: str


def parse_ip_list(entries: str | Iterable[str]) -> IpAllowList:
    """The networks of a text or list of addresses and CIDR ranges; raises ``AllowListEntryError`` on a bad one."""
    return tuple(dict.fromkeys(parse_ip_entry(entry) for entry in _entries(entries)))


def parse_ip_entry(entry: str) -> IpNetwork:
    """One address (as a one-address network) or CIDR range; raises ``AllowListEntryError`` naming it."""
    text = entry.strip()
    if "%" in text:
        plain = re.sub(r"%[^/]*", "", text)
        raise AllowListEntryError(entry, f"{shown(entry)} names an IPv6 zone, which means nothing here: write {plain}.")
    if "/" not in text:
        return ipaddress.ip_network(_parse_address(text, entry))
    try:
        return _unmapped(ipaddress.ip_network(text))
    except ValueError:
        pass
    try:
        meant = ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise _not_an_ip(entry) from None
    raise AllowListEntryError(entry, f"{shown(entry)} has host bits set after the /: write {meant} for that range.")


def ip_entries(allow_list: IpAllowList) -> list[str]:
    """The list as canonical text, a single address without its /32 or /128, for storage and display."""
    return [str(net.network_address) if net.num_addresses == 1 else str(net) for net in allow_list]


def address_allowed(address: str | IpAddress, allow_list: IpAllowList) -> bool:
    """True when ``address`` lies in one of the list's networks; raises ``LoginRulesError`` if it is no address."""
    ip = _client_address(address)
    return any(ip in net for net in allow_list)


def normalise_mac(mac: str) -> str:
    """``mac`` as 12 upper-case hex digits; raises ``AllowListEntryError`` for anything else."""
    text = mac.strip()
    if not any(form.fullmatch(text) for form in _MAC_FORMS):
        raise AllowListEntryError(mac, f"{shown(mac)} is not a MAC address: write {_MAC_EXAMPLES}.")
    return re.sub(r"[:.\-]", "", text).upper()


def parse_mac_list(entries: str | Iterable[str]) -> MacAllowList:
    """The normalised MACs of a text or list; raises ``AllowListEntryError`` naming a bad entry."""
    return tuple(dict.fromkeys(normalise_mac(entry) for entry in _entries(entries)))


def mac_allowed(mac: str, allow_list: MacAllowList) -> bool:
    """True when ``mac``, in any accepted form, is on the list; raises ``AllowListEntryError`` if it is no MAC."""
    return normalise_mac(mac) in allow_list


def login_allowed(
    address: str | IpAddress | None,
    mac: str | Iterable[str] | None,
    group_rules: GroupAccessRules,
    user_rules: UserAccessRules,
) -> Decision:
    """Whether an agent at ``address`` reporting ``mac`` may log in, by the list in force for each rule."""
    reasons: list[str] = []
    ip_list = _list_in_force(group_rules.ip_state, group_rules.ips, user_rules.ip_enabled, user_rules.ips)
    if ip_list is not None:
        refused = _check_ip(address, *ip_list)
        if refused is not None:
            return Decision(False, refused)
        reasons.append(f"address {address} is in the {ip_list[0]} IP allow list")
    mac_list = _list_in_force(group_rules.mac_state, group_rules.macs, user_rules.mac_enabled, user_rules.macs)
    if mac_list is not None:
        refused = _check_mac(_reported_macs(mac), *mac_list)
        if refused is not None:
            return Decision(False, refused)
        reasons.append(f"a reported MAC is in the {mac_list[0]} MAC allow list")
    return Decision(True, "Allowed: " + ("; ".join(reasons) if reasons else "no IP or MAC restriction applies") + ".")


def _list_in_force(
    state: GroupState, group_list: tuple[_T, ...], user_enabled: bool, user_list: tuple[_T, ...]
) -> tuple[str, tuple[_T, ...]] | None:
    """Whose list applies ("group" or "user") and the list, or None when the rule does not apply."""
    if state is GroupState.ALL_USE:
        return "group", group_list
    if state is GroupState.USER_SETTING and user_enabled:
        return "user", user_list
    return None


def _check_ip(address: str | IpAddress | None, whose: str, allow_list: IpAllowList) -> str | None:
    """None when ``address`` passes, else the reason it does not."""
    if not allow_list:
        return f"Login refused: the {whose} IP allow list is empty. Ask an administrator to add this place's address."
    if address is None:
        return "Login refused: the server could not read this connection's address, which the IP allow list needs."
    try:
        if address_allowed(address, allow_list):
            return None
    except LoginRulesError:
        address = shown(str(address))
    return (
        f"Login refused from address {address}: it is not in the {whose} IP allow list. "
        "Log in from an allowed place, or ask an administrator to add this address."
    )


def _check_mac(macs: tuple[str, ...], whose: str, allow_list: MacAllowList) -> str | None:
    """None when one of ``macs`` passes, else the reason none does."""
    if not allow_list:
        return f"Login refused: the {whose} MAC allow list is empty. Ask an administrator to add this PC's MAC address."
    if not macs:
        return "Login refused: this PC reported no valid MAC address, which the MAC allow list needs. Update the agent."
    if any(mac in allow_list for mac in macs):
        return None
    return (
        f"Login refused: this PC's MAC address ({', '.join(macs)}) is not in the {whose} MAC allow list. "
        "Log in from an allowed PC, or ask an administrator to add this MAC address."
    )


def _reported_macs(mac: str | Iterable[str] | None) -> tuple[str, ...]:
    """The valid MACs an agent reported, normalised; invalid ones are dropped (they come from the client)."""
    reported = [] if mac is None else [mac] if isinstance(mac, str) else list(mac)
    valid: list[str] = []
    for item in reported:
        try:
            valid.append(normalise_mac(item))
        except LoginRulesError:
            continue
    return tuple(dict.fromkeys(valid))


def _client_address(address: str | IpAddress) -> IpAddress:
    """The client's address without an IPv6 zone, an IPv4-mapped IPv6 address as IPv4."""
    ip = _parse_address(address, str(address)) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip.scope_id is not None:
            return ipaddress.IPv6Address(str(ip).split("%", 1)[0])
    return ip


def _parse_address(text: str, entry: str) -> IpAddress:
    try:
        ip = ipaddress.ip_address(text.strip())
    except ValueError:
        raise _not_an_ip(entry) from None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def _unmapped(net: IpNetwork) -> IpNetwork:
    """An IPv4-mapped IPv6 range (::ffff:192.168.100.0/120) as the IPv4 range it maps."""
    mapped = net.network_address.ipv4_mapped if isinstance(net, ipaddress.IPv6Network) else None
    if mapped is None or net.prefixlen < 96:
        return net
    return ipaddress.IPv4Network((mapped, net.prefixlen - 96))


def _not_an_ip(entry: str) -> AllowListEntryError:
    return AllowListEntryError(entry, f"{shown(entry)} is not an IP address or range: write {_IP_EXAMPLES}.")


def _entries(entries: str | Iterable[str]) -> list[str]:
    """Non-empty entries of a text (split on commas, semicolons, white space) or of a list."""
    if isinstance(entries, str):
        return [item for item in _SPLIT.split(entries) if item]
    items = list(entries)
    for item in items:
        if not isinstance(item, str):
            kind = type(item).__name__
            raise LoginRulesError(f"An allow list entry is {kind}, not text: write each entry as a string.")
    return [item.strip() for item in items if item.strip()]
