"""A link outage (auto-reconnect) in the middle of a transfer, with the pair of engines of test_file_transfer:
while the link is down every message is lost; the owners then call ``link_lost`` and, when it is back,
``link_back``. The transfer must finish whole from where the receiver stopped, without a second question."""

from __future__ import annotations

from pathlib import Path

from protocol.messages import FileAccept, FileCancel, FileChunk, FileOffer, FileResult, Message
from tests.unit.test_file_transfer import Pair, digest, folders, make_file, send_partway
from transport.file_events import TransferState
from transport.file_names import part_paths

__all__ = ["folders"]  # the fixture, shared with test_file_transfer


def lose_everything(_message: Message) -> bool:
    return True


def deliver_everything(_message: Message) -> bool:
    return False


def cut(pair: Pair, steps: int = 6) -> None:
    """The link drops: a few more steps of work go into the void, then both owners hear of it."""
    pair.drop = lose_everything
    for _ in range(steps):
        pair.viewer.worker.run_one()
        pair.host.worker.run_one()
    pair.viewer.engine.link_lost()
    pair.host.engine.link_lost()
    pair.run()


def restore(pair: Pair) -> None:
    pair.drop = deliver_everything
    pair.host.engine.link_back()
    pair.viewer.engine.link_back()
    pair.run()


def accepted(pair: Pair, transfer_id: int) -> list[int]:
    return [m.offset for m in pair.host.sent if isinstance(m, FileAccept) and m.transfer_id == transfer_id]


def test_a_transfer_cut_mid_way_waits_then_finishes_whole_from_the_part(folders: tuple[Path, Path]) -> None:
    agent, customer = folders
    source = make_file(agent / "setup.exe", 400_000)
    customer.mkdir()
    (customer / "setup.exe").write_bytes(b"the customer's own")  # the clash is answered once: keep both
    pair = Pair(agent, customer)
    transfer_id = pair.viewer.engine.new_id()
    pair.viewer.engine.send_file(transfer_id, source)
    pair.run()
    assert pair.host.offers()[-1].conflict
    pair.host.engine.accept(transfer_id, replace=False)
    for _ in range(10):
        pair.viewer.worker.run_one()
        pair.host.worker.run_one()
    cut(pair)
    part, sidecar = part_paths(customer, "setup.exe", digest(source))
    written = part.stat().st_size
    assert 0 < written < 400_000 and sidecar.exists()
    assert pair.viewer.last(transfer_id).state is TransferState.WAITING
    assert pair.host.last(transfer_id).state is TransferState.WAITING
    assert pair.host.last(transfer_id).done == written
    sent_before = len(pair.viewer.sent)

    restore(pair)
    reoffer = pair.viewer.sent[sent_before]
    assert isinstance(reoffer, FileOffer) and reoffer.transfer_id == transfer_id
    assert accepted(pair, transfer_id) == [0, written]
    assert len(pair.host.offers()) == 1  # the owner was not asked again
    resumed_chunks = [m.offset for m in pair.viewer.sent[sent_before:] if isinstance(m, FileChunk)]
    assert min(resumed_chunks) == written
    assert digest(customer / "setup (1).exe") == digest(source)
    assert (customer / "setup.exe").read_bytes() == b"the customer's own"
    assert pair.viewer.last(transfer_id).state is TransferState.DONE
    assert pair.viewer.last(transfer_id).offset == written
    assert pair.host.last(transfer_id).state is TransferState.DONE
    assert not part.exists() and not sidecar.exists()


def test_a_result_lost_in_the_outage_is_said_again(folders: tuple[Path, Path]) -> None:
    agent, customer = folders
    source = make_file(agent / "small.txt", 20_000)
    pair = Pair(agent, customer)
    pair.drop = lambda m: isinstance(m, FileResult)  # the last message is the one the outage swallows
    transfer_id = send_partway(pair, source, 50)
    pair.run()
    assert pair.host.last(transfer_id).state is TransferState.DONE
    assert pair.viewer.last(transfer_id).state is TransferState.VERIFYING
    cut(pair)
    assert pair.viewer.last(transfer_id).state is TransferState.WAITING
    restore(pair)
    assert pair.viewer.last(transfer_id).state is TransferState.DONE
    assert digest(customer / "small.txt") == digest(source)


def test_an_offer_answered_during_the_outage_goes_on_without_a_second_question(folders: tuple[Path, Path]) -> None:
    agent, customer = folders
    source = make_file(agent / "notes.txt", 100_000)
    pair = Pair(agent, customer)
    transfer_id = pair.viewer.engine.new_id()
    pair.viewer.engine.send_file(transfer_id, source)
    pair.run()
    cut(pair)
    assert pair.viewer.last(transfer_id).state is TransferState.WAITING
    pair.host.engine.accept(transfer_id)  # the owner's answer, while nothing can be sent
    pair.run()
    restore(pair)
    assert len(pair.host.offers()) == 1
    assert digest(customer / "notes.txt") == digest(source)
    assert pair.viewer.last(transfer_id).state is TransferState.DONE


def test_a_file_hashed_during_the_outage_is_offered_when_the_link_is_back(folders: tuple[Path, Path]) -> None:
    agent, customer = folders
    source = make_file(agent / "late.bin", 30_000)
    pair = Pair(agent, customer)
    cut(pair)
    transfer_id = pair.viewer.engine.new_id()
    pair.viewer.engine.send_file(transfer_id, source)
    pair.run()
    assert pair.viewer.last(transfer_id).state is TransferState.WAITING and pair.host.offers() == []
    restore(pair)
    pair.host.engine.accept(transfer_id)
    pair.run()
    assert digest(customer / "late.bin") == digest(source)


def test_the_receiver_cancels_during_the_outage_and_the_sender_hears_it_after(folders: tuple[Path, Path]) -> None:
    agent, customer = folders
    source = make_file(agent / "big.bin", 300_000)
    pair = Pair(agent, customer)
    transfer_id = send_partway(pair, source, 8)
    cut(pair)
    part, sidecar = part_paths(customer, "big.bin", digest(source))
    assert part.exists()
    pair.host.engine.cancel(transfer_id, "cancelled by the customer")
    pair.run()
    assert not part.exists() and not sidecar.exists()  # at once, not after the resume
    assert pair.host.last(transfer_id).state is TransferState.CANCELLED
    assert not any(isinstance(m, FileCancel) for m in pair.host.sent)  # held: nothing can go now
    sent_before = len(pair.viewer.sent)
    restore(pair)
    assert pair.viewer.last(transfer_id).state is TransferState.CANCELLED
    assert pair.viewer.last(transfer_id).reason == "cancelled by the customer"
    assert not any(isinstance(m, FileChunk) for m in pair.viewer.sent[sent_before:])
    assert list(customer.iterdir()) == []


def test_the_sender_cancels_during_the_outage_and_the_part_goes_after_the_resume(
        folders: tuple[Path, Path]) -> None:
    agent, customer = folders
    source = make_file(agent / "big.bin", 300_000)
    pair = Pair(agent, customer)
    transfer_id = send_partway(pair, source, 8)
    cut(pair)
    pair.viewer.engine.cancel(transfer_id, "cancelled by the agent")
    pair.run()
    assert pair.viewer.last(transfer_id).state is TransferState.CANCELLED
    part, _sidecar = part_paths(customer, "big.bin", digest(source))
    assert part.exists()  # the receiver cannot know yet
    sent_before = len(pair.viewer.sent)
    restore(pair)
    assert pair.host.last(transfer_id).state is TransferState.CANCELLED
    assert pair.host.last(transfer_id).reason == "cancelled by the agent"
    assert list(customer.iterdir()) == []
    assert pair.viewer.sent[sent_before:] == [FileCancel(transfer_id, "cancelled by the agent")]  # no re-offer


def test_a_cancel_during_an_outage_that_ends_the_session_is_never_sent(folders: tuple[Path, Path]) -> None:
    agent, customer = folders
    source = make_file(agent / "big.bin", 300_000)
    pair = Pair(agent, customer)
    transfer_id = send_partway(pair, source, 8)
    cut(pair)
    pair.host.engine.cancel(transfer_id, "cancelled by the customer")
    pair.run()
    pair.host.engine.close()
    pair.viewer.engine.close()
    pair.run()
    assert not any(isinstance(m, FileCancel) for m in pair.host.sent)
    assert pair.viewer.last(transfer_id).state is TransferState.INTERRUPTED
    assert list(customer.iterdir()) == []


def test_a_session_that_ends_during_the_outage_keeps_the_part_for_a_later_resume(
        folders: tuple[Path, Path]) -> None:
    agent, customer = folders
    source = make_file(agent / "big.bin", 300_000)
    pair = Pair(agent, customer)
    transfer_id = send_partway(pair, source, 8)
    cut(pair)
    written = pair.host.last(transfer_id).done
    pair.host.engine.close()
    pair.viewer.engine.close()
    pair.run()
    assert pair.host.last(transfer_id).state is TransferState.INTERRUPTED
    part, sidecar = part_paths(customer, "big.bin", digest(source))
    assert part.stat().st_size == written > 0 and sidecar.exists()

    again = Pair(agent, customer)
    again_id = send_partway(again, source, 0)
    again.run()
    assert again.host.offers()[-1].resume_from == written
    assert digest(customer / "big.bin") == digest(source)
    assert again.viewer.last(again_id).state is TransferState.DONE


def test_a_different_file_under_a_known_id_is_still_refused(folders: tuple[Path, Path]) -> None:
    agent, customer = folders
    source = make_file(agent / "a.bin", 100_000)
    pair = Pair(agent, customer)
    transfer_id = send_partway(pair, source, 4)
    pair.host.engine.handle(FileOffer(transfer_id, "other.bin", 10, bytes(32)))
    pair.run()
    assert FileCancel(transfer_id, "this transfer id is already in use") in pair.host.sent
