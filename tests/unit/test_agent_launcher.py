"""The viewer launcher: command line, environment, exits, crashes, failures to start, termination.

The viewer is replaced by a few lines of Python that record their arguments and environment
(FAKE_VIEWER); ``mode`` picks how it ends.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from agent.config import TlsConfig
from agent.launcher import ViewerLauncher, ViewerRequest

FAKE_VIEWER = r"""
import json, os, signal, sys
out, mode = sys.argv[1], sys.argv[2]
with open(out, "w") as f:
    json.dump({"argv": sys.argv[3:], "token": os.environ.get("FERRY_TOKEN"),
               "secret": os.environ.get("FERRY_SESSION_SECRET")}, f)
print("fake viewer says hello", flush=True)
if mode == "crash":
    os.kill(os.getpid(), signal.SIGKILL)
if mode == "wait":
    signal.pause()
sys.exit(int(mode))
"""
SECRET = "ab" * 32


def fake_viewer(out: Path, mode: str) -> list[str]:
    """A command line for the fake viewer writing to ``out`` and ending per ``mode``."""
    return [sys.executable, "-c", FAKE_VIEWER, str(out), mode]


def _request(sid: str = "sid1") -> ViewerRequest:
    return ViewerRequest("https://127.0.0.1:8443", TlsConfig(fingerprint="AA:BB"), sid, "tok-123", SECRET)


def test_launch_passes_arguments_and_secrets_in_the_environment(qtbot, tmp_path: Path) -> None:
    out = tmp_path / "viewer.json"
    launcher = ViewerLauncher(command=fake_viewer(out, "0"))
    lines: list[list[str]] = []
    launcher.output.connect(lambda sid, line: lines.append([sid, line]))
    with qtbot.waitSignal(launcher.started) as started, qtbot.waitSignal(launcher.exited) as exited:
        launcher.launch(_request())
    assert started.args[0] == "sid1" and started.args[1] > 0
    assert exited.args == ["sid1", 0, False]
    seen = json.loads(out.read_text())
    assert seen == {"argv": ["--server", "https://127.0.0.1:8443", "--fingerprint", "AA:BB",
                             "--session", "sid1"],
                    "token": "tok-123", "secret": SECRET}
    assert launcher.running() == []
    assert lines == [["sid1", "fake viewer says hello"]]
    assert "tok-123" not in repr(_request()) and SECRET not in repr(_request())


def test_module_level_override_is_used(qtbot, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "viewer.json"
    monkeypatch.setattr("agent.launcher.VIEWER_COMMAND", fake_viewer(out, "3"))
    launcher = ViewerLauncher()
    with qtbot.waitSignal(launcher.exited) as exited:
        launcher.launch(_request("sid2"))
    assert exited.args == ["sid2", 3, False]
    assert json.loads(out.read_text())["argv"][-1] == "sid2"


def test_crash_is_reported(qtbot, tmp_path: Path) -> None:
    launcher = ViewerLauncher(command=fake_viewer(tmp_path / "v.json", "crash"))
    with qtbot.waitSignal(launcher.exited) as exited:
        launcher.launch(_request())
    assert exited.args[0] == "sid1" and exited.args[2] is True


def test_missing_program_fails_without_hanging(qtbot, tmp_path: Path) -> None:
    launcher = ViewerLauncher(command=[str(tmp_path / "no-such-viewer")])
    with qtbot.waitSignal(launcher.failed) as failed:
        launcher.launch(_request())
    assert failed.args[0] == "sid1" and "Could not start the viewer" in failed.args[1]
    assert launcher.running() == []


def test_terminate_all_ends_running_viewers(qtbot, tmp_path: Path) -> None:
    out = tmp_path / "v.json"
    launcher = ViewerLauncher(command=fake_viewer(out, "wait"))
    with qtbot.waitSignal(launcher.started):
        launcher.launch(_request())
    launcher.launch(_request())  # a second launch for the same session is ignored
    qtbot.waitUntil(out.exists)
    assert launcher.running() == ["sid1"]
    with qtbot.waitSignal(launcher.exited) as exited:
        launcher.terminate_all(timeout_ms=3000)
    assert exited.args[0] == "sid1" and exited.args[2] is True
    assert launcher.running() == []
