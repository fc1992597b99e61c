"""Process orchestration shared by the demo, the benchmarks and the end-to-end tests.

Starts the real programs as subprocesses (server, host, viewer, sample apps),
reads the JSON lines they print, and stops everything it started.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from tools.server_process import RunningServer


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc; 0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class HarnessError(RuntimeError):
    """A program did not start or did not answer in time."""


class Child:
    """A subprocess whose stdout lines are collected in the background."""

    def __init__(self, name: str, args: list[str], env: dict[str, str] | None = None,
                 stdin: bool = False, cwd: str | None = None) -> None:
        self.name = name
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.process = subprocess.Popen(
            args, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL, text=True, encoding="utf-8",
            start_new_session=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.seen.append(line.rstrip("\n"))
            self.lines.put(line.rstrip("\n"))

    @property
    def pid(self) -> int:
        return self.process.pid

    def write(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def wait_line(self, pattern: str, timeout: float = 30.0) -> re.Match[str]:
        """The first new line matching ``pattern`` (regex); HarnessError when none comes or the child exits."""
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern)
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=min(left, 0.5))
            except queue.Empty:
                if not self._reader.is_alive() and self.lines.empty():  # all its output is read
                    raise HarnessError(self._failure(f"{self._gone()} before printing a line matching "
                                                     f"{pattern!r}")) from None
                continue
            if match := regex.search(line):
                return match
        raise HarnessError(self._failure(f"no line matching {pattern!r} within {timeout:.0f} s"))

    def wait_event(self, name: str, timeout: float = 30.0, **fields: Any) -> dict[str, Any]:
        """The next JSON line with {"event": name} and the given field values (other lines are skipped)."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            match = self.wait_line(r'^\{.*"event"', timeout=left)
            try:
                record = json.loads(match.string)
            except json.JSONDecodeError:
                continue  # a log line that merely starts with "{"
            if (isinstance(record, dict) and record.get("event") == name
                    and all(record.get(k) == v for k, v in fields.items())):
                return record
        raise HarnessError(f"{self.name}: no {name!r} event within {timeout:.0f} s")

    def _gone(self) -> str:
        try:
            code = self.process.wait(timeout=2.0)
        except subprocess.TimeoutExpired:
            return "closed its output"
        return f"exited with code {code}"

    def _failure(self, what: str) -> str:
        return f"{self.name}: {what}; last output:\n" + "\n".join(self.seen[-25:])

    def cpu_seconds(self) -> float:
        """User + system CPU time of the process so far."""
        return cpu_seconds(self.pid)

    def stop(self, timeout: float = 5.0) -> None:
        """SIGTERM the process group, then SIGKILL when it does not go."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def python_module(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]


@dataclasses.dataclass(frozen=True)
class IssuedCode:
    """What POST /api/v1/sessions answered."""

    token: str
    session_id: str
    code: str
    secret: str


def issue_code(server: RunningServer, token: str | None = None) -> IssuedCode:
    """Log in as the demo agent (unless a token is given) and create a connection code."""
    token = token or server.login()
    with server.session() as http:
        reply = http.post(f"{server.url}/api/v1/sessions", headers={"Authorization": f"Bearer {token}"},
                          timeout=10)
    reply.raise_for_status()
    body = reply.json()
    return IssuedCode(token, body["session_id"], body["code"], body["secret"])


def display_env(display: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "LANG": "C.UTF-8"})
    env.pop("WAYLAND_DISPLAY", None)
    env.update(extra or {})
    return env


def start_host(server: RunningServer, code: str, display: str, *extra: str) -> Child:
    """ferry-host joining by ``code`` on ``display``, printing JSON events."""
    return Child("host", python_module("host_module", "--server", server.url, "--fingerprint",
                                       server.fingerprint, "--code", code, "--events-stdout", *extra),
                 env=display_env(display))


def start_viewer(server: RunningServer, issued: IssuedCode, display: str | None, *extra: str) -> Child:
    """ferry-viewer for an issued session (headless when ``display`` is None)."""
    env = display_env(display) if display else dict(os.environ)
    env.update({"FERRY_TOKEN": issued.token, "FERRY_SESSION_SECRET": issued.secret})
    args = ["--server", server.url, "--fingerprint", server.fingerprint, "--session", issued.session_id,
            "--events-stdout", *extra]
    if display is None:
        args.append("--headless")
    return Child("viewer", python_module("viewer", *args), env=env)
