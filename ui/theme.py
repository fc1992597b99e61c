"""One look for every Ferry window: Fusion style, a calm palette, readable sizes."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication

ACCENT = QColor("#1f6feb")
WARNING = QColor("#b3261e")
MUTED = QColor("#5f6368")


def apply_theme(app: QApplication) -> None:
    """Fusion style with Ferry's accent colour for selections and links."""
    app.setStyle("Fusion")
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.Highlight, ACCENT)
    palette.setColor(QPalette.ColorRole.Link, ACCENT)
    app.setPalette(palette)


def mono_font(point_size: int, bold: bool = False) -> QFont:
    """The system's fixed-width font at ``point_size``."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSize(point_size)
    font.setBold(bold)
    return font


def heading_font(base: QFont, scale: float = 1.4, bold: bool = True) -> QFont:
    """``base`` enlarged for a heading."""
    font = QFont(base)
    size = base.pointSizeF() if base.pointSizeF() > 0 else 10.0
    font.setPointSizeF(size * scale)
    font.setBold(bold)
    return font


def colour_style(colour: QColor) -> str:
    """A style sheet fragment setting the text colour."""
    return f"color: {colour.name()};"
