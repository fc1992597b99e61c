"""Turns a connection code into a session ticket (POST /api/v1/sessions/join).

Every JoinError message is written for the customer, translated (context "HostErrors"), and says
what to do next. ``protocol.crypto.password_secret`` makes the session secret when a session password is used (the
viewer derives the same).
"""

from __future__ import annotations

import dataclasses
import platform
import socket
import ssl

import requests
from PySide6.QtCore import QCoreApplication

from host_module.errors import JoinError
from transport.tls import PinnedCertificateError, PinnedSession, TlsError, pinned_ssl_context


@dataclasses.dataclass(frozen=True)
class JoinTicket:
    """What the server gives the host for a valid code."""

    session_id: str
    host_token: str
    secret: bytes
    agent_name: str
    company: str
    ssl_context: ssl.SSLContext  # the context the join used: it trusts only the pinned certificate
    policy: dict[str, object] = dataclasses.field(default_factory=dict)  # host-enforced options (HostPolicy)






def valid_password(text: str) -> bool:
    """A session password is exactly 4 digits (0-9)."""
    return len(text) == 4 and all("0" <= c <= "9" for c in text)


def _tr(text: str) -> str:
    return QCoreApplication.translate("HostErrors", text)


def machine_description() -> tuple[str, str]:
    """This PC's name and operating system, as the session record shows them."""
    return socket.gethostname()[:64], f"{platform.system()} {platform.release()}"[:64]


def join_by_code(server: str, code: str, fingerprint: str | None, ca_cert: str | None) -> JoinTicket:
    """Ask the server for the session behind ``code``; JoinError says what to do otherwise."""
    code = code.strip().replace(" ", "")
    if not (len(code) == 6 and code.isdigit()):
        raise JoinError(_tr("The connection code has 6 digits. Check the code the agent gave you and type it again."))
    pc_name, os_name = machine_description()
    try:
        context = pinned_ssl_context(server, fingerprint=fingerprint, cafile=ca_cert)
        with PinnedSession(server, fingerprint, ca_cert, context=context) as http:
            reply = http.post(f"{server.rstrip('/')}/api/v1/sessions/join",
                              json={"code": code, "pc_name": pc_name, "os": os_name}, timeout=15)
    except PinnedCertificateError as exc:
        raise JoinError(_tr("The support server's certificate is not the expected one, so Ferry did not "
                            "connect: someone may be listening in between. Do not continue; ask the agent for "
                            "a new program or address. ({detail})").format(detail=exc)) from exc
    except (requests.RequestException, TlsError) as exc:
        raise JoinError(_tr("Could not reach the support server at {server}. Check your internet connection "
                            "(and proxy or firewall), then try again. ({detail})").format(
                                server=server, detail=exc.__class__.__name__)) from exc
    return _ticket(reply, context)


_STATUS_TEXT = {
    404: "This connection code is not valid. Check the code the agent gave you and type it again.",
    410: "This connection code has expired or was already used. Ask the agent for a new code.",
    429: "Too many wrong codes were typed from this computer. Wait {retry} seconds, then try again.",
}


def _ticket(reply: requests.Response, context: ssl.SSLContext) -> JoinTicket:
    if reply.status_code == 200:
        try:
            body = reply.json()
            policy = body.get("policy") or {}
            return JoinTicket(str(body["session_id"]), str(body["host_token"]), bytes.fromhex(body["secret"]),
                              str(body.get("agent_name", "")), str(body.get("company", "")), context,
                              dict(policy) if isinstance(policy, dict) else {})
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise JoinError(_tr("The support server gave an answer Ferry does not understand. Try again, or "
                                "ask the agent whether the server was updated.")) from exc
    template = _STATUS_TEXT.get(reply.status_code)
    if template is None:
        raise JoinError(_tr("The support server refused the connection: {detail} Try again, or call the "
                            "agent.").format(detail=_detail(reply)))
    raise JoinError(_tr(template).format(retry=reply.headers.get("Retry-After", "a few")))


def _detail(reply: requests.Response) -> str:
    try:
        return str(reply.json().get("detail", reply.reason))
    except ValueError:
        return f"HTTP {reply.status_code}"
