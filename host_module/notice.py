"""The connection notice window: always on top while the session is connected; the customer's chat.

Chat: ``attach_chat(session)`` (once) shows the agent's lines as they arrive (carried from the network
thread by an EventBridge) and sends what the customer types; typing is possible only while live.
"""

from __future__ import annotations

import time
import uuid

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from host_module.session import HostSession
from protocol.messages import ChatLine
from ui.bridge import EventBridge
from ui.chat_panel import ChatPanel, LineStatus
from ui.widgets import group_code


class NoticeWindow(QWidget):
    """Tells the customer who is connected; End stops everything, Take back revokes control.

    Pause sharing emits ``pause_toggled(paused)``; Blinders (shown when the policy offers them)
    emits ``blinders_requested`` — the lead connects it to the blinder editor.
    """

    end_requested = Signal()
    revoke_requested = Signal()
    pause_toggled = Signal(bool)
    blinders_requested = Signal()

    def __init__(self, agent_name: str, company: str, parent: QWidget | None = None, blinders: bool = False) -> None:
        super().__init__(parent, Qt.WindowType.Tool | Qt.WindowType.WindowStaysOnTopHint)
        self.setWindowTitle(self.tr("Ferry remote support"))
        self._started = time.monotonic()
        self.agent_label = QLabel(self.tr("Agent: {name} ({company})").format(name=agent_name, company=company))
        self.sas_label = QLabel(self.tr("Security code: —"))
        self.state_label = QLabel(self.tr("Connecting…"))
        self.control_label = QLabel(self.tr("The agent can only watch."))
        self.elapsed_label = QLabel(self.tr("Connected for less than a minute"))
        self.revoke_button = QPushButton(self.tr("Take back control"))
        self.revoke_button.setEnabled(False)
        self.end_button = QPushButton(self.tr("End"))
        self.pause_button = QPushButton(self.tr("Pause sharing"))
        self.pause_button.setCheckable(True)
        self.pause_button.setEnabled(False)
        self.blinders_button = QPushButton(self.tr("Blinders"))
        self.blinders_button.setToolTip(self.tr("Hide parts of your screen from the agent"))
        self.blinders_button.setVisible(blinders)
        self.blinders_button.setEnabled(False)
        self.revoke_button.clicked.connect(self.revoke_requested)
        self.end_button.clicked.connect(self.end_requested)
        self.pause_button.toggled.connect(self._on_pause_button_toggled)
        self.blinders_button.clicked.connect(self.blinders_requested)
        self._agent_name = agent_name
        self._chat_session: HostSession | None = None
        self._chat_bridge = EventBridge(self)
        self._chat_bridge.connect_handler(self._on_chat_bridge_posted)
        self.chat = ChatPanel(self)
        self.chat.setMinimumHeight(160)
        self.chat.set_input_enabled(False, self.tr("Chat opens once remote support starts."))
        self.chat.message_submitted.connect(self._on_chat_message_submitted)
        self._layout()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start(5000)  # a minute display: the shared screen stays still while nothing happens

    def _layout(self) -> None:
        buttons = QHBoxLayout()
        for button in (self.pause_button, self.blinders_button, self.revoke_button, self.end_button):
            buttons.addWidget(button)
        column = QVBoxLayout(self)
        for label in (self.state_label, self.agent_label, self.sas_label, self.control_label, self.elapsed_label):
            column.addWidget(label)
        column.addWidget(self.chat, 1)
        column.addLayout(buttons)

    def place_top_right(self) -> None:
        """Put the window in the top-right corner of the primary screen."""
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            area = screen.availableGeometry()
            self.adjustSize()
            self.move(area.right() - self.width() - 24, area.top() + 24)

    def set_sas(self, sas: str) -> None:
        self.sas_label.setText(self.tr("Security code: {sas}").format(sas=group_code(sas)))

    def set_state(self, text: str) -> None:
        self.state_label.setText(text)

    def show_secured(self) -> None:
        self.set_state(self.tr("Secured. Waiting for your answer…"))

    def show_live(self) -> None:
        self._started = time.monotonic()
        self.set_state(self.tr("Remote support in progress"))
        self.chat.set_input_enabled(True)
        self.pause_button.setEnabled(True)
        self.blinders_button.setEnabled(True)

    def show_reconnecting(self, peer: bool) -> None:
        self.set_state(self.tr("The agent's connection was lost. Waiting for it to come back…") if peer
                       else self.tr("Connection lost. Reconnecting…"))

    def show_resumed(self, sas: str) -> None:
        self.set_sas(sas)
        self.set_state(self.tr("Reconnected: remote support continues"))

    def show_transferred(self, agent_name: str, company: str, sas: str, session: HostSession) -> None:
        """Another agent took the session over: name them; the chat (whose listener moved) goes through ``session``."""
        self._agent_name = agent_name
        self._chat_session = session
        self.agent_label.setText(self.tr("Agent: {name} ({company})").format(name=agent_name, company=company))
        if sas:
            self.set_sas(sas)
        self.set_state(self.tr("{name} took the session over: remote support continues").format(name=agent_name))

    def show_ended(self, reason: str) -> None:
        self.set_state(self.tr("Remote support ended: {reason}").format(reason=reason))
        self.set_control(False)
        self.chat.set_input_enabled(False, self.tr("The session is over."))
        for button in (self.pause_button, self.blinders_button, self.end_button):
            button.setEnabled(False)

    def show_paused(self, paused: bool) -> None:
        """Say whether the agent sees the screen now (the button follows without emitting again)."""
        self.pause_button.blockSignals(True)
        self.pause_button.setChecked(paused)
        self.pause_button.blockSignals(False)
        self.pause_button.setText(self.tr("Resume sharing") if paused else self.tr("Pause sharing"))
        self.set_state(self.tr("Sharing paused: the agent sees nothing") if paused
                       else self.tr("Remote support in progress"))

    def _on_pause_button_toggled(self, paused: bool) -> None:
        self.pause_toggled.emit(paused)

    def attach_chat(self, session: HostSession) -> None:
        """Show the agent's chat lines of ``session`` and send the customer's through it (once)."""
        if self._chat_session is session:
            return
        self._chat_session = session
        session.add_chat_listener(self._chat_bridge.post)

    def _on_chat_bridge_posted(self, line: object) -> None:
        if isinstance(line, ChatLine):
            self.chat.add_line(str(uuid.uuid4()), self._agent_name, line.text, line.sent_ms, LineStatus.RECEIVED)
            self.raise_()

    def _on_chat_message_submitted(self, text: str) -> None:
        line_id = str(uuid.uuid4())
        sent = self._chat_session.send_chat(text) if self._chat_session is not None else None
        self.chat.add_line(line_id, self.tr("You"), text, sent.sent_ms if sent else int(time.time() * 1000),
                           LineStatus.SENT if sent else LineStatus.FAILED)
        if sent is None:
            self.chat.set_status(line_id, LineStatus.FAILED,
                                 self.tr("Not sent: the session is not live. Wait until remote support starts."))

    def set_control(self, granted: bool) -> None:
        self.revoke_button.setEnabled(granted)
        self.control_label.setText(self.tr("The agent controls your mouse and keyboard.") if granted
                                   else self.tr("The agent can only watch."))

    def _on_timer_timeout(self) -> None:
        minutes = int(time.monotonic() - self._started) // 60
        self.elapsed_label.setText(self.tr("Connected for {minutes} min").format(minutes=minutes) if minutes
                                   else self.tr("Connected for less than a minute"))
