"""Exactly one agent gets each customer: many agents accept the same entry at the same instant through the real
server, on SQLite and PostgreSQL; one answer is 200, every other is 409 already_taken naming the winner."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from server.models import QueueEntry
from tests.integration.pages_rig import PagesRig
from tests.integration.test_queue_flow import Desk, queue_rig

pytestmark = pytest.mark.integration
AGENTS = 12


@pytest.fixture()
def rig(tmp_path: Path, database_url: str | None) -> Iterator[PagesRig]:
    with queue_rig(tmp_path / "data", database_url) as made:
        yield made


def test_concurrent_accepts_one_winner(rig: PagesRig) -> None:
    desk = Desk(rig, "q-race", "all", agents=AGENTS)
    tokens = [desk.login(i) for i in range(AGENTS)]
    for round_number in range(3):
        desk.join(f"R{round_number}")
        entry_id = desk.api("GET", "/queue", tokens[0]).json()["entries"][-1]["id"]
        start = threading.Barrier(AGENTS)
        answers: list[Any] = [None] * AGENTS

        def accept(index: int, entry: int = entry_id, gate: threading.Barrier = start,
                   out: list[Any] = answers) -> None:
            http = rig.server.session()
            gate.wait()
            out[index] = http.post(rig.server.api(f"/api/v1/queue/{entry}/accept"), timeout=60,
                                   headers={"Authorization": f"Bearer {tokens[index]}"})
            http.close()
        threads = [threading.Thread(target=accept, args=(i,)) for i in range(AGENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(90)
        codes = sorted(answer.status_code for answer in answers)
        assert codes == [200] + [409] * (AGENTS - 1), [answer.text for answer in answers]
        winner = next(i for i, answer in enumerate(answers) if answer.status_code == 200)
        losers = [answer.json() for answer in answers if answer.status_code == 409]
        assert all(body["code"] == "already_taken" and f"q-race-a{winner} " in body["detail"] for body in losers)
        row = rig.db.run(lambda db, e=entry_id: db.scalars(select(QueueEntry).where(QueueEntry.id == e)).one())
        assert row.state == "accepted" and row.agent_id == desk.agent_ids[winner]
        desk.api("POST", f"/queue/{entry_id}/end", tokens[winner])
