"""The floor of this stack: a PySide6 app that only shows a QSystemTrayIcon. The baseline that
zomro-tray's start-up time, memory and idle cost are compared with."""

import sys

from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QSystemTrayIcon


def show_tray(name: str) -> tuple[QApplication, QSystemTrayIcon]:
    """The app (named for the benchmark to find its icon's window) and its shown icon."""
    app = QApplication(sys.argv[:1])
    app.setApplicationName(name)
    app.setQuitOnLastWindowClosed(False)
    pixmap = QPixmap(22, 22)
    pixmap.fill(QColor("#1f9d55"))
    tray = QSystemTrayIcon(QIcon(pixmap))
    tray.show()
    return app, tray


if __name__ == "__main__":
    app, _tray = show_tray("zomro-bare")
    sys.exit(app.exec())
