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
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: sans-serif; max-width: 36em; margin: 3em auto; line-height: 1.5">
<h1>{title}</h1>
{body}
<p>{safe}</p>
</body></html>
"""
_CONNECT_TEXT = {
    "en": {"lang": "en", "title": "Ferry remote support", "code": "Your connection code is",
           "start_code": "Start the Ferry support program your agent sent you and type this code.",
           "start": "Start the Ferry support program and type the 6-digit code your agent gives you.",
           "download": "Download the Ferry support program",
           "run": "On Linux, make it runnable (chmod +x ferry-host), then start it. It connects to this server by "
                  "itself, is meant for this one session, and removes itself afterwards.",
           "safe": "Nothing is shared until you agree on your own screen, and you can end the session at any time."},
    "ko": {"lang": "ko", "title": "Ferry 원격지원", "code": "접속 코드:",
           "start_code": "상담원이 보내 드린 Ferry 지원 프로그램을 실행하고 이 코드를 입력하세요.",
           "start": "Ferry 지원 프로그램을 실행하고 상담원이 알려 드린 6자리 코드를 입력하세요.",
           "download": "Ferry 지원 프로그램 내려받기",
           "run": "Linux에서는 실행 권한을 준 뒤(chmod +x ferry-host) 실행하세요. 이 서버에 스스로 연결되며, 이번 "
                  "세션에만 쓰이고, 끝나면 스스로 삭제됩니다.",
           "safe": "고객님이 화면에서 동의하기 전에는 아무것도 공유되지 않으며, 언제든지 세션을 끝낼 수 있습니다."},
}


@router.get("/", response_class=RedirectResponse)
async def index() -> RedirectResponse:
    """The connection page is the front page."""
    return RedirectResponse("/connect")


@router.get("/connect", response_class=HTMLResponse)
async def connect_page(code: str = "", accept_language: Annotated[str | None, Header()] = None) -> HTMLResponse:
    """Tells the customer to download and start the one-time host program (the code stamped in) and type the
    code; Korean or English by Accept-Language."""
    text = _CONNECT_TEXT[page_language(accept_language)]
    if CODE_PATTERN.fullmatch(code):
        shown = html.escape(code)
        body = (f"<p>{text['code']} <strong style='font-size: 2em; letter-spacing: .2em'>{shown}</strong></p>"
                f"<p>{text['start_code']}</p>")
        link = f"/download/host?code={shown}"
    else:
        body, link = f"<p>{text['start']}</p>", "/download/host"
    body += f"<p><a href='{link}' download='ferry-host'>{text['download']}</a>. {text['run']}</p>"
    return HTMLResponse(_PAGE.format(body=body, **text))


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
