"""``ferry-server``: prepare the data directory, certificate and database, then serve HTTPS.

Printed on standard output at every start (one fact per line, for people and scripts alike)::

    Ferry server 0.1.0
    Data directory: /abs/ferry-data
    Database: sqlite:////abs/ferry-data/ferry.db
    TLS certificate: /abs/ferry-data/tls/server.crt
    SHA-256 fingerprint: AB:CD:…
    Demo agent: demo / <password>                      (first start with --seed-demo)
    Demo credentials written to /abs/ferry-data/demo-credentials.json
    Demo agent exists: demo (credentials in /abs/ferry-data/demo-credentials.json)   (later starts)
    Ferry server ready at https://127.0.0.1:8443       (last, once connections are accepted)

Logs go to standard error.

``ferry-server seed FILE [--data-dir D]`` creates a company, its groups and users from a TOML or JSON file
(see docs/seed-example.toml and ``server.seed_file``) in the data directory's database, or in
FERRY_DATABASE_URL's, prints one line per entry (``created`` or ``exists, left as it is``) and exits; a file
that breaks a rule writes nothing and exits 1 with a sentence naming the file, the entry and the rule.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from server import __version__
from server.app import create_app
from server.config import Settings, build_settings, default_database_url
from server.db import Database, safe_url
from server.errors import StartupError
from server.licence_cli import licence
from server.runner import bind_socket, public_url, serve
from server.seed import DEMO_LOGIN_ID, SeedOutcome, seed_demo, write_credentials
from server.seed_file import SeedFileError, apply_plan, load_plan
from server.support import close_stale_sessions
from server.tls import ensure_certificate

logger = logging.getLogger("server")


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="ferry-server", description="Run the Ferry remote-support server.",
        epilog="ferry-server seed FILE [--data-dir D]: create a company, its groups and users from a TOML or "
               "JSON file (see docs/seed-example.toml), then exit.")
    parser.add_argument("--data-dir", type=Path, default=Path("ferry-data"),
                        help="where the database, certificate and credentials live (default ./ferry-data)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8443, help="TCP port (default 8443; 0 picks a free one)")
    parser.add_argument("--seed-demo", action="store_true",
                        help="on first start, create a demo company, group and agent 'demo'")
    parser.add_argument("--public-name", default=None,
                        help="extra DNS name or IP address for the certificate and connection links")
    parser.add_argument("--version", action="version", version=f"ferry-server {__version__}")
    return parser.parse_args(argv)


def _prepare_data_dir(path: Path) -> None:
    try:
        if not path.exists():
            path.mkdir(mode=0o700, parents=True)
        probe = path / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise StartupError(
            f"Cannot use the data directory {path}: {exc}. Choose another --data-dir."
        ) from exc


def _seed(settings: Settings, db: Database) -> None:
    outcome: SeedOutcome = db.run(seed_demo)
    path = settings.demo_credentials_path
    if outcome.created and outcome.password is not None:
        write_credentials(path, DEMO_LOGIN_ID, outcome.password)
        _say(f"Demo agent: {DEMO_LOGIN_ID} / {outcome.password}")
        _say(f"Demo credentials written to {path}")
    elif outcome.exists:
        where = f"credentials in {path}" if path.exists() else f"credentials file {path} is missing"
        _say(f"Demo agent exists: {DEMO_LOGIN_ID} ({where})")
    else:
        _say("Demo agent not created: the database already has companies and users.")


def _start(settings: Settings) -> None:
    _prepare_data_dir(settings.data_dir)
    cert = ensure_certificate(settings.tls_dir, settings.public_name)
    sock = bind_socket(settings.host, settings.port)
    try:
        db = Database.open(settings.database_url)
    except StartupError:
        sock.close()
        raise
    stale = db.run(close_stale_sessions)
    if stale:
        logger.info("Marked %d session(s) left live by the previous run as ended", stale)
    url = public_url(settings.host, sock.getsockname()[1], settings.public_name)
    _say(f"Ferry server {__version__}")
    _say(f"Data directory: {settings.data_dir}")
    _say(f"Database: {safe_url(settings.database_url)}")
    _say(f"TLS certificate: {cert.cert_path}" + (" (new)" if cert.created else ""))
    _say(f"SHA-256 fingerprint: {cert.fingerprint}")
    if settings.seed_demo:
        _seed(settings, db)
    app = create_app(settings, db)
    serve(app, sock, cert, max_message=settings.relay_max_message,
          on_ready=lambda: _say(f"Ferry server ready at {url}"))


def parse_seed_args(argv: Sequence[str]) -> argparse.Namespace:
    """The ``seed`` command line."""
    parser = argparse.ArgumentParser(
        prog="ferry-server seed", description="Create a company, its groups and users from a TOML or JSON file.")
    parser.add_argument("file", type=Path, help="the seed file (TOML; .json for JSON); see docs/seed-example.toml")
    parser.add_argument("--data-dir", type=Path, default=Path("ferry-data"),
                        help="the server's data directory (default ./ferry-data); FERRY_DATABASE_URL wins")
    return parser.parse_args(argv)


def seed(argv: Sequence[str]) -> int:
    """``ferry-server seed FILE``: check the whole file, then write it in one transaction; the exit status."""
    args = parse_seed_args(argv)
    try:
        plan = load_plan(args.file)
        data_dir = args.data_dir.expanduser().resolve()
        url = os.environ.get("FERRY_DATABASE_URL") or default_database_url(data_dir)
        if not os.environ.get("FERRY_DATABASE_URL"):
            _prepare_data_dir(data_dir)
        db = Database.open(url)
        try:
            result = db.run(apply_plan, plan)
        finally:
            db.dispose()
    except (SeedFileError, StartupError) as exc:
        sys.stderr.write(f"ferry-server seed: {exc}\n")
        return 1
    except SQLAlchemyError as exc:  # e.g. another writer took a login ID between the check and the commit
        sys.stderr.write(f"ferry-server seed: the database refused the write ({exc.__class__.__name__}: "
                         f"{str(exc).splitlines()[0]}); nothing was written. Run the command again.\n")
        return 1
    for line in result.lines:
        _say(line)
    _say(f"Seeded {safe_url(url)} from {args.file}: {result.created} created, "
         f"{len(result.lines) - result.created} already there.")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Console script ``ferry-server`` (or ``ferry-server seed FILE``); returns the exit status."""
    words = list(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if words[:1] == ["seed"]:
        return seed(words[1:])
    if words[:1] == ["licence"]:
        return licence(words[1:])
    args = parse_args(words)
    try:
        settings = build_settings(data_dir=args.data_dir, host=args.host, port=args.port,
                                  public_name=args.public_name, seed_demo=args.seed_demo, env=os.environ)
        _start(settings)
    except StartupError as exc:
        sys.stderr.write(f"ferry-server: {exc}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
