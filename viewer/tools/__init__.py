"""The viewer's tools, each a module with ``install(window) -> object``.

Rules: a tool puts its actions on the toolbar with ``window.add_tool(action, *option_keys)`` — shown only
when the agent's options allow them (``window.policy``) — takes the host's messages with
``window.on_message`` (GUI thread), asks the customer with ``window.request_permission`` and sends with
``window.session.send``; its clean-up goes to ``window.on_finish``. Nothing here blocks the GUI thread:
file reads, hashing and writes run on worker threads.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from viewer.window import ViewerWindow

TOOL_MODULES = (
    "viewer.tools.files",
    "viewer.tools.actions",
    "viewer.tools.overlay",
    "viewer.tools.display",
    "viewer.tools.handover",
    "viewer.tools.capture_tools",
)


def install_tools(window: ViewerWindow) -> dict[str, object]:
    """Install every tool on ``window``; the installed objects by module name (tests reach them here)."""
    return {name.rsplit(".", 1)[1]: importlib.import_module(name).install(window) for name in TOOL_MODULES}
