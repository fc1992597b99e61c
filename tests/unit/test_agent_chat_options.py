"""The chat window follows the group's text_chat option: off, a starting viewer opens no chat window."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from agent.api import ServerClient
from agent.background import BackgroundRunner
from agent.chat import ChatCoordinator
from agent.config import TlsConfig
from agent.launcher import ViewerLauncher


def _coordinator(options: dict[str, object]) -> tuple[ChatCoordinator, ViewerLauncher]:
    launcher = ViewerLauncher()
    client = ServerClient("https://127.0.0.1:9", TlsConfig(fingerprint="AA" * 32))  # never called here
    return ChatCoordinator(client, BackgroundRunner(), launcher, options, language="en"), launcher


def test_a_viewer_start_opens_the_chat_window(qtbot: QtBot) -> None:
    chat, launcher = _coordinator({"text_chat": True})
    launcher.started.emit("a" * 32, 1)
    window = chat.window("a" * 32)
    assert window is not None and window.isVisible()
    chat.shutdown()


def test_text_chat_off_opens_no_chat_window(qtbot: QtBot) -> None:
    chat, launcher = _coordinator({"text_chat": False})
    launcher.started.emit("b" * 32, 1)
    assert chat.window("b" * 32) is None
