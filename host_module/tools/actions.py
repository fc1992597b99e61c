"""Placeholder: the customer-side half of a viewer tool (see host_module.tools)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from host_module.app import HostApp


def install(app: HostApp) -> object:
    return None
