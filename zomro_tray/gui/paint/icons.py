"""Icons painted at runtime: one painter, a colour and a shape per state.

Shapes differ as well as colours, so the states stay apart for colour-blind users; every shape
has a dark rim and a white glyph, so it reads on dark and light panels alike. Pixmaps are made at
the screen's device pixel ratio, so they are crisp on HiDPI; macOS gets a monochrome template.

Every mark is a path, filled (:func:`fill`) or stroked (:func:`stroke`): the tray icon is
painted before it shows, and these two reach Qt without PySide6 building its Qt namespace.
"""

from __future__ import annotations

import math
import sys
from functools import cache

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPixmap

from zomro_tray.core.overall import Overall
from zomro_tray.gui.paint.painter import (
    canvas,
    circle,
    device_pixel_ratio,
    diamond,
    fill,
    line,
    point,
    rounded_rect,
    rounded_square,
    stroke,
    triangle,
)

TRAY_SIZES = (16, 20, 22, 24, 32, 48, 64)

GREEN = "#1f9d55"
GREY = "#7b8594"
BLUE = "#2b7de9"
RED = "#d6352a"
AMBER = "#d98a00"
GOLD = "#f5c518"  # the low-balance coin: no state has this colour
WHITE = QColor(255, 255, 255)
BLACK = QColor(0, 0, 0)
RIM = QColor(20, 24, 31, 200)

OVERALL_COLOURS = {
    Overall.ALL_RUNNING: GREEN,
    Overall.SOME_STOPPED: AMBER,
    Overall.IN_PROGRESS: BLUE,
    Overall.PROBLEM: RED,
    Overall.LOADING: GREY,
}


# --- glyphs (white, on top of the shape) ----------------------------------------------------------


def glyph_width(size: float) -> float:
    return max(size * 0.13, 1.4)


def _check(p: QPainter, box: QRectF) -> None:
    s = box.width()
    tick = line(
        QPointF(box.left() + s * 0.28, box.top() + s * 0.52),
        QPointF(box.left() + s * 0.44, box.top() + s * 0.67),
        QPointF(box.left() + s * 0.72, box.top() + s * 0.36),
    )
    stroke(p, tick, WHITE, glyph_width(s))


def _stop_bar(p: QPainter, box: QRectF) -> None:
    s = box.width()
    bar = QPainterPath()
    bar.addRect(QRectF(box.left() + s * 0.34, box.top() + s * 0.34, s * 0.32, s * 0.32))
    fill(p, bar, WHITE)


def _arrows(p: QPainter, box: QRectF) -> None:
    s = box.width()
    ring = box.adjusted(s * 0.27, s * 0.27, -s * 0.27, -s * 0.27)
    width = glyph_width(s * 0.85)
    for start in (20, 200):
        arc = QPainterPath()
        arc.arcMoveTo(ring, start)
        arc.arcTo(ring, start, 120)
        stroke(p, arc, WHITE, width)
        angle = math.radians(start + 120)
        tip = QPointF(
            ring.center().x() + math.cos(angle) * ring.width() / 2,
            ring.center().y() - math.sin(angle) * ring.height() / 2,
        )
        stroke(p, point(tip), WHITE, width)


def exclamation(p: QPainter, box: QRectF) -> None:
    s = box.width()
    width = glyph_width(s * 0.95)
    x = box.center().x()
    stroke(
        p, line(QPointF(x, box.top() + s * 0.36), QPointF(x, box.top() + s * 0.62)), WHITE, width
    )
    stroke(p, point(QPointF(x, box.top() + s * 0.80)), WHITE, width)


def _hollow(p: QPainter, box: QRectF) -> None:
    s = box.width()
    hole = QPainterPath()
    hole.addEllipse(box.center(), s * 0.16, s * 0.16)
    fill(p, hole, QColor(255, 255, 255, 235))


_OVERALL_DESIGN = {
    Overall.ALL_RUNNING: (circle, _check),
    Overall.SOME_STOPPED: (rounded_square, _stop_bar),
    Overall.IN_PROGRESS: (circle, _arrows),
    Overall.PROBLEM: (triangle, exclamation),
    Overall.LOADING: (diamond, _hollow),
}


def _paint_badge(
    size: int, ratio: float, state: Overall, colour: QColor, template: bool = False
) -> QPixmap:
    pixmap, p = canvas(size, ratio)
    shape, glyph = _OVERALL_DESIGN[state]
    rim = max(size / 16, 1.0)
    box = QRectF(rim / 2, rim / 2, size - rim, size - rim)
    path = shape(box)
    fill(p, path, BLACK if template else colour)
    stroke(p, path, BLACK if template else RIM, rim)
    if template:  # macOS: the glyph is cut out of a black shape; the system tints it
        p.setCompositionMode(QPainter.CompositionMode.CompositionMode_Clear)
    glyph(p, box)
    p.end()
    return pixmap


def _paint_low_funds(pixmap: QPixmap, size: int, template: bool) -> None:
    """The low-balance cue: a small gold coin in the lower right corner, over the state's shape
    (so both read at once: "all running, but the money runs out"). A white halo parts it from
    the shape beneath and a dark rim from a light panel; gold is no state's colour."""
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    coin = size * 0.5
    halo = QRectF(size - coin, size - coin, coin, coin)
    rim = max(size / 16, 1.0)
    if template:  # macOS: a hole around a black coin, the menu bar tints the rest
        p.setCompositionMode(QPainter.CompositionMode.CompositionMode_Clear)
    fill(p, circle(halo), WHITE)
    p.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
    inner = circle(halo.adjusted(rim * 1.2, rim * 1.2, -rim * 1.2, -rim * 1.2))
    fill(p, inner, BLACK if template else GOLD)
    stroke(p, inner, BLACK if template else RIM, rim)
    p.end()


@cache
def tray_icon(state: Overall, template: bool | None = None, low_funds: bool = False) -> QIcon:
    """The tray icon for an overall state, at every common tray size. macOS gets a template
    (a mask the menu bar tints for light and dark) unless ``template`` says otherwise."""
    if template is None:
        template = sys.platform == "darwin"
    ratio = device_pixel_ratio()
    icon = QIcon()
    for size in TRAY_SIZES:
        pixmap = _paint_badge(size, ratio, state, QColor(OVERALL_COLOURS[state]), template)
        if low_funds:
            _paint_low_funds(pixmap, size, template)
        icon.addPixmap(pixmap)
    if template:
        icon.setIsMask(True)
    return icon


APP_ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
_PANEL = "#24324a"


def paint_app_icon(size: int, ratio: float = 1.0) -> QPixmap:
    """The app's own icon: a small server rack with one status light per server.

    Used for windows, the launcher and the installers; the tray shows state badges instead.
    """
    pixmap, p = canvas(size, ratio)
    s = float(size)
    fill(p, rounded_rect(QRectF(s * 0.04, s * 0.04, s * 0.92, s * 0.92), s * 0.2), _PANEL)
    for row, light in enumerate((GREEN, GREEN, AMBER)):
        top = s * (0.2 + row * 0.215)
        unit = QRectF(s * 0.17, top, s * 0.66, s * 0.17)
        fill(p, rounded_rect(unit, s * 0.04), "#e9eef6")
        lamp = QPainterPath()
        lamp.addEllipse(
            QPointF(unit.right() - unit.height() * 0.62, unit.center().y()),
            unit.height() * 0.27,
            unit.height() * 0.27,
        )
        fill(p, lamp, light)
        slot = QRectF(
            unit.left() + unit.height() * 0.45,
            unit.center().y() - s * 0.012,
            unit.width() * 0.42,
            s * 0.024,
        )
        fill(p, rounded_rect(slot, s * 0.01), "#9aa6b8")
    p.end()
    return pixmap


@cache
def app_icon() -> QIcon:
    """The application's own icon (windows, dialogs, notifications)."""
    ratio = device_pixel_ratio()
    icon = QIcon()
    for size in APP_ICON_SIZES[:5]:
        icon.addPixmap(paint_app_icon(size, ratio))
    return icon
