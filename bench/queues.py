"""Window queues under load on loopback, against the real server: 500 customers waiting in 20 windows, 50 agents.

Each run starts ``python -m server`` on a temporary data directory (SQLite), seeds a window page (distribution
*window*, open all day) with ``--windows`` windows and ``--agents`` agents (agent i serves window i mod W),
logs the agents in (REST) with their push sockets open (``/ws/agent``), then ``--customers`` customers join
through the page's form and wait on ``/ws/queue/{ticket}``. The agents serve: fetch the queue, accept the
oldest entry of their windows, hold it ``--service-ms``, end it, until every customer is served.

Figures: every customer accepted exactly once (one ``accepted`` message each, one 200 per entry, the rest 409),
and the delay of position updates: from the accept request that removed someone ahead to the moment each
waiting customer of that window receives its new position (p50 / p95 / max). ``--runs`` runs (default 3);
the medians are reported. The last line is one JSON object.

    .venv/bin/python -m bench.queues
    .venv/bin/python -m bench.queues --customers 100 --runs 1
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import re
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.orm import Session
from websockets.asyncio.client import ClientConnection, connect

from server.accounts import create_agent
from server.config import default_database_url
from server.db import Database, create_db_engine
from server.models import BusinessHours, ConnectionPage, PageGroup, PageWindow, User, WindowAgent
from tools.server_process import RunningServer, running_server

PASSWORD = "Bench-pass-47"
SLUG = "bench-queues"


@dataclasses.dataclass
class Customer:
    """One waiting customer's socket and what it saw."""

    window: int
    ticket: str
    socket: ClientConnection | None = None
    positions: list[tuple[float, int]] = dataclasses.field(default_factory=list)
    accepted: int = 0
    serving_from: int = 0


@dataclasses.dataclass
class Tally:
    """What the agents did."""

    removals: dict[int, list[float]] = dataclasses.field(default_factory=dict)
    wins: dict[int, int] = dataclasses.field(default_factory=dict)
    conflicts: int = 0
    errors: int = 0


def seed(server: RunningServer, windows: int, agents: int) -> tuple[list[int], list[str]]:
    """The page, its windows and agents, written into the server's database; (window ids, login ids)."""
    db = Database(create_db_engine(default_database_url(server.data_dir)))

    def make(session: Session) -> tuple[list[int], list[str]]:
        logins = [f"bq-{i}" for i in range(agents)]
        ids = [create_agent(session, login_id=login, name=login, password=PASSWORD, company="bench",
                            group="Desk").id for login in logins]
        user = session.get_one(User, ids[0])
        page = ConnectionPage(company_id=user.company_id, slug=SLUG, name="Bench", kind="window", time_zone="UTC",
                              languages=["en"], default_language="en", distribution="window", texts={})
        session.add(page)
        session.flush()
        session.add(PageGroup(group_id=user.group_id, page_id=page.id))
        session.add_all(BusinessHours(page_id=page.id, weekday=d, start_minute=0, end_minute=1440) for d in range(7))
        rows = [PageWindow(page_id=page.id, name=f"W{i}", position=i, estimate_minutes=2, request_fields=[],
                           reservation_fields=[]) for i in range(windows)]
        session.add_all(rows)
        session.flush()
        session.add_all(WindowAgent(window_id=rows[i % windows].id, user_id=agent) for i, agent in enumerate(ids))
        return [row.id for row in rows], logins
    try:
        return db.run(make)
    finally:
        db.dispose()


async def join(http: httpx.AsyncClient, server: RunningServer, window: int) -> Customer:
    answer = await http.post(server.api(f"/p/{SLUG}/w/{window}/queue"), data={"name": "c"},
                             headers={"Origin": server.url})
    found = re.search(r"/t/([A-Za-z0-9_-]{32})", answer.headers.get("location", ""))
    if found is None:
        raise RuntimeError(f"join failed: {answer.status_code} {answer.text[:200]}")
    return Customer(window, found.group(1))


async def listen(server: RunningServer, customer: Customer) -> None:
    """Open the customer's socket and record every position and acceptance until ended."""
    customer.socket = await connect(server.ws_url(f"/ws/queue/{customer.ticket}"), ssl=server.ssl_context(),
                                    open_timeout=60, ping_interval=None)
    async for raw in customer.socket:
        message = json.loads(raw)
        if message["type"] == "position":
            customer.positions.append((time.monotonic(), int(message["position"])))
        elif message["type"] == "accepted":
            customer.accepted += 1
        elif message["type"] == "ended":
            break
    await customer.socket.close()


async def agent_loop(server: RunningServer, login_id: str, tally: Tally, service_s: float,
                     remaining: list[int]) -> None:
    """Log in, open the push socket, serve until nobody waits."""
    async with httpx.AsyncClient(verify=server.ssl_context(), timeout=60) as http:
        token = (await http.post(server.api("/api/v1/auth/login"),
                                 json={"login_id": login_id, "password": PASSWORD})).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        pushes = await connect(server.ws_url("/ws/agent"), ssl=server.ssl_context(), additional_headers=auth,
                               ping_interval=None)
        while remaining[0] > 0:
            if not await serve_one(http, server, auth, tally, service_s=service_s, remaining=remaining):
                await next_push(pushes)
        await pushes.close()


async def next_push(pushes: ClientConnection) -> None:
    """Wait for a push (queue_changed, queue_alert, …) as the agent app does, at most a second."""
    try:
        await asyncio.wait_for(pushes.recv(), 1.0)
    except TimeoutError:
        return


async def serve_one(http: httpx.AsyncClient, server: RunningServer, auth: dict[str, str], tally: Tally, *,
                    service_s: float, remaining: list[int]) -> bool:
    entries = (await http.get(server.api("/api/v1/queue"), headers=auth)).json()["entries"]
    waiting = [entry for entry in entries if entry["state"] != "accepted"]
    if not waiting:
        return False
    entry = waiting[0]
    sent = time.monotonic()
    answer = await http.post(server.api(f"/api/v1/queue/{entry['id']}/accept"), headers=auth)
    if answer.status_code == 409:
        tally.conflicts += 1
        return True
    if answer.status_code != 200:
        tally.errors += 1
        return True
    tally.wins[entry["id"]] = tally.wins.get(entry["id"], 0) + 1
    tally.removals.setdefault(entry["window_id"], []).append(sent)
    remaining[0] -= 1
    await asyncio.sleep(service_s)
    await http.post(server.api(f"/api/v1/queue/{entry['id']}/end"), headers=auth, json={"reason": "served"})
    return True


def delays(customers: list[Customer], tally: Tally, serving_started: float) -> list[float]:
    """Per position message during serving: receipt minus the first removal ahead it reflects (seconds)."""
    out = []
    for customer in customers:
        removals = sorted(t for t in tally.removals.get(customer.window, []) if t >= serving_started)
        seen = [(t, p) for t, p in customer.positions if t >= serving_started]
        known = customer.serving_from
        for received, position in seen:
            reflected_before = customer.serving_from - known
            if position < known and reflected_before < len(removals):
                out.append(received - removals[reflected_before])
            known = min(known, position)
    return out


async def run_once(customers_n: int, windows_n: int, agents_n: int, service_s: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="ferry-bench-queues-") as tmp, \
            running_server(Path(tmp) / "data") as server:
        window_ids, logins = seed(server, windows_n, agents_n)
        limits = httpx.Limits(max_connections=50)
        async with httpx.AsyncClient(verify=server.ssl_context(), timeout=60, limits=limits) as http:
            started = time.monotonic()
            customers = await asyncio.gather(*(join(http, server, window_ids[i % windows_n])
                                               for i in range(customers_n)))
            joined_s = time.monotonic() - started
        listeners = [asyncio.create_task(listen(server, customer)) for customer in customers]
        while sum(1 for c in customers if c.positions) < customers_n:
            await asyncio.sleep(0.05)
        for customer in customers:
            customer.serving_from = customer.positions[-1][1]
        tally, remaining = Tally(), [customers_n]
        serving_started = time.monotonic()
        await asyncio.gather(*(agent_loop(server, login, tally, service_s, remaining) for login in logins))
        served_s = time.monotonic() - serving_started
        await asyncio.wait_for(asyncio.gather(*listeners), 60)
    found = sorted(delays(customers, tally, serving_started))
    once = all(c.accepted == 1 for c in customers) and len(tally.wins) == customers_n and \
        all(count == 1 for count in tally.wins.values())
    return {"customers": customers_n, "windows": windows_n, "agents": agents_n, "served_exactly_once": once,
            "accepted_messages": sum(c.accepted for c in customers), "conflicts_409": tally.conflicts,
            "errors": tally.errors, "updates": len(found), "join_s": round(joined_s, 2),
            "serve_s": round(served_s, 2),
            "update_p50_ms": round(1000 * statistics.median(found), 1) if found else None,
            "update_p95_ms": round(1000 * found[int(0.95 * (len(found) - 1))], 1) if found else None,
            "update_max_ms": round(1000 * found[-1], 1) if found else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--windows", type=int, default=20)
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--service-ms", type=float, default=50.0, help="how long an agent holds each customer")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs = []
    for number in range(args.runs):
        figures = asyncio.run(run_once(args.customers, args.windows, args.agents, args.service_ms / 1000))
        print(f"run {number + 1}: " + ", ".join(f"{k}={v}" for k, v in figures.items()), flush=True)
        runs.append(figures)
    medians = {key: statistics.median(run[key] for run in runs) for key in
               ("join_s", "serve_s", "update_p50_ms", "update_p95_ms", "update_max_ms", "conflicts_409")}
    result = {"bench": "queues", "runs": args.runs, "customers": args.customers, "windows": args.windows,
              "agents": args.agents, "served_exactly_once": all(run["served_exactly_once"] for run in runs),
              "errors": sum(run["errors"] for run in runs), **medians,
              "p95_within_1s": medians["update_p95_ms"] is not None and medians["update_p95_ms"] <= 1000}
    print(f"medians of {args.runs} runs: p95 update {medians['update_p95_ms']} ms, p50 {medians['update_p50_ms']} ms, "
          f"serve {medians['serve_s']} s; every customer served exactly once: {result['served_exactly_once']}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
