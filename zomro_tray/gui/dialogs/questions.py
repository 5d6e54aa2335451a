"""The small dialogs: the question before a shutdown, and About (with the log folder)."""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

from zomro_tray import __version__
from zomro_tray.core.model import Action
from zomro_tray.i18n import _


def _question(action: Action) -> tuple[str, str, str]:
    """Per action: the question, what happens, and the button that does it."""
    if action is Action.STOP:
        return (
            _("Shut down {name}?"),
            _("{name} stops serving until you start it again."),
            _("Shut down {name}"),
        )
    return (
        _("Reboot {name}?"),
        _("{name} restarts and is unreachable for a minute or two."),
        _("Reboot {name}"),
    )


def confirm_power(action: Action, name: str) -> bool:
    """Ask before a shutdown or reboot, naming both; the safe answer (Cancel) is the default.
    The name is the server's: plain text, never markup."""
    title, text, verb = (part.format(name=name) for part in _question(action))
    box = QMessageBox(QMessageBox.Icon.Question, title, "")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    if action is Action.STOP:  # the panel says so before a stop; so do we (money.py)
        from zomro_tray.core.money import stop_keeps_charging

        box.setInformativeText(stop_keeps_charging())
    do_it = box.addButton(verb, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is do_it


def about_box(log_folder: Path) -> QMessageBox:
    """About zomro-tray, not modal; "Open log folder" shows where the log file is kept."""
    box = QMessageBox(QMessageBox.Icon.Information, _("About zomro-tray"), "")
    box.setTextFormat(Qt.TextFormat.RichText)  # our own text only: nothing from a server
    about = _(
        "Your Zomro Cloud VPS servers in the system tray: see what runs, start and stop with "
        "one click."
    )
    unofficial = _("Not an official Zomro product.")
    box.setText(f"<b>zomro-tray {__version__}</b><p>{about}</p><p>{unofficial}</p>")
    open_logs = box.addButton(_("Open log folder"), QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    open_logs.clicked.connect(lambda: open_folder(log_folder))
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    return box


def open_folder(folder: Path) -> bool:
    with contextlib.suppress(OSError):  # opening the parent is better than nothing
        folder.mkdir(parents=True, exist_ok=True)
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
