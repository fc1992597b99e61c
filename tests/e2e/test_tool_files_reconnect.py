"""A file transfer survives a dropped link: the real server on loopback, the customer's in-process HostApp
whose TCP connection runs through a loopback proxy the test cuts mid-transfer, and the agent's real
ViewerWindow (auto-reconnect on both legs). The session comes back by itself and the file arrives whole, the
resumed offer starting from the bytes the customer's ``.part`` already held, without a second question.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from host_module.tools.files import HostFiles
from protocol.events import SessionLive
from protocol.messages import FileAccept, FileAck, FileChunk, PermissionDecision
from tests.e2e import tool_rig
from tests.e2e.test_tool_files import MB, digest, make_file, wait
from tests.e2e.tool_rig import LiveSession, tool_of
from tests.integration.test_relay_reconnect import CutProxy
from tests.xvfb import XvfbDisplay
from tools.server_process import RunningServer
from transport.events import LinkReconnecting, LinkResumed
from transport.file_events import TransferState, TransferUpdate
from transport.file_names import part_paths
from viewer.tools.files import ViewerFiles

pytestmark = pytest.mark.e2e
WINDOW_S = 20.0  # the viewer's reconnect window (the host keeps the product's minute; the relay takes the smaller)
CUT_AT = 8 * MB  # the proxy is cut when the customer's side has this much of the file


class CuttableSession(LiveSession):
    """A live session whose host leg goes through ``proxy``; files land under ``folder``."""

    def __init__(self, server: RunningServer, display: str, folder: Path, proxy: CutProxy) -> None:
        self.customer, self.agent = folder / "customer", folder / "agent"
        self.agent.mkdir(parents=True, exist_ok=True)
        self.proxy = proxy
        with pytest.MonkeyPatch.context() as patch:  # the agent's leg asks the relay for auto-reconnect
            plain = tool_rig.viewer_config
            patch.setattr(tool_rig, "viewer_config", lambda *args: dataclasses.replace(
                plain(*args), reconnect_window_s=WINDOW_S))
            super().__init__(server, display, policy={"control_consent": False}, same_policy=True,
                             host_options={"server": proxy.url},
                             env={"FERRY_HOST_DOWNLOADS": str(self.customer),
                                  "FERRY_VIEWER_DOWNLOADS": str(self.agent)})
        self.received: list[object] = []
        for kind in (FileAccept, PermissionDecision):
            self.window.on_message(kind, self.received.append)
        self.host_updates: list[TransferUpdate] = []
        self.app.on_gui(TransferUpdate, self.host_updates.append)
        self.host_received: list[object] = []  # the agent's FileAccepts as the host got them (network thread)
        self.app.session.add_handler(FileAccept, self.host_received.append)
        self.cut_at: int | None = None
        self._cut_once = threading.Lock()

    @property
    def host_files(self) -> HostFiles:
        return tool_of(self.app.tools, "files", HostFiles)

    @property
    def viewer_files(self) -> ViewerFiles:
        return tool_of(self.window.tools, "files", ViewerFiles)

    def cut_when_past(self, offset: int) -> None:
        """Cut the host's connection (on its network thread) once the receiver holds ``offset`` bytes: right after
        the chunk at ``offset`` reached the customer, or the agent's ack for it reached the customer."""
        def cut(message: object) -> None:
            assert isinstance(message, FileChunk | FileAck)
            reached = message.offset if isinstance(message, FileChunk) else message.received
            if reached >= offset and self._cut_once.acquire(blocking=False):
                self.cut_at = reached
                self.proxy.cut()
        self.app.session.add_handler(FileChunk, cut)
        self.app.session.add_handler(FileAck, cut)

    def of(self, kind: type) -> list[Any]:
        return [m for m in list(self.received) if isinstance(m, kind)]


@pytest.fixture()
def cuttable(server: RunningServer, xvfb: XvfbDisplay, tmp_path: Path, qapp: QApplication) -> Iterator[CuttableSession]:
    proxy = CutProxy(server.port)
    live = CuttableSession(server, xvfb.name, tmp_path, proxy)
    live.start()
    yield live
    live.close()
    proxy.close()


def test_a_file_sent_while_the_link_drops_arrives_whole_after_the_resume(
        cuttable: CuttableSession, qtbot: QtBot, tmp_path: Path) -> None:
    live = cuttable
    wait(qtbot, lambda: live.window.live)
    source = make_file(tmp_path / "disk image.iso", 32 * MB + 321)
    live.cut_when_past(CUT_AT)
    assert live.viewer_files.send_paths([source])

    wait(qtbot, lambda: live.events.count(LinkReconnecting) == 1)
    wait(qtbot, lambda: any(u.state is TransferState.WAITING for u in live.host_updates))
    part, sidecar = part_paths(live.customer, source.name, bytes.fromhex(digest(source)))
    assert part.exists() and sidecar.exists()
    transfer_id = live.host_updates[-1].transfer_id
    assert live.host_files.panel is not None
    assert live.host_files.panel.rows[transfer_id].state_label.text() == "Waiting for the connection…"

    wait(qtbot, lambda: live.events.count(LinkResumed) == 1)
    wait(qtbot, lambda: any(u.state is TransferState.DONE for u in live.viewer_files.updates.values()), timeout=40)
    arrived = live.customer / source.name
    assert digest(arrived) == digest(source)
    assert sorted(p.name for p in live.customer.iterdir()) == [source.name]  # no .part, no sidecar left
    accepts = [a.offset for a in live.of(FileAccept) if a.transfer_id == transfer_id]
    assert live.cut_at is not None and live.cut_at >= CUT_AT
    assert accepts[0] == 0 and len(accepts) == 2 and 0 < accepts[1] <= live.cut_at + MB, accepts
    assert live.viewer_files.updates[transfer_id].offset == accepts[1]
    assert live.host_updates[-1].state is TransferState.DONE and live.host_updates[-1].path == str(arrived)
    assert len(live.host_files.offers) == 1  # the customer's side took the re-offer without a new question
    assert len(live.of(PermissionDecision)) == 1  # and the agent did not ask the customer again
    assert live.app._boxes == []
    assert live.events.count(SessionLive) == 1 and live.app.ended_reason is None
    assert live.proxy.accepted >= 2  # the host came back through the proxy: the same session


def test_a_file_the_customer_sends_goes_on_after_the_link_drops(
        cuttable: CuttableSession, qtbot: QtBot, tmp_path: Path) -> None:
    live = cuttable
    wait(qtbot, lambda: live.window.live)
    source = make_file(tmp_path / "crash dump.dmp", 24 * MB + 5)
    live.cut_when_past(CUT_AT)
    live.viewer_files.ask_to_receive()
    wait(qtbot, lambda: live.host_files.picker is not None and live.host_files.picker.isVisible())
    picker = live.host_files.picker
    assert picker is not None
    picker.setDirectory(str(tmp_path))
    picker.selectFile(source.name)
    picker.accept()

    wait(qtbot, lambda: any(u.state is TransferState.WAITING for u in live.viewer_files.updates.values()))
    transfer_id = next(iter(live.viewer_files.updates))
    assert live.viewer_files.dialog is not None
    assert live.viewer_files.dialog.rows[transfer_id].state_label.text() == "Waiting for the connection…"
    wait(qtbot, lambda: live.events.count(LinkResumed) == 1)
    wait(qtbot, lambda: any(u.outgoing and u.state is TransferState.DONE for u in live.host_files.updates.values()),
         timeout=40)
    assert digest(live.agent / source.name) == digest(source)
    assert sorted(p.name for p in live.agent.iterdir()) == [source.name]
    accepts = [a.offset for a in list(live.host_received) if isinstance(a, FileAccept)]
    assert live.cut_at is not None and accepts[0] == 0 and len(accepts) == 2 and accepts[1] >= live.cut_at, accepts
    assert live.host_files.updates[transfer_id].offset == accepts[1]
    assert len(live.of(PermissionDecision)) == 1 and live.app._boxes == []
    assert live.host_files.picker is None  # the customer was not asked to pick again
