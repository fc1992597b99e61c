"""Launch the viewer as its own process per session, and report when it exits.

Rules: one QProcess per session; every process ends with exactly one of ``exited`` or
``failed`` (a crash is an exit with ``crashed=True``), so the agent never waits forever.
The token, session secret and session password go in the child's environment, never on its command line
and never in a log. The viewer's stdout is logged and re-emitted line by line (``output``);
it is never mixed raw into the agent's stdout. The agent app talks to a running viewer by
writing JSON command lines to its stdin (``send_command``; see viewer.control): the viewer is
started with FERRY_VIEWER_STDIO=1, so it prints its events as JSON lines and reads commands.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import sys
from collections.abc import Sequence

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, Signal, Slot

from agent.config import TlsConfig

log = logging.getLogger(__name__)

# Tests and packagers substitute the program here (or pass ``command=`` to ViewerLauncher);
# the viewer's arguments are appended to it.
VIEWER_COMMAND: list[str] | None = None
ENV_TOKEN = "FERRY_TOKEN"
ENV_SECRET = "FERRY_SESSION_SECRET"
ENV_PASSWORD = "FERRY_SESSION_PASSWORD"  # the 4-digit session password, when the session uses one
ENV_POLICY = "FERRY_VIEWER_POLICY"  # the agent's effective options as JSON (viewer.policy)
ENV_STDIO = "FERRY_VIEWER_STDIO"  # events as JSON lines on stdout, commands on stdin (viewer.options)
SESSION_PROPERTY = "ferry_session_id"
CHAT_EVENT_PREFIX = '{"event": "chat",'


@dataclasses.dataclass(frozen=True)
class ViewerRequest:
    """What the viewer needs to join one session."""

    server_url: str
    tls: TlsConfig
    session_id: str
    token: str = dataclasses.field(repr=False)
    secret: str = dataclasses.field(repr=False)
    password: str = dataclasses.field(default="", repr=False)  # the session password the agent reads out
    policy: dict[str, object] = dataclasses.field(default_factory=dict)  # the agent's effective options

    def arguments(self) -> list[str]:
        """The viewer's command-line arguments (no secrets)."""
        return ["--server", self.server_url, *self.tls.viewer_args(), "--session", self.session_id]


def default_command() -> list[str]:
    """The viewer program: VIEWER_COMMAND if set, else this Python running ``-m viewer``."""
    return list(VIEWER_COMMAND) if VIEWER_COMMAND else [sys.executable, "-m", "viewer"]


class ViewerLauncher(QObject):
    """Starts and watches viewer processes; see the module rules."""

    started = Signal(str, int)  # session_id, pid
    exited = Signal(str, int, bool)  # session_id, exit code, crashed
    failed = Signal(str, str)  # session_id, reason (the process could not start)
    output = Signal(str, str)  # session_id, one line the viewer wrote to its stdout

    def __init__(self, parent: QObject | None = None, command: Sequence[str] | None = None) -> None:
        super().__init__(parent)
        self._command = list(command) if command else None
        self._processes: dict[str, QProcess] = {}

    def running(self) -> list[str]:
        """Session ids whose viewer process is starting or running."""
        return list(self._processes)

    def launch(self, request: ViewerRequest) -> None:
        """Start the viewer for ``request.session_id`` (ignored when one already runs for it)."""
        sid = request.session_id
        if sid in self._processes:
            log.info("a viewer already runs for session %s", sid)
            return
        program, *prefix = self._command or default_command()
        env = QProcessEnvironment.systemEnvironment()
        env.insert(ENV_TOKEN, request.token)
        env.insert(ENV_SECRET, request.secret)
        if request.password:
            env.insert(ENV_PASSWORD, request.password)
        else:
            env.remove(ENV_PASSWORD)  # never one inherited from the agent's own environment
        env.insert(ENV_STDIO, "1")
        env.insert(ENV_POLICY, json.dumps(request.policy))
        process = QProcess(self)
        process.setProgram(program)
        process.setArguments([*prefix, *request.arguments()])
        process.setProcessEnvironment(env)
        process.setProcessChannelMode(QProcess.ProcessChannelMode.ForwardedErrorChannel)
        process.setProperty(SESSION_PROPERTY, sid)
        process.started.connect(self._on_process_started)
        process.finished.connect(self._on_process_finished)
        process.errorOccurred.connect(self._on_process_error_occurred)
        process.readyReadStandardOutput.connect(self._on_process_ready_read)
        self._processes[sid] = process
        log.info("starting viewer for session %s: %s %s", sid, program, " ".join(process.arguments()))
        process.start()

    def send_command(self, session_id: str, command: dict[str, object]) -> bool:
        """Write one JSON command line to the viewer of ``session_id``; False when none runs for it.

        QProcess buffers the write and sends it from the event loop: this never blocks the GUI.
        """
        process = self._processes.get(session_id)
        if process is None or process.state() != QProcess.ProcessState.Running:
            return False
        data = (json.dumps(command, ensure_ascii=False) + "\n").encode()
        return process.write(data) == len(data)

    def terminate_all(self, timeout_ms: int = 3000) -> None:
        """Ask every viewer to quit, kill those that do not within ``timeout_ms``, and wait."""
        for process in list(self._processes.values()):
            process.terminate()
        for process in list(self._processes.values()):
            if not process.waitForFinished(timeout_ms):
                process.kill()
                process.waitForFinished(1000)

    def _sender_process(self) -> tuple[str, QProcess] | None:
        process = self.sender()
        if not isinstance(process, QProcess):
            return None
        return str(process.property(SESSION_PROPERTY)), process

    @Slot()
    def _on_process_started(self) -> None:
        found = self._sender_process()
        if found is not None:
            sid, process = found
            self.started.emit(sid, int(process.processId()))

    @Slot(int, QProcess.ExitStatus)
    def _on_process_finished(self, code: int, status: QProcess.ExitStatus) -> None:
        found = self._sender_process()
        if found is None or self._processes.pop(found[0], None) is None:
            return
        sid, process = found
        self._log_output(sid, process, final=True)
        crashed = status == QProcess.ExitStatus.CrashExit
        log.info("viewer for session %s exited with code %d%s", sid, code, " (crashed)" if crashed else "")
        process.deleteLater()
        self.exited.emit(sid, code, crashed)

    @Slot(QProcess.ProcessError)
    def _on_process_error_occurred(self, error: QProcess.ProcessError) -> None:
        if error != QProcess.ProcessError.FailedToStart:
            return  # Crashed and the rest are followed by finished
        found = self._sender_process()
        if found is None or self._processes.pop(found[0], None) is None:
            return
        sid, process = found
        reason = self.tr("Could not start the viewer ({0}): {1}").format(process.program(),
                                                                         process.errorString())
        log.error("%s", reason)
        process.deleteLater()
        self.failed.emit(sid, reason)

    @Slot()
    def _on_process_ready_read(self) -> None:
        found = self._sender_process()
        if found is not None:
            self._log_output(*found)

    def _log_output(self, sid: str, process: QProcess, final: bool = False) -> None:
        lines = []
        while process.canReadLine():
            lines.append(bytes(process.readLine().data()))
        if final and process.bytesAvailable():
            lines.append(bytes(process.readAllStandardOutput().data()))  # a last line without newline
        for raw in lines:
            line = raw.decode(errors="replace").rstrip("\r\n")
            if line.startswith(CHAT_EVENT_PREFIX):  # what the customer wrote stays out of the log file
                log.info("viewer %s: a chat line (%d characters)", sid, len(line))
            else:
                log.info("viewer %s: %s", sid, line)
            self.output.emit(sid, line)
