"""Facts about the customer's computer for the agent: system information, processes, ending one.

No Qt; every function may take a moment (disk, dpkg-query, CPU sampling) and runs on a worker thread.
psutil gives the same answers on Linux, Windows and macOS; installed programs come from dpkg-query
on Debian-like systems and from the Uninstall registry keys on Windows, and are reported as not
available elsewhere.
"""

from __future__ import annotations

import importlib
import platform
import shutil
import socket
import subprocess
import sys
import time
from typing import Any

import psutil

END_TIMEOUT_S = 3.0  # terminate, then kill when the process is still there after this long
CPU_SAMPLE_S = 0.3
MAX_PROGRAMS = 5000
_UNINSTALL_KEYS = (r"SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall",
                   r"SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall")


def os_name() -> str:
    """The operating system in words ("Debian GNU/Linux 12 (bookworm)", "Windows 11 10.0.22631")."""
    if sys.platform.startswith("linux"):
        try:
            pretty = platform.freedesktop_os_release().get("PRETTY_NAME", "")
        except OSError:
            pretty = ""
        return pretty or f"Linux {platform.release()}"
    return f"{platform.system()} {platform.release()} {platform.version()}".strip()


def system_info() -> dict[str, Any]:
    """OS, CPU, memory, disks, network interfaces and installed programs, as JSON-ready data."""
    memory = psutil.virtual_memory()
    programs = installed_programs()
    return {
        "os": {"name": os_name(), "kernel": platform.release(), "machine": platform.machine(),
               "computer": socket.gethostname(), "boot_time": int(psutil.boot_time())},
        "cpu": {"model": _cpu_model(), "cores": psutil.cpu_count(logical=False) or 0,
                "threads": psutil.cpu_count() or 0, "load_percent": psutil.cpu_percent(interval=CPU_SAMPLE_S)},
        "memory": {"total": memory.total, "available": memory.available, "percent": memory.percent},
        "disks": _disks(),
        "network": _interfaces(),
        "programs": programs if programs is not None else "not available on this system",
    }


def _cpu_model() -> str:
    if sys.platform.startswith("linux"):
        try:
            with open("/proc/cpuinfo", encoding="utf-8") as info:
                for line in info:
                    if line.startswith("model name"):
                        return line.split(":", 1)[1].strip()
        except OSError:
            pass
    return platform.processor() or platform.machine()


def _disks() -> list[dict[str, Any]]:
    disks = []
    for part in psutil.disk_partitions(all=False):
        try:
            usage = psutil.disk_usage(part.mountpoint)
        except OSError:
            continue
        disks.append({"device": part.device, "mount": part.mountpoint, "type": part.fstype,
                      "total": usage.total, "free": usage.free, "percent": usage.percent})
    return disks


def _interfaces() -> list[dict[str, Any]]:
    stats = psutil.net_if_stats()
    found = []
    for name, addresses in sorted(psutil.net_if_addrs().items()):
        found.append({"name": name, "up": bool(stats[name].isup) if name in stats else False,
                      "addresses": [a.address for a in addresses if a.family in (socket.AF_INET, socket.AF_INET6)],
                      "mac": next((a.address for a in addresses if a.family == psutil.AF_LINK), "")})
    return found


def installed_programs() -> list[dict[str, str]] | None:
    """(name, version) of the installed programs; None where this system cannot tell."""
    if sys.platform == "win32":  # pragma: no cover - Windows only
        return _windows_programs()
    if shutil.which("dpkg-query"):
        return _dpkg_programs()
    return None


def _dpkg_programs() -> list[dict[str, str]] | None:
    try:
        done = subprocess.run(["dpkg-query", "-W", "-f", "${binary:Package}\t${Version}\n"],
                              capture_output=True, text=True, timeout=20, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    rows = [line.split("\t", 1) for line in done.stdout.splitlines() if "\t" in line]
    return [{"name": name, "version": version} for name, version in rows[:MAX_PROGRAMS]]


def _windows_programs() -> list[dict[str, str]]:  # pragma: no cover - Windows only
    winreg: Any = importlib.import_module("winreg")  # Windows only: typed as Any on every system
    found: dict[str, str] = {}
    for hive in (winreg.HKEY_LOCAL_MACHINE, winreg.HKEY_CURRENT_USER):
        for path in _UNINSTALL_KEYS:
            try:
                root = winreg.OpenKey(hive, path)
            except OSError:
                continue
            with root:
                for index in range(winreg.QueryInfoKey(root)[0]):
                    name, version = _windows_program(root, winreg.EnumKey(root, index))
                    if name:
                        found[name] = version
    return [{"name": name, "version": found[name]} for name in sorted(found)[:MAX_PROGRAMS]]


def _windows_program(root: Any, sub: str) -> tuple[str, str]:  # pragma: no cover - Windows only
    winreg: Any = importlib.import_module("winreg")
    try:
        with winreg.OpenKey(root, sub) as key:
            name = str(winreg.QueryValueEx(key, "DisplayName")[0])
            try:
                version = str(winreg.QueryValueEx(key, "DisplayVersion")[0])
            except OSError:
                version = ""
            return name, version
    except OSError:
        return "", ""


def process_list(sample_s: float = CPU_SAMPLE_S) -> list[dict[str, Any]]:
    """Every process: pid, name, user, CPU % (over ``sample_s``) and resident memory in bytes."""
    processes = list(psutil.process_iter(["pid", "name", "username", "memory_info"]))
    for process in processes:
        try:
            process.cpu_percent(None)  # starts the sample
        except psutil.Error:
            continue
    time.sleep(sample_s)
    rows = []
    for process in processes:
        try:
            cpu = process.cpu_percent(None)
        except psutil.Error:
            continue  # gone meanwhile
        memory = process.info.get("memory_info")
        rows.append({"pid": process.info["pid"], "name": process.info.get("name") or "",
                     "user": process.info.get("username") or "", "cpu": round(cpu, 1),
                     "memory": int(memory.rss) if memory is not None else 0})
    return rows


def process_name(pid: int) -> str | None:
    """The name of process ``pid``; None when there is none."""
    try:
        return str(psutil.Process(pid).name())
    except psutil.Error:
        return None


def end_process(pid: int, timeout: float = END_TIMEOUT_S) -> tuple[bool, str]:
    """End process ``pid``: terminate, then kill when it is still there after ``timeout``; (ended, why)."""
    try:
        process = psutil.Process(pid)
        name = process.name()
        process.terminate()
        if not _gone(process, timeout):
            process.kill()
            if not _gone(process, timeout):
                return False, f"process {pid} did not end even when killed"
    except psutil.NoSuchProcess:
        return False, f"there is no process {pid} (any more)"
    except psutil.AccessDenied:
        return False, f"the customer's account may not end process {pid}"
    return True, f"{name} (pid {pid}) was ended"


def _gone(process: psutil.Process, timeout: float) -> bool:
    """True once ``process`` has exited (a zombie waiting for its parent counts as exited)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if process.status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.05)
    return False
