"""Field rules of the admin directory (server.admin.validation) and the request bodies that use them."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from server.admin.schemas import CompanyUpdate, GroupOptionEntry, UserCreate, UserUpdate
from server.admin.validation import (
    LOGO_MAX_BYTES,
    LogoError,
    check_email,
    check_login_id,
    check_login_page_url,
    check_phone,
    display_name,
    logo_type,
)

PNG = b"\x89PNG\r\n\x1a\n" + bytes(40)


@pytest.mark.parametrize("login_id", ["a", "kim.ys", "agent_01", "x-y", "me@corp.example", "A" * 64])
def test_login_ids_that_pass(login_id: str) -> None:
    assert check_login_id(login_id) == login_id


@pytest.mark.parametrize("login_id", ["", "has space", "kim/ys", "한글", "A" * 65, "tab\t", "semi;colon"])
def test_login_ids_that_fail_name_the_rule(login_id: str) -> None:
    with pytest.raises(ValueError, match="login_id may hold only letters, digits"):
        check_login_id(login_id)


@pytest.mark.parametrize("phone", ["0", "02-123-4567", "010-1234-5678", "1" * 13])
def test_phones_that_pass(phone: str) -> None:
    assert check_phone(phone) == phone


@pytest.mark.parametrize("phone", ["", "1" * 14, "010 1234", "+82-10", "010-abcd", "02.123"])
def test_phones_that_fail_name_the_field(phone: str) -> None:
    with pytest.raises(ValueError, match="mobile may hold only digits and '-', at most 13"):
        check_phone(phone, "mobile")


@pytest.mark.parametrize("email", ["a@example.com", "first.last+tag@mail.example.co.kr", "x_y@sub-1.example.org"])
def test_emails_that_pass(email: str) -> None:
    assert check_email(email) == email


@pytest.mark.parametrize("email", [
    "", "plain", "a@b", "a@b.c", "@example.com", "a@@example.com", "a b@example.com", "a@exa mple.com",
    ".a@example.com", "a.@example.com", "a..b@example.com", "a@-example.com", "a@example.123",
    "a" * 65 + "@example.com", "a@" + "b" * 250 + ".com",
])
def test_emails_that_fail_name_the_rule(email: str) -> None:
    with pytest.raises(ValueError, match=r"email must be an address such as name@example\.com"):
        check_email(email)


def test_login_page_url_rule() -> None:
    assert check_login_page_url("acme.support_1-a") == "acme.support_1-a"
    for bad in ("", "a/b", "a b", "x" * 51, "https://x"):
        with pytest.raises(ValueError, match="login_page_url may hold only"):
            check_login_page_url(bad)


def test_display_name_is_built_from_family_and_given_names() -> None:
    assert display_name("Hong", "Gildong", "hgd") == "Hong Gildong"
    assert display_name(" Hong ", None, "hgd") == "Hong"
    assert display_name(None, "  ", "hgd") == "hgd"


def test_logo_formats_are_recognised_by_their_first_bytes() -> None:
    assert logo_type("image/png", PNG) == "image/png"
    assert logo_type("image/jpg", b"\xff\xd8\xff\xe0" + bytes(10)) == "image/jpeg"
    assert logo_type("IMAGE/GIF; charset=binary", b"GIF87a" + bytes(10)) == "image/gif"
    with pytest.raises(LogoError, match="not a PNG picture") as fake:
        logo_type("image/png", b"GIF89a" + bytes(10))
    assert not fake.value.too_large
    with pytest.raises(LogoError, match="Content-Type is 'image/svg\\+xml'"):
        logo_type("image/svg+xml", b"<svg/>")
    with pytest.raises(LogoError, match="Content-Type is 'missing'"):
        logo_type(None, PNG)


def test_a_logo_over_500_kb_is_too_large_and_500_kb_is_not() -> None:
    assert logo_type("image/png", PNG + bytes(LOGO_MAX_BYTES - len(PNG))) == "image/png"
    with pytest.raises(LogoError, match="at most 512000 bytes") as big:
        logo_type("image/png", PNG + bytes(LOGO_MAX_BYTES - len(PNG) + 1))
    assert big.value.too_large


def _message(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return str(error.value.errors()[0]["msg"])


def test_bodies_refuse_what_the_api_never_changes() -> None:
    with pytest.raises(ValidationError) as licence:
        CompanyUpdate.model_validate({"licence_kind": "named"})
    assert "seed command" in _message(licence)
    with pytest.raises(ValidationError) as login_id:
        UserUpdate.model_validate({"login_id": "new"})
    assert "the ID never changes" in _message(login_id)
    with pytest.raises(ValidationError) as null:
        UserUpdate.model_validate({"role": None})
    assert "role may not be null" in _message(null)


def test_update_bodies_keep_which_fields_were_named() -> None:
    body = UserUpdate.model_validate({"email": None, "nickname": "Kim"})
    assert body.model_fields_set == {"email", "nickname"}
    assert CompanyUpdate.model_validate({"lock_minutes": None}).model_fields_set == {"lock_minutes"}


def test_user_create_applies_every_field_rule() -> None:
    good = {"login_id": "kim", "password": "x", "phone": "02-1", "email": "k@example.com", "icon_number": 9999}
    assert UserCreate.model_validate(good).role == "agent"
    for field, value in [("phone", "1" * 14), ("email", "k@"), ("icon_number", 0), ("icon_number", 10000),
                         ("role", "root"), ("login_id", "a b"), ("name", "  "), ("expires_at", "2030-01-01T00:00"),
                         ("extra", 1)]:
        with pytest.raises(ValidationError) as error:
            UserCreate.model_validate({**good, field: value})
        assert error.value.errors()[0]["loc"][0] == field


def test_group_option_entries_cap_their_state() -> None:
    assert GroupOptionEntry.model_validate({"state": "all_use"}).value is None
    with pytest.raises(ValidationError):
        GroupOptionEntry.model_validate({"state": "x" * 17})
    with pytest.raises(ValidationError):
        GroupOptionEntry.model_validate({"state": "all_use", "other": 1})
