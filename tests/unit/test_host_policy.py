"""The host's policy, the session-password secret, the end-page table and the grant log (no display)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from host_module.dialogs import consent_text, customer_reason
from host_module.end_pages import end_page_urls, safe_popup_url
from host_module.permissions import GrantLog, PendingRequests
from host_module.policy import HostPolicy, Rule
from protocol.crypto import password_secret
from protocol.messages import PERMISSION_KINDS
from protocol.session import WRONG_SECRET
from viewer.options import parse_options


def test_missing_keys_keep_the_customer_protecting_defaults() -> None:
    policy = HostPolicy.from_answer({})
    assert policy.pre_consent and policy.control_consent and policy.customer_alert_lock
    assert policy.recording_consent and policy.screen_save_consent
    assert not policy.control_auto_enable and not policy.simultaneous_control and not policy.recording


def test_a_mistyped_value_counts_as_missing() -> None:
    policy = HostPolicy.from_answer({"pre_consent": "no", "control_consent": 0, "end_popup_url": 5,
                                     "customer_alert_lock": False})
    assert policy.pre_consent and policy.control_consent and policy.end_popup_url == ""
    assert not policy.customer_alert_lock


def test_every_permission_kind_is_asked_under_the_default_policy_except_recording_and_blinders() -> None:
    policy = HostPolicy.from_answer({})
    rules = {kind: policy.permission_rule(kind) for kind in PERMISSION_KINDS}
    assert rules.pop("recording") is Rule.REFUSE  # nobody records unless the policy says so
    assert rules.pop("blinders") is Rule.GRANT  # the editor opens for the customer, who decides what to hide
    assert set(rules.values()) == {Rule.ASK}


def test_the_policy_grants_refuses_or_asks() -> None:
    no_consent = HostPolicy.from_answer({"control_consent": False, "screen_save_consent": False})
    assert no_consent.permission_rule("file_send") is Rule.GRANT
    assert no_consent.permission_rule("screen_save") is Rule.GRANT
    assert no_consent.control_rule() is Rule.GRANT
    no_files = HostPolicy.from_answer({"file_transfer": False, "control_consent": False})
    assert no_files.permission_rule("file_receive") is Rule.REFUSE
    recording = HostPolicy.from_answer({"recording_customer": True})
    assert recording.permission_rule("recording") is Rule.ASK
    assert HostPolicy.from_answer({"recording_agent": True, "recording_consent": False}).permission_rule(
        "recording", "agent") is Rule.GRANT
    assert HostPolicy().permission_rule("format_disk") is Rule.REFUSE
    assert HostPolicy.from_answer({"mouse_control": False, "keyboard_control": False}).control_rule() is Rule.REFUSE


def test_the_agents_recording_and_the_customers_are_decided_apart() -> None:
    agent_only = HostPolicy.from_answer({"recording_agent": True})
    assert agent_only.permission_rule("recording", "agent") is Rule.ASK  # recording_consent still asks
    assert agent_only.permission_rule("recording") is Rule.REFUSE  # it never starts the customer's recording
    assert agent_only.permission_rule("recording", "customer") is Rule.REFUSE
    customer_only = HostPolicy.from_answer({"recording_customer": True, "recording_consent": False})
    assert customer_only.permission_rule("recording") is Rule.GRANT
    assert customer_only.permission_rule("recording", "agent") is Rule.REFUSE


def test_the_password_secret_needs_both_the_servers_secret_and_the_digits() -> None:
    server_secret = bytes(range(32))
    assert password_secret(server_secret, "1234") != server_secret
    assert password_secret(server_secret, "1234") != password_secret(server_secret, "1235")
    assert password_secret(server_secret, "1234") != password_secret(bytes(32), "1234")


def test_the_viewer_takes_the_password_from_its_environment() -> None:
    env = {"FERRY_TOKEN": "t", "FERRY_SESSION_SECRET": "ab" * 32, "FERRY_SESSION_PASSWORD": "0427"}
    options = parse_options(["--server", "https://127.0.0.1:1", "--session", "s", "--fingerprint", "AA"], env)
    assert options.session_secret == password_secret(bytes.fromhex("ab" * 32), "0427")
    assert "0427" not in repr(options)
    with pytest.raises(ValueError, match="4-digit"):
        parse_options(["--server", "https://x", "--session", "s", "--fingerprint", "AA"],
                      {**env, "FERRY_SESSION_PASSWORD": "12a4"})


@pytest.mark.parametrize(("notice", "popup", "expected"), [
    (True, "https://example.com/thanks", ["https://srv:1/end?session=abc", "https://example.com/thanks"]),
    (True, "", ["https://srv:1/end?session=abc"]),
    (False, "http://example.com/x", ["http://example.com/x"]),
    (False, "", []),
    (False, "javascript:alert(1)", []),
    (True, "file:///etc/passwd", ["https://srv:1/end?session=abc"]),
])
def test_the_end_page_table(notice: bool, popup: str, expected: list[str]) -> None:
    policy = HostPolicy.from_answer({"end_notice_page": notice, "end_popup_url": popup})
    assert end_page_urls(policy, "https://srv:1/", "abc") == expected


def test_popup_urls_must_be_http_with_a_host() -> None:
    assert safe_popup_url(" https://a.example/p?q=1 ") == "https://a.example/p?q=1"
    for bad in ("ftp://a.example", "https://", "https://a b.example", "//a.example", "HTTPS:x", "data:text/html,x"):
        assert safe_popup_url(bad) is None, bad


def test_the_consent_text_names_who_asks_and_recording_only_when_it_applies() -> None:
    text = consent_text("Kim Agent", "Acme Corp", "123456", recording=True, control_at_start=False)
    assert "Kim Agent" in text and "Acme Corp" in text and "recorded" in text and "123 456" in text
    assert "recorded" not in consent_text("Kim", "Acme", "123456", recording=False, control_at_start=False)


def test_a_wrong_password_gets_a_sentence_that_says_what_to_do() -> None:
    assert "session password did not match" in customer_reason(WRONG_SECRET, password_used=True)
    assert "security check" in customer_reason(WRONG_SECRET, password_used=False)
    assert "internet connection" in customer_reason("could not reach the relay at wss://x (boom)", False)


def test_each_request_is_answered_once_and_every_grant_is_logged(tmp_path: Path) -> None:
    pending = PendingRequests()
    assert pending.add(7, "file_send") and not pending.add(7, "file_send")
    assert pending.take(7) == "file_send" and pending.take(7) is None
    emitted: list[dict[str, object]] = []
    log_file = tmp_path / "state" / "ferry-host.log"
    grants = GrantLog("sid1", log_file, emitted.append)
    grants.record("control", True, "customer")
    grants.record("file_send", False, "policy", "the policy of this session does not allow file send")
    lines = log_file.read_text().splitlines()
    assert "session sid1: control granted by customer" in lines[0]
    assert "file_send refused by policy" in lines[1]
    assert [e["kind"] for e in emitted] == ["control", "file_send"]
    json.dumps(emitted)  # the event stream takes them as they are
