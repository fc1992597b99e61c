"""Placeholder: a viewer tool (see viewer.tools)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from viewer.window import ViewerWindow


def install(window: ViewerWindow) -> object:
    return None
