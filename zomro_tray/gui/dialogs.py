"""The small dialogs: the question before a shutdown, and About (with the log folder)."""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

from zomro_tray import __version__


def confirm_stop(name: str) -> bool:
    """Ask before shutting a server down. The name is the server's: plain text, never markup;
    the safe answer is the default."""
    box = QMessageBox(QMessageBox.Icon.Question, "Shut down the server?", "")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(f"Shut down {name}? It stops serving until you start it again.")
    shut_down = box.addButton("Shut down", QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is shut_down


def about_box(log_folder: Path) -> QMessageBox:
    """About zomro-tray, not modal; "Open log folder" shows where the log file is kept."""
    box = QMessageBox(QMessageBox.Icon.Information, "About zomro-tray", "")
    box.setTextFormat(Qt.TextFormat.RichText)  # our own text only: nothing from a server
    box.setText(
        f"<b>zomro-tray {__version__}</b><p>Your Zomro Cloud VPS servers in the system tray: "
        "see what runs, start and stop with one click.</p><p>Not an official Zomro product.</p>"
    )
    open_logs = box.addButton("Open log folder", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    open_logs.clicked.connect(lambda: open_folder(log_folder))
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    return box


def open_folder(folder: Path) -> bool:
    with contextlib.suppress(OSError):  # opening the parent is better than nothing
        folder.mkdir(parents=True, exist_ok=True)
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
