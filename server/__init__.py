"""Ferry server: REST API, agent push hub and session relay in one asyncio process.

Run it with ``ferry-server`` (see ``server.__main__``); build the ASGI app with
``server.app.create_app``.
"""

from __future__ import annotations

__version__ = "0.1.0"
