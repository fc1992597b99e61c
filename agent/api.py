"""The server's REST API as the agent uses it (blocking requests calls; run them off the GUI thread).

Rules: every call either returns a frozen dataclass or raises ApiError whose message is the
server's own ``detail`` sentence, or a sentence of ours saying what failed and what to do.
The HTTPS session is made on first use, in the calling (worker) thread, because making it
may fetch the server certificate to check the pin.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import email.utils
import ssl
from collections.abc import Callable
from typing import Any

import requests
from PySide6.QtCore import QCoreApplication

from agent.config import TlsConfig
from agent.errors import ApiError
from transport.errors import TransportError
from transport.tls import pinned_session

API = "/api/v1"
CLIENT = "ferry-agent/0.1.0"
TIMEOUT = (5.0, 15.0)
MAX_CLOCK_SKEW_S = 2.0
LOGOUT_TIMEOUT_S = 2.0
SessionFactory = Callable[[str, TlsConfig], requests.Session]


@dataclasses.dataclass(frozen=True)
class AgentIdentity:
    """Who is logged in, as the server describes them."""

    login_id: str
    name: str
    company: str
    group: str


@dataclasses.dataclass(frozen=True)
class LoginResult:
    """A successful login."""

    server_url: str
    token: str = dataclasses.field(repr=False)
    expires_at: str
    agent: AgentIdentity
    options: dict[str, Any] = dataclasses.field(default_factory=dict)  # the agent's effective options


@dataclasses.dataclass(frozen=True)
class IssuedCode:
    """A connection code the server issued; ``expires_in`` is seconds left when it was answered."""

    session_id: str
    code: str
    expires_at: str
    expires_in: float
    connect_url: str
    secret: str = dataclasses.field(repr=False)


@dataclasses.dataclass(frozen=True)
class SessionInfo:
    """A session as GET /sessions/{id} describes it."""

    session_id: str
    state: str
    pc_name: str | None
    os: str | None
    end_reason: str | None


def _default_session(url: str, tls: TlsConfig) -> requests.Session:
    return pinned_session(url, fingerprint=tls.fingerprint, cafile=tls.cafile)


class ServerClient:
    """Blocking client of one server; not for concurrent use (the agent serialises calls)."""

    def __init__(self, server_url: str, tls: TlsConfig,
                 session_factory: SessionFactory | None = None) -> None:
        self.server_url = server_url.rstrip("/")
        self.tls = tls
        self._factory = session_factory or _default_session
        self._http: requests.Session | None = None
        self._token: str | None = None

    def login(self, login_id: str, password: str, mac: str | None = None) -> LoginResult:
        """POST /auth/login; keeps the token for the calls that follow."""
        payload = {"login_id": login_id, "password": password} | ({"mac": mac} if mac else {})
        body = self._request("POST", "/auth/login", json=payload, headers={"X-Ferry-Client": CLIENT}).json()
        agent = body.get("agent") or {}
        result = LoginResult(
            server_url=self.server_url,
            token=str(body["token"]),
            expires_at=str(body.get("expires_at", "")),
            agent=AgentIdentity(
                login_id=str(agent.get("login_id", login_id)),
                name=str(agent.get("name") or login_id),
                company=str(agent.get("company") or ""),
                group=str(agent.get("group") or ""),
            ),
            options=dict(body.get("options") or {}),
        )
        self._token = result.token
        return result

    def create_code(self) -> IssuedCode:
        """POST /sessions: a new connection code."""
        response = self._request("POST", "/sessions", auth=True)
        body = response.json()
        expires_at = str(body["expires_at"])
        return IssuedCode(
            session_id=str(body["session_id"]),
            code=str(body["code"]),
            expires_at=expires_at,
            expires_in=seconds_left(expires_at, response.headers.get("Date")),
            connect_url=str(body.get("connect_url", "")),
            secret=str(body["secret"]),
        )

    def session_info(self, session_id: str) -> SessionInfo:
        """GET /sessions/{id}."""
        body = self._request("GET", f"/sessions/{session_id}", auth=True).json()
        return SessionInfo(
            session_id=str(body.get("session_id", session_id)),
            state=str(body.get("state", "")),
            pc_name=body.get("pc_name"),
            os=body.get("os"),
            end_reason=body.get("end_reason"),
        )

    def call(self, method: str, path: str, *, auth: bool = True, **kwargs: Any) -> Any:
        """Any API call: its JSON answer (None for an empty one); raises ApiError like every call here."""
        response = self._request(method, path, auth=auth, **kwargs)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise ApiError(QCoreApplication.translate(
                "ServerClient", "The server sent an answer that is not JSON: check the server address.")) from exc

    def logout(self, timeout: float = LOGOUT_TIMEOUT_S) -> None:
        """POST /auth/logout (quickly: it runs while quitting), then forget the token."""
        if self._token is not None:
            self._request("POST", "/auth/logout", auth=True, timeout=timeout)
            self._token = None

    def close(self) -> None:
        """Close the HTTPS connections."""
        if self._http is not None:
            self._http.close()
            self._http = None

    def _request(self, method: str, path: str, *, auth: bool = False, headers: dict[str, str] | None = None,
                 **kwargs: Any) -> requests.Response:
        headers = dict(headers or {})
        if auth:
            if self._token is None:
                raise ApiError(QCoreApplication.translate("ServerClient",
                                                          "You are not logged in: log in first."))
            headers["Authorization"] = f"Bearer {self._token}"
        try:
            if self._http is None:
                self._http = self._factory(self.server_url, self.tls)
            kwargs.setdefault("timeout", TIMEOUT)
            response = self._http.request(method, self.server_url + API + path, headers=headers, **kwargs)
        except TransportError as exc:
            raise ApiError(str(exc)) from exc
        except (requests.RequestException, ssl.SSLError, OSError) as exc:
            raise ApiError(QCoreApplication.translate(
                "ServerClient",
                "Could not connect to the server at {0}: {1}. "
                "Check the address and that the server is running.",
            ).format(self.server_url, _reason(exc))) from exc
        if response.status_code >= 400:
            raise ApiError(_detail(response), response.status_code, _code(response))
        return response


def _reason(exc: Exception) -> str:
    if isinstance(exc, requests.exceptions.SSLError):
        return QCoreApplication.translate("ServerClient",
                                          "the secure connection failed (certificate not trusted)")
    if isinstance(exc, requests.Timeout):
        return QCoreApplication.translate("ServerClient", "no answer in time")
    if isinstance(exc, requests.ConnectionError):
        return QCoreApplication.translate("ServerClient", "the connection was refused or dropped")
    return str(exc) or type(exc).__name__


def _detail(response: requests.Response) -> str:
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    if isinstance(detail, str) and detail:
        return detail
    if isinstance(detail, list) and detail and isinstance(detail[0], dict) and "msg" in detail[0]:
        return QCoreApplication.translate("ServerClient", "The server refused the request: {0}.").format(
            detail[0]["msg"])
    return QCoreApplication.translate("ServerClient", "The server answered HTTP {0}.").format(
        f"{response.status_code} {response.reason or ''}".rstrip())


def _code(response: requests.Response) -> str | None:
    try:
        code = response.json().get("code")
    except (ValueError, AttributeError):
        return None
    return code if isinstance(code, str) else None


def parse_time(value: str) -> dt.datetime:
    """An ISO 8601 time from the server as an aware UTC datetime (naive means UTC)."""
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def seconds_left(expires_at: str, server_date: str | None = None, now: dt.datetime | None = None) -> float:
    """Seconds until ``expires_at``; measured on the server's clock (its Date header) when ours is off.

    The Date header has whole seconds only, so it is used only when the clocks differ by more
    than MAX_CLOCK_SKEW_S; otherwise our own, finer clock is.
    """
    try:
        deadline = parse_time(expires_at)
    except ValueError:
        return 0.0
    reference = now or dt.datetime.now(dt.UTC)
    if server_date:
        with contextlib.suppress(TypeError, ValueError):
            server_now = email.utils.parsedate_to_datetime(server_date).astimezone(dt.UTC)
            if abs((server_now - reference).total_seconds()) > MAX_CLOCK_SKEW_S:
                reference = server_now
    return max(0.0, (deadline - reference).total_seconds())
