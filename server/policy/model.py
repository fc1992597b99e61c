"""What an option is: its key, section, kind of value, default, and where it is enforced.

Rules this module keeps:
- An ``Option`` is pure, frozen data; the catalogue is a tuple of them and no other module holds
  facts about an option.
- Values are JSON-shaped: ``bool``, ``int``, ``str``, or a tuple of ``str`` for lists (lists on the wire).
- A *companion* option (``part_of`` set) has no group state of its own: it follows its parent's state
  (``ip_allow_list`` follows ``ip_allow``).
"""

from __future__ import annotations

import dataclasses
import enum

OptionValue = bool | int | str | tuple[str, ...]
JsonValue = bool | int | str | list[str]


class Section(enum.StrEnum):
    """The admin page's option tabs, as SPEC.md's "Option policy" headings."""

    VIEWER = "viewer"
    CHAT = "chat"
    AGENT = "agent"
    SECURITY = "security"
    SESSION = "session"


class Kind(enum.StrEnum):
    """The kind of value an option holds; ``server.policy.values`` checks each."""

    BOOL = "bool"
    CHOICE = "choice"
    INT_CHOICE = "int_choice"
    TEXT = "text"
    URL = "url"
    IP_LIST = "ip_list"
    MAC_LIST = "mac_list"
    CHOICE_LIST = "choice_list"


class Place(enum.StrEnum):
    """Where an option is enforced: the part that acts refuses what the option forbids."""

    SERVER = "server"
    HOST = "host"
    VIEWER = "viewer"
    AGENT = "agent"


@dataclasses.dataclass(frozen=True)
class Option:
    """One option of the catalogue; ``off_value`` is the value under *not used* (bool: False, else default)."""

    key: str
    section: Section
    kind: Kind
    default: OptionValue
    enforced_at: tuple[Place, ...]
    summary: str
    label_ko: str = ""
    allowed: tuple[str | int, ...] = ()
    group_only: bool = False
    part_of: str | None = None
    off_value: OptionValue | None = None
    max_length: int = 0
    pattern: str = ""
    pattern_hint: str = ""
    max_items: int = 0
    required_if: tuple[tuple[str, OptionValue], ...] = ()

    @property
    def off(self) -> OptionValue:
        """The value this option takes when the group sets it to *not used*."""
        if self.kind is Kind.BOOL:
            return False
        return self.default if self.off_value is None else self.off_value

    def to_json(self) -> dict[str, object]:
        """This option as a JSON object, for the admin page and the API's catalogue listing."""
        return {
            "key": self.key,
            "section": self.section.value,
            "kind": self.kind.value,
            "default": to_json_value(self.default),
            "off": to_json_value(self.off),
            "allowed": list(self.allowed),
            "group_only": self.group_only,
            "part_of": self.part_of,
            "enforced_at": [place.value for place in self.enforced_at],
            "summary": self.summary,
            "label_ko": self.label_ko,
        }


def to_json_value(value: OptionValue) -> JsonValue:
    """The JSON form of an option value: tuples become lists, everything else is unchanged."""
    return list(value) if isinstance(value, tuple) else value
