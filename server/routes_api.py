"""REST API ``/api/v1``: health, login/logout, sessions (create, join, read, end)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Path, Request, Response
from sqlalchemy.exc import IntegrityError

from server import __version__
from server.accounts import ClientInfo, login, logout
from server.context import CallerDep, ServicesDep, TokenDep
from server.errors import ApiError, NotFoundError, TooManyAttemptsError, UnavailableError
from server.notify import end_logins, options_changed
from server.options import agent_options, set_user_options
from server.password_change import change_password, check_new_password
from server.schemas import (
    SESSION_ID_PATTERN,
    AgentInfo,
    EndRequest,
    ErrorDetail,
    EventsStored,
    GrantEvents,
    Health,
    JoinRequest,
    JoinResponse,
    LoginRequest,
    LoginResponse,
    Options,
    OptionsUpdate,
    PasswordChangeRequest,
    PasswordCheck,
    PasswordCheckRequest,
    PasswordRuleState,
    SessionCreated,
    SessionInfo,
)
from server.support import (
    GrantEvent,
    NewSession,
    create_session,
    end_session,
    get_session,
    join_session,
    record_events,
)

router = APIRouter(prefix="/api/v1")


ERROR_MEANINGS = {
    400: "The request cannot be carried out as asked.",
    401: "No usable bearer token, or wrong credentials.",
    403: "The token may not do this; at login, the password expired (code password_expired): change it, or "
         "the IP or MAC allow list does not admit this place (code address_not_allowed), the account has "
         "ended (code account_expired) or every concurrent licence is in use (code licence_full); on an "
         "option write, the group decides that key (code option_forced); elsewhere the role may not do this "
         "(code role_forbidden).",
    404: "No such thing (or not the caller's).",
    409: "It clashes with what exists: at login, the ID is already logged in elsewhere (code duplicate_login); "
         "elsewhere, a taken ID, name or number (code conflict): the sentence names the field.",
    410: "The connection code was used or has expired.",
    413: "The request body is too large.",
    423: "The account is locked after five wrong passwords (code account_locked): the sentence says until "
         "when, or that an administrator must reset it.",
    422: "The input is invalid: the sentence names the field and the rule it breaks (code option_invalid: "
         "an unknown option key or a value outside its rule).",
    429: "Too many failed attempts from this address; see Retry-After.",
    503: "The server cannot do this right now; try again.",
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for the error statuses a route can answer, each ``{"detail": "sentence"}``."""
    return {code: {"model": ErrorDetail, "description": ERROR_MEANINGS[code]} for code in codes}


SessionId = Annotated[str, Path(pattern=SESSION_ID_PATTERN, description="32 hex characters")]


@router.get("/health")
async def health() -> Health:
    """Liveness check; also tells the server's version."""
    return Health(status="ok", version=__version__)


ClientHeader = Annotated[str | None, Header(alias="X-Ferry-Client", max_length=64,
                                           description="the client's name and version, for the login history")]


@router.post("/auth/login", responses=error_responses(401, 403, 409, 413, 422, 423, 503))
async def auth_login(
    body: LoginRequest, request: Request, services: ServicesDep, client_version: ClientHeader = None,
) -> LoginResponse:
    """Exchange an agent's login ID and password for a bearer token, under the company's login rules.

    Five wrong passwords in a row lock the account (423); a password past the company's lifetime gives
    403 with ``code`` ``password_expired`` and no token; a login the group's (or the agent's own) IP or MAC
    allow list does not admit gives 403 with ``code`` ``address_not_allowed`` and the reason. Every attempt
    goes into the login history. The answer carries the agent's effective options.

    An account past its end date gives 403 ``account_expired``. When the same ID is already logged in
    (its push socket open), the group's ``agent_force_logout_duplicate`` decides: on, the older login ends
    and its agent app is told why (``logged_out`` on ``/ws/agent``); off, 409 ``duplicate_login``. With a
    concurrent licence, the N+1th agent gets 403 ``licence_full``.
    """
    client = ClientInfo(_client_address(request), client_version, body.mac)
    result = await services.db.call(login, body.login_id, body.password, services.settings.token_ttl_s, client,
                                    connected=services.hub.connected_tokens())
    if isinstance(result, ApiError):
        raise result
    agent = result.agent
    await end_logins(services, agent.id, result.ended_tokens, result.ended_reason)
    return LoginResponse(token=result.token, expires_at=result.expires_at,
                         agent=AgentInfo(login_id=agent.login_id, name=agent.name,
                                         company=agent.company, group=agent.group),
                         options=result.options)


@router.get("/me/options", responses=error_responses(401, 503))
async def me_options(caller: CallerDep, services: ServicesDep) -> Options:
    """The caller's effective options: every catalogue key, decided by the group's policy and the agent's values."""
    return await services.db.call(agent_options, caller.agent.id)


@router.put("/me/options", responses=error_responses(401, 403, 413, 422, 503))
async def me_options_put(
    changes: Annotated[OptionsUpdate, Body(description="option keys and the agent's new values")],
    caller: CallerDep, services: ServicesDep,
) -> Options:
    """Set the caller's own values for options the group leaves to the agent; the new effective options.

    A key the group decides gives 403 with ``code`` ``option_forced`` (the sentence names the key and the
    group's state); an unknown key or a value outside its rule gives 422 with ``code`` ``option_invalid``.
    Nothing is stored unless every key passes. The agent's push sockets get ``options_changed``.
    """
    options = await services.db.call(set_user_options, caller.agent.id, changes)
    await options_changed(services, [caller.agent.id])
    return options


@router.post("/auth/password", status_code=204, responses=error_responses(401, 413, 422, 423))
async def auth_password(body: PasswordChangeRequest, services: ServicesDep) -> Response:
    """Change a password with the current one (no token needed, so an expired password can be changed).

    The new password must satisfy the company's password level and differ from the current one; 422 lists
    every rule it breaks. A wrong current password counts towards the lock like a wrong login.
    """
    refusal = await services.db.call(change_password, body.login_id, body.current_password, body.new_password)
    if refusal is not None:
        raise refusal
    return Response(status_code=204)


@router.post("/auth/password/check", responses=error_responses(413, 422))
async def auth_password_check(body: PasswordCheckRequest, services: ServicesDep) -> PasswordCheck:
    """The password level of the user's company and which of its rules the new password meets, for a
    change dialog that shows the rules as the user types. Nothing is changed; an unknown ID gets the
    default level, so the answer does not tell which IDs exist. Reuse is checked by the change itself."""
    level, checks = await services.db.call(check_new_password, body.login_id, body.new_password)
    return PasswordCheck(level=level, rules=[PasswordRuleState(id=c.id, text=c.text, met=c.met) for c in checks])


@router.post("/auth/logout", status_code=204, responses=error_responses(401))
async def auth_logout(caller: CallerDep, services: ServicesDep) -> Response:
    """Revoke the token used for this call (and close the push sockets opened with it)."""
    await services.db.call(logout, caller.token_hash)
    await services.hub.close_token(caller.agent.id, caller.token_hash, 4401, "logged out")
    return Response(status_code=204)


def _connect_url(request: Request, public_name: str | None, code: str) -> str:
    base = str(request.base_url).rstrip("/")
    if public_name:
        base = f"https://{public_name}:{request.url.port or 443}"
    return f"{base}/connect?code={code}"


@router.post("/sessions", status_code=201, responses=error_responses(401, 503))
async def sessions_create(request: Request, caller: CallerDep, services: ServicesDep) -> SessionCreated:
    """Start a session: a 6-digit code for the customer (single use, short-lived) and the secret."""
    created: NewSession | None = None
    for _ in range(3):  # two agents drew the same code at the same instant: draw again
        try:
            created = await services.db.call(create_session, caller.agent, services.settings.code_ttl_s)
            break
        except IntegrityError:
            continue
    if created is None:
        raise UnavailableError("Could not draw a free connection code: try again in a moment.")
    return SessionCreated(session_id=created.session_id, code=created.code, expires_at=created.expires_at,
                          secret=created.secret,
                          connect_url=_connect_url(request, services.settings.public_name, created.code))


def _client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/sessions/join", responses=error_responses(404, 410, 413, 422, 429))
async def sessions_join(body: JoinRequest, request: Request, services: ServicesDep) -> JoinResponse:
    """The customer's host module trades the code for the session's host token and secret."""
    address, limiter = _client_address(request), services.limiter
    wait = limiter.acquire(address, services.clock())
    if wait:
        raise TooManyAttemptsError(
            f"Too many wrong connection codes from your address: wait {wait} seconds, then try again.", wait)
    failed = False
    try:
        joined = await services.db.call(join_session, body.code, body.pc_name, body.os)
    except NotFoundError:
        failed = True
        raise
    finally:
        limiter.release(address, services.clock(), failed=failed)
    await services.hub.push(joined.agent_id, {"type": "customer_joined", "session_id": joined.session_id,
                                              "pc_name": joined.pc_name, "os": joined.os})
    return JoinResponse(session_id=joined.session_id, host_token=joined.host_token, secret=joined.secret,
                        agent_name=joined.agent_name, company=joined.company, policy=joined.policy)


@router.get("/sessions/{session_id}", responses=error_responses(401, 404, 422))
async def sessions_get(session_id: SessionId, caller: CallerDep, services: ServicesDep) -> SessionInfo:
    """The record of one of the caller's sessions."""
    record = await services.db.call(get_session, session_id, caller.agent)
    return SessionInfo(session_id=record.session_id, state=record.state, agent=record.agent,
                       created_at=record.created_at, started_at=record.started_at, ended_at=record.ended_at,
                       pc_name=record.pc_name, os=record.os, end_reason=record.end_reason)


@router.post("/sessions/{session_id}/end", status_code=204, responses=error_responses(401, 403, 404, 413, 422))
async def sessions_end(
    session_id: SessionId, token: TokenDep, services: ServicesDep, body: EndRequest | None = None,
) -> Response:
    """End a session (its agent's token or its host token); a live one is closed by the relay."""
    reason = body.reason if body else None
    outcome = await services.db.call(end_session, session_id, token, reason)
    if outcome.ended:
        await services.hub.push(outcome.agent_id, {"type": "session_ended", "session_id": session_id,
                                                   "reason": outcome.reason})
    if not services.relay.request_end(session_id, outcome.reason) and outcome.live:
        await services.relay.end_unpaired(session_id, outcome.reason)
    return Response(status_code=204)


@router.post("/sessions/{session_id}/events", responses=error_responses(404, 413, 422))
async def sessions_events(session_id: SessionId, body: GrantEvents, token: TokenDep,
                          services: ServicesDep) -> EventsStored:
    """The host reports grants, refusals and revokes (control, files, recording, …) for the session record
    (host token). Committed before the answer; the agent sees them in the history detail."""
    events = [GrantEvent(e.kind, e.granted, e.by, e.reason) for e in body.events]
    return EventsStored(stored=await services.db.call(record_events, session_id, token, events))
