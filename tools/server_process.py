"""Start the real Ferry server as a subprocess on a loopback port (tests, benchmarks, the demo).

Plain use::

    from tools.server_process import running_server
    with running_server(tmp_path / "ferry") as server:
        http = server.session()                       # requests.Session pinned to the server
        token = server.login()                        # demo agent's bearer token
        server.url, server.fingerprint, server.cert_path, server.login_id, server.password

The pytest fixtures built on it are in tests/integration/server_fixture.py.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import signal
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from transport.tls import PinnedSession, pinned_session, pinned_ssl_context

REPO_ROOT = Path(__file__).resolve().parents[1]
READY = re.compile(r"^Ferry server ready at (https://\S+)$")
FINGERPRINT = re.compile(r"^SHA-256 fingerprint: ([0-9A-F:]{95})$")
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0


class ServerStartError(RuntimeError):
    """The server subprocess did not come up; the message holds the end of its output."""


@dataclasses.dataclass
class RunningServer:
    """A server subprocess that printed its ready line."""

    url: str  # https://127.0.0.1:PORT
    fingerprint: str  # "AB:CD:…"
    data_dir: Path
    process: subprocess.Popen[str]
    stdout_lines: list[str]
    log_path: Path
    login_id: str = ""
    password: str = ""

    @property
    def port(self) -> int:
        """The TCP port the server listens on."""
        return int(self.url.rsplit(":", 1)[1])

    @property
    def cert_path(self) -> Path:
        """The server's certificate (PEM), usable as ``cafile``."""
        return self.data_dir / "tls" / "server.crt"

    @property
    def credentials(self) -> dict[str, str]:
        """The demo agent's ``{"login_id", "password"}``."""
        return {"login_id": self.login_id, "password": self.password}

    def ws_url(self, path: str) -> str:
        """``wss://`` URL of ``path`` on this server."""
        return "wss://" + self.url.removeprefix("https://") + "/" + path.lstrip("/")

    def api(self, path: str) -> str:
        """``https://`` URL of ``path`` on this server."""
        return self.url + "/" + path.lstrip("/")

    def session(self) -> PinnedSession:
        """A ``requests.Session`` pinned to this server's certificate (``transport.tls``)."""
        return pinned_session(self.url, fingerprint=self.fingerprint)

    def ssl_context(self) -> ssl.SSLContext:
        """An ``ssl.SSLContext`` trusting only this server's certificate (for WebSocket clients)."""
        return pinned_ssl_context(self.url, fingerprint=self.fingerprint)

    def login(self, login_id: str | None = None, password: str | None = None) -> str:
        """Log in (the demo agent by default) and return the bearer token."""
        with self.session() as http:
            body = {"login_id": login_id or self.login_id, "password": password or self.password}
            answer = http.post(self.api("/api/v1/auth/login"), json=body, timeout=10)
        answer.raise_for_status()
        return str(answer.json()["token"])

    def log_text(self) -> str:
        """Everything the server wrote to standard error so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> int:
        """SIGTERM, wait (then kill); the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def _pump_stdout(stream: IO[str], lines: list[str], ready: threading.Event) -> None:
    for raw in stream:
        lines.append(raw.rstrip("\n"))
        if READY.match(lines[-1]):
            ready.set()
    ready.set()  # end of output: the process exited


def _server_env(env: Mapping[str, str] | None) -> dict[str, str]:
    merged = {k: v for k, v in os.environ.items() if not k.startswith("FERRY_")}
    merged["PYTHONUNBUFFERED"] = "1"
    merged.update(env or {})
    return merged


def start_server(
    data_dir: Path, *, env: Mapping[str, str] | None = None, args: Sequence[str] = (),
    seed_demo: bool = True, timeout: float = START_TIMEOUT_S,
) -> RunningServer:
    """Run ``python -m server --data-dir DATA --host 127.0.0.1 --port 0 [--seed-demo]`` and wait for it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir.parent / f"{data_dir.name}-server.log"
    command = [sys.executable, "-m", "server", "--data-dir", str(data_dir), "--host", "127.0.0.1",
               "--port", "0", *(["--seed-demo"] if seed_demo else []), *args]
    with open(log_path, "a", encoding="utf-8") as log:
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=_server_env(env), stdout=subprocess.PIPE,
                                   stderr=log, text=True, encoding="utf-8")
    lines: list[str] = []
    ready = threading.Event()
    assert process.stdout is not None
    threading.Thread(target=_pump_stdout, args=(process.stdout, lines, ready), daemon=True).start()
    if not ready.wait(timeout) or not any(READY.match(line) for line in lines):
        process.kill()
        process.wait()
        tail = log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise ServerStartError(f"the Ferry server did not start: stdout={lines!r}\nstderr tail:\n{tail}")
    return _running(data_dir, process, lines, log_path)


def _running(
    data_dir: Path, process: subprocess.Popen[str], lines: list[str], log_path: Path,
) -> RunningServer:
    url = next(m.group(1) for m in map(READY.match, lines) if m)
    fingerprint = next(m.group(1) for m in map(FINGERPRINT.match, lines) if m)
    server = RunningServer(url, fingerprint, data_dir, process, lines, log_path)
    credentials = data_dir / "demo-credentials.json"
    if credentials.exists():
        demo = json.loads(credentials.read_text(encoding="utf-8"))
        server.login_id, server.password = demo["login_id"], demo["password"]
    return server


@contextmanager
def running_server(data_dir: Path, **kwargs: Any) -> Iterator[RunningServer]:
    """``start_server`` as a context manager that always stops the server."""
    server = start_server(data_dir, **kwargs)
    try:
        yield server
    finally:
        server.stop()
