"""Per-kind value rules: good values come back normalised, bad ones are refused naming key and rule."""

from __future__ import annotations

import pytest

from server.policy import InvalidOptionValueError, get_option, normalise, normalise_mac


def _refused(key: str, value: object, *fragments: str) -> None:
    with pytest.raises(InvalidOptionValueError) as info:
        normalise(get_option(key), value)
    assert info.value.key == key
    assert str(info.value).startswith(key)
    for fragment in fragments:
        assert fragment in str(info.value)


@pytest.mark.parametrize("value", [True, False])
def test_bool_good(value: bool) -> None:
    assert normalise(get_option("mouse_control"), value) is value


@pytest.mark.parametrize("value", [1, 0, "true", None, []])
def test_bool_bad(value: object) -> None:
    _refused("mouse_control", value, "must be true or false")


@pytest.mark.parametrize("minutes", [1, 3, 5, 10, 15, 30, 60])
def test_auto_logout_minutes_good(minutes: int) -> None:
    assert normalise(get_option("auto_logout_minutes"), minutes) == minutes


@pytest.mark.parametrize("value", [0, 2, 7, 45, 120, "30", 30.0, True])
def test_auto_logout_minutes_bad(value: object) -> None:
    _refused("auto_logout_minutes", value, "must be one of 1, 3, 5, 10, 15, 30, 60")


@pytest.mark.parametrize("value", ["off", "optional", "required"])
def test_choice_good(value: str) -> None:
    assert normalise(get_option("support_log"), value) == value


@pytest.mark.parametrize("value", ["Required", "mandatory", "", 1, None])
def test_choice_bad(value: object) -> None:
    _refused("support_log", value, "must be one of off, optional, required")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("http://example.com/thanks", "http://example.com/thanks"),
        ("https://example.com:8443/end?x=1#top", "https://example.com:8443/end?x=1#top"),
        ("HTTPS://Example.com/", "HTTPS://Example.com/"),
        ("  https://example.com/  ", "https://example.com/"),
        ("", ""),
    ],
)
def test_url_good(value: str, expected: str) -> None:
    assert normalise(get_option("end_popup_url"), value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "ftp://example.com/",
        "javascript:alert(1)",
        "www.example.com",
        "example.com/end",
        "http://",
        "https:///path",
        "http://exa mple.com/",
        "http://[::1",
        "https://example.com/\nx",
        "https://example.com/\tx",
        "http://example.com/" + "a" * 2048,
        42,
    ],
)
def test_url_bad(value: object) -> None:
    with pytest.raises(InvalidOptionValueError, match="end_popup_url must be"):
        normalise(get_option("end_popup_url"), value)


@pytest.mark.parametrize("value", ["0000", "0420", "9999", ""])
def test_session_password_value_good(value: str) -> None:
    assert normalise(get_option("session_password_value"), value) == value


@pytest.mark.parametrize("value", ["123", "12345", "12a4", "abcd", "١٢٣٤", "12 4", 1234])
def test_session_password_value_bad(value: object) -> None:
    with pytest.raises(InvalidOptionValueError, match="session_password_value must be"):
        normalise(get_option("session_password_value"), value)


def test_recording_path() -> None:
    option = get_option("recording_path")
    assert normalise(option, "  /srv/recordings ") == "/srv/recordings"
    assert normalise(option, r"D:\Ferry\Recordings") == r"D:\Ferry\Recordings"
    _refused("recording_path", "/srv/rec\nordings", "control characters")
    _refused("recording_path", "x" * 261, "at most 260 characters")
    _refused("recording_path", ["/srv"], "must be text")


@pytest.mark.parametrize(
    "spelling",
    ["001A2B3C4D5E", "001a2b3c4d5e", "00-1A-2B-3C-4D-5E", "00:1a:2B:3c:4D:5e", "001a.2b3c.4d5e", " 00-1a-2b-3c-4d-5e "],
)
def test_mac_is_normalised(spelling: str) -> None:
    assert normalise_mac(spelling) == "001A2B3C4D5E"


def test_mac_list_normalises_and_drops_repeats() -> None:
    value = normalise(get_option("mac_allow_list"), ["00:1a:2b:3c:4d:5e", "AA-BB-CC-DD-EE-FF", "001A2B3C4D5E"])
    assert value == ("001A2B3C4D5E", "AABBCCDDEEFF")


@pytest.mark.parametrize("entry", ["001A2B3C4D5", "001A2B3C4D5E6", "GG1A2B3C4D5E", "00_1A_2B_3C_4D_5E", "", 1234])
def test_mac_list_bad_entry(entry: object) -> None:
    _refused("mac_allow_list", [entry], "is not", "MAC addresses such as 001A2B3C4D5E")


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("192.168.100.100", "192.168.100.100"),
        (" 10.0.0.0/8 ", "10.0.0.0/8"),
        ("192.168.100.0/24", "192.168.100.0/24"),
        ("2001:DB8::1", "2001:db8::1"),
        ("2001:db8::/32", "2001:db8::/32"),
        ("10.1.2.3/32", "10.1.2.3"),  # a one-address range is stored as the address
    ],
)
def test_ip_list_good(entry: str, expected: str) -> None:
    assert normalise(get_option("ip_allow_list"), [entry]) == (expected,)


@pytest.mark.parametrize("entry", ["300.1.1.1", "10.0.0.0/33", "abc", "192.168.1", "", "10.0.0.0/8/8", None])
def test_ip_list_bad(entry: object) -> None:
    _refused("ip_allow_list", [entry], "is not", "CIDR ranges such as")


def test_ip_range_with_host_bits_says_which_range() -> None:
    _refused("ip_allow_list", ["192.168.1.5/24"], "has host bits set", "192.168.1.0/24")


@pytest.mark.parametrize("value", ["10.0.0.1", None, {"10.0.0.1": True}, 5])
def test_lists_must_be_lists(value: object) -> None:
    _refused("ip_allow_list", value, "must be a list")


def test_lists_have_a_size_limit() -> None:
    _refused("ip_allow_list", [f"10.0.{n // 256}.{n % 256}" for n in range(257)], "at most 256 entries")


def test_choice_list_is_canonical_and_closed() -> None:
    option = get_option("support_data_transfer_fields")
    assert normalise(option, ["support_log", "session_id", "session_id"]) == ("session_id", "support_log")
    assert normalise(option, []) == ()
    _refused("support_data_transfer_fields", ["session_id", "password"], "password")
    _refused("support_data_transfer_fields", "session_id", "must be a list")
