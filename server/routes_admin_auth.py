"""Admin page login (``/api/v1/admin/auth``): password, the e-mailed second step, logout, who am I.

All three roles sign in here and get an *admin* token, which the agent API refuses (and the admin API
refuses agent tokens). With the company's two-step login on, the password gives 202 and a code by
e-mail; ``/verify`` trades the code for the token (see ``server.two_step`` for the code's rules).
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from server.accounts import Agent, ClientInfo, LoginGrant, logout
from server.admin.auth import AdminDep
from server.admin_auth_schemas import (
    AdminLoginRequest,
    AdminLoginResponse,
    AdminMe,
    AdminUser,
    SecondStepRequest,
    SecondStepStarted,
)
from server.context import ServicesDep
from server.errors import ApiError, UnavailableError
from server.mailer import MailError, login_code_mail, mask_address, send_mail
from server.models import Role
from server.routes_api import ERROR_MEANINGS
from server.schemas import ErrorDetail
from server.two_step import CODE_TTL, CodeToSend, drop_challenge, finish_admin_login, start_admin_login

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1/admin/auth", tags=["admin login"])

MEANINGS = {
    **ERROR_MEANINGS,
    401: "Wrong login ID or password, no usable admin token, or (code second_step_failed) a wrong, expired, "
         "used or unknown e-mailed code: the sentence says how many attempts are left or to log in again.",
    403: "The password expired (code password_expired), the IP allow list does not admit this place (code "
         "address_not_allowed), the account has ended (code account_expired), or the two-step login needs "
         "an e-mail address and none is registered: ask the company admin to register one.",
    503: "The login code could not be mailed (the mail server is unreachable or refused it): try again or ask "
         "the administrator to check the mail server.",
}
MENUS = {
    Role.COMPANY_ADMIN: ["company", "groups", "users", "policies", "usage", "history"],
    Role.GROUP_ADMIN: ["users", "policies", "usage"],
    Role.AGENT: ["my_settings"],
}

ClientHeader = Annotated[str | None, Header(alias="X-Ferry-Client", max_length=64,
                                           description="the client's name and version, for the login history")]


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": ErrorDetail, "description": MEANINGS[code]} for code in codes}


def _client(request: Request, client_version: str | None) -> ClientInfo:
    return ClientInfo(request.client.host if request.client else "unknown", client_version)


def _user(agent: Agent) -> AdminUser:
    return AdminUser(login_id=agent.login_id, name=agent.name, role=agent.role, company=agent.company,
                     group=agent.group)


def _granted(grant: LoginGrant) -> AdminLoginResponse:
    return AdminLoginResponse(token=grant.token, expires_at=grant.expires_at, user=_user(grant.agent))


async def _mail_code(services: ServicesDep, started: CodeToSend, client: ClientInfo) -> SecondStepStarted:
    """Mail the code; when that fails, end the challenge (and log it) and answer 503."""
    minutes = int(CODE_TTL.total_seconds() // 60)
    try:
        await send_mail(services.settings.smtp, login_code_mail(started.email, started.code, minutes))
    except MailError as exc:
        reason = f"Could not send the login code: {exc}"
        await services.db.call(drop_challenge, started.challenge_id, reason, client)
        raise UnavailableError(f"{reason}; try again or ask the administrator to check the mail server.") from exc
    return SecondStepStarted(challenge_id=started.challenge_id, sent_to=mask_address(started.email),
                             expires_at=started.expires_at)


@router.post("/login", response_model=AdminLoginResponse,
             responses={202: {"model": SecondStepStarted, "description": "A code was e-mailed: finish with "
                              "POST /api/v1/admin/auth/verify."}, **error_responses(401, 403, 413, 422, 423, 503)})
async def admin_auth_login(
    body: AdminLoginRequest, request: Request, services: ServicesDep, client_version: ClientHeader = None,
) -> AdminLoginResponse | JSONResponse:
    """Log in to the admin page with an ID and password (any role; each sees only its menus).

    The same lock, account-end, allow-list and password-age rules as the agent login apply (401, 403,
    423 with their codes). With the company's two-step login on, the answer is 202: a 6-digit code was
    mailed to the user's registered address (valid 5 minutes); send it to ``/verify``. No registered
    address gives 403; a mail server that cannot be reached gives 503. Every attempt is in the login history.
    """
    client = _client(request, client_version)
    result = await services.db.call(start_admin_login, body.login_id, body.password, services.settings.token_ttl_s,
                                    client)
    if isinstance(result, ApiError):
        raise result
    if isinstance(result, LoginGrant):
        return _granted(result)
    started = await _mail_code(services, result, client)
    return JSONResponse(jsonable_encoder(started), status_code=202)


@router.post("/verify", responses=error_responses(401, 413, 422))
async def admin_auth_verify(
    body: SecondStepRequest, request: Request, services: ServicesDep, client_version: ClientHeader = None,
) -> AdminLoginResponse:
    """Finish a two-step login with the e-mailed code: the admin token.

    A wrong code gives 401 ``second_step_failed`` and the attempts left; after 5 wrong codes, after 5
    minutes, or once used, the code no longer works and the user logs in again.
    """
    result = await services.db.call(finish_admin_login, body.challenge_id, body.code,
                                    services.settings.token_ttl_s, _client(request, client_version))
    if isinstance(result, ApiError):
        raise result
    return _granted(result)


@router.post("/logout", status_code=204, responses=error_responses(401))
async def admin_auth_logout(caller: AdminDep, services: ServicesDep) -> Response:
    """End the admin-page login whose token made this call."""
    await services.db.call(logout, caller.token_hash)
    return Response(status_code=204)


@router.get("/me", responses=error_responses(401))
async def admin_auth_me(caller: AdminDep) -> AdminMe:
    """Who is logged in to the admin page, and the menus their role sees."""
    return AdminMe(user=_user(caller.agent), menus=MENUS[Role(caller.agent.role)])
