"""Session share and transfer routes (server.handover): list agents to invite, invite, accept, decline.

Pushes on ``/ws/agent``: the invited agent gets ``handover_invited`` (handover_id, kind, from_login, from_name,
pc_name, os, expires_at); the inviter gets ``handover_answered`` (handover_id, kind, login_id, accepted).
Pending invitations live in this process (like the relay's pairs): a restart ends them with the sessions.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel, Field
from starlette.applications import Starlette

from server.context import CallerDep, Services, ServicesDep
from server.errors import ConflictError
from server.handover import (
    Invitation,
    accept_handover,
    candidates,
    create_handover,
    decline_handover,
    withdraw_unanswered,
)
from server.routes_api import SessionId, error_responses
from server.schemas import StrictInput

router = APIRouter(prefix="/api/v1")
HandoverId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="32 hex characters")]


class HandoverAgent(BaseModel):
    """An agent who can be invited now (logged in, same group)."""

    login_id: str
    name: str


class HandoverRequest(StrictInput):
    """Whom to invite, and to watch (share) or to take over (transfer)."""

    kind: Literal["share", "transfer"]
    login_id: str = Field(min_length=1, max_length=64)


class HandoverCreated(BaseModel):
    """The child session: its id and the host credentials the viewer hands to the customer's host (E2E)."""

    handover_id: str
    kind: str
    login_id: str
    agent_name: str
    host_token: str
    secret: str
    expires_at: datetime.datetime


class HandoverAccepted(BaseModel):
    """What the invited agent's viewer needs to join the child session."""

    handover_id: str
    kind: str
    secret: str
    inviter_name: str
    pc_name: str
    os: str


def _pending(app: Starlette) -> dict[str, Invitation]:
    """This process's invitations waiting for an answer, by handover id."""
    if not hasattr(app.state, "handovers"):
        app.state.handovers = {}
    return app.state.handovers  # type: ignore[no-any-return]


@router.get("/sessions/{session_id}/handover/agents", responses=error_responses(401, 403, 404, 409, 422))
async def handover_agents(session_id: SessionId, caller: CallerDep, services: ServicesDep) -> list[HandoverAgent]:
    """The logged-in agents of the caller's group (the company's without a group) who can be invited to the
    caller's live session; 403 when both session_share and session_transfer are off."""
    found = await services.db.call(candidates, session_id, caller.agent, services.hub.connected_tokens())
    return [HandoverAgent(login_id=c.login_id, name=c.name) for c in found]


@router.post("/sessions/{session_id}/handover", status_code=201,
             responses=error_responses(401, 403, 404, 409, 413, 422))
async def handover_create(session_id: SessionId, body: HandoverRequest, request: Request, caller: CallerDep,
                          services: ServicesDep) -> HandoverCreated:
    """Invite another logged-in agent of the company to watch (share) or take over (transfer) a live session.

    403 when the caller's options turn session_share / session_transfer off, 404 for an agent of another
    company, 409 when that agent is not logged in or the session is not live. The invited agent's app gets
    ``handover_invited``; the answer carries the child's host token and secret for the customer's host.
    """
    invitation = await services.db.call(create_handover, session_id, caller.agent, kind=body.kind,
                                        login_id=body.login_id, connected=services.hub.connected_tokens())
    if not await services.hub.push(invitation.target_id, _invited_event(invitation)):
        await services.db.call(withdraw_unanswered, invitation.handover_id)
        raise ConflictError(f"{invitation.target_name}'s agent app could not be reached: try again in a moment.")
    _pending(request.app)[invitation.handover_id] = invitation
    return HandoverCreated(handover_id=invitation.handover_id, kind=invitation.kind, login_id=invitation.target_login,
                           agent_name=invitation.target_name, host_token=invitation.host_token,
                           secret=invitation.secret, expires_at=invitation.expires_at)


def _invited_event(invitation: Invitation) -> dict[str, object]:
    return {"type": "handover_invited", "handover_id": invitation.handover_id, "kind": invitation.kind,
            "from_login": invitation.inviter_login, "from_name": invitation.inviter_name,
            "pc_name": invitation.pc_name, "os": invitation.os, "expires_at": invitation.expires_at.isoformat()}


async def _tell_inviter(services: Services, invitation: Invitation, accepted: bool) -> None:
    await services.hub.push(invitation.inviter_id, {
        "type": "handover_answered", "handover_id": invitation.handover_id, "kind": invitation.kind,
        "login_id": invitation.target_login, "accepted": accepted})


@router.post("/handover/{handover_id}/accept", responses=error_responses(401, 404, 410, 422))
async def handover_accept(handover_id: HandoverId, request: Request, caller: CallerDep,
                          services: ServicesDep) -> HandoverAccepted:
    """The invited agent accepts: the answer has the child session's secret for their viewer."""
    pending = _pending(request.app)
    invitation = pending.get(handover_id)
    answer = await services.db.call(accept_handover, invitation, handover_id, caller.agent)
    pending.pop(handover_id, None)
    assert invitation is not None  # accept_handover refused a missing one
    await _tell_inviter(services, invitation, True)
    return HandoverAccepted(handover_id=answer.handover_id, kind=answer.kind, secret=answer.secret,
                            inviter_name=answer.inviter_name, pc_name=answer.pc_name, os=answer.os)


@router.post("/handover/{handover_id}/decline", status_code=204, responses=error_responses(401, 404, 410, 422))
async def handover_decline(handover_id: HandoverId, request: Request, caller: CallerDep,
                           services: ServicesDep) -> Response:
    """The invited agent declines: the child session ends (the customer's host leg is closed) and the inviter
    is told."""
    pending = _pending(request.app)
    invitation = pending.get(handover_id)
    await services.db.call(decline_handover, invitation, handover_id, caller.agent)
    pending.pop(handover_id, None)
    assert invitation is not None
    reason = f"{caller.agent.name} declined the invitation"
    services.relay.request_end(handover_id, reason)  # a host leg waiting for the viewer is closed
    await _tell_inviter(services, invitation, False)
    return Response(status_code=204)
