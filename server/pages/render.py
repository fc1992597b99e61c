"""HTML of the customer pages: one shell (language, logo, colour, skip link, language links, the
screen-reader hint and browser help when the page asks) around each screen's body. Everything shown that
came from an admin or a customer is escaped here.
"""

from __future__ import annotations

import dataclasses
import datetime
import html
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from server.pages.public import Icon, PageView, TicketView, WindowView
from server.pages.texts import LANGUAGE_NAMES, PageTexts

e = html.escape
STATIC = Path(__file__).with_name("static")
PAGE_CSS = (STATIC / "page.css").read_text("utf-8")
QUEUE_JS = (STATIC / "queue.js").read_text("utf-8")

_SHELL = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">{head}
<title>{title}</title>
<style>
:root {{ --brand: {color}; }}
{css}</style></head>
<body><a class="skip" href="#main">{skip}</a>
<header>{logo}<nav aria-label="{languages}">{language_links}</nav></header>
<main id="main">
<h1>{heading}</h1>
{hints}{body}
</main></body></html>
"""


@dataclasses.dataclass(frozen=True)
class Screen:
    """What one answer shows: the page, its texts, a heading and a body (HTML, already escaped)."""

    page: PageView
    texts: PageTexts
    heading: str
    body: str
    path: str
    browser: str = ""
    head: str = ""


def lang_query(texts: PageTexts) -> str:
    """``?lang=xx`` for links that keep the customer's language."""
    return f"?lang={quote(texts.language)}"


def _language_links(page: PageView, texts: PageTexts, path: str) -> str:
    if len(page.languages) < 2:
        return ""
    links = []
    for language in page.languages:
        current = ' aria-current="true"' if language == texts.language else ""
        links.append(f'<a href="{e(path)}?lang={quote(language)}" hreflang="{e(language)}" lang="{e(language)}"'
                     f"{current}>{e(LANGUAGE_NAMES.get(language, language))}</a>")
    return " | ".join(links)


def _hints(screen: Screen) -> str:
    page, texts = screen.page, screen.texts
    parts = []
    if page.show_screen_reader_hint:
        parts.append(f'<p class="hint" id="screen-reader-hint">{e(texts["screen_reader_hint"])}</p>')
    if page.show_browser_help:
        seen = texts["browser_seen"].format(browser=screen.browser or "?")
        parts.append(f"<details><summary>{e(texts['browser_help'])}</summary><p>{e(seen)}</p>"
                     f"<p>{e(texts['browser_steps'])}</p></details>")
    return "\n".join(parts)


def shell(screen: Screen) -> str:
    """The whole HTML document of a screen."""
    page, texts = screen.page, screen.texts
    logo = (f'<img src="/p/{quote(page.slug)}/logo" alt="{e(page.name)}">' if page.has_logo
            else f"<strong>{e(page.name)}</strong>")
    return _SHELL.format(lang=e(texts.language), title=e(f"{screen.heading} - {texts['title']}"), color=page.color,
                         css=PAGE_CSS,
                         skip=e(texts["skip"]), logo=logo, languages=e(texts["languages"]), head=screen.head,
                         language_links=_language_links(page, texts, screen.path), heading=e(screen.heading),
                         hints=_hints(screen), body=screen.body)


def alert(message: str) -> str:
    """An error paragraph screen readers announce."""
    return f'<p class="alert" role="alert" id="form-error">{e(message)}</p>' if message else ""


def _input(name: str, label: str, *, kind: str = "text", required: bool = False, value: str = "",
           extra: str = "", texts: PageTexts | None = None) -> str:
    needed = f" {texts['required']}" if required and texts else ""
    attributes = f'{extra}{" required" if required else ""}'
    return (f'<label for="f-{e(name)}">{e(label)}{e(needed)}</label>'
            f'<input id="f-{e(name)}" name="{e(name)}" type="{kind}" value="{e(value)}"{attributes}>')


def code_form(page: PageView, texts: PageTexts, error: str = "", code: str = "", name: str = "") -> str:
    """The code box (and the customer name box when the page shows it), sent to ``/p/{slug}/code``."""
    invalid = ' aria-invalid="true" aria-describedby="form-error"' if error else ""
    fields = _input("code", texts["code_label"], required=True, value=code, texts=texts,
                    extra=f' inputmode="numeric" pattern="[0-9]{{6}}" maxlength="6" autocomplete="off"{invalid}')
    if page.show_customer_name:
        fields += _input("name", texts["customer_name_label"], value=name, extra=' maxlength="100" autocomplete="name"')
    return (f"{alert(error)}<form method=\"get\" action=\"/p/{quote(page.slug)}/code\">"
            f'<input type="hidden" name="lang" value="{e(texts.language)}">{fields}'
            f'<p><button type="submit">{e(texts["connect"])}</button></p></form>')


def download_link(texts: PageTexts, code: str | None) -> str:
    """The link to the one-time host (the code stamped in when given)."""
    href = f"/download/host?code={quote(code)}" if code else "/download/host"
    return (f'<p><a href="{href}" download>{e(texts["download"])}</a></p>'
            f'<p>{e(texts["download_hint"])}</p>')


def access_code_body(page: PageView, texts: PageTexts) -> str:
    """The initial screen of an access-code page."""
    contact = f"<p>{e(texts['initial_contact'])}</p>" if texts["initial_contact"] else ""
    body = f"<p>{e(texts['initial_body'])}</p>{contact}{code_form(page, texts)}"
    return body + (download_link(texts, None) if page.show_download else "")


def code_body(texts: PageTexts, code: str, name: str) -> str:
    """The screen after a valid code: the code and the download with it stamped in."""
    greeting = f"<p>{e(name)}</p>" if name else ""
    return (f'{greeting}<p>{e(texts["code_is"])} <strong class="code">{e(code)}</strong></p>'
            f"<p>{e(texts['code_start'])}</p>{download_link(texts, code)}")


ICON_CSS = ("<style>ul.icons button { display: block; border: 2px solid var(--brand); background: none; "
            "padding: 1em; min-width: 6em; text-align: center; font: inherit; cursor: pointer; } "
            "ul.icons button:focus { outline: 3px solid var(--brand); outline-offset: 2px; }</style>")


# the form's default button: Enter in the name box chooses no icon (a disabled default button submits nothing)
NO_ENTER_SUBMIT = '<button type="submit" disabled hidden aria-hidden="true"></button>'


def _name_box(page: PageView, texts: PageTexts) -> str:
    """The optional customer name of an icon form (its own id: the code box may be on the same page)."""
    if not page.show_customer_name:
        return ""
    return (f'<label for="f-icon-name">{e(texts["customer_name_label"])}</label>'
            '<input id="f-icon-name" name="name" type="text" value="" maxlength="100" autocomplete="name">')


def icons_body(page: PageView, texts: PageTexts, found: Sequence[Icon]) -> str:
    """The icons as buttons of one form (the customer name box first when the page shows it), then the code
    box when the page shows it. Each button posts to its own ``/p/{slug}/i/{number}``."""
    if found:
        slug = quote(page.slug)
        items = "".join(
            f'<li><button type="submit" formaction="/p/{slug}/i/{icon.number}{lang_query(texts)}" '
            f'aria-label="{e(texts["icon_label"].format(number=icon.number, name=icon.name))}">'
            f"<strong>{icon.number}</strong>{e(icon.name)}</button></li>" for icon in found)
        listing = (f'<p>{e(texts["icons_body"])}</p><form method="post" action="/p/{slug}{lang_query(texts)}">'
                   f'{_name_box(page, texts)}{NO_ENTER_SUBMIT}<ul class="icons">{items}</ul></form>')
    else:
        listing = f"<p>{e(texts['icons_none'])}</p>"
    extra = code_form(page, texts) if page.show_code_box else ""
    return listing + extra + (download_link(texts, None) if page.show_download else "")


def icon_confirm_body(page: PageView, texts: PageTexts, number: int, name: str, error: str = "") -> str:
    """One icon reached by a link: who it is, and the button that gets the code."""
    return (f'{alert(error)}<p>{e(texts["icon_confirm_body"].format(number=number, name=name))}</p>'
            f'<form method="post" action="/p/{quote(page.slug)}/i/{number}{lang_query(texts)}">'
            f'{_name_box(page, texts)}<p><button type="submit">{e(texts["connect"])}</button></p></form>'
            f"{back_link(page, texts)}")


def icon_code_body(texts: PageTexts, name: str, code: str, password: bool) -> str:
    """After an icon: the agent, the code, the download with the code stamped in (and the password step)."""
    note = f'<p>{e(texts["icon_password"])}</p>' if password else ""
    return (f'<p role="status">{e(texts["icon_ready"].format(name=name))}</p>'
            f'<p>{e(texts["code_is"])} <strong class="code">{e(code)}</strong></p>'
            f"<p>{e(texts['code_start'])}</p>{note}{download_link(texts, code)}")


def local_time(at: datetime.datetime, zone: str) -> str:
    """``YYYY-MM-DD HH:MM`` of a UTC instant in the page's zone."""
    return f"{at.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M}"


def windows_body(page: PageView, texts: PageTexts, windows: Sequence[WindowView], closed_note: str) -> str:
    """The window list; each window links to its own page (queue form when open, reservation when closed)."""
    items = []
    for window in windows:
        link = f"/p/{quote(page.slug)}/w/{window.id}{lang_query(texts)}"
        image = f'<img src="/p/{quote(page.slug)}/w/{window.id}/image" alt="">' if window.has_image else ""
        estimate = (f"<p>{e(texts['estimate'].format(minutes=window.estimate_minutes))}</p>"
                    if page.show_wait_time else "")
        items.append(f"<li><h2>{e(window.name)}</h2>{image}<p>{e(window.description)}</p>{estimate}"
                     f'<p><a href="{link}">{e(texts["choose_window"].format(name=window.name))}</a></p></li>')
    return f'{closed_note}<p>{e(texts["request_body"])}</p><ul class="windows">{"".join(items)}</ul>'


def closed_note(page: PageView, texts: PageTexts, next_open: datetime.datetime | None) -> str:
    """"Closed now" and the next opening, in the page's zone."""
    when = (f" {e(texts['next_open'].format(when=local_time(next_open, page.time_zone), zone=page.time_zone))}"
            if next_open else "")
    return f"<p><strong>{e(texts['closed'])}</strong>{when}</p>"


def label_of(field: dict[str, Any], language: str, default: str) -> str:
    """A form field's label in ``language`` (then the default language, then its key)."""
    labels = field.get("labels") or {}
    return str(labels.get(language) or labels.get(default) or field.get("key", "?"))


def _fields(fields: Sequence[dict[str, Any]], page: PageView, texts: PageTexts, values: dict[str, str]) -> str:
    kinds = {"phone": "tel", "email": "email", "text": "text"}
    out = []
    for field in fields:
        key = str(field.get("key"))
        out.append(_input(f"x_{key}", label_of(field, texts.language, page.default_language),
                          kind=kinds.get(str(field.get("kind")), "text"), required=bool(field.get("required")),
                          value=values.get(key, ""), extra=' maxlength="200"', texts=texts))
    return "".join(out)


def request_body(page: PageView, texts: PageTexts, window: WindowView, error: str = "",
                 values: dict[str, str] | None = None) -> str:
    """The request form of an open window (sent to the queue)."""
    values = values or {}
    name = (_input("name", texts["customer_name_label"], value=values.get("name", ""),
                   extra=' maxlength="100" autocomplete="name"') if page.show_customer_name else "")
    fields = _fields(window.request_fields, page, texts, values)
    return (f"{alert(error)}<p>{e(window.description)}</p>"
            f'<form method="post" action="/p/{quote(page.slug)}/w/{window.id}/queue{lang_query(texts)}">'
            f'{name}{fields}<p><button type="submit">{e(texts["send"])}</button></p></form>')


def reservation_body(page: PageView, texts: PageTexts, window: WindowView, slots: Sequence[datetime.datetime], *,
                     error: str = "", values: dict[str, str] | None = None) -> str:
    """The reservation form of a closed window: the free hours and the reservation fields."""
    if not slots:
        return f"{alert(error)}<p>{e(texts['no_slots'])}</p>"
    values = values or {}
    options = "".join(f'<option value="{slot:%Y-%m-%dT%H:%MZ}"'
                      f'{" selected" if values.get("slot") == f"{slot:%Y-%m-%dT%H:%MZ}" else ""}>'
                      f"{e(local_time(slot, page.time_zone))}</option>" for slot in slots)
    select = (f'<label for="f-slot">{e(texts["slot_label"].format(zone=page.time_zone))}</label>'
              f'<select id="f-slot" name="slot" required>{options}</select>')
    fields = _fields(window.reservation_fields, page, texts, values)
    return (f"{alert(error)}<p>{e(texts['reservation_body'])}</p>"
            f'<form method="post" action="/p/{quote(page.slug)}/w/{window.id}/reserve{lang_query(texts)}">'
            f'{select}{fields}<p><button type="submit">{e(texts["reserve"])}</button></p></form>')


def reserved_body(page: PageView, texts: PageTexts, window: WindowView, slot: datetime.datetime) -> str:
    """The confirmation of a booked reservation."""
    text = texts["reserved_body"].format(window=window.name, when=local_time(slot, page.time_zone),
                                         zone=page.time_zone)
    return f'<p role="status">{e(text)}</p>{back_link(page, texts)}'


def message_body(page: PageView, texts: PageTexts, message: str) -> str:
    """A plain message with the way back."""
    return f'<p role="alert">{e(message)}</p>{back_link(page, texts)}'


def back_link(page: PageView, texts: PageTexts) -> str:
    """The link back to the page's first screen."""
    return f'<p><a href="/p/{quote(page.slug)}{lang_query(texts)}">{e(texts["back"])}</a></p>'


# --- the ticket page (live with script, reloading without) ------------------------------------------------

LIVE_TEXTS = ("queued_body", "queued_wait", "live_lost", "live_back", "live_gone",
              "live_accepted", "live_accepted_plain", "live_agent", "live_you", "live_chat_sending",
              "live_chat_failed", "live_chat_unconfirmed", "live_chat_offline", "live_chat_retry",
              "live_not_accepted", "live_file_sent", "live_file_too_big", "live_file_failed", "live_file_download",
              "live_ended_served", "live_ended_left", "live_ended_other", "live_leave_offline", "live_error")
WAITING_STATES = ("waiting", "alerted")


def ticket_status(page: PageView, texts: PageTexts, status: TicketView) -> str:
    """The ticket's state as one sentence (and the estimated wait while waiting)."""
    if status.state in WAITING_STATES:
        text = texts["queued_body"].format(position=status.position, window=status.window_name)
        wait = (f' <span id="queue-wait">{e(texts["queued_wait"].format(minutes=status.estimate_minutes))}</span>'
                if page.show_wait_time else "")
        return f"{e(text)}{wait}"
    if status.state == "accepted":
        return e(texts["live_accepted"].format(agent=status.agent_name) if status.agent_name
                 else texts["live_accepted_plain"])
    key = {"left": "live_ended_left", "served": "live_ended_served"}.get(status.state, "live_ended_other")
    return e(texts[key])


def ticket_body(page: PageView, texts: PageTexts, status: TicketView) -> str:
    """Where a queued customer stands; when the route filled in ``status.ticket``, the live page (position, chat,
    remote support, leave) driven by the inlined queue script over ``/ws/queue/{ticket}``. Without script the
    page reloads itself (the route's head) and still shows the position."""
    ticket = status.ticket or None
    region = (f'<p id="queue-status" class="status" role="status" aria-live="polite" aria-atomic="true">'
              f"{ticket_status(page, texts, status)}</p>")
    if ticket is None:
        return f'{region}<p>{e(texts["queued_refresh"])}</p>'
    waiting = status.state in WAITING_STATES
    refresh = f'<noscript><p>{e(texts["queued_refresh"])}</p></noscript>' if waiting else ""
    if status.state not in (*WAITING_STATES, "accepted"):
        return region + back_link(page, texts)
    return (f'{region}<p id="queue-intro" hidden>{e(texts["live_intro"])}</p>{refresh}'
            f'<p id="queue-connection" class="connection" role="alert" hidden></p>'
            f'<p id="queue-error" class="alert" role="alert" hidden></p>'
            f"{_remote_part(texts)}{_chat_part(texts, _base(page, status, ticket))}"
            f'<p><button id="queue-leave" class="secondary" type="button" hidden>{e(texts["live_leave"])}</button></p>'
            f"{_config(page, texts, status, ticket)}<script>{QUEUE_JS}</script>")


def _base(page: PageView, status: TicketView, ticket: str) -> str:
    return status.base_path or f"/p/{quote(page.slug)}/t/{quote(ticket)}"


def _socket_path(status: TicketView, ticket: str) -> str:
    return status.socket_path or f"/ws/queue/{quote(ticket)}"


def _chat_part(texts: PageTexts, base: str) -> str:
    upload = (f'<form id="file-form" hidden><label for="chat-file">{e(texts["live_file_label"])}</label>'
              f'<div class="chat-row"><input id="chat-file" name="file" type="file">'
              f'<button type="submit">{e(texts["live_file_send"])}</button></div>'
              f'<p id="file-note" role="status"></p></form>')
    save = (f'<p id="chat-save" hidden><a href="{e(base)}/chat.txt" download>'
            f'{e(texts["live_save_chat"])}</a></p>')
    return (f'<section id="queue-chat" aria-labelledby="chat-heading" hidden>'
            f'<h2 id="chat-heading">{e(texts["live_chat_heading"])}</h2>'
            f'<ol id="chat-log" class="chat-log" role="log" aria-live="polite" aria-labelledby="chat-heading"></ol>'
            f'<form id="chat-form"><label for="chat-text">{e(texts["live_chat_label"])}</label>'
            f'<div class="chat-row"><input id="chat-text" name="text" type="text" maxlength="4000" autocomplete="off">'
            f'<button type="submit">{e(texts["live_chat_send"])}</button></div></form>{upload}{save}</section>')


def _remote_part(texts: PageTexts) -> str:
    return (f'<section id="queue-remote" class="remote" hidden><p role="alert">{e(texts["live_remote"])} '
            f'<strong id="remote-code" class="code"></strong></p>'
            f'<p><a id="remote-download" href="/download/host" download>{e(texts["live_remote_download"])}</a></p>'
            f'<p><a id="remote-connect" href="/connect">{e(texts["live_remote_connect"])}</a></p></section>')


def _config(page: PageView, texts: PageTexts, status: TicketView, ticket: str) -> str:
    """The data the queue script needs, as JSON that cannot end the script element early."""
    data = {"socket": _socket_path(status, ticket), "base": _base(page, status, ticket),
            "language": texts.language, "window": status.window_name, "show_wait": page.show_wait_time,
            "state": status.state, "agent_name": status.agent_name, "files": status.files_allowed,
            "chat_log": status.chat_log_allowed, "texts": texts.many(LIVE_TEXTS)}
    blob = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="queue-config">{blob}</script>'
