"""``python -m agent`` as a demo script drives it: auto-login, auto-code, JSON events on stdout."""

from __future__ import annotations

import json
import os
import queue
import shlex
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest

from tests.integration import server_fixture
from tests.integration.server_fixture import REPO_ROOT, RunningServer, wait_until
from tests.integration.test_agent_app import FAKE_VIEWER, _join

pytestmark = pytest.mark.integration
ferry_server = server_fixture.ferry_server
WAIT_S = 30.0


class EventReader:
    """Reads the agent's stdout in a thread; ``next(name)`` waits for the next line with that event."""

    def __init__(self, stream: IO[str]) -> None:
        self.lines: list[dict[str, Any]] = []
        self._queue: queue.Queue[dict[str, Any] | None] = queue.Queue()
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream: IO[str]) -> None:
        for raw in stream:
            self._queue.put(json.loads(raw))  # every stdout line must be JSON
        self._queue.put(None)

    def next(self, name: str) -> dict[str, Any]:
        while True:
            line = self._queue.get(timeout=WAIT_S)
            assert line is not None, f"the agent's stdout ended before {name!r}: {self.lines}"
            self.lines.append(line)
            if line["event"] == name:
                return line


@pytest.fixture()
def agent_process(ferry_server: RunningServer,
                  tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    password_file = tmp_path / "password"
    password_file.write_text(ferry_server.password + "\n", encoding="utf-8")
    viewer_out = tmp_path / "viewer.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FERRY_")}
    env["FERRY_VIEWER_COMMAND"] = shlex.join([sys.executable, "-c", FAKE_VIEWER, str(viewer_out)])
    env["PYTHONUNBUFFERED"] = "1"
    process = subprocess.Popen(
        [sys.executable, "-m", "agent", "--server", ferry_server.url,
         "--fingerprint", ferry_server.fingerprint,
         "--login-id", ferry_server.login_id, "--password-file", str(password_file),
         "--auto-login", "--auto-code", "--events-stdout"],
        cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE,
        stderr=open(tmp_path / "agent.log", "w"),  # noqa: SIM115 (the child keeps it)
        text=True, encoding="utf-8",
    )
    yield process, viewer_out
    if process.poll() is None:
        process.kill()
        process.wait()


def test_scripted_agent_runs_a_whole_session(
        agent_process: tuple[subprocess.Popen[str], Path], ferry_server: RunningServer) -> None:
    process, viewer_out = agent_process
    assert process.stdout is not None
    events = EventReader(process.stdout)
    logged_in = events.next("logged_in")
    assert logged_in["login_id"] == ferry_server.login_id and "token" not in logged_in
    code = events.next("code")
    assert len(code["code"]) == 6 and code["code"].isdigit() and code["expires_at"]
    joined = _join(ferry_server, code["code"])
    assert events.next("customer_joined")["session_id"] == code["session_id"]
    assert events.next("state")["state"] == "in_session"
    started = events.next("viewer_started")
    assert wait_until(viewer_out.exists, timeout=WAIT_S)
    seen = json.loads(viewer_out.read_text())
    assert seen["pid"] == started["pid"] and seen["secret"] == joined["secret"]
    assert seen["argv"][-2:] == ["--session", code["session_id"]]
    Path(str(viewer_out) + ".release").write_text("0")
    assert events.next("viewer_exited")["code"] == 0
    assert events.next("state")["state"] == "agent_waiting"
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=WAIT_S) == 0
    for line in events.lines:
        assert ferry_server.password not in json.dumps(line)
        assert joined["secret"] not in json.dumps(line)


def test_a_refused_login_is_reported(ferry_server: RunningServer, tmp_path: Path) -> None:
    password_file = tmp_path / "password"
    password_file.write_text("not-the-password\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FERRY_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "agent", "--server", ferry_server.url,
         "--fingerprint", ferry_server.fingerprint,
         "--login-id", "nobody-here", "--password-file", str(password_file), "--auto-login",
         "--events-stdout"],
        cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        text=True, encoding="utf-8",
    )
    try:
        assert process.stdout is not None
        failed = EventReader(process.stdout).next("login_failed")
        assert failed["detail"]
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=WAIT_S) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_bad_arguments_exit_with_a_sentence() -> None:
    answer = subprocess.run([sys.executable, "-m", "agent", "--server", "http://plain.example"],
                            cwd=REPO_ROOT, capture_output=True, text=True, timeout=WAIT_S, check=False)
    assert answer.returncode == 2
    assert "must start with https://" in answer.stderr
