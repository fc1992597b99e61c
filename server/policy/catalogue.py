"""The option catalogue: every option of SPEC.md's "Option policy" tables, as data, checked at import.

Rules this module keeps:
- ``OPTIONS`` is the single list of options: key, section, kind, allowed values, default, group-only,
  companion (``part_of``) and where it is enforced. Nothing else in the code base lists option keys.
- Keys are SPEC.md's names. A SPEC key written with "(+ list)" or "(+ URL, fields)" gets companion
  options named ``<key>_list``, ``<key>_url``, ``<key>_fields``; the session password's
  "(auto / fixed + value)" becomes ``session_password_mode`` and ``session_password_value``;
  ``auto_logout_minutes`` is the companion of ``auto_logout``.
- At import every default and every *off* value must pass its own kind's rule, keys are unique, and a
  companion's parent exists in the same section: a bad record fails the import, not a login.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType

from server.policy.errors import CatalogueError, PolicyError, UnknownOptionError
from server.policy.model import Kind, Option, OptionValue, Place, Section
from server.policy.values import normalise

SERVER, HOST, VIEWER, AGENT = Place.SERVER, Place.HOST, Place.VIEWER, Place.AGENT
AUTO_LOGOUT_MINUTES = (1, 3, 5, 10, 15, 30, 60)
SUPPORT_DATA_FIELDS = (
    "session_id", "agent_id", "agent_name", "group_name", "customer_name", "connection_code",
    "started_at", "ended_at", "duration_s", "customer_os", "customer_browser",
    "customer_pc_name", "customer_ip", "customer_mac", "category", "support_log", "chat_log",
)  # fmt: skip
Places = tuple[Place, ...]
_KEY = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")


def _switches(section: Section, *, group_only: bool = False) -> Callable[[str, bool, Places, str, str], Option]:
    def make(key: str, default: bool, at: Places, summary: str, ko: str) -> Option:
        return Option(key, section, Kind.BOOL, default, at, summary, label_ko=ko, group_only=group_only)

    return make


_v = _switches(Section.VIEWER)
_c = _switches(Section.CHAT)
_a = _switches(Section.AGENT)
_s = _switches(Section.SECURITY)
_e = _switches(Section.SESSION, group_only=True)
VH, HV = (VIEWER, HOST), (HOST, VIEWER)

_VIEWER_OPTIONS = (
    _v("mouse_control", True, VH, "agent may control the customer's mouse", "마우스제어"),
    _v("keyboard_control", True, VH, "agent may control the customer's keyboard", "키보드제어"),
    _v("control_auto_enable", False, VH, "control is active as soon as the session connects",
       "마우스 키보드 제어 자동활성"),
    _v("simultaneous_control", False, (HOST,),
       "the agent's input is not held back while the customer also moves the mouse", "동시제어"),
    _v("laser_pointer", True, VH, "a pointer the customer sees on their screen", "레이저 포인터"),
    _v("send_ctrl_alt_del", True, VH, "send the secure attention sequence", "Ctrl+Alt+DEL 전송"),
    _v("drawing", True, VH, "draw on the customer's screen", "그리기"),
    _v("screen_save", True, (VIEWER,), "save a picture of the customer's screen", "화면저장"),
    _v("send_url", True, VH, "open a URL in the customer's browser", "URL 전송"),
    _v("file_transfer", True, VH, "send and receive files", "파일전송"),
    _v("file_drag_drop", True, (VIEWER,), "drag and drop files onto the viewer", "Drag & Drop 전송"),
    _v("clipboard", True, VH, "clipboard exchange", "클립보드"),
    _v("clipboard_auto_sync", False, VH, "clipboard is exchanged automatically (off: on demand)",
       "클립보드 자동동기화"),
    _v("agent_screen_share", True, VH, "show the agent's screen to the customer", "상담원 화면 공유"),
    _v("text_chat", True, VH, "text chat in the session", "문자 채팅"),
    _v("voice_chat", False, VH, "voice chat in the session", "음성채팅"),
    _v("sound_share", False, VH, "hear the customer's sound", "소리 공유"),
    _v("program_share", True, VH, "share a single application instead of the whole screen", "프로그램 공유"),
    _v("recording_customer", False, HV, "record the session on the customer's PC", "화면 녹화(고객측)"),
    _v("recording_agent", False, (VIEWER, HOST), "record the session on the agent's PC", "화면 녹화(상담원)"),
    Option("recording_path", Section.VIEWER, Kind.TEXT, "", (VIEWER,),
           "folder for recordings on the agent's PC (empty: the viewer's default folder)",
           label_ko="녹화 파일 저장 경로", max_length=260),
    _v("recording_notice_in_consent", True, (HOST, SERVER), "the consent text mentions recording",
       "원격제어 동의 창에 녹화 파일 저장 안내"),
    _v("session_transfer", True, (SERVER, VIEWER), "hand the session to another agent", "원격 세션 전달"),
    _v("session_share", True, (SERVER, VIEWER), "invite another agent to watch the session", "원격 세션 공유"),
    _v("reboot_reconnect", True, VH, "reboot the customer's PC and reconnect", "원격 재부팅 접속"),
    _v("safe_mode_reconnect", False, VH, "reboot the customer's PC into safe mode and reconnect",
       "안전모드 재 접속"),
    _v("admin_reconnect", True, VH, "reconnect elevated when the customer runs a restricted account",
       "관리자계정을 이용한 재 연결 요청"),
    _v("favorites", True, (VIEWER,), "favorites (saved URLs) in the viewer", "즐겨찾기 사용"),
    _v("system_info", True, VH, "customer system information", "시스템 정보 보기"),
    _v("process_info", True, VH, "customer process list, and ending a process", "프로세스정보보기"),
    _v("remote_print", False, VH, "print a customer document on the agent's printer", "원격 프린트"),
    _v("preview_before_connect", False, HV, "the agent sees the screen while consent is pending",
       "접속 전 미리보기"),
    _v("mouse_trace", False, (VIEWER,), "trail of the customer's mouse", "마우스 추적"),
    _v("screenshot_mode", True, HV, "on a poor link, a still picture every 5 s instead of video",
       "스크린 샷 전송 모드"),
    _v("auto_reconnect", True, VH, "reconnect for a while after a dropped link", "자동 재 연결 사용"),
    _v("support_data_transfer", False, (SERVER,), "post each session's record to a company URL",
       "지원 데이터 전송"),
    Option("support_data_transfer_url", Section.VIEWER, Kind.URL, "", (SERVER,),
           "the company URL that receives each session's record", label_ko="지원 데이터 전송 URL",
           part_of="support_data_transfer", max_length=2048, required_if=(("support_data_transfer", True),)),
    Option("support_data_transfer_fields", Section.VIEWER, Kind.CHOICE_LIST,
           ("session_id", "agent_id", "agent_name", "customer_name", "started_at", "ended_at", "duration_s",
            "category", "support_log"), (SERVER,),
           "which fields of the session record are posted", label_ko="지원 데이터 상세 항목",
           allowed=SUPPORT_DATA_FIELDS, part_of="support_data_transfer", max_items=len(SUPPORT_DATA_FIELDS)),
    _v("linux_support", True, (SERVER,), "customers on 64-bit Linux may connect", "Linux(64bit) 지원"),
)  # fmt: skip

_CHAT_OPTIONS = (
    _c("chat_remote_button", True, (AGENT,), "start remote support from chat", "채팅 원격제어버튼"),
    _c("chat_session_share", True, (AGENT, SERVER), "share or hand over a chat to another agent",
       "채팅 세션 공유"),
    _c("chat_file_agent", True, (AGENT, SERVER), "the agent may send files in chat",
       "채팅 파일전송(상담원측) 사용"),
    _c("chat_file_customer", False, (SERVER,), "the customer may send files in chat",
       "채팅 파일전송(고객측) 사용"),
    _c("chat_log_server", False, (SERVER,), "save chats on the server, shown in the history detail",
       "채팅 종료 시 대화 기록 저장(상담원측)"),
    _c("chat_log_customer", False, (SERVER, HOST), "the customer may save the chat",
       "채팅 종료 시 대화 기록 저장(고객측)"),
)  # fmt: skip

_AGENT_OPTIONS = (
    _a("agent_favorites", True, (AGENT,), "favorites (saved URLs) in the agent app", "에이전트 즐겨찾기 (URL)"),
    _a("agent_shortcut_messages", True, (AGENT,), "shortcut (canned) chat messages", "에이전트 채팅단축메시지(PC)"),
    _a("agent_force_logout_duplicate", False, (SERVER,),
       "a second login with the same ID ends the first (off: the second login is refused)",
       "에이전트 강제 연결 종료"),
    _a("agent_user_status", True, (SERVER, AGENT), "see the group's agents and their states",
       "에이전트 사용자 현황"),
    _a("feedback", True, (AGENT,), "feedback from the agent app", "Feedback 사용"),
    _a("p2p", False, VH, "direct link to the customer when reachable", "P2P 사용여부"),
    _a("direct_input", False, (SERVER, AGENT),
       "the agent types the number the customer's module shows (reverse connection)", "직접 입력 방식"),
    _a("device_registration", False, (SERVER,), "only registered customer devices may use direct input",
       "기기 등록"),
)  # fmt: skip

_SECURITY_OPTIONS = (
    _s("agent_log_file", True, (AGENT,), "the agent app writes a log file", "에이전트 로그파일 기록 사용"),
    _s("auto_logout", False, (AGENT, SERVER), "log out after some idle minutes", "에이전트 자동 로그아웃 제어"),
    Option("auto_logout_minutes", Section.SECURITY, Kind.INT_CHOICE, 30, (AGENT, SERVER),
           "idle minutes before the automatic logout", label_ko="에이전트 자동 로그아웃 시간",
           allowed=AUTO_LOGOUT_MINUTES, part_of="auto_logout"),
    _s("pre_consent", True, (HOST,), "the customer confirms before the connection is made", "사전 동의서"),
    _s("control_consent", True, (HOST,), "the customer confirms control requests and file sends and receipts",
       "제어 중 동의서"),
    _s("customer_alert_lock", True, (HOST,),
       "the agent cannot click the customer's consent boxes (off: may answer them when the customer is away)",
       "고객 측 알림 창 제어 금지"),
    _s("session_password", False, HV, "the customer confirms a 4-digit session password", "세션 비밀번호 설정"),
    Option("session_password_mode", Section.SECURITY, Kind.CHOICE, "auto", (AGENT, VIEWER),
           "a new random password per session (auto) or one fixed password (fixed)",
           label_ko="세션 비밀번호 자동/고정", allowed=("auto", "fixed"), part_of="session_password"),
    Option("session_password_value", Section.SECURITY, Kind.TEXT, "", (AGENT, VIEWER),
           "the fixed session password", label_ko="세션 비밀번호 (고정)", part_of="session_password",
           max_length=4, pattern="[0-9]{4}", pattern_hint="4 digits (0-9)",
           required_if=(("session_password", True), ("session_password_mode", "fixed"))),
    _s("module_delete", True, (HOST,), "the host module deletes itself after the session", "모듈 삭제"),
    _s("transfer_auto_accept", False, (HOST,), "session transfer and share need no customer consent",
       "원격 세션 전달, 공유 시 고객 자동 수락"),
    _s("recording_consent", True, (HOST,), "the customer consents before recording", "화면 녹화 동의서"),
    _s("screen_save_consent", True, HV, "the customer consents before a screen save", "화면 저장 동의서"),
    _s("ip_allow", False, (SERVER,), "agent login only from listed IP addresses or ranges", "IP 접근허용 사용"),
    Option("ip_allow_list", Section.SECURITY, Kind.IP_LIST, (), (SERVER,),
           "IP addresses and CIDR ranges agent login is allowed from", label_ko="IP 접근허용 목록",
           part_of="ip_allow", max_items=256, required_if=(("ip_allow", True),)),
    _s("mac_allow", False, (SERVER,), "agent login only from listed MAC addresses", "MAC 접근허용 사용"),
    Option("mac_allow_list", Section.SECURITY, Kind.MAC_LIST, (), (SERVER,),
           "MAC addresses agent login is allowed from (12 hex digits, no separators)",
           label_ko="MAC 접근허용 목록", part_of="mac_allow", max_items=256, required_if=(("mac_allow", True),)),
    _s("blinder", True, (HOST,), "blinders (regions never shown to the agent) are available", "블라인더(고객측)"),
    _s("blinder_autorun", False, (HOST,), "blinders start with the session (off: the agent starts them)",
       "블라인더 자동실행 여부"),
)  # fmt: skip

_SESSION_OPTIONS = (
    _e("expiry_notice", True, (AGENT,), "show the account's expiry on the waiting screen", "만료일 안내"),
    _e("email_connection_info", False, (AGENT, SERVER), "mail the customer the connection page and code",
       "접속페이지정보 email 전송"),
    _e("copy_connection_info", True, (AGENT,), "copy the connection URL and code to the clipboard",
       "접속 및 앱 설치 정보 클립보드복사"),
    Option("support_log", Section.SESSION, Kind.CHOICE, "optional", (AGENT, SERVER),
           "support log after a session: off, optional, or required (customer name, content, category)",
           label_ko="상담일지사용", allowed=("off", "optional", "required"), group_only=True, off_value="off"),
    _e("end_notice_page", True, (HOST, SERVER), "the customer's browser shows agent name and support time",
       "원격지원 종료 안내문"),
    Option("end_popup_url", Section.SESSION, Kind.URL, "", (HOST,),
           "a page the customer's PC opens after the session (empty: none)", label_ko="고객 설정 종료 팝업 창",
           group_only=True, max_length=2048),
)  # fmt: skip

OPTIONS: tuple[Option, ...] = (*_VIEWER_OPTIONS, *_CHAT_OPTIONS, *_AGENT_OPTIONS, *_SECURITY_OPTIONS, *_SESSION_OPTIONS)


def get_option(key: str) -> Option:
    """The catalogue record for ``key``; raises UnknownOptionError naming the key if there is none."""
    try:
        return BY_KEY[key]
    except (KeyError, TypeError):
        raise UnknownOptionError(
            f"{key!r} is not an option; use one of the keys listed by the option catalogue", str(key)
        ) from None


def companions_of(key: str) -> tuple[Option, ...]:
    """The options that follow ``key``'s group state (``ip_allow`` → ``ip_allow_list``)."""
    return tuple(option for option in OPTIONS if option.part_of == key)


def catalogue_json() -> list[dict[str, object]]:
    """The whole catalogue as JSON objects, in display order."""
    return [option.to_json() for option in OPTIONS]


def _check_value(option: Option, value: OptionValue, what: str) -> None:
    try:
        normalised = normalise(option, value)
    except PolicyError as exc:
        raise CatalogueError(f"catalogue: {what} of {option.key} is not allowed: {exc}", option.key) from None
    if normalised != value:
        raise CatalogueError(f"catalogue: write {what} of {option.key} as {normalised!r}", option.key)


def _check_shape(option: Option) -> None:
    choices = option.kind in (Kind.CHOICE, Kind.INT_CHOICE, Kind.CHOICE_LIST)
    problems = [
        (not _KEY.fullmatch(option.key), "is not a snake_case key"),
        (choices != bool(option.allowed), "needs allowed values exactly when its kind is a choice"),
        (option.kind in (Kind.TEXT, Kind.URL) and option.max_length <= 0, "needs a max_length"),
        (option.kind.value.endswith("_list") and option.max_items <= 0, "needs max_items"),
        (not option.enforced_at, "must say where it is enforced"),
        (option.group_only and option.part_of is not None, "cannot be both group-only and a companion"),
    ]
    for failed, rule in problems:
        if failed:
            raise CatalogueError(f"catalogue: {option.key} {rule}", option.key)


def _check_links(option: Option, by_key: Mapping[str, Option]) -> None:
    if option.part_of is not None:
        parent = by_key.get(option.part_of)
        if parent is None or parent.part_of is not None or parent.section != option.section:
            raise CatalogueError(f"catalogue: {option.key} needs a parent option in its own section", option.key)
        if option.kind is Kind.BOOL:
            raise CatalogueError(f"catalogue: companion {option.key} must not be a switch", option.key)
    for other, value in option.required_if:
        if other not in by_key:
            raise CatalogueError(f"catalogue: {option.key} depends on unknown option {other}", option.key)
        _check_value(by_key[other], value, f"the condition on {other}")


def _build(options: Iterable[Option]) -> Mapping[str, Option]:
    by_key: dict[str, Option] = {}
    for option in options:
        if option.key in by_key:
            raise CatalogueError(f"catalogue: {option.key} is listed twice; keep one record", option.key)
        by_key[option.key] = option
    for option in by_key.values():
        _check_shape(option)
        _check_value(option, option.default, "the default")
        _check_value(option, option.off, "the off value")
        _check_links(option, by_key)
    return MappingProxyType(by_key)


BY_KEY: Mapping[str, Option] = _build(OPTIONS)
KEYS: tuple[str, ...] = tuple(BY_KEY)
