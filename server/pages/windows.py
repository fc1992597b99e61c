"""Windows (창구) of a window page: create, read, change, delete, image, assigned agents, and the direct
link and banner snippets (run inside ``Database.call``; company admin only, as for pages).
"""

from __future__ import annotations

import html
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from server.accounts import Caller
from server.errors import NotFoundError, ValidationFailedError
from server.models import ConnectionPage, PageWindow, User, WindowAgent
from server.pages.pages import company_page, page_path
from server.pages.schemas import WindowCreate, WindowOut, WindowSettings


def window_path(slug: str, window_id: int) -> str:
    """The public path that opens one window directly."""
    return f"{page_path(slug)}/w/{window_id}"


def snippets(base: str, page: ConnectionPage, window: PageWindow) -> dict[str, str]:
    """The direct link and its HTML text-link and image-banner snippets, for a site to paste."""
    link = base.rstrip("/") + window_path(page.slug, window.id)
    name = html.escape(window.name, quote=True)
    image = f"{link}/image"
    return {"link_url": link,
            "link_html": f'<a href="{html.escape(link, quote=True)}">{name}</a>',
            "banner_html": (f'<a href="{html.escape(link, quote=True)}"><img src="{html.escape(image, quote=True)}" '
                            f'alt="{name}"></a>')}


def agent_ids_of(db: Session, window_id: int) -> list[int]:
    """The agents assigned to a window, by id."""
    return list(db.scalars(select(WindowAgent.user_id).where(WindowAgent.window_id == window_id)
                           .order_by(WindowAgent.user_id)))


def window_out(db: Session, base: str, page: ConnectionPage, window: PageWindow) -> WindowOut:
    """The answer body of a window."""
    fields: dict[str, Any] = {name: getattr(window, name) for name in WindowOut.model_fields if hasattr(window, name)}
    fields.update(snippets(base, page, window), agent_ids=agent_ids_of(db, window.id))
    return WindowOut(**fields)


def page_window(db: Session, caller: Caller, page_id: int, window_id: int) -> tuple[ConnectionPage, PageWindow]:
    """The page and its window ``window_id`` (404 for a window of any other page)."""
    page = company_page(db, caller, page_id)
    window = db.get(PageWindow, window_id)
    if window is None or window.page_id != page.id:
        raise NotFoundError(f"Connection page {page_id} has no window {window_id}: list them with "
                            f"GET /api/v1/admin/pages/{page_id}/windows.")
    return page, window


def _window_page(db: Session, caller: Caller, page_id: int) -> ConnectionPage:
    page = company_page(db, caller, page_id)
    if page.kind != "window":
        raise ValidationFailedError(f"Connection page {page_id} is an {page.kind} page: only window pages have "
                                    "windows. Create a page of kind window for them.")
    return page


def _set_agents(db: Session, caller: Caller, window: PageWindow, agent_ids: list[int]) -> None:
    wanted = sorted(set(agent_ids))
    found = set(db.scalars(select(User.id).where(User.id.in_(wanted), User.company_id == caller.company_id)))
    missing = [user_id for user_id in wanted if user_id not in found]
    if missing:
        raise NotFoundError(f"There is no user {missing[0]} in your company: list them with "
                            "GET /api/v1/admin/users.")
    db.execute(delete(WindowAgent).where(WindowAgent.window_id == window.id))
    db.add_all(WindowAgent(window_id=window.id, user_id=user_id) for user_id in wanted)


def _apply(db: Session, caller: Caller, window: PageWindow, changes: dict[str, Any]) -> None:
    agent_ids = changes.pop("agent_ids", None)
    for name, value in changes.items():
        setattr(window, name, value)
    db.flush()
    if agent_ids is not None:
        _set_agents(db, caller, window, agent_ids)
        db.flush()


def list_windows(db: Session, caller: Caller, page_id: int, base: str) -> list[WindowOut]:
    """A page's windows in display order."""
    page = company_page(db, caller, page_id)
    rows = db.scalars(select(PageWindow).where(PageWindow.page_id == page.id)
                      .order_by(PageWindow.position, PageWindow.id))
    return [window_out(db, base, page, window) for window in rows]


def create_window(db: Session, caller: Caller, page_id: int, body: WindowCreate, base: str) -> WindowOut:
    """Add a window to a window page."""
    page = _window_page(db, caller, page_id)
    window = PageWindow(page_id=page.id, name=body.name, request_fields=[], reservation_fields=[])
    db.add(window)
    _apply(db, caller, window, body.model_dump(include=body.model_fields_set - {"name"}))
    return window_out(db, base, page, window)


def get_window(db: Session, caller: Caller, page_id: int, window_id: int, base: str) -> WindowOut:
    """One window."""
    page, window = page_window(db, caller, page_id, window_id)
    return window_out(db, base, page, window)


def update_window(db: Session, caller: Caller, page_id: int, window_id: int, body: WindowSettings, *,
                  base: str) -> WindowOut:
    """Change what the PATCH names."""
    page, window = page_window(db, caller, page_id, window_id)
    _apply(db, caller, window, body.model_dump(include=body.model_fields_set))
    return window_out(db, base, page, window)


def delete_window(db: Session, caller: Caller, page_id: int, window_id: int) -> None:
    """Delete a window with its reservations and queue entries."""
    db.delete(page_window(db, caller, page_id, window_id)[1])


def set_image(db: Session, caller: Caller, page_id: int, window_id: int, *, data: bytes, media: str,
              base: str) -> WindowOut:
    """Store a window's image (already checked)."""
    page, window = page_window(db, caller, page_id, window_id)
    window.image, window.image_type = data, media
    return window_out(db, base, page, window)


def get_image(db: Session, caller: Caller, page_id: int, window_id: int) -> tuple[bytes, str]:
    """A window's image and media type (404 without one)."""
    window = page_window(db, caller, page_id, window_id)[1]
    if window.image is None or window.image_type is None:
        raise NotFoundError(f"Window {window_id} has no image: upload one with PUT "
                            f"/api/v1/admin/pages/{page_id}/windows/{window_id}/image.")
    return window.image, window.image_type


def delete_image(db: Session, caller: Caller, page_id: int, window_id: int) -> None:
    """Remove a window's image."""
    window = page_window(db, caller, page_id, window_id)[1]
    window.image, window.image_type = None, None
