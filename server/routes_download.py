"""``GET /download/host``: the one-time host program, stamped for this server (and a code, when given).

Linked from the connection page; not part of the JSON API (the answer is a binary), so it is left out
of the OpenAPI document. Errors are the usual ``{"detail": sentence}``: 404 when no binary was built,
422 for a code that is not 6 digits.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from server.context import ServicesDep
from server.downloads import host_exe_path, public_base_url, server_fingerprint, stamp_block, stamped_download
from server.errors import ValidationFailedError
from server.schemas import CODE_PATTERN

router = APIRouter(include_in_schema=False)

BAD_CODE = ("The connection code in the download link has 6 digits: check the link the agent sent, or "
            "download the program without a code and type it when the program asks.")


@router.get("/download/host")
async def download_host(request: Request, services: ServicesDep, code: str = "") -> StreamingResponse:
    """The built host executable with the server address, fingerprint and ``code`` appended."""
    if code and not CODE_PATTERN.fullmatch(code):
        raise ValidationFailedError(BAD_CODE)
    settings = services.settings
    server = public_base_url(settings, str(request.base_url), request.url.port)
    block = stamp_block(server, server_fingerprint(settings), code or None)
    path = host_exe_path(settings)
    length, body = stamped_download(path, block)
    name = "ferry-host.exe" if path.suffix.lower() == ".exe" else "ferry-host"
    headers = {"Content-Length": str(length), "Cache-Control": "no-store",
               "Content-Disposition": f'attachment; filename="{name}"'}
    return StreamingResponse(body, media_type="application/octet-stream", headers=headers)
