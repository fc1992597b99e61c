"""The admin page's login, with the two-step login by an e-mailed code, on SQLite and PostgreSQL.

A real SMTP server (aiosmtpd on 127.0.0.1) collects what the Ferry server mails; the Ferry server is
started with ``FERRY_SMTP_HOST``/``_PORT`` pointing at it. Each test makes its own users straight in the
server's database, as the admin page would.
"""

from __future__ import annotations

import contextlib
import datetime
import email
import email.policy
import re
import socket
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope
from aiosmtpd.smtp import Session as SmtpSession
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from server.accounts import create_agent
from server.models import AdminChallenge, Company, LoginHistory, Role, User
from server.two_step import code_hash
from tests.integration.db_rig import ServerRig
from tests.integration.postgres import database_env
from tools.server_process import running_server

pytestmark = pytest.mark.integration

LOGIN = "/api/v1/admin/auth/login"
VERIFY = "/api/v1/admin/auth/verify"
ME = "/api/v1/admin/auth/me"
LOGOUT = "/api/v1/admin/auth/logout"
PASSWORD = "Good-pass-47"
CODE = re.compile(r"\b([0-9]{6})\b")
COMPANY_MENUS = ["company", "groups", "users", "policies", "usage", "history"]


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts, or refuses them all when told to."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.refuse = False
        self._lock = threading.Lock()

    async def handle_DATA(self, server: SMTP, session: SmtpSession, envelope: Envelope) -> str:
        if self.refuse:
            return "554 5.7.1 Relaying denied by the test"
        assert isinstance(envelope.content, bytes)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self._lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        """The messages sent to ``address``, oldest first."""
        with self._lock:
            return [message for rcpt, message in self.messages if address in rcpt]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class MailServer:
    """aiosmtpd on 127.0.0.1 at a fixed port, which a test can stop and start again."""

    def __init__(self) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @contextlib.contextmanager
    def down(self) -> Iterator[None]:
        """Nothing listens on the mail port inside this block."""
        self.stop()
        try:
            yield
        finally:
            self.start()


class Rig(ServerRig):
    """The module's server and mail server, and this module's requests and rows."""

    mail: MailServer

    def post(self, path: str, body: object, token: str | None = None) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.http.post(self.server.api(path), json=body, headers=headers, timeout=20)

    def get(self, path: str, token: str) -> Any:
        return self.http.get(self.server.api(path), headers={"Authorization": f"Bearer {token}"}, timeout=10)

    def login(self, login_id: str, password: str = PASSWORD) -> Any:
        return self.post(LOGIN, {"login_id": login_id, "password": password})

    def verify(self, challenge_id: str, code: str) -> Any:
        return self.post(VERIFY, {"challenge_id": challenge_id, "code": code})

    def user(self, login_id: str, *, two_step: bool = False, email_address: str | None = None,
             role: Role = Role.COMPANY_ADMIN) -> None:
        """A new user of a company with two-step login on or off."""
        company = "co-two-step" if two_step else "co-plain"

        def make(db: Session) -> None:
            create_agent(db, login_id=login_id, name=f"Name {login_id}", password=PASSWORD, company=company,
                         group=f"g-{company}")
            db.execute(update(Company).where(Company.name == company).values(two_step_login=two_step))
            db.execute(update(User).where(User.login_id == login_id).values(email=email_address, role=role.value))
        self.db.run(make)

    def challenges(self, login_id: str) -> list[AdminChallenge]:
        return self.db.run(lambda db: list(db.scalars(
            select(AdminChallenge).join(User, User.id == AdminChallenge.user_id)
            .where(User.login_id == login_id).order_by(AdminChallenge.created_at))))

    def admin_history(self, login_id: str) -> list[LoginHistory]:
        return [row for row in self.history(login_id) if row.kind == "admin"]

    def mailed_code(self, address: str) -> str:
        """The code of the last message mailed to ``address``."""
        body = self.mail.inbox.to(address)[-1].get_content()
        found = CODE.findall(body)
        assert found and len(set(found)) == 1, body
        return str(found[0])

    def start_two_step(self, login_id: str, address: str) -> tuple[str, str]:
        """Log in a two-step user: the challenge id and the code from the mail."""
        started = self.login(login_id)
        assert started.status_code == 202, started.text
        return str(started.json()["challenge_id"]), self.mailed_code(address)


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory, module_database_url: str | None) -> Iterator[Rig]:
    mail = MailServer()
    mail.start()
    data_dir: Path = tmp_path_factory.mktemp("admin-login") / "data"
    env = database_env(module_database_url, FERRY_SMTP_HOST="127.0.0.1", FERRY_SMTP_PORT=str(mail.port),
                       FERRY_SMTP_FROM="ferry@example.test")
    try:
        with running_server(data_dir, env=env) as server:
            made = Rig(server, module_database_url)
            made.mail = mail
            try:
                yield made
            finally:
                made.close()
    finally:
        mail.stop()


def test_a_plain_admin_login_gives_an_admin_token_only(rig: Rig) -> None:
    rig.user("plain-admin")
    answer = rig.login("plain-admin")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["user"] == {"login_id": "plain-admin", "name": "Name plain-admin", "role": "company_admin",
                            "company": "co-plain", "group": "g-co-plain"}
    token = body["token"]
    me = rig.get(ME, token)
    assert me.status_code == 200 and me.json()["menus"] == COMPANY_MENUS
    assert me.json()["user"]["login_id"] == "plain-admin"
    assert rig.get("/api/v1/me/options", token).status_code == 401
    agent_token = rig.server.login("plain-admin", PASSWORD)
    assert rig.get(ME, agent_token).status_code == 401
    assert rig.post(LOGOUT, None, agent_token).status_code == 401
    assert rig.post(LOGOUT, None, token).status_code == 204
    assert rig.get(ME, token).status_code == 401
    assert [row.result for row in rig.admin_history("plain-admin")] == ["ok"]


def test_a_wrong_password_is_refused_and_logged_as_an_admin_login(rig: Rig) -> None:
    rig.user("wrong-pw")
    answer = rig.login("wrong-pw", "Not-the-pass-1")
    assert answer.status_code == 401 and "token" not in answer.json()
    rows = rig.admin_history("wrong-pw")
    assert [row.result for row in rows] == ["failed"] and rows[0].address == "127.0.0.1"


def test_each_role_sees_its_own_menus(rig: Rig) -> None:
    rig.user("menu-agent", role=Role.AGENT)
    rig.user("menu-group", role=Role.GROUP_ADMIN)
    agent = rig.login("menu-agent")
    assert agent.status_code == 200 and agent.json()["user"]["role"] == "agent"
    assert rig.get(ME, agent.json()["token"]).json()["menus"] == ["my_settings"]
    group = rig.login("menu-group").json()["token"]
    assert rig.get(ME, group).json()["menus"] == ["users", "policies", "usage"]


def test_two_step_mails_a_code_that_gives_the_token_once(rig: Rig) -> None:
    rig.user("two-ok", two_step=True, email_address="anna@example.com")
    started = rig.login("two-ok")
    assert started.status_code == 202, started.text
    body = started.json()
    assert body["sent_to"] == "a***@example.com" and "token" not in body
    mails = rig.mail.inbox.to("anna@example.com")
    assert len(mails) == 1
    text = mails[0].get_content()
    assert "5" in text and "ignore" in text and "무시" in text and "로그인 코드" in text
    code = rig.mailed_code("anna@example.com")
    stored = rig.challenges("two-ok")[-1]
    assert stored.id == body["challenge_id"] and code not in stored.code_hash
    assert stored.code_hash == code_hash(stored.id, code)  # the keyed hash, never the code
    assert stored.expires_at - stored.created_at == datetime.timedelta(minutes=5)
    verified = rig.verify(body["challenge_id"], code)
    assert verified.status_code == 200, verified.text
    assert rig.get(ME, verified.json()["token"]).json()["user"]["login_id"] == "two-ok"
    again = rig.verify(body["challenge_id"], code)
    assert again.status_code == 401 and again.json()["code"] == "second_step_failed"
    assert "log in again" in again.json()["detail"]
    assert [row.result for row in rig.admin_history("two-ok")] == ["ok", "failed"]


def test_five_wrong_codes_end_the_challenge_and_lock_the_account(rig: Rig) -> None:
    rig.user("two-wrong", two_step=True, email_address="bert@example.com")
    challenge_id, code = rig.start_two_step("two-wrong", "bert@example.com")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    details = []
    for _ in range(5):
        refused = rig.verify(challenge_id, wrong)
        assert refused.status_code == 401 and refused.json()["code"] == "second_step_failed"
        details.append(refused.json()["detail"])
    assert "4 attempts left" in details[0] and "1 attempt left" in details[3]
    assert "the account is locked" in details[4]  # wrong codes count like wrong passwords: no endless guessing
    dead = rig.verify(challenge_id, code)
    assert dead.status_code == 401 and "log in again" in dead.json()["detail"]
    assert rig.challenges("two-wrong")[-1].attempts == 5
    assert [row.result for row in rig.admin_history("two-wrong")] == ["failed"] * 6
    locked = rig.login("two-wrong")
    assert locked.status_code == 423 and locked.json()["code"] == "account_locked"


def test_an_expired_code_is_refused(rig: Rig) -> None:
    rig.user("two-late", two_step=True, email_address="cleo@example.com")
    challenge_id, code = rig.start_two_step("two-late", "cleo@example.com")
    past = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=1)
    rig.db.run(lambda db: db.execute(update(AdminChallenge).where(AdminChallenge.id == challenge_id)
                                     .values(expires_at=past)))
    refused = rig.verify(challenge_id, code)
    assert refused.status_code == 401 and refused.json()["code"] == "second_step_failed"
    assert "expired" in refused.json()["detail"]
    assert rig.admin_history("two-late")[-1].result == "failed"


def test_a_new_login_replaces_the_older_code(rig: Rig) -> None:
    rig.user("two-twice", two_step=True, email_address="dora@example.com")
    first_id, first_code = rig.start_two_step("two-twice", "dora@example.com")
    second_id, second_code = rig.start_two_step("two-twice", "dora@example.com")
    assert rig.verify(first_id, first_code).status_code == 401
    assert rig.verify(second_id, second_code).status_code == 200


def test_an_unknown_challenge_is_refused(rig: Rig) -> None:
    refused = rig.verify("0" * 32, "123456")
    assert refused.status_code == 401 and refused.json()["code"] == "second_step_failed"
    malformed = rig.verify("0" * 32, "12345x")
    assert malformed.status_code == 422 and "code" in malformed.json()["detail"]


def test_no_registered_email_is_refused_with_what_to_do(rig: Rig) -> None:
    rig.user("two-nomail", two_step=True)
    refused = rig.login("two-nomail")
    assert refused.status_code == 403
    assert "company admin" in refused.json()["detail"] and "e-mail" in refused.json()["detail"]
    assert rig.challenges("two-nomail") == []
    rows = rig.admin_history("two-nomail")
    assert [row.result for row in rows] == ["refused"] and "e-mail" in rows[0].reason


def test_an_unreachable_mail_server_leaves_nothing_usable(rig: Rig) -> None:
    rig.user("two-down", two_step=True, email_address="emil@example.com")
    with rig.mail.down():
        refused = rig.login("two-down")
    assert refused.status_code == 503, refused.text
    detail = refused.json()["detail"]
    assert detail.startswith("Could not send the login code") and "mail server" in detail
    assert f"127.0.0.1:{rig.mail.port}" in detail
    assert [row.used for row in rig.challenges("two-down")] == [True]
    assert rig.mail.inbox.to("emil@example.com") == []
    rows = rig.admin_history("two-down")
    assert [row.result for row in rows] == ["failed"] and "Could not send" in rows[0].reason


def test_a_refusing_mail_server_gives_503(rig: Rig) -> None:
    rig.user("two-refused", two_step=True, email_address="fred@example.com")
    rig.mail.inbox.refuse = True
    try:
        refused = rig.login("two-refused")
    finally:
        rig.mail.inbox.refuse = False
    assert refused.status_code == 503 and "554" in refused.json()["detail"]
    assert [row.used for row in rig.challenges("two-refused")] == [True]


def test_concurrent_guesses_do_not_get_more_than_five_tries(rig: Rig) -> None:
    rig.user("two-race", two_step=True, email_address="gina@example.com")
    challenge_id, code = rig.start_two_step("two-race", "gina@example.com")
    wrong = [f"{(int(code) + n) % 1_000_000:06d}" for n in range(1, 11)]

    def guess(candidate: str) -> int:
        with rig.server.session() as http:
            body = {"challenge_id": challenge_id, "code": candidate}
            return int(http.post(rig.server.api(VERIFY), json=body, timeout=20).status_code)

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(guess, wrong))
    assert statuses == [401] * 10
    assert rig.challenges("two-race")[-1].attempts == 5
    assert rig.verify(challenge_id, code).status_code == 401
