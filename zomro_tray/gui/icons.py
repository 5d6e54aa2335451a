"""Icons painted at runtime: one painter, a colour and a shape per state.

Shapes differ as well as colours, so the states stay apart for colour-blind users; every shape
has a dark rim and a white glyph, so it reads on dark and light panels alike. Pixmaps are made at
the screen's device pixel ratio, so they are crisp on HiDPI; macOS gets a monochrome template.
"""

from __future__ import annotations

import math
import sys
from functools import cache

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import (
    QBrush,
    QColor,
    QGuiApplication,
    QIcon,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QPolygonF,
)

from zomro_tray.model import PowerState
from zomro_tray.presentation import Overall

TRAY_SIZES = (16, 20, 22, 24, 32, 48, 64)
DOT_SIZE = 16

GREEN = "#1f9d55"
GREY = "#7b8594"
BLUE = "#2b7de9"
RED = "#d6352a"
AMBER = "#d98a00"
GOLD = "#f5c518"  # the low-balance coin: no state has this colour
RIM = QColor(20, 24, 31, 200)
# Plain values rather than Qt.* enums. (PySide6 loads its Qt namespace, ~17 ms, on the first
# setPen/setBrush anyway; painting icons at runtime pays that once, before the icon shows.)
CLEAR = QColor(0, 0, 0, 0)
NO_PEN = QPen(CLEAR, 0)
NO_BRUSH = QBrush()

OVERALL_COLOURS = {
    Overall.ALL_RUNNING: GREEN,
    Overall.SOME_STOPPED: AMBER,
    Overall.IN_PROGRESS: BLUE,
    Overall.PROBLEM: RED,
    Overall.LOADING: GREY,
}
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


def _device_pixel_ratio() -> float:
    screen = QGuiApplication.primaryScreen() if QGuiApplication.instance() else None
    return max(screen.devicePixelRatio(), 1.0) if screen else 1.0


def _canvas(size: int, ratio: float) -> tuple[QPixmap, QPainter]:
    pixmap = QPixmap(round(size * ratio), round(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(CLEAR)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    return pixmap, painter


# --- shapes ---------------------------------------------------------------------------------


def _circle(box: QRectF) -> QPainterPath:
    path = QPainterPath()
    path.addEllipse(box)
    return path


def _rounded_square(box: QRectF) -> QPainterPath:
    path = QPainterPath()
    inset = box.width() * 0.06
    radius = box.width() * 0.22
    path.addRoundedRect(box.adjusted(inset, inset, -inset, -inset), radius, radius)
    return path


def _triangle(box: QRectF) -> QPainterPath:
    path = QPainterPath()
    path.addPolygon(
        QPolygonF(
            [
                QPointF(box.center().x(), box.top()),
                QPointF(box.right(), box.bottom() - box.height() * 0.06),
                QPointF(box.left(), box.bottom() - box.height() * 0.06),
            ]
        )
    )
    path.closeSubpath()
    return path


def _diamond(box: QRectF) -> QPainterPath:
    c = box.center()
    path = QPainterPath()
    path.addPolygon(
        QPolygonF(
            [
                QPointF(c.x(), box.top()),
                QPointF(box.right(), c.y()),
                QPointF(c.x(), box.bottom()),
                QPointF(box.left(), c.y()),
            ]
        )
    )
    path.closeSubpath()
    return path


# --- glyphs (white, on top of the shape) ----------------------------------------------------------


def _glyph_pen(size: float) -> QPen:
    return QPen(QColor("white"), max(size * 0.13, 1.4))


def _check(p: QPainter, box: QRectF) -> None:
    s = box.width()
    p.setPen(_glyph_pen(s))
    p.drawPolyline(
        QPolygonF(
            [
                QPointF(box.left() + s * 0.28, box.top() + s * 0.52),
                QPointF(box.left() + s * 0.44, box.top() + s * 0.67),
                QPointF(box.left() + s * 0.72, box.top() + s * 0.36),
            ]
        )
    )


def _stop_bar(p: QPainter, box: QRectF) -> None:
    s = box.width()
    p.setPen(NO_PEN)
    p.setBrush(QColor("white"))
    p.drawRect(QRectF(box.left() + s * 0.34, box.top() + s * 0.34, s * 0.32, s * 0.32))


def _arrows(p: QPainter, box: QRectF) -> None:
    s = box.width()
    ring = box.adjusted(s * 0.27, s * 0.27, -s * 0.27, -s * 0.27)
    pen = _glyph_pen(s * 0.85)
    p.setPen(pen)
    p.setBrush(NO_BRUSH)
    for start in (20, 200):
        p.drawArc(ring, start * 16, 120 * 16)
        angle = math.radians(start + 120)
        tip = QPointF(
            ring.center().x() + math.cos(angle) * ring.width() / 2,
            ring.center().y() - math.sin(angle) * ring.height() / 2,
        )
        p.drawPoint(tip)


def _exclamation(p: QPainter, box: QRectF) -> None:
    s = box.width()
    pen = _glyph_pen(s * 0.95)
    p.setPen(pen)
    x = box.center().x()
    p.drawLine(QPointF(x, box.top() + s * 0.36), QPointF(x, box.top() + s * 0.62))
    p.drawPoint(QPointF(x, box.top() + s * 0.80))


def _hollow(p: QPainter, box: QRectF) -> None:
    s = box.width()
    p.setPen(NO_PEN)
    p.setBrush(QColor(255, 255, 255, 235))
    p.drawEllipse(box.center(), s * 0.16, s * 0.16)


_OVERALL_DESIGN = {
    Overall.ALL_RUNNING: (_circle, _check),
    Overall.SOME_STOPPED: (_rounded_square, _stop_bar),
    Overall.IN_PROGRESS: (_circle, _arrows),
    Overall.PROBLEM: (_triangle, _exclamation),
    Overall.LOADING: (_diamond, _hollow),
}


def _paint_badge(
    size: int, ratio: float, state: Overall, colour: QColor, template: bool = False
) -> QPixmap:
    pixmap, p = _canvas(size, ratio)
    shape, glyph = _OVERALL_DESIGN[state]
    rim = max(size / 16, 1.0)
    box = QRectF(rim / 2, rim / 2, size - rim, size - rim)
    path = shape(box)
    p.setPen(QPen(QColor(0, 0, 0) if template else RIM, rim))
    p.setBrush(QBrush(QColor(0, 0, 0) if template else colour))
    p.drawPath(path)
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
    line = max(size / 16, 1.0)
    if template:  # macOS: a hole around a black coin, the menu bar tints the rest
        p.setCompositionMode(QPainter.CompositionMode.CompositionMode_Clear)
    p.setPen(NO_PEN)
    p.setBrush(QBrush(QColor(255, 255, 255)))
    p.drawEllipse(halo)
    p.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
    inner = halo.adjusted(line * 1.2, line * 1.2, -line * 1.2, -line * 1.2)
    p.setPen(QPen(QColor(0, 0, 0) if template else RIM, line))
    p.setBrush(QBrush(QColor(0, 0, 0) if template else QColor(GOLD)))
    p.drawEllipse(inner)
    p.end()


@cache
def tray_icon(state: Overall, template: bool | None = None, low_funds: bool = False) -> QIcon:
    """The tray icon for an overall state, at every common tray size. macOS gets a template
    (a mask the menu bar tints for light and dark) unless ``template`` says otherwise."""
    if template is None:
        template = sys.platform == "darwin"
    ratio = _device_pixel_ratio()
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
    pixmap, p = _canvas(size, ratio)
    s = float(size)
    p.setPen(NO_PEN)
    p.setBrush(QColor(_PANEL))
    p.drawRoundedRect(QRectF(s * 0.04, s * 0.04, s * 0.92, s * 0.92), s * 0.2, s * 0.2)
    for row, light in enumerate((GREEN, GREEN, AMBER)):
        top = s * (0.2 + row * 0.215)
        unit = QRectF(s * 0.17, top, s * 0.66, s * 0.17)
        p.setBrush(QColor("#e9eef6"))
        p.drawRoundedRect(unit, s * 0.04, s * 0.04)
        p.setBrush(QColor(light))
        p.drawEllipse(
            QPointF(unit.right() - unit.height() * 0.62, unit.center().y()),
            unit.height() * 0.27,
            unit.height() * 0.27,
        )
        p.setBrush(QColor("#9aa6b8"))
        slot = QRectF(
            unit.left() + unit.height() * 0.45,
            unit.center().y() - s * 0.012,
            unit.width() * 0.42,
            s * 0.024,
        )
        p.drawRoundedRect(slot, s * 0.01, s * 0.01)
    p.end()
    return pixmap


@cache
def app_icon() -> QIcon:
    """The application's own icon (windows, dialogs, notifications)."""
    ratio = _device_pixel_ratio()
    icon = QIcon()
    for size in APP_ICON_SIZES[:5]:
        icon.addPixmap(paint_app_icon(size, ratio))
    return icon


# --- menu dots ---------------------------------------------------------------------------------


def _dot_shape(state: PowerState, p: QPainter, box: QRectF) -> None:
    s = box.width()
    if state is PowerState.ACTIVE:
        p.drawEllipse(box)
    elif state is PowerState.STOPPED:
        p.drawRoundedRect(box.adjusted(s * 0.08, s * 0.08, -s * 0.08, -s * 0.08), 2, 2)
    elif state in (PowerState.STARTING, PowerState.STOPPING, PowerState.REBOOTING, PowerState.BUSY):
        p.drawEllipse(box)
        p.setBrush(QColor("white"))
        p.drawPie(box.adjusted(s * 0.25, s * 0.25, -s * 0.25, -s * 0.25), 90 * 16, 180 * 16)
    elif state is PowerState.SUSPENDED:
        p.drawEllipse(box)
        p.setPen(_glyph_pen(s * 0.9))
        p.drawLine(
            QPointF(box.left() + s * 0.28, box.bottom() - s * 0.28),
            QPointF(box.right() - s * 0.28, box.top() + s * 0.28),
        )
    elif state is PowerState.ERROR:
        p.drawPath(_triangle(box))
    else:
        p.drawPath(_diamond(box))


@cache
def status_dot(state: PowerState) -> QIcon:
    """The coloured mark of a server's state (cached: a refresh of many servers reuses it)."""
    return _status_dot(state, _device_pixel_ratio())


@cache
def _status_dot(state: PowerState, ratio: float) -> QIcon:
    pixmap, p = _canvas(DOT_SIZE, ratio)
    inset = DOT_SIZE * 0.19
    box = QRectF(inset, inset, DOT_SIZE - 2 * inset, DOT_SIZE - 2 * inset)
    p.setPen(QPen(RIM, 1.0))
    p.setBrush(QColor(DOT_COLOURS[state]))
    _dot_shape(state, p, box)
    p.end()
    return QIcon(pixmap)


@cache
def funds_mark(low: bool) -> QIcon:
    """The menu's balance line: an amber "!" coin when the balance runs low, else nothing."""
    if not low:
        return QIcon()
    pixmap, p = _canvas(DOT_SIZE, _device_pixel_ratio())
    box = QRectF(1.5, 1.5, DOT_SIZE - 3, DOT_SIZE - 3)
    p.setPen(QPen(RIM, 1.0))
    p.setBrush(QColor(AMBER))
    p.drawPath(_circle(box))
    _exclamation(p, box)
    p.end()
    return QIcon(pixmap)
