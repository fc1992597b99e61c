"""``ferry-host``: the customer's one-time program."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from host_module.errors import HostError
from host_module.options import HostOptionsError, parse_options


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``ferry-host`` console script."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s host %(levelname)s %(message)s")
    try:
        options = parse_options(argv)
    except HostOptionsError as exc:
        print(f"ferry-host: {exc}", file=sys.stderr)
        return 2
    from PySide6.QtWidgets import QApplication

    from transport.memory import keep_frame_buffers_resident

    keep_frame_buffers_resident()

    import resources
    from host_module.app import HostApp, obtain_ticket
    from input_injection.errors import InjectionError
    from transport.tls import TlsError
    from ui.i18n import install_translators

    app = QApplication(sys.argv[:1])
    install_translators(app, Path(resources.__path__[0]) / "translations")
    app.setQuitOnLastWindowClosed(False)
    try:
        ticket = obtain_ticket(options)
        if ticket is None:
            return 1
        host = HostApp(options, ticket)
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
