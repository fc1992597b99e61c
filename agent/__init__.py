"""The agent app: login, viewer waiting, connection codes, launching the viewer.

Layout: ``config`` (frozen settings built in main), ``api`` (REST calls with requests,
run off the GUI thread by ``background``), ``push`` (the /ws/agent listener thread),
``model`` (Qt-free session bookkeeping), ``launcher`` (viewer processes), the widgets
``login_dialog`` and ``main_window``, and ``app`` which wires them together.
"""
