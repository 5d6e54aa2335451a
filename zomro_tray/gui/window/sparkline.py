"""A small line graph, drawn by the app with QPainter: a server's CPU or traffic at a glance.

No chart library (it would cost start-up and memory for two lines): the values are scaled into
the widget, drawn as a polyline with a light fill under it, in the palette's colours so it
reads on light and dark themes; a second series (traffic out) is drawn dashed.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from zomro_tray.gui.paint.icons import AMBER, BLUE

#: The app's blue for the main series (CPU, traffic in), its amber for the second (traffic out).
LINE, SECOND = BLUE, AMBER


def scaled_points(values: Sequence[float], box: QRectF, top: float) -> list[QPointF]:
    """Values -> points in ``box``: left to right evenly, 0 at the bottom, ``top`` at the top."""
    if not values:
        return []
    top = top if top > 0 else 1.0
    step = box.width() / max(len(values) - 1, 1)
    return [
        QPointF(box.left() + i * step, box.bottom() - min(v / top, 1.0) * box.height())
        for i, v in enumerate(values)
    ]


class Sparkline(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._values: tuple[float, ...] = ()
        self._second: tuple[float, ...] = ()
        self._ceiling = 0.0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(36)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(220, 40)

    def set_values(
        self, values: Sequence[float], second: Sequence[float] = (), ceiling: float = 0.0
    ) -> None:
        """``ceiling``: the top of the scale (100 for CPU %); 0 scales to the highest value."""
        self._values, self._second = tuple(values), tuple(second)
        self._ceiling = ceiling
        self.update()

    @property
    def values(self) -> tuple[float, ...]:
        return self._values

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = QRectF(self.rect()).adjusted(2, 3, -2, -3)
        grid = self.palette().mid().color()
        p.setPen(QPen(grid, 1))
        p.drawLine(box.bottomLeft(), box.bottomRight())
        top = self._ceiling or max((*self._values, *self._second, 0.0))
        self._draw(p, scaled_points(self._values, box, top), LINE, box, fill=True)
        self._draw(p, scaled_points(self._second, box, top), SECOND, box, fill=False)
        p.end()

    @staticmethod
    def _draw(p: QPainter, points: list[QPointF], colour: str, box: QRectF, fill: bool) -> None:
        if len(points) < 2:
            return
        if fill:
            area = QPainterPath(QPointF(points[0].x(), box.bottom()))
            for point in points:
                area.lineTo(point)
            area.lineTo(QPointF(points[-1].x(), box.bottom()))
            shade = QColor(colour)
            shade.setAlpha(50)
            p.fillPath(area, shade)
        pen = QPen(QColor(colour), 1.6)
        if not fill:
            pen.setStyle(Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.drawPolyline(QPolygonF(points))
