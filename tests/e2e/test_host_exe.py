"""The real one-time executable: built with PyInstaller, downloaded stamped, run on Xvfb, gone afterwards.

The build is cached: installers/build_host.py skips PyInstaller when dist/ferry-host was built from the
same sources (dist/ferry-host.sources holds their digest), so only the first run after a change pays
the ~60–90 s. The program is started with no --server, --fingerprint or --code: all three come from
the block the server appended to the download.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.xvfb import XvfbDisplay
from tools.harness import Child, HarnessError, IssuedCode, display_env, issue_code, start_viewer
from tools.server_process import REPO_ROOT, RunningServer, running_server

pytestmark = pytest.mark.e2e

BUILD_TIMEOUT_S = 900


@pytest.fixture(scope="module")
def host_exe() -> Path:
    """dist/ferry-host, built (or found up to date) by installers/build_host.py."""
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed: run `make deps` (it is in the dev extras) to test the executable")
    build = subprocess.run([sys.executable, str(REPO_ROOT / "installers" / "build_host.py")], cwd=REPO_ROOT,
                           capture_output=True, text=True, timeout=BUILD_TIMEOUT_S, check=False)
    assert build.returncode == 0, f"make host-exe failed:\n{build.stdout[-3000:]}\n{build.stderr[-5000:]}"
    path = Path(build.stdout.strip().splitlines()[-1])
    assert path.is_file() and os.access(path, os.X_OK)
    return path


@pytest.fixture()
def exe_server(tmp_path: Path, host_exe: Path) -> Iterator[RunningServer]:
    with running_server(tmp_path / "data", env={"FERRY_HOST_EXE": str(host_exe)}) as running:
        yield running


def download(server: RunningServer, code: str, target: Path) -> Path:
    """What the connection page's download link gives the customer."""
    target.parent.mkdir(parents=True)
    with server.session() as http, http.get(server.api(f"/download/host?code={code}"), stream=True,
                                            timeout=60) as reply:
        assert reply.status_code == 200, reply.text[:500]
        with target.open("wb") as out:
            for chunk in reply.iter_content(1024 * 1024):
                out.write(chunk)
    target.chmod(0o755)
    return target


def wait_for_frames(viewer: Child, timeout: float = 60.0) -> int:
    """Frames the viewer decoded, once there is at least one (its stats lines come every second)."""
    while True:
        frames = int(viewer.wait_event("stats", timeout=timeout)["frames"])
        if frames > 0:
            return frames


def end_as_agent(server: RunningServer, token: str, session_id: str) -> None:
    with server.session() as http:
        reply = http.post(server.api(f"/api/v1/sessions/{session_id}/end"), json={"reason": "done, thank you"},
                          headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert reply.status_code == 204, reply.text


def leftovers(temp: Path) -> list[str]:
    return sorted(p.name for p in temp.iterdir() if p.name.startswith(("_MEI", "ferry-host-")))


@dataclasses.dataclass
class Customer:
    """The customer's PC: the downloaded program, its temp folder, its log folder, the running program."""

    issued: IssuedCode
    program: Path
    temp: Path
    state: Path
    host: Child
    viewer: Child

    def receipt(self) -> list[str]:
        lines = (self.state / "ferry" / "host.log").read_text(encoding="utf-8").splitlines()
        return [line for line in lines if line.startswith("Ferry host ")]  # the log also holds grants

    def ended_event(self) -> dict[str, Any]:
        records = [json.loads(line) for line in self.host.seen if line.startswith("{")]
        ended = [r for r in records if isinstance(r, dict) and r.get("event") == "ended"]
        assert ended, "\n".join(self.host.seen[-30:])
        return ended[0]


@pytest.fixture()
def customer(exe_server: RunningServer, xvfb: XvfbDisplay, tmp_path: Path) -> Iterator[Customer]:
    """The stamped program downloaded and started on Xvfb with --accept, a headless viewer on its session."""
    issued = issue_code(exe_server)
    home = tmp_path / "customer"
    program = download(exe_server, issued.code, home / "Downloads" / "ferry-host")
    temp, state = home / "tmp", home / "state"
    temp.mkdir()
    env = display_env(xvfb.name, {"TMPDIR": str(temp), "XDG_STATE_HOME": str(state), "BROWSER": "true"})
    env = {k: v for k, v in env.items() if not k.startswith("FERRY_")}  # nothing but the stamp says where to go
    host = Child("ferry-host (frozen)", [str(program), "--accept", "--events-stdout"], env=env, cwd=str(home))
    viewer = start_viewer(exe_server, issued, None)
    try:
        host.wait_event("live", timeout=90)
        assert wait_for_frames(viewer) > 0  # real capture and H.264 from inside the one-file binary
        assert any(n.startswith("_MEI") for n in leftovers(temp))  # the bootloader extracts under our TMPDIR
        yield Customer(issued, program, temp, state, host, viewer)
    except HarnessError:
        raise AssertionError("the frozen host did not run its session:\n" + "\n".join(host.seen[-40:])) from None
    finally:
        viewer.stop()
        host.stop()


@pytest.mark.timeout(BUILD_TIMEOUT_S + 300)
def test_the_stamped_executable_runs_a_session_and_removes_itself(
        exe_server: RunningServer, customer: Customer) -> None:
    end_as_agent(exe_server, customer.issued.token, customer.issued.session_id)
    customer.host.wait_event("ended", timeout=30)
    assert customer.host.process.wait(timeout=30) == 0, "\n".join(customer.host.seen[-30:])
    assert not customer.program.exists(), "the one-time program is still there after the session"
    assert leftovers(customer.temp) == [], "temporary files are left behind"
    receipt = customer.receipt()
    assert len(receipt) == 1 and receipt[0].startswith("Ferry host removed itself after the session with ")
    assert customer.ended_event()["frames_sent"] > 0


@pytest.mark.timeout(BUILD_TIMEOUT_S + 300)
def test_after_a_network_loss_the_executable_still_removes_itself(
        exe_server: RunningServer, customer: Customer) -> None:
    exe_server.process.kill()  # the server (and with it the relay) vanishes mid-session
    exe_server.process.wait()
    customer.host.wait_event("ended", timeout=60)
    assert customer.host.process.wait(timeout=30) != 0  # the session ended on an error …
    assert not customer.program.exists()  # … and the one-time program is gone all the same
    assert leftovers(customer.temp) == []
    assert customer.receipt()[0].startswith("Ferry host removed itself after the session with ")
