"""Admin REST API, directory part (``/api/v1/admin``): company options and logo, groups, group option
policies, users.

Callers use an admin-page token (``POST /api/v1/admin/auth/login``); what each role may see and change
is decided in ``server.admin.scope`` and ``server.admin.directory``. Pushes to agents (new options, ended
logins) go out only after the change is committed.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Request, Response

from server.admin import directory
from server.admin.auth import AdminDep
from server.admin.schemas import (
    CompanyOut,
    CompanyUpdate,
    GroupCreate,
    GroupOptionOut,
    GroupOptionsUpdate,
    GroupOut,
    GroupUpdate,
    PasswordSet,
    UserCreate,
    UserOut,
    UserPage,
    UserUpdate,
)
from server.admin.validation import LOGO_MAX_BYTES, LOGO_SIGNATURES, LogoError, logo_type
from server.context import ServicesDep
from server.errors import ApiError
from server.notify import end_logins, end_sessions_of, options_changed
from server.routes_api import ERROR_MEANINGS
from server.schemas import ErrorDetail

router = APIRouter(prefix="/api/v1/admin", tags=["admin directory"])

MEANINGS = {
    **ERROR_MEANINGS,
    400: "The change would lock the caller out (deleting themselves, changing their own role).",
    401: "No admin-page token (POST /api/v1/admin/auth/login), or it has expired or ended.",
    403: "The caller's role may not do this (code role_forbidden); creating one more ID than a named licence "
         "allows (code licence_full).",
    404: "No such thing in the caller's company.",
    409: "A taken login ID, icon number, group name, external ID or login page URL (code conflict), or a group "
         "that still has users: the sentence names the field.",
    413: "The request body is too large (a logo: more than 500 KB).",
    422: "The input is invalid: the sentence names the field and the rule it breaks (code password_rules: the "
         "password breaks the company's level; code option_invalid: a bad option key, state or value).",
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": ErrorDetail, "description": MEANINGS[code]} for code in codes}


class LogoInvalidError(ApiError):
    """A logo upload that is not a PNG, JPEG or GIF of at most 500 KB."""

    status_code = 422


class LogoTooLargeError(ApiError):
    """A logo larger than 500 KB."""

    status_code = 413


GroupId = Annotated[int, Path(ge=1, le=2**31 - 1, description="the group's id")]
UserId = Annotated[int, Path(ge=1, le=2**31 - 1, description="the user's id")]
IMAGE = {"schema": {"type": "string", "format": "binary"}}
LOGO_BODY = {"requestBody": {"required": True, "content": {media: IMAGE for media in LOGO_SIGNATURES}}}


# --- company ---------------------------------------------------------------------------------------------

@router.get("/company", responses=error_responses(401))
async def company_get(caller: AdminDep, services: ServicesDep) -> CompanyOut:
    """The caller's company and its company options; the licence is shown but set only by the server operator."""
    return await services.db.call(directory.get_company, caller)


@router.patch("/company", responses=error_responses(401, 403, 409, 413, 422))
async def company_patch(body: CompanyUpdate, caller: AdminDep, services: ServicesDep) -> CompanyOut:
    """Change company options (company admin only): password level and lifetime, lock time, history months,
    two-step login, login page URL. Naming licence_kind or licence_count is 422: the server operator sets
    the licence with the seed command."""
    changes = body.model_dump(include=body.model_fields_set)
    return await services.db.call(directory.update_company, caller, changes)


@router.put("/company/logo", responses=error_responses(401, 403, 413, 422), openapi_extra=LOGO_BODY)
async def company_logo_put(request: Request, caller: AdminDep, services: ServicesDep) -> CompanyOut:
    """Upload the company logo as the raw body: PNG, JPEG or GIF (Content-Type to match), at most 500 KB.
    The picture's first bytes must be those of its format."""
    data = await request.body()
    try:
        media = logo_type(request.headers.get("content-type"), data)
    except LogoError as exc:
        raise (LogoTooLargeError if exc.too_large else LogoInvalidError)(str(exc)) from exc
    return await services.db.call(directory.set_logo, caller, data, media)


LOGO_ANSWER: dict[int | str, dict[str, Any]] = {200: {"description": f"the logo (at most {LOGO_MAX_BYTES} bytes)",
                     "content": {media: {} for media in LOGO_SIGNATURES}}}


@router.get("/company/logo", response_class=Response, responses={**LOGO_ANSWER, **error_responses(401, 404)})
async def company_logo_get(caller: AdminDep, services: ServicesDep) -> Response:
    """The company logo, with its media type."""
    data, media = await services.db.call(directory.get_logo, caller)
    return Response(content=data, media_type=media)


@router.delete("/company/logo", status_code=204, responses=error_responses(401, 403))
async def company_logo_delete(caller: AdminDep, services: ServicesDep) -> Response:
    """Remove the company logo (company admin only)."""
    await services.db.call(directory.delete_logo, caller)
    return Response(status_code=204)


# --- groups ----------------------------------------------------------------------------------------------

@router.get("/groups", responses=error_responses(401))
async def groups_list(caller: AdminDep, services: ServicesDep) -> list[GroupOut]:
    """Every group of the company (company admin); the caller's own group (group admin, agent)."""
    return await services.db.call(directory.list_groups, caller)


@router.post("/groups", status_code=201, responses=error_responses(401, 403, 409, 413, 422))
async def groups_create(body: GroupCreate, caller: AdminDep, services: ServicesDep) -> GroupOut:
    """Create a group (company admin only); the name and the external ID are unique in the company."""
    return await services.db.call(directory.create_group, caller, body.name, body.external_id)


@router.get("/groups/{group_id}", responses=error_responses(401, 403, 404, 422))
async def groups_get(group_id: GroupId, caller: AdminDep, services: ServicesDep) -> GroupOut:
    """One group: any of the company (company admin), the caller's own (group admin, agent)."""
    return await services.db.call(directory.get_group, caller, group_id)


@router.patch("/groups/{group_id}", responses=error_responses(401, 403, 404, 409, 413, 422))
async def groups_patch(group_id: GroupId, body: GroupUpdate, caller: AdminDep, services: ServicesDep) -> GroupOut:
    """Rename a group or change its external ID (company admin only; null removes the external ID)."""
    changes = body.model_dump(include=body.model_fields_set)
    return await services.db.call(directory.update_group, caller, group_id, changes)


@router.delete("/groups/{group_id}", status_code=204, responses=error_responses(401, 403, 404, 409, 422))
async def groups_delete(group_id: GroupId, caller: AdminDep, services: ServicesDep) -> Response:
    """Delete a group (company admin only); refused with 409 while it has users."""
    await services.db.call(directory.delete_group, caller, group_id)
    return Response(status_code=204)


@router.get("/groups/{group_id}/options", responses=error_responses(401, 403, 404, 422, 503))
async def group_options_get(group_id: GroupId, caller: AdminDep, services: ServicesDep) -> dict[str, GroupOptionOut]:
    """The group's state and value for every catalogue key (company admin; group admin of the group)."""
    return await services.db.call(directory.get_group_options, caller, group_id)


@router.put("/groups/{group_id}/options", responses=error_responses(401, 403, 404, 413, 422, 503))
async def group_options_put(
    group_id: GroupId, caller: AdminDep, services: ServicesDep,
    entries: Annotated[GroupOptionsUpdate, Body(description="the whole policy: per option key "
                                                "{state, value}; keys left out take the catalogue default")],
) -> dict[str, GroupOptionOut]:
    """Replace the group's option policy; the group's logged-in agents get their new options pushed
    (``options_changed``). A bad key, state or value is 422 ``option_invalid`` naming the key and rule."""
    options, user_ids = await services.db.call(directory.set_group_options, caller, group_id, entries)
    await options_changed(services, user_ids)
    return options


# --- users -----------------------------------------------------------------------------------------------

@router.get("/users", responses=error_responses(401, 403, 404, 422))
async def users_list(
    caller: AdminDep, services: ServicesDep,
    group_id: Annotated[int | None, Query(ge=1, le=2**31 - 1, description="only this group's users")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> UserPage:
    """The users the caller may see (company: all; group admin: the group; agent: themselves), by id."""
    return await services.db.call(directory.list_users, caller, group_id, limit, offset)


@router.post("/users", status_code=201, responses=error_responses(401, 403, 404, 409, 413, 422))
async def users_create(body: UserCreate, caller: AdminDep, services: ServicesDep) -> UserOut:
    """Create a user (company admin: any role and group; group admin: agents of their own group). The
    password must meet the company's level; a named licence refuses one ID too many (403 licence_full)."""
    return await services.db.call(directory.create_user, caller, body)


@router.get("/users/{user_id}", responses=error_responses(401, 403, 404, 422))
async def users_get(user_id: UserId, caller: AdminDep, services: ServicesDep) -> UserOut:
    """One user the caller may see."""
    return await services.db.call(directory.get_user, caller, user_id)


@router.patch("/users/{user_id}", responses=error_responses(400, 401, 403, 404, 409, 413, 422))
async def users_patch(user_id: UserId, body: UserUpdate, caller: AdminDep, services: ServicesDep) -> UserOut:
    """Change a user. The login ID never changes (422). An agent may change only their own nickname, phone,
    mobile, e-mail, e-mail opt-in and name reading. A changed role or group ends the user's agent logins."""
    user, ended = await services.db.call(directory.update_user, caller, user_id, body)
    await end_logins(services, ended.user_id, ended.tokens, ended.reason)
    if ended.reason:  # a changed role or group: the sessions it runs end with its logins
        await end_sessions_of(services, ended.user_id, ended.reason)
    return user


@router.delete("/users/{user_id}", status_code=204, responses=error_responses(400, 401, 403, 404, 422))
async def users_delete(user_id: UserId, caller: AdminDep, services: ServicesDep) -> Response:
    """Delete a user; their logins and sessions end at once (company admin; group admin for agents of the group)."""
    await services.db.call(directory.check_delete, caller, user_id)
    await end_sessions_of(services, user_id, "the agent's account was deleted")
    ended = await services.db.call(directory.delete_user, caller, user_id)
    await end_logins(services, ended.user_id, ended.tokens, ended.reason)
    return Response(status_code=204)


@router.post("/users/{user_id}/password", responses=error_responses(401, 403, 404, 413, 422))
async def users_password(user_id: UserId, body: PasswordSet, caller: AdminDep, services: ServicesDep) -> UserOut:
    """Set a user's password by the company's rules; it counts as changed now and unlocks the account."""
    return await services.db.call(directory.set_password, caller, user_id, body.password)


@router.post("/users/{user_id}/unlock", responses=error_responses(401, 403, 404, 422))
async def users_unlock(user_id: UserId, caller: AdminDep, services: ServicesDep) -> UserOut:
    """Reset the lock set by five wrong passwords."""
    return await services.db.call(directory.unlock_user, caller, user_id)
