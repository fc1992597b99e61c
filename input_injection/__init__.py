"""Replay the agent's input on the customer's desktop, only while control is granted. Never imports Qt.

- ``input_injection.injector``: the ``Injector`` protocol and ``PynputInjector(display)`` (XTEST).
- ``input_injection.gate``: ``ControlGate(injector, mapper)``, the gate that drops input without a grant.
- ``input_injection.keymap``: X keysym names <-> pynput Key names, wire modifier bits, the typed-text rule.
- ``input_injection.mapping``: ``ScreenMapper``, picture pixels -> screen pixels, clamped to the monitor.
- ``input_injection.errors``: ``InjectionError`` and its subclasses.
"""
