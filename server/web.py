"""Customer-facing pages (server-rendered HTML). For now: the connection page a code points to."""

from __future__ import annotations

import html

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse

from server.schemas import CODE_PATTERN

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
