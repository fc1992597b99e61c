"""The relay forwards only ciphertext: nothing typed, chatted or drawn on screen shows in its bytes.

The server runs with FERRY_RELAY_CAPTURE_DIR, so it writes every message it relays to a file;
a whole session runs (a marker typed by the agent into the customer's window as one text
input, another sent as a chat line), and every captured message is searched for the markers.
What is on the customer's screen travels as H.264: the bodies are searched for the parameter
set every unencrypted keyframe would start with.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from protocol.events import SessionLive
from protocol.messages import ChatLine, ControlGrant, KeyInput, PointerButton, encode_message
from protocol.session import Role
from protocol.wire import HEADER_SIZE
from tests.xvfb import XvfbDisplay
from tools.harness import Child, issue_code, start_host
from tools.server_process import RunningServer, running_server
from transport.link import LinkConfig, relay_url
from viewer.session import DecodedFrame, ViewerSession

pytestmark = pytest.mark.e2e

TYPED = "TypedMarker7Q"
CHATTED = "ChatMarker-5Z 비밀"
H264_SPS = (b"\x00\x00\x00\x01\x67", b"\x00\x00\x01\x67")


@pytest.fixture()
def capture_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "relay-capture"
    directory.mkdir()
    return directory


@pytest.fixture()
def capturing_server(tmp_path: Path, capture_dir: Path) -> Iterator[RunningServer]:
    with running_server(tmp_path / "data", env={"FERRY_RELAY_CAPTURE_DIR": str(capture_dir)}) as server:
        yield server


def captured(directory: Path) -> list[bytes]:
    """Every relayed message, from the server's capture files (4-byte length, then the message)."""
    messages = []
    for path in sorted(directory.glob("*.bin")):
        data = path.read_bytes()
        offset = 0
        while offset < len(data):
            length = int.from_bytes(data[offset:offset + 4], "big")
            messages.append(data[offset + 4:offset + 4 + length])
            offset += 4 + length
    return messages


def run_session(server: RunningServer, probe: Child, xvfb: XvfbDisplay) -> None:
    edit = json.loads(probe.seen[0])["edit"]
    issued = issue_code(server)
    host = start_host(server, issued.code, xvfb.name, "--accept", "--grant-control")
    seen = {SessionLive: threading.Event(), ControlGrant: threading.Event(), DecodedFrame: threading.Event()}

    def on_event(event: object) -> None:
        if type(event) in seen:
            seen[type(event)].set()

    config = LinkConfig(relay_url(server.url, issued.session_id, Role.VIEWER), issued.token, Role.VIEWER,
                        bytes.fromhex(issued.secret), server.ssl_context())
    session = ViewerSession(config, on_event)
    session.start()
    try:
        assert seen[SessionLive].wait(30), "the session did not go live"
        assert seen[DecodedFrame].wait(30), "no video frame arrived"
        session.request_control()
        assert seen[ControlGrant].wait(10), "control was not granted"
        session.send(ChatLine(CHATTED, "agent"))
        x, y = edit["x"] + edit["w"] // 2, edit["y"] + edit["h"] // 2
        session.send(PointerButton(x, y, 1, True))
        session.send(PointerButton(x, y, 1, False))
        session.send(KeyInput("T", True, 0, TYPED))  # what an input method commits: the whole text at once
        session.send(KeyInput("T", False, 0, TYPED))
        probe.wait_event("text", timeout=20, text=TYPED)
        session.end("test over")
        host.wait_event("ended", timeout=10)
    finally:
        session.close()
        host.stop()


def test_relayed_bytes_hold_no_plaintext(capturing_server: RunningServer, probe: Child, xvfb: XvfbDisplay,
                                         capture_dir: Path) -> None:
    run_session(capturing_server, probe, xvfb)
    messages = captured(capture_dir)
    assert sum(map(len, messages)) > 10_000, "the relay captured too little: the session did not really run"
    # A plaintext encoding would show every marker: the search can find them if they were there.
    assert CHATTED.encode() in encode_message(ChatLine(CHATTED, "agent"))
    assert TYPED.encode() in encode_message(KeyInput("T", True, 0, TYPED))
    for message in messages:
        for marker in (TYPED.encode(), CHATTED.encode(), "비밀".encode()):
            assert marker not in message
        body = message[HEADER_SIZE:]  # the header (magic, version, kind, length, counter) is public
        for pattern in H264_SPS:
            assert pattern not in body
