"""What the user asks of the servers from either view, the menu or the window: one set of
signals, declared once, that the app connects to once per view."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class ViewSignals(QObject):
    """Owned by each view (``view.asks``); the app listens to both the same way."""

    entry_clicked = Signal(object)  # ServerKey: the server's own click (start, or shut down)
    reboot_clicked = Signal(object)  # ServerKey
    copy_ip_clicked = Signal(object)  # ServerKey: its IPv4 address to the clipboard
    refresh_clicked = Signal()
    settings_clicked = Signal()
    quit_clicked = Signal()
