"""Customer-facing pages (server-rendered HTML): the connection page a code points to, and the end
notice page the customer's host module opens after a session (``GET /end?session=<id>``: agent name
and support time, Korean or English by Accept-Language; only the generic sentence when the agent's
end_notice_page is off or the session is unknown)."""

from __future__ import annotations

import dataclasses
import datetime
import html
import re
from typing import Annotated

from fastapi import APIRouter, Header
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from server.accounts import load_agent
from server.context import ServicesDep
from server.models import SupportSession
from server.options import agent_options
from server.schemas import CODE_PATTERN, SESSION_ID_PATTERN

router = APIRouter(include_in_schema=False)

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ferry remote support</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: sans-serif; max-width: 36em; margin: 3em auto; line-height: 1.5">
<h1>Ferry remote support</h1>
{body}
<p>Nothing is shared until you agree on your own screen, and you can end the session at any time.</p>
</body></html>
"""


@router.get("/", response_class=RedirectResponse)
async def index() -> RedirectResponse:
    """The connection page is the front page."""
    return RedirectResponse("/connect")


@router.get("/connect", response_class=HTMLResponse)
async def connect_page(code: str = "") -> HTMLResponse:
    """Tells the customer to start the Ferry host program and type the code."""
    if CODE_PATTERN.fullmatch(code):
        body = (f"<p>Your connection code is <strong style='font-size: 2em; letter-spacing: .2em'>"
                f"{html.escape(code)}</strong></p>"
                "<p>Start the Ferry support program your agent sent you and type this code.</p>")
    else:
        body = "<p>Start the Ferry support program and type the 6-digit code your agent gives you.</p>"
    return HTMLResponse(_PAGE.format(body=body))


@dataclasses.dataclass(frozen=True)
class EndNotice:
    """What the end notice page shows of one session."""

    agent_name: str
    started_at: datetime.datetime | None
    ended_at: datetime.datetime | None


_END_TEXT = {
    "en": {"title": "Remote support has ended", "ended": "The remote support session has ended. Thank you.",
           "agent": "Agent", "time": "Support time", "minutes": "{n} min", "close": "You may close this page.",
           "lang": "en"},
    "ko": {"title": "원격지원이 종료되었습니다", "ended": "원격지원 세션이 종료되었습니다. 감사합니다.",
           "agent": "상담원", "time": "지원 시간", "minutes": "{n}분", "close": "이 페이지를 닫으셔도 됩니다.",
           "lang": "ko"},
}
_END_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: sans-serif; max-width: 36em; margin: 3em auto; line-height: 1.5">
<h1>{title}</h1>
<p>{ended}</p>
{details}
<p>{close}</p>
</body></html>
"""


def page_language(accept_language: str | None) -> str:
    """"ko" when Korean comes before English in Accept-Language, else "en"."""
    ranked = []
    for index, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = re.search(r"q=([0-9.]+)", params)
        try:
            weight = float(quality.group(1)) if quality else 1.0
        except ValueError:
            weight = 0.0
        ranked.append((-weight, index, tag.strip().lower()[:2]))
    for _weight, _index, language in sorted(ranked):
        if language in _END_TEXT:
            return language
    return "en"


def end_notice(db: Session, session_id: str) -> EndNotice | None:
    """The notice of a session that went live, or None (unknown, never live, or end_notice_page off)."""
    row = db.get(SupportSession, session_id)
    if row is None or row.started_at is None:
        return None
    if not agent_options(db, row.agent_id).get("end_notice_page", True):
        return None
    return EndNotice(load_agent(db, row.agent_id).name, row.started_at, row.ended_at)


def _support_time(notice: EndNotice, text: dict[str, str]) -> str:
    start = notice.started_at
    if start is None:
        return ""
    end = notice.ended_at or datetime.datetime.now(datetime.UTC)
    minutes = max(0, round((end - start).total_seconds() / 60))
    span = f"{start:%Y-%m-%d %H:%M}–{end:%H:%M} UTC"
    return f"{span} ({text['minutes'].format(n=minutes)})"


@router.get("/end", response_class=HTMLResponse)
async def end_page(services: ServicesDep, session: str = "",
                   accept_language: Annotated[str | None, Header()] = None) -> HTMLResponse:
    """The end notice: the agent's name and the support time, in Korean or English."""
    text = _END_TEXT[page_language(accept_language)]
    notice = None
    if re.fullmatch(SESSION_ID_PATTERN, session):
        notice = await services.db.call(end_notice, session)
    details = ""
    if notice is not None:
        details = (f"<p>{text['agent']}: <strong>{html.escape(notice.agent_name)}</strong><br>"
                   f"{text['time']}: {html.escape(_support_time(notice, text))}</p>")
    page = _END_PAGE.format(lang=text["lang"], title=text["title"], ended=text["ended"], details=details,
                            close=text["close"])
    return HTMLResponse(page, headers={"Content-Language": text["lang"], "Cache-Control": "no-store"})
