"""Connection pages (SPEC.md "Connection pages"): storage services, the admin API, schedule rules and the
server-rendered customer pages at ``/p/{slug}``.

Modules: ``schedule`` (pure opening-hour and slot rules), ``validation`` (pure field rules), ``schemas``
(admin API bodies), ``pages`` / ``windows`` / ``calendar`` / ``reservations`` (services, run inside
``Database.call``), ``routes_admin`` and ``routes_public`` (the routers), ``texts`` and ``render`` (HTML).
Errors are those of ``server.errors`` (the server's one hierarchy), raised with sentences from here.
"""
