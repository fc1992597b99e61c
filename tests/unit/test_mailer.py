"""Outgoing mail (server.mailer): the message, STARTTLS and login, and how failures are reported.

The SMTP connection is the seam: a fake connection records what the mailer asks of it, or fails the
way a mail server does. The real round trip through aiosmtpd is in test_admin_login_api.
"""

from __future__ import annotations

import asyncio
import smtplib
import threading
from collections.abc import Callable
from email.message import EmailMessage
from types import TracebackType
from typing import Any

import pytest

from server.config import SmtpSettings
from server.mailer import Mail, MailError, build_message, login_code_mail, mask_address, send_mail, send_mail_blocking

SETTINGS = SmtpSettings(host="mail.test", port=2525, sender="ferry@example.test", timeout_s=3.0)


class FakeSmtp:
    """Stands in for ``smtplib.SMTP``: records the calls, fails at ``fail_at`` with ``error``."""

    def __init__(self, calls: list[Any], error: BaseException | None = None, fail_at: str = "",
                 refused: dict[str, tuple[int, bytes]] | None = None) -> None:
        self.calls, self.error, self.fail_at, self.refused = calls, error, fail_at, refused or {}

    def _step(self, name: str, *args: Any) -> None:
        self.calls.append((name, *args))
        if name == self.fail_at and self.error is not None:
            raise self.error

    def __enter__(self) -> FakeSmtp:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.calls.append(("quit",))

    def starttls(self, context: Any = None) -> None:
        self._step("starttls")

    def login(self, user: str, password: str) -> None:
        self._step("login", user, password)

    def send_message(self, message: EmailMessage) -> dict[str, tuple[int, bytes]]:
        self._step("send", message["To"], message.get_content())
        return self.refused


def connector(calls: list[Any], **fake: Any) -> Callable[..., FakeSmtp]:
    def connect(host: str, port: int, timeout: float) -> FakeSmtp:
        calls.append(("connect", host, port, timeout))
        if fake.get("fail_at") == "connect":
            raise fake["error"]
        return FakeSmtp(calls, **fake)
    return connect


def test_the_login_code_mail_is_in_korean_and_english() -> None:
    mail = login_code_mail("anna@example.com", "042917", 5)
    assert mail.to == "anna@example.com" and "/" in mail.subject
    assert mail.body.count("042917") == 2
    assert "5분" in mail.body and "5 minutes" in mail.body
    assert "무시" in mail.body and "ignore" in mail.body


def test_the_message_has_its_headers_and_utf8_body() -> None:
    message = build_message("ferry@example.test", login_code_mail("anna@example.com", "042917", 5))
    assert message["From"] == "ferry@example.test" and message["To"] == "anna@example.com"
    assert message["Message-ID"].endswith("@example.test>") and message["Date"]
    assert message["Auto-Submitted"] == "auto-generated"
    assert "관리자" in message.get_content() and message.get_content_charset() == "utf-8"


def test_a_plain_server_gets_only_the_message() -> None:
    calls: list[Any] = []
    send_mail_blocking(SETTINGS, Mail("anna@example.com", "s", "body"), connector(calls))
    assert calls == [("connect", "mail.test", 2525, 3.0), ("send", "anna@example.com", "body\n"), ("quit",)]


def test_starttls_comes_before_the_login() -> None:
    calls: list[Any] = []
    settings = SmtpSettings(host="mail.test", starttls=True, user="ferry", password="pw")
    send_mail_blocking(settings, Mail("a@b.test", "s", "body"), connector(calls))
    assert [call[0] for call in calls] == ["connect", "starttls", "login", "send", "quit"]
    assert calls[2] == ("login", "ferry", "pw")


@pytest.mark.parametrize(("fake", "words"), [
    ({"fail_at": "connect", "error": ConnectionRefusedError(111, "Connection refused")}, "Connection refused"),
    ({"fail_at": "connect", "error": TimeoutError()}, "did not answer in time"),
    ({"fail_at": "login", "error": smtplib.SMTPAuthenticationError(535, b"bad credentials")}, "535 bad credentials"),
    ({"fail_at": "send", "error": smtplib.SMTPDataError(554, b"no relaying")}, "554 no relaying"),
    ({"fail_at": "send", "error": smtplib.SMTPRecipientsRefused({"a@b.test": (550, b"no such user")})},
     "refused the recipient a@b.test (550 no such user)"),
    ({"refused": {"a@b.test": (550, b"mailbox full")}}, "550 mailbox full"),
])
def test_every_failure_is_one_mail_error_naming_the_server(fake: dict[str, Any], words: str) -> None:
    settings = SmtpSettings(host="mail.test", port=2525, user="ferry", password="pw")
    with pytest.raises(MailError) as caught:
        send_mail_blocking(settings, Mail("a@b.test", "s", "body"), connector([], **fake))
    assert "mail.test:2525" in str(caught.value) and words in str(caught.value)


def test_no_configured_server_says_which_setting_to_set() -> None:
    with pytest.raises(MailError, match="FERRY_SMTP_HOST"):
        send_mail_blocking(SmtpSettings(), Mail("a@b.test", "s", "body"), connector([]))


def test_send_mail_runs_off_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[int] = []
    monkeypatch.setattr("server.mailer.send_mail_blocking",
                        lambda smtp, mail: threads.append(threading.get_ident()))
    asyncio.run(send_mail(SETTINGS, Mail("a@b.test", "s", "body")))
    assert threads and threads[0] != threading.get_ident()


@pytest.mark.parametrize(("address", "masked"), [
    ("anna@example.com", "a***@example.com"),
    ("x@example.com", "x***@example.com"),
    ("odd", "o***"),
])
def test_addresses_are_masked(address: str, masked: str) -> None:
    assert mask_address(address) == masked
