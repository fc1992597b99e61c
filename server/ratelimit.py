"""Per-address limiter for wrong connection codes (in memory, per server process).

Rules:
- Only wrong codes (answered 404) count as failures; a correct, used or expired code counts for nothing.
- An address's failures are forgotten ``window_s`` after its last failure.
- After ``free_failures`` failures the address is locked out for ``delay_base_s`` seconds after its last
  failure; every further failure doubles the lock-out, up to ``delay_cap_s``.
- While locked out, every join attempt from that address is refused (429 with ``Retry-After``, the
  seconds left rounded up) without looking at the code, so guessing makes no progress.
- Attempts in flight count as failures until they are decided, so parallel requests cannot slip past
  the limit: an address at the limit has at most one attempt in flight.
- Time is passed in (monotonic seconds) so the rules are tested without sleeping.
"""

from __future__ import annotations

import dataclasses
import math

from server.config import JoinLimits

MAX_TRACKED_ADDRESSES = 10_000


@dataclasses.dataclass
class _Record:
    failures: int = 0
    last_failure: float = 0.0
    in_flight: int = 0


class JoinLimiter:
    """Counts wrong codes per client address and says how long an address must wait."""

    def __init__(self, limits: JoinLimits) -> None:
        self._limits = limits
        self._records: dict[str, _Record] = {}

    def _stale(self, record: _Record, now: float) -> bool:
        return record.in_flight == 0 and now - record.last_failure > self._limits.window_s

    def lockout_s(self, failures: int) -> float:
        """How long an address with ``failures`` failures is locked out after its last one."""
        extra = failures - self._limits.free_failures
        if extra < 0:
            return 0.0
        return min(self._limits.delay_base_s * 2.0 ** min(extra, 64), self._limits.delay_cap_s)

    def retry_after(self, address: str, now: float) -> int:
        """Whole seconds ``address`` must still wait before trying a code; 0 when it may try now."""
        record = self._records.get(address)
        if record is None or self._stale(record, now):
            return 0
        remaining = record.last_failure + self.lockout_s(record.failures) - now
        if remaining > 0:
            return max(1, math.ceil(remaining))
        at_limit = record.failures + record.in_flight >= self._limits.free_failures
        return 1 if at_limit and record.in_flight > 0 else 0

    def acquire(self, address: str, now: float) -> int:
        """Start an attempt: 0 when it may go ahead (then ``release`` it), else seconds to wait."""
        wait = self.retry_after(address, now)
        if wait:
            return wait
        record = self._records.get(address)
        if record is None or self._stale(record, now):
            self._prune(now)
            record = self._records[address] = _Record()
        record.in_flight += 1
        return 0

    def release(self, address: str, now: float, *, failed: bool) -> None:
        """End an attempt started with ``acquire``; ``failed`` when the code was wrong."""
        record = self._records.get(address)
        if record is None:
            return
        record.in_flight = max(0, record.in_flight - 1)
        if failed:
            record.failures += 1
            record.last_failure = now
        elif record.failures == 0 and record.in_flight == 0:
            del self._records[address]

    def _prune(self, now: float) -> None:
        if len(self._records) < MAX_TRACKED_ADDRESSES:
            return
        for address in [a for a, r in self._records.items() if self._stale(r, now)]:
            del self._records[address]
        while len(self._records) >= MAX_TRACKED_ADDRESSES:
            oldest = min(self._records, key=lambda a: self._records[a].last_failure)
            del self._records[oldest]
