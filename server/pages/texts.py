"""The customer pages' built-in texts (Korean and English) and the choice of a page's language.

A text is looked up in the page's own texts for the language (``ConnectionPage.texts``), then in the
built-in ones of that language, then in the built-in English. The language is the ``?lang=`` one when the
page offers it, else the first of Accept-Language (by weight) the page offers, else the page's default.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

BUILT_IN: dict[str, dict[str, str]] = {
    "en": {
        "title": "Remote support", "skip": "Skip to the main content", "languages": "Languages",
        "initial_title": "Connect to your agent",
        "initial_body": "Type the 6-digit connection code your agent gives you, then start the support program.",
        "initial_contact": "",
        "customer_name_label": "Your name (optional)", "code_label": "Connection code (6 digits)",
        "connect": "Connect", "download": "Download the connection program",
        "download_hint": "Start the downloaded program; it connects by itself and removes itself afterwards.",
        "screen_reader_hint": "Screen reader users: this page works with the keyboard alone. Move between fields "
                              "with Tab; every field has a label, and errors are read out when they appear.",
        "browser_help": "Browser help", "browser_seen": "You are using {browser}.",
        "browser_steps": "If the download does not start, allow downloads from this site, then choose the "
                         "download link again.",
        "code_title": "Your connection code", "code_is": "Your connection code is",
        "code_start": "Download the support program below and start it: the code is already in it.",
        "code_bad": "The connection code has 6 digits (such as 123456): check the code your agent gave you "
                    "and type it again.",
        "icons_title": "Choose your agent's number",
        "icons_none": "No agent is available right now: please try again in a few minutes.",
        "icon_label": "Agent number {number}: {name}",
        "icons_body": "Choose the number your agent gives you: you get a connection code for that agent.",
        "icon_confirm_title": "Agent number {number}",
        "icon_confirm_body": "Agent number {number} ({name}) will help you. Choose Connect to get your connection "
                             "code.",
        "icon_title": "Your agent: {name}",
        "icon_ready": "{name} has been told that you are waiting.",
        "icon_password": "When the support program starts, it asks for a 4-digit session password: your agent "
                         "tells it to you. Type it only when it comes from your agent.",
        "icon_absent": "This agent is not available now: choose another icon.",
        "icon_busy": "This agent is connecting another customer now: choose another icon, or try again in a "
                     "few minutes.",
        "icon_too_many": "Too many clicks from your address: wait {seconds} seconds, then try again.",
        "icon_cross_site": "This choice did not come from this page: go back to the page and choose the icon "
                           "again.",
        "windows_title": "Choose a service window",
        "request_body": "Fill in the form and wait for the next free agent.",
        "choose_window": "Choose {name}", "estimate": "About {minutes} minutes per customer.",
        "closed": "We are closed now.", "next_open": "We open again on {when} ({zone}).",
        "no_reservations": "Please come back during business hours.",
        "reservation_title": "Reserve a consultation",
        "reservation_body": "We are closed now. Choose an hour and we will contact you then.",
        "slot_label": "Hour (time zone {zone})", "reserve": "Reserve", "no_slots": "No hour can be reserved in "
        "the next days: please come back later.",
        "reserved_title": "Your reservation is booked",
        "reserved_body": "{window}, {when} ({zone}). An agent will contact you then.",
        "request_title": "Request support at {name}", "send": "Send request", "required": "(required)",
        "queued_title": "You are in the queue",
        "queued_body": "You are number {position} at {window}.",
        "queued_wait": "Estimated wait: about {minutes} minutes.",
        "queued_refresh": "This page updates itself every 15 seconds; keep it open.",
        "live_intro": "This page updates itself; keep it open. An agent will answer you here.",
        "live_lost": "The connection to the server was lost; trying again in {seconds} s. Your place in the "
                     "queue is kept. If this lasts, check your internet connection.",
        "live_back": "Connected again.",
        "live_gone": "This queue ticket is no longer valid: go back to the page and choose a window again.",
        "live_accepted": "{agent} accepted your request. You can chat now.",
        "live_accepted_plain": "An agent accepted your request.",
        "live_agent": "Agent", "live_you": "You",
        "live_chat_heading": "Chat with your agent", "live_chat_label": "Message to your agent",
        "live_chat_send": "Send", "live_chat_sending": "(sending…)",
        "live_chat_failed": "Not sent: {reason}",
        "live_chat_unconfirmed": "the server did not confirm this message",
        "live_chat_offline": "the connection to the server is lost",
        "live_chat_retry": "Send again",
        "live_not_accepted": "You can chat once an agent accepts your request.",
        "live_file_label": "Send a file to your agent (at most 10 MB)", "live_file_send": "Send file",
        "live_file_sent": "The file was sent.",
        "live_file_too_big": "This file is larger than 10 MB: choose a smaller file.",
        "live_file_failed": "The file could not be sent: {reason}",
        "live_file_download": "Download {name} ({size})",
        "live_save_chat": "Save the chat",
        "live_remote": "Your agent starts remote support. Your connection code is",
        "live_remote_download": "Download the connection program (the code is already in it)",
        "live_remote_connect": "Or type the code on the connection page",
        "live_ended_served": "The consultation has ended. Thank you.",
        "live_ended_left": "You left the queue.",
        "live_ended_other": "The consultation has ended.",
        "live_leave": "Leave the queue",
        "live_leave_offline": "You cannot leave while the connection is lost: wait until it is back, then try again.",
        "live_error": "The server reported: {message}",
        "field_required": "{label} is required: fill it in and send the form again.",
        "field_phone": "{label} may hold only digits and '-', at most 13 characters: correct it and send again.",
        "field_email": "{label} must be an e-mail address such as name@example.com: correct it and send again.",
        "field_text": "{label} may hold at most 200 characters without control characters: shorten it.",
        "slot_bad": "Choose one of the listed hours, then send the form again.",
        "reservation_full": "Every place in this hour is taken ({maximum} reservations per hour at this window): "
                            "choose another hour.",
        "window_gone": "This window no longer exists: go back to the page and choose another one.",
        "window_no_reservations": "This window takes no reservations: please come back during business hours.",
        "slot_gone": "That hour cannot be reserved (it has passed or is outside business hours): choose one of the "
                     "hours the page lists.",
        "cross_site": "This form was not sent from this page: open the page again and send the form from it.",
        "back": "Back to the page",
    },
    "ko": {
        "title": "원격지원", "skip": "본문 바로가기", "languages": "언어",
        "initial_title": "상담원과 연결하기",
        "initial_body": "상담원이 알려 드린 6자리 접속 코드를 입력한 뒤 지원 프로그램을 실행하세요.",
        "initial_contact": "",
        "customer_name_label": "고객명 (선택)", "code_label": "접속 코드 (6자리)", "connect": "연결",
        "download": "접속 프로그램 내려받기",
        "download_hint": "내려받은 프로그램을 실행하세요. 스스로 연결되며 끝나면 스스로 삭제됩니다.",
        "screen_reader_hint": "스크린리더 사용자 안내: 이 페이지는 키보드만으로 쓸 수 있습니다. Tab 키로 입력란 사이를 "
                              "이동하세요. 모든 입력란에 이름표가 있으며 오류는 나타날 때 읽어 드립니다.",
        "browser_help": "브라우저 도움말", "browser_seen": "사용 중인 브라우저: {browser}",
        "browser_steps": "내려받기가 시작되지 않으면 이 사이트의 다운로드를 허용한 뒤 내려받기 링크를 다시 누르세요.",
        "code_title": "접속 코드", "code_is": "접속 코드:",
        "code_start": "아래에서 지원 프로그램을 내려받아 실행하세요. 코드는 이미 들어 있습니다.",
        "code_bad": "접속 코드는 6자리 숫자입니다(예: 123456). 상담원이 알려 드린 코드를 확인하고 다시 입력하세요.",
        "icons_title": "상담원 번호를 선택하세요",
        "icons_none": "지금 연결할 수 있는 상담원이 없습니다. 잠시 후 다시 시도하세요.",
        "icon_label": "상담원 번호 {number}: {name}",
        "icons_body": "상담원이 알려 준 번호를 선택하세요. 그 상담원에게 연결할 접속 코드를 받습니다.",
        "icon_confirm_title": "상담원 번호 {number}",
        "icon_confirm_body": "상담원 번호 {number} ({name}) 상담원이 도와 드립니다. "
                             "연결을 누르면 접속 코드를 받습니다.",
        "icon_title": "담당 상담원: {name}",
        "icon_ready": "{name} 상담원에게 고객님이 기다리고 계심을 알렸습니다.",
        "icon_password": "지원 프로그램이 시작되면 4자리 세션 비밀번호를 묻습니다. 상담원이 알려 드립니다. "
                         "상담원에게서 받은 비밀번호만 입력하세요.",
        "icon_absent": "이 상담원은 지금 연결할 수 없습니다. 다른 아이콘을 선택하세요.",
        "icon_busy": "이 상담원은 지금 다른 고객과 연결 중입니다. 다른 아이콘을 선택하거나 몇 분 뒤 다시 시도하세요.",
        "icon_too_many": "이 주소에서 너무 많이 눌렀습니다. {seconds}초 기다린 뒤 다시 시도하세요.",
        "icon_cross_site": "이 선택은 이 페이지에서 온 것이 아닙니다. 페이지로 돌아가 아이콘을 다시 선택하세요.",
        "windows_title": "상담 창구를 선택하세요",
        "request_body": "양식을 작성하고 다음 상담원을 기다려 주세요.",
        "choose_window": "{name} 선택", "estimate": "고객 1명당 약 {minutes}분",
        "closed": "지금은 상담 시간이 아닙니다.", "next_open": "다음 상담 시작: {when} ({zone})",
        "no_reservations": "상담 시간에 다시 방문해 주세요.",
        "reservation_title": "상담 예약",
        "reservation_body": "지금은 상담 시간이 아닙니다. 시간을 선택하시면 그때 연락드리겠습니다.",
        "slot_label": "시간 (시간대 {zone})", "reserve": "예약", "no_slots": "앞으로 며칠 동안 예약할 수 있는 시간이 "
        "없습니다. 나중에 다시 방문해 주세요.",
        "reserved_title": "예약되었습니다",
        "reserved_body": "{window}, {when} ({zone}). 그때 상담원이 연락드리겠습니다.",
        "request_title": "{name} 상담 요청", "send": "상담 요청", "required": "(필수)",
        "queued_title": "대기 중입니다", "queued_body": "{window} 대기 순서: {position}번째",
        "queued_wait": "예상 대기 시간: 약 {minutes}분",
        "queued_refresh": "이 페이지는 15초마다 새로 고쳐집니다. 닫지 마세요.",
        "live_intro": "이 페이지는 스스로 새로 고쳐집니다. 닫지 마세요. 상담원이 여기에서 답해 드립니다.",
        "live_lost": "서버와의 연결이 끊어졌습니다. {seconds}초 후에 다시 연결합니다. 대기 순서는 그대로 유지됩니다. "
                     "계속되면 인터넷 연결을 확인하세요.",
        "live_back": "다시 연결되었습니다.",
        "live_gone": "이 대기표는 더 이상 유효하지 않습니다. 페이지로 돌아가 창구를 다시 선택하세요.",
        "live_accepted": "{agent} 상담원이 요청을 받았습니다. 이제 채팅할 수 있습니다.",
        "live_accepted_plain": "상담원이 요청을 받았습니다.",
        "live_agent": "상담원", "live_you": "나",
        "live_chat_heading": "상담원과 채팅", "live_chat_label": "상담원에게 보낼 메시지",
        "live_chat_send": "보내기", "live_chat_sending": "(보내는 중…)",
        "live_chat_failed": "보내지 못했습니다: {reason}",
        "live_chat_unconfirmed": "서버가 이 메시지를 확인하지 않았습니다",
        "live_chat_offline": "서버와의 연결이 끊어졌습니다",
        "live_chat_retry": "다시 보내기",
        "live_not_accepted": "상담원이 요청을 받은 뒤에 채팅할 수 있습니다.",
        "live_file_label": "상담원에게 파일 보내기 (최대 10MB)", "live_file_send": "파일 보내기",
        "live_file_sent": "파일을 보냈습니다.",
        "live_file_too_big": "이 파일은 10MB보다 큽니다. 더 작은 파일을 선택하세요.",
        "live_file_failed": "파일을 보내지 못했습니다: {reason}",
        "live_file_download": "{name} 내려받기 ({size})",
        "live_save_chat": "채팅 내용 저장",
        "live_remote": "상담원이 원격지원을 시작합니다. 접속 코드:",
        "live_remote_download": "접속 프로그램 내려받기 (코드가 이미 들어 있습니다)",
        "live_remote_connect": "또는 접속 페이지에서 코드를 입력하세요",
        "live_ended_served": "상담이 끝났습니다. 감사합니다.",
        "live_ended_left": "대기열에서 나왔습니다.",
        "live_ended_other": "상담이 끝났습니다.",
        "live_leave": "대기 취소",
        "live_leave_offline": "연결이 끊어진 동안에는 대기를 취소할 수 없습니다. 연결된 뒤 다시 시도하세요.",
        "live_error": "서버 알림: {message}",
        "field_required": "{label}은(는) 필수입니다. 입력한 뒤 다시 보내 주세요.",
        "field_phone": "{label}에는 숫자와 '-'만 13자까지 쓸 수 있습니다. 고친 뒤 다시 보내 주세요.",
        "field_email": "{label}은(는) name@example.com 같은 이메일 주소여야 합니다. 고친 뒤 다시 보내 주세요.",
        "field_text": "{label}은(는) 제어 문자 없이 200자까지 쓸 수 있습니다. 줄여 주세요.",
        "slot_bad": "목록의 시간 중 하나를 선택한 뒤 다시 보내 주세요.",
        "reservation_full": "이 시간의 예약이 모두 찼습니다(이 창구는 시간당 {maximum}건). 다른 시간을 선택해 주세요.",
        "window_gone": "이 창구는 더 이상 없습니다. 페이지로 돌아가 다른 창구를 선택해 주세요.",
        "window_no_reservations": "이 창구는 예약을 받지 않습니다. 업무 시간에 다시 찾아 주세요.",
        "slot_gone": "그 시간은 예약할 수 없습니다(지났거나 업무 시간이 아닙니다). "
                     "페이지에 나온 시간 중 하나를 선택해 주세요.",
        "cross_site": "이 양식은 이 페이지에서 보낸 것이 아닙니다. 페이지를 다시 열고 그곳에서 보내 주세요.",
        "back": "페이지로 돌아가기",
    },
}
LANGUAGE_NAMES = {"ko": "한국어", "ja": "日本語", "en": "English", "zh-Hans": "简体中文", "zh-Hant": "繁體中文",
                  "es": "Español", "fr": "Français", "pt": "Português"}
_ALIASES = {"zh-cn": "zh-Hans", "zh-sg": "zh-Hans", "zh-hans": "zh-Hans", "zh": "zh-Hans", "zh-tw": "zh-Hant",
            "zh-hk": "zh-Hant", "zh-mo": "zh-Hant", "zh-hant": "zh-Hant"}


def _tag_language(tag: str) -> str:
    """Our language code for a BCP 47 tag (``pt-BR`` → ``pt``, ``zh-TW`` → ``zh-Hant``)."""
    tag = tag.strip().lower()
    for prefix, language in sorted(_ALIASES.items(), key=lambda item: -len(item[0])):
        if tag == prefix or tag.startswith(prefix + "-"):
            return language
    return tag.split("-", 1)[0]


def _ranked(accept_language: str) -> list[str]:
    ranked = []
    for index, part in enumerate(accept_language.split(",")[:20]):
        tag, _, params = part.partition(";")
        weight = re.search(r"q=([01](?:\.[0-9]{0,3})?)", params)
        ranked.append((-(float(weight.group(1)) if weight else 1.0), index, _tag_language(tag)))
    return [language for weight, _, language in sorted(ranked) if weight < 0]


def choose_language(languages: Sequence[str], default: str, asked: str | None, accept_language: str | None) -> str:
    """The language a customer sees (see the module's rule)."""
    if asked in languages:
        return str(asked)
    for language in _ranked(accept_language or ""):
        if language in languages:
            return language
    return default


class PageTexts:
    """The texts of one page in one language."""

    def __init__(self, language: str, own: Mapping[str, Any] | None) -> None:
        self.language = language
        mine = (own or {}).get(language)
        self._own: Mapping[str, Any] = mine if isinstance(mine, Mapping) else {}

    def many(self, keys: Iterable[str]) -> dict[str, str]:
        """The texts of ``keys`` (for the page's script)."""
        return {key: self[key] for key in keys}

    def __getitem__(self, key: str) -> str:
        value = self._own.get(key)
        if isinstance(value, str) and value:
            return value
        return BUILT_IN.get(self.language, {}).get(key) or BUILT_IN["en"][key]
