"""Remember me: the agent's password in the OS password store (the ``keyring`` library).

Rules: a password is stored under the service ``Ferry agent`` and the name ``<server url>|<login id>``,
so one PC can remember an ID on several servers. Every call may block (a keyring can ask the user to
unlock it, or talk over D-Bus): run them off the GUI thread. When there is no password store (a headless
box gets ``keyring.backends.fail.Keyring``) or it refuses, the call raises CredentialStoreError whose
text is the sentence to show; the app carries on without remembering. ``keyring`` is imported on first
use, so the agent starts even where it is not installed.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QCoreApplication

from agent.errors import AgentError

log = logging.getLogger(__name__)

SERVICE = "Ferry agent"


class CredentialStoreError(AgentError):
    """The password store is missing or refused the request; ``str(exc)`` is the sentence for the user."""


def account_name(server_url: str, login_id: str) -> str:
    """The name a password is stored under: ``<server url>|<login id>``."""
    return f"{server_url.strip().rstrip('/')}|{login_id.strip()}"


def _no_store() -> CredentialStoreError:
    return CredentialStoreError(QCoreApplication.translate(
        "CredentialStore",
        "Your system has no password store, so Ferry cannot remember the password: you will type it next time."))


def _refused(exc: Exception) -> CredentialStoreError:
    return CredentialStoreError(QCoreApplication.translate(
        "CredentialStore",
        "The system's password store refused the request ({0}), so Ferry cannot remember the password: "
        "you will type it next time.").format(exc))


class CredentialStore:
    """Remembered passwords for (server, ID); blocking calls, for a worker thread."""

    def __init__(self, service: str = SERVICE, backend: Any | None = None) -> None:
        self.service = service
        self._backend = backend  # a keyring backend; None: whatever keyring chose when called

    def check(self) -> None:
        """Raise CredentialStoreError when there is no password store."""
        self._store()

    def load(self, server_url: str, login_id: str) -> str | None:
        """The remembered password, or None; with an empty ID only checks that a store exists."""
        store = self._store()
        if not login_id.strip():
            return None
        value = self._call(lambda: store.get_password(self.service, account_name(server_url, login_id)))
        return value if isinstance(value, str) and value else None

    def save(self, server_url: str, login_id: str, password: str) -> None:
        """Remember ``password`` for this server and ID (replacing an older one)."""
        store = self._store()
        self._call(lambda: store.set_password(self.service, account_name(server_url, login_id), password))

    def forget(self, server_url: str, login_id: str) -> None:
        """Delete the remembered password; nothing stored is fine."""
        from keyring.errors import PasswordDeleteError

        store = self._store()
        try:
            self._call(lambda: store.delete_password(self.service, account_name(server_url, login_id)),
                       quiet=(PasswordDeleteError,))
        except PasswordDeleteError:
            log.debug("no remembered password to delete for %s", account_name(server_url, login_id))

    def _store(self) -> Any:
        try:
            import keyring
            from keyring.backends import fail
        except ImportError as exc:
            log.warning("the keyring library is not installed: %s", exc)
            raise _no_store() from exc
        store = self._backend if self._backend is not None else self._call(keyring.get_keyring)
        if isinstance(store, fail.Keyring):
            raise _no_store()
        return store

    @staticmethod
    def _call(fn: Any, quiet: tuple[type[Exception], ...] = ()) -> Any:
        """``fn()``, with the keyring's failures turned into CredentialStoreError (``quiet`` ones passed on)."""
        from keyring.errors import KeyringError, NoKeyringError

        try:
            return fn()
        except quiet:
            raise
        except NoKeyringError as exc:
            raise _no_store() from exc
        except (KeyringError, RuntimeError, OSError) as exc:  # RuntimeError: backends' own failures
            log.warning("the password store failed: %s", exc)
            raise _refused(exc) from exc
