"""The agent's login dialog against the real server: success (with the PC's MAC), each refusal with the
server's sentence, the expired-password change dialog, the duplicate-login choice, remember me in the
password store (an in-memory keyring backend; no backend at all) and the language choice.

Users, their company's rules and their group's options are written straight into the server's database;
the other login of a duplicate is a real ``/ws/agent`` socket opened with another token of the same user.
"""

from __future__ import annotations

import contextlib
import datetime
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import QCoreApplication, QLocale, Qt
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from websockets.sync.client import connect

from agent.api import ServerClient
from agent.background import BackgroundRunner
from agent.config import TlsConfig, read_config_file
from agent.credentials import CredentialStore
from agent.login_dialog import LoginDialog
from agent.password_dialog import PasswordChangeDialog
from resources.translations import build
from server.accounts import create_agent
from server.models import Company, Group, GroupOption, LicenceKind, User
from tests.integration.db_rig import ServerRig, serving
from tests.unit import test_agent_credentials
from tests.unit.test_agent_credentials import NO_STORE, LockedKeyring, MemoryKeyring
from ui.i18n import install_translators

pytestmark = pytest.mark.integration
memory_keyring = test_agent_credentials.memory_keyring  # the in-memory password store fixture

PASSWORD = "Good-pass-47"
WAIT_MS = 20_000


class Rig(ServerRig):
    """The module's server plus agents, their rows and push sockets."""

    def agent(self, login_id: str, company: str | None = None, **options: tuple[str | None, Any]) -> None:
        """A new agent in group ``g-<login_id>`` of ``company`` (default its own), with these group options."""
        def make(db: Session) -> None:
            create_agent(db, login_id=login_id, name=login_id, password=PASSWORD,
                         company=company or f"co-{login_id}", group=f"g-{login_id}")
            group = db.scalars(select(Group).where(Group.name == f"g-{login_id}")).one()
            for key, (state, value) in options.items():
                db.add(GroupOption(group_id=group.id, key=key, state=state, value=value))
        self.db.run(make)

    def set_user(self, login_id: str, **values: Any) -> None:
        self.db.run(lambda db: db.execute(update(User).where(User.login_id == login_id).values(**values)))

    def set_company(self, name: str, **values: Any) -> None:
        self.db.run(lambda db: db.execute(update(Company).where(Company.name == name).values(**values)))

    def token(self, login_id: str) -> str:
        answer = self.http.post(self.server.api("/api/v1/auth/login"), timeout=10,
                                json={"login_id": login_id, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        return str(answer.json()["token"])

    @contextlib.contextmanager
    def push_socket(self, token: str) -> Iterator[None]:
        """An open ``/ws/agent`` socket the server's hub holds (it answered a ping), closed afterwards."""
        with connect(self.server.ws_url("/ws/agent"), ssl=self.server.ssl_context(), proxy=None,
                     additional_headers={"Authorization": f"Bearer {token}"}, open_timeout=10) as ws:
            ws.send("ping")
            assert ws.recv(timeout=5) == "pong"
            yield


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rig]:
    with serving(Rig, tmp_path_factory.mktemp("agent-login") / "data", None) as made:
        yield made


@pytest.fixture()
def config_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's config file of the test (FERRY_AGENT_CONFIG), so a developer's own never changes."""
    path = tmp_path / "agent.toml"
    monkeypatch.setenv("FERRY_AGENT_CONFIG", str(path))
    return path


class Dialogs:
    """Makes login dialogs for the rig's server and logs out whatever they logged in."""

    def __init__(self, qtbot: Any, rig: Rig, config_path: Path) -> None:
        self.qtbot = qtbot
        self.rig = rig
        self.config_path = config_path
        self.made: list[LoginDialog] = []
        self.runners: list[BackgroundRunner] = []

    def __call__(self, login_id: str = "", **kwargs: Any) -> LoginDialog:
        kwargs.setdefault("mac", lambda: None)
        tls = TlsConfig(fingerprint=self.rig.server.fingerprint)
        self.runners.append(BackgroundRunner())
        dialog = LoginDialog(lambda url: ServerClient(url, tls), self.runners[-1], self.rig.server.url, login_id,
                             config_path=self.config_path, **kwargs)
        self.qtbot.addWidget(dialog)
        dialog.show()
        self.made.append(dialog)
        return dialog

    def close(self) -> None:
        """Let every background job end (a runner must outlive its jobs), then log out."""
        for runner in self.runners:
            assert runner.wait(WAIT_MS)
        for dialog in self.made:
            if dialog.client is not None:
                dialog.client.logout()
                dialog.client.close()


@pytest.fixture()
def dialogs(qtbot: Any, rig: Rig, config_path: Path) -> Iterator[Dialogs]:
    made = Dialogs(qtbot, rig, config_path)
    yield made
    made.close()


def _log_in(qtbot: Any, dialog: LoginDialog, login_id: str, password: str = PASSWORD) -> None:
    dialog.fill(login_id, password)
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)


def _refused(qtbot: Any, dialog: LoginDialog, login_id: str, password: str = PASSWORD) -> str:
    dialog.fill(login_id, password)
    with qtbot.waitSignal(dialog.login_failed, timeout=WAIT_MS) as failed:
        dialog.submit()
    assert dialog.isVisible() and dialog.login is None and dialog.login_button.isEnabled()
    return str(failed.args[0])


def test_a_login_succeeds_and_reports_the_mac(qtbot, rig: Rig, dialogs: Dialogs) -> None:
    rig.agent("ok-agent")
    dialog = dialogs(mac=lambda: "02:1A:2B:3C:4D:5E")
    _log_in(qtbot, dialog, "ok-agent")
    assert dialog.login is not None and dialog.login.agent.login_id == "ok-agent"
    row = rig.history("ok-agent")[-1]
    assert (row.result, row.mac) == ("ok", "021A2B3C4D5E")


def test_a_wrong_password_shows_the_sentence_and_selects_the_password(qtbot, rig: Rig, dialogs: Dialogs) -> None:
    rig.agent("typo")
    dialog = dialogs()
    shown = _refused(qtbot, dialog, "typo", "Not-the-pass-1")
    assert shown == "Wrong login ID or password: check both and try again." == dialog.status_label.text()
    assert dialog.password_edit.selectedText() == "Not-the-pass-1"
    assert dialog.reason_label.text() == ""


def test_a_locked_account_says_so(qtbot, rig: Rig, dialogs: Dialogs) -> None:
    rig.agent("locked")
    rig.set_user("locked", failed_logins=5, locked_at=datetime.datetime.now(datetime.UTC))
    dialog = dialogs()
    shown = _refused(qtbot, dialog, "locked")  # even the right password
    assert "locked after too many wrong passwords: ask an administrator" in shown
    assert dialog.status_label.text() == shown
    assert dialog.reason_label.text() == "Your account is locked."


def test_a_disallowed_address_says_so(qtbot, rig: Rig, dialogs: Dialogs) -> None:
    rig.agent("far", ip_allow=("all_use", None), ip_allow_list=(None, ["10.1.2.0/24", "192.0.2.7"]))
    dialog = dialogs()
    shown = _refused(qtbot, dialog, "far")
    assert "127.0.0.1" in shown and "IP allow list" in shown
    assert dialog.reason_label.text() == "Logging in from this PC is not allowed."


def test_an_ended_account_says_so(qtbot, rig: Rig, dialogs: Dialogs) -> None:
    rig.agent("ended")
    rig.set_user("ended", expires_at=datetime.datetime(2024, 1, 2, tzinfo=datetime.UTC))
    dialog = dialogs()
    assert _refused(qtbot, dialog, "ended") == "This account ended on 2024-01-02 (UTC): ask your administrator to " \
                                               "extend it."
    assert dialog.reason_label.text() == "Your account has ended."


def test_a_full_licence_says_so(qtbot, rig: Rig, dialogs: Dialogs) -> None:
    rig.agent("lic-a", company="co-licence")
    rig.agent("lic-b", company="co-licence")
    rig.set_company("co-licence", licence_kind=LicenceKind.CONCURRENT.value, licence_count=1)
    rig.token("lic-a")  # a token given in the last minute holds the only licence
    dialog = dialogs()
    shown = _refused(qtbot, dialog, "lic-b")
    assert "All 1 concurrent licences of co-licence are in use" in shown
    assert dialog.reason_label.text() == "No licence is free right now."


def test_a_duplicate_login_offers_try_again(qtbot, rig: Rig, dialogs: Dialogs) -> None:
    rig.agent("twice")
    dialog = dialogs()
    with rig.push_socket(rig.token("twice")):
        shown = _refused(qtbot, dialog, "twice")
        box = dialog.duplicate_box
        assert box is not None and box.isVisible()
        assert box.text() == shown and "already logged in from 127.0.0.1" in shown
        before = len(rig.history("twice"))
        with qtbot.waitSignal(dialog.login_failed, timeout=WAIT_MS):
            qtbot.mouseClick(dialog.retry_button, Qt.MouseButton.LeftButton)  # still logged in there
        assert len(rig.history("twice")) == before + 1
        cancel = next(b for b in dialog.duplicate_box.buttons() if b is not dialog.retry_button)  # type: ignore[union-attr]
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
        assert dialog.isVisible() and len(rig.history("twice")) == before + 1  # cancel sends nothing
    qtbot.waitUntil(lambda: _present_ends(rig, "twice"), timeout=WAIT_MS)
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        dialog.submit()


def _present_ends(rig: Rig, login_id: str) -> bool:
    """True once the server no longer counts the closed socket (asked with a login that opens none)."""
    answer = rig.http.post(rig.server.api("/api/v1/auth/login"), timeout=10,
                           json={"login_id": login_id, "password": PASSWORD})
    return bool(answer.status_code == 200)


def test_an_expired_password_is_changed_with_the_rules_shown(qtbot, rig: Rig, dialogs: Dialogs) -> None:
    rig.agent("old-pass")
    rig.set_company("co-old-pass", password_lifetime_days=30)
    rig.set_user("old-pass", password_changed_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=31))
    dialog = dialogs()
    dialog.fill("old-pass", PASSWORD)
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.password_dialog is not None and dialog.password_dialog.isVisible(),
                    timeout=WAIT_MS)
    change: PasswordChangeDialog = dialog.password_dialog  # type: ignore[assignment]
    assert dialog.reason_label.text() == "Your password has expired."
    assert change.current_edit.text() == PASSWORD
    change.reject()  # cancelled: nothing changes, the login dialog says so; logging in again reopens it
    assert dialog.status_label.text() == "The password was not changed: log in again to change it."
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.password_dialog is not change and dialog.password_dialog.isVisible(),  # type: ignore[union-attr]
                    timeout=WAIT_MS)
    change = dialog.password_dialog  # type: ignore[assignment]
    with qtbot.waitSignal(change.rules_checked, timeout=WAIT_MS, check_params_cb=lambda text: text == "ab1"):
        qtbot.keyClicks(change.new_edit, "ab1")
    assert list(change.rule_labels) == ["length", "alphabet", "classes", "digit_run", "reuse"]
    length = change.rule_labels["length"]
    assert length.text() == "✗ 8 to 24 characters." and length.property("met") is False
    assert change.rule_labels["classes"].text() == "✓ At least one letter and one digit."
    assert not change.ok_button.isEnabled()
    with qtbot.waitSignal(change.rules_checked, timeout=WAIT_MS):
        change.new_edit.setText("Fresh-pass-58")
    assert all(label.property("met") for label in change.rule_labels.values())
    assert not change.ok_button.isEnabled()  # the repeat is still empty
    qtbot.keyClicks(change.repeat_edit, "Fresh-pass-5")
    assert change.match_label.text() == "✗ The two new passwords do not match." and not change.ok_button.isEnabled()
    qtbot.keyClicks(change.repeat_edit, "8")
    assert change.match_label.text() == "✓ The two new passwords match." and change.ok_button.isEnabled()
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):  # changed, then logged in with the new password
        qtbot.mouseClick(change.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.login is not None and dialog.password_edit.text() == "Fresh-pass-58"
    assert [row.result for row in rig.history("old-pass")] == ["expired", "expired", "ok"]


class GatedClient(ServerClient):
    """The real client, recording each rule check; the check of ``slow`` waits for ``gate`` (a slow answer)."""

    def __init__(self, rig: Rig, slow: str) -> None:
        super().__init__(rig.server.url, TlsConfig(fingerprint=rig.server.fingerprint))
        self.checked: list[str] = []
        self.slow = slow
        self.gate = threading.Event()

    def call(self, method: str, path: str, *, auth: bool = True, **kwargs: Any) -> Any:
        if path == "/auth/password/check":
            self.checked.append(kwargs["json"]["new_password"])
            if self.checked[-1] == self.slow:
                self.gate.wait(10)
        return super().call(method, path, auth=auth, **kwargs)


def test_the_change_dialog_checks_once_per_pause_and_drops_late_answers(qtbot, rig: Rig) -> None:
    rig.agent("changer")
    client = GatedClient(rig, slow="Slow-pass-1")
    runner = BackgroundRunner()
    change = PasswordChangeDialog(client, runner, "changer", "Wrong-current-1")
    qtbot.addWidget(change)
    change.show()
    shown: list[str] = []
    change.rules_checked.connect(shown.append)
    qtbot.waitUntil(lambda: shown == [""], timeout=WAIT_MS)  # the rules are there before the first key
    qtbot.keyClicks(change.new_edit, "Slow-pass-1")
    qtbot.waitUntil(lambda: client.checked == ["", "Slow-pass-1"], timeout=WAIT_MS)  # one check, not 11
    qtbot.keyClicks(change.new_edit, "2")  # typed while that answer is on its way
    change.repeat_edit.setText("Slow-pass-12")
    client.gate.set()
    qtbot.waitUntil(change.ok_button.isEnabled, timeout=WAIT_MS)
    assert shown == ["", "Slow-pass-12"]  # the late answer for "Slow-pass-1" was never shown
    assert client.checked == ["", "Slow-pass-1", "Slow-pass-12"]
    qtbot.mouseClick(change.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Wrong login ID or password" in change.status_label.text(), timeout=WAIT_MS)
    assert change.isVisible() and change.current_edit.selectedText() == "Wrong-current-1"
    change.reject()
    assert runner.wait(WAIT_MS)  # the dialog's connection is closed in the background


def test_a_change_the_server_refuses_shows_its_rules_sentence(qtbot, rig: Rig) -> None:
    rig.agent("racer")
    rig.set_company("co-racer", password_level="weak")
    runner = BackgroundRunner()
    change = PasswordChangeDialog(ServerClient(rig.server.url, TlsConfig(fingerprint=rig.server.fingerprint)),
                                  runner, "racer", PASSWORD)
    qtbot.addWidget(change)
    change.show()
    with qtbot.waitSignal(change.rules_checked, timeout=WAIT_MS, check_params_cb=lambda text: text == "simple7x"):
        change.new_edit.setText("simple7x")
    change.repeat_edit.setText("simple7x")
    assert change.ok_button.isEnabled()
    assert change.rule_labels["alphabet"].text() == "✓ English letters and digits only."  # the weak level's
    rig.set_company("co-racer", password_level="strong")  # an administrator changed the level meanwhile
    qtbot.mouseClick(change.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: change.status_label.text().startswith("The new password breaks these rules:"),
                    timeout=WAIT_MS)
    assert "upper-case" in change.status_label.text() and change.isVisible()
    change.reject()
    assert runner.wait(WAIT_MS)


def test_remember_me_stores_refills_and_forgets(qtbot, rig: Rig, dialogs: Dialogs, config_path: Path,
                                                memory_keyring: MemoryKeyring) -> None:
    rig.agent("keeper")
    first = dialogs(credentials=CredentialStore())
    assert first.remember_box.isVisible() and not first.remember_box.isChecked()
    qtbot.mouseClick(first.remember_box, Qt.MouseButton.LeftButton)
    _log_in(qtbot, first, "keeper")
    assert memory_keyring.passwords == {("Ferry agent", f"{rig.server.url}|keeper"): PASSWORD}
    remembered = read_config_file(config_path)["login_id"]
    assert remembered == "keeper"

    second = dialogs(remembered, credentials=CredentialStore())  # the next start
    qtbot.waitUntil(lambda: second.password_edit.text() == PASSWORD, timeout=WAIT_MS)
    assert second.remember_box.isChecked() and second.id_edit.text() == "keeper"
    qtbot.mouseClick(second.remember_box, Qt.MouseButton.LeftButton)  # untick: forget at once
    qtbot.waitUntil(lambda: memory_keyring.passwords == {}, timeout=WAIT_MS)
    _log_in(qtbot, second, "keeper")
    assert memory_keyring.passwords == {}


def test_without_a_password_store_the_dialog_says_so_and_logs_in(qtbot, rig: Rig, dialogs: Dialogs) -> None:
    rig.agent("nostore")
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        dialog = dialogs("nostore", credentials=CredentialStore())
        with qtbot.waitSignal(dialog.notice, timeout=WAIT_MS) as noticed:
            pass
        assert noticed.args == [NO_STORE] and dialog.note_label.text() == NO_STORE
        assert not dialog.remember_box.isChecked() and not dialog.remember_box.isEnabled()
        _log_in(qtbot, dialog, "nostore")
        assert dialog.login is not None
    finally:
        keyring.set_keyring(before)


def test_a_store_that_refuses_to_save_is_a_notice_not_a_failure(qtbot, rig: Rig, dialogs: Dialogs,
                                                                 config_path: Path) -> None:
    rig.agent("refused-store")
    dialog = dialogs(credentials=CredentialStore(backend=LockedKeyring()))
    qtbot.mouseClick(dialog.remember_box, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.notice, timeout=WAIT_MS) as noticed:
        _log_in(qtbot, dialog, "refused-store")
    assert "refused the request (the collection is locked)" in noticed.args[0]
    assert dialog.login is not None and dialog.remember_note == noticed.args[0]
    assert not config_path.exists()  # the ID is kept only with its password


def test_the_language_is_kept_and_the_dialog_follows_the_translator(
        qtbot, qapp, dialogs: Dialogs, config_path: Path, tmp_path: Path) -> None:
    try:
        built = build.compile_all(out_dir=tmp_path)
    except build.BuildError as exc:
        pytest.skip(str(exc))
    assert built
    dialog = dialogs(language="en")
    assert dialog.language() == "en" and dialog.title_label.text() == "Log in to Ferry"
    installed: list[Any] = []
    dialog.language_changed.connect(
        lambda language: installed.extend(install_translators(qapp, tmp_path, QLocale(f"{language}_KR"))))
    try:
        with qtbot.waitSignal(dialog.language_changed) as changed:
            dialog.language_box.setCurrentIndex(dialog.language_box.findData("ko"))
        assert changed.args == ["ko"] and read_config_file(config_path) == {"language": "ko"}
        qtbot.waitUntil(lambda: dialog.title_label.text() == "Ferry 로그인")  # LanguageChange is posted
        assert dialog.login_button.text() == "로그인"
    finally:
        for translator in installed:
            QCoreApplication.removeTranslator(translator)
    qtbot.waitUntil(lambda: dialog.title_label.text() == "Log in to Ferry")
