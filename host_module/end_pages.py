"""What the customer's browser shows after a session (SPEC.md "Session start and end").

    end_notice_page on, end_popup_url set → the end notice, then the set page
    only end_notice_page                  → the end notice
    only end_popup_url                    → the set page
    neither                               → nothing

The end notice is the server's ``GET /end?session=<id>`` (agent name and support time). The popup
URL must start with http:// or https:// and name a host; any other is refused (logged, not opened).
Opening goes through an injectable ``open_url`` (default: the customer's web browser).
"""

from __future__ import annotations

import logging
import urllib.parse
import webbrowser
from collections.abc import Callable

from host_module.policy import HostPolicy

log = logging.getLogger(__name__)
OpenUrl = Callable[[str], object]


def end_notice_url(server: str, session_id: str) -> str:
    """The server's end notice page of ``session_id``."""
    query = urllib.parse.urlencode({"session": session_id})
    return f"{server.rstrip('/')}/end?{query}"


def safe_popup_url(url: str) -> str | None:
    """``url`` when it is an http(s) address with a host and no spaces or control characters, else None."""
    url = url.strip()
    if not url or any(c.isspace() or ord(c) < 32 for c in url):
        return None
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def end_page_urls(policy: HostPolicy, server: str, session_id: str) -> list[str]:
    """The pages to open after the session, in order (see the module table)."""
    urls = []
    if policy.end_notice_page:
        urls.append(end_notice_url(server, session_id))
    if policy.end_popup_url.strip():
        popup = safe_popup_url(policy.end_popup_url)
        if popup is None:
            log.warning("the end popup URL %r does not start with http:// or https://; it is not opened",
                        policy.end_popup_url[:200])
        else:
            urls.append(popup)
    return urls


def open_in_browser(url: str) -> bool:
    """Open ``url`` in the customer's web browser (never blocks on the browser)."""
    return webbrowser.open(url, new=2)


def open_end_pages(policy: HostPolicy, server: str, session_id: str, open_url: OpenUrl = open_in_browser) -> list[str]:
    """Open the end pages the policy asks for; the URLs opened."""
    opened = []
    for url in end_page_urls(policy, server, session_id):
        try:
            open_url(url)
        except Exception as exc:  # no browser must not turn the end of a session into a crash
            log.warning("could not open %s: %s", url, exc)
            continue
        opened.append(url)
    return opened
