"""The viewer's tools, each a module with ``install(window) -> object``.

Rules: a tool puts its actions on the toolbar with ``window.add_tool(action, *option_keys)`` — shown only
when the agent's options allow them (``window.policy``) — takes the host's messages with
``window.on_message`` (GUI thread), asks the customer with ``window.request_permission`` and sends with
``window.session.send``; its clean-up goes to ``window.on_finish``. Nothing here blocks the GUI thread:
file reads, hashing and writes run on worker threads.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING

from viewer.tools import actions, capture_tools, display, files, handover, overlay

if TYPE_CHECKING:
    from viewer.window import ViewerWindow

TOOL_MODULES: tuple[ModuleType, ...] = (files, actions, overlay, display, handover, capture_tools)
"""In install order; imported here by name so that a frozen build (PyInstaller) bundles every tool."""


def install_tools(window: ViewerWindow) -> dict[str, object]:
    """Install every tool on ``window``; the installed objects by module name (tests reach them here)."""
    return {module.__name__.rsplit(".", 1)[1]: module.install(window) for module in TOOL_MODULES}
