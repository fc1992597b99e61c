"""The viewer window says when the link is being restored and shows the new security code after it is."""

from __future__ import annotations

from typing import Any, cast

from pytestqt.qtbot import QtBot

from protocol.events import SessionLive
from protocol.messages import ControlGrant
from tests.unit.test_viewer_window_modes import StubSession
from transport.events import LinkReconnecting, LinkResumed
from viewer.window import ViewerWindow


def test_an_outage_disables_input_and_the_resume_shows_the_new_code(qtbot: QtBot) -> None:
    window = ViewerWindow(cast(Any, StubSession()))
    qtbot.addWidget(window)
    for event in (SessionLive(), ControlGrant()):
        window.deliver(event)
    qtbot.waitUntil(lambda: window.view.input_enabled)
    window.deliver(LinkReconnecting("socket closed", peer=True, window_s=60.0))
    qtbot.waitUntil(lambda: "Waiting for it to come back" in window._status.text())
    assert "60 s" in window._status.text()
    assert not window.view.input_enabled  # nothing is sent into a dead link; the host grants control again
    window.deliver(LinkResumed("123456"))
    qtbot.waitUntil(lambda: "Reconnected" in window._status.text())
    assert "123 456" in window._sas_label.text() or "123456" in window._sas_label.text()
    assert window.live
