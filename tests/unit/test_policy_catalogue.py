"""The option catalogue holds every key of SPEC.md's option tables, with sound records."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest

from server.policy import BY_KEY, KEYS, OPTIONS, CatalogueError, Kind, Option, Section, UnknownOptionError, get_option
from server.policy import catalogue as catalogue_module
from server.policy.model import to_json_value
from server.policy.values import normalise

SPEC = Path(__file__).resolve().parents[3] / "shared" / "SPEC.md"
KEY = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
HEADINGS = {
    "Viewer functions": Section.VIEWER,
    "Chat": Section.CHAT,
    "Agent": Section.AGENT,
    "Security": Section.SECURITY,
    "Session start and end": Section.SESSION,
}


def _key_list(text: str) -> list[str]:
    """The comma-separated keys of a table cell or a prose list, with parenthesised notes removed."""
    items = [item.strip() for item in re.sub(r"\([^()]*\)", "", text).split(",")]
    for item in items:
        assert KEY.fullmatch(item), f"SPEC.md's option list has {item!r} where a key was expected"
    return items


def _keys_of(body: str) -> list[str]:
    rows = [line for line in body.splitlines() if line.startswith("|")]
    if rows:
        cells = [row.split("|")[1].strip() for row in rows]
        return [key for cell in cells if cell not in ("key", "---") for key in _key_list(cell)]
    without_notes = re.sub(r"\([^()]*\)", "", body.strip())
    first_sentence = re.split(r"\.\s", without_notes, maxsplit=1)[0]
    return _key_list(first_sentence.rstrip("."))


@pytest.fixture(scope="module")
def spec_keys() -> dict[str, tuple[Section, str]]:
    """Each SPEC.md option key with its section and the subsection heading it is listed under."""
    if not SPEC.is_file():
        pytest.skip(f"SPEC.md is not at {SPEC}; these tests compare the catalogue with it")
    policy = SPEC.read_text(encoding="utf-8").split("## Option policy", 1)[1].split("\n## ", 1)[0]
    found: dict[str, tuple[Section, str]] = {}
    for part in policy.split("\n### ")[1:]:
        heading, body = part.split("\n", 1)
        section = next(value for name, value in HEADINGS.items() if heading.startswith(name))
        for key in _keys_of(body):
            assert key not in found, f"SPEC.md lists {key} twice"
            found[key] = (section, heading)
    assert len(found) > 60, "SPEC.md's option tables were not parsed; check the headings and the table layout"
    return found


def test_every_spec_key_is_in_the_catalogue(spec_keys: dict[str, tuple[Section, str]]) -> None:
    missing = sorted(set(spec_keys) - set(KEYS))
    assert not missing, f"keys of SPEC.md missing from the catalogue: {missing}"


def test_every_spec_key_is_in_its_spec_section(spec_keys: dict[str, tuple[Section, str]]) -> None:
    wrong = {
        key: (BY_KEY[key].section, section) for key, (section, _) in spec_keys.items() if BY_KEY[key].section != section
    }
    assert not wrong


def test_options_beyond_spec_are_companions_of_spec_keys(spec_keys: dict[str, tuple[Section, str]]) -> None:
    extra = [BY_KEY[key] for key in KEYS if key not in spec_keys]
    assert extra, "the list, URL, fields and session password parts are expected as companions"
    for option in extra:
        assert option.part_of in spec_keys, f"{option.key} is neither in SPEC.md nor a companion of a SPEC key"


def test_session_start_and_end_options_are_group_only(spec_keys: dict[str, tuple[Section, str]]) -> None:
    for key, (_, heading) in spec_keys.items():
        assert BY_KEY[key].group_only == ("group only" in heading), key


def test_catalogue_size_and_order() -> None:
    assert len(OPTIONS) == len(KEYS) == len(BY_KEY) == 78
    assert KEYS[0] == "mouse_control"
    assert list(KEYS) == [option.key for option in OPTIONS]


@pytest.mark.parametrize("option", OPTIONS, ids=lambda option: option.key)
def test_default_and_off_values_validate(option: Option) -> None:
    assert normalise(option, option.default) == option.default
    assert normalise(option, option.off) == option.off
    assert option.enforced_at
    assert option.summary


def test_the_kinds_the_spec_describes() -> None:
    assert get_option("auto_logout_minutes").allowed == (1, 3, 5, 10, 15, 30, 60)
    assert get_option("auto_logout_minutes").kind is Kind.INT_CHOICE
    assert get_option("support_log").allowed == ("off", "optional", "required")
    assert get_option("session_password_mode").allowed == ("auto", "fixed")
    assert get_option("end_popup_url").kind is Kind.URL
    assert get_option("ip_allow_list").kind is Kind.IP_LIST
    assert get_option("mac_allow_list").kind is Kind.MAC_LIST
    assert get_option("support_data_transfer_fields").kind is Kind.CHOICE_LIST
    assert get_option("recording_path").kind is Kind.TEXT
    assert [option.key for option in catalogue_module.companions_of("session_password")] == [
        "session_password_mode",
        "session_password_value",
    ]


def test_unknown_key_is_refused_with_its_name() -> None:
    with pytest.raises(UnknownOptionError, match="'mouse_controll' is not an option") as info:
        get_option("mouse_controll")
    assert info.value.key == "mouse_controll"


def test_catalogue_json_is_serialisable() -> None:
    listing = json.loads(json.dumps(catalogue_module.catalogue_json()))
    assert [entry["key"] for entry in listing] == list(KEYS)
    ip_list = next(entry for entry in listing if entry["key"] == "ip_allow_list")
    assert ip_list["part_of"] == "ip_allow"
    assert ip_list["default"] == to_json_value(())
    assert ip_list["enforced_at"] == ["server"]


def _variant(key: str, **changes: Any) -> tuple[Option, ...]:
    return tuple(dataclasses.replace(option, **changes) if option.key == key else option for option in OPTIONS)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ((*OPTIONS, OPTIONS[0]), "mouse_control is listed twice"),
        (_variant("auto_logout_minutes", default=7), "the default of auto_logout_minutes is not allowed"),
        (_variant("ip_allow_list", part_of="nothing"), "ip_allow_list needs a parent option"),
        (_variant("ip_allow_list", part_of="mouse_control"), "ip_allow_list needs a parent option in its own section"),
        (_variant("support_log", allowed=()), "support_log needs allowed values"),
        (_variant("drawing", enforced_at=()), "drawing must say where it is enforced"),
        (_variant("ip_allow_list", default=["10.0.0.1"]), "write the default of ip_allow_list as"),
        (_variant("ip_allow_list", required_if=(("ip_allow", "yes"),)), "the condition on ip_allow"),
    ],
)
def test_a_bad_record_fails_the_build(options: tuple[Option, ...], message: str) -> None:
    with pytest.raises(CatalogueError, match=re.escape(message)):
        catalogue_module._build(options)
