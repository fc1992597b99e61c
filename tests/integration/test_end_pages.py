"""After a session: the four end-page combinations (a fake opener records what the host opens) and the
server's end notice page, in Korean and English, for a session that really went live on the relay."""

from __future__ import annotations

import threading

import pytest

from host_module.end_pages import open_end_pages
from host_module.join import join_by_code
from host_module.policy import HostPolicy
from protocol.events import HandshakeComplete, SessionEnded
from protocol.session import Role
from tools.harness import issue_code
from tools.server_process import RunningServer
from transport.link import LinkConfig, SessionLink, relay_url

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(("notice", "popup", "pages"), [
    (True, "https://example.com/survey", ["notice", "https://example.com/survey"]),
    (True, "", ["notice"]),
    (False, "https://example.com/survey", ["https://example.com/survey"]),
    (False, "", []),
])
def test_the_four_combinations(notice: bool, popup: str, pages: list[str]) -> None:
    opened: list[str] = []
    policy = HostPolicy.from_answer({"end_notice_page": notice, "end_popup_url": popup})
    assert open_end_pages(policy, "https://127.0.0.1:8443", "a" * 32, opened.append) == opened
    expected = [f"https://127.0.0.1:8443/end?session={'a' * 32}" if p == "notice" else p for p in pages]
    assert opened == expected


@pytest.mark.parametrize("popup", ["ftp://example.com/x", "javascript:alert(1)", "file:///etc/passwd", "example.com"])
def test_a_popup_url_that_is_not_http_is_refused(popup: str) -> None:
    opened: list[str] = []
    policy = HostPolicy.from_answer({"end_notice_page": False, "end_popup_url": popup})
    open_end_pages(policy, "https://127.0.0.1:8443", "a" * 32, opened.append)
    assert opened == []


def _live_then_ended(server: RunningServer) -> str:
    """Pair both relay legs of a fresh session (so it has a start time), then end it; its id."""
    issued = issue_code(server)
    ticket = join_by_code(server.url, issued.code, server.fingerprint, None)
    handshakes: list[object] = []
    secured, ended = threading.Event(), threading.Event()

    def on_event(event: object) -> None:  # on the links' network thread: never block it
        if isinstance(event, HandshakeComplete):
            handshakes.append(event)
            if len(handshakes) == 2:
                secured.set()
        elif isinstance(event, SessionEnded):
            ended.set()

    host = SessionLink(LinkConfig(relay_url(server.url, ticket.session_id, Role.HOST), ticket.host_token,
                                  Role.HOST, ticket.secret, server.ssl_context()), on_event)
    viewer = SessionLink(LinkConfig(relay_url(server.url, issued.session_id, Role.VIEWER), issued.token,
                                    Role.VIEWER, bytes.fromhex(issued.secret), server.ssl_context()), on_event)
    host.start()
    viewer.start()
    try:
        assert secured.wait(20), "the two ends did not complete the handshake"
        host.end("ended by the customer")
        assert ended.wait(10)
    finally:
        host.close()
        viewer.close()
    return issued.session_id


@pytest.mark.parametrize(("language", "expected"), [
    ("ko-KR,ko;q=0.9,en;q=0.8", ["원격지원이 종료되었습니다", "상담원", "지원 시간", 'lang="ko"']),
    ("en-US,en;q=0.9,ko;q=0.5", ["Remote support has ended", "Agent", "Support time", 'lang="en"']),
])
def test_the_end_notice_shows_agent_and_support_time(ferry_server: RunningServer, language: str,
                                                     expected: list[str]) -> None:
    session_id = _live_then_ended(ferry_server)
    with ferry_server.session() as http:
        reply = http.get(f"{ferry_server.url}/end", params={"session": session_id},
                         headers={"Accept-Language": language}, timeout=10)
    assert reply.status_code == 200
    for text in (*expected, "Demo Agent", "UTC"):
        assert text in reply.text, text


def test_an_unknown_session_gets_only_the_generic_sentence(ferry_server: RunningServer) -> None:
    with ferry_server.session() as http:
        reply = http.get(f"{ferry_server.url}/end", params={"session": "0" * 32}, timeout=10)
        odd = http.get(f"{ferry_server.url}/end", params={"session": "<script>"}, timeout=10)
    assert reply.status_code == 200 and "The remote support session has ended" in reply.text
    assert "Agent:" not in reply.text and "Agent:" not in odd.text and "<script>" not in odd.text
