"""The file-transfer core as a pair with no sockets: one engine's messages are the other's input.

The disk worker is replaced by a queue the test drains (a fake at the seam), so every step is
deterministic; the files, ``.part`` names, sidecars and digests are real, on a temporary folder.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from protocol.messages import FileAccept, FileAck, FileCancel, FileChunk, FileOffer, FileResult, Message
from transport.file_events import OfferArrived, TransferState, TransferUpdate
from transport.file_names import part_paths, write_sidecar
from transport.file_transfer import TransferEngine


class ManualWorker:
    """Queues jobs; ``run_one`` runs the oldest."""

    def __init__(self) -> None:
        self.jobs: list[tuple[Callable[..., object], tuple[object, ...]]] = []

    def submit(self, job: Callable[..., object], *args: object) -> None:
        self.jobs.append((job, args))

    def run_one(self) -> bool:
        if not self.jobs:
            return False
        job, args = self.jobs.pop(0)
        job(*args)
        return True

    def stop(self) -> None:
        while self.run_one():
            pass


@dataclasses.dataclass
class End:
    engine: TransferEngine
    worker: ManualWorker
    sent: list[Message]
    events: list[object]

    def updates(self, transfer_id: int) -> list[TransferUpdate]:
        return [e for e in self.events if isinstance(e, TransferUpdate) and e.transfer_id == transfer_id]

    def last(self, transfer_id: int) -> TransferUpdate:
        return self.updates(transfer_id)[-1]

    def offers(self) -> list[OfferArrived]:
        return [e for e in self.events if isinstance(e, OfferArrived)]


class Pair:
    """An agent's viewer end (odd ids) sending to a customer's host end (even ids), or back."""

    def __init__(self, viewer_folder: Path, host_folder: Path, *, drop: Callable[[Message], bool] | None = None,
                 window: int = 64 * 1024, chunk: int = 16 * 1024) -> None:
        self.drop = drop or (lambda _m: False)
        self.viewer = self._end(viewer_folder, 1, window, chunk)
        self.host = self._end(host_folder, 0, window, chunk)

    def _end(self, folder: Path, parity: int, window: int, chunk: int) -> End:
        worker = ManualWorker()
        sent: list[Message] = []
        events: list[object] = []
        holder: list[End] = []

        def send(message: Message) -> None:
            sent.append(message)
            if not self.drop(message):
                other = self.host if holder[0] is self.viewer else self.viewer
                other.engine.handle(message)

        engine = TransferEngine(send, events.append, folder, id_parity=parity, worker=worker,  # type: ignore[arg-type]
                                chunk_size=chunk, window=window)
        end = End(engine, worker, sent, events)
        holder.append(end)
        return end

    def run(self, steps: int = 100_000) -> None:
        for _ in range(steps):
            if not (self.viewer.worker.run_one() | self.host.worker.run_one()):
                return
        raise AssertionError("the pair did not settle")


def make_file(path: Path, size: int) -> Path:
    path.write_bytes(os.urandom(size))
    return path


def digest(path: Path) -> bytes:
    return hashlib.sha256(path.read_bytes()).digest()


@pytest.fixture()
def folders(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "agent").mkdir()
    return tmp_path / "agent", tmp_path / "customer"


def send_and_accept(pair: Pair, source: Path, replace: bool = False) -> int:
    transfer_id = pair.viewer.engine.new_id()
    pair.viewer.engine.send_file(transfer_id, source)
    pair.run()
    assert pair.host.offers()[-1].transfer_id == transfer_id
    pair.host.engine.accept(transfer_id, replace)
    pair.run()
    return transfer_id


def send_partway(pair: Pair, source: Path, rounds: int) -> int:
    """Offer ``source``, accept it and let both workers take ``rounds`` steps each: a transfer under way."""
    transfer_id = pair.viewer.engine.new_id()
    pair.viewer.engine.send_file(transfer_id, source)
    pair.run()
    pair.host.engine.accept(transfer_id)
    for _ in range(rounds):
        pair.viewer.worker.run_one()
        pair.host.worker.run_one()
    return transfer_id


def test_a_file_arrives_whole_in_chunks_within_the_window(folders: tuple[Path, Path]) -> None:
    agent, customer = folders
    source = make_file(agent / "report.pdf", 300_001)
    in_flight: list[int] = []
    pair = Pair(agent, customer)

    def record(_message: Message) -> bool:
        in_flight.append(_unacked(pair))
        return False  # never drop

    pair.drop = record
    transfer_id = send_and_accept(pair, source)
    chunks = [m for m in pair.viewer.sent if isinstance(m, FileChunk)]
    assert len(chunks) == 19 and max(len(c.data) for c in chunks) == 16 * 1024
    assert max(in_flight) <= 64 * 1024
    assert digest(customer / "report.pdf") == digest(source)
    assert pair.viewer.last(transfer_id).state is TransferState.DONE
    assert pair.host.last(transfer_id).state is TransferState.DONE
    assert sorted(p.name for p in customer.iterdir()) == ["report.pdf"]  # no .part, no sidecar left


def _unacked(pair: Pair) -> int:
    sent = sum(len(m.data) for m in pair.viewer.sent if isinstance(m, FileChunk))
    acked = max((m.received for m in pair.host.sent if isinstance(m, FileAck)), default=0)
    return sent - acked


def test_an_empty_file_arrives(folders: tuple[Path, Path]) -> None:
    agent, customer = folders
    source = make_file(agent / "empty.txt", 0)
    send_and_accept(Pair(agent, customer), source)
    assert (customer / "empty.txt").read_bytes() == b""


def test_a_resumed_offer_starts_from_the_bytes_the_part_holds(folders: tuple[Path, Path]) -> None:
    agent, customer = folders
    source = make_file(agent / "big.bin", 200_000)
    cut = Pair(agent, customer)
    cut.drop = lambda m: isinstance(m, FileChunk) and m.offset >= 96 * 1024  # the link dies there
    send_and_accept(cut, source)
    cut.host.engine.close()
    cut.host.worker.stop()
    assert not (customer / "big.bin").exists()
    part, sidecar = part_paths(customer, "big.bin", digest(source))
    assert part.stat().st_size == 96 * 1024 and sidecar.exists()

    again = Pair(agent, customer)
    transfer_id = send_and_accept(again, source)
    assert again.host.offers()[-1].resume_from == 96 * 1024
    assert [m.offset for m in again.host.sent if isinstance(m, FileAccept)] == [96 * 1024]
    assert min(m.offset for m in again.viewer.sent if isinstance(m, FileChunk)) == 96 * 1024
    assert digest(customer / "big.bin") == digest(source)
    assert again.viewer.last(transfer_id).state is TransferState.DONE
    assert not part.exists() and not sidecar.exists()


def test_a_part_of_another_file_is_not_resumed(folders: tuple[Path, Path]) -> None:
    agent, customer = folders
    source = make_file(agent / "a.bin", 50_000)
    customer.mkdir()
    part, sidecar = part_paths(customer, "a.bin", digest(source))
    part.write_bytes(b"x" * 1000)
    sidecar.write_text('{"name": "a.bin", "size": 49999, "sha256": "00"}')
    pair = Pair(agent, customer)
    send_and_accept(pair, source)
    assert pair.host.offers()[-1].resume_from == 0
    assert digest(customer / "a.bin") == digest(source)


def test_a_digest_mismatch_fails_both_sides_and_leaves_nothing(folders: tuple[Path, Path]) -> None:
    agent, customer = folders
    source = make_file(agent / "data.bin", 40_000)
    pair = Pair(agent, customer)

    def corrupt(message: Message) -> bool:
        if isinstance(message, FileChunk) and message.offset == 0:
            pair.host.engine.handle(dataclasses.replace(message, data=b"\0" * len(message.data)))
            return True
        return False

    pair.drop = corrupt
    transfer_id = send_and_accept(pair, source)
    assert pair.host.last(transfer_id).state is TransferState.FAILED
    assert "SHA-256" in pair.host.last(transfer_id).reason
    assert pair.viewer.last(transfer_id).state is TransferState.FAILED
    assert [m.ok for m in pair.host.sent if isinstance(m, FileResult)] == [False]
    assert list(customer.iterdir()) == []


def test_cancel_by_the_receiver_mid_way_leaves_nothing(folders: tuple[Path, Path]) -> None:
    agent, customer = folders
    source = make_file(agent / "movie.mp4", 500_000)
    pair = Pair(agent, customer)
    transfer_id = send_partway(pair, source, 12)
    assert 0 < pair.host.last(transfer_id).done < 500_000 or any(isinstance(m, FileAck) for m in pair.host.sent)
    pair.host.engine.cancel(transfer_id, "cancelled by the customer")
    pair.run()
    assert pair.host.last(transfer_id).state is TransferState.CANCELLED
    assert pair.viewer.last(transfer_id).state is TransferState.CANCELLED
    assert pair.viewer.last(transfer_id).reason == "cancelled by the customer"
    assert list(customer.iterdir()) == []


def test_cancel_by_the_sender_leaves_nothing(folders: tuple[Path, Path]) -> None:
    agent, customer = folders
    source = make_file(agent / "x.bin", 300_000)
    pair = Pair(agent, customer)
    transfer_id = send_partway(pair, source, 6)
    assert pair.host.last(transfer_id).state is TransferState.RUNNING  # under way when the sender cancels
    pair.viewer.engine.cancel(transfer_id)
    pair.run()
    assert pair.host.last(transfer_id).state is TransferState.CANCELLED
    assert list(customer.iterdir()) == []


def test_chunks_for_a_transfer_never_accepted_are_refused(folders: tuple[Path, Path]) -> None:
    agent, customer = folders
    pair = Pair(agent, customer)
    pair.host.engine.handle(FileChunk(7, 0, b"hello"))
    pair.host.engine.handle(FileOffer(9, "a.txt", 5, hashlib.sha256(b"hello").digest()))
    pair.host.engine.handle(FileChunk(9, 0, b"hello"))  # offered, not accepted
    pair.run()
    assert [m for m in pair.host.sent if isinstance(m, FileCancel)] == [
        FileCancel(7, "no file with this id was accepted"), FileCancel(9, "no file with this id was accepted")]
    assert not customer.exists() or list(customer.iterdir()) == []


def test_a_chunk_out_of_order_or_too_long_fails_the_transfer(folders: tuple[Path, Path]) -> None:
    agent, customer = folders
    pair = Pair(agent, customer)
    pair.host.engine.handle(FileOffer(3, "a.txt", 5, hashlib.sha256(b"hello").digest()))
    pair.run()
    pair.host.engine.accept(3)
    pair.host.engine.handle(FileChunk(3, 0, b"hello, world"))
    pair.run()
    assert pair.host.last(3).state is TransferState.FAILED
    assert "too large" in pair.host.last(3).reason
    assert list(customer.iterdir()) == []


def test_an_offer_with_this_sides_id_parity_is_refused(folders: tuple[Path, Path]) -> None:
    agent, customer = folders
    pair = Pair(agent, customer)
    pair.host.engine.handle(FileOffer(4, "a.txt", 5, hashlib.sha256(b"hello").digest()))
    pair.run()
    assert isinstance(pair.host.sent[0], FileCancel) and pair.host.offers() == []


@pytest.mark.parametrize(("replace", "expected"), [(False, "notes (1).txt"), (True, "notes.txt")])
def test_an_existing_file_is_kept_or_replaced_as_the_user_chose(folders: tuple[Path, Path], replace: bool,
                                                                 expected: str) -> None:
    agent, customer = folders
    customer.mkdir()
    (customer / "notes.txt").write_bytes(b"the customer's own notes")
    source = make_file(agent / "notes.txt", 1000)
    pair = Pair(agent, customer)
    send_and_accept(pair, source, replace=replace)
    assert pair.host.offers()[-1].conflict is True
    assert digest(customer / expected) == digest(source)
    if not replace:
        assert (customer / "notes.txt").read_bytes() == b"the customer's own notes"


def test_a_traversal_name_lands_inside_the_folder(folders: tuple[Path, Path], tmp_path: Path) -> None:
    agent, customer = folders
    data = b"not yours"
    pair = Pair(agent, customer)
    pair.host.engine.handle(FileOffer(1, "../../outside/../.bashrc", len(data), hashlib.sha256(data).digest()))
    pair.run()
    assert pair.host.offers()[-1].name == "bashrc"
    pair.host.engine.accept(1)
    pair.host.engine.handle(FileChunk(1, 0, data))
    pair.run()
    assert (customer / "bashrc").read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["agent", "customer"]


def test_the_receiver_and_the_sender_both_get_the_result_of_a_send_from_the_host(
        folders: tuple[Path, Path]) -> None:
    agent, customer = folders
    customer.mkdir()
    source = make_file(customer / "log.txt", 70_000)
    pair = Pair(agent, customer)
    transfer_id = pair.host.engine.new_id()
    assert transfer_id % 2 == 0
    pair.host.engine.send_file(transfer_id, source)
    pair.run()
    pair.viewer.engine.accept(transfer_id)
    pair.run()
    assert digest(agent / "log.txt") == digest(source)
    assert pair.host.last(transfer_id).state is TransferState.DONE
    assert pair.viewer.last(transfer_id).path == str(agent / "log.txt")


def test_a_missing_file_fails_without_an_offer(folders: tuple[Path, Path]) -> None:
    agent, customer = folders
    pair = Pair(agent, customer)
    pair.viewer.engine.send_file(1, agent / "gone.txt")
    pair.run()
    assert pair.viewer.last(1).state is TransferState.FAILED and "could not read" in pair.viewer.last(1).reason
    assert pair.viewer.sent == []


def test_a_refused_offer_keeps_the_part_an_earlier_session_left(folders: tuple[Path, Path]) -> None:
    agent, customer = folders
    source = make_file(agent / "c.bin", 50_000)
    customer.mkdir()
    part, sidecar = part_paths(customer, "c.bin", digest(source))
    part.write_bytes(source.read_bytes()[:1000])
    write_sidecar(sidecar, "c.bin", 50_000, digest(source))
    pair = Pair(agent, customer)
    transfer_id = pair.viewer.engine.new_id()
    pair.viewer.engine.send_file(transfer_id, source)
    pair.run()
    assert pair.host.offers()[-1].resume_from == 1000
    pair.host.engine.refuse(transfer_id, "not now")
    pair.run()
    assert pair.viewer.last(transfer_id).state is TransferState.CANCELLED
    assert part.stat().st_size == 1000 and sidecar.exists()


def test_a_sender_that_ignores_the_window_is_cut_off(folders: tuple[Path, Path]) -> None:
    agent, customer = folders
    pair = Pair(agent, customer)
    size = 12 * 1024 * 1024
    pair.host.engine.handle(FileOffer(5, "flood.bin", size, bytes(32)))
    pair.run()
    pair.host.engine.accept(5)
    pair.run()
    for offset in range(0, size, 1024 * 1024):  # nothing written meanwhile: the worker does not run
        pair.host.engine.handle(FileChunk(5, offset, bytes(1024 * 1024)))
    pair.run()
    assert [m for m in pair.host.sent if isinstance(m, FileCancel)] == [
        FileCancel(5, "the sender ran ahead of the acknowledgements")]
    assert pair.host.last(5).state is TransferState.FAILED
    assert list(customer.iterdir()) == []
