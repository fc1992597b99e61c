"""Queue actions shared by the agent API and the customer's routes: store first (committed), then tell.

A chat line that cannot be stored raises ``ChatFailedError`` (503) and nobody is told of it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import cast

from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import HTTPConnection

from server.context import get_services
from server.errors import UnavailableError
from server.queues import files, store
from server.queues.engine import QueueEngine
from server.queues.store import ChatRow, EntryView

logger = logging.getLogger(__name__)

CHAT_FAILED = "The chat line could not be saved, so it was not sent: send it again."


class ChatFailedError(UnavailableError):
    """A chat line or file could not be stored."""

    code = "chat_failed"


def engine_of(connection: HTTPConnection) -> QueueEngine:
    """The process's queue engine (made on first use, kept on the app)."""
    state = connection.app.state
    engine = getattr(state, "queues", None)
    if engine is None:
        engine = QueueEngine(get_services(connection))
        state.queues = engine
    return cast(QueueEngine, engine)


async def slug_of(engine: QueueEngine, entry: EntryView) -> str:
    """The slug of the entry's page."""
    from server.models import ConnectionPage

    return await engine.services.db.call(lambda db: db.get_one(ConnectionPage, entry.page_id).slug)


async def send_line(engine: QueueEngine, entry: EntryView, sender: str, name: str, text: str) -> ChatRow:
    """Store a line, then deliver it to both sides (in the entry's order)."""
    async with engine.lock(entry.id):
        try:
            row = await engine.write(store.add_line, entry.id, sender, name, text)
        except SQLAlchemyError as exc:
            logger.exception("Chat line of queue entry %d not stored", entry.id)
            raise ChatFailedError(CHAT_FAILED) from exc
        await engine.deliver(row, await slug_of(engine, entry), entry.agent_id)
    return row


async def send_file(engine: QueueEngine, entry: EntryView, sender: str, name: str, upload: files.Upload) -> ChatRow:
    """Store a file on disk and its line, then deliver it."""
    stored = await asyncio.to_thread(files.save, engine.files_dir, upload.data)
    async with engine.lock(entry.id):
        try:
            row = await engine.write(store.add_file, entry.id, sender, name, name=upload.name,
                                                size=len(upload.data), stored_name=stored)
        except SQLAlchemyError as exc:
            await asyncio.to_thread(files.remove, engine.files_dir, [stored])
            raise ChatFailedError("The file could not be saved, so it was not sent: send it again.") from exc
        await engine.deliver(row, await slug_of(engine, entry), entry.agent_id)
    return row
