"""Background jobs of the server process (being written)."""

from __future__ import annotations

import asyncio

from server.context import Services


def start_jobs(services: Services) -> list[asyncio.Task[None]]:
    """Start the process's periodic jobs; the app's lifespan cancels them at shutdown."""
    return []
