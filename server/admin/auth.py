"""The FastAPI dependency that admits admin-page tokens (all three roles; each sees only its own menus)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from server.accounts import Caller, authenticate
from server.context import ServicesDep, TokenDep
from server.models import TokenKind


async def current_admin(services: ServicesDep, token: TokenDep) -> Caller:
    """The user behind an admin-page token (401 otherwise); ``caller.agent.role`` says what they may do."""
    return await services.db.call(authenticate, token, TokenKind.ADMIN)


AdminDep = Annotated[Caller, Depends(current_admin)]
