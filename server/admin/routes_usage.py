"""Admin usage routes: logged-in agents now, force logout, login history, licence use.

Every route takes an admin-page token; what each role sees is decided in ``server.admin.scope`` (company
admin: the company; group admin: their group; agent: themselves). The service functions are in
``server.admin.usage``.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated

from fastapi import APIRouter, Body, Path, Query

from server.admin.auth import AdminDep
from server.admin.usage import (
    HistoryFilter,
    check_logout_target,
    ended_by_admin,
    licence_use,
    login_history,
    logins_now,
)
from server.admin.usage_schemas import (
    HistoryEntry,
    HistoryPage,
    LicenceHolder,
    LicenceUse,
    LiveLogin,
    LiveLogins,
    LogoutDone,
    LogoutRequest,
)
from server.context import ServicesDep
from server.models import LoginResult, TokenKind
from server.notify import force_logout_user
from server.routes_api import error_responses
from server.schemas import IsoDay

router = APIRouter(prefix="/api/v1/admin")

MAX_ID = 2**31 - 1
UserId = Annotated[int, Path(ge=1, le=MAX_ID, description="the user's id")]


@router.get("/logins/now", responses=error_responses(401))
async def logins_now_get(caller: AdminDep, services: ServicesDep) -> LiveLogins:
    """The live agent-app logins the caller may see, newest first: who, since when, from which address,
    MAC and client version, and whether the agent app's push socket is open now (``connected``)."""
    logins = await services.db.call(logins_now, caller, services.hub.connected_tokens())
    return LiveLogins(logins=[LiveLogin(**dataclasses.asdict(login)) for login in logins])


@router.post("/users/{user_id}/logout", responses=error_responses(401, 403, 404, 413, 422))
async def user_logout(
    user_id: UserId, caller: AdminDep, services: ServicesDep,
    body: Annotated[LogoutRequest | None, Body(description="why (told to the agent)")] = None,
) -> LogoutDone:
    """End every agent-app login of a user (company admin; group admin for a user of their group).

    The tokens are revoked first; then each open push socket gets ``{"type": "logged_out", "reason": …}``
    and is closed with code 4401. The ended token answers 401 with a sentence saying the login ended and
    why. A user outside the caller's company is 404; an agent, or a group admin naming another group's user,
    gets 403 ``role_forbidden``.
    """
    await services.db.call(check_logout_target, caller, user_id)
    ended = await force_logout_user(services, user_id, ended_by_admin(body.reason if body else None))
    return LogoutDone(user_id=user_id, ended=ended)


@router.get("/history/logins", responses=error_responses(400, 401, 422))
async def login_history_get(
    caller: AdminDep, services: ServicesDep, *,
    kind: Annotated[TokenKind | None, Query(description="agent (agent app) or admin (admin page)")] = None,
    login_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    result: Annotated[LoginResult | None, Query(description="how the attempt ended")] = None,
    since: Annotated[IsoDay | None, Query(description="first UTC day, included (YYYY-MM-DD)")] = None,
    until: Annotated[IsoDay | None, Query(description="last UTC day, included (YYYY-MM-DD)")] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="at most this many rows")] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_ID, description="skip this many rows first")] = 0,
) -> HistoryPage:
    """Login history of agent-app and admin-page logins, newest first, of the users the caller may see.

    Rows for login IDs that belong to no user (typos, deleted users) are shown to nobody. ``since`` after
    ``until`` is 400.
    """
    wanted = HistoryFilter(kind, login_id, result.value if result else None, since, until, limit, offset)
    page = await services.db.call(login_history, caller, wanted)
    return HistoryPage(total=page.total, limit=limit, offset=offset,
                       entries=[HistoryEntry(**dataclasses.asdict(row)) for row in page.rows])


@router.get("/licence", responses=error_responses(401, 403))
async def licence_get(caller: AdminDep, services: ServicesDep) -> LicenceUse:
    """The company's licence (named or concurrent, count or no limit), how many are in use now and by whom
    (company admins only; others get 403 ``role_forbidden``).

    Concurrent: agents with a present agent-app login (push socket open, or a token given in the last 60
    seconds), as the login rule counts them. Named: every user ID of the company.
    """
    licence = await services.db.call(licence_use, caller, services.hub.connected_tokens())
    holders = [LicenceHolder(**dataclasses.asdict(holder)) for holder in licence.holders]
    return LicenceUse(kind=licence.kind, count=licence.count, in_use=len(holders), holders=holders)
