"""Auto-reconnect's pure parts: backoff, reasons, who asks for a reconnect, what a script is told."""

from __future__ import annotations

import itertools
import ssl

from host_module.session import HostPolicy, HostSession
from protocol.session import Role
from tests.unit.test_injection_gate import FakeInjector
from transport.events import LinkReconnecting, LinkResumed
from transport.link import LinkConfig
from transport.reconnect import RECONNECT_WINDOW_S, Outage, backoff_delays, lost_reason
from viewer.app import describe, headless_reconnect
from viewer.session import ViewerSession


def config(role: Role, window: float = 0.0) -> LinkConfig:
    return LinkConfig("wss://127.0.0.1:1/relay/x?role=" + role.value, "token", role, b"s" * 32,
                      ssl.create_default_context(), reconnect_window_s=window)


def test_backoff_doubles_from_half_a_second_up_to_five() -> None:
    assert list(itertools.islice(backoff_delays(), 7)) == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0, 5.0]


def test_the_give_up_reason_names_the_window() -> None:
    assert lost_reason(RECONNECT_WINDOW_S) == "the connection was lost and could not be restored within a minute"
    assert lost_reason(4) == "the connection was lost and could not be restored within 4 seconds"


def test_an_outage_counts_from_its_start() -> None:
    outage = Outage(deadline=100.0, window_s=60.0)
    assert outage.remaining(70.0) == 30.0 and not outage.expired(99.9)
    assert outage.expired(100.0) and outage.remaining(120.0) == 0.0


def test_the_host_asks_for_a_reconnect_only_when_its_policy_allows() -> None:
    def window(policy: HostPolicy, given: float = 0.0) -> float:
        session = HostSession(config(Role.HOST, given), None, FakeInjector(), lambda _e: None, policy)
        session.close()
        return session.link._config.reconnect_window_s

    assert window(HostPolicy()) == RECONNECT_WINDOW_S  # the catalogue's default is on
    assert window(HostPolicy(auto_reconnect=False)) == 0.0
    assert window(HostPolicy(auto_reconnect=False), given=5.0) == 0.0
    assert window(HostPolicy(), given=5.0) == 5.0  # the test seam keeps a shorter window


def test_the_viewer_follows_its_flag_or_the_config() -> None:
    def window(flag: bool | None, given: float = 0.0) -> float:
        session = ViewerSession(config(Role.VIEWER, given), lambda _e: None, auto_reconnect=flag)
        session.close()
        return session.link._config.reconnect_window_s

    assert window(None) == 0.0 and window(None, 5.0) == 5.0
    assert window(True) == RECONNECT_WINDOW_S and window(True, 5.0) == 5.0
    assert window(False, 5.0) == 0.0


def test_a_headless_viewer_reconnects_only_with_the_agents_options() -> None:
    assert not headless_reconnect({})
    assert headless_reconnect({"FERRY_VIEWER_POLICY": "{}"})  # the option's default is on
    assert not headless_reconnect({"FERRY_VIEWER_POLICY": '{"auto_reconnect": false}'})


def test_scripts_are_told_of_the_outage_and_the_resume() -> None:
    assert describe(LinkReconnecting("the other side's connection was lost", True, 60.0)) == {
        "event": "reconnecting", "reason": "the other side's connection was lost", "peer": True, "window_s": 60.0}
    assert describe(LinkResumed("123456")) == {"event": "resumed", "sas": "123456"}
