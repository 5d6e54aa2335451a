"""The icons' painter: a canvas at the screen's pixel ratio, the shapes, and the two ways to
put paint down, a path filled or stroked.

Only calls without a Qt-enum overload are used (``fill``, ``stroke`` say why): the tray icon is
painted before it shows, and PySide6 builds its whole Qt namespace (101 enums, ~15 ms) the first
time it resolves such an overload.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import (
    QBrush,
    QColor,
    QGuiApplication,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QPolygonF,
)

CLEAR = QColor(0, 0, 0, 0)


def device_pixel_ratio() -> float:
    screen = QGuiApplication.primaryScreen() if QGuiApplication.instance() else None
    return max(screen.devicePixelRatio(), 1.0) if screen else 1.0


def canvas(size: int, ratio: float) -> tuple[QPixmap, QPainter]:
    pixmap = QPixmap(round(size * ratio), round(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(CLEAR)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    return pixmap, painter


# --- the two ways to put paint down ---------------------------------------------------------------
# QBrush(colour), QColor(another QColor), setBrush() and setPen() have overloads that take a Qt
# enum, and PySide6 builds its whole Qt namespace (101 enums, ~15 ms) the first time it resolves
# one of them. The tray icon is painted before it shows, so these use only calls without such
# overloads: a pen built up field by field, and a solid brush made from a one-pixel texture.


def _as_colour(colour: QColor | str) -> QColor:
    return colour if isinstance(colour, QColor) else QColor(colour)  # QColor(QColor) is one


def fill(p: QPainter, path: QPainterPath, colour: QColor | str) -> None:
    texture = QPixmap(1, 1)
    texture.fill(_as_colour(colour))
    p.fillPath(path, QBrush(texture))


def stroke(p: QPainter, path: QPainterPath, colour: QColor | str, width: float) -> None:
    """Drawn as QPen(colour, width) draws: square caps, bevelled joins."""
    pen = QPen()
    pen.setColor(_as_colour(colour))
    pen.setWidthF(width)
    p.strokePath(path, pen)


def line(*points: QPointF) -> QPainterPath:
    path = QPainterPath(points[0])
    for corner in points[1:]:
        path.lineTo(corner)
    return path


def point(at: QPointF) -> QPainterPath:
    """A point, stroked as a square the pen's width (as QPainter.drawPoint does it)."""
    return line(at, QPointF(at.x() + 0.0001, at.y()))


# --- shapes ---------------------------------------------------------------------------------


def circle(box: QRectF) -> QPainterPath:
    path = QPainterPath()
    path.addEllipse(box)
    return path


def rounded_square(box: QRectF) -> QPainterPath:
    path = QPainterPath()
    inset = box.width() * 0.06
    radius = box.width() * 0.22
    path.addRoundedRect(box.adjusted(inset, inset, -inset, -inset), radius, radius)
    return path


def rounded_rect(box: QRectF, radius: float) -> QPainterPath:
    path = QPainterPath()
    path.addRoundedRect(box, radius, radius)
    return path


def triangle(box: QRectF) -> QPainterPath:
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


def diamond(box: QRectF) -> QPainterPath:
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
