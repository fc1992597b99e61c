"""The host's policy: the agent's effective options the host enforces, from the join answer's ``policy``.

Rules: a key the server did not send takes the customer-protecting value (every consent on, the alert
lock on, nothing automatic); a value of the wrong type counts as missing. The host is the enforcement
point: ``permission_rule`` decides every PermissionRequest kind — granted or refused by policy, or
asked of the customer — whatever the viewer sends; a kind it does not know is refused.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Mapping

from protocol.messages import PERMISSION_KINDS

URL_SCHEMES = ("http://", "https://")
AGENT_RECORDING = "agent"  # the detail of a PermissionRequest("recording") for the agent's own recording


class Rule(enum.Enum):
    """What the host does with a request."""

    GRANT = "grant"  # the policy allows it without asking
    ASK = "ask"  # the customer decides
    REFUSE = "refuse"  # the policy forbids it; the customer is not asked


@dataclasses.dataclass(frozen=True)
class HostPolicy:
    """What the host asks the customer, allows and shows; defaults protect the customer."""

    pre_consent: bool = True
    control_consent: bool = True
    customer_alert_lock: bool = True
    simultaneous_control: bool = False
    control_auto_enable: bool = False
    mouse_control: bool = True
    keyboard_control: bool = True
    recording_customer: bool = False
    recording_agent: bool = False
    recording_consent: bool = True
    recording_notice_in_consent: bool = True
    screen_save_consent: bool = True
    file_transfer: bool = True
    send_url: bool = True
    process_info: bool = True
    clipboard: bool = True
    system_info: bool = True
    blinder: bool = True
    blinder_autorun: bool = False
    module_delete: bool = True
    end_notice_page: bool = True
    end_popup_url: str = ""
    session_password: bool = False
    laser_pointer: bool = True
    drawing: bool = True
    send_ctrl_alt_del: bool = True
    clipboard_auto_sync: bool = False
    screenshot_mode: bool = True
    auto_reconnect: bool = True
    transfer_auto_accept: bool = False

    @classmethod
    def from_answer(cls, answer: Mapping[str, object] | None) -> HostPolicy:
        """The policy of a join answer's ``policy`` dict; missing or mistyped keys keep the safe default."""
        answer = answer or {}
        values: dict[str, object] = {}
        for field in dataclasses.fields(cls):
            value = answer.get(field.name)
            if isinstance(value, type(field.default)):
                values[field.name] = value
        return cls(**values)  # type: ignore[arg-type]

    @property
    def recording(self) -> bool:
        """Recording may happen in this session (on the customer's PC or the agent's)."""
        return self.recording_customer or self.recording_agent

    @property
    def mentions_recording(self) -> bool:
        """The pre-consent text says the session will be recorded."""
        return self.recording and self.recording_notice_in_consent

    @property
    def control_allowed(self) -> bool:
        """The agent may control the mouse or the keyboard at all."""
        return self.mouse_control or self.keyboard_control

    def control_rule(self) -> Rule:
        """What to do with a ControlRequest."""
        if not self.control_allowed:
            return Rule.REFUSE
        return Rule.ASK if self.control_consent else Rule.GRANT

    def permission_rule(self, kind: str, detail: str = "") -> Rule:
        """What to do with a PermissionRequest of ``kind`` (``detail`` tells the agent's recording apart)."""
        if kind not in PERMISSION_KINDS or kind not in _CAPABILITY:
            return Rule.REFUSE
        if not self._capable(kind, detail):
            return Rule.REFUSE
        return Rule.ASK if _CONSENT[kind](self) else Rule.GRANT

    def _capable(self, kind: str, detail: str) -> bool:
        """The policy allows ``kind`` at all: recording ("agent": on the agent's PC, else on the customer's)."""
        if kind == "recording":
            return self.recording_agent if detail == AGENT_RECORDING else self.recording_customer
        return _CAPABILITY[kind](self)

    def popup_url(self) -> str | None:
        """The end_popup_url when it is set and starts with http:// or https://, else None."""
        url = self.end_popup_url.strip()
        return url if url.lower().startswith(URL_SCHEMES) else None


def _always(_policy: HostPolicy) -> bool:
    return True


_CAPABILITY: dict[str, Callable[[HostPolicy], bool]] = {
    "file_send": lambda p: p.file_transfer,
    "file_receive": lambda p: p.file_transfer,
    "recording": lambda p: p.recording,  # narrowed by the detail in HostPolicy._capable
    "screen_save": _always,  # screen_save itself is enforced by the viewer; the host keeps the consent
    "url_open": lambda p: p.send_url,
    "process_end": lambda p: p.process_info,
    "clipboard": lambda p: p.clipboard,
    "system_info": lambda p: p.system_info,
    "blinders": lambda p: p.blinder,  # the agent's menu opens the customer's blinder editor
    "session_transfer": _always,  # session_transfer / session_share are enforced by the server and viewer
    "session_share": _always,
}
_CONSENT: dict[str, Callable[[HostPolicy], bool]] = {
    "file_send": lambda p: p.control_consent,
    "file_receive": lambda p: p.control_consent,
    "recording": lambda p: p.recording_consent,
    "screen_save": lambda p: p.screen_save_consent,
    "url_open": lambda p: p.control_consent,
    "process_end": lambda p: p.control_consent,
    "clipboard": lambda p: p.control_consent,
    "system_info": lambda p: p.control_consent,
    "blinders": lambda _p: False,  # nothing is shared by it: the customer draws what to hide
    "session_transfer": lambda p: not p.transfer_auto_accept,
    "session_share": lambda p: not p.transfer_auto_accept,
}


def refusal_reason(kind: str) -> str:
    """Why the policy refused ``kind`` (sent to the agent, in English like every protocol reason)."""
    if kind not in PERMISSION_KINDS:
        return f"the customer's program does not know the request {kind!r}"
    return f"the policy of this session does not allow {kind.replace('_', ' ')}"
