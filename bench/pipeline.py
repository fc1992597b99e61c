"""The whole video path at 1920×1080, measured: host on Xvfb → TLS relay → viewer decode.

Run: ``.venv/bin/python -m bench.pipeline [--busy 20] [--static 10]``. A workload on
the host's display types, scrolls and drags a window at 30 fps, stamping a frame
counter into the top-left corner and noting when each counter became visible; the
headless viewer reads the stamp back from every decoded frame. Prints delivered fps
and share, visible→decoded latency, bytes per second busy and static, and CPU seconds per
process in the busy phase (``cpu_s``) and in the static phase (``cpu_static_s``). The last
line is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.xvfb import start_xvfb
from tools.harness import Child, cpu_seconds, display_env, issue_code, python_module, start_host, start_viewer
from tools.server_process import start_server


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))] if ordered else float("nan")


def bytes_between(stats: list[dict[str, Any]], start_ns: int, end_ns: int) -> float:
    """Bytes per second the viewer received between two instants (from its stats lines)."""
    inside = [s for s in stats if start_ns <= s["t_ns"] <= end_ns]
    if len(inside) < 2:
        return float("nan")
    first, last = inside[0], inside[-1]
    received: int = last["bytes_in"] - first["bytes_in"]
    elapsed_ns: int = last["t_ns"] - first["t_ns"]
    return received / (elapsed_ns / 1e9)


def stats_lines(viewer: Child) -> list[dict[str, Any]]:
    records = [json.loads(line) for line in viewer.seen if line.startswith("{")]
    return [r for r in records if r.get("event") == "stats"]


def latency_figures(visible: dict[int, int], decoded: list[list[int]], busy: tuple[int, int]) -> dict[str, float]:
    first_seen: dict[int, int] = {}
    for counter, t_ns in decoded:
        first_seen.setdefault(counter, t_ns)
    in_busy = [c for c, t in visible.items() if busy[0] <= t <= busy[1]]
    latencies = [(first_seen[c] - visible[c]) / 1e6 for c in in_busy if c in first_seen]
    seconds = (busy[1] - busy[0]) / 1e9
    return {
        "workload_fps": round(len(in_busy) / seconds, 1),
        "fps": round(len(latencies) / seconds, 1),
        "delivered_share": round(len(latencies) / max(1, len(in_busy)), 3),
        "latency_p50_ms": round(statistics.median(latencies), 1) if latencies else float("nan"),
        "latency_p95_ms": round(percentile(latencies, 95), 1),
    }


def run(busy_s: float, static_s: float, workdir: Path) -> dict[str, Any]:
    with contextlib.ExitStack() as cleanup:  # stops, in reverse order, whatever did start
        display = start_xvfb()
        cleanup.callback(display.stop)
        server = start_server(workdir / "server-data")
        cleanup.callback(server.stop)
        workload = _started(cleanup, Child("workload", python_module("bench.workload", str(workdir / "visible.json")),
                                           env=display_env(display.name), stdin=True))
        workload.wait_event("ready", timeout=30)
        issued = issue_code(server)
        host = _started(cleanup, start_host(server, issued.code, display.name, "--accept", "--grant-control"))
        viewer = _started(cleanup, start_viewer(server, issued, None, "--frame-tap", "bench.pipeline_tap:tap"))
        return measure(workload, host, viewer, server.process.pid, busy_s=busy_s, static_s=static_s,
                       workdir=workdir)


def _started(cleanup: contextlib.ExitStack, child: Child) -> Child:
    cleanup.callback(child.stop)
    return child


def measure(workload: Child, host: Child, viewer: Child, server_pid: int, *, busy_s: float, static_s: float,
            workdir: Path) -> dict[str, Any]:
    host.wait_event("live", timeout=60)
    time.sleep(2.0)  # first keyframe and warm-up
    pids = {"host": host.pid, "viewer": viewer.pid, "server": server_pid, "workload": workload.pid}
    cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    workload.write("busy")
    busy_start = time.monotonic_ns()
    time.sleep(busy_s)
    busy_end = time.monotonic_ns()
    cpu_busy = {name: round(cpu_seconds(pid) - cpu_before[name], 2) for name, pid in pids.items()}
    workload.write("static")
    time.sleep(1.0)
    static_start = time.monotonic_ns()
    cpu_still = {name: cpu_seconds(pid) for name, pid in pids.items()}
    time.sleep(static_s)
    static_end = time.monotonic_ns()
    cpu_static = {name: round(cpu_seconds(pid) - cpu_still[name], 2) for name, pid in pids.items()}
    workload.write("quit")
    workload.process.wait(10)
    host.stop()
    viewer.process.wait(15)
    visible = {c: t for c, t in json.loads((workdir / "visible.json").read_text())["frames"]}
    decoded = json.loads((workdir / "tap.json").read_text())["frames"]
    figures: dict[str, Any] = dict(latency_figures(visible, decoded, (busy_start, busy_end)))
    stats = stats_lines(viewer)
    figures["busy_bytes_per_s"] = round(bytes_between(stats, busy_start, busy_end))
    figures["static_bytes_per_s"] = round(bytes_between(stats, static_start, static_end))
    figures["cpu_s"] = cpu_busy
    figures["cpu_static_s"] = cpu_static
    figures["busy_seconds"] = busy_s
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--busy", type=float, default=20.0, help="seconds of workload animation")
    parser.add_argument("--static", type=float, default=10.0, help="seconds of unchanged screen")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ferry-bench-") as tmp:
        workdir = Path(tmp)
        os.environ["FERRY_BENCH_TAP_OUT"] = str(workdir / "tap.json")
        figures = run(args.busy, args.static, workdir)
    for key, value in figures.items():
        print(f"{key:>20}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
