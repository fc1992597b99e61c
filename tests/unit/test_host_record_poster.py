"""The host's poster to the session record: in order, batched, retried, given up with a count, never blocking."""

from __future__ import annotations

import requests

from host_module.record_poster import RecordPoster, as_event


class FlakyServer:
    """Fails the first ``failures`` posts, then keeps what it gets."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.batches: list[list[dict[str, object]]] = []

    def post(self, events: list[dict[str, object]]) -> None:
        if self.failures:
            self.failures -= 1
            raise requests.ConnectionError("the server is not reachable")
        self.batches.append(events)


def entry(kind: str, granted: bool, by: str = "customer") -> dict[str, object]:
    return {"event": "permission", "kind": kind, "granted": granted, "by": by, "reason": "", "detail": "x"}


def test_events_arrive_in_order_after_a_short_outage() -> None:
    server = FlakyServer(failures=2)
    poster = RecordPoster(server.post, pause_s=0.01)
    for kind in ("control", "file_send", "recording"):
        poster.add(entry(kind, True))
    poster.close(5)
    assert [e["kind"] for batch in server.batches for e in batch] == ["control", "file_send", "recording"]
    assert poster.sent == 3 and poster.given_up == 0


def test_a_server_that_stays_away_is_given_up_and_counted() -> None:
    server = FlakyServer(failures=100)
    poster = RecordPoster(server.post, pause_s=0.01)
    poster.add(entry("control", False))
    poster.close(5)
    assert server.batches == [] and poster.given_up == 1


def test_entries_take_the_servers_shape() -> None:
    assert as_event(entry("control", True, by="viewer")) == {"kind": "control", "granted": True, "by": "customer",
                                                              "reason": ""}
