"""Background jobs of the server process: the history purge (``server.retention``).

Rules: a job is one asyncio task started by the app's lifespan and cancelled at shutdown; its database
work runs in ``services.db.call`` (a worker thread, one transaction), never on the event loop. A failed
run is logged with its traceback and the loop carries on; cancellation ends the task at once.
"""

from __future__ import annotations

import asyncio
import logging

from server.context import Services
from server.models import utcnow
from server.retention import PurgeReport, purge_history

logger = logging.getLogger(__name__)

FIRST_PURGE_DELAY_S = 5.0  # the first purge waits this long (or one interval, if shorter) after start


def start_jobs(services: Services) -> list[asyncio.Task[None]]:
    """Start the process's periodic jobs; the app's lifespan cancels them at shutdown."""
    return [asyncio.create_task(purge_loop(services), name="ferry-history-purge")]


async def purge_loop(services: Services) -> None:
    """Purge history shortly after start, then every ``settings.purge_interval_s`` seconds, until cancelled."""
    interval = services.settings.purge_interval_s
    await asyncio.sleep(min(FIRST_PURGE_DELAY_S, interval))
    while True:
        await purge_once(services)
        await asyncio.sleep(interval)


async def purge_once(services: Services) -> PurgeReport | None:
    """One purge, logged; None when it failed (the next run tries again)."""
    try:
        report = await services.db.call(purge_history, utcnow())
    except Exception:  # a periodic job must outlive any one failure; the traceback goes to the log
        logger.exception("History purge failed; it runs again in %.0f s", services.settings.purge_interval_s)
        return None
    if report.total:
        logger.info("History purge removed %d login history row(s) and %d ended session(s)",
                    report.login_history, report.sessions)
    else:
        logger.debug("History purge: nothing past its retention")
    return report
