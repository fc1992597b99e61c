"""The push listener's pure parts: URL, backoff, dispatch of pushes (no socket)."""

from __future__ import annotations

import itertools

import pytest

from agent.push import PushEvent, PushListener, PushStatus, backoff_delays, push_url


def test_push_url() -> None:
    assert push_url("https://h:8443/") == "wss://h:8443/ws/agent"
    with pytest.raises(ValueError, match="https://"):
        push_url("http://h")


def test_backoff_grows_to_a_cap_with_jitter() -> None:
    delays = list(itertools.islice(backoff_delays(first=1, factor=2, cap=8), 6))
    for got, nominal in zip(delays, [1, 2, 4, 8, 8, 8], strict=True):
        assert nominal * 0.9 <= got <= nominal * 1.1


def test_dispatch_passes_typed_objects_and_drops_garbage() -> None:
    pushes: list[PushEvent] = []
    statuses: list[PushStatus] = []
    listener = PushListener("https://h", "tok", lambda: None,  # type: ignore[arg-type,return-value]
                            on_push=pushes.append, on_status=statuses.append)
    listener._dispatch('{"type":"customer_joined","session_id":"s1","pc_name":"PC","os":"Linux"}')
    listener._dispatch("not json")
    listener._dispatch('["a list"]')
    listener._dispatch('{"no":"type"}')
    assert pushes == [PushEvent("customer_joined", {"type": "customer_joined", "session_id": "s1",
                                                    "pc_name": "PC", "os": "Linux"})]
    listener._report(PushStatus(False, "x"))
    listener._report(PushStatus(False, "x"))  # the same status is reported once
    listener._report(PushStatus(True))
    assert statuses == [PushStatus(False, "x"), PushStatus(True)]


def test_a_failing_handler_does_not_escape() -> None:
    def broken(_: object) -> None:
        raise RuntimeError("bug")

    listener = PushListener("https://h", "tok", lambda: None,  # type: ignore[arg-type,return-value]
                            on_push=broken, on_status=broken)
    listener._dispatch('{"type":"x"}')
    listener._report(PushStatus(True))
