"""BackgroundRunner: work in a pool thread, results on the GUI thread, failures as AgentError."""

from __future__ import annotations

import threading

from agent.background import BackgroundRunner
from agent.errors import AgentError, ApiError


def test_result_arrives_on_the_gui_thread(qtbot) -> None:
    runner = BackgroundRunner()
    seen: dict[str, object] = {}

    def work() -> int:
        seen["worker"] = threading.current_thread()
        return 42

    def done(result: object) -> None:
        seen["result"] = result
        seen["callback"] = threading.current_thread()

    runner.run(work, done, lambda error: seen.setdefault("error", error))
    assert runner.busy
    qtbot.waitUntil(lambda: "result" in seen)
    assert seen["result"] == 42
    assert seen["worker"] is not threading.main_thread()
    assert seen["callback"] is threading.main_thread()
    assert not runner.busy
    assert runner.wait(1000)


def test_agent_errors_and_bugs_become_failures(qtbot) -> None:
    runner = BackgroundRunner()
    errors: list[AgentError] = []

    def refuse() -> None:
        raise ApiError("Wrong ID or password.", 401)

    def bug() -> None:
        raise KeyError("token")

    runner.run(refuse, lambda _: None, errors.append)
    runner.run(bug, lambda _: None, errors.append)
    qtbot.waitUntil(lambda: len(errors) == 2)
    assert str(errors[0]) == "Wrong ID or password." and isinstance(errors[0], ApiError)
    assert "Internal error: KeyError" in str(errors[1])
    assert runner.wait(1000)


def test_forgotten_jobs_deliver_nothing(qtbot) -> None:
    runner = BackgroundRunner()
    release = threading.Event()
    delivered: list[object] = []
    runner.run(lambda: release.wait(5), delivered.append, delivered.append)
    runner.forget()
    release.set()
    assert runner.wait(5000)
    runner.run(lambda: "later", delivered.append, delivered.append)
    qtbot.waitUntil(lambda: delivered == ["later"])
