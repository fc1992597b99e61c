"""The agent app's queue API (``/api/v1/queue…``, ``/api/v1/reservations…``; agent-app bearer token).

Every change is committed first, then the customer and the agents are told (``server.queues.engine``).
"""

from __future__ import annotations

import asyncio
import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import FileResponse

from server.context import CallerDep, ServicesDep
from server.errors import NotFoundError, ValidationFailedError
from server.models import ReservationState
from server.privacy import remember_page
from server.queues import bookings, files, store
from server.queues.engine import QueueEngine, agent_line
from server.queues.schemas import (
    ChatIn,
    ChatLines,
    ChatMsg,
    EndIn,
    QueueItem,
    QueueList,
    ReservationItem,
    ReservationList,
)
from server.queues.service import engine_of, send_file, send_line
from server.routes_api import error_responses, sessions_create
from server.schemas import IsoDay, SessionCreated

router = APIRouter(prefix="/api/v1", tags=["queue"])
EntryId = Annotated[int, Path(ge=1, le=2**31 - 1)]
FileId = Annotated[int, Path(ge=1, le=2**31 - 1)]
EngineDep = Annotated[QueueEngine, Depends(engine_of)]
ERRORS_409: dict[int | str, dict[str, Any]] = {409: {
    "description": "Already taken (code already_taken, the sentence names who took it) or no longer waiting "
                   "(code not_waiting / not_accepted)."}}


def _item(engine: QueueEngine, entry: store.EntryView, places: dict[int, store.Place], me: int) -> QueueItem:
    place = places.get(entry.id)
    alert = engine.alerts.get(entry.id)
    waiting = entry.state in store.WAITING
    to_me = waiting and (alert.agent_id == me if entry.distribution == "sequential" and alert else
                         entry.distribution != "sequential")
    return QueueItem(id=entry.id, page_id=entry.page_id, window_id=entry.window_id, window_name=entry.window_name,
                     customer_name=entry.customer_name, fields=entry.fields, state=entry.state,  # type: ignore[arg-type]
                     position=place.position if place else 0, created_at=entry.created_at, alerted_to_me=to_me,
                     agent_id=entry.agent_id)


@router.get("/queue", responses=error_responses(401))
async def queue_list(caller: CallerDep, services: ServicesDep, engine: EngineDep) -> QueueList:
    """The entries this agent may see (by the page's distribution), oldest first; accepted ones only to their
    agent."""
    me = caller.agent.id
    entries, places = await services.db.call(store.queue_of, me)
    return QueueList(entries=[_item(engine, entry, places, me) for entry in entries])


@router.post("/queue/{entry_id}/accept", responses={**error_responses(401, 404, 422), **ERRORS_409})
async def queue_accept(entry_id: EntryId, caller: CallerDep, services: ServicesDep, engine: EngineDep) -> QueueItem:
    """Take a waiting customer: exactly one agent wins; the others get 409 already_taken naming the winner."""
    me = caller.agent.id
    done = await engine.accept(entry_id, me, caller.token_hash)
    return _item(engine, done.entry, {}, me)


def _msg(row: store.ChatRow) -> ChatMsg:
    return ChatMsg.model_validate(agent_line(row))


@router.get("/queue/{entry_id}/chat", responses=error_responses(401, 404, 422))
async def queue_chat(entry_id: EntryId, caller: CallerDep, services: ServicesDep) -> ChatLines:
    """The chat of an entry the caller accepted (also after it ended, when chat_log_server kept it)."""
    entry = await services.db.call(store.entry, entry_id)
    if entry.agent_id != caller.agent.id:
        raise NotFoundError(store.NO_ENTRY)
    rows = await services.db.call(store.chat_of, entry_id)
    return ChatLines(lines=[_msg(row) for row in rows])


@router.post("/queue/{entry_id}/chat", status_code=201, responses={**error_responses(401, 404, 422, 503),
                                                                   **ERRORS_409})
async def queue_chat_send(entry_id: EntryId, body: ChatIn, caller: CallerDep, services: ServicesDep,
                          engine: EngineDep) -> ChatMsg:
    """Send a line to the customer; stored (committed) before the answer, so both sides see the same id."""
    entry = await services.db.call(store.own_accepted, entry_id, caller.agent.id)
    name = await services.db.call(store.agent_name, caller.agent.id)
    return _msg(await send_line(engine, entry, "agent", name, body.text))


@router.post("/queue/{entry_id}/files", status_code=201,
             responses={**error_responses(401, 403, 404, 413, 422, 503), **ERRORS_409})
async def queue_file_send(entry_id: EntryId, request: Request, caller: CallerDep, services: ServicesDep,
                          engine: EngineDep) -> ChatMsg:
    """Send a file (multipart field ``file``, at most 10 MB) when chat_file_agent is on (403 otherwise)."""
    entry = await services.db.call(store.own_accepted, entry_id, caller.agent.id)
    await services.db.call(store.require_option, caller.agent.id, "chat_file_agent", "Sending files in chat")
    upload = await _upload(request)
    name = await services.db.call(store.agent_name, caller.agent.id)
    return _msg(await send_file(engine, entry, "agent", name, upload))


async def _upload(request: Request) -> files.Upload:
    body = await request.body()
    try:
        return await asyncio.to_thread(files.parse_upload, request.headers.get("content-type", ""), body)
    except files.UploadError as exc:
        raise ValidationFailedError(str(exc)) from exc


@router.get("/queue/{entry_id}/files/{file_id}", response_class=FileResponse,
            responses=error_responses(401, 404, 422))
async def queue_file_get(entry_id: EntryId, file_id: FileId, caller: CallerDep, services: ServicesDep,
                         engine: EngineDep) -> Any:
    """A file of an entry's chat (the entry's agent only)."""
    entry = await services.db.call(store.entry, entry_id)
    if entry.agent_id != caller.agent.id:
        raise NotFoundError(store.NO_ENTRY)
    row = await services.db.call(store.file_of, entry_id, file_id)
    return FileResponse(files.path_of(engine.files_dir, row.stored_name), filename=row.name,
                        media_type="application/octet-stream", headers={"Cache-Control": "no-store"})


@router.post("/queue/{entry_id}/remote", status_code=201,
             responses={**error_responses(401, 403, 404, 422, 503), **ERRORS_409})
async def queue_remote(entry_id: EntryId, request: Request, caller: CallerDep, services: ServicesDep,
                       engine: EngineDep) -> SessionCreated:
    """Start remote support from the chat (chat_remote_button): a normal session for this agent, whose code the
    customer receives over their socket."""
    entry = await services.db.call(store.own_accepted, entry_id, caller.agent.id)
    await services.db.call(store.require_option, caller.agent.id, "chat_remote_button",
                           "Starting remote support from the chat")
    created = await sessions_create(request, caller, services)
    await services.db.call(remember_page, created.session_id, entry.page_id)  # the page's privacy protection
    await engine.write(store.set_session, entry.id, created.session_id)
    engine.tell_customer(entry.id, {"type": "remote", "code": created.code,
                                    "download_url": f"/download/host?code={created.code}",
                                    "connect_url": f"/connect?code={created.code}"})
    return created


@router.post("/queue/{entry_id}/end", status_code=204, responses=error_responses(401, 404, 422))
async def queue_end(entry_id: EntryId, caller: CallerDep, services: ServicesDep, engine: EngineDep,
                    body: EndIn | None = None) -> Response:
    """End the chat: the customer is told ``ended``; its lines are kept when chat_log_server is on (and copied
    to the linked session's history detail), deleted otherwise."""
    reason = body.reason if body else "served"
    await engine.end(entry_id, reason, caller.agent.id)
    return Response(status_code=204)


def _reservation(item: bookings.Booking) -> ReservationItem:
    return ReservationItem(id=item.id, window_id=item.window_id, window_name=item.window_name,
                           slot_start=item.slot_start, customer=item.customer,
                           state=item.state, agent_id=item.agent_id)  # type: ignore[arg-type]


@router.get("/reservations", responses=error_responses(401, 422))
async def reservations(caller: CallerDep, services: ServicesDep,
                       day: Annotated[IsoDay | None, Query(description="YYYY-MM-DD; today (UTC)")] = None,
                       ) -> ReservationList:
    """The day's reservations at the windows this agent serves (each page's local day)."""
    wanted = day or datetime.datetime.now(datetime.UTC).date()
    found = await services.db.call(bookings.day_list, caller.agent.id, wanted)
    return ReservationList(reservations=[_reservation(item) for item in found])


async def _handle(reservation_id: int, state: ReservationState, caller: Any, services: Any,
                  engine: QueueEngine) -> ReservationItem:
    item = await services.db.call(bookings.handle, caller.agent.id, reservation_id, state)
    audience = await engine.audience(item.window_id)
    await engine.push_all([member.id for member in audience.agents],
                          {"type": "reservation_changed", "page_id": item.page_id})
    return _reservation(item)


@router.post("/reservations/{reservation_id}/done", responses=error_responses(401, 404, 409, 422))
async def reservation_done(reservation_id: EntryId, caller: CallerDep, services: ServicesDep,
                           engine: EngineDep) -> ReservationItem:
    """Mark a booked reservation done."""
    return await _handle(reservation_id, ReservationState.DONE, caller, services, engine)


@router.post("/reservations/{reservation_id}/cancel", responses=error_responses(401, 404, 409, 422))
async def reservation_cancel(reservation_id: EntryId, caller: CallerDep, services: ServicesDep,
                             engine: EngineDep) -> ReservationItem:
    """Cancel a booked reservation."""
    return await _handle(reservation_id, ReservationState.CANCELLED, caller, services, engine)
