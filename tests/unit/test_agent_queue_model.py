"""The queue's client side without widgets: the REST calls against a fake server at the HTTP seam, the board
of entries and alerts (time passed in), the refresh gate and the chat line de-duplication."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from agent.errors import ApiError
from agent.queue_api import MAX_FILE_BYTES, QueueApi, QueueTakenError, queue_item
from agent.queue_model import (
    ALERT_GRACE_S,
    RING_LIMIT_S,
    ChatLines,
    QueueBoard,
    RefreshGate,
    request_text,
    waited_seconds,
)
from tests.unit.test_agent_queue_fakes import NOW, FakeServer, entry


def _api(server: FakeServer) -> QueueApi:
    return QueueApi(server, server.fetch)


def test_entries_are_parsed_oldest_first() -> None:
    server = FakeServer()
    server.entries = {2: entry(2, "Lee", minutes_ago=1), 1: entry(1, "Hong", minutes_ago=5)}
    items = _api(server).entries()
    assert [i.customer_name for i in items] == ["Hong", "Lee"]
    first = items[0]
    assert first.fields == (("Phone", "010-1234"), ("Topic", "lost card")) and first.window_name == "Cards"
    assert first.created_at == NOW - dt.timedelta(minutes=5) and first.created_at.tzinfo is not None
    assert request_text(first.fields) == "Phone: 010-1234 · Topic: lost card"
    assert waited_seconds(first, NOW) == 300 and waited_seconds(first, NOW - dt.timedelta(hours=1)) == 0


def test_accept_once_then_already_taken_with_the_servers_sentence() -> None:
    server = FakeServer()
    server.entries = {1: entry(1)}
    api = _api(server)
    accepted = api.accept(1)
    assert accepted.state == "accepted" and accepted.agent_id == 1
    server.taken_by[1] = "Lee"
    with pytest.raises(QueueTakenError) as caught:
        api.accept(1)
    assert str(caught.value) == "Lee accepted this customer first." and caught.value.status == 409


def test_a_bare_409_still_says_another_agent_took_it_and_other_409s_stay_themselves() -> None:
    class Bare(FakeServer):
        def __init__(self, code: str | None) -> None:
            super().__init__()
            self.code = code

        def call(self, method: str, path: str, **kwargs: object) -> object:
            raise ApiError("The server answered HTTP 409 Conflict.", 409, self.code)

    with pytest.raises(QueueTakenError, match="Another agent has already taken this customer"):
        QueueApi(Bare(None), lambda _p: b"").accept(1)
    with pytest.raises(ApiError) as caught:
        QueueApi(Bare("not_waiting"), lambda _p: b"").accept(1)
    assert not isinstance(caught.value, QueueTakenError)


def test_chat_files_remote_and_end(tmp_path: Path) -> None:
    server = FakeServer()
    server.entries = {1: entry(1, state="accepted")}
    api = _api(server)
    sent = api.send_chat(1, "Hello")
    assert (sent.sender, sent.text) == ("agent", "Hello") and sent.file is None
    doc = tmp_path / "manual.pdf"
    doc.write_bytes(b"%PDF-1.4 manual")
    file_line = api.send_file(1, doc)
    assert file_line.file is not None and file_line.file.name == "manual.pdf" and file_line.file.size == 15
    assert api.download(1, file_line.file.id) == b"%PDF-1.4 manual"
    assert [m.id for m in api.chat(1)] == [sent.id, file_line.id]
    code = api.remote(1)
    assert code.code == "123456" and code.secret == "s3cret" and 590 < code.expires_in <= 600
    api.end(1)
    assert ("POST", "/queue/1/end") in server.calls and 1 not in server.entries


def test_a_file_over_10_mb_or_missing_is_refused_before_sending(tmp_path: Path) -> None:
    server = FakeServer()
    big = tmp_path / "big.bin"
    with big.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(ApiError, match="larger than 10 MB"):
        _api(server).send_file(1, big)
    with pytest.raises(ApiError, match="could not be read"):
        _api(server).send_file(1, tmp_path / "gone.txt")
    assert not any(path.endswith("/files") for _, path in server.calls)


def test_reservations_of_a_day_sorted_and_done_once() -> None:
    server = FakeServer()
    server.reservations = [
        {"id": 2, "window_id": 7, "window_name": "Loans", "slot_start": "2026-11-26T05:00:00Z",
         "customer": {"Name": "Park"}, "state": "booked", "agent_id": None},
        {"id": 1, "window_id": 7, "window_name": "Loans", "slot_start": "2026-11-26T01:00:00Z",
         "customer": {"Name": "Choi"}, "state": "booked", "agent_id": None},
        {"id": 3, "window_id": 7, "window_name": "Loans", "slot_start": "2026-11-27T01:00:00Z",
         "customer": {"Name": "Later"}, "state": "booked", "agent_id": None}]
    api = _api(server)
    day = api.reservations(dt.date(2026, 11, 26))
    assert [r.id for r in day] == [1, 2] and day[0].customer == (("Name", "Choi"),)
    assert api.set_reservation(1, "done").state == "done"
    with pytest.raises(ApiError, match="no longer booked"):
        api.set_reservation(1, "cancel")
    with pytest.raises(ValueError):
        api.set_reservation(2, "delete")


def test_board_alerts_ring_until_taken_accepted_or_gone() -> None:
    board = QueueBoard()
    items = [queue_item(entry(1)), queue_item(entry(2))]
    board.replace(items, now=0.0)
    assert not board.ringing
    assert board.alert(1, now=1.0) and not board.alert(1, now=1.5)  # the second push rings nothing new
    assert board.ringing and board.alerted(1)
    assert board.withdraw(1) and not board.ringing and not board.withdraw(1)
    board.alert(2, now=2.0)
    board.replace([items[0], queue_item(entry(2, state="accepted"))], now=3.0)
    assert not board.ringing and [i.id for i in board.accepted()] == [2] and [i.id for i in board.waiting()] == [1]
    assert not board.alert(2, now=4.0)  # accepted (by me): no ring


def test_board_keeps_an_alert_that_arrived_before_its_listing_for_a_grace_time() -> None:
    board = QueueBoard()
    board.alert(5, now=10.0)
    board.replace([], now=10.0 + ALERT_GRACE_S / 2)  # an older listing: keep ringing
    assert board.ringing
    board.replace([queue_item(entry(5))], now=11.0 + ALERT_GRACE_S)
    assert board.ringing
    board.replace([], now=12.0 + ALERT_GRACE_S)  # listed once, now gone: the customer left
    assert not board.ringing
    board.alert(6, now=20.0)
    board.replace([], now=21.0 + ALERT_GRACE_S)
    assert not board.ringing


def test_board_rings_for_listed_alerts_and_stops_after_the_limit() -> None:
    board = QueueBoard()
    listed = [queue_item(entry(3, alerted_to_me=True))]
    assert board.replace(listed, now=0.0) == listed and board.replace(listed, now=1.0) == []  # new once
    assert board.ringing and not board.expire(RING_LIMIT_S - 1)
    assert board.expire(RING_LIMIT_S) and not board.ringing


def test_refresh_gate_folds_asks_into_one_more_fetch() -> None:
    gate = RefreshGate()
    assert gate.ask() and not gate.ask() and not gate.ask()
    assert gate.done()  # one more fetch for the two asks made meanwhile
    assert not gate.done()
    assert gate.ask()


def test_chat_lines_show_a_server_line_once() -> None:
    lines = ChatLines()
    assert lines.first_time(7) and not lines.first_time(7) and lines.first_time(8)


def test_a_withdrawn_alert_rings_again_only_on_a_new_push() -> None:
    board = QueueBoard()
    listed = [queue_item(entry(4, alerted_to_me=True))]
    board.replace(listed, now=0.0)
    assert board.withdraw(4)  # "queue_taken" reason moved: the next agent is alerted
    assert board.replace(listed, now=1.0) == [] and not board.ringing  # a listing fetched before the move
    assert board.alert(4, now=30.0) and board.ringing  # round robin came back to us
