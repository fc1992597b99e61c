"""The live session the e2e tool tests share: the real server on loopback, an in-process HostApp on an Xvfb
display and the agent's real ViewerWindow on a real ViewerSession, all in the test's one Qt process.

``LiveSession(server, display, ...)`` joins a fresh code and builds both ends; ``start()`` shows the window and
starts both; ``wait_for_picture()`` waits for the first decoded picture; ``close()`` ends it all. A test module
subclasses LiveSession for its own tools and extra pieces.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import TypeVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from host_module.app import HostApp
from host_module.join import JoinTicket, join_by_code
from host_module.options import HostOptions
from protocol.session import Role
from tests.e2e.test_host_consent import Recorder
from tools.harness import IssuedCode, issue_code
from tools.server_process import RunningServer
from transport.link import LinkConfig, relay_url
from viewer.policy import ViewerPolicy
from viewer.session import ViewerSession
from viewer.window import ViewerWindow

Tool = TypeVar("Tool")
_KEEP: list[object] = []  # Qt objects stay alive until the process ends: none is deleted under a queued event


def wait_until(condition: Callable[[], object], timeout: float = 20.0, what: str = "") -> None:
    """Process Qt events until ``condition()`` holds (usable outside a qtbot test, e.g. in a module fixture)."""
    deadline = timeout * 1000
    waited = 0
    while not condition():
        assert waited < deadline, f"timed out waiting for {what or condition}"
        QTest.qWait(25)
        waited += 25


def tool_of(tools: Mapping[str, object], name: str, kind: type[Tool]) -> Tool:
    """``tools[name]`` (a HostApp's or ViewerWindow's tools), checked to be a ``kind``."""
    tool = tools[name]
    assert isinstance(tool, kind)
    return tool


def picture_shown(window: ViewerWindow) -> bool:
    """The session is live and the window shows a decoded picture of the customer's screen."""
    return window.live and window.view.image is not None


def join_with_policy(server: RunningServer, policy: Mapping[str, object] | None = None,
                     token: str | None = None) -> tuple[IssuedCode, JoinTicket]:
    """A fresh code issued by ``token``'s agent (else the demo agent) and joined as the customer; the host's
    policy is the agent's options with ``policy`` over them."""
    issued = issue_code(server, token)
    ticket = join_by_code(server.url, issued.code, server.fingerprint, None)
    return issued, dataclasses.replace(ticket, policy={**ticket.policy, **(policy or {})})


def viewer_config(server: RunningServer, issued: IssuedCode) -> LinkConfig:
    """The agent's link to ``issued``'s session on ``server``."""
    return LinkConfig(relay_url(server.url, issued.session_id, Role.VIEWER), issued.token, Role.VIEWER,
                      bytes.fromhex(issued.secret), server.ssl_context())


class LiveSession:
    """One session: the customer's HostApp on ``display`` and the agent's ViewerWindow, built but not started.

    ``policy`` goes over the host's policy; ``viewer_policy`` is the agent's options for the viewer (None: the
    catalogue's defaults), or with ``same_policy`` the viewer gets the host's policy. ``host_options`` go over
    the HostOptions; ``env`` is set while both ends are built. ``events`` records every event of the viewer's
    session (network thread), before the window sees it.
    """

    def __init__(self, server: RunningServer, display: str, *, policy: Mapping[str, object] | None = None,
                 viewer_policy: Mapping[str, object] | None = None, same_policy: bool = False,
                 grant_control: bool = False, token: str | None = None,
                 host_options: Mapping[str, object] | None = None, env: Mapping[str, str] | None = None) -> None:
        self.issued, self.ticket = join_with_policy(server, policy, token)
        settings: dict[str, object] = {"server": server.url, "fingerprint": server.fingerprint, "ca_cert": None,
                                       "code": None, "display": display, "accept": True,
                                       "grant_control": grant_control, "events_stdout": False, "browser": False,
                                       **(host_options or {})}
        self.events = Recorder()
        with pytest.MonkeyPatch.context() as patch:
            for name, value in (env or {}).items():
                patch.setenv(name, value)
            self.app = HostApp(HostOptions(**settings), self.ticket,  # type: ignore[arg-type]
                               open_url=lambda _url: True, quit_app=lambda: None)
            self.session = ViewerSession(viewer_config(server, self.issued), self._on_event)
            self.window = ViewerWindow(self.session, policy=ViewerPolicy(
                self.ticket.policy if same_policy else viewer_policy))

    def _on_event(self, event: object) -> None:
        self.events(event)
        if hasattr(self, "window"):
            self.window.deliver(event)

    def start(self, show: bool = True) -> None:
        """Show the agent's window (with ``show``) and start both ends."""
        if show:
            self.window.show()
        self.app.start()
        self.session.start()

    def wait_for_picture(self, timeout: float = 30.0) -> None:
        """Wait until the session is live and the agent's window shows the customer's screen."""
        wait_until(lambda: picture_shown(self.window), timeout, "a live session with a picture")

    def close(self) -> None:
        """End the session on both sides and close the agent's window."""
        self.session.close()
        if self.app.ended_reason is None:
            self.app.end_now("the test is over")
        self.app.session.close()
        self.app.bridge.posted.disconnect()
        self.app.notice.close()
        self.window.close()
        _KEEP.append(self)


def click_button(box: QMessageBox, text: str) -> None:
    """A real click on ``box``'s button labelled ``text``."""
    button = next(b for b in box.buttons() if b.text() == text)
    assert isinstance(button, QPushButton)
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


def answer_customer(qtbot: QtBot, app: HostApp, text: str, timeout: float = 20.0) -> str:
    """Click ``text`` (Allow, Refuse, …) on the customer's first open box; the question it asked."""
    qtbot.waitUntil(lambda: bool(app._boxes), timeout=int(timeout * 1000))
    box: QMessageBox = app._boxes[0]
    question = box.text()
    click_button(box, text)
    return question
