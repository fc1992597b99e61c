"""``ferry-viewer``: show and control one customer's screen."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from viewer.options import ExitCode, ViewerOptionsError, parse_options


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``ferry-viewer`` console script."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s viewer %(levelname)s %(message)s")
    try:
        options = parse_options(argv)
    except ViewerOptionsError as exc:
        print(f"ferry-viewer: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    from transport.memory import keep_frame_buffers_resident
    from transport.tls import TlsError
    from viewer.app import run_headless, run_window

    keep_frame_buffers_resident()

    try:
        return run_headless(options) if options.headless else run_window(options)
    except ViewerOptionsError as exc:  # --frame-tap names nothing importable
        print(f"ferry-viewer: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    except TlsError as exc:
        print(f"ferry-viewer: {exc}", file=sys.stderr)
        return ExitCode.FAILED


if __name__ == "__main__":
    sys.exit(main())
