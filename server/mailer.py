"""Outgoing mail through the configured SMTP server (``FERRY_SMTP_*``): the two-step admin login code.

One message per connection with ``smtplib`` (STARTTLS and login when configured, the settings' timeout),
run in a worker thread so the event loop never waits on the mail server. Every failure becomes
``MailError`` with a sentence naming the server and what went wrong.
"""

from __future__ import annotations

import asyncio
import dataclasses
import email.utils
import logging
import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage
from types import TracebackType
from typing import Protocol

from server.config import SmtpSettings
from server.errors import FerryServerError

logger = logging.getLogger(__name__)



class SmtpConnection(Protocol):
    """The part of ``smtplib.SMTP`` the mailer uses."""

    def __enter__(self) -> SmtpConnection: ...

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> object: ...

    def starttls(self, *, context: ssl.SSLContext | None = None) -> object: ...

    def login(self, user: str, password: str) -> object: ...

    def send_message(self, msg: EmailMessage) -> dict[str, tuple[int, bytes]]: ...


Connect = Callable[..., SmtpConnection]
"""Opens the SMTP connection: ``smtplib.SMTP(host, port, timeout=...)`` (the seam unit tests replace)."""


class MailError(FerryServerError):
    """A message could not be handed to the mail server; the text says which server and why."""


@dataclasses.dataclass(frozen=True)
class Mail:
    """One plain-text message to one address."""

    to: str
    subject: str
    body: str


def login_code_mail(to: str, code: str, minutes: int) -> Mail:
    """The two-step login code mail, in Korean and English (the server does not know the reader's language)."""
    body = (
        "[한국어]\n"
        f"Ferry 관리자 페이지 로그인 코드: {code}\n"
        f"이 코드는 {minutes}분 동안 유효하며 한 번만 사용할 수 있습니다.\n"
        "로그인을 시도하지 않았다면 이 메일을 무시하세요. 누군가 귀하의 비밀번호를 알고 있을 수 있으니 "
        "비밀번호를 바꾸는 것이 좋습니다.\n"
        "\n"
        "[English]\n"
        f"Your Ferry admin page login code: {code}\n"
        f"It is valid for {minutes} minutes and works once.\n"
        "If you did not try to log in, ignore this e-mail. Someone may know your password, so consider "
        "changing it.\n"
    )
    return Mail(to=to, subject="Ferry 관리자 로그인 코드 / Ferry admin login code", body=body)


def build_message(sender: str, mail: Mail) -> EmailMessage:
    """The ``EmailMessage`` for ``mail`` (UTF-8, with Date, Message-ID and Auto-Submitted)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = email.utils.formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = email.utils.make_msgid(domain=sender.rpartition("@")[2] or "localhost")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.body, charset="utf-8")
    return message


def _deliver(smtp: SmtpSettings, message: EmailMessage, connect: Connect) -> None:
    assert smtp.host is not None
    with connect(smtp.host, smtp.port, timeout=smtp.timeout_s) as server:
        if smtp.starttls:
            server.starttls(context=ssl.create_default_context())
        if smtp.user:
            server.login(smtp.user, smtp.password or "")
        refused = server.send_message(message)
    if refused:
        raise smtplib.SMTPRecipientsRefused(refused)


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply


def _reason(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "the mail server refused the recipient " + ", ".join(
            f"{to} ({code} {_text(reply)})" for to, (code, reply) in exc.recipients.items())
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"the mail server answered {exc.smtp_code} {_text(exc.smtp_error)}"
    if isinstance(exc, TimeoutError):
        return "the mail server did not answer in time"
    return str(exc) or type(exc).__name__


def send_mail_blocking(smtp: SmtpSettings, mail: Mail, connect: Connect = smtplib.SMTP) -> None:
    """Hand ``mail`` to the SMTP server (blocks); ``MailError`` when it cannot be sent."""
    if not smtp.host:
        raise MailError("no mail server is configured (set FERRY_SMTP_HOST and FERRY_SMTP_PORT)")
    message = build_message(smtp.sender, mail)
    try:
        _deliver(smtp, message, connect)
    except (smtplib.SMTPException, OSError) as exc:  # ssl.SSLError and TimeoutError are OSErrors
        where = f"{smtp.host}:{smtp.port}"
        logger.warning("Could not send mail through %s: %s", where, _reason(exc))
        raise MailError(f"the mail server {where} failed: {_reason(exc)}") from exc


async def send_mail(smtp: SmtpSettings, mail: Mail) -> None:
    """``send_mail_blocking`` in a worker thread."""
    await asyncio.to_thread(send_mail_blocking, smtp, mail)


def mask_address(address: str) -> str:
    """The address with its local part hidden but the first character: ``a***@example.com``."""
    local, at, domain = address.rpartition("@")
    if not at:
        return address[:1] + "***"
    return f"{local[:1]}***@{domain}"
