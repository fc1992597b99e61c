"""The customer-side halves of the viewer's tools, each a module with ``install(app) -> object``.

Rules: a tool registers the messages it handles with ``app.session.add_handler`` (network thread: never
block, hand GUI work to ``app.bridge.post`` and ``app.on_gui``), checks the policy (``app.policy``) and the
customer's grants (``app.session.granted_kinds``) itself before doing anything — whatever the viewer
sends — and adds its clean-up to ``app.on_finish`` so nothing of it outlives the session.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING

from host_module.tools import actions, display, files, handover, overlay

if TYPE_CHECKING:
    from host_module.app import HostApp

TOOL_MODULES: tuple[ModuleType, ...] = (files, actions, overlay, display, handover)
"""In install order; imported here by name so that a frozen build (PyInstaller) bundles every tool."""


def install_tools(app: HostApp) -> dict[str, object]:
    """Install every tool on ``app``; the installed objects by module name (tests reach them here)."""
    return {module.__name__.rsplit(".", 1)[1]: module.install(app) for module in TOOL_MODULES}
