"""The customer connection pages (server-rendered HTML, no script): ``/p/{slug}`` and its screens.

- ``GET /p/{slug}``: the page by its kind: the code box (access code), the present agents' icons (icon), or
  the windows (window; when closed, with the next opening and, when the page takes reservations, links to
  each window's reservation form).
- ``GET /p/{slug}/code``: a typed code; the one-time host download with the code stamped in.
- ``POST /p/{slug}/i/{number}``: the customer chose an agent's icon: a connection code for that agent and the
  host download with it (server.pages.icons); ``GET`` of the same address shows who it is and a Connect button.
- ``GET /p/{slug}/w/{window_id}``: one window directly (the banner link): its request form when open, its
  reservation form when closed. ``POST …/reserve`` books an hour; ``POST …/queue`` joins the queue and
  leads to ``GET /p/{slug}/t/{ticket}``, the customer's position and estimated wait.
- ``GET /p/{slug}/logo``, ``GET /p/{slug}/w/{window_id}/image``: the pictures.

Forms are posted only from the page itself: a POST whose Origin (or Referer) is not this server is refused.
Errors are pages too, in the page's language, saying what went wrong and what to do.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import re
import secrets
from typing import Annotated
from urllib.parse import parse_qsl, quote, urlsplit
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Header, Path, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response

from server.admin.validation import check_email, check_phone, check_plain_text
from server.context import ServicesDep
from server.errors import ApiError, NotFoundError, TooManyAttemptsError
from server.models import QueueState, utcnow
from server.pages import icons, public, render
from server.pages.public import PageView, WindowView
from server.pages.render import Screen
from server.pages.reservations import book
from server.pages.texts import PageTexts, choose_language
from server.queues import files, store
from server.queues.service import engine_of, send_file
from server.schemas import CODE_PATTERN
from server.web import page_language

router = APIRouter(include_in_schema=False)

SlugPath = Annotated[str, Path(max_length=50)]
WindowPath = Annotated[int, Path(ge=1, le=2**31 - 1)]
LangQuery = Annotated[str | None, Query(max_length=16)]
AcceptLanguage = Annotated[str | None, Header(max_length=500)]
SLOT_FORMAT = "%Y-%m-%dT%H:%MZ"
TICKET_PATTERN = re.compile(r"[A-Za-z0-9_-]{32}")
NO_CACHE = {"Cache-Control": "no-store"}
MISSING = {"en": "There is no connection page at this address: check the link you were given.",
           "ko": "이 주소에는 접속 페이지가 없습니다. 받으신 링크를 확인하세요."}


class FormRefusedError(ApiError):
    """A customer form that cannot be taken; ``status_code`` per case."""

    status_code = 422


def _missing(accept_language: str | None) -> HTMLResponse:
    language = page_language(accept_language)
    text = html_escape(MISSING[language])
    return HTMLResponse(f'<!doctype html><html lang="{language}"><head><meta charset="utf-8"><title>404</title>'
                        f"</head><body><main><h1>404</h1><p>{text}</p></main></body></html>", status_code=404)


def html_escape(text: str) -> str:
    """HTML-escaped text."""
    return render.e(text)


def _browser(user_agent: str) -> str:
    for token, name in (("Edg/", "Microsoft Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
                        ("Safari/", "Safari")):
        if token in user_agent:
            return name
    return "a web browser"


async def _page(services: ServicesDep, slug: str) -> PageView | None:
    try:
        return await services.db.call(public.find_page, slug)
    except NotFoundError:
        return None


def _texts(page: PageView, lang: str | None, accept_language: str | None) -> PageTexts:
    return PageTexts(choose_language(page.languages, page.default_language, lang, accept_language), page.texts)


def _sentence(error: ApiError, texts: PageTexts) -> str:
    """The error's sentence in the page's language when it names one (server.pages.reservations), else its own."""
    key, values = getattr(error, "page_text", (None, {}))
    return texts[key].format(**values) if key else error.detail


def _answer(request: Request, page: PageView, texts: PageTexts, heading: str, body: str, *, status: int = 200,
            head: str = "", headers: dict[str, str] | None = None) -> HTMLResponse:
    screen = Screen(page, texts, heading, body, request.url.path, _browser(request.headers.get("user-agent", "")),
                    head)
    headers = {**NO_CACHE, "Content-Language": texts.language, **(headers or {})}
    return HTMLResponse(render.shell(screen), status_code=status, headers=headers)


def _insecure(request: Request, page: PageView) -> RedirectResponse | None:
    """A redirect to https when the page is TLS-only and was asked for over plain http."""
    if page.tls_only and request.url.scheme != "https":
        return RedirectResponse(str(request.url.replace(scheme="https")), status_code=308)
    return None


@router.get("/p/{slug}", response_class=HTMLResponse)
async def page_get(request: Request, services: ServicesDep, slug: SlugPath, lang: LangQuery = None,
                   accept_language: AcceptLanguage = None) -> Response:
    """A connection page's first screen, by its kind."""
    page = await _page(services, slug)
    if page is None:
        return _missing(accept_language)
    texts = _texts(page, lang, accept_language)
    if (redirect := _insecure(request, page)) is not None:
        return redirect
    if page.kind == "icon":
        found = await services.db.call(public.icons, page, services.hub.connected_tokens())
        return _answer(request, page, texts, texts["icons_title"], render.icons_body(page, texts, found),
                       head=render.ICON_CSS)
    if page.kind == "window":
        return await _windows(request, services, page, texts)
    return _answer(request, page, texts, texts["initial_title"], render.access_code_body(page, texts))


async def _windows(request: Request, services: ServicesDep, page: PageView, texts: PageTexts) -> HTMLResponse:
    state = await services.db.call(public.open_state, page.id, utcnow())
    windows = await services.db.call(public.windows_of, page.id)
    note = "" if state.open else render.closed_note(page, texts, state.next_opening)
    if not state.open and not page.reservations_enabled:
        body = f"{note}<p>{render.e(texts['no_reservations'])}</p>"
        return _answer(request, page, texts, texts["windows_title"], body)
    return _answer(request, page, texts, texts["windows_title"], render.windows_body(page, texts, windows, note))


@router.get("/p/{slug}/code", response_class=HTMLResponse)
async def code_get(request: Request, services: ServicesDep, slug: SlugPath, *,
                   code: Annotated[str, Query(max_length=32)] = "",
                   name: Annotated[str, Query(max_length=100)] = "", lang: LangQuery = None,
                   accept_language: AcceptLanguage = None) -> Response:
    """The code typed on the page: the download with the code in it, or the form again with the reason."""
    page = await _page(services, slug)
    if page is None:
        return _missing(accept_language)
    texts = _texts(page, lang, accept_language)
    code = re.sub(r"[\s-]", "", code)
    if not CODE_PATTERN.fullmatch(code):
        body = render.code_form(page, texts, texts["code_bad"], code[:6], name)
        return _answer(request, page, texts, texts["initial_title"], body, status=422)
    shown_name = name.strip() if page.show_customer_name and _plain(name) else ""
    # the session remembers this page (its privacy protection) and the name, which the agent's history shows;
    # the page looks the same whether or not a session took it
    await services.db.call(icons.remember_customer_name, page.id, code, shown_name)
    return _answer(request, page, texts, texts["code_title"], render.code_body(texts, code, shown_name))


def _plain(text: str) -> bool:
    try:
        check_plain_text(text)
    except ValueError:
        return False
    return True


IconPath = Annotated[int, Path(ge=1, le=9999)]


async def _icon_page(services: ServicesDep, slug: str) -> PageView | None:
    page = await _page(services, slug)
    return page if page is not None and page.kind == "icon" else None


@router.get("/p/{slug}/i/{number}", response_class=HTMLResponse)
async def icon_get(request: Request, services: ServicesDep, slug: SlugPath, number: IconPath, *,
                   lang: LangQuery = None, accept_language: AcceptLanguage = None) -> Response:
    """An icon reached by a link: who it is and the button that gets the code (nothing is made by a GET)."""
    page = await _icon_page(services, slug)
    if page is None:
        return _missing(accept_language)
    texts = _texts(page, lang, accept_language)
    if (redirect := _insecure(request, page)) is not None:
        return redirect
    try:
        agent = await services.db.call(icons.find_agent, page, services.hub.connected_tokens(), number)
    except ApiError as exc:
        return _answer(request, page, texts, texts["icons_title"], render.message_body(page, texts,
                                                                                      _sentence(exc, texts)),
                       status=exc.status_code)
    heading = texts["icon_confirm_title"].format(number=number)
    return _answer(request, page, texts, heading, render.icon_confirm_body(page, texts, number, agent.name))


def _connect_base(request: Request, services: ServicesDep) -> str:
    public_name = services.settings.public_name
    if public_name:
        return f"https://{public_name}:{request.url.port or 443}"
    return str(request.base_url).rstrip("/")


@router.post("/p/{slug}/i/{number}", response_class=HTMLResponse)
async def icon_post(request: Request, services: ServicesDep, slug: SlugPath, number: IconPath, *,
                    lang: LangQuery = None, accept_language: AcceptLanguage = None) -> Response:
    """The customer chose an icon: a connection code for that agent (the same one again while it waits)."""
    page = await _icon_page(services, slug)
    if page is None:
        return _missing(accept_language)
    texts = _texts(page, lang, accept_language)
    form = await form_of(request)
    if not same_origin(request):
        body = render.message_body(page, texts, texts["icon_cross_site"])
        return _answer(request, page, texts, texts["icons_title"], body, status=403)
    name = form.get("name", "").strip()[:100]
    name = name if page.show_customer_name and _plain(name) else ""
    address = request.client.host if request.client else "unknown"
    try:
        chosen = await icons.desk_of(request).choose(page, number, address, name, _connect_base(request, services))
    except TooManyAttemptsError as exc:
        body = render.message_body(page, texts, texts["icon_too_many"].format(seconds=exc.retry_after))
        return _answer(request, page, texts, texts["icons_title"], body, status=429,
                       headers={"Retry-After": str(exc.retry_after)})
    except ApiError as exc:
        body = render.message_body(page, texts, _sentence(exc, texts))
        return _answer(request, page, texts, texts["icons_title"], body, status=exc.status_code)
    body = render.icon_code_body(texts, chosen.agent.name, chosen.code, chosen.agent.password)
    return _answer(request, page, texts, texts["icon_title"].format(name=chosen.agent.name), body)


async def _window(services: ServicesDep, page: PageView, window_id: int) -> WindowView | None:
    try:
        return await services.db.call(public.window_of, page.id, window_id)
    except NotFoundError:
        return None


async def _window_visit(services: ServicesDep, slug: str, window_id: int, lang: str | None,
                        accept_language: str | None) -> tuple[PageView, WindowView, PageTexts] | None:
    """The page, its window and the texts in the visitor's language; None when either is not there."""
    page = await _page(services, slug)
    window = None if page is None else await _window(services, page, window_id)
    if page is None or window is None:
        return None
    return page, window, _texts(page, lang, accept_language)


@router.get("/p/{slug}/w/{window_id}", response_class=HTMLResponse)
async def window_get(request: Request, services: ServicesDep, slug: SlugPath, window_id: WindowPath, *,
                     lang: LangQuery = None, accept_language: AcceptLanguage = None) -> Response:
    """One window directly: the request form when open, the reservation form (or the next opening) when closed."""
    found = await _window_visit(services, slug, window_id, lang, accept_language)
    if found is None:
        return _missing(accept_language)
    page, window, texts = found
    return await _window_screen(request, services, page, texts, window)


async def _window_screen(request: Request, services: ServicesDep, page: PageView, texts: PageTexts,
                         window: WindowView, *, error: str = "", values: dict[str, str] | None = None,
                         status: int = 200) -> HTMLResponse:
    now = utcnow()
    state = await services.db.call(public.open_state, page.id, now)
    if state.open:
        heading = texts["request_title"].format(name=window.name)
        return _answer(request, page, texts, heading, render.request_body(page, texts, window, error, values),
                       status=status)
    note = render.closed_note(page, texts, state.next_opening)
    if not page.reservations_enabled or window.max_reservations_per_hour < 1:
        body = f"{render.alert(error)}{note}<p>{render.e(texts['no_reservations'])}</p>"
        return _answer(request, page, texts, window.name, body, status=status)
    slots = await services.db.call(public.free_slots, page.id, window, now)
    body = note + render.reservation_body(page, texts, window, slots, error=error, values=values)
    return _answer(request, page, texts, texts["reservation_title"], body, status=status)


def same_origin(request: Request) -> bool:
    """True when the form was sent from this server's own page (Origin, else Referer, names this host)."""
    origin = request.headers.get("origin")
    if not origin:
        parts = urlsplit(request.headers.get("referer", ""))
        origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
    host = request.headers.get("host", "")
    return bool(origin and host) and origin.lower() == f"{request.url.scheme}://{host}".lower()


async def form_of(request: Request) -> dict[str, str]:
    """The urlencoded form of a POST (first value of each name; at most 50 names)."""
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return {}
    text = (await request.body()).decode("utf-8", "replace")
    values: dict[str, str] = {}
    for key, value in parse_qsl(text, keep_blank_values=True, max_num_fields=50):
        values.setdefault(key, value)
    return values


def read_fields(fields: tuple[dict[str, object], ...], form: dict[str, str], page: PageView,
                texts: PageTexts) -> dict[str, str]:
    """The customer's answers by field key, checked by each field's kind (``FormRefusedError`` naming the field)."""
    values = {}
    for field in fields:
        key = str(field.get("key"))
        value = form.get(f"x_{key}", "").strip()
        label = render.label_of(field, texts.language, page.default_language)
        if not value:
            if field.get("required"):
                raise FormRefusedError(texts["field_required"].format(label=label))
            continue
        _check_value(str(field.get("kind", "text")), value, label, texts)
        values[key] = value
    return values


def _check_value(kind: str, value: str, label: str, texts: PageTexts) -> None:
    checks = {"phone": check_phone, "email": check_email}
    try:
        if len(value) > 200:
            raise ValueError("too long")
        checks.get(kind, check_plain_text)(value)
    except ValueError as exc:
        raise FormRefusedError(texts[f"field_{kind if kind in checks else 'text'}"].format(label=label)) from exc


def _slot(text: str) -> datetime.datetime | None:
    try:
        return datetime.datetime.strptime(text, SLOT_FORMAT).replace(tzinfo=datetime.UTC)
    except ValueError:
        return None


@router.post("/p/{slug}/w/{window_id}/reserve", response_class=HTMLResponse)
async def reserve_post(request: Request, services: ServicesDep, slug: SlugPath, window_id: WindowPath, *,
                       lang: LangQuery = None, accept_language: AcceptLanguage = None) -> Response:
    """Book the chosen hour at the window, within its maximum per hour."""
    found = await _window_visit(services, slug, window_id, lang, accept_language)
    if found is None:
        return _missing(accept_language)
    page, window, texts = found
    form = await form_of(request)
    if not same_origin(request):
        return await _window_screen(request, services, page, texts, window, error=texts["cross_site"],
                                    values=form, status=403)
    try:
        customer = read_fields(window.reservation_fields, form, page, texts)
        slot = _slot(form.get("slot", ""))
        if slot is None:
            raise FormRefusedError(texts["slot_bad"])
        await services.db.call(book, page.id, window.id, slot, customer=customer, now=utcnow())
    except ApiError as exc:
        return await _window_screen(request, services, page, texts, window, error=_sentence(exc, texts),
                                    values=form, status=exc.status_code)
    body = render.reserved_body(page, texts, window, slot)
    return _answer(request, page, texts, texts["reserved_title"], body, status=201)


@router.post("/p/{slug}/w/{window_id}/queue", response_class=HTMLResponse)
async def queue_post(request: Request, services: ServicesDep, slug: SlugPath, window_id: WindowPath, *,
                     lang: LangQuery = None, accept_language: AcceptLanguage = None) -> Response:
    """Join the window's queue while the page is open; leads to the ticket page."""
    found = await _window_visit(services, slug, window_id, lang, accept_language)
    if found is None:
        return _missing(accept_language)
    page, window, texts = found
    form = await form_of(request)
    if not same_origin(request):
        return await _window_screen(request, services, page, texts, window, error=texts["cross_site"],
                                    values=form, status=403)
    if not (await services.db.call(public.open_state, page.id, utcnow())).open:
        return await _window_screen(request, services, page, texts, window, error=texts["closed"],
                                    values=form, status=409)
    try:
        fields = read_fields(window.request_fields, form, page, texts)
        name = form.get("name", "").strip()[:100] if page.show_customer_name else ""
        _check_value("text", name, texts["customer_name_label"], texts)
    except ApiError as exc:
        return await _window_screen(request, services, page, texts, window, error=exc.detail,
                                    values=form, status=exc.status_code)
    ticket = secrets.token_urlsafe(24)
    entry_id = await services.db.call(public.enqueue, window.id, name, fields,
                                      hashlib.sha256(ticket.encode()).hexdigest())
    await engine_of(request).joined(entry_id)
    return RedirectResponse(f"/p/{quote(page.slug)}/t/{ticket}{render.lang_query(texts)}", status_code=303)


@router.get("/p/{slug}/t/{ticket}", response_class=HTMLResponse)
async def ticket_get(request: Request, services: ServicesDep, slug: SlugPath, *,
                     ticket: Annotated[str, Path(max_length=64)], lang: LangQuery = None,
                     accept_language: AcceptLanguage = None) -> Response:
    """The customer's position and estimated wait, kept live by the page's script over ``/ws/queue/{ticket}``
    (without script the page reloads itself every 15 seconds)."""
    page = await _page(services, slug)
    if page is None or not TICKET_PATTERN.fullmatch(ticket):
        return _missing(accept_language)
    texts = _texts(page, lang, accept_language)
    try:
        status = await services.db.call(public.ticket, hashlib.sha256(ticket.encode()).hexdigest())
    except NotFoundError as exc:
        body = render.message_body(page, texts, exc.detail)
        return _answer(request, page, texts, texts["queued_title"], body, status=404)
    status = dataclasses.replace(status, ticket=ticket, socket_path=f"/ws/queue/{ticket}",
                                 base_path=f"/p/{quote(page.slug)}/t/{ticket}")
    return _answer(request, page, texts, texts["queued_title"], render.ticket_body(page, texts, status),
                   head='\n<noscript><meta http-equiv="refresh" content="15"></noscript>')


@router.get("/p/{slug}/logo")
async def logo_get(services: ServicesDep, slug: SlugPath, accept_language: AcceptLanguage = None) -> Response:
    """The page's logo."""
    try:
        data, media = await services.db.call(public.page_logo, slug)
    except NotFoundError:
        return _missing(accept_language)
    return Response(data, media_type=media, headers={"Cache-Control": "max-age=300"})


@router.get("/p/{slug}/w/{window_id}/image")
async def image_get(services: ServicesDep, slug: SlugPath, window_id: WindowPath,
                    accept_language: AcceptLanguage = None) -> Response:
    """A window's image (also the picture of its banner snippet)."""
    try:
        data, media = await services.db.call(public.window_image, slug, window_id)
    except NotFoundError:
        return _missing(accept_language)
    return Response(data, media_type=media, headers={"Cache-Control": "max-age=300"})


TicketPath = Annotated[str, Path(max_length=64)]
FILES_OFF = {"en": "The agent's settings do not let customers send files in this chat (option chat_file_customer).",
             "ko": "상담원 설정상 이 채팅에서는 고객이 파일을 보낼 수 없습니다 (chat_file_customer 옵션)."}
LOG_OFF = {"en": "Saving this chat is not offered (option chat_log_customer): ask the agent.",
           "ko": "이 채팅은 저장할 수 없습니다 (chat_log_customer 옵션). 상담원에게 문의하세요."}
NOT_YET = {"en": "You can send files once an agent has taken your request.",
           "ko": "상담원이 요청을 받은 뒤에 파일을 보낼 수 있습니다."}


def _said(table: dict[str, str], accept_language: str | None) -> str:
    return table[page_language(accept_language)]


async def _ticket_chat(services: ServicesDep, slug: str, ticket: str) -> public.TicketChat | None:
    page = await _page(services, slug)
    if page is None or not TICKET_PATTERN.fullmatch(ticket):
        return None
    try:
        return await services.db.call(public.ticket_chat, page.id, hashlib.sha256(ticket.encode()).hexdigest())
    except NotFoundError:
        return None


def _refused(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers=NO_CACHE)


@router.post("/p/{slug}/t/{ticket}/files")
async def ticket_file_post(request: Request, services: ServicesDep, slug: SlugPath, ticket: TicketPath,
                           accept_language: AcceptLanguage = None) -> Response:
    """The customer sends a file in the chat (multipart field ``file``, ≤ 10 MB) when chat_file_customer allows."""
    found = await _ticket_chat(services, slug, ticket)
    if found is None:
        return _refused(404, MISSING[page_language(accept_language)])
    if not same_origin(request):
        return _refused(403, "Files are taken only from this server's own page: reload the page and try again.")
    if found.state != QueueState.ACCEPTED.value:
        return _refused(409, _said(NOT_YET, accept_language))
    if not found.files_allowed:
        return _refused(403, _said(FILES_OFF, accept_language))
    try:
        upload = files.parse_upload(request.headers.get("content-type", ""), await request.body())
    except files.UploadError as exc:
        return _refused(422, str(exc))
    engine = engine_of(request)
    entry = await services.db.call(store.entry, found.entry_id)
    row = await send_file(engine, entry, "customer", entry.customer_name or "Customer", upload)
    assert row.file is not None
    return JSONResponse({"id": row.file.id}, status_code=201, headers=NO_CACHE)


@router.get("/p/{slug}/t/{ticket}/files/{file_id}")
async def ticket_file_get(request: Request, services: ServicesDep, slug: SlugPath, ticket: TicketPath, *,
                          file_id: WindowPath, accept_language: AcceptLanguage = None) -> Response:
    """A file of the ticket's chat (only its customer, by the ticket)."""
    found = await _ticket_chat(services, slug, ticket)
    if found is None:
        return _missing(accept_language)
    try:
        row = await services.db.call(store.file_of, found.entry_id, file_id)
    except NotFoundError:
        return _missing(accept_language)
    return FileResponse(files.path_of(engine_of(request).files_dir, row.stored_name), filename=row.name,
                        media_type="application/octet-stream", headers=NO_CACHE)


@router.get("/p/{slug}/t/{ticket}/chat.txt")
async def ticket_chat_log(services: ServicesDep, slug: SlugPath, ticket: TicketPath,
                          accept_language: AcceptLanguage = None) -> Response:
    """The chat as text (one line per message, the page's time zone) when chat_log_customer allows."""
    found = await _ticket_chat(services, slug, ticket)
    if found is None:
        return _missing(accept_language)
    if not found.chat_log_allowed:
        return PlainTextResponse(_said(LOG_OFF, accept_language), status_code=403, headers=NO_CACHE)
    zone = ZoneInfo(found.time_zone)
    lines = []
    for row in await services.db.call(store.chat_of, found.entry_id):
        text = row.text if row.file is None else f"[file] {row.file.name}"
        lines.append(f"{row.at.astimezone(zone):%Y-%m-%d %H:%M} {row.name}: {text}")
    headers = {**NO_CACHE, "Content-Disposition": 'attachment; filename="chat.txt"'}
    return PlainTextResponse("\n".join(lines) + ("\n" if lines else ""), headers=headers)
