"""What a transfer engine sends to the other side, across link outages (auto-reconnect).

Rules: while the link is up every message goes out at once; while it is down (``down``) messages are
dropped — chunks, acks and offers are made again when the link is back — except how a transfer ended
(FileCancel, FileResult), which is held and sent by ``up`` in order; ``clear`` forgets what is held when the
session ends instead. Used on one thread only (the engine's worker).
"""

from __future__ import annotations

from collections.abc import Callable

from protocol.messages import FileCancel, FileResult, Message

HELD = (FileCancel, FileResult)


class Outbox:
    """The engine's way out; see the module rules."""

    def __init__(self, send: Callable[[Message], object]) -> None:
        self._send = send
        self.down = False
        self.held: list[Message] = []

    def send(self, message: Message) -> None:
        if not self.down:
            self._send(message)
        elif isinstance(message, HELD):
            self.held.append(message)

    def up(self) -> None:
        """The link is back: send what was held."""
        if self.down:
            self.down = False
            held, self.held = self.held, []
            for message in held:
                self._send(message)

    def clear(self) -> None:
        self.held.clear()
