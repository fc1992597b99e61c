"""The agent's effective options as the viewer sees them (SPEC.md "Option policy": the viewer enforces its tools).

Rules: the agent app hands the options it got at login to the viewer in FERRY_VIEWER_POLICY (a JSON object);
a key missing there, or a viewer started by hand without it, takes the catalogue's default (DEFAULTS, kept
equal to server.policy.catalogue by a test). A value of the wrong type counts as missing. The viewer shows
a tool only when the options allow it; the host enforces its half whatever the viewer sends.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from types import MappingProxyType

log = logging.getLogger(__name__)
ENV_POLICY = "FERRY_VIEWER_POLICY"

DEFAULTS: Mapping[str, object] = MappingProxyType({
    "mouse_control": True, "keyboard_control": True, "control_auto_enable": False, "laser_pointer": True,
    "send_ctrl_alt_del": True, "drawing": True, "screen_save": True, "send_url": True, "file_transfer": True,
    "file_drag_drop": True, "clipboard": True, "clipboard_auto_sync": False, "text_chat": True,
    "recording_customer": False, "recording_agent": False, "recording_path": "", "session_transfer": True,
    "session_share": True, "favorites": True, "system_info": True, "process_info": True, "mouse_trace": False,
    "screenshot_mode": True, "auto_reconnect": True, "screen_save_consent": True,
})  # fmt: skip


class ViewerPolicy:
    """Read-only effective options with the catalogue's defaults."""

    def __init__(self, options: Mapping[str, object] | None = None) -> None:
        self._options = dict(options or {})

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ViewerPolicy:
        """The options in FERRY_VIEWER_POLICY; the defaults (and a log line) when it is absent or not JSON."""
        text = (os.environ if env is None else env).get(ENV_POLICY, "")
        if not text:
            return cls()
        try:
            options = json.loads(text)
        except ValueError:
            log.warning("%s is not JSON; the viewer uses the default options", ENV_POLICY)
            return cls()
        return cls(options if isinstance(options, dict) else None)

    def value(self, key: str) -> object:
        """The effective value of ``key``: the agent's, or the default when missing or mistyped."""
        default = DEFAULTS.get(key)
        value = self._options.get(key, default)
        return value if default is None or isinstance(value, type(default)) else default

    def allows(self, *keys: str) -> bool:
        """Every one of ``keys`` is switched on."""
        return all(self.value(key) is True for key in keys)

    def as_dict(self) -> dict[str, object]:
        return {key: self.value(key) for key in {*DEFAULTS, *self._options}}
