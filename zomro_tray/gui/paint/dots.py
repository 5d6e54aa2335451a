"""The menu's and the window's marks: a small dot per server state, and the balance line's coin.

Painted like the tray icon (:mod:`zomro_tray.gui.paint.icons`, whose colours they share), apart from
it because they are needed once the menu is made, after the icon shows.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QIcon, QPainter, QPainterPath

from zomro_tray.core.model import PowerState
from zomro_tray.gui.paint.icons import (
    AMBER,
    BLUE,
    GREEN,
    GREY,
    RED,
    RIM,
    WHITE,
    exclamation,
    glyph_width,
)
from zomro_tray.gui.paint.painter import (
    canvas,
    circle,
    device_pixel_ratio,
    diamond,
    fill,
    line,
    rounded_rect,
    stroke,
    triangle,
)

DOT_SIZE = 16

DOT_COLOURS = {
    PowerState.ACTIVE: GREEN,
    PowerState.STOPPED: GREY,
    PowerState.STARTING: BLUE,
    PowerState.STOPPING: BLUE,
    PowerState.REBOOTING: BLUE,
    PowerState.BUSY: BLUE,
    PowerState.SUSPENDED: AMBER,
    PowerState.ERROR: RED,
    PowerState.UNKNOWN: GREY,
}


def _dot_shape(state: PowerState, box: QRectF) -> QPainterPath:
    s = box.width()
    if state is PowerState.STOPPED:
        return rounded_rect(box.adjusted(s * 0.08, s * 0.08, -s * 0.08, -s * 0.08), 2)
    if state is PowerState.ERROR:
        return triangle(box)
    if state is PowerState.UNKNOWN:
        return diamond(box)
    return circle(box)  # running, in transition (a half disc on it), suspended (a slash)


def _dot_glyph(state: PowerState, p: QPainter, box: QRectF) -> None:
    """Half a white disc while in transition, a slash when suspended."""
    s = box.width()
    if state in (PowerState.STARTING, PowerState.STOPPING, PowerState.REBOOTING, PowerState.BUSY):
        half = box.adjusted(s * 0.25, s * 0.25, -s * 0.25, -s * 0.25)
        pie = QPainterPath(half.center())
        pie.arcTo(half, 90, 180)
        pie.closeSubpath()
        fill(p, pie, WHITE)
        stroke(p, pie, RIM, 1.0)
    elif state is PowerState.SUSPENDED:
        slash = line(
            QPointF(box.left() + s * 0.28, box.bottom() - s * 0.28),
            QPointF(box.right() - s * 0.28, box.top() + s * 0.28),
        )
        stroke(p, slash, WHITE, glyph_width(s * 0.9))


@cache
def status_dot(state: PowerState) -> QIcon:
    """The coloured mark of a server's state (cached: a refresh of many servers reuses it)."""
    return _status_dot(state, device_pixel_ratio())


@cache
def _status_dot(state: PowerState, ratio: float) -> QIcon:
    pixmap, p = canvas(DOT_SIZE, ratio)
    inset = DOT_SIZE * 0.19
    box = QRectF(inset, inset, DOT_SIZE - 2 * inset, DOT_SIZE - 2 * inset)
    shape = _dot_shape(state, box)
    fill(p, shape, DOT_COLOURS[state])
    stroke(p, shape, RIM, 1.0)
    _dot_glyph(state, p, box)
    p.end()
    return QIcon(pixmap)


@cache
def funds_mark(low: bool) -> QIcon:
    """The menu's balance line: an amber "!" coin when the balance runs low, else nothing."""
    if not low:
        return QIcon()
    pixmap, p = canvas(DOT_SIZE, device_pixel_ratio())
    box = QRectF(1.5, 1.5, DOT_SIZE - 3, DOT_SIZE - 3)
    coin = circle(box)
    fill(p, coin, AMBER)
    stroke(p, coin, RIM, 1.0)
    exclamation(p, box)
    p.end()
    return QIcon(pixmap)
