"""The agent app drives its viewer over stdin/stdout: commands in, chat events out.

Rules:
- Commands are JSON lines on stdin, e.g. ``{"cmd": "chat", "id": "<uuid>", "text": "…"}``; they
  are read on a daemon thread of their own, so the GUI never waits for stdin. End of input
  stops the reader and nothing else (the session goes on).
- Every chat command gets exactly one answer on stdout: ``{"event": "chat_sent", "id", "sent_ms"}``
  once the line is handed to the encrypted session, or ``{"event": "chat_failed", "id", "reason"}``.
  A line that is no command gets ``{"event": "command_error", "reason"}``.
- A chat line goes out only while the session is live (the protocol allows nothing else).
- Lines from the customer come out as ``{"event": "chat", "id", "sender", "text", "sent_ms",
  "received_ms"}``; ``id`` is made here (the agent app saves lines by it), ``received_ms`` is this
  PC's clock, ``sent_ms`` the customer's.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import TextIO

from protocol.events import SessionLive
from protocol.messages import ChatLine, Message

log = logging.getLogger(__name__)
MAX_CHAT_TEXT = 4000
AGENT = "agent"
Report = Callable[[dict[str, object]], None]


class CommandError(ValueError):
    """A stdin line is not a command this viewer knows; the message says what was expected."""


@dataclasses.dataclass(frozen=True)
class ChatCommand:
    """Send ``text`` to the customer; ``id`` is the agent app's id of the line."""

    id: str
    text: str


def parse_command(line: str) -> ChatCommand:
    """The command on one stdin line; CommandError when it is none."""
    try:
        record = json.loads(line)
    except ValueError as exc:
        raise CommandError(f"not JSON: {exc}") from exc
    if not isinstance(record, dict) or record.get("cmd") != "chat":
        raise CommandError('expected {"cmd": "chat", "id": "...", "text": "..."}')
    line_id, text = record.get("id"), record.get("text")
    if not isinstance(line_id, str) or not line_id or not isinstance(text, str):
        raise CommandError('a chat command needs a string "id" and a string "text"')
    return ChatCommand(line_id, text)


def chat_record(line: ChatLine, now_ms: int | None = None) -> dict[str, object]:
    """The stdout event for a line that came from the customer."""
    received = int(time.time() * 1000) if now_ms is None else now_ms
    return {"event": "chat", "id": str(uuid.uuid4()), "sender": line.sender, "text": line.text,
            "sent_ms": line.sent_ms, "received_ms": received}


class ChatSender:
    """Turns chat commands into ChatLine messages while the session is live; answers every one."""

    def __init__(self, send: Callable[[Message], None], report: Report,
                 wall_ms: Callable[[], int] = lambda: int(time.time() * 1000)) -> None:
        self._send = send
        self._report = report
        self._wall_ms = wall_ms
        self._lock = threading.Lock()
        self._live = False
        self._ended = False

    def observe(self, event: object, ending: bool) -> None:
        """Follow the session: live from SessionLive, over at its first ending event."""
        with self._lock:
            if isinstance(event, SessionLive):
                self._live = True
            elif ending:
                self._ended = True

    def handle_line(self, raw: str) -> None:
        """Run one stdin line (called on the reader thread)."""
        if not raw.strip():
            return
        try:
            command = parse_command(raw)
        except CommandError as exc:
            self._report({"event": "command_error", "reason": str(exc)})
            return
        self.chat(command)

    def chat(self, command: ChatCommand) -> None:
        """Send one line, or say why it could not go."""
        reason = self._refusal(command.text)
        if reason is not None:
            self._report({"event": "chat_failed", "id": command.id, "reason": reason})
            return
        sent_ms = self._wall_ms()
        self._send(ChatLine(command.text, AGENT, sent_ms))
        self._report({"event": "chat_sent", "id": command.id, "sent_ms": sent_ms})

    def _refusal(self, text: str) -> str | None:
        if not text.strip():
            return "the message is empty"
        if len(text) > MAX_CHAT_TEXT:
            return f"the message is longer than {MAX_CHAT_TEXT} characters; send it in parts"
        with self._lock:
            if self._ended:
                return "the session is over"
            if not self._live:
                return "the customer has not accepted the session yet; wait until it is live"
        return None


class CommandReader:
    """Reads ``stream`` line by line on a daemon thread and hands each line to ``handle``."""

    def __init__(self, stream: TextIO, handle: Callable[[str], None]) -> None:
        self._stream = stream
        self._handle = handle
        self._thread = threading.Thread(target=self._run, name="ferry-viewer-stdin", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        try:
            for line in self._stream:
                self._handle(line)
        except (OSError, ValueError):  # stdin closed under us while quitting
            log.debug("stdin closed", exc_info=True)
        except Exception:  # a bug in a command must not go unnoticed, nor kill the viewer
            log.exception("a stdin command failed; commands are no longer read")
        log.info("no more commands on stdin")
