"""Connection-page field rules, language choice and texts (server.pages.validation, server.pages.texts)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from server.pages import validation as rules
from server.pages.schemas import PageCreate, PageUpdate, WindowCreate
from server.pages.texts import PageTexts, choose_language

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20


def test_slug_zone_colour_and_languages() -> None:
    assert rules.check_slug("bank-1") == "bank-1"
    for bad in ("B", "-bank", "bank_1", "a" * 51, "은행"):
        with pytest.raises(ValueError, match="slug"):
            rules.check_slug(bad)
    assert rules.check_time_zone("Europe/Berlin") == "Europe/Berlin"
    with pytest.raises(ValueError, match="IANA"):
        rules.check_time_zone("Mars/Olympus")
    assert rules.check_color("#A0B1C2") == "#a0b1c2"
    with pytest.raises(ValueError, match="color"):
        rules.check_color("red")
    with pytest.raises(ValueError, match="once"):
        rules.check_languages(["ko", "ko"])
    with pytest.raises(ValueError, match="must be one of the page's languages"):
        rules.check_default_language("ja", ["ko", "en"])


def test_hours_ranges() -> None:
    assert rules.minute_of("24:00") == 1440 and rules.hhmm(545) == "09:05"
    with pytest.raises(ValueError, match="HH:MM"):
        rules.minute_of("25:00")
    with pytest.raises(ValueError, match="start before"):
        rules.check_ranges([(0, 600, 600)])
    with pytest.raises(ValueError, match="overlap at 11:00"):
        rules.check_ranges([(0, 540, 720), (0, 660, 800)])
    assert rules.check_ranges([(0, 540, 720), (0, 720, 800), (1, 0, 1440)])


def test_images_by_their_bytes() -> None:
    assert rules.image_type("image/png", PNG, "image") == "image/png"
    with pytest.raises(rules.ImageRuleError, match="not a GIF picture"):
        rules.image_type("image/gif", PNG, "image")
    with pytest.raises(rules.ImageRuleError, match="Content-Type is 'text/plain'"):
        rules.image_type("text/plain", PNG, "logo")
    with pytest.raises(rules.ImageRuleError) as caught:
        rules.image_type("image/png", PNG + b"x" * rules.IMAGE_MAX_BYTES, "image")
    assert caught.value.too_large


def test_bodies_refuse_unknown_keys_nulls_and_bad_defaults() -> None:
    with pytest.raises(ValidationError, match="extra"):
        PageCreate.model_validate({"slug": "bank", "kind": "window", "name": "Bank", "colour": "#000000"})
    with pytest.raises(ValidationError, match="must be one of the page's languages"):
        PageCreate.model_validate({"slug": "bank", "kind": "window", "name": "Bank", "languages": ["ko"],
                                   "default_language": "en"})
    with pytest.raises(ValidationError, match="may not be null"):
        PageUpdate.model_validate({"name": None})
    with pytest.raises(ValidationError, match="unique"):
        WindowCreate.model_validate({"name": "Loans", "request_fields": [
            {"key": "phone", "labels": {"en": "Phone"}}, {"key": "phone", "labels": {"en": "Phone 2"}}]})


def test_language_choice() -> None:
    offered = ("ko", "en", "zh-Hant", "pt")
    assert choose_language(offered, "ko", "en", "ko") == "en"  # ?lang= first
    assert choose_language(offered, "ko", "ja", None) == "ko"  # not offered: the default
    assert choose_language(offered, "ko", None, "fr-FR, en;q=0.8, ko;q=0.5") == "en"
    assert choose_language(offered, "ko", None, "zh-TW,zh;q=0.9") == "zh-Hant"
    assert choose_language(offered, "ko", None, "pt-BR") == "pt"
    assert choose_language(offered, "en", None, "ja, ko;q=0") == "en"  # q=0 means "not this one"


def test_page_texts_override_built_in_ones() -> None:
    texts = PageTexts("ko", {"ko": {"initial_title": "어서 오세요"}, "en": {"initial_title": "Welcome"}})
    assert texts["initial_title"] == "어서 오세요" and texts["connect"] == "연결"
    assert PageTexts("pt", {})["connect"] == "Connect"  # no built-in Portuguese: English
