"""Keeps the app's icon in whichever system tray exists, as tray hosts come and go.

Linux desktops show tray icons through a StatusNotifierItem host (GNOME's AppIndicator
extension, KDE, XFCE, waybar...) found through the ``org.kde.StatusNotifierWatcher`` D-Bus name,
or through an XEmbed tray (an X selection). A host may start after the app (autostart), restart,
or never exist. Qt chooses how a ``QSystemTrayIcon`` is shown when the icon is made, and an icon
made while no host existed never appears in one that starts later. So this module watches for
hosts and makes a fresh icon whenever one appears; while there is none it says so
(``available_changed(False)``), and the app shows its window instead.

Watching costs nothing while idle: the D-Bus name is watched by the bus, which tells us when its
owner changes. Only an X11 session with no tray at all is checked every few seconds for an
XEmbed tray, and only for as long as the app's window stands in for the icon.
"""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QCursor, QGuiApplication, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from zomro_tray.core.overall import Overall, loading_tooltip
from zomro_tray.gui.paint.icons import tray_icon

log = logging.getLogger(__name__)

SNI_WATCHER = "org.kde.StatusNotifierWatcher"
HOST_SETTLE_MS = 500  # a new watcher registers its host a moment after it takes its name
XEMBED_CHECK_MS = 3_000


class TrayHost(QObject):
    """Owns the current ``QSystemTrayIcon``; re-creates it when a tray host appears."""

    available_changed = Signal(bool)
    activated = Signal(QSystemTrayIcon.ActivationReason)
    message_clicked = Signal()
    #: The menu was asked for where no popup can be placed: show the window instead.
    window_wanted = Signal()

    def __init__(self, icon: QIcon, tooltip: str, parent: QObject | None = None):
        super().__init__(parent)
        self._menu: QMenu | None = None  # the app's menu comes once it is made (set_menu)
        self._icon_image = icon
        self._tooltip = tooltip
        self._icon: QSystemTrayIcon | None = None
        self._available: bool | None = None
        self._mirrored = False
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(HOST_SETTLE_MS)
        self._settle.timeout.connect(self.recheck)
        self._xembed_check = QTimer(self)
        self._xembed_check.setInterval(XEMBED_CHECK_MS)
        self._xembed_check.timeout.connect(self._check_for_xembed)
        self._watcher: QObject | None = None
        self.activated.connect(self._activated)

    # --- life ------------------------------------------------------------------------------

    def start(self) -> None:
        """Show the icon if a tray exists, then follow tray hosts (once the event loop runs:
        connecting to the session bus would otherwise delay the icon). Once only."""
        if self.started:
            return
        self.recheck(recreate=False)
        QTimer.singleShot(0, self._watch_sni_hosts)

    @property
    def started(self) -> bool:
        return self._available is not None

    def set_menu(self, menu: QMenu) -> None:
        """The app's menu, made after the icon shows (start-up shows the icon first)."""
        self._menu = menu
        if self._icon is not None:
            self._icon.setContextMenu(menu)

    def stop(self) -> None:
        self._settle.stop()
        self._xembed_check.stop()
        if self._icon is not None:
            self._icon.hide()

    def show_menu(self) -> None:
        """The menu at the pointer where a popup can be placed; else ``window_wanted``."""
        menu = self._menu if self.can_pop_up_menu else None
        log.info("asked to show itself: the %s", "menu" if menu else "window")
        if menu is not None:
            menu.popup(QCursor.pos())
        else:
            self.window_wanted.emit()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        # macOS opens the context menu on left-click by itself; Windows and Linux do not.
        if reason is QSystemTrayIcon.ActivationReason.Trigger and sys.platform != "darwin":
            self.show_menu()

    # --- what the app tells it ---------------------------------------------------------------

    def set_icon(self, icon: QIcon) -> None:
        self._icon_image = icon
        if self._icon is not None:
            self._icon.setIcon(icon)

    def set_tooltip(self, text: str) -> None:
        self._tooltip = text
        if self._icon is not None:
            self._icon.setToolTip(text)

    @property
    def icon(self) -> QSystemTrayIcon | None:
        """The icon now shown in a tray, or None while there is no tray."""
        return self._icon

    @property
    def tooltip(self) -> str:
        return self._tooltip

    @property
    def mirrors_menu(self) -> bool:
        """True when the menu is copied out to the host (DBusMenu) or the OS (macOS), rather
        than drawn by Qt: then every change of an action is work for that copy."""
        return self._mirrored

    @property
    def can_pop_up_menu(self) -> bool:
        """A tray, and not Wayland: Wayland places a popup only next to a surface of ours, and a
        tray icon is none of them (Qt fails with "Failed to create grabbing popup")."""
        return self.available and not QGuiApplication.platformName().startswith("wayland")

    @property
    def available(self) -> bool:
        return bool(self._available)

    # --- following the hosts -------------------------------------------------------------------

    def recheck(self, recreate: bool = True) -> None:
        """Look for a tray now; a found one gets a fresh icon (an old one may be in no tray)."""
        present = QSystemTrayIcon.isSystemTrayAvailable()
        if present and (self._icon is None or recreate):
            self._make_icon()
        elif not present:
            self._drop_icon()
        x11 = QGuiApplication.platformName() == "xcb"
        if present or not x11:
            self._xembed_check.stop()
        else:
            self._xembed_check.start()
        if present != self._available:
            self._available = present
            log.info("system tray %s", "available: icon shown" if present else "not available")
            self.available_changed.emit(present)

    def _watch_sni_hosts(self) -> None:
        try:
            from PySide6.QtDBus import QDBusConnection, QDBusServiceWatcher
        except ImportError:  # a Qt without D-Bus (Windows, macOS builds)
            return
        bus = QDBusConnection.sessionBus()
        if not bus.isConnected():
            return
        watcher = QDBusServiceWatcher(
            SNI_WATCHER, bus, QDBusServiceWatcher.WatchModeFlag.WatchForOwnerChange, self
        )
        watcher.serviceOwnerChanged.connect(self._sni_host_changed)
        self._watcher = watcher
        # A host that went away between the first look and now sent no signal to this
        # watcher: look once more (keeping the icon if the host is still there).
        QTimer.singleShot(HOST_SETTLE_MS, self, lambda: self.recheck(recreate=False))

    def _sni_host_changed(self, _name: str, _old: str, new: str) -> None:
        log.info("tray host %s", "appeared" if new else "went away")
        self._settle.start()  # then recheck(): a fresh icon, or the window

    def _check_for_xembed(self) -> None:
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.recheck()

    def _make_icon(self) -> None:
        self._drop_icon()
        icon = QSystemTrayIcon(self._icon_image, self)
        icon.setToolTip(self._tooltip)
        if self._menu is not None:
            icon.setContextMenu(self._menu)
        icon.activated.connect(self.activated.emit)
        icon.messageClicked.connect(self.message_clicked.emit)
        icon.show()
        self._icon = icon
        self._mirrored = sys.platform == "darwin" or self._sni_host_present()

    def _sni_host_present(self) -> bool:
        if self._watcher is None:
            return False
        from PySide6.QtDBus import QDBusConnection

        interface = QDBusConnection.sessionBus().interface()
        return interface is not None and bool(interface.isServiceRegistered(SNI_WATCHER).value())

    def _drop_icon(self) -> None:
        if self._icon is not None:
            self._icon.hide()
            self._icon.deleteLater()
            self._icon = None


def starting_host(parent: QObject | None = None) -> TrayHost:
    """The icon as it first shows, before a single server is known: "loading"."""
    return TrayHost(tray_icon(Overall.LOADING), loading_tooltip(), parent)
