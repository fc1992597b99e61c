"""Self-deletion after the session (host_module.cleanup), with a fake one-file "executable" in tmp."""

from __future__ import annotations

import datetime
import threading
from pathlib import Path

import pytest

from host_module.cleanup import Cleanup, receipt_log_path

WHEN = datetime.datetime(2025, 3, 4, 15, 6, 7, tzinfo=datetime.timezone(datetime.timedelta(hours=9)))


@pytest.fixture()
def customer(tmp_path: Path) -> dict[str, Path]:
    """A customer's home: the downloaded program, a kept recording, the Ferry log."""
    downloads, videos = tmp_path / "Downloads", tmp_path / "Videos"
    downloads.mkdir()
    videos.mkdir()
    program = downloads / "ferry-host"
    program.write_bytes(b"\x7fELF fake one-file host")
    recording = videos / "ferry-session.mp4"
    recording.write_bytes(b"recording the customer kept")
    return {"program": program, "recording": recording, "log": tmp_path / "state" / "ferry" / "host.log"}


def cleanup_for(customer: dict[str, Path]) -> Cleanup:
    return Cleanup(customer["program"], receipt_log=customer["log"], now=lambda: WHEN)


def test_module_delete_removes_the_program_and_writes_the_receipt(customer: dict[str, Path]) -> None:
    cleanup = cleanup_for(customer)
    cleanup.session_started("Kim Agent", module_delete=True)
    result = cleanup.run()
    assert result.executable_removed and not customer["program"].exists()
    assert customer["log"].read_text(encoding="utf-8").splitlines() == [
        "Ferry host removed itself after the session with Kim Agent at 2025-03-04 15:06:07+09:00"]
    assert customer["recording"].read_bytes() == b"recording the customer kept"


def test_module_delete_off_keeps_the_program(customer: dict[str, Path]) -> None:
    cleanup = cleanup_for(customer)
    cleanup.session_started("Kim Agent", module_delete=False)
    result = cleanup.run()
    assert not result.executable_removed and customer["program"].exists()
    assert "was kept after the session with Kim Agent" in customer["log"].read_text(encoding="utf-8")


def test_without_a_session_the_program_stays_and_no_receipt_is_written(customer: dict[str, Path]) -> None:
    result = cleanup_for(customer).run()  # e.g. the customer cancelled the code dialog: they may try again
    assert not result.executable_removed and customer["program"].exists()
    assert result.receipt is None and not customer["log"].exists()


def test_temporary_files_go_and_recordings_stay(customer: dict[str, Path]) -> None:
    cleanup = cleanup_for(customer)
    temp = cleanup.temp_dir()
    (temp / "segment.tmp").write_bytes(b"x" * 1000)
    (temp / "nested").mkdir()
    (temp / "nested" / "host-debug.log").write_text("log")
    assert cleanup.temp_dir() == temp  # one directory per run
    cleanup.session_started("Kim Agent", module_delete=True)
    result = cleanup.run()
    assert result.temp_removed and not temp.exists()
    assert customer["recording"].exists() and customer["recording"].parent.exists()


def test_not_frozen_only_temporary_files_go(customer: dict[str, Path]) -> None:
    cleanup = Cleanup(None, receipt_log=customer["log"], now=lambda: WHEN)
    temp = cleanup.temp_dir()
    cleanup.session_started("Kim Agent", module_delete=True)
    result = cleanup.run()
    assert result.temp_removed and not temp.exists()
    assert not result.executable_removed and customer["program"].exists() and not customer["log"].exists()


def test_run_is_idempotent(customer: dict[str, Path]) -> None:
    cleanup = cleanup_for(customer)
    cleanup.session_started("Kim Agent", module_delete=True)
    first = cleanup.run()
    customer["program"].write_bytes(b"a new download with the same name")  # must not be touched again
    assert cleanup.run() == first
    assert customer["program"].exists()
    assert len(customer["log"].read_text(encoding="utf-8").splitlines()) == 1


def test_concurrent_runs_clean_once(customer: dict[str, Path]) -> None:
    cleanup = cleanup_for(customer)
    cleanup.session_started("Kim Agent", module_delete=True)
    threads = [threading.Thread(target=cleanup.run) for _ in range(8)]  # finally + atexit + signal paths
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(customer["log"].read_text(encoding="utf-8").splitlines()) == 1


def test_a_program_already_gone_still_counts_as_removed(customer: dict[str, Path]) -> None:
    cleanup = cleanup_for(customer)
    cleanup.session_started("Kim Agent", module_delete=True)
    customer["program"].unlink()
    assert cleanup.run().executable_removed


def test_an_unwritable_log_does_not_stop_the_cleanup(customer: dict[str, Path], tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the log folder should be")
    cleanup = Cleanup(customer["program"], receipt_log=blocker / "host.log", now=lambda: WHEN)
    cleanup.session_started("Kim Agent", module_delete=True)
    assert cleanup.run().executable_removed and not customer["program"].exists()


def test_receipt_log_places_per_platform(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert receipt_log_path("linux", {}, home) == home / ".local/state/ferry/host.log"
    assert receipt_log_path("linux", {"XDG_STATE_HOME": str(tmp_path / "s")}, home) == tmp_path / "s/ferry/host.log"
    assert receipt_log_path("darwin", {}, home) == home / "Library/Logs/Ferry/host.log"
    assert receipt_log_path("win32", {"LOCALAPPDATA": str(tmp_path / "L")}, home) == tmp_path / "L/Ferry/host.log"


def test_a_crash_of_the_session_code_still_removes_the_program(
        customer: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    import host_module.__main__ as entry

    def crashing_run(argv: list[str], cleanup: Cleanup) -> int:
        cleanup.session_started("Kim Agent", module_delete=True)
        raise RuntimeError("the session code crashed")

    monkeypatch.setattr(entry, "stamped_executable", lambda: customer["program"])
    monkeypatch.setattr(entry, "_run", crashing_run)
    monkeypatch.setenv("XDG_STATE_HOME", str(customer["log"].parents[1]))
    with pytest.raises(RuntimeError, match="crashed"):
        entry.main([])
    assert not customer["program"].exists() and customer["recording"].exists()
    assert "removed itself after the session with Kim Agent" in customer["log"].read_text(encoding="utf-8")
