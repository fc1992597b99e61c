"""Start and stop private Xvfb displays for tests, demo and benchmarks."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import tempfile


class XvfbError(RuntimeError):
    """Xvfb could not be started."""


@dataclasses.dataclass
class XvfbDisplay:
    """A running Xvfb server; ``name`` is the DISPLAY value (":42")."""

    number: int
    process: subprocess.Popen[bytes]
    width: int
    height: int

    @property
    def name(self) -> str:
        return f":{self.number}"

    def env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        """A copy of ``base`` (default os.environ) with DISPLAY set to this display."""
        env = dict(os.environ if base is None else base)
        env["DISPLAY"] = self.name
        env.pop("WAYLAND_DISPLAY", None)
        env["QT_QPA_PLATFORM"] = "xcb"
        return env

    def stop(self) -> None:
        """Terminate the server and wait for it."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_xvfb(width: int = 1920, height: int = 1080, depth: int = 24) -> XvfbDisplay:
    """Start Xvfb on a free display number (chosen by Xvfb itself through -displayfd)."""
    binary = shutil.which("Xvfb")
    if binary is None:
        raise XvfbError("Xvfb is not installed: run `make test` as root, or apt-get install xvfb")
    read_fd, write_fd = os.pipe()
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [binary, "-displayfd", str(write_fd), "-screen", "0", f"{width}x{height}x{depth}",
             "-nolisten", "tcp", "-noreset", "+extension", "XTEST", "+extension", "RANDR"],
            pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=log,
        )
        os.close(write_fd)
        with os.fdopen(read_fd) as reader:
            line = reader.readline().strip()
        if not line.isdigit():
            process.kill()
            log.seek(0)
            raise XvfbError(f"Xvfb did not start: {log.read().decode(errors='replace')[-500:]}")
    return XvfbDisplay(int(line), process, width, height)
