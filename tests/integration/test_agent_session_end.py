"""The end of a session and of a login against the real server: the support log (required, optional, off,
a failed save kept for a retry), auto-logout with a fake clock, and a forced logout by an administrator that
returns to the login dialog without losing an open support log.

A customer "joins" with a plain POST /sessions/join; the viewer is test_agent_app's FAKE_VIEWER, which
exits when the test releases it. Logs written are read back through the server's API.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from sqlalchemy.orm import Session

from agent.app import AgentController
from agent.config import AgentConfig, TlsConfig
from agent.lifecycle import AgentApplication
from agent.support_log_dialog import SupportLogDialog
from server.models import Category, Role
from tests.integration import test_agent_main_window as window_tests
from tests.integration.test_agent_app import FakeViewers, Recorder
from tests.integration.test_agent_main_window import PASSWORD, WAIT_MS, MakeAgent, Rig, issue_code, wait_for

pytestmark = pytest.mark.integration
rig = window_tests.rig
viewers = window_tests.viewers
make_agent = window_tests.make_agent


def _categories(rig: Rig, login_id: str) -> int:
    """A small tree (Network; PC > Printer) for the company of ``login_id``; the leaf's id."""
    company = rig.company_of(login_id)

    def make(db: Session) -> int:
        top = Category(company_id=company, name="PC", position=1)
        db.add_all([top, Category(company_id=company, name="Network", position=0)])
        db.flush()
        leaf = Category(company_id=company, parent_id=top.id, name="Printer", position=0)
        db.add(leaf)
        db.flush()
        return int(leaf.id)
    return rig.db.run(make)


def _join_and_start(qtbot, controller: AgentController, recorder: Recorder, rig: Rig,
                    viewers: FakeViewers) -> str:
    """Issue a code, let the customer join and the viewer start; the session id."""
    started = len(recorder.named("viewer_started"))
    line = issue_code(qtbot, controller, recorder)
    rig.join(line["code"])
    wait_for(qtbot, recorder, "viewer_started", started + 1)
    qtbot.waitUntil(viewers.out.exists, timeout=WAIT_MS)
    return str(line["session_id"])


def _end_session(qtbot, controller: AgentController, recorder: Recorder, rig: Rig,
                 viewers: FakeViewers) -> str:
    """A whole session: join, viewer, the viewer exits; the session id."""
    sid = _join_and_start(qtbot, controller, recorder, rig, viewers)
    viewers.release(0)
    qtbot.waitUntil(lambda: any(line["session_id"] == sid for line in recorder.named("viewer_exited")),
                    timeout=WAIT_MS)
    return sid


def _log_of(rig: Rig, token: str, sid: str) -> dict[str, Any] | None:
    answer = rig.call("GET", f"/api/v1/me/history/{sid}", token)
    assert answer.status_code == 200, answer.text
    log = answer.json()["log"]
    return dict(log) if log else None


def _open_dialog(qtbot, desk_dialog: Callable[[], SupportLogDialog | None]) -> SupportLogDialog:
    qtbot.waitUntil(lambda: desk_dialog() is not None, timeout=WAIT_MS)
    dialog = desk_dialog()
    assert dialog is not None
    return dialog


def test_required_log_needs_name_content_and_category(qtbot, rig: Rig, make_agent: MakeAgent,
                                                      viewers: FakeViewers) -> None:
    rig.agent("end-req", support_log=("all_use", "required"))
    leaf = _categories(rig, "end-req")
    controller, recorder = make_agent("end-req")
    sid = _end_session(qtbot, controller, recorder, rig, viewers)
    assert wait_for(qtbot, recorder, "support_log_asked")["mode"] == "required"
    dialog = _open_dialog(qtbot, lambda: controller.desk.dialog(sid))
    assert dialog.isVisible() and dialog.skip_button is None
    qtbot.waitUntil(lambda: dialog.category_tree.topLevelItemCount() == 2, timeout=WAIT_MS)
    assert not dialog.save_button.isEnabled()
    dialog.customer_edit.setText("김고객")
    dialog.content_edit.setPlainText("Printer driver reinstalled")
    assert not dialog.save_button.isEnabled() and dialog.missing() == ["category"]
    dialog.close()  # the window's close does nothing
    dialog.reject()  # nor does Esc
    assert dialog.isVisible()
    assert dialog.select_category(leaf)
    assert dialog.save_button.isEnabled()
    dialog.save_button.click()
    assert wait_for(qtbot, recorder, "support_log_saved")["session_id"] == sid
    qtbot.waitUntil(lambda: controller.desk.dialog(sid) is None, timeout=WAIT_MS)
    log = _log_of(rig, controller._login.token, sid)
    assert log is not None
    assert (log["customer_name"], log["content"], log["category_id"]) == ("김고객", "Printer driver reinstalled", leaf)
    assert controller.window.sessions.item(0, 1).text() == "Ended"


def test_required_log_without_categories_needs_name_and_content(qtbot, rig: Rig, make_agent: MakeAgent,
                                                                viewers: FakeViewers) -> None:
    rig.agent("end-req2", support_log=("all_use", "required"))
    controller, recorder = make_agent("end-req2")
    sid = _end_session(qtbot, controller, recorder, rig, viewers)
    dialog = _open_dialog(qtbot, lambda: controller.desk.dialog(sid))
    qtbot.waitUntil(lambda: dialog.category_label.text() == "Your company has no categories.", timeout=WAIT_MS)
    dialog.customer_edit.setText("Park")
    assert not dialog.save_button.isEnabled()
    dialog.content_edit.setPlainText("Done")
    assert dialog.save_button.isEnabled()


def test_optional_log_can_be_skipped_and_off_asks_nothing(qtbot, rig: Rig, make_agent: MakeAgent,
                                                          viewers: FakeViewers) -> None:
    rig.agent("end-opt", support_log=("all_use", "optional"))
    controller, recorder = make_agent("end-opt")
    sid = _end_session(qtbot, controller, recorder, rig, viewers)
    dialog = _open_dialog(qtbot, lambda: controller.desk.dialog(sid))
    qtbot.waitUntil(lambda: dialog.category_label.text() != "Loading the categories…", timeout=WAIT_MS)
    assert dialog.save_button.isEnabled() and dialog.skip_button is not None
    dialog.skip_button.click()
    qtbot.waitUntil(lambda: controller.desk.dialog(sid) is None, timeout=WAIT_MS)
    assert _log_of(rig, controller._login.token, sid) is None
    viewers.reset()
    rig.agent("end-off", support_log=("all_use", "off"))
    quiet, quiet_events = make_agent("end-off")
    _end_session(qtbot, quiet, quiet_events, rig, viewers)
    assert quiet_events.named("support_log_asked") == [] and quiet.desk.dialogs() == []


def test_a_failed_save_keeps_the_text_for_a_retry(qtbot, rig: Rig, make_agent: MakeAgent,
                                                 viewers: FakeViewers) -> None:
    rig.agent("end-retry", support_log=("all_use", "optional"))
    controller, recorder = make_agent("end-retry")
    sid = _end_session(qtbot, controller, recorder, rig, viewers)
    dialog = _open_dialog(qtbot, lambda: controller.desk.dialog(sid))
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=WAIT_MS)
    rig.set_group_option("end-retry", "support_log", "all_use", "off")  # the server now refuses (403)
    dialog.customer_edit.setText("Choi")
    dialog.content_edit.setPlainText("Mail set up")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "Could not save the support log" in dialog.status_label.text(), timeout=WAIT_MS)
    assert "support_log" in dialog.status_label.text()
    assert dialog.isVisible() and dialog.customer_edit.text() == "Choi"
    assert dialog.content_edit.toPlainText() == "Mail set up" and dialog.save_button.isEnabled()
    rig.set_group_option("end-retry", "support_log", "all_use", "optional")
    dialog.save_button.click()
    wait_for(qtbot, recorder, "support_log_saved")
    assert _log_of(rig, controller._login.token, sid)["content"] == "Mail set up"  # type: ignore[index]


class FakeClock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


MakeApp = Callable[..., tuple[AgentApplication, Recorder]]


@pytest.fixture()
def make_app(qapp: QApplication, rig: Rig, viewers: FakeViewers) -> Iterator[MakeApp]:
    """``make_app(login_id, clock)``: the whole app (login dialog first), started; shut down afterwards."""
    made: list[AgentApplication] = []

    def make(login_id: str, clock: Callable[[], float] = time.monotonic) -> tuple[AgentApplication, Recorder]:
        config = AgentConfig(server_url=rig.server.url, tls=TlsConfig(fingerprint=rig.server.fingerprint),
                             login_id=login_id, viewer_command=tuple(viewers.command))
        app = AgentApplication(config, qapp, clock=clock)
        recorder = Recorder(app.events)
        made.append(app)
        app.start()
        return app, recorder

    yield make
    for app in made:
        app.shutdown()
        with contextlib.suppress(RuntimeError, TypeError):
            app.dialog.rejected.disconnect(app.quit)
            app.dialog.hide()
        app.deleteLater()  # still a child of the QApplication: Qt deletes it, never Python's garbage collector


def _log_in(qtbot, app: AgentApplication, recorder: Recorder, login_id: str) -> AgentController:
    before = len(recorder.named("logged_in"))
    app.dialog.fill(login_id, PASSWORD)
    app.dialog.submit()
    wait_for(qtbot, recorder, "logged_in", before + 1)
    assert app.controller is not None
    return app.controller


def test_auto_logout_returns_to_the_login_dialog(qtbot, rig: Rig, make_app: MakeApp) -> None:
    rig.agent("end-idle", auto_logout=("all_use", None), auto_logout_minutes=(None, 5))
    clock = FakeClock()
    app, recorder = make_app("end-idle", clock)
    controller = _log_in(qtbot, app, recorder, "end-idle")
    token = controller._login.token
    assert controller.idle.minutes == 5
    clock.now += 4 * 60
    controller.idle.check()
    assert recorder.named("logged_out") == []
    clock.now += 60
    line = wait_for(qtbot, recorder, "logged_out")  # the watcher's own timer notices
    assert "after 5 minute(s) without activity" in line["reason"]
    assert app.controller is None and app.dialog.isVisible()
    assert app.dialog.status_label.text() == line["reason"] == app.logout_reason
    assert not controller.window.isVisible()
    qtbot.waitUntil(lambda: rig.call("GET", "/api/v1/me", token).status_code == 401, timeout=WAIT_MS)
    again = _log_in(qtbot, app, recorder, "end-idle")
    assert again is not controller and again.window.isVisible()


def test_forced_logout_keeps_an_open_support_log(qtbot, rig: Rig, make_app: MakeApp, viewers: FakeViewers) -> None:
    boss = rig.agent("fl-boss", group="fl", company="co-fl", role=Role.COMPANY_ADMIN)
    agent_id = rig.agent("fl-agent", group="fl", company="co-fl", support_log=("all_use", "required"))
    leaf = _categories(rig, "fl-agent")
    app, recorder = make_app("fl-agent")
    controller = _log_in(qtbot, app, recorder, "fl-agent")
    wait_for(qtbot, recorder, "push_connected")
    first = _end_session(qtbot, controller, recorder, rig, viewers)
    kept = _open_dialog(qtbot, lambda: app.desk.dialog(first))
    kept.customer_edit.setText("Lee")
    viewers.reset()
    running = _join_and_start(qtbot, controller, recorder, rig, viewers)  # a viewer still runs at the logout

    answer = rig.http.post(rig.server.api(f"/api/v1/admin/users/{agent_id}/logout"), json={"reason": "end of shift"},
                           headers={"Authorization": f"Bearer {rig.admin_token(boss)}"}, timeout=10)
    assert answer.status_code == 200, answer.text
    line = wait_for(qtbot, recorder, "logged_out")
    assert "Ended by an administrator: end of shift" in line["reason"]
    assert app.controller is None and app.dialog.isVisible() and app.dialog.status_label.text() == line["reason"]
    ended = next(e for e in recorder.named("viewer_exited") if e["session_id"] == running)
    assert ended["crashed"] is True  # the viewer was ended with the login
    second = _open_dialog(qtbot, lambda: app.desk.dialog(running))  # its session asks for a log too

    assert kept.isVisible() and kept.customer_edit.text() == "Lee"
    kept.content_edit.setPlainText("Reset the password")
    qtbot.waitUntil(lambda: kept.select_category(leaf), timeout=WAIT_MS)
    kept.save_button.click()
    assert "saved when you log in again" in kept.status_label.text() and kept.isVisible()

    fresh = _log_in(qtbot, app, recorder, "fl-agent")
    assert wait_for(qtbot, recorder, "support_log_saved")["session_id"] == first
    qtbot.waitUntil(lambda: app.desk.dialog(first) is None, timeout=WAIT_MS)
    log = _log_of(rig, fresh._login.token, first)
    assert log is not None and (log["customer_name"], log["content"]) == ("Lee", "Reset the password")
    assert second.isVisible()
    second.customer_edit.setText("Lee")
    second.content_edit.setPlainText("Follow-up")
    qtbot.waitUntil(lambda: second.select_category(leaf), timeout=WAIT_MS)
    second.save_button.click()
    assert wait_for(qtbot, recorder, "support_log_saved", 2)["session_id"] == running
