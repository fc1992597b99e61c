"""The customer's own pointer moves are told apart from the agent's injected ones."""

from __future__ import annotations

import threading

from host_module.customer_watch import CustomerPointerWatch, customer_moved


def test_a_move_is_the_customers_unless_the_agent_put_the_pointer_there() -> None:
    assert customer_moved((10, 10), (11, 10), agent_target=None)
    assert customer_moved((10, 10), (11, 10), agent_target=(500, 500))
    assert not customer_moved((10, 10), (500, 500), agent_target=(500, 500))
    assert not customer_moved((10, 10), (10, 10), agent_target=None)
    assert not customer_moved(None, (10, 10), agent_target=None)  # the first reading is no move


def test_the_watch_calls_back_only_for_the_customers_moves() -> None:
    positions = iter([(0, 0), (0, 0), (300, 300), (300, 300), (5, 5)])
    agent = {"target": None}
    noticed = threading.Event()
    calls: list[str] = []

    def read() -> tuple[int, int]:
        try:
            position = next(positions)
        except StopIteration:
            noticed.set()
            return (5, 5)
        if position == (300, 300):
            agent["target"] = (300, 300)  # the agent's injected move
        return position

    watch = CustomerPointerWatch(read, lambda: agent["target"], lambda: calls.append("customer"), interval_s=0.001)
    watch.start()
    assert noticed.wait(5)
    watch.stop()
    assert calls == ["customer"] and watch.noticed == 1  # only the move to (5, 5)
