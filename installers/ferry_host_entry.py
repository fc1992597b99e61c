"""PyInstaller entry point of the one-time host executable: the same ``main`` as ``python -m host_module``."""

import sys

from host_module.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
