"""Window queues under load on loopback, against the real server: 500 customers waiting in 20 windows, 50 agents.

Each run starts ``python -m server`` on a temporary data directory (SQLite), seeds a window page (distribution
*window*, open all day) with ``--windows`` windows and ``--agents`` agents (agent i serves window i mod W), and
joins ``--customers`` customers through the page's form. Then two client processes, so that the server and not the
bench's own event loop is measured (the machine has few cores: the clients are kept light):

- the *customers* process holds every customer's ``/ws/queue/{ticket}`` socket (one asyncio loop, no other work)
  and records, for each message, ``time.monotonic()`` at receipt;
- the *agents* process logs the agents in (REST) with their push sockets open (``/ws/agent``); on the signal they
  serve: fetch the queue, accept the oldest entry of their windows, hold it ``--service-ms``, end it, until every
  customer is served. Each won accept records when its request was sent and when its 200 answer arrived.

``time.monotonic()`` is CLOCK_MONOTONIC, one clock for every process of the host, so times from the two processes
compare directly.

Figures per run:

- ``served_exactly_once``: every customer got exactly one ``accepted`` and one ``ended`` message, every entry got
  exactly one 200 accept (the other accepts were 409), and the database holds every entry as served by an agent;
- ``update_*_ms`` — the *update delay*: when an accept removes the customer at the head of a window, every other
  customer of that window must be told their new position. For each position message during serving, the delay
  is its receipt by the customer minus the moment the agent had the 200 answer of the earliest accept that the
  message is the first to reflect (the change was committed and acknowledged: the server commits before it
  answers). The agent's answer can only come later than the commit, so this is a lower bound of the true delay;
  ``update_from_request_*`` measures from when the accept request was sent instead (an upper bound: it adds the
  accept's own round trip, shown as ``accept_rtt_*``);
- ``conflicts_409``: accepts that lost a race (two agents of a window took the same head);
- ``serve_s``: from the signal to the last customer served; ``served_per_s``;
- ``server_cpu_s`` / ``server_cpu_pct``: CPU time (user + system, from /proc) the server process used while
  serving, and that as a share of one core.

``--runs`` runs (default 3); the medians are reported. The last line is one JSON object.

    .venv/bin/python -m bench.queues
    .venv/bin/python -m bench.queues --customers 100 --runs 1
    .venv/bin/python -m bench.queues --runs 1 --py-spy /tmp/queues.raw   # sample the server while it serves
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import multiprocessing
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from server.accounts import create_agent
from server.config import default_database_url
from server.db import Database, create_db_engine
from server.models import BusinessHours, ConnectionPage, PageGroup, PageWindow, QueueEntry, User, WindowAgent
from tools.server_process import RunningServer, running_server
from transport.tls import pinned_ssl_context

PASSWORD = "Bench-pass-47"
SLUG = "bench-queues"
READY_TIMEOUT_S = 120.0
SERVE_TIMEOUT_S = 600.0


@dataclasses.dataclass(frozen=True)
class Target:
    """Where the server listens (picklable, for the client processes)."""

    url: str
    fingerprint: str

    def ws(self, path: str) -> str:
        return "wss://" + self.url.removeprefix("https://") + path

    def ssl(self) -> Any:
        return pinned_ssl_context(self.url, fingerprint=self.fingerprint)


# --- set-up -----------------------------------------------------------------------------------------------------


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


def stored_outcome(server: RunningServer) -> tuple[int, int]:
    """(entries served by an agent, all entries) as the database holds them after the run."""
    db = Database(create_db_engine(default_database_url(server.data_dir)))
    try:
        rows = db.run(lambda s: s.execute(select(QueueEntry.state, QueueEntry.agent_id)).all())
    finally:
        db.dispose()
    return sum(1 for state, agent in rows if state == "served" and agent is not None), len(rows)


async def join_all(target: Target, windows: list[int]) -> list[tuple[int, str]]:
    """Join one customer per listed window through the page's form; (window, ticket) each."""
    limits = httpx.Limits(max_connections=20)
    async with httpx.AsyncClient(verify=target.ssl(), timeout=60, limits=limits) as http:
        async def join(window: int) -> tuple[int, str]:
            answer = await http.post(f"{target.url}/p/{SLUG}/w/{window}/queue", data={"name": "c"},
                                     headers={"Origin": target.url})
            found = re.search(r"/t/([A-Za-z0-9_-]{32})", answer.headers.get("location", ""))
            if found is None:
                raise RuntimeError(f"join failed: {answer.status_code} {answer.text[:200]}")
            return window, found.group(1)
        return list(await asyncio.gather(*(join(window) for window in windows)))


# --- the customers process --------------------------------------------------------------------------------------


@dataclasses.dataclass
class Seen:
    """What one customer's socket received: (receipt time, position) and counts."""

    window: int
    positions: list[tuple[float, int]] = dataclasses.field(default_factory=list)
    accepted: int = 0
    ended: list[str] = dataclasses.field(default_factory=list)


async def _listen(target: Target, ssl: Any, ticket: str, seen: Seen, greeted: asyncio.Event) -> None:
    socket: ClientConnection = await connect(target.ws(f"/ws/queue/{ticket}"), ssl=ssl, open_timeout=60,
                                             ping_interval=None, compression=None)
    async with socket:
        async for raw in socket:
            now = time.monotonic()
            message = json.loads(raw)
            kind = message["type"]
            if kind == "position":
                seen.positions.append((now, int(message["position"])))
                greeted.set()
            elif kind == "accepted":
                seen.accepted += 1
            elif kind == "ended":
                seen.ended.append(str(message.get("reason")))
                return


async def _customers(target: Target, tickets: list[tuple[int, str]], ready: Event) -> list[Seen]:
    ssl = target.ssl()
    seen = [Seen(window) for window, _ in tickets]
    greeted = [asyncio.Event() for _ in tickets]
    listeners = [asyncio.create_task(_listen(target, ssl, ticket, one, flag))
                 for (_, ticket), one, flag in zip(tickets, seen, greeted, strict=True)]
    await asyncio.wait_for(asyncio.gather(*(flag.wait() for flag in greeted)), READY_TIMEOUT_S)
    ready.set()
    await asyncio.wait_for(asyncio.gather(*listeners), SERVE_TIMEOUT_S)
    return seen


def customers_process(target: Target, tickets: list[tuple[int, str]], ready: Event, out: Connection) -> None:
    """Hold every customer's socket until each is ended; send back what they saw."""
    out.send(asyncio.run(_customers(target, tickets, ready)))


# --- the agents process -----------------------------------------------------------------------------------------


@dataclasses.dataclass
class Tally:
    """What the agents did: per won accept (window, request sent, answer received)."""

    wins: list[tuple[int, int, float, float]] = dataclasses.field(default_factory=list)  # entry, window, sent, ack
    conflicts: int = 0
    errors: list[str] = dataclasses.field(default_factory=list)
    cpu_s: float = 0.0  # the agents process's CPU time while serving


@dataclasses.dataclass
class Desk:
    """One agent's connection; its push socket is read all the time (as the agent app does), so the server's
    pings are answered and pushes never pile up."""

    http: httpx.AsyncClient
    auth: dict[str, str]
    pushes: ClientConnection
    pushed: asyncio.Event = dataclasses.field(default_factory=asyncio.Event)
    reader: asyncio.Task[None] | None = None

    async def read_pushes(self) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for _ in self.pushes:
                self.pushed.set()

    async def next_push(self) -> None:
        """Wait for a push (queue_changed, queue_alert, …), at most a second."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.pushed.wait(), 1.0)
        self.pushed.clear()


async def _login(target: Target, ssl: Any, login_id: str) -> Desk:
    limits = httpx.Limits(keepalive_expiry=3.0)  # drop idle connections before the server does (5 s)
    http = httpx.AsyncClient(verify=ssl, timeout=60, base_url=target.url, limits=limits)
    answer = await http.post("/api/v1/auth/login", json={"login_id": login_id, "password": PASSWORD})
    auth = {"Authorization": f"Bearer {answer.json()['token']}"}
    pushes = await connect(target.ws("/ws/agent"), ssl=ssl, additional_headers=auth, ping_interval=None,
                           compression=None)
    desk = Desk(http, auth, pushes)
    desk.reader = asyncio.create_task(desk.read_pushes())
    return desk


async def _serve_one(desk: Desk, tally: Tally, service_s: float) -> bool:
    entries = (await desk.http.get("/api/v1/queue", headers=desk.auth)).json()["entries"]
    waiting = [entry for entry in entries if entry["state"] != "accepted"]
    if not waiting:
        return False
    entry = waiting[0]
    sent = time.monotonic()
    answer = await desk.http.post(f"/api/v1/queue/{entry['id']}/accept", headers=desk.auth)
    acked = time.monotonic()
    if answer.status_code == 409:
        tally.conflicts += 1
        return True
    if answer.status_code != 200:
        tally.errors.append(f"accept {answer.status_code} {answer.text[:120]}")
        return True
    tally.wins.append((entry["id"], entry["window_id"], sent, acked))
    await asyncio.sleep(service_s)
    ended = await desk.http.post(f"/api/v1/queue/{entry['id']}/end", headers=desk.auth, json={"reason": "served"})
    if ended.status_code != 204:
        tally.errors.append(f"end {ended.status_code} {ended.text[:120]}")
    return True


async def _agent(desk: Desk, tally: Tally, service_s: float, customers: int) -> None:
    while len(tally.wins) < customers:
        try:
            if not await _serve_one(desk, tally, service_s):
                await desk.next_push()
        except httpx.TransportError as exc:  # counted, and the agent carries on (the entry stays waiting)
            tally.errors.append(f"{type(exc).__name__}: {exc}")


@dataclasses.dataclass(frozen=True)
class AgentsJob:
    """What the agents process does (picklable)."""

    target: Target
    logins: list[str]
    customers: int
    service_s: float


async def _agents(job: AgentsJob, ready: Event, go: Event) -> Tally:
    ssl = job.target.ssl()
    desks = [await _login(job.target, ssl, login) for login in job.logins]
    ready.set()
    await asyncio.to_thread(go.wait)
    tally, cpu = Tally(), time.process_time()
    await asyncio.wait_for(asyncio.gather(*(_agent(desk, tally, job.service_s, job.customers) for desk in desks)),
                           SERVE_TIMEOUT_S)
    tally.cpu_s = time.process_time() - cpu
    for desk in desks:
        await desk.pushes.close()
        if desk.reader is not None:
            await desk.reader
        await desk.http.aclose()
    return tally


def agents_process(job: AgentsJob, ready: Event, go: Event, out: Connection) -> None:
    """Log the agents in; on ``go``, serve every customer; send back the tally."""
    out.send(asyncio.run(_agents(job, ready, go)))


# --- figures ----------------------------------------------------------------------------------------------------


def delays(seen: list[Seen], wins: list[tuple[int, int, float, float]], started: float, *,
           field: int) -> list[float]:
    """Per position message during serving: its receipt minus the earliest removal ahead it is the first to
    reflect (``field`` 2: the accept's request sent; 3: its 200 answer received), in seconds."""
    removals: dict[int, list[float]] = {}
    for win in sorted(wins, key=lambda w: w[3]):
        removals.setdefault(win[1], []).append(win[field])
    out = []
    for customer in seen:
        before = [position for t, position in customer.positions if t < started]
        start = known = before[-1] if before else 0
        times = removals.get(customer.window, [])
        for received, position in ((t, p) for t, p in customer.positions if t >= started):
            reflected = start - known
            if position < known and reflected < len(times):
                out.append(received - times[reflected])
            known = min(known, position)
    return sorted(out)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (/proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], share: float) -> float | None:
    """The ``share`` quantile of sorted ``values`` in ms (nearest rank), None when empty."""
    if not values:
        return None
    return round(1000 * values[min(len(values) - 1, int(share * len(values)))], 1)


def exactly_once(seen: list[Seen], tally: Tally, stored: tuple[int, int]) -> bool:
    """Each customer accepted and ended once, each entry won once, the database agrees."""
    won = [win[0] for win in tally.wins]
    return (all(c.accepted == 1 and c.ended == ["served"] for c in seen) and len(won) == len(seen)
            and len(set(won)) == len(won) and stored == (len(seen), len(seen)) and not tally.errors)


@contextlib.contextmanager
def sampling(pid: int, path: str | None) -> Iterator[None]:
    """Run py-spy on the server while serving, when asked and installed."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not path or not Path(spy).exists():
        yield
        return
    process = subprocess.Popen([spy, "record", "-p", str(pid), "-o", path, "-f", "raw", "-r", "100",
                                "--nonblocking", "-t"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        process.send_signal(2)
        process.wait(30)


def receive(pipe: Connection, process: Any) -> Any:
    """The result a client process sends, or an error when it dies first (its traceback is above)."""
    deadline = time.monotonic() + SERVE_TIMEOUT_S
    while not pipe.poll(0.5):
        if not process.is_alive() or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"the bench's {process.name} process failed (see above)")
    return pipe.recv()


# --- one run ----------------------------------------------------------------------------------------------------


def run_once(args: argparse.Namespace, spy_path: str | None) -> dict[str, Any]:
    spawn = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="ferry-bench-queues-") as tmp, \
            running_server(Path(tmp) / "data") as server:
        target = Target(server.url, server.fingerprint)
        window_ids, logins = seed(server, args.windows, args.agents)
        started = time.monotonic()
        tickets = asyncio.run(join_all(target, [window_ids[i % args.windows] for i in range(args.customers)]))
        joined_s = time.monotonic() - started
        customers_ready, agents_ready, go = spawn.Event(), spawn.Event(), spawn.Event()
        customers_in, customers_out = spawn.Pipe(duplex=False)
        agents_in, agents_out = spawn.Pipe(duplex=False)
        customers = spawn.Process(name="customers", target=customers_process,
                                  args=(target, tickets, customers_ready, customers_out))
        job = AgentsJob(target, logins, args.customers, args.service_ms / 1000)
        agents = spawn.Process(name="agents", target=agents_process, args=(job, agents_ready, go, agents_out))
        customers.start()
        agents.start()
        if not (customers_ready.wait(READY_TIMEOUT_S) and agents_ready.wait(READY_TIMEOUT_S)):
            customers.kill()
            agents.kill()
            raise RuntimeError("the bench's clients did not get ready (see above)")
        time.sleep(0.5)  # let the presence of the agents and the greetings settle
        cpu_before = cpu_seconds(server.process.pid)
        try:
            with sampling(server.process.pid, spy_path):
                serving_started = time.monotonic()
                go.set()
                tally: Tally = receive(agents_in, agents)
                served_s = time.monotonic() - serving_started
                cpu = cpu_seconds(server.process.pid) - cpu_before
            seen: list[Seen] = receive(customers_in, customers)
        except RuntimeError:
            kept = Path(tempfile.gettempdir()) / "ferry-bench-queues-server.log"
            shutil.copyfile(server.log_path, kept)
            print(f"The server's log is kept in {kept}", flush=True)
            raise
        customers.join(30)
        agents.join(30)
        stored = stored_outcome(server)
    from_ack = delays(seen, tally.wins, serving_started, field=3)
    from_request = delays(seen, tally.wins, serving_started, field=2)
    rtt = sorted(win[3] - win[2] for win in tally.wins)
    return {"customers": args.customers, "windows": args.windows, "agents": args.agents,
            "served": len(tally.wins), "served_exactly_once": exactly_once(seen, tally, stored),
            "conflicts_409": tally.conflicts, "errors": len(tally.errors), "updates": len(from_ack),
            "join_s": round(joined_s, 2), "serve_s": round(served_s, 2),
            "served_per_s": round(len(tally.wins) / served_s, 1) if served_s else None,
            "update_p50_ms": pct(from_ack, 0.5), "update_p95_ms": pct(from_ack, 0.95),
            "update_max_ms": pct(from_ack, 1.0),
            "update_from_request_p50_ms": pct(from_request, 0.5), "update_from_request_p95_ms": pct(from_request, 0.95),
            "accept_rtt_p50_ms": pct(rtt, 0.5), "accept_rtt_p95_ms": pct(rtt, 0.95),
            "server_cpu_s": round(cpu, 2), "server_cpu_pct": round(100 * cpu / served_s, 1) if served_s else None,
            "agents_client_cpu_pct": round(100 * tally.cpu_s / served_s, 1) if served_s else None,
            "load_average": round(os.getloadavg()[0], 2),
            "first_errors": tally.errors[:3]}


MEDIAN_KEYS = ("served", "conflicts_409", "join_s", "serve_s", "served_per_s", "update_p50_ms", "update_p95_ms",
               "update_max_ms", "update_from_request_p50_ms", "update_from_request_p95_ms", "accept_rtt_p50_ms",
               "accept_rtt_p95_ms", "server_cpu_s", "server_cpu_pct", "agents_client_cpu_pct", "load_average")


def median_of(runs: list[dict[str, Any]], key: str) -> float | None:
    values = [run[key] for run in runs if run[key] is not None]
    return statistics.median(values) if values else None


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--windows", type=int, default=20)
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--service-ms", type=float, default=50.0, help="how long an agent holds each customer")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--py-spy", metavar="PATH", help="sample the server with py-spy while serving (raw "
                                                         "flamegraph; run N writes PATH.N)")
    args = parser.parse_args()
    runs = []
    for number in range(1, args.runs + 1):
        figures = run_once(args, f"{args.py_spy}.{number}" if args.py_spy else None)
        print(f"run {number}: " + ", ".join(f"{k}={v}" for k, v in figures.items()), flush=True)
        runs.append(figures)
    medians = {key: median_of(runs, key) for key in MEDIAN_KEYS}
    p95 = medians["update_p95_ms"]
    result = {"bench": "queues", "runs": args.runs, "customers": args.customers, "windows": args.windows,
              "agents": args.agents, "service_ms": args.service_ms,
              "served_exactly_once": all(run["served_exactly_once"] for run in runs),
              "errors": sum(run["errors"] for run in runs), **medians,
              "update_delay": "customer's receipt of a new position minus the agent's receipt of the 200 of the "
                              "earliest accept (committed) that position is the first to reflect",
              "p95_within_1s": p95 is not None and p95 <= 1000}
    print(f"medians of {args.runs} runs: update delay p95 {p95} ms, p50 {medians['update_p50_ms']} ms; "
          f"{medians['served_per_s']} served/s; every customer served exactly once: {result['served_exactly_once']}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
