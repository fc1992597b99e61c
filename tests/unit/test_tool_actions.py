"""Pieces of the agent's actions without a session: the permission ledger, arguments, addresses,
Ctrl+Alt+Del availability, system facts, clipboard contents and the viewer's dialogs."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from collections.abc import Callable

import pytest
from PySide6.QtCore import QBuffer, QIODevice, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from host_module import system_facts
from host_module.tools.actions import _process_end_argument
from host_module.tools.actions_ledger import PermissionLedger, watch_answers
from input_injection import secure_attention
from input_injection.secure_attention import SecureAttentionUnavailableError, send_secure_attention
from ui.clipboard import PNG_FORMAT, ClipboardExchange, content_key, read_clipboard, write_clipboard
from viewer.tools.actions_dialogs import ProcessDialog, SystemInfoDialog, UrlDialog, valid_web_address


def ledger() -> tuple[PermissionLedger, list[tuple[int, str, str]]]:
    granted: list[tuple[int, str, str]] = []
    return PermissionLedger(frozenset({"url_open", "process_end"}),
                            lambda *args: granted.append(args)), granted


@pytest.mark.parametrize("answer_first", [True, False])
def test_a_grant_pairs_with_its_question_in_either_order(answer_first: bool) -> None:
    book, granted = ledger()
    if answer_first:  # the policy answers inside the session's handler, before the tools see the request
        book.answered(3, True)
        book.asked(3, "process_end", "sleep (pid 42)")
    else:
        book.asked(3, "process_end", "sleep (pid 42)")
        book.answered(3, True)
    assert granted == [(3, "process_end", "sleep (pid 42)")]
    assert book.take_grant(3, "url_open") is None  # another kind
    assert book.take_grant(3, "process_end") == "sleep (pid 42)"
    assert book.take_grant(3, "process_end") is None  # used once


def test_refusals_second_answers_and_other_kinds_grant_nothing() -> None:
    book, granted = ledger()
    book.asked(1, "url_open", "https://a.example")
    book.answered(1, False)
    book.answered(1, True)  # a late answer without a question (the session ignores it too) grants nothing
    book.asked(2, "file_send", "x.txt")  # not a kind this ledger watches
    book.answered(2, True)
    assert granted == [] and book.take_grant(1, "url_open") is None and book.take_grant(2, "file_send") is None


class FakeSession:
    """What watch_answers hooks into: answer_listeners, told only of answers that go out (as HostSession does)."""

    def __init__(self, waiting: set[int]) -> None:
        self.waiting = waiting
        self.answer_listeners: list[Callable[[int, bool], object]] = []

    def answer_permission(self, request_id: int, granted: bool, by: str = "customer", reason: str = "") -> bool:
        if request_id not in self.waiting:
            return False
        self.waiting.discard(request_id)
        for listener in self.answer_listeners:
            listener(request_id, granted)
        return True


def test_watch_answers_records_before_the_decision_and_forgets_what_was_not_sent() -> None:
    book, granted = ledger()
    session = FakeSession({5})
    watch_answers(session, lambda: book)  # type: ignore[arg-type]
    assert session.answer_permission(6, True) is False  # nothing waited: no grant remembered
    book.asked(6, "url_open", "https://b.example")
    assert session.answer_permission(5, True) is True
    book.asked(5, "url_open", "https://c.example")
    assert granted == [(5, "url_open", "https://c.example")]


@pytest.mark.parametrize(("argument", "expected"), [
    ('{"pid": 12, "permission": 3}', (12, 3)),
    ('{"pid": "12", "permission": 3}', (None, 0)),
    ('{"pid": -1, "permission": 3}', (None, 0)),
    ('{"pid": 12}', (None, 0)),
    ("12", (None, 0)),
    ("not json", (None, 0)),
])
def test_process_end_argument(argument: str, expected: tuple[int | None, int]) -> None:
    assert _process_end_argument(argument) == expected


@pytest.mark.parametrize(("text", "valid"), [
    ("https://example.com/a?b=c", True), ("http://10.0.0.1:8080/", True), ("HTTPS://EXAMPLE.COM", True),
    ("ftp://example.com", False), ("file:///etc/passwd", False), ("javascript:alert(1)", False),
    ("https://exa mple.com", False), ("https://", False), ("example.com", False), ("", False),
])
def test_only_web_addresses_are_accepted(text: str, valid: bool) -> None:
    assert valid_web_address(text) is valid


def test_ctrl_alt_del_elsewhere_says_it_is_not_available(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    with pytest.raises(SecureAttentionUnavailableError, match="not available on this system"):
        send_secure_attention(None)


def test_ctrl_alt_del_without_an_x_display_says_it_is_not_available(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    with pytest.raises(SecureAttentionUnavailableError, match="not available on this system"):
        send_secure_attention(None)
    with pytest.raises(SecureAttentionUnavailableError, match="no X display"):
        secure_attention.press_ctrl_alt_delete(":987")


def test_system_facts_name_this_system_and_list_this_process() -> None:
    assert system_facts.os_name() == platform.freedesktop_os_release()["PRETTY_NAME"]
    rows = system_facts.process_list(sample_s=0.05)
    mine = next(row for row in rows if row["pid"] == os.getpid())
    with open("/proc/self/comm", encoding="utf-8") as comm:
        assert mine["name"] == comm.read().strip()
    assert mine["memory"] > 0 and mine["user"]
    programs = system_facts.installed_programs()
    assert programs is not None and any(p["name"] == "dpkg" for p in programs)


def test_end_process_ends_exactly_that_process() -> None:
    target = subprocess.Popen(["sleep", "300"])
    bystander = subprocess.Popen(["sleep", "300"])
    try:
        ended, why = system_facts.end_process(target.pid)
        assert ended and why == f"sleep (pid {target.pid}) was ended"
        assert target.wait(timeout=5) == -15 and bystander.poll() is None
        assert system_facts.end_process(target.pid)[0] is False  # gone now
    finally:
        for process in (target, bystander):
            process.kill()
            process.wait()


def png(image: QImage, quality: int) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, PNG_FORMAT, quality)
    return bytes(buffer.data().data())


def test_a_picture_is_the_same_content_however_it_was_compressed(qapp: object) -> None:
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor(10, 200, 30))
    fast, small = png(image, 100), png(image, 0)
    assert fast != small
    assert content_key("image/png", fast) == content_key("image/png", small)
    assert content_key("text/plain", b"a") != content_key("text/plain", b"b")


def test_only_text_and_pictures_are_written_to_the_clipboard(qapp: object) -> None:
    clipboard = QGuiApplication.clipboard()
    write, read = write_clipboard, read_clipboard
    assert write(clipboard, "text/plain", "안녕 clipboard".encode()) is True
    assert read(clipboard) == ("text/plain", "안녕 clipboard".encode())
    assert write(clipboard, "text/html", b"<b>x</b>") is False
    assert write(clipboard, "text/plain", b"\xff\xfe") is False
    assert write(clipboard, "image/png", b"not a png") is False
    assert clipboard.text() == "안녕 clipboard"


def test_what_was_exchanged_is_not_offered_again(qapp: object) -> None:
    clipboard = QGuiApplication.clipboard()
    exchange = ClipboardExchange(clipboard)
    assert exchange.write("text/plain", b"from the other side")
    assert exchange.new_content() is None  # what arrived is not sent back
    clipboard.setText("my own copy")
    assert exchange.new_content() == ("text/plain", b"my own copy")
    exchange.sent("text/plain", b"my own copy")
    assert exchange.new_content() is None
    assert not exchange.write("text/html", b"<b>x</b>") and clipboard.text() == "my own copy"


def test_the_url_dialog_sends_only_web_addresses(qtbot: QtBot) -> None:
    dialog = UrlDialog()
    qtbot.addWidget(dialog)
    chosen: list[str] = []
    dialog.url_chosen.connect(chosen.append)
    dialog.edit.setText("file:///etc/passwd")
    dialog._on_buttons_accepted()
    assert chosen == [] and "https://" in dialog.error_label.text()
    dialog.edit.setText(" https://example.com/x ")
    dialog._on_buttons_accepted()
    assert chosen == ["https://example.com/x"]


def test_the_process_dialog_asks_to_end_the_selected_process(qtbot: QtBot) -> None:
    dialog = ProcessDialog()
    qtbot.addWidget(dialog)
    asked: list[tuple[int, str]] = []
    dialog.end_requested.connect(lambda pid, name: asked.append((pid, name)))
    dialog.set_processes([{"pid": 7, "name": "editor", "user": "kim", "cpu": 1.5, "memory": 2**21},
                          {"pid": 300, "name": "sleep", "user": "kim", "cpu": 0.0, "memory": 2**20}])
    QTest.mouseClick(dialog.end_button, Qt.MouseButton.LeftButton)
    assert asked == [] and "Select" in dialog.status.text()
    assert dialog.select_pid(300) and not dialog.select_pid(301)
    QTest.mouseClick(dialog.end_button, Qt.MouseButton.LeftButton)
    assert asked == [(300, "sleep")]


def test_the_system_information_dialog_copies_what_it_shows(qtbot: QtBot) -> None:
    info = {"os": {"name": "Debian GNU/Linux 12 (bookworm)"}, "disks": [{"mount": "/", "free": 10}],
            "programs": "not available on this system"}
    dialog = SystemInfoDialog(info)
    qtbot.addWidget(dialog)
    assert dialog.tree.topLevelItemCount() == 3
    dialog._on_copy_clicked()
    assert "Debian GNU/Linux 12" in QGuiApplication.clipboard().text()
