"""File transfer end to end: the real server on loopback, an in-process HostApp sharing an Xvfb display,
a real ViewerWindow (its files tool) in the same process; the customer's answers are real clicks on the
host's boxes and file dialog. Files are compared by SHA-256 at their final names.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from host_module.tools.files import NOT_ALLOWED, NOT_GRANTED, HostFiles
from protocol.messages import FileAccept, FileAck, FileCancel, FileChunk, FileOffer, PermissionDecision
from tests.e2e.tool_rig import LiveSession, answer_customer, click_button, tool_of, wait_until
from tests.xvfb import XvfbDisplay, start_xvfb
from tools.server_process import RunningServer
from transport.file_events import TransferState
from transport.file_names import part_paths
from viewer.tools.files import ViewerFiles
from viewer.window import ViewerWindow

pytestmark = pytest.mark.e2e
MB = 1024 * 1024


class Live(LiveSession):
    """One live session (tests/e2e/tool_rig.py) with the files tools; customer and agent folders under
    ``folder``; ``received`` the file messages and permission answers the agent's window got."""

    def __init__(self, server: RunningServer, display: str, folder: Path,
                 policy: dict[str, object] | None = None) -> None:
        self.customer, self.agent = folder / "customer", folder / "agent"
        self.agent.mkdir(parents=True, exist_ok=True)
        super().__init__(server, display, policy=policy, same_policy=True,
                         env={"FERRY_HOST_DOWNLOADS": str(self.customer), "FERRY_VIEWER_DOWNLOADS": str(self.agent)})
        self.received: list[object] = []
        for kind in (FileAccept, FileCancel, FileAck, PermissionDecision):
            self.window.on_message(kind, self.received.append)

    @property
    def host_files(self) -> HostFiles:
        return tool_of(self.app.tools, "files", HostFiles)

    @property
    def viewer_files(self) -> ViewerFiles:
        return tool_of(self.window.tools, "files", ViewerFiles)

    def of(self, kind: type) -> list[Any]:
        return [m for m in list(self.received) if isinstance(m, kind)]


def start_live(server: RunningServer, display: str, folder: Path, policy: dict[str, object] | None = None) -> Live:
    """Join a fresh code with ``policy`` for both ends; customer and agent folders under ``folder``."""
    live = Live(server, display, folder, policy)
    live.start()
    return live


def wait(qtbot: QtBot, condition: Callable[[], object], timeout: float = 30.0) -> None:
    qtbot.waitUntil(lambda: bool(condition()), timeout=int(timeout * 1000))


def make_file(path: Path, size: int) -> Path:
    with path.open("wb") as file:
        for _ in range(size // MB):
            file.write(os.urandom(MB))
        file.write(os.urandom(size % MB))
    return path


def digest(path: Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(MB):
            hasher.update(block)
    return hasher.hexdigest()


@pytest.fixture(scope="module")
def screen() -> Iterator[XvfbDisplay]:
    display = start_xvfb()
    yield display
    display.stop()


@pytest.fixture(scope="module")
def shared(server: RunningServer, screen: XvfbDisplay, tmp_path_factory: pytest.TempPathFactory,
           qapp: QApplication) -> Iterator[Live]:
    """A session whose policy asks the customer (control_consent), shared by the checks that allow files."""
    live = start_live(server, screen.name, tmp_path_factory.mktemp("shared"), {"control_consent": True})
    wait_until(lambda: live.window.live, 30, "a live session")  # no qtbot in a module fixture
    yield live
    live.close()


def drop_on_view(window: ViewerWindow, paths: list[Path]) -> bool:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    point = QPointF(window.view.width() / 2, window.view.height() / 2)
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(point.toPoint(), Qt.DropAction.CopyAction, mime, buttons, modifiers)
    QApplication.sendEvent(window.view, enter)
    assert enter.isAccepted()
    move = QDragMoveEvent(point.toPoint(), Qt.DropAction.CopyAction, mime, buttons, modifiers)
    QApplication.sendEvent(window.view, move)
    assert move.isAccepted()
    drop = QDropEvent(point, Qt.DropAction.CopyAction, mime, buttons, modifiers)
    QApplication.sendEvent(window.view, drop)
    return drop.isAccepted()


def test_the_customer_refuses_a_file_and_nothing_arrives(shared: Live, qtbot: QtBot, tmp_path: Path) -> None:
    source = make_file(tmp_path / "unwanted.zip", 200_000)
    assert shared.viewer_files.send_paths([source])
    assert "unwanted.zip (200.0 KB)" in answer_customer(qtbot, shared.app, "Refuse")
    wait(qtbot, lambda: shared.of(PermissionDecision))
    assert shared.of(PermissionDecision)[-1].granted is False
    qtbot.wait(300)
    assert shared.viewer_files.updates == {} and not shared.customer.exists()
    # whatever the viewer sends next, the host takes no file it did not grant
    shared.session.send(FileOffer(901, "unwanted.zip", 5, hashlib.sha256(b"hello").digest()))
    shared.session.send(FileChunk(901, 0, b"hello"))
    wait(qtbot, lambda: len(shared.of(FileCancel)) == 2)
    assert {c.reason for c in shared.of(FileCancel)} == {NOT_GRANTED}
    assert not shared.customer.exists()


def test_a_file_dropped_on_the_picture_arrives_whole_in_the_customers_downloads(
        shared: Live, qtbot: QtBot, tmp_path: Path) -> None:
    source = make_file(tmp_path / "driver setup.exe", 4 * MB + 123)
    assert shared.viewer_files.drop_enabled and shared.window.view.acceptDrops()
    assert drop_on_view(shared.window, [source])
    assert "driver setup.exe (4.2 MB)" in answer_customer(qtbot, shared.app, "Allow")
    arrived = shared.customer / "driver setup.exe"
    wait(qtbot, lambda: any(u.state is TransferState.DONE for u in shared.viewer_files.updates.values()))
    assert digest(arrived) == digest(source)
    assert sorted(p.name for p in shared.customer.iterdir()) == ["driver setup.exe"]  # no .part left
    host_view = next(iter(shared.host_files.updates.values()))
    assert host_view.state is TransferState.DONE and host_view.path == str(arrived)
    assert shared.host_files.panel is not None and shared.host_files.panel.isVisible()


def test_throughput_over_loopback(shared: Live, qtbot: QtBot, tmp_path: Path) -> None:
    size = 32 * MB
    source = make_file(tmp_path / "big.bin", size)
    assert shared.viewer_files.send_paths([source])
    wait(qtbot, lambda: shared.app._boxes)
    started = time.monotonic()  # from the customer's answer: hashing, offer, chunks, check, rename
    answer_customer(qtbot, shared.app, "Allow")  # every send is asked again
    wait(qtbot, lambda: any(u.name == "big.bin" and u.state is TransferState.DONE
                            for u in shared.viewer_files.updates.values()), timeout=60)
    seconds = time.monotonic() - started
    print(f"\nfile transfer: {size / MB:.0f} MiB in {seconds:.2f} s = {size / MB / seconds:.1f} MiB/s over loopback")
    assert digest(shared.customer / "big.bin") == digest(source)


def test_a_customer_file_arrives_at_the_agent_without_overwriting(
        shared: Live, qtbot: QtBot, tmp_path: Path) -> None:
    picked = make_file(tmp_path / "error.log", 2 * MB + 7)
    (shared.agent / "error.log").write_bytes(b"the agent's own file")
    shared.viewer_files.ask_to_receive()
    assert "receive a file" in answer_customer(qtbot, shared.app, "Allow")
    wait(qtbot, lambda: shared.host_files.picker is not None and shared.host_files.picker.isVisible())
    picker = shared.host_files.picker
    assert picker is not None
    picker.setDirectory(str(tmp_path))
    picker.selectFile(picked.name)
    picker.accept()
    wait(qtbot, lambda: shared.viewer_files.boxes)  # the agent already has error.log: keep both?
    click_button(shared.viewer_files.boxes[0], "Keep both")
    wait(qtbot, (shared.agent / "error (1).log").exists)
    assert digest(shared.agent / "error (1).log") == digest(picked)
    assert (shared.agent / "error.log").read_bytes() == b"the agent's own file"
    wait(qtbot, lambda: any(u.outgoing and u.state is TransferState.DONE for u in shared.host_files.updates.values()))


def test_an_interrupted_send_resumes_from_the_part_in_a_new_session(
        server: RunningServer, screen: XvfbDisplay, qtbot: QtBot, tmp_path: Path) -> None:
    source = make_file(tmp_path / "dump.bin", 8 * MB)
    sha = bytes.fromhex(digest(source))
    first = start_live(server, screen.name, tmp_path, {"control_consent": False})
    try:
        wait(qtbot, lambda: first.window.live)
        first.session.send(FileOffer(501, "dump.bin", source.stat().st_size, sha))  # before any grant
        wait(qtbot, lambda: first.of(FileCancel))
        assert first.of(FileCancel)[0].reason == NOT_GRANTED
        first.window.request_permission("file_send", "dump.bin (8 MB)")
        wait(qtbot, lambda: first.of(PermissionDecision))
        assert first.of(PermissionDecision)[0].granted
        first.session.send(FileOffer(503, "dump.bin", source.stat().st_size, sha))
        wait(qtbot, lambda: first.of(FileAccept))
        assert first.of(FileAccept) == [FileAccept(503, 0)]
        with source.open("rb") as file:  # the first 3 MiB go through, then the link drops
            for offset in range(0, 3 * MB, 128 * 1024):
                first.session.send(FileChunk(503, offset, file.read(128 * 1024)))
        wait(qtbot, lambda: any(a.received == 3 * MB for a in first.of(FileAck)))
        first.session.close()
        wait(qtbot, lambda: first.app.ended_reason is not None)
    finally:
        first.close()
    part, sidecar = part_paths(first.customer, "dump.bin", sha)
    assert part.stat().st_size == 3 * MB and sidecar.exists() and not (first.customer / "dump.bin").exists()

    second = start_live(server, screen.name, tmp_path, {"control_consent": False})
    try:
        wait(qtbot, lambda: second.window.live)
        assert second.viewer_files.send_paths([source])
        wait(qtbot, lambda: any(u.state is TransferState.DONE for u in second.viewer_files.updates.values()))
        offer = next(iter(second.host_files.offers.values()))
        assert offer.resume_from == 3 * MB
        assert next(iter(second.viewer_files.updates.values())).offset == 3 * MB
        assert digest(second.customer / "dump.bin") == digest(source)
        assert not part.exists() and not sidecar.exists()
    finally:
        second.close()


def test_with_file_transfer_off_nothing_is_offered_asked_or_taken(
        server: RunningServer, screen: XvfbDisplay, qtbot: QtBot, tmp_path: Path) -> None:
    live = start_live(server, screen.name, tmp_path, {"file_transfer": False, "control_consent": True})
    try:
        wait(qtbot, lambda: live.window.live)
        tool = live.viewer_files
        assert not tool.shown and not tool.drop_enabled and not live.window.view.acceptDrops()
        assert tool.send_action not in live.window.toolbar.actions()
        live.window.request_permission("file_send", "x.txt (5 B)")  # a viewer that asks anyway
        live.session.send(FileOffer(11, "x.txt", 5, hashlib.sha256(b"hello").digest()))
        live.session.send(FileChunk(11, 0, b"hello"))
        wait(qtbot, lambda: live.of(PermissionDecision) and len(live.of(FileCancel)) == 2)
        decision = live.of(PermissionDecision)[0]
        assert not decision.granted and "policy" in decision.reason
        assert {c.reason for c in live.of(FileCancel)} == {NOT_ALLOWED}
        assert live.app._boxes == [] and live.host_files.refused == 2
        assert not live.customer.exists()
    finally:
        live.close()
