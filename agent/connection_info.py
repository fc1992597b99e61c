"""The connection page address and code, as text for the clipboard and as a ``mailto:`` URL.

The texts are the agent's language (Qt translations), because the agent sends them to their
customer. The session password is left out on purpose: the agent reads it out on the phone, so
it never travels with the code.
"""

from __future__ import annotations

import dataclasses
import urllib.parse

from PySide6.QtCore import QCoreApplication, QUrl


@dataclasses.dataclass(frozen=True)
class ConnectionInfo:
    """What a customer needs to connect: the page to open and the code to type there."""

    url: str
    code: str


def info_text(info: ConnectionInfo) -> str:
    """Two lines for the clipboard: the page and the code."""
    return QCoreApplication.translate("ConnectionInfo", "Connection page: {0}\nConnection code: {1}").format(
        info.url, info.code)


def mail_subject() -> str:
    return QCoreApplication.translate("ConnectionInfo", "Remote support: your connection code")


def mail_body(info: ConnectionInfo) -> str:
    """The e-mail's text: what to open, what to type."""
    return QCoreApplication.translate(
        "ConnectionInfo", "Hello,\n\nTo start remote support, open this page:\n{0}\n\n"
        "and enter this connection code:\n{1}\n\nThe code works for a few minutes only.").format(info.url, info.code)


def mailto_url(info: ConnectionInfo) -> QUrl:
    """``mailto:?subject=…&body=…`` (no recipient: the agent types the customer's address in the mail program)."""
    query = urllib.parse.urlencode({"subject": mail_subject(), "body": mail_body(info)},
                                   quote_via=urllib.parse.quote)
    return QUrl.fromEncoded(f"mailto:?{query}".encode("ascii"))
