"""The Korean translation: complete, placeholders intact, and reaching the real widgets of all three programs."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from PySide6.QtCore import QCoreApplication, QLocale

import resources
from resources.translations import build, update
from ui.i18n import install_translators

TS = Path(resources.__path__[0]) / "translations" / "ferry_ko.ts"
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def _messages() -> list[tuple[str, ET.Element]]:
    root = ET.parse(TS).getroot()
    return [(ctx.findtext("name") or "", message) for ctx in root.iter("context") for message in ctx.iter("message")]


def _text(translation: ET.Element) -> str:
    """The translated text; for a plural message (``numerus``) its forms joined (Korean has one)."""
    forms = translation.findall("numerusform")
    return "".join(form.text or "" for form in forms) if forms else translation.text or ""


def _current() -> list[tuple[str, str, ET.Element]]:
    """(context, source, translation) of the messages the sources still use."""
    found = []
    for context, message in _messages():
        translation = message.find("translation")
        assert translation is not None, message.findtext("source")
        if translation.get("type") not in ("vanished", "obsolete"):
            found.append((context, message.findtext("source") or "", translation))
    return found


@pytest.fixture(scope="module")
def qm_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    try:
        build.find_tool("lrelease")
    except build.BuildError as exc:
        pytest.skip(str(exc))
    out = tmp_path_factory.mktemp("qm")
    built = build.compile_all(TS.parent, out)
    assert [qm.name for qm, _ in built] == ["ferry_ko.qm"]
    assert "0 unfinished" in built[0][1]
    return out


@pytest.fixture()
def korean(qapp, qm_dir: Path) -> Iterator[None]:
    installed = install_translators(qapp, qm_dir, QLocale("ko_KR"))
    assert "ferry_ko.qm" in [Path(t.filePath()).name for t in installed]
    yield
    for translator in installed:
        QCoreApplication.removeTranslator(translator)


def test_every_message_is_translated() -> None:
    current = _current()
    assert len(current) > 80
    untranslated = [(ctx, source) for ctx, source, translation in current
                    if translation.get("type") == "unfinished" or not _text(translation).strip()]
    assert untranslated == []


def test_every_message_has_a_context_the_programs_look_up() -> None:
    """lupdate files a module-level tr() helper's strings under "": no runtime lookup would find them there."""
    assert [source for ctx, source, _ in _current() if not ctx] == []


@pytest.mark.parametrize(("context", "source", "translation"),
                         [(ctx, src, _text(tr)) for ctx, src, tr in _current()],
                         ids=lambda value: value[:40] if isinstance(value, str) else "")
def test_placeholders_survive(context: str, source: str, translation: str) -> None:
    assert sorted(PLACEHOLDER.findall(translation)) == sorted(PLACEHOLDER.findall(source))
    assert translation.count("\n") == source.count("\n")


def test_the_ts_file_is_up_to_date_with_the_sources(tmp_path: Path) -> None:
    """Refreshing a copy from the current sources finds no string without its translation."""
    try:
        build.find_tool("lupdate")
    except build.BuildError as exc:
        pytest.skip(str(exc))
    copy = tmp_path / TS.name
    shutil.copy(TS, copy)
    counts = update.update(copy, update.sources())
    assert counts.unfinished == 0, "run: python -m resources.translations.update, then translate the new strings"
    assert counts.current == len(_current())


@pytest.mark.usefixtures("korean")
def test_host_notice_and_dialogs_are_korean(qtbot) -> None:
    from host_module.dialogs import CodeDialog, consent_box, control_box
    from host_module.notice import NoticeWindow

    notice = NoticeWindow("김상담", "Acme")
    qtbot.addWidget(notice)
    assert notice.windowTitle() == "Ferry 원격지원"
    assert notice.agent_label.text() == "상담원: 김상담 (Acme)"
    assert notice.end_button.text() == "연결 종료"
    assert notice.revoke_button.text() == "제어권 회수"
    notice.set_sas("123456")
    assert notice.sas_label.text() == "보안 코드: 123 456"
    notice.set_control(True)
    assert notice.control_label.text() == "상담원이 마우스와 키보드를 제어하고 있습니다."

    dialog = CodeDialog()
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Ferry 원격지원"

    consent = consent_box("김상담", "Acme", "123456")
    qtbot.addWidget(consent)
    assert consent.windowTitle() == "원격지원을 허용하시겠습니까?"
    assert consent.text().startswith("Acme 김상담 상담원이 원격지원을 위해 고객님의 화면 보기를 요청합니다.\n\n"
                                     "허용하시면 ")
    assert "보안 코드: 123 456." in consent.text()
    assert sorted(button.text() for button in consent.buttons()) == ["거부", "허용"]

    control = control_box("김상담")
    qtbot.addWidget(control)
    assert control.text().startswith("김상담 상담원이 고객님 PC의 마우스와 키보드 제어권을 요청합니다.")
    assert sorted(button.text() for button in control.buttons()) == ["거부", "제어 허용"]


@pytest.mark.usefixtures("korean")
def test_viewer_window_is_korean(qtbot) -> None:
    from viewer.window import ViewerWindow

    window = ViewerWindow(mock.Mock())
    qtbot.addWidget(window)
    assert window.windowTitle() == "Ferry 뷰어"
    assert window.request_control_action.text() == "제어권 요청"
    assert window.end_action.text() == "연결 종료"
    assert window.request_control_action.text() != "Request control"


@pytest.mark.usefixtures("korean")
def test_agent_windows_are_korean(qtbot) -> None:
    from agent.api import AgentIdentity, ApiError, ServerClient
    from agent.config import TlsConfig
    from agent.login_dialog import LoginDialog
    from agent.main_window import CodePanel, MainWindow

    login = LoginDialog(mock.Mock(), mock.Mock(), "https://ferry.example")
    qtbot.addWidget(login)
    assert login.windowTitle() == "Ferry 에이전트 — 로그인"
    assert login.login_button.text() == "로그인"

    window = MainWindow(AgentIdentity(login_id="kim", name="김상담", company="Acme", group=""))
    qtbot.addWidget(window)
    assert window.windowTitle() == "Ferry 에이전트 — 김상담"

    panel = CodePanel()
    qtbot.addWidget(panel)
    assert panel.title() == "접속 코드"
    assert panel.new_button.text() == "새 접속 코드 발급"

    client = ServerClient("https://ferry.example", mock.Mock(spec=TlsConfig))
    with pytest.raises(ApiError) as raised:
        client._request("GET", "/sessions", auth=True)
    assert str(raised.value) == "로그인되어 있지 않습니다. 먼저 로그인하세요."
