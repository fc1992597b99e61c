"""The admin REST API (``/api/v1/admin``): companies, groups, users, option policies, usage and history.

Callers use an admin-page token (``POST /api/v1/admin/auth/login``); what each role may see and change
is decided in ``server.admin.scope``.
"""
