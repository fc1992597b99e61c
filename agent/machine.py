"""Facts about this PC that the server may check at login: its primary MAC address (for the MAC allow list)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

_MULTICAST_BIT = 1 << 40  # the least significant bit of the first octet: set on random node numbers
_NODE_LIMIT = 1 << 48


def primary_mac(getnode: Callable[[], int] = uuid.getnode) -> str | None:
    """This PC's primary MAC as ``AA:BB:CC:DD:EE:FF``, or None when there is no real one.

    ``uuid.getnode`` falls back to a random number with the multicast bit set when it finds no
    hardware address; sending that would only make the allow list refuse us with a wrong MAC.
    It may run a system command the first time: call this off the GUI thread.
    """
    node = getnode()
    if node <= 0 or node >= _NODE_LIMIT or node & _MULTICAST_BIT:
        return None
    return ":".join(f"{node >> shift & 0xFF:02X}" for shift in range(40, -1, -8))
