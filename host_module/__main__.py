"""``ferry-host``: the customer's one-time program.

Frozen (the one-file executable), it reads the server, fingerprint and code the download stamped in
(``host_module.stamp``; arguments given on the command line override them) and removes itself and its
temporary files after the session (``host_module.cleanup``) — from a ``finally`` and from ``atexit``,
so a network loss or a crash of the session code still cleans up.
"""

from __future__ import annotations

import atexit
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from host_module.cleanup import Cleanup
from host_module.errors import HostError
from host_module.options import HostOptionsError, parse_options
from host_module.stamp import read_stamp, stamped_executable


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``ferry-host`` console script."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s host %(levelname)s %(message)s")
    executable = stamped_executable()
    cleanup = Cleanup(executable)
    atexit.register(cleanup.run)
    try:
        return _run(_with_stamp(argv, executable), cleanup)
    finally:
        cleanup.run()


def _with_stamp(argv: Sequence[str] | None, executable: Path | None) -> list[str]:
    """The command line with the stamped values first (so given arguments override them)."""
    given = list(sys.argv[1:] if argv is None else argv)
    stamp = read_stamp(executable) if executable is not None else None
    return given if stamp is None else stamp.as_arguments() + given


def _run(argv: Sequence[str], cleanup: Cleanup) -> int:
    try:
        options = parse_options(argv)
    except HostOptionsError as exc:
        print(f"ferry-host: {exc}", file=sys.stderr)
        return 2
    from PySide6.QtWidgets import QApplication

    from transport.memory import keep_frame_buffers_resident

    keep_frame_buffers_resident()

    import resources
    from host_module.app import HostApp
    from host_module.policy import HostPolicy
    from host_module.startup import obtain_ticket
    from input_injection.errors import InjectionError
    from transport.tls import TlsError
    from ui.gc_guard import GuiThreadCollector
    from ui.i18n import install_translators

    app = QApplication(sys.argv[:1])
    GuiThreadCollector(app).start()  # Qt objects are never destroyed by the collector on a worker thread
    install_translators(app, Path(resources.__path__[0]) / "translations")
    app.setQuitOnLastWindowClosed(False)
    try:
        ticket = obtain_ticket(options)
        if ticket is None:
            return 1
        host = HostApp(options, ticket)
        cleanup.session_started(ticket.agent_name, HostPolicy.from_answer(ticket.policy).module_delete)
    except (HostError, TlsError, InjectionError) as exc:
        print(f"ferry-host: {exc}", file=sys.stderr)
        return 4
    from ui.signals import stop_on_signals

    stop_on_signals(lambda: host.end_now("the host program was stopped"))
    host.start()
    app.exec()
    if host.ended_reason is None:
        return 1
    return 5 if host.ended_on_error else 0


if __name__ == "__main__":
    sys.exit(main())
