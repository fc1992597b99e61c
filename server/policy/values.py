"""Checking and normalising option values, one rule per ``Kind``; IP and MAC allow-list matching.

``normalise(option, value)`` returns the canonical form (lists as tuples, MACs as 12 upper-case hex
digits, addresses in ``ipaddress``'s spelling) or raises ``InvalidOptionValueError`` naming the key and
the rule. The empty value (``""``, ``()``) always passes the per-value rules: it means "none set", and
whether one is needed is decided by the engine's cross-option rules (``Option.required_if``).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable, Sequence
from urllib.parse import urlsplit

from server.login_rules import allow_lists
from server.policy.errors import InvalidOptionValueError
from server.policy.model import Kind, Option, OptionValue

_MAC_SEPARATORS = re.compile(r"[-:.]")
_HEX12 = re.compile(r"[0-9A-F]{12}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def normalise(option: Option, value: object) -> OptionValue:
    """Check ``value`` against the option's kind and rules and return its canonical form."""
    return _NORMALISERS[option.kind](option, value)


def rule_hint(option: Option) -> str:
    """A short phrase saying what a good value of this option looks like, for messages."""
    hints = {
        Kind.BOOL: "true or false",
        Kind.CHOICE: "one of " + _listing(option.allowed),
        Kind.INT_CHOICE: "one of " + _listing(option.allowed),
        Kind.TEXT: option.pattern_hint or f"text of at most {option.max_length} characters",
        Kind.URL: "a URL starting with http:// or https://",
        Kind.IP_LIST: "IP addresses or CIDR ranges such as 192.168.0.10 or 192.168.0.0/24",
        Kind.MAC_LIST: "MAC addresses such as 001A2B3C4D5E (any case; -, : or . separators are removed)",
        Kind.CHOICE_LIST: "a list drawn from " + _listing(option.allowed),
    }
    return hints[option.kind]


def normalise_mac(text: str) -> str:
    """A MAC address as 12 upper-case hex digits (server.login_rules); ValueError saying why otherwise."""
    return allow_lists.normalise_mac(text)


def normalise_ip_entry(text: str) -> str:
    """An allow-list entry as ``ipaddress`` spells it (server.login_rules); ValueError saying why otherwise."""
    return allow_lists.ip_entries((allow_lists.parse_ip_entry(text),))[0]


def _invalid(option: Option, value: object, rule: str | None = None) -> InvalidOptionValueError:
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return InvalidOptionValueError(f"{option.key} must be {rule or rule_hint(option)} (got {shown})", option.key)


def _listing(items: Iterable[object]) -> str:
    return ", ".join(str(item) for item in items)


def _bool(option: Option, value: object) -> OptionValue:
    if isinstance(value, bool):
        return value
    raise _invalid(option, value)


def _choice(option: Option, value: object) -> OptionValue:
    if isinstance(value, str) and value in option.allowed:
        return value
    raise _invalid(option, value)


def _int_choice(option: Option, value: object) -> OptionValue:
    if isinstance(value, int) and not isinstance(value, bool) and value in option.allowed:
        return value
    raise _invalid(option, value)


def _clean_text(option: Option, value: object) -> str:
    if not isinstance(value, str):
        raise _invalid(option, value, "text")
    text = value.strip()
    if len(text) > option.max_length:
        raise _invalid(option, value, f"at most {option.max_length} characters")
    if _CONTROL.search(text):
        raise _invalid(option, value, "text without control characters (tabs, line breaks)")
    return text


def _text(option: Option, value: object) -> OptionValue:
    text = _clean_text(option, value)
    if text and option.pattern and not re.fullmatch(option.pattern, text):
        raise _invalid(option, value)
    return text


def _url(option: Option, value: object) -> OptionValue:
    text = _clean_text(option, value)
    if not text:
        return text
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        raise _invalid(option, value) from None
    if parts.scheme not in ("http", "https") or not host or any(char.isspace() for char in text):
        raise _invalid(option, value)
    return text


def _entries(option: Option, value: object) -> Sequence[object]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise _invalid(option, value, "a list")
    if len(value) > option.max_items:
        raise InvalidOptionValueError(
            f"{option.key} must be a list of at most {option.max_items} entries (got {len(value)})", option.key
        )
    return value


def _each(option: Option, value: object, parse: Callable[[str], str]) -> tuple[str, ...]:
    result: dict[str, None] = {}  # keeps the first spelling's order, drops repeats
    for entry in _entries(option, value):
        try:
            if not isinstance(entry, str):
                raise ValueError(f"{entry!r} is not text")
            result[parse(entry)] = None
        except ValueError as exc:
            raise InvalidOptionValueError(f"{option.key}: {exc}; write {rule_hint(option)}", option.key) from None
    return tuple(result)


def _ip_list(option: Option, value: object) -> OptionValue:
    return _each(option, value, normalise_ip_entry)


def _mac_list(option: Option, value: object) -> OptionValue:
    return _each(option, value, normalise_mac)


def _choice_list(option: Option, value: object) -> OptionValue:
    chosen = _entries(option, value)
    unknown = [entry for entry in chosen if not isinstance(entry, str) or entry not in option.allowed]
    if unknown:
        raise _invalid(option, unknown)
    return tuple(str(item) for item in option.allowed if item in chosen)


_NORMALISERS: dict[Kind, Callable[[Option, object], OptionValue]] = {
    Kind.BOOL: _bool,
    Kind.CHOICE: _choice,
    Kind.INT_CHOICE: _int_choice,
    Kind.TEXT: _text,
    Kind.URL: _url,
    Kind.IP_LIST: _ip_list,
    Kind.MAC_LIST: _mac_list,
    Kind.CHOICE_LIST: _choice_list,
}
