"""A private, throw-away PostgreSQL cluster for the storage and API tests.

``start_cluster()`` runs ``initdb`` into a fresh temporary directory and starts ``postgres`` on a free
port of 127.0.0.1 only (its Unix socket inside that directory too), with ``trust`` authentication for
the superuser ``ferry``; ``cluster.create_database()`` makes an empty database and returns its
``postgresql+psycopg://`` URL for ``FERRY_DATABASE_URL``; ``cluster.stop()`` shuts it down and removes
the directory. The binaries come from the Debian ``postgresql`` package (/usr/lib/postgresql/*/bin),
which ``make test`` installs; without them the tests that need PostgreSQL are skipped with the line
that installs it.

PostgreSQL refuses to run as root, so when the tests run as root the server binaries (``initdb``,
``pg_ctl``) run as the ``postgres`` system user (created by the Debian package) via ``setpriv``, and the
temporary directory is handed to that user. As anyone else they run as the current user.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import glob
import itertools
import os
import pwd
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

INSTALL_HINT = "sudo apt-get install -y postgresql"
SUPERUSER = "ferry"
HOST = "127.0.0.1"
SYSTEM_USER = "postgres"
START_ATTEMPTS = 3
START_TIMEOUT_S = 30
STOP_TIMEOUT_S = 15
# Durability is pointless for a cluster that lives for one test session; these make it start and write fast.
SERVER_OPTIONS = ("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                  "-c", "max_connections=200", "-c", "shared_buffers=32MB")


class PostgresError(RuntimeError):
    """The private cluster could not be created, started or used; the message holds its log."""


def find_bindir() -> Path | None:
    """The newest /usr/lib/postgresql/N/bin that has initdb, pg_ctl and createdb, or None."""
    candidates = []
    for initdb in glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        bindir = Path(initdb).parent
        version = bindir.parent.name
        if all((bindir / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres", "createdb")):
            candidates.append((int(version) if version.isdigit() else 0, bindir))
    return max(candidates)[1] if candidates else None


def require_bindir() -> Path:
    """``find_bindir()``, or skip the calling test with the command that installs PostgreSQL."""
    bindir = find_bindir()
    if bindir is None:
        pytest.skip(f"PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: {INSTALL_HINT}")
    return bindir


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _run_as_prefix() -> tuple[list[str], pwd.struct_passwd | None]:
    """Command prefix for the server binaries: drop to ``postgres`` when root, nothing otherwise."""
    if os.geteuid() != 0:
        return [], None
    try:
        account = pwd.getpwnam(SYSTEM_USER)
    except KeyError as exc:
        raise PostgresError(f"running as root and there is no {SYSTEM_USER!r} user to run PostgreSQL as "
                            f"(PostgreSQL refuses root): {INSTALL_HINT}") from exc
    setpriv = shutil.which("setpriv")
    if setpriv:
        return [setpriv, f"--reuid={account.pw_uid}", f"--regid={account.pw_gid}", "--clear-groups", "--"], account
    return ["runuser", "-u", SYSTEM_USER, "--"], account


def _temp_parent(account: pwd.struct_passwd | None) -> str:
    """The system temporary directory, or /tmp when ``account`` could not get through it to ours."""
    parent = Path(tempfile.gettempdir()).resolve()
    if account is None or all(os.stat(p).st_mode & 0o001 for p in (parent, *parent.parents)):
        return str(parent)
    return "/tmp"


@dataclasses.dataclass
class PostgresCluster:
    """A running private cluster: ``create_database()`` for a fresh URL, ``stop()`` when done."""

    bindir: Path
    root: Path  # the temporary directory: data/, the socket and the log
    port: int
    run_as: list[str]
    _names: Iterator[int] = dataclasses.field(default_factory=lambda: itertools.count(1))
    _stopped: bool = False

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def log_path(self) -> Path:
        return self.root / "postgres.log"

    def url(self, database: str) -> str:
        """SQLAlchemy URL (psycopg 3 driver) of ``database`` in this cluster."""
        return f"postgresql+psycopg://{SUPERUSER}@{HOST}:{self.port}/{database}"

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return ""

    def create_database(self, prefix: str = "ferry") -> str:
        """``createdb`` a new, empty database (``{prefix}_{n}``); its URL."""
        name = f"{prefix}_{next(self._names)}"
        command = [str(self.bindir / "createdb"), "-h", HOST, "-p", str(self.port), "-U", SUPERUSER,
                   "-E", "UTF8", "-T", "template0", name]
        result = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False,
                                env=_client_env(), cwd=self.root)
        if result.returncode != 0:
            raise PostgresError(f"createdb {name} failed: {result.stderr.strip()}\n{self.log_tail()}")
        return self.url(name)

    def stop(self) -> None:
        """Stop the server (fast shutdown, then SIGKILL of its postmaster) and remove the directory."""
        if self._stopped:
            return
        self._stopped = True
        try:
            if (self.data_dir / "postmaster.pid").exists():
                _pg_ctl(self, "stop", "-m", "fast", "-w", "-t", str(STOP_TIMEOUT_S), check=False)
                self._kill_postmaster()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def _kill_postmaster(self) -> None:
        """The postmaster we started, if ``pg_ctl stop`` left it running."""
        with contextlib.suppress(OSError, ValueError, IndexError):
            pid = int((self.data_dir / "postmaster.pid").read_text().splitlines()[0])
            os.kill(pid, signal.SIGKILL)
            time.sleep(0.2)


def _client_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_ALL"] = "C"
    return env


def _run(command: Sequence[str], cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    # cwd inside the cluster's directory: the postgres user may not enter the caller's (e.g. /root).
    return subprocess.run(list(command), cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False,
                          env=_client_env(), stdin=subprocess.DEVNULL)


def _pg_ctl(cluster: PostgresCluster, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    command = [*cluster.run_as, str(cluster.bindir / "pg_ctl"), "-D", str(cluster.data_dir), *args]
    result = _run(command, cluster.root, START_TIMEOUT_S + 10)
    if check and result.returncode != 0:
        raise PostgresError(f"pg_ctl {args[0]} failed ({result.returncode}): {result.stdout}{result.stderr}\n"
                            f"{cluster.log_tail()}")
    return result


def _start(cluster: PostgresCluster) -> None:
    """``pg_ctl start`` on a free loopback port, trying again on another port if that one was taken."""
    for attempt in range(START_ATTEMPTS):
        cluster.port = _free_port()
        options = ["-c", f"listen_addresses={HOST}", "-p", str(cluster.port), "-k", str(cluster.root),
                   *SERVER_OPTIONS]
        result = _pg_ctl(cluster, "start", "-w", "-t", str(START_TIMEOUT_S), "-l", str(cluster.log_path),
                         "-o", shlex.join(options), check=False)
        if result.returncode == 0:
            return
        cluster._kill_postmaster()
        if attempt == START_ATTEMPTS - 1:
            raise PostgresError(f"PostgreSQL did not start: {result.stdout}{result.stderr}\n{cluster.log_tail()}")


def start_cluster(bindir: Path | None = None) -> PostgresCluster:
    """initdb + start a private cluster; stopped at interpreter exit at the latest."""
    bindir = bindir or require_bindir()
    run_as, account = _run_as_prefix()
    root = Path(tempfile.mkdtemp(prefix="ferry-pg-", dir=_temp_parent(account)))
    cluster = PostgresCluster(bindir=bindir, root=root, port=0, run_as=run_as)
    try:
        if account is not None:
            os.chown(root, account.pw_uid, account.pw_gid)
        initdb = [*run_as, str(bindir / "initdb"), "-D", str(cluster.data_dir), "-U", SUPERUSER, "--auth=trust",
                  "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"]
        result = _run(initdb, root, 120)
        if result.returncode != 0:
            raise PostgresError(f"initdb failed ({result.returncode}): {result.stdout}{result.stderr}")
        _start(cluster)
    except BaseException:
        cluster.stop()
        raise
    atexit.register(cluster.stop)  # a safety net; the session fixture stops it first
    return cluster


@contextlib.contextmanager
def running_cluster(bindir: Path | None = None) -> Iterator[PostgresCluster]:
    """``start_cluster`` as a context manager that always stops the cluster."""
    cluster = start_cluster(bindir)
    try:
        yield cluster
    finally:
        cluster.stop()


def database_env(url: str | None, **extra: str) -> dict[str, str]:
    """Server environment for ``url`` (None: the default SQLite file), plus ``extra`` variables."""
    return {**extra, **({"FERRY_DATABASE_URL": url} if url else {})}
