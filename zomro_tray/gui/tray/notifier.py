"""Desktop notifications that never replace the tray icon, and that open what they talk about.

On Linux, ``QSystemTrayIcon.showMessage`` marks the StatusNotifierItem "NeedsAttention" for as
long as the message shows, and hosts (XFCE, GNOME) then draw the theme's lightbulb instead of
the app's icon. So on Linux the app talks to ``org.freedesktop.Notifications`` itself. It does
so from a small thread with jeepney (a pure-Python D-Bus library that keyring already brings on
Linux; PySide6 cannot send the ``uint`` that ``Notify`` takes), so the GUI thread never waits on
the bus. A click on a notification (its "default" action) comes back as :attr:`Notifier.clicked`
with the server it was about. Elsewhere (Windows, macOS) the tray icon's own balloon is used.
"""

from __future__ import annotations

import enum
import html
import logging
import queue
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, NamedTuple

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QSystemTrayIcon

from zomro_tray import APP_NAME
from zomro_tray.i18n import _

log = logging.getLogger(__name__)

NOTIFY_MS = 6_000
_SERVICE = "org.freedesktop.Notifications"
_PATH = "/org/freedesktop/Notifications"
_REPLY_TIMEOUT_S = 5.0
_REMEMBERED = 64  # notifications whose click we still answer


class Severity(enum.Enum):
    INFO = "info"
    WARNING = "warning"


class _Note(NamedTuple):
    title: str
    message: str
    severity: Severity
    target: object  # what a click is about (a ServerKey, an undo), handed back; None for none


class Notifier(QObject):
    """Shows notifications; emits ``clicked(target)`` when the user clicks one."""

    #: The user clicked a notification: the target it was shown with (never None).
    clicked = Signal(object)

    def __init__(self, tray: Callable[[], QSystemTrayIcon | None], parent: QObject | None = None):
        super().__init__(parent)
        self._tray = tray
        self._channel: _FreedesktopChannel | None = None
        self._last_target: object = None
        #: Set by close, for good: a signal still queued for the GUI thread (a worker's last
        #: result, a host that went) must not open a new D-Bus thread that no one will close.
        self._closed = False

    def show(self, title: str, message: str, severity: Severity, target: object = None) -> bool:
        """True if the desktop was asked to show it (False: no way to, show it elsewhere)."""
        if self._closed:
            return False
        if sys.platform.startswith("linux"):
            if self._channel is None:
                self._channel = _FreedesktopChannel(self.clicked.emit)
            self._channel.send(title, message, severity, target)
            return True
        tray = self._tray()
        if tray is None or not tray.isVisible() or not QSystemTrayIcon.supportsMessages():
            return False
        self._last_target = target
        icon = (
            QSystemTrayIcon.MessageIcon.Warning
            if severity is Severity.WARNING
            else QSystemTrayIcon.MessageIcon.Information
        )
        tray.showMessage(title, message, icon, NOTIFY_MS)
        return True

    def tray_message_clicked(self) -> None:
        """Connected to the tray icon's ``messageClicked`` (Windows, macOS)."""
        if self._last_target is not None:
            self.clicked.emit(self._last_target)

    def close(self) -> None:
        self._closed = True
        if self._channel is not None:
            self._channel.close()
            self._channel = None


def notification_service() -> tuple[bool, str]:
    """Whether the session bus has a notification service, running or one it can start; and if
    not, why, in words (the self-test's warning). Asked once, on a connection of its own."""
    from jeepney import DBusAddress, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    bus = DBusAddress("/org/freedesktop/DBus", "org.freedesktop.DBus", "org.freedesktop.DBus")
    try:
        with open_dbus_connection() as connection:
            names: set[str] = set()
            for method in ("ListNames", "ListActivatableNames"):
                reply = connection.send_and_get_reply(
                    new_method_call(bus, method), timeout=_REPLY_TIMEOUT_S
                )
                names.update(reply.body[0])
    except Exception as error:  # no bus, a broken bus: said, never raised
        return False, why_no_notifications(error)
    if _SERVICE in names:
        return True, ""
    return False, _("no notification service on the D-Bus session bus")


def why_no_notifications(error: Exception) -> str:
    """What is missing, in words a person can act on (jeepney says "KeyError" for no bus)."""
    import os

    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return _("there is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)")
    reason = (error.strerror if isinstance(error, OSError) else "") or type(error).__name__
    return _("the D-Bus session bus does not answer ({reason})").format(reason=reason)


class _FreedesktopChannel:
    """One thread owning a D-Bus connection: sends Notify calls, receives the daemon's signals.

    Commands and the daemon's signals arrive in one queue, so the thread sleeps in ``get()``
    until there is something to do: no polling, no idle wake-ups.
    """

    def __init__(self, on_click: Callable[[object], None]) -> None:
        self._on_click = on_click
        self._inbox: queue.Queue[Any] = queue.Queue()
        self._targets: OrderedDict[int, object] = OrderedDict()
        self._markup = False
        #: Set at close: what is still queued is dropped, and the thread ends after the call
        #: it is in (it must not outlive the app's objects, nor write to a closed log).
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._run, name="zomro-notifications", daemon=True)
        self._thread.start()

    def send(self, title: str, message: str, severity: Severity, target: object) -> None:
        self._inbox.put(_Note(title, message, severity, target))

    def close(self) -> None:
        self._closing.set()
        self._inbox.put(None)
        self._thread.join(timeout=1.0)

    def _run(self) -> None:
        from jeepney import DBusAddress, MatchRule, Message
        from jeepney.bus_messages import message_bus
        from jeepney.io.threading import open_dbus_router

        address = DBusAddress(_PATH, bus_name=_SERVICE, interface=_SERVICE)
        try:
            with open_dbus_router() as router:
                rule = MatchRule(type="signal", interface=_SERVICE, path=_PATH)
                router.filter(rule, queue=self._inbox)
                router.send_and_get_reply(message_bus.AddMatch(rule), timeout=_REPLY_TIMEOUT_S)
                self._markup = "body-markup" in self._capabilities(router, address)
                while (item := self._inbox.get()) is not None and not self._closing.is_set():
                    if isinstance(item, Message):
                        self._daemon_signal(item)
                    else:
                        self._notify(router, address, item)
        except Exception as error:  # no session bus, no daemon, a broken bus: never fatal
            log.warning("desktop notifications unavailable: %s", why_no_notifications(error))

    def _capabilities(self, router: Any, address: Any) -> list[str]:
        from jeepney import MessageType, new_method_call

        reply = router.send_and_get_reply(
            new_method_call(address, "GetCapabilities"), timeout=_REPLY_TIMEOUT_S
        )
        if reply.header.message_type is MessageType.error:
            return []
        return list(reply.body[0])

    def _notify(self, router: Any, address: Any, note: _Note) -> None:
        from jeepney import MessageType, new_method_call

        body = note.message
        if self._markup:  # server text is text: a daemon that reads markup must not see any
            body = html.escape(body, quote=False)
        urgency = 1 if note.severity is Severity.WARNING else 0
        hints = {"urgency": ("y", urgency), "desktop-entry": ("s", APP_NAME)}
        actions = ["default", _("Open")] if note.target is not None else []
        call = new_method_call(
            address,
            "Notify",
            "susssasa{sv}i",
            (APP_NAME, 0, APP_NAME, note.title, body, actions, hints, NOTIFY_MS),
        )
        reply = router.send_and_get_reply(call, timeout=_REPLY_TIMEOUT_S)
        if reply.header.message_type is MessageType.error:
            log.warning("the notification daemon refused a notification: %s", reply.body[:1])
            return
        self._targets[int(reply.body[0])] = note.target
        while len(self._targets) > _REMEMBERED:
            self._targets.popitem(last=False)

    def _daemon_signal(self, message: Any) -> None:
        from jeepney.low_level import HeaderFields

        member = message.header.fields.get(HeaderFields.member)
        if member == "ActionInvoked":
            ident, action = message.body
            target = self._targets.get(int(ident))
            if target is not None and action == "default":
                self._on_click(target)
        elif member == "NotificationClosed":
            self._targets.pop(int(message.body[0]), None)
