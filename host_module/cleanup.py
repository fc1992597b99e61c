"""Self-deletion of the one-time program and removal of its temporary files (module_delete).

Rules:
- Only our own files go: the frozen binary this process runs from (when a session took place and
  module_delete applies) and the temporary directory this program made itself. Nothing else, ever:
  recordings live in the customer's video folder and stay. PyInstaller's ``_MEI*`` extraction
  directory is removed by the one-file bootloader after this process exits.
- Not frozen (``python -m host_module``): only the temporary directory goes.
- ``run`` works once: it is called from ``finally`` and again from ``atexit``; later calls return the
  first result. A session that ended by a network loss or a crash of the session code still reaches it.
- A frozen run leaves one receipt line in the customer's log (``receipt_log_path``).
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Mapping
from pathlib import Path

log = logging.getLogger(__name__)

TEMP_PREFIX = "ferry-host-"


@dataclasses.dataclass(frozen=True)
class CleanupResult:
    """What ``Cleanup.run`` did."""

    executable_removed: bool
    temp_removed: bool
    receipt: str | None  # the line written to the customer's log, if any


def receipt_log_path(platform: str = sys.platform, env: Mapping[str, str] | None = None,
                     home: Path | None = None) -> Path:
    """The customer's Ferry host log: XDG state dir on Linux, Logs on macOS, LOCALAPPDATA on Windows."""
    env = os.environ if env is None else env
    home = Path.home() if home is None else home
    if platform == "win32":
        return Path(env.get("LOCALAPPDATA") or home / "AppData" / "Local") / "Ferry" / "host.log"
    if platform == "darwin":
        return home / "Library" / "Logs" / "Ferry" / "host.log"
    return Path(env.get("XDG_STATE_HOME") or home / ".local" / "state") / "ferry" / "host.log"


def _local_now() -> datetime.datetime:
    return datetime.datetime.now().astimezone()


class Cleanup:
    """Removes the one-time program and its temporary files after the session, once."""

    def __init__(self, executable: Path | None, receipt_log: Path | None = None,
                 now: Callable[[], datetime.datetime] = _local_now) -> None:
        self._executable = executable
        self._receipt_log = receipt_log_path() if receipt_log is None else receipt_log
        self._now = now
        self._temp: Path | None = None
        self._agent: str | None = None
        self._module_delete = False
        self._result: CleanupResult | None = None
        self._lock = threading.Lock()

    def temp_dir(self) -> Path:
        """This program's own temporary directory (made on first use, removed by ``run``)."""
        with self._lock:
            if self._temp is None:
                self._temp = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX))
            return self._temp

    def session_started(self, agent_name: str, module_delete: bool) -> None:
        """A session was joined with ``agent_name``; ``module_delete`` is the policy's answer."""
        self._agent = agent_name or "the agent"
        self._module_delete = module_delete

    def run(self) -> CleanupResult:
        """Remove what the policy says (once); later calls return the first result."""
        with self._lock:
            if self._result is None:
                self._result = self._clean()
            return self._result

    def _clean(self) -> CleanupResult:
        temp_removed = self._remove_temp()
        if self._executable is None or self._agent is None:
            return CleanupResult(False, temp_removed, None)  # not frozen, or no session took place
        removed = self._module_delete and remove_executable(self._executable)
        when = self._now().isoformat(sep=" ", timespec="seconds")
        if removed:
            receipt = f"Ferry host removed itself after the session with {self._agent} at {when}"
        elif self._module_delete:
            receipt = f"Ferry host could not remove {self._executable} after the session with {self._agent} " \
                      f"at {when}: delete it yourself"
        else:
            receipt = f"Ferry host was kept after the session with {self._agent} at {when} (the policy keeps it)"
        self._write_receipt(receipt)
        return CleanupResult(removed, temp_removed, receipt)

    def _remove_temp(self) -> bool:
        if self._temp is None:
            return False
        if not self._temp.name.startswith(TEMP_PREFIX):  # never anything we did not make
            return False
        shutil.rmtree(self._temp, ignore_errors=True)
        return not self._temp.exists()

    def _write_receipt(self, line: str) -> None:
        try:
            self._receipt_log.parent.mkdir(parents=True, exist_ok=True)
            with self._receipt_log.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        except OSError as exc:
            log.warning("Could not write the receipt to %s: %s", self._receipt_log, exc)
        log.info("%s", line)


def remove_executable(path: Path) -> bool:
    """Delete the one-file binary (Linux/macOS unlink it while it runs; Windows after exit)."""
    if sys.platform == "win32":
        return _remove_after_exit(path)
    try:
        path.unlink()
    except FileNotFoundError:
        return True  # already gone
    except OSError as exc:
        log.warning("Could not remove %s: %s", path, exc)
        return False
    return True


def _remove_after_exit(path: Path) -> bool:
    """Windows cannot delete a running program: a detached shell deletes it once we have exited."""
    flags = getattr(subprocess, "DETACHED_PROCESS", 0) | getattr(subprocess, "CREATE_NO_WINDOW", 0)
    if "%" in str(path) or '"' in str(path):
        log.warning("Not removing %s: its name holds characters the shell would expand", path)
        return False
    system = Path(os.environ.get("SYSTEMROOT") or r"C:\Windows") / "System32"
    command = f'"{system / "PING.EXE"}" -n 6 127.0.0.1 >nul & del /f /q "{path}"'
    try:  # full paths: a cmd.exe or ping.exe planted next to the program (e.g. in Downloads) never runs
        subprocess.Popen([str(system / "cmd.exe"), "/d", "/c", command], creationflags=flags, close_fds=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError as exc:
        log.warning("Could not arrange the removal of %s: %s", path, exc)
        return False
    return True
