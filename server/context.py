"""The services one server process shares, and the FastAPI dependencies that reach them."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from typing import Annotated, cast

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.datastructures import Headers
from starlette.requests import HTTPConnection

from server.accounts import Caller, authenticate
from server.config import Settings
from server.db import Database
from server.errors import ValidationFailedError
from server.hub import AgentHub
from server.ratelimit import JoinLimiter
from server.relay import Relay
from server.support import mark_ended, mark_live


class RelayRecorder:
    """Relay hooks: keep the session record and tell the agent's app."""

    def __init__(self, db: Database, hub: AgentHub) -> None:
        self._db = db
        self._hub = hub

    async def paired(self, session_id: str) -> bool:
        """Record the start (state live)."""
        return await self._db.call(mark_live, session_id)

    async def ended(self, session_id: str, reason: str, bytes_relayed: int) -> None:
        """Record the end and push ``session_ended`` to the agent."""
        ended = await self._db.call(mark_ended, session_id, reason, bytes_relayed)
        await self._hub.push(ended.agent_id,
                             {"type": "session_ended", "session_id": session_id, "reason": ended.reason})


@dataclasses.dataclass(frozen=True)
class Services:
    """Everything a request handler may use; built once in ``create_app``."""

    settings: Settings
    db: Database
    hub: AgentHub
    relay: Relay
    limiter: JoinLimiter
    clock: Callable[[], float] = time.monotonic


def build_services(settings: Settings, db: Database) -> Services:
    """Services for one process."""
    hub = AgentHub()
    relay = Relay(RelayRecorder(db, hub), settings.end_grace_s, settings.relay_capture_dir)
    return Services(settings, db, hub, relay, JoinLimiter(settings.join_limits))


def get_services(connection: HTTPConnection) -> Services:
    """The process's services (dependency for HTTP and WebSocket routes)."""
    return cast(Services, connection.app.state.services)


def bearer_from_headers(headers: Headers) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, if there is one."""
    scheme, _, token = headers.get("authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


_bearer = HTTPBearer(auto_error=False, description="An agent token from login, or a host token from join")


def bearer_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str | None:
    """The bearer token sent with the request, if any."""
    return credentials.credentials if credentials else None


ServicesDep = Annotated[Services, Depends(get_services)]
TokenDep = Annotated[str | None, Depends(bearer_token)]


async def current_agent(services: ServicesDep, token: TokenDep) -> Caller:
    """The logged-in agent making the request (401 otherwise)."""
    return await services.db.call(authenticate, token)


CallerDep = Annotated[Caller, Depends(current_agent)]


def _query_names(dependant: object) -> set[str]:
    """The query parameter names a route's dependant (and its sub-dependencies) declares."""
    names = {str(param.alias) for param in getattr(dependant, "query_params", ())}
    for sub in getattr(dependant, "dependencies", ()):
        names |= _query_names(sub)
    return names


async def strict_query(request: HTTPConnection) -> None:
    """Refuse query parameters an HTTP route does not declare, or that are repeated (422 naming the first),
    as bodies refuse unknown keys. WebSocket routes read their own query (``/relay/{id}?role=``) and are left alone."""
    if request.scope["type"] != "http":
        return
    known = _query_names(getattr(request.scope.get("route"), "dependant", None))
    names = [name for name, _ in request.query_params.multi_items()]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:  # no route takes a list in its query: a second value would silently win
        raise ValidationFailedError(f"Query parameter {repeated[0][:40]!r} is given more than once: give it once.")
    unknown = sorted(name for name in request.query_params if name not in known)
    if unknown:
        shown = repr(unknown[0][:40])
        raise ValidationFailedError(f"Unknown query parameter {shown}: this request does not accept it "
                                    "(see /openapi.json). Remove it.")
