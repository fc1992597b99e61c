"""The ASGI application: routes, error rendering, request size limit.

Every error answer is ``{"detail": "<sentence>"}``: API errors carry their own sentence, validation
errors are turned into one, unknown paths and methods get one, and anything unexpected is logged
and answered 500 with a sentence (it should never happen).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server import __version__
from server.admin.routes_directory import router as admin_directory_router
from server.admin.routes_usage import router as admin_usage_router
from server.admin.validation import LOGO_BODY_LIMIT
from server.config import MAX_REQUEST_BODY, Settings
from server.context import build_services, strict_query
from server.db import Database
from server.errors import ApiError
from server.jobs import start_jobs
from server.pages.routes_admin import router as pages_admin_router
from server.pages.routes_public import router as pages_public_router
from server.queues.files import BODY_LIMIT as CHAT_FILE_LIMIT
from server.queues.routes_agent import router as queue_agent_router
from server.queues.routes_customer import router as queue_customer_router
from server.routes_admin_auth import router as admin_auth_router
from server.routes_agent import router as agent_router
from server.routes_api import router as api_router
from server.routes_download import router as download_router
from server.routes_handover import router as handover_router
from server.routes_ws import router as ws_router
from server.web import router as web_router

logger = logging.getLogger(__name__)

NOT_JSON = "The request body is not valid JSON: send a JSON object as described in /openapi.json."


def _detail(status: int, detail: str, headers: dict[str, str] | None = None, code: str | None = None) -> JSONResponse:
    body = {"detail": detail} if code is None else {"detail": detail, "code": code}
    return JSONResponse(body, status_code=status, headers=headers)


def _where(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "the request body"


def validation_sentence(exc: RequestValidationError) -> str:
    """One sentence naming the first invalid field and what is wrong with it."""
    errors = list(exc.errors())
    if not errors:
        return "The request is invalid: check it against /openapi.json."
    first = errors[0]
    if first.get("type") == "json_invalid":
        return NOT_JSON
    where = _where(first.get("loc", ()))
    if first.get("type") == "extra_forbidden":
        return f"Unknown field {where}: this request does not accept it (see /openapi.json). Remove it."
    message = str(first.get("msg", "is invalid")).removeprefix("Value error, ")
    return f"Invalid {where}: {message}. Fix it and send the request again."


async def _on_api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return _detail(exc.status_code, exc.detail, exc.headers, exc.code)


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return _detail(422, validation_sentence(exc))


BODY_PARSE_FAILED = "There was an error parsing the body"  # FastAPI's 400 for a body it cannot decode


async def _on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and exc.detail == BODY_PARSE_FAILED:  # e.g. bytes that are not UTF-8
        return _detail(422, NOT_JSON)
    sentences = {
        404: f"There is no {request.url.path} here: see /openapi.json for the API.",
        405: f"{request.method} is not allowed on {request.url.path}: see /openapi.json for the API.",
    }
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail.endswith(".") else None
    fallback = sentences.get(exc.status_code, f"Request failed: {exc.detail}.")
    return _detail(exc.status_code, detail or fallback, dict(exc.headers or {}))


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("Unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return _detail(500, "The server failed to handle this request: try again, and report it if it persists.")


class BodyTooLargeError(StarletteHTTPException):
    """A request body without a length grew past the limit while it was read."""

    def __init__(self, limit: int = MAX_REQUEST_BODY) -> None:
        super().__init__(413, f"The request body is larger than {limit} bytes: send less.")


LARGE_BODIES = {("PUT", "/api/v1/admin/company/logo"): LOGO_BODY_LIMIT}
"""Routes that read a larger body than ``MAX_REQUEST_BODY`` (method, path): their own limit."""
LARGE_BODY_PATTERNS = (
    ("PUT", re.compile(r"/api/v1/admin/pages/[0-9]+(?:/logo|/windows/[0-9]+/image)"), LOGO_BODY_LIMIT),
    ("POST", re.compile(r"/api/v1/queue/[0-9]+/files"), CHAT_FILE_LIMIT),
    ("POST", re.compile(r"/p/[^/]+/t/[A-Za-z0-9_-]+/files"), CHAT_FILE_LIMIT),
)
"""The same for routes with ids in their path (method, path pattern, limit)."""


def body_limit(method: str, path: str) -> int:
    """The body limit of a route: its own when it takes larger bodies, else MAX_REQUEST_BODY."""
    if (method, path) in LARGE_BODIES:
        return LARGE_BODIES[(method, path)]
    for wanted, pattern, limit in LARGE_BODY_PATTERNS:
        if method == wanted and pattern.fullmatch(path):
            return limit
    return MAX_REQUEST_BODY


class BodyLimit:
    """Refuse HTTP request bodies larger than ``MAX_REQUEST_BODY`` bytes (or a route's own limit in
    ``LARGE_BODIES``) with 413.

    An announced length is checked before routing; a body without one (chunked) is counted as the
    route reads it, and the route's read fails with ``BodyTooLargeError`` (rendered as JSON).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope["method"], scope["path"])
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _detail(413, BodyTooLargeError(limit).detail)(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLargeError(limit)
            return message

        await self.app(scope, counted, send)


def create_app(settings: Settings, db: Database) -> FastAPI:
    """The Ferry server application for ``settings``, storing in ``db``."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        jobs = start_jobs(app.state.services)
        yield
        for job in jobs:
            job.cancel()
        await asyncio.gather(*jobs, return_exceptions=True)
        queues = getattr(app.state, "queues", None)
        if queues is not None:  # the queue engine's tasks and threads (made on first use)
            await queues.stop()
        db.dispose()

    app = FastAPI(title="Ferry server", version=__version__, lifespan=lifespan, dependencies=[Depends(strict_query)],
                  description="Remote support: agents, connection codes, session relay.")
    app.state.services = build_services(settings, db)
    app.include_router(api_router)
    app.include_router(agent_router)
    app.include_router(admin_auth_router)
    app.include_router(admin_directory_router)
    app.include_router(admin_usage_router)
    app.include_router(ws_router)
    app.include_router(web_router)
    app.include_router(download_router)
    app.include_router(handover_router)
    app.include_router(pages_admin_router)
    app.include_router(pages_public_router)
    app.include_router(queue_agent_router)
    app.include_router(queue_customer_router)
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected)
    app.add_middleware(BodyLimit)
    return app
