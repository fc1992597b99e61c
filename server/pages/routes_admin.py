"""Admin REST API of connection pages (``/api/v1/admin/pages``): pages and their logo, windows with their
agents and image, business hours, holidays, and the reservation history.

Company admins only (the manual gives connection pages to the company admin alone); a group admin may
read the reservation history of the pages their group uses. Another company's page is 404.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from server.admin.auth import AdminDep
from server.admin.routes_directory import LOGO_BODY, error_responses
from server.admin.validation import LOGO_SIGNATURES
from server.context import ServicesDep
from server.downloads import public_base_url
from server.errors import ApiError
from server.models import ReservationState
from server.pages import calendar, pages, reservations, windows
from server.pages.schemas import (
    HolidayCreate,
    HolidayOut,
    HolidayUpdate,
    HoursOut,
    HoursPut,
    PageCreate,
    PageOut,
    PageUpdate,
    ReservationPage,
    WindowCreate,
    WindowOut,
    WindowSettings,
)
from server.pages.validation import IMAGE_MAX_BYTES, ImageRuleError, image_type
from server.schemas import IsoDay

router = APIRouter(prefix="/api/v1/admin/pages", tags=["admin connection pages"])

MAX_ID = 2**31 - 1
PageId = Annotated[int, Path(ge=1, le=MAX_ID, description="the page's id")]
WindowId = Annotated[int, Path(ge=1, le=MAX_ID, description="the window's id")]
HolidayId = Annotated[int, Path(ge=1, le=MAX_ID, description="the holiday's id")]
IMAGE_ANSWER: dict[int | str, dict[str, Any]] = {200: {"description": f"the picture (at most {IMAGE_MAX_BYTES} bytes)",
                                                       "content": {media: {} for media in LOGO_SIGNATURES}}}


class ImageInvalidError(ApiError):
    """An upload that is not a PNG, JPEG or GIF picture."""

    status_code = 422


class ImageTooLargeError(ApiError):
    """A picture larger than 500 KB."""

    status_code = 413


async def _image(request: Request, what: str) -> tuple[bytes, str]:
    data = await request.body()
    try:
        return data, image_type(request.headers.get("content-type"), data, what)
    except ImageRuleError as exc:
        raise (ImageTooLargeError if exc.too_large else ImageInvalidError)(str(exc)) from exc


def _base(request: Request, services: ServicesDep) -> str:
    return public_base_url(services.settings, str(request.base_url), request.url.port)


# --- reservation history (before /{page_id} so the path is not read as an id) ---------------------------

@router.get("/reservations", responses=error_responses(401, 403, 422))
async def reservations_list(
    caller: AdminDep, services: ServicesDep, *,
    page_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="only this page's")] = None,
    window_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="only this window's")] = None,
    state: Annotated[ReservationState | None, Query(description="booked, cancelled or done")] = None,
    since: Annotated[IsoDay | None, Query(description="first UTC day of the reserved hour, included")] = None,
    until: Annotated[IsoDay | None, Query(description="last UTC day of the reserved hour, included")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> ReservationPage:
    """The reservation history, newest hour first: a company admin sees every page's, a group admin those of
    the pages their group uses."""
    where = reservations.HistoryFilter(page_id, window_id, state.value if state else None, since, until, limit,
                                       offset)
    return await services.db.call(reservations.history, caller, where)


# --- pages -----------------------------------------------------------------------------------------------

@router.get("", responses=error_responses(401, 403))
async def pages_list(caller: AdminDep, services: ServicesDep) -> list[PageOut]:
    """Every connection page of the company."""
    return await services.db.call(pages.list_pages, caller)


@router.post("", status_code=201, responses=error_responses(401, 403, 404, 409, 413, 422))
async def pages_create(body: PageCreate, caller: AdminDep, services: ServicesDep) -> PageOut:
    """Create a connection page; its slug makes its address ``/p/{slug}`` and is unique on the server."""
    return await services.db.call(pages.create_page, caller, body)


@router.get("/{page_id}", responses=error_responses(401, 403, 404, 422))
async def pages_get(page_id: PageId, caller: AdminDep, services: ServicesDep) -> PageOut:
    """One connection page."""
    return await services.db.call(pages.get_page, caller, page_id)


@router.patch("/{page_id}", responses=error_responses(401, 403, 404, 409, 413, 422))
async def pages_patch(page_id: PageId, body: PageUpdate, caller: AdminDep, services: ServicesDep) -> PageOut:
    """Change the settings named; group_ids replaces the groups that use the page."""
    return await services.db.call(pages.update_page, caller, page_id, body)


@router.delete("/{page_id}", status_code=204, responses=error_responses(401, 403, 404, 422))
async def pages_delete(page_id: PageId, caller: AdminDep, services: ServicesDep) -> Response:
    """Delete a page with its windows, hours, holidays, reservations and queue."""
    await services.db.call(pages.delete_page, caller, page_id)
    return Response(status_code=204)


@router.put("/{page_id}/logo", responses=error_responses(401, 403, 404, 413, 422), openapi_extra=LOGO_BODY)
async def pages_logo_put(page_id: PageId, request: Request, caller: AdminDep, services: ServicesDep) -> PageOut:
    """Upload the page's logo as the raw body: PNG, JPEG or GIF (Content-Type to match), at most 500 KB."""
    data, media = await _image(request, "logo")
    return await services.db.call(pages.set_logo, caller, page_id, data, media)


@router.get("/{page_id}/logo", response_class=Response, responses={**IMAGE_ANSWER,
                                                                     **error_responses(401, 403, 404, 422)})
async def pages_logo_get(page_id: PageId, caller: AdminDep, services: ServicesDep) -> Response:
    """The page's logo."""
    data, media = await services.db.call(pages.get_logo, caller, page_id)
    return Response(content=data, media_type=media)


@router.delete("/{page_id}/logo", status_code=204, responses=error_responses(401, 403, 404, 422))
async def pages_logo_delete(page_id: PageId, caller: AdminDep, services: ServicesDep) -> Response:
    """Remove the page's logo."""
    await services.db.call(pages.delete_logo, caller, page_id)
    return Response(status_code=204)


# --- windows ---------------------------------------------------------------------------------------------

@router.get("/{page_id}/windows", responses=error_responses(401, 403, 404, 422))
async def windows_list(page_id: PageId, request: Request, caller: AdminDep, services: ServicesDep) -> list[WindowOut]:
    """The page's windows in display order, each with its direct link and banner snippets."""
    return await services.db.call(windows.list_windows, caller, page_id, _base(request, services))


@router.post("/{page_id}/windows", status_code=201, responses=error_responses(401, 403, 404, 413, 422))
async def windows_create(page_id: PageId, body: WindowCreate, request: Request, caller: AdminDep,
                         services: ServicesDep) -> WindowOut:
    """Add a window to a window page."""
    return await services.db.call(windows.create_window, caller, page_id, body, _base(request, services))


@router.get("/{page_id}/windows/{window_id}", responses=error_responses(401, 403, 404, 422))
async def windows_get(page_id: PageId, window_id: WindowId, request: Request, caller: AdminDep,
                      services: ServicesDep) -> WindowOut:
    """One window."""
    return await services.db.call(windows.get_window, caller, page_id, window_id, _base(request, services))


@router.patch("/{page_id}/windows/{window_id}", responses=error_responses(401, 403, 404, 413, 422))
async def windows_patch(page_id: PageId, window_id: WindowId, body: WindowSettings, request: Request, *,
                        caller: AdminDep, services: ServicesDep) -> WindowOut:
    """Change what is named; agent_ids replaces the window's agents."""
    return await services.db.call(windows.update_window, caller, page_id, window_id, body,
                                   base=_base(request, services))


@router.delete("/{page_id}/windows/{window_id}", status_code=204, responses=error_responses(401, 403, 404, 422))
async def windows_delete(page_id: PageId, window_id: WindowId, caller: AdminDep, services: ServicesDep) -> Response:
    """Delete a window with its reservations and queue."""
    await services.db.call(windows.delete_window, caller, page_id, window_id)
    return Response(status_code=204)


@router.put("/{page_id}/windows/{window_id}/image", responses=error_responses(401, 403, 404, 413, 422),
            openapi_extra=LOGO_BODY)
async def windows_image_put(page_id: PageId, window_id: WindowId, request: Request, caller: AdminDep,
                            services: ServicesDep) -> WindowOut:
    """Upload the window's image as the raw body: PNG, JPEG or GIF, at most 500 KB."""
    data, media = await _image(request, "image")
    return await services.db.call(windows.set_image, caller, page_id, window_id, data=data, media=media,
                                   base=_base(request, services))


@router.get("/{page_id}/windows/{window_id}/image", response_class=Response,
            responses={**IMAGE_ANSWER, **error_responses(401, 403, 404, 422)})
async def windows_image_get(page_id: PageId, window_id: WindowId, caller: AdminDep, services: ServicesDep) -> Response:
    """The window's image."""
    data, media = await services.db.call(windows.get_image, caller, page_id, window_id)
    return Response(content=data, media_type=media)


@router.delete("/{page_id}/windows/{window_id}/image", status_code=204, responses=error_responses(401, 403, 404, 422))
async def windows_image_delete(page_id: PageId, window_id: WindowId, caller: AdminDep,
                               services: ServicesDep) -> Response:
    """Remove the window's image."""
    await services.db.call(windows.delete_image, caller, page_id, window_id)
    return Response(status_code=204)


# --- business hours and holidays -------------------------------------------------------------------------

@router.get("/{page_id}/hours", responses=error_responses(401, 403, 404, 422))
async def hours_get(page_id: PageId, caller: AdminDep, services: ServicesDep) -> HoursOut:
    """The page's weekly business hours, in its time zone."""
    return await services.db.call(calendar.get_hours, caller, page_id)


@router.put("/{page_id}/hours", responses=error_responses(401, 403, 404, 413, 422))
async def hours_put(page_id: PageId, body: HoursPut, caller: AdminDep, services: ServicesDep) -> HoursOut:
    """Replace the whole week: ranges of weekday 0 (Monday) to 6, HH:MM local, several per day allowed."""
    return await services.db.call(calendar.put_hours, caller, page_id, body)


@router.get("/{page_id}/holidays", responses=error_responses(401, 403, 404, 422))
async def holidays_list(page_id: PageId, caller: AdminDep, services: ServicesDep) -> list[HolidayOut]:
    """The page's holidays by date."""
    return await services.db.call(calendar.list_holidays, caller, page_id)


@router.post("/{page_id}/holidays", status_code=201, responses=error_responses(401, 403, 404, 413, 422))
async def holidays_create(page_id: PageId, body: HolidayCreate, caller: AdminDep, services: ServicesDep) -> HolidayOut:
    """Add a holiday (yearly: the same month and day every year)."""
    return await services.db.call(calendar.create_holiday, caller, page_id, body)


@router.patch("/{page_id}/holidays/{holiday_id}", responses=error_responses(401, 403, 404, 413, 422))
async def holidays_patch(page_id: PageId, holiday_id: HolidayId, body: HolidayUpdate, caller: AdminDep,
                         services: ServicesDep) -> HolidayOut:
    """Change a holiday."""
    return await services.db.call(calendar.update_holiday, caller, page_id, holiday_id, body)


@router.delete("/{page_id}/holidays/{holiday_id}", status_code=204, responses=error_responses(401, 403, 404, 422))
async def holidays_delete(page_id: PageId, holiday_id: HolidayId, caller: AdminDep, services: ServicesDep) -> Response:
    """Remove a holiday."""
    await services.db.call(calendar.delete_holiday, caller, page_id, holiday_id)
    return Response(status_code=204)
