"""When the host changes to screenshot mode by itself, and back: a rule with no Qt and no clock of its own.

Rules (``now`` is passed in, from time.monotonic()):
- Video → stills: frames are in flight (sent > acknowledged) and no acknowledgement came for ``stall_s``
  seconds (3 s by default; at 30 fps that is ~90 frames' time, far beyond a slow but working link, whose acks
  keep coming even when late). Nothing in flight (a still screen) is never a stall.
- Stills → video, only when the rule chose stills: every still sent is acknowledged and at least
  ``recover_stills`` (2) stills were acknowledged since the change — acks flow again. With a still every 5 s
  that is about 10 s of a working link, so a link that is just recovering does not flap.
- A choice by hand (the agent's toolbar) stands: the rule never leaves stills the agent chose. Choosing
  video by hand lets the rule watch again (and go to stills again if frames stall).
"""

from __future__ import annotations

import dataclasses

VIDEO = "video"
STILLS = "stills"
MODES = (VIDEO, STILLS)
STALL_S = 3.0
RECOVER_STILLS = 2
STALLED_REASON = "frames were not acknowledged for {seconds:g} s: the link is too slow for video"
RECOVERED_REASON = "frames are acknowledged again"
CHOSEN_REASON = "the agent chose {mode}"


@dataclasses.dataclass(frozen=True, slots=True)
class ModeChange:
    """Switch to ``mode`` ("video" or "stills") because of ``reason`` (English, sent to the viewer)."""

    mode: str
    reason: str


class LinkWatch:
    """Decides screenshot mode from frames sent and acknowledged; see the module rules."""

    def __init__(self, stall_s: float = STALL_S, recover_stills: int = RECOVER_STILLS) -> None:
        self.stall_s = stall_s
        self.recover_stills = recover_stills
        self.mode = VIDEO
        self.manual = False  # the mode was chosen by hand
        self._acked = 0
        self._progress_at: float | None = None  # when acks last moved on (or nothing was in flight)
        self._stills_from = 0  # the last frame id sent when stills began

    def update(self, now: float, sent: int, acked: int) -> ModeChange | None:
        """Look at the frames sent and acknowledged now; the change to make, if any."""
        if self._progress_at is None or acked != self._acked or sent == acked:
            self._acked, self._progress_at = acked, now
        if self.mode == VIDEO:
            if sent > acked and now - self._progress_at >= self.stall_s:
                return self._change(STILLS, STALLED_REASON.format(seconds=self.stall_s), now, sent)
            return None
        if not self.manual and acked == sent and acked - self._stills_from >= self.recover_stills:
            return self._change(VIDEO, RECOVERED_REASON, now, sent)
        return None

    def choose(self, mode: str, now: float, sent: int) -> ModeChange:
        """The agent picked ``mode`` by hand ("video" or "stills"; ValueError for anything else)."""
        if mode not in MODES:
            raise ValueError(f"a video mode is 'video' or 'stills', not {mode!r}")
        change = self._change(mode, CHOSEN_REASON.format(mode="screenshot mode" if mode == STILLS else "video"),
                              now, sent)
        self.manual = mode == STILLS
        return change

    def _change(self, mode: str, reason: str, now: float, sent: int) -> ModeChange:
        self.mode, self.manual = mode, False
        self._progress_at, self._stills_from = now, sent
        return ModeChange(mode, reason)
