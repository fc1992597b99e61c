"""The customer-side halves of the viewer's tools, each a module with ``install(app) -> object``.

Rules: a tool registers the messages it handles with ``app.session.add_handler`` (network thread: never
block, hand GUI work to ``app.bridge.post`` and ``app.on_gui``), checks the policy (``app.policy``) and the
customer's grants (``app.session.granted_kinds``) itself before doing anything — whatever the viewer
sends — and adds its clean-up to ``app.on_finish`` so nothing of it outlives the session.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from host_module.app import HostApp

TOOL_MODULES = (
    "host_module.tools.files",
    "host_module.tools.actions",
    "host_module.tools.overlay",
    "host_module.tools.display",
    "host_module.tools.handover",
)


def install_tools(app: HostApp) -> dict[str, object]:
    """Install every tool on ``app``; the installed objects by module name (tests reach them here)."""
    return {name.rsplit(".", 1)[1]: importlib.import_module(name).install(app) for name in TOOL_MODULES}
