"""Agent logins per second and their latency with many concurrent clients on loopback, against the real server.

Starts ``python -m server`` on a temporary data directory (SQLite), writes ``--agents`` agents straight into
its database (one Argon2id hash made with the server's parameters, shared: the server verifies each login
the same way), then ``--clients`` asyncio clients (httpx, one pinned TLS connection each) log in over and
over for ``--seconds``, each as its own agent. No push socket is opened, so repeated logins of one agent are
not duplicate logins. Prints logins/s, p50/p95/p99 latency, errors, the Argon2 parameters, the server's CPU
use and peak memory; the last line is one JSON object (``logins_per_s``, ``p95_ms``, …).

    .venv/bin/python -m bench.server_login --clients 200 --seconds 20
    .venv/bin/python -m bench.server_login --hash-table     # only the per-hash cost of candidate parameters
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import statistics
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from server.config import default_database_url
from server.db import Database, create_db_engine
from server.models import Company, Group, User
from server.security import argon2_parameters, hash_password
from tools.server_process import RunningServer, running_server

PASSWORD = "Bench-pass-47"
LOGIN = "/api/v1/auth/login"
CLK_TCK = os.sysconf("SC_CLK_TCK")
CANDIDATES = (  # (time_cost, memory KiB, parallelism): OWASP's equivalent Argon2id settings and library defaults
    (2, 19456, 1), (1, 47104, 1), (3, 12288, 1), (4, 9216, 1), (5, 7168, 1), (3, 65536, 4), (2, 65536, 1),
)


@dataclasses.dataclass
class Tally:
    """What the clients saw: one latency per successful login, a count per kind of failure."""

    latencies_ms: list[float] = dataclasses.field(default_factory=list)
    errors: Counter[str] = dataclasses.field(default_factory=Counter)


def seed_agents(server: RunningServer, count: int) -> list[str]:
    """``count`` agents ``bench-0000``… in one company and group, all with ``PASSWORD``; their login IDs."""
    shared_hash = hash_password(PASSWORD)
    ids = [f"bench-{i:04d}" for i in range(count)]

    def add(db: Session) -> None:
        company = Company(name="Bench Co")
        db.add(company)
        db.flush()
        group = Group(company_id=company.id, name="Bench")
        db.add(group)
        db.flush()
        db.add_all(User(login_id=login_id, name=login_id, password_hash=shared_hash, company_id=company.id,
                        group_id=group.id) for login_id in ids)

    db = Database(create_db_engine(default_database_url(server.data_dir)))
    try:
        db.run(add)
    finally:
        db.dispose()
    return ids


async def client(http: httpx.AsyncClient, url: str, login_id: str, stop_at: float, tally: Tally) -> None:
    """Log in as ``login_id`` again and again until ``stop_at`` (monotonic seconds)."""
    body = {"login_id": login_id, "password": PASSWORD}
    while time.monotonic() < stop_at:
        started = time.perf_counter()
        try:
            answer = await http.post(url, json=body)
        except httpx.HTTPError as exc:
            tally.errors[type(exc).__name__] += 1
            continue
        if answer.status_code == 200:
            tally.latencies_ms.append((time.perf_counter() - started) * 1000)
        else:
            tally.errors[f"HTTP {answer.status_code}"] += 1


async def run_clients(server: RunningServer, ids: list[str], clients: int, seconds: float) -> Tally:
    """``clients`` concurrent clients for ``seconds``; client i logs in as ``ids[i % len(ids)]``."""
    tally = Tally()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    timeout = httpx.Timeout(60.0)
    async with httpx.AsyncClient(verify=server.ssl_context(), limits=limits, timeout=timeout) as http:
        stop_at = time.monotonic() + seconds
        await asyncio.gather(*(client(http, server.api(LOGIN), ids[i % len(ids)], stop_at, tally)
                               for i in range(clients)))
    return tally


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of process ``pid`` so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def peak_rss_mib(pid: int) -> float:
    """The process's peak resident memory (VmHWM) in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: list[float], q: int) -> float:
    """The q-th percentile (1..99) of ``values``; 0 when there are fewer than two."""
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else 0.0


def measure(clients: int, seconds: float, agents: int) -> dict[str, object]:
    """Run the whole benchmark; the figures."""
    with tempfile.TemporaryDirectory(prefix="ferry-bench-login-") as tmp, \
            running_server(Path(tmp) / "data", seed_demo=False) as server:
        ids = seed_agents(server, agents)
        pid, load = server.process.pid, os.getloadavg()[0]
        cpu_before, client_before, wall_before = cpu_seconds(pid), time.process_time(), time.monotonic()
        tally = asyncio.run(run_clients(server, ids, clients, seconds))
        wall = time.monotonic() - wall_before
        server_cpu, client_cpu = cpu_seconds(pid) - cpu_before, time.process_time() - client_before
        rss = peak_rss_mib(pid)
    ok = tally.latencies_ms
    return {
        "bench": "server_login", "clients": clients, "agents": agents, "seconds": round(wall, 2),
        "logins": len(ok), "logins_per_s": round(len(ok) / wall, 1),
        "p50_ms": round(percentile(ok, 50), 1), "p95_ms": round(percentile(ok, 95), 1),
        "p99_ms": round(percentile(ok, 99), 1), "max_ms": round(max(ok, default=0.0), 1),
        "errors": sum(tally.errors.values()), "error_kinds": dict(tally.errors),
        "argon2": argon2_parameters(), "cpu_count": os.cpu_count(),
        "server_cpu_percent": round(100 * server_cpu / wall, 1),
        "client_cpu_percent": round(100 * client_cpu / wall, 1),
        "server_peak_rss_mib": round(rss, 1),
        "load_1min_before": round(load, 2),  # the machine is shared: other work here slows every figure
    }


def hash_cost(time_cost: int, memory_kib: int, parallelism: int, threads: int, rounds: int = 6) -> float:
    """Milliseconds per verification when ``threads`` threads verify at once (argon2 releases the GIL)."""
    hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)
    made = hasher.hash(PASSWORD)

    def work() -> None:
        for _ in range(rounds):
            hasher.verify(made, PASSWORD)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return (time.perf_counter() - started) * 1000 / rounds


def hash_table() -> list[dict[str, object]]:
    """Per-hash cost of each candidate setting: alone, and with 40 threads at once (the thread pool's size)."""
    print(f"1-minute load before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    rows: list[dict[str, object]] = []
    for t, m, p in CANDIDATES:
        alone = hash_cost(t, m, p, threads=1)
        loaded = hash_cost(t, m, p, threads=40, rounds=2)
        rows.append({"time_cost": t, "memory_kib": m, "parallelism": p, "ms_alone": round(alone, 1),
                     "ms_per_batch_of_40": round(loaded, 1), "hashes_per_s": round(40_000 / loaded, 1),
                     "memory_40_at_once_mib": round(40 * m / 1024)})
        print(f"t={t} m={m:>5} KiB p={p}: {alone:6.1f} ms alone, {40_000 / loaded:6.1f} hashes/s with 40 threads, "
              f"{40 * m / 1024:5.0f} MiB for 40 at once")
    return rows


def report(figures: dict[str, object]) -> None:
    """The human-readable lines; the JSON line is printed by ``main``."""
    print(f"Argon2id: {figures['argon2']}")
    print(f"{figures['clients']} clients, {figures['agents']} agents, {figures['seconds']} s on "
          f"{figures['cpu_count']} CPUs (1-minute load before: {figures['load_1min_before']})")
    print(f"logins/s: {figures['logins_per_s']}  ({figures['logins']} logins)")
    print(f"latency ms: p50 {figures['p50_ms']}  p95 {figures['p95_ms']}  p99 {figures['p99_ms']}  "
          f"max {figures['max_ms']}")
    print(f"errors: {figures['errors']} {figures['error_kinds'] or ''}")
    print(f"server CPU {figures['server_cpu_percent']}% (100% = one core), peak RSS "
          f"{figures['server_peak_rss_mib']} MiB; bench client CPU {figures['client_cpu_percent']}%")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200, help="concurrent clients (default 200)")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long the clients log in (default 20)")
    parser.add_argument("--agents", type=int, default=None, help="agents to seed (default: one per client)")
    parser.add_argument("--hash-table", action="store_true", help="only measure candidate Argon2 parameters")
    args = parser.parse_args()
    if args.hash_table:
        print(json.dumps({"bench": "argon2_parameters", "rows": hash_table()}))
        return
    figures = measure(args.clients, args.seconds, args.agents or args.clients)
    report(figures)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
