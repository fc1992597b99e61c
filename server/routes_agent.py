"""The agent app's own REST routes: profile, shortcut messages, favorites, categories, chat lines, support
logs, support history and the group's agents (agent-app token)."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Path, Query, Response

from server.accounts import profile_of
from server.agent_schemas import (
    CategoryOut,
    ChatBatch,
    ChatSaved,
    FavoriteIn,
    FavoriteOut,
    HistoryDetailOut,
    HistoryItemOut,
    MemberOut,
    Profile,
    ShortcutOut,
    ShortcutUpdate,
    SupportLogIn,
    SupportLogOut,
)
from server.agent_tools import (
    CategoryNode,
    add_favorite,
    category_tree,
    delete_favorite,
    favorites,
    set_own_shortcuts,
    shortcuts,
)
from server.context import CallerDep, ServicesDep
from server.routes_api import SessionId, error_responses
from server.session_notes import (
    HistoryItem,
    Line,
    LogEntry,
    history,
    history_detail,
    save_chat_lines,
    write_support_log,
)
from server.team import group_members

router = APIRouter(prefix="/api/v1")
Language = Annotated[Literal["ko", "en"], Query(description="language of the shipped default texts")]


@router.get("/me", responses=error_responses(401))
async def me(caller: CallerDep, services: ServicesDep) -> Profile:
    """The caller's account: names, role, company, group, and when the account ends (None: never)."""
    found = await services.db.call(profile_of, caller.agent.id)
    agent = found.agent
    return Profile(login_id=agent.login_id, name=agent.name, nickname=found.nickname, role=agent.role,
                   company=agent.company, group=agent.group, expires_at=found.expires_at)


@router.get("/me/shortcuts", responses=error_responses(401, 422))
async def me_shortcuts(caller: CallerDep, services: ServicesDep, language: Language = "en") -> list[ShortcutOut]:
    """The ten shortcut messages (own text, else the company's, else the shipped default); empty when
    ``agent_shortcut_messages`` is off."""
    found = await services.db.call(shortcuts, caller.agent.id, language)
    return [ShortcutOut(**dataclasses.asdict(item)) for item in found]


@router.put("/me/shortcuts", responses=error_responses(401, 403, 413, 422))
async def me_shortcuts_put(
    changes: Annotated[ShortcutUpdate, Body(description='{"1": "text", "2": null, ...}')],
    caller: CallerDep, services: ServicesDep, language: Language = "en",
) -> list[ShortcutOut]:
    """Set the agent's own text for slots (null: back to the company's or default); 403 when turned off."""
    slots = {int(slot): text for slot, text in changes.items()}
    found = await services.db.call(set_own_shortcuts, caller.agent.id, slots, language)
    return [ShortcutOut(**dataclasses.asdict(item)) for item in found]


@router.get("/me/favorites", responses=error_responses(401))
async def me_favorites(caller: CallerDep, services: ServicesDep) -> list[FavoriteOut]:
    """The company's favorites (read-only) and the agent's own; empty when ``agent_favorites`` is off."""
    found = await services.db.call(favorites, caller.agent.id)
    return [FavoriteOut(**dataclasses.asdict(item)) for item in found]


@router.post("/me/favorites", status_code=201, responses=error_responses(401, 403, 413, 422))
async def me_favorites_add(body: FavoriteIn, caller: CallerDep, services: ServicesDep) -> FavoriteOut:
    """Save a favorite of the agent's own."""
    item = await services.db.call(add_favorite, caller.agent.id, body.title, body.url)
    return FavoriteOut(**dataclasses.asdict(item))


FavoriteId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.delete("/me/favorites/{favorite_id}", status_code=204, responses=error_responses(401, 403, 404, 422))
async def me_favorites_delete(favorite_id: FavoriteId, caller: CallerDep, services: ServicesDep) -> Response:
    """Delete one of the agent's own favorites (an administrator's gives 403)."""
    await services.db.call(delete_favorite, caller.agent.id, favorite_id)
    return Response(status_code=204)


def _category(node: CategoryNode) -> CategoryOut:
    return CategoryOut(id=node.id, name=node.name, children=[_category(child) for child in node.children])


@router.get("/categories", responses=error_responses(401))
async def categories(caller: CallerDep, services: ServicesDep) -> list[CategoryOut]:
    """The company's consultation categories as a tree, each level in order."""
    tree = await services.db.call(category_tree, caller.company_id)
    return [_category(node) for node in tree]


@router.post("/sessions/{session_id}/chat", responses=error_responses(401, 403, 404, 413, 422))
async def session_chat(session_id: SessionId, body: ChatBatch, caller: CallerDep,
                       services: ServicesDep) -> ChatSaved:
    """Save chat lines of one of the caller's sessions (when ``chat_log_server`` applies; 403 otherwise).

    Committed before the answer; lines already stored (same ``client_id``) are skipped, so a client that
    lost an answer sends the batch again safely.
    """
    lines = [Line(line.client_id, line.sender, line.text, line.sent_at) for line in body.lines]
    return ChatSaved(stored=await services.db.call(save_chat_lines, caller.agent.id, session_id, lines))


@router.put("/sessions/{session_id}/log", responses=error_responses(401, 403, 404, 413, 422))
async def session_log(session_id: SessionId, body: SupportLogIn, caller: CallerDep,
                      services: ServicesDep) -> SupportLogOut:
    """Write the support log of one of the caller's sessions under the group's ``support_log``: off → 403;
    required → customer_name and content, and a category where the company has categories (422 naming the
    missing field)."""
    entry = LogEntry(body.customer_name, body.content, body.category_id)
    saved = await services.db.call(write_support_log, caller.agent.id, session_id, entry)
    return SupportLogOut(**dataclasses.asdict(saved))


def _item(item: HistoryItem) -> HistoryItemOut:
    return HistoryItemOut(**dataclasses.asdict(item))


@router.get("/me/history", responses=error_responses(401, 422))
async def me_history(caller: CallerDep, services: ServicesDep,
                     limit: Annotated[int, Query(ge=1, le=500)] = 50,
                     offset: Annotated[int, Query(ge=0, le=10**9)] = 0) -> list[HistoryItemOut]:
    """The caller's own sessions, newest first."""
    return [_item(item) for item in await services.db.call(history, caller.agent.id, limit, offset)]


@router.get("/me/history/{session_id}", responses=error_responses(401, 404, 422))
async def me_history_detail(session_id: SessionId, caller: CallerDep, services: ServicesDep) -> HistoryDetailOut:
    """One of the caller's sessions with its support log and saved chat."""
    found = await services.db.call(history_detail, caller.agent.id, session_id)
    log = SupportLogOut(**dataclasses.asdict(found.log)) if found.log else None
    chat = [{"sender": line.sender, "text": line.text, "sent_at": line.sent_at} for line in found.chat]
    events = [dataclasses.asdict(event) for event in found.events]
    return HistoryDetailOut.model_validate({"session": _item(found.item), "log": log, "chat": chat, "events": events})


@router.get("/me/group", responses=error_responses(401, 403))
async def me_group(caller: CallerDep, services: ServicesDep) -> list[MemberOut]:
    """The agents of the caller's group and their states (``agent_user_status``; 403 when off)."""
    members = await services.db.call(group_members, caller.agent.id, services.hub.connected_tokens())
    return [MemberOut(login_id=m.login_id, name=m.name, nickname=m.nickname, state=m.state.value) for m in members]
