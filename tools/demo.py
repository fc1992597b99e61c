"""``make demo``: one whole support session on an embedded default.

Starts the server (SQLite under ./ferry-data, demo company/group/agent made on first
start), a customer desktop on its own Xvfb display running the sample application,
the agent app logged in as the demo agent, ``ferry-host`` joining by the code the
agent app shows, and the viewer the agent app opens. With a display the windows stay
until you close the agent app or press Ctrl+C. Without one everything runs on Xvfb,
a scripted session runs (connect, take control, click and type into the sample
application, end), screenshots go to demo-output/ and a short report is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import mss
import mss.tools

from tests.xvfb import XvfbDisplay, start_xvfb
from tools.harness import Child, HarnessError, display_env, python_module, start_host
from tools.server_process import RunningServer, ServerStartError, start_server

TYPED = "Hello from Ferry 안녕하세요"


def has_display() -> bool:
    """True when $DISPLAY names a working X display."""
    display = os.environ.get("DISPLAY")
    if not display or shutil.which("xdpyinfo") is None:
        return False
    return subprocess.run(["xdpyinfo"], capture_output=True, check=False).returncode == 0


def screenshot(display: str, path: Path) -> None:
    with mss.MSS(display=display) as grabber:
        shot = grabber.grab(grabber.monitors[1])
        mss.tools.to_png(shot.rgb, shot.size, output=str(path))


def xdotool(display: str, *args: str) -> None:
    subprocess.run(["xdotool", *args], env=display_env(display), check=True, capture_output=True)


def wait_viewer_event(agent: Child, name: str, timeout: float) -> dict[str, Any]:
    """The next event the viewer printed, as the agent app forwards it (viewer_output lines)."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        line = agent.wait_event("viewer_output", timeout=left)["line"]
        if line.startswith("{"):
            record: dict[str, Any] = json.loads(line)
            if record.get("event") == name:
                return record
    raise HarnessError(f"the viewer printed no {name!r} event within {timeout:.0f} s")


class Demo:
    """Runs the demo; ``children`` are stopped at the end whatever happens."""

    def __init__(self, data_dir: Path, out_dir: Path, interactive: bool) -> None:
        self.data_dir, self.out_dir, self.interactive = data_dir, out_dir, interactive
        self.children: list[Child] = []
        self.server: RunningServer | None = None
        self.displays: list[XvfbDisplay] = []
        self.report: dict[str, Any] = {"steps": []}
        self.started = time.monotonic()

    def step(self, text: str) -> None:
        elapsed = time.monotonic() - self.started
        self.report["steps"].append(f"{elapsed:6.1f} s  {text}")
        print(f"[demo {elapsed:6.1f} s] {text}", flush=True)

    def spawn(self, child: Child) -> Child:
        self.children.append(child)
        return child

    def new_display(self) -> str:
        display = start_xvfb()
        self.displays.append(display)
        return display.name

    def stop_all(self) -> None:
        for child in reversed(self.children):
            child.stop()
        if self.server is not None:
            self.server.stop()
        for display in self.displays:
            display.stop()

    def start(self) -> tuple[RunningServer, str, str]:
        server = start_server(self.data_dir)
        self.server = server
        login_id, password = server.login_id, server.password
        self.step(f"server ready at {server.url} (certificate {server.fingerprint[:23]}…)")
        self.step(f"demo agent: {login_id} / {password} (also in {self.data_dir / 'demo-credentials.json'})")
        customer = self.new_display()
        agent_display = os.environ["DISPLAY"] if self.interactive else self.new_display()
        self.step(f"customer desktop on Xvfb {customer}; agent and viewer on {agent_display}")
        return server, customer, agent_display

    def start_agent(self, server: RunningServer, display: str) -> Child:
        password_file = self.data_dir / "demo-password"
        password_file.write_text(server.password)
        password_file.chmod(0o600)
        viewer = f"{sys.executable} -m viewer --events-stdout"
        if not self.interactive:
            viewer += " --request-control"  # the scripted agent asks for control as soon as the session is live
        env = display_env(display, {"FERRY_VIEWER_COMMAND": viewer})
        return self.spawn(Child("agent", python_module(
            "agent", "--server", server.url, "--fingerprint", server.fingerprint,
            "--login-id", server.login_id, "--password-file", str(password_file),
            "--auto-login", "--auto-code", "--events-stdout"), env=env))

    def run(self) -> int:
        server, customer, agent_display = self.start()
        sample = self.spawn(Child("sample", python_module("tools.sample_app"), env=display_env(customer)))
        sample.wait_event("ready", widget="button", timeout=30)
        agent = self.start_agent(server, agent_display)
        agent.wait_event("logged_in", timeout=60)
        code = agent.wait_event("code", timeout=30)
        self.step(f"agent logged in; connection code {code['code']}")
        if not self.interactive:
            screenshot(agent_display, self.out_dir / "agent-window.png")
        host = self.spawn(start_host(server, code["code"], customer, "--accept", "--grant-control"))
        host.wait_event("live", timeout=60)
        self.step("customer joined with the code and agreed; the session is live and end-to-end encrypted")
        if self.interactive:
            return self.wait_for_user(agent)
        return self.scripted(agent, host, sample, customer, agent_display)

    def wait_for_user(self, agent: Child) -> int:
        self.step("try it: the viewer shows the customer's desktop. Close the agent app or press Ctrl+C to stop.")
        try:
            agent.process.wait()
        except KeyboardInterrupt:
            self.step("Ctrl+C: stopping everything")
        return 0

    def scripted(self, agent: Child, host: Child, sample: Child, customer: str, agent_display: str) -> int:
        wait_viewer_event(agent, "control_granted", timeout=30)
        self.step("the viewer asked for control; the customer granted it")
        view = wait_viewer_event(agent, "view_geometry", timeout=30)
        edit = self._last_ready(sample, "line_edit")
        button = self._last_ready(sample, "button")
        self._click(agent_display, view, edit)
        xdotool(agent_display, "type", "--delay", "40", TYPED)
        typed = sample.wait_event("text", timeout=30, text=TYPED)
        self.step(f"typed into the sample application through the viewer: {typed['text']!r}")
        self._click(agent_display, view, button)
        clicked = sample.wait_event("clicked", timeout=15)
        self.step(f"clicked the sample application's button through the viewer (count {clicked['count']})")
        time.sleep(1.0)
        screenshot(agent_display, self.out_dir / "viewer.png")
        screenshot(customer, self.out_dir / "customer-screen.png")
        xdotool(agent_display, "key", "ctrl+alt+shift+e")
        ended = host.wait_event("ended", timeout=15)
        self.step(f"the agent ended the session; the host says: {ended['reason']}")
        stats = wait_viewer_event(agent, "stats", timeout=15)
        self.report.update(viewer=stats, host=ended)
        return 0

    @staticmethod
    def _last_ready(sample: Child, name: str) -> dict[str, Any]:
        """The sample application's last report of where widget ``name`` is on the customer's screen."""
        for line in reversed(sample.seen):
            try:
                record = json.loads(line) if line.startswith("{") else None
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict) and record.get("event") == "ready" and record.get("widget") == name:
                return record
        raise HarnessError(f"the sample application never reported where its {name!r} is (no \"ready\" "
                           "event for it), so the demo cannot click it; its last output:\n"
                           + "\n".join(sample.seen[-15:]))

    @staticmethod
    def _click(display: str, view: dict[str, Any], target: dict[str, Any]) -> None:
        host_x, host_y = target["x"] + target["w"] // 2, target["y"] + target["h"] // 2
        x = view["x"] + host_x * view["w"] // view["image_w"]
        y = view["y"] + host_y * view["h"] // view["image_h"]
        xdotool(display, "mousemove", str(x), str(y))
        xdotool(display, "click", "1")

    def print_report(self) -> None:
        viewer, host = self.report.get("viewer", {}), self.report.get("host", {})
        print("\nFerry demo report")
        print("=================")
        for line in self.report["steps"]:
            print(line)
        if viewer:
            print(f"video: {viewer.get('frames')} frames decoded (a still screen sends none), "
                  f"{viewer.get('fps')} fps from first to last frame, "
                  f"capture→decode latency median {viewer.get('latency_p50_ms')} ms")
            print(f"bytes: {viewer.get('bytes_in')} received by the viewer, {viewer.get('bytes_out')} sent; "
                  f"host encoded {host.get('video_bytes')} bytes of video in {host.get('frames_sent')} frames")
            print(f"input the host dropped (sent without control): {host.get('input_dropped')}")
        print(f"screenshots: {', '.join(sorted(p.name for p in self.out_dir.glob('*.png')))} in {self.out_dir}/")


def main() -> int:
    parser = argparse.ArgumentParser(description="Run a whole Ferry support session.")
    parser.add_argument("--data-dir", default="ferry-data", type=Path)
    parser.add_argument("--output", default="demo-output", type=Path)
    parser.add_argument("--headless", action="store_true", help="use Xvfb even when a display exists")
    args = parser.parse_args()
    args.output.mkdir(parents=True, exist_ok=True)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    demo = Demo(args.data_dir, args.output, interactive=has_display() and not args.headless)
    try:
        code = demo.run()
    except (HarnessError, ServerStartError) as exc:
        print(f"demo failed: {exc}", file=sys.stderr)
        code = 1
    except KeyboardInterrupt:
        code = 130
    finally:
        demo.stop_all()
    if code == 0 and not demo.interactive:
        demo.print_report()
    return code


if __name__ == "__main__":
    sys.exit(main())
