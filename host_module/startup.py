"""Before a session: the customer's connection code (asked until it works) and the session password.

Both dialogs run before the HostApp exists; the join request runs off the GUI thread while the GUI stays
responsive. Scripts and tests pass ``--code`` and FERRY_SESSION_PASSWORD instead.
"""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QApplication

from host_module.dialogs import CodeDialog, PasswordDialog
from host_module.errors import HostError, JoinError
from host_module.join import JoinTicket, join_by_code, valid_password
from host_module.options import HostOptions


class PasswordMissingError(HostError):
    """The customer did not type the session password."""


def obtain_password(options: HostOptions, agent_name: str) -> str:
    """The session password: FERRY_SESSION_PASSWORD (tests, scripts) or the customer types it."""
    if options.session_password is not None:
        if not valid_password(options.session_password):
            raise PasswordMissingError(QApplication.translate(
                "HostErrors", "The session password has exactly 4 digits. Ask the agent to read it again."))
        return options.session_password
    dialog = PasswordDialog(agent_name)
    if dialog.exec() != PasswordDialog.DialogCode.Accepted:
        raise PasswordMissingError(QApplication.translate(
            "HostErrors", "No session password was typed, so Ferry did not connect. Ask the agent for a new "
                          "connection code when you are ready."))
    return dialog.password


def obtain_ticket(options: HostOptions) -> JoinTicket | None:
    """Join with --code, or ask for the code until it works or the customer cancels."""
    if options.code:
        return join_by_code(options.server, options.code, options.fingerprint, options.ca_cert)
    error = ""
    while True:
        dialog = CodeDialog(error=error)
        if dialog.exec() != CodeDialog.DialogCode.Accepted:
            return None
        try:
            return _join_in_background(options, dialog.code)
        except JoinError as exc:
            error = str(exc)


def _join_in_background(options: HostOptions, code: str) -> JoinTicket:
    """Run the join request off the GUI thread while keeping the GUI responsive."""
    result: list[JoinTicket | Exception] = []
    done = threading.Event()

    def work() -> None:
        try:
            result.append(join_by_code(options.server, code, options.fingerprint, options.ca_cert))
        except Exception as exc:  # handed to the GUI thread, which shows it or raises it
            result.append(exc)
        finally:
            done.set()

    threading.Thread(target=work, daemon=True).start()
    while not done.wait(0.02):
        QApplication.processEvents()
    outcome = result[0]
    if isinstance(outcome, Exception):
        raise outcome
    return outcome
