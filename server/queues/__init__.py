"""Window queues: distribution of waiting customers to agents, exactly-once accept, live positions, and the
chat (lines and files) between a customer and the agent who accepted them (SPEC "Connection pages", "Chat").

- ``store``: what runs inside ``Database.call`` (one transaction each): audiences, positions, accept, chat rows.
- ``engine``: the in-process state (customer sockets, sequential alerts, coalesced pushes) and its timers.
- ``routes_agent`` (``/api/v1/queue…``, ``/api/v1/reservations…``) and ``routes_customer`` (``/ws/queue/{ticket}``).
"""
