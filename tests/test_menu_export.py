"""What tray hosts need of the app, checked without a host: the menu's actions are always
current (a host reads them over D-Bus, never "opening" the QMenu), a Qt-drawn menu's batched
changes still reach every action, and notifications go to the desktop's notification service
(over the real session bus of ``tests/run``), clickable and never as markup."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QActionEvent
from pytestqt.qtbot import QtBot
from test_tray import DB, WEB, label

from zomro_tray.core.account import Account
from zomro_tray.core.overall import Connection
from zomro_tray.emulator import Emulator
from zomro_tray.gui.tray.notifier import Notifier, Severity
from zomro_tray.store.settings import Settings

from conftest import MakeApp, first

NOTIFICATIONS = "org.freedesktop.Notifications"
NOTIFICATIONS_PATH = "/org/freedesktop/Notifications"


class ActionChanges(QObject):
    """Counts the ActionChanged events a menu receives, per action: what Qt's DBusMenu and
    native-menu exporters act on."""

    def __init__(self, menu: Any) -> None:
        super().__init__()
        self.seen: list[QAction] = []
        menu.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.ActionChanged:
            assert isinstance(event, QActionEvent)
            self.seen.append(event.action())
        return False


def test_the_menu_and_its_submenus_are_complete_without_being_opened(
    make_app: MakeApp, emulator: Emulator
) -> None:
    app = make_app(emulator)
    assert not app.menu.menu.isVisible()  # never opened: a host reads it over D-Bus
    assert label(app, DB) == "baza-danych-łódź — Stopped"
    reboot = app.menu.reboot_action(first(WEB))
    assert reboot is not None
    assert reboot.text() == "web-1"
    assert reboot.isEnabled()
    assert not app.menu.reboot_action(first(DB)).isEnabled()  # stopped: nothing to reboot
    copy = app.menu.copy_action(first(WEB))
    assert copy is not None
    assert copy.text() == "web-1   203.0.113.10"
    assert app.menu.reboot_menu.menuAction().isVisible()


def test_a_closed_menu_passes_every_change_on_at_once(
    make_app: MakeApp, emulator: Emulator, qtbot: QtBot
) -> None:
    app = make_app(emulator)
    changes = ActionChanges(app.menu.menu)
    emulator.state.set_power(WEB, "stopped")
    app.feeds.first.refresh()
    qtbot.waitUntil(lambda: label(app, WEB) == "web-1 — Stopped", timeout=5_000)
    assert app.menu.server_action(first(WEB)) in changes.seen


def test_changes_held_back_by_a_qt_drawn_menu_reach_every_action_when_it_closes(
    make_app: MakeApp, emulator: Emulator, qtbot: QtBot
) -> None:
    """While Qt draws the menu (a left-click on X11) changes are batched into one relayout;
    the exported copy of the menu must still hear of each changed action."""
    app = make_app(emulator)
    app.menu.menu.popup(app.menu.menu.pos())
    qtbot.waitUntil(app.menu.menu.isVisible)
    aliases = {WEB: "sklep", DB: "baza", "5116806": "kopie"}
    app.apply_settings(Settings(accounts=(Account(api_url=emulator.url, aliases=aliases),)))
    changed = {app.menu.server_action(first(sid)) for sid in aliases}
    assert app.menu.held_changes == len(aliases)  # one relayout while open, not three
    changes = ActionChanges(app.menu.menu)
    app.menu.menu.hide()
    qtbot.waitUntil(lambda: app.menu.held_changes == 0, timeout=2_000)
    assert changed <= set(changes.seen)


# --- notifications -------------------------------------------------------------------------


class NotificationService:
    """A notification daemon on the session bus (jeepney): records Notify calls, can click."""

    def __init__(self, capabilities: list[str]) -> None:
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import open_dbus_connection

        self.capabilities = capabilities
        self.calls: list[tuple[Any, ...]] = []
        self.connection = open_dbus_connection(bus="SESSION")
        reply = self.connection.send_and_get_reply(message_bus.RequestName(NOTIFICATIONS, 4))
        if reply.body[0] != 1:  # not the primary owner: a real daemon is running
            self.connection.close()
            pytest.skip("another notification service owns the name on this bus")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        from jeepney import MessageType, new_method_return
        from jeepney.low_level import HeaderFields

        while not self._stop.is_set():
            try:
                message = self.connection.receive(timeout=0.2)
            except TimeoutError:
                continue
            except OSError:
                return
            if message.header.message_type is not MessageType.method_call:
                continue
            member = message.header.fields.get(HeaderFields.member)
            if member == "GetCapabilities":
                self.connection.send(new_method_return(message, "as", (self.capabilities,)))
            elif member == "Notify":
                self.calls.append(tuple(message.body))
                self.connection.send(new_method_return(message, "u", (len(self.calls),)))

    def click(self, ident: int) -> None:
        from jeepney import DBusAddress, new_signal

        emitter = DBusAddress(NOTIFICATIONS_PATH, interface=NOTIFICATIONS)
        self.connection.send(new_signal(emitter, "ActionInvoked", "us", (ident, "default")))

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.connection.close()


@pytest.fixture
def notification_service() -> Iterator[NotificationService]:
    service = NotificationService(["body", "body-markup"])
    yield service
    service.close()


def test_a_notification_goes_to_the_desktop_and_a_click_opens_its_server(
    make_app: MakeApp, emulator: Emulator, qtbot: QtBot, notification_service: NotificationService
) -> None:
    emulator.state.set_power("5116807", "active")  # no unpaid server: its notice would come first
    app = make_app(emulator)
    if app.window is not None:
        app.window.hide()  # the offscreen platform has no tray: pretend the icon is in one
    app.menu.server_action(first(DB)).trigger()
    qtbot.waitUntil(lambda: len(notification_service.calls) == 1, timeout=10_000)
    _app, _replaces, _icon, title, body, actions, hints, _timeout = notification_service.calls[0]
    assert (title, body) == ("baza-danych-łódź started", "")
    assert actions == ["default", "Open"]
    assert hints["urgency"] == ("y", 0)
    notification_service.click(1)
    qtbot.waitUntil(lambda: app.window is not None and app.window.isVisible(), timeout=5_000)
    assert app.window._current_key() == first(DB)


def test_server_text_in_a_notification_is_never_markup(
    qtbot: QtBot, notification_service: NotificationService
) -> None:
    notifier = Notifier(lambda: None)
    try:
        notifier.show("Done", '<img src="file:///etc/passwd"> & <b>web</b>', Severity.WARNING)
        qtbot.waitUntil(lambda: len(notification_service.calls) == 1, timeout=5_000)
    finally:
        notifier.close()
    _app, _r, _i, _title, body, actions, hints, _t = notification_service.calls[0]
    assert body == '&lt;img src="file:///etc/passwd"&gt; &amp; &lt;b&gt;web&lt;/b&gt;'
    assert actions == []  # nothing to open
    assert hints["urgency"] == ("y", 1)


# --- no tray ---------------------------------------------------------------------------------


def test_closing_the_window_that_stands_in_for_a_missing_tray_quits(
    make_app: MakeApp, emulator: Emulator, qtbot: QtBot
) -> None:
    app = make_app(emulator)  # offscreen: no tray, so the window stands in for the icon
    quits: list[bool] = []
    app.quit = lambda: quits.append(True)  # type: ignore[method-assign]
    assert app.window is not None
    assert app.window.quit_button.isVisible()
    assert app.feeds.first.connection is Connection.ONLINE
    app.window.close()
    assert quits == [True]


def test_a_server_that_vanishes_while_a_qt_drawn_menu_holds_its_change(
    make_app: MakeApp, emulator: Emulator, qtbot: QtBot
) -> None:
    """Found by the benchmark's soak: the held change of a removed (deleted) action was the
    one picked for the next relayout."""
    from PySide6.QtWidgets import QApplication

    app = make_app(emulator)
    app.menu.menu.popup(app.menu.menu.pos())
    qtbot.waitUntil(app.menu.menu.isVisible)
    app.apply_settings(
        Settings(accounts=(Account(api_url=emulator.url, aliases={WEB: "sklep", DB: "baza"}),))
    )
    assert app.menu.held_changes == 2
    del emulator.state.servers[WEB]
    app.feeds.first.refresh()
    qtbot.waitUntil(lambda: app.menu.server_action(first(WEB)) is None, timeout=5_000)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # its action is gone now
    app.apply_settings(Settings(accounts=(Account(api_url=emulator.url, aliases={DB: "baza-2"}),)))
    assert label(app, DB) == "baza-2 — Stopped"
    app.menu.menu.hide()
    qtbot.waitUntil(lambda: app.menu.held_changes == 0, timeout=2_000)


def test_a_closed_notifier_stays_closed(
    qtbot: QtBot, notification_service: NotificationService
) -> None:
    """A worker's last result can reach the GUI thread after the app closed its notifier: it
    must not open a new D-Bus thread that no one closes (CI saw one outlive its test)."""
    notifier = Notifier(lambda: None)
    notifier.show("First", "", Severity.INFO)
    qtbot.waitUntil(lambda: len(notification_service.calls) == 1, timeout=5_000)
    notifier.close()
    assert notifier.show("Late", "", Severity.INFO) is False
    qtbot.waitUntil(lambda: not _notification_threads(), timeout=5_000)  # a new one never ends
    assert len(notification_service.calls) == 1


def _notification_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "zomro-notifications"]
