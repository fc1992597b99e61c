"""Clipboard, web address, Ctrl+Alt+Del, system information and processes, seen on the customer's side.

The customer runs the real host program (``python -m host_module``) on its own Xvfb display, so its
clipboard is really the customer's: a probe process on that display (tests/apps/desktop_probe.py)
reads and sets it and reports the keys it gets. The agent's ViewerWindow runs in this process on the
test's display. The agent's options on the server decide the host's policy (consent by policy here);
the refusals — by policy and by the customer — run the HostApp in-process (tests/e2e/test_host_consent.py
``customer_side``), where the test answers the customer's boxes.
"""

from __future__ import annotations

import dataclasses
import platform
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from protocol.messages import ClipboardData, ToolResult
from protocol.session import Role
from tests.e2e.tool_rig import picture_shown, tool_of, wait_until
from tests.xvfb import XvfbDisplay, start_xvfb
from tools.harness import Child, display_env, issue_code, python_module
from tools.server_process import RunningServer
from transport.link import LinkConfig, relay_url
from transport.tls import pinned_ssl_context
from viewer.policy import ViewerPolicy
from viewer.session import ViewerSession
from viewer.tools.actions import ViewerActions
from viewer.window import ViewerWindow

pytestmark = pytest.mark.e2e


@dataclasses.dataclass
class Remote:
    """One session: the host program on the customer's display, the viewer window here."""

    host: Child
    window: ViewerWindow
    session: ViewerSession
    opened_file: Path
    received: list[object]
    server: RunningServer
    display: str

    @property
    def actions(self) -> ViewerActions:
        return tool_of(self.window.tools, "actions", ViewerActions)

    def results(self, tool: str) -> list[ToolResult]:
        return [m for m in self.received if isinstance(m, ToolResult) and m.tool == tool]

    def close(self) -> None:
        self.session.close()
        self.host.stop()
        self.window.close()


def set_agent_options(server: RunningServer, token: str, options: dict[str, object]) -> None:
    with server.session() as http:
        reply = http.put(server.api("/api/v1/me/options"), json=options,
                         headers={"Authorization": f"Bearer {token}"}, timeout=10)
    reply.raise_for_status()


def start_remote(server: RunningServer, display: str, tmp: Path, auto_sync: bool) -> Remote:
    token = server.login()
    set_agent_options(server, token, {"control_consent": False, "clipboard_auto_sync": auto_sync})
    issued = issue_code(server, token)
    opened_file = tmp / "browser.txt"
    browser = tmp / "browser.sh"
    browser.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> "{opened_file}"\n')
    browser.chmod(0o755)
    host = Child("host", python_module("host_module", "--server", server.url, "--fingerprint", server.fingerprint,
                                       "--code", issued.code, "--events-stdout", "--accept", "--grant-control"),
                 env=display_env(display, {"BROWSER": f"{browser} %s", "FERRY_HOST_LOG": str(tmp / "host.log")}))
    context = pinned_ssl_context(server.url, fingerprint=server.fingerprint)
    config = LinkConfig(relay_url(server.url, issued.session_id, Role.VIEWER), issued.token, Role.VIEWER,
                        bytes.fromhex(issued.secret), context)
    holder: list[ViewerWindow] = []
    session = ViewerSession(config, lambda event: holder[0].deliver(event) if holder else None)
    window = ViewerWindow(session, policy=ViewerPolicy({"clipboard_auto_sync": auto_sync}))
    holder.append(window)
    received: list[object] = []
    window.on_message(ToolResult, received.append)
    window.on_message(ClipboardData, received.append)
    window.show()
    session.start()
    remote = Remote(host, window, session, opened_file, received, server, display)
    wait_until(lambda: picture_shown(window), 30, "a live session with a picture")
    return remote


@pytest.fixture(scope="module")
def customer_display() -> Iterator[XvfbDisplay]:
    display = start_xvfb(1280, 800)
    yield display
    display.stop()


@pytest.fixture(scope="module")
def desktop(customer_display: XvfbDisplay) -> Iterator[Child]:
    child = Child("desktop", python_module("tests.apps.desktop_probe"), env=display_env(customer_display.name),
                  stdin=True)
    child.wait_event("ready", timeout=30)
    yield child
    child.stop()


@pytest.fixture(scope="module")
def remote(server: RunningServer, customer_display: XvfbDisplay, desktop: Child, qapp: QApplication,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Remote]:
    side = start_remote(server, customer_display.name, tmp_path_factory.mktemp("remote"), auto_sync=False)
    yield side
    side.close()


def customer_clipboard(desktop: Child) -> dict[str, Any]:
    desktop.write("get")
    return desktop.wait_event("clipboard", timeout=10)


def wait_customer_clipboard(desktop: Child, qtbot: QtBot, check: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    seen: list[dict[str, Any]] = []

    def holds() -> bool:
        seen.append(customer_clipboard(desktop))
        return check(seen[-1])

    qtbot.waitUntil(holds, timeout=15000)
    return seen[-1]


def test_send_my_clipboard_puts_the_text_on_the_customers_clipboard(remote: Remote, desktop: Child,
                                                                    qtbot: QtBot) -> None:
    QGuiApplication.clipboard().setText("Ferry clipboard 한글 ✓")
    remote.actions.send_clipboard_action.trigger()  # the first exchange asks; the policy grants here
    wait_customer_clipboard(desktop, qtbot, lambda c: c.get("text") == "Ferry clipboard 한글 ✓")
    assert "sent to the customer" in remote.window.statusBar().currentMessage()


def test_a_picture_on_the_agents_clipboard_arrives_as_a_picture(remote: Remote, desktop: Child,
                                                                qtbot: QtBot) -> None:
    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor(200, 40, 120))
    QGuiApplication.clipboard().setImage(image)
    remote.actions.send_clipboard_action.trigger()
    wait_customer_clipboard(desktop, qtbot, lambda c: c.get("image") == [64, 48, 200, 40, 120])


def test_get_the_customers_clipboard(remote: Remote, desktop: Child, qtbot: QtBot) -> None:
    desktop.write("set_text from the customer 42")
    desktop.wait_event("set")
    remote.actions.get_clipboard_action.trigger()
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text() == "from the customer 42", timeout=15000)
    qtbot.waitUntil(lambda: bool(remote.results("clipboard_get")), timeout=5000)
    assert remote.results("clipboard_get")[-1].ok


def test_a_web_address_opens_in_the_customers_browser(remote: Remote, qtbot: QtBot) -> None:
    url = "https://example.com/help?topic=printer&lang=ko"
    remote.actions.url_action.trigger()
    dialog = remote.actions.url_dialog
    assert dialog is not None
    dialog.edit.setText("ftp://example.com/")
    dialog._on_buttons_accepted()
    assert "http://" in dialog.error_label.text() and dialog.isVisible()
    dialog.edit.setText(url)
    dialog._on_buttons_accepted()
    qtbot.waitUntil(lambda: remote.opened_file.exists() and bool(remote.results("url_open")), timeout=15000)
    assert remote.opened_file.read_text().splitlines() == [url]
    assert remote.results("url_open")[-1].ok


def test_a_non_web_address_is_not_opened_even_when_granted(remote: Remote, qtbot: QtBot) -> None:
    before = len(remote.results("url_open"))
    remote.actions.send_url("file:///etc/passwd")  # a modified viewer: the dialog would not let it through
    qtbot.waitUntil(lambda: len(remote.results("url_open")) > before, timeout=15000)
    assert not remote.results("url_open")[-1].ok and "http" in remote.results("url_open")[-1].body
    assert "file:" not in remote.opened_file.read_text()


def test_system_information_names_the_real_os(remote: Remote, qtbot: QtBot) -> None:
    remote.actions.system_info_action.trigger()
    qtbot.waitUntil(lambda: remote.actions.info_dialog is not None, timeout=20000)
    dialog = remote.actions.info_dialog
    assert dialog is not None
    assert dialog.info["os"]["name"] == platform.freedesktop_os_release()["PRETTY_NAME"]
    assert dialog.info["memory"]["total"] > 0 and dialog.info["disks"] and dialog.info["network"]
    assert any(p["name"].startswith("python3") for p in dialog.info["programs"])  # dpkg-query on Debian
    assert dialog.tree.topLevelItemCount() == len(dialog.info)


def test_a_process_the_customer_agreed_to_end_is_ended(remote: Remote, qtbot: QtBot) -> None:
    sleeper = subprocess.Popen(["sleep", "300"])
    try:
        remote.actions.processes_action.trigger()
        dialog = remote.actions.process_dialog
        assert dialog is not None
        qtbot.waitUntil(lambda: dialog.select_pid(sleeper.pid), timeout=20000)
        QTest.mouseClick(dialog.end_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: sleeper.poll() is not None, timeout=15000)
        qtbot.waitUntil(lambda: bool(remote.results("process_end")), timeout=5000)
        assert remote.results("process_end")[-1].ok
        assert f"pid {sleeper.pid}" in remote.results("process_end")[-1].body
    finally:
        sleeper.kill()
        sleeper.wait()


def test_ctrl_alt_del_reaches_the_customers_desktop(remote: Remote, desktop: Child, qtbot: QtBot) -> None:
    before = len(remote.results("ctrl_alt_del"))
    remote.actions.send_ctrl_alt_del()  # without control the host refuses
    qtbot.waitUntil(lambda: len(remote.results("ctrl_alt_del")) > before, timeout=10000)
    assert not remote.results("ctrl_alt_del")[-1].ok
    assert "control" in remote.window.statusBar().currentMessage()
    remote.session.request_control()
    qtbot.waitUntil(lambda: remote.window.view.input_enabled, timeout=10000)
    remote.actions.ctrl_alt_del_action.trigger()
    key = desktop.wait_event("key", timeout=10, key="Key_Delete")
    assert sorted(key["modifiers"]) == ["alt", "ctrl"]
    qtbot.waitUntil(lambda: remote.results("ctrl_alt_del")[-1].ok, timeout=5000)


def test_automatic_clipboard_follows_both_ways_without_echo(remote: Remote, desktop: Child, qtbot: QtBot,
                                                            tmp_path: Path) -> None:
    remote.close()  # one session at a time on the customer's display
    auto = start_remote(remote.server, remote.display, tmp_path, auto_sync=True)
    try:
        qtbot.waitUntil(lambda: auto.actions.clipboard.granted, timeout=10000)  # asked at once when live
        QGuiApplication.clipboard().setText("automatic from the agent")
        wait_customer_clipboard(desktop, qtbot, lambda c: c.get("text") == "automatic from the agent")
        qtbot.wait(800)
        assert [m for m in auto.received if isinstance(m, ClipboardData)] == []  # not sent back
        desktop.write("set_text automatic from the customer")
        qtbot.waitUntil(lambda: QGuiApplication.clipboard().text() == "automatic from the customer", timeout=15000)
        qtbot.wait(800)
        arrived = [m for m in auto.received if isinstance(m, ClipboardData)]
        assert arrived == [ClipboardData("text/plain", b"automatic from the customer")]
        assert customer_clipboard(desktop).get("text") == "automatic from the customer"
    finally:
        auto.close()
