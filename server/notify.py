"""Pushes that follow a committed change: new effective options, ended logins (run on the event loop).

Callers commit first (``await db.call(...)``), then tell the agents through these helpers, so an agent
is never told of a change that was rolled back.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from server.accounts import force_logout
from server.context import Services
from server.models import TokenKind
from server.options import agent_options
from server.support import end_agent_sessions


async def options_changed(services: Services, user_ids: Iterable[int]) -> int:
    """Push ``{"type": "options_changed", "options": {...}}`` to each of these agents that is logged in;
    how many agents were told."""
    told = 0
    for user_id in set(user_ids) & services.hub.agents():
        options = await services.db.call(agent_options, user_id)
        if await services.hub.push(user_id, {"type": "options_changed", "options": dict(options)}):
            told += 1
    return told


async def end_logins(services: Services, user_id: int, token_hashes: Collection[str], reason: str) -> None:
    """Tell the push sockets of already revoked tokens why (``logged_out``) and close them."""
    if token_hashes:
        await services.hub.end_logins(user_id, token_hashes, reason)


async def end_sessions_of(services: Services, user_id: int, reason: str) -> int:
    """End the user's open sessions (a live one through the relay, which closes both legs); how many."""
    outcomes = await services.db.call(end_agent_sessions, user_id, reason)
    for session_id, outcome in outcomes:
        if not services.relay.request_end(session_id, outcome.reason) and outcome.live:
            await services.relay.end_unpaired(session_id, outcome.reason)
    return len(outcomes)


async def force_logout_user(services: Services, user_id: int, reason: str,
                            kind: TokenKind | None = TokenKind.AGENT) -> int:
    """An admin ends a user's logins (agent app by default) and the sessions they run: revoke, commit, tell
    at once; how many logins ended."""
    ended = await services.db.call(force_logout, user_id, reason, kind)
    await end_logins(services, user_id, ended, reason)
    await end_sessions_of(services, user_id, reason)
    return len(ended)
