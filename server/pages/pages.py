"""Connection pages themselves: create, read, change, delete, logo, and the groups that use a page
(run inside ``Database.call``).

Only a company admin may see or change connection pages (the manual: "접속페이지는 회사 관리자 권한 계정만
접근이 가능합니다"); others get 403 ``role_forbidden``. A page of another company is 404.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from server.accounts import Caller
from server.admin.scope import require_role
from server.errors import ConflictError, NotFoundError, ValidationFailedError
from server.models import ConnectionPage, Group, PageGroup, Role, SupportSession
from server.pages import validation as rules
from server.pages.schemas import PageCreate, PageOut, PageUpdate

MANAGE = "manage connection pages"
DEFAULTS: dict[str, Any] = {"languages": ["ko", "en"], "default_language": "ko", "texts": {}}


def page_path(slug: str) -> str:
    """The public path of a page."""
    return f"/p/{slug}"


def company_page(db: Session, caller: Caller, page_id: int) -> ConnectionPage:
    """The caller's company's page ``page_id`` (company admin only; 404 for any other)."""
    require_role(caller, MANAGE, Role.COMPANY_ADMIN)
    page = db.get(ConnectionPage, page_id)
    if page is None or page.company_id != caller.company_id:
        raise NotFoundError(f"There is no connection page {page_id} in your company: list them with "
                            "GET /api/v1/admin/pages.")
    return page


def group_ids_of(db: Session, page_id: int) -> list[int]:
    """The groups that use a page, by id."""
    return list(db.scalars(select(PageGroup.group_id).where(PageGroup.page_id == page_id).order_by(PageGroup.group_id)))


def page_out(db: Session, page: ConnectionPage) -> PageOut:
    """The answer body of a page."""
    fields = {name: getattr(page, name) for name in PageOut.model_fields if hasattr(page, name)}
    return PageOut(**{**fields, "url": page_path(page.slug), "group_ids": group_ids_of(db, page.id)})


def list_pages(db: Session, caller: Caller) -> list[PageOut]:
    """Every page of the caller's company, by id."""
    require_role(caller, MANAGE, Role.COMPANY_ADMIN)
    rows = db.scalars(select(ConnectionPage).where(ConnectionPage.company_id == caller.company_id)
                      .order_by(ConnectionPage.id))
    return [page_out(db, page) for page in rows]


def _check_slug_free(db: Session, slug: str, page_id: int | None) -> None:
    taken = db.scalar(select(ConnectionPage.id).where(ConnectionPage.slug == slug))
    if taken is not None and taken != page_id:
        raise ConflictError(f"The slug {slug!r} is taken by another connection page: choose another one.")


def _set_groups(db: Session, caller: Caller, page: ConnectionPage, group_ids: list[int]) -> None:
    """Make exactly ``group_ids`` use ``page`` (a group moves here from any page it used before)."""
    wanted = sorted(set(group_ids))
    found = set(db.scalars(select(Group.id).where(Group.id.in_(wanted), Group.company_id == caller.company_id)))
    missing = [group_id for group_id in wanted if group_id not in found]
    if missing:
        raise NotFoundError(f"There is no group {missing[0]} in your company: list them with "
                            "GET /api/v1/admin/groups.")
    db.execute(delete(PageGroup).where((PageGroup.page_id == page.id) | PageGroup.group_id.in_(wanted)))
    db.add_all(PageGroup(group_id=group_id, page_id=page.id) for group_id in wanted)


def _apply(db: Session, caller: Caller, page: ConnectionPage, changes: dict[str, Any]) -> None:
    group_ids = changes.pop("group_ids", None)
    for name, value in changes.items():
        setattr(page, name, value)
    try:
        rules.check_default_language(page.default_language, page.languages)
    except ValueError as exc:
        raise ValidationFailedError(f"Invalid default_language: {exc}.") from exc
    db.flush()
    if group_ids is not None:
        _set_groups(db, caller, page, group_ids)
        db.flush()


def create_page(db: Session, caller: Caller, body: PageCreate) -> PageOut:
    """Create a page of the caller's company (the slug unique on this server)."""
    require_role(caller, MANAGE, Role.COMPANY_ADMIN)
    _check_slug_free(db, body.slug, None)
    values = {**DEFAULTS, **body.model_dump(include=body.model_fields_set)}
    page = ConnectionPage(company_id=caller.company_id, slug=body.slug, kind=body.kind, name=body.name,
                          languages=values.pop("languages"), texts=values.pop("texts"))
    db.add(page)
    _apply(db, caller, page, {k: v for k, v in values.items() if k not in ("slug", "kind", "name")})
    return page_out(db, page)


def get_page(db: Session, caller: Caller, page_id: int) -> PageOut:
    """One page."""
    return page_out(db, company_page(db, caller, page_id))


def update_page(db: Session, caller: Caller, page_id: int, body: PageUpdate) -> PageOut:
    """Change the settings a PATCH names."""
    page = company_page(db, caller, page_id)
    changes = body.model_dump(include=body.model_fields_set)
    if "slug" in changes:
        _check_slug_free(db, changes["slug"], page.id)
    _apply(db, caller, page, changes)
    return page_out(db, page)


def delete_page(db: Session, caller: Caller, page_id: int) -> None:
    """Delete a page with its windows, hours, holidays, reservations and queue entries; its sessions stay."""
    db.delete(company_page(db, caller, page_id))
    db.execute(update(SupportSession).where(SupportSession.page_id == page_id).values(page_id=None)
               .execution_options(synchronize_session=False))


def set_logo(db: Session, caller: Caller, page_id: int, data: bytes, media: str) -> PageOut:
    """Store the page's logo (already checked by ``validation.image_type``)."""
    page = company_page(db, caller, page_id)
    page.logo, page.logo_type = data, media
    return page_out(db, page)


def get_logo(db: Session, caller: Caller, page_id: int) -> tuple[bytes, str]:
    """The page's logo and its media type (404 without one)."""
    page = company_page(db, caller, page_id)
    if page.logo is None or page.logo_type is None:
        raise NotFoundError(f"Connection page {page_id} has no logo: upload one with PUT "
                            f"/api/v1/admin/pages/{page_id}/logo.")
    return page.logo, page.logo_type


def delete_logo(db: Session, caller: Caller, page_id: int) -> None:
    """Remove the page's logo."""
    page = company_page(db, caller, page_id)
    page.logo, page.logo_type = None, None

