"""The secure attention sequence (Ctrl+Alt+Del) on the customer's desktop, per platform.

- Windows: ``SendSAS`` from sas.dll. Windows honours it only when the group policy
  "Disable or enable software Secure Attention Sequence" (registry value
  HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System\\SoftwareSASGeneration)
  allows services (1), ease-of-access applications (2) or both (3); a user program also needs
  UIAccess. Untested here: written from the documentation.
- Linux with X11: there is no secure attention sequence an application can raise; the nearest
  equivalent is pressing Ctrl+Alt+Delete through XTEST, which desktops bind to their logout or
  lock dialog.
- Anywhere else (macOS, Wayland without X): SecureAttentionUnavailableError, whose message the
  agent sees.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from input_injection.errors import InjectionError

CTRL_ALT_DEL_KEYSYMS = ("Control_L", "Alt_L", "Delete")


class SecureAttentionUnavailableError(InjectionError):
    """This system cannot receive Ctrl+Alt+Del from a program."""


def send_secure_attention(display: str | None = None) -> str:
    """Send Ctrl+Alt+Del to the customer's desktop; what was done, in words. Raises SecureAttentionUnavailableError."""
    if sys.platform == "win32":
        _send_sas_windows()
        return "the secure attention sequence was sent (SendSAS)"
    if sys.platform.startswith("linux") and (display or os.environ.get("DISPLAY")):
        press_ctrl_alt_delete(display)
        return "Ctrl+Alt+Delete was pressed on the customer's desktop"
    raise SecureAttentionUnavailableError("Ctrl+Alt+Del is not available on this system")


def _send_sas_windows() -> None:  # pragma: no cover - Windows only
    import ctypes

    try:
        sas: Any = ctypes.WinDLL("sas.dll")  # type: ignore[attr-defined,unused-ignore]
    except OSError as exc:
        raise SecureAttentionUnavailableError(
            "Ctrl+Alt+Del is not available on this system: sas.dll is missing") from exc
    sas.SendSAS(True)  # AsUser: the module runs as the signed-in user


def press_ctrl_alt_delete(display: str | None) -> None:
    """Press Control_L, Alt_L and Delete, then release them in reverse order, through XTEST on ``display``."""
    import Xlib.display
    import Xlib.error
    import Xlib.XK
    from Xlib import X
    from Xlib.ext import xtest

    try:
        connection: Any = Xlib.display.Display(display or None)
    except (OSError, Xlib.error.DisplayError, Xlib.error.ConnectionClosedError) as exc:
        raise SecureAttentionUnavailableError(
            f"Ctrl+Alt+Del is not available on this system: no X display ({exc})") from exc
    try:
        if not connection.has_extension("XTEST"):
            raise SecureAttentionUnavailableError(
                "Ctrl+Alt+Del is not available on this system: the X server has no XTEST extension")
        codes = [connection.keysym_to_keycode(Xlib.XK.string_to_keysym(name)) for name in CTRL_ALT_DEL_KEYSYMS]
        if not all(codes):
            raise SecureAttentionUnavailableError(
                "Ctrl+Alt+Del is not available on this system: the keyboard map lacks Control, Alt or Delete")
        for code in codes:
            xtest.fake_input(connection, X.KeyPress, code)
        for code in reversed(codes):
            xtest.fake_input(connection, X.KeyRelease, code)
        connection.sync()
    finally:
        connection.close()
