"""The tray application: wires the worker, the tray icon, the menu, notifications and dialogs.

This is the only place where user intent meets the worker. Its parts each have a file: the
worker's thread (worker_host), the icon (tray_host), the menu, notifications (notifier), the
user's choices (preferences), the dialogs. What it shows comes from :mod:`zomro_tray.presentation`.
"""

from __future__ import annotations

import logging
import sys
import time
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QCursor, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QSystemTrayIcon

from zomro_tray import logs
from zomro_tray.autostart import AutoStart
from zomro_tray.credentials import Credentials
from zomro_tray.gui import dialogs
from zomro_tray.gui.icons import app_icon, tray_icon
from zomro_tray.gui.menu import TrayMenu
from zomro_tray.gui.notifier import Notifier, Severity
from zomro_tray.gui.preferences import Preferences, Problem
from zomro_tray.gui.tray_host import TrayHost
from zomro_tray.gui.worker_host import WorkerHost
from zomro_tray.model import Action, Service
from zomro_tray.presentation import (
    CONTROL_PANEL_URL,
    Connection,
    Entry,
    Overall,
    entries,
    external_changes,
    overall,
    status_line,
    tooltip,
)
from zomro_tray.settings import NotificationKind, Settings, SettingsStore
from zomro_tray.worker import ActionResult, SecretsStore, Snapshot, Timing, Worker

if TYPE_CHECKING:  # loaded when first opened: start-up only pays for the icon and the menu
    from zomro_tray.gui.settings_dialog import SettingsDialog
    from zomro_tray.gui.window import ServerWindow

log = logging.getLogger(__name__)


class TrayApp(QObject):
    #: A snapshot was shown (tests and benchmarks wait on this).
    refreshed = Signal()
    #: A notification was given: NotificationKind, title, message (a balloon, or in the window).
    notified = Signal(object, str, str)

    def __init__(
        self,
        settings_store: SettingsStore,
        secrets: SecretsStore,
        *,
        credentials: Credentials | None = None,
        timing: Timing | None = None,
        api_url: str | None = None,
        autostart: AutoStart | None = None,
    ) -> None:
        super().__init__()
        self.preferences = Preferences(settings_store, autostart, api_url)
        self.services: tuple[Service, ...] = ()
        self.connection = Connection.STARTING
        self.problem = ""
        self.updated: datetime | None = None
        self.filtered_by: tuple[str, ...] = ()
        self.local_pending: dict[str, Action] = {}  # clicked, not yet settled by the worker
        self.worker_pending: dict[str, Action] = {}
        self.shown: list[Entry] = []
        self.dialog: SettingsDialog | None = None
        self.window: ServerWindow | None = None
        self._about: QMessageBox | None = None

        settings = self.settings
        self.backend = WorkerHost(
            secrets,
            settings.api_url,
            settings.refresh_seconds,
            timing=timing,
            credentials=credentials,
            parent=self,
        )
        self._connect_worker()

        self.menu = TrayMenu(self, mirrored=lambda: self.tray_host.mirrors_menu)
        self._connect_view(self.menu)
        self.menu.open_panel_clicked.connect(self.open_control_panel)
        self.menu.sign_in_clicked.connect(self.open_settings)
        self.menu.about_clicked.connect(self.show_about)
        self.menu.quit_clicked.connect(self.quit)
        self.menu.opened.connect(self.backend.menu_opened)

        self.tray_host = TrayHost(
            self.menu.menu,
            tray_icon(Overall.LOADING),
            "zomro-tray: loading…",
            self,
        )
        self.tray_host.activated.connect(self._tray_activated)
        self.tray_host.available_changed.connect(self._tray_availability)
        self.notifier = Notifier(lambda: self.tray_host.icon, self)
        self.tray_host.message_clicked.connect(self.notifier.tray_message_clicked)
        self.notifier.clicked.connect(self.open_server)

    @property
    def settings(self) -> Settings:
        return self.preferences.settings

    @property
    def worker(self) -> Worker:
        return self.backend.worker

    # --- start and stop --------------------------------------------------------------------

    def start(self) -> None:
        """Show the icon, then start the worker once the event loop runs (worker_host says why)."""
        self.backend.start()
        self.tray_host.start()  # no tray: the window shows at once (_tray_availability)
        problem = self.preferences.startup_problem()
        if problem is not None:
            self.tell_problem(problem)

    def quit(self) -> None:
        """Stop the worker within a second, even with a request in flight, then leave."""
        self.stop_worker()
        self.tray_host.stop()
        self.notifier.close()
        QApplication.quit()

    def stop_worker(self) -> None:
        self.backend.stop()

    def dispose(self) -> None:
        """Delete the Qt objects now, in the GUI thread.

        Left to Python's cyclic garbage collector they could be destroyed in whichever thread
        happens to run it (the worker's), which Qt does not allow.
        """
        self.tray_host.stop()
        self.notifier.close()
        for widget in (self.dialog, self.window, self._about):
            if widget is not None:
                widget.close()
                widget.deleteLater()
        self.dialog = self.window = self._about = None
        self.menu.menu.deleteLater()
        self.deleteLater()

    def _tray_availability(self, available: bool) -> None:
        """No tray: the window takes the icon's place at once; a tray came: back to the icon."""
        if not available:
            self.show_window()
        elif self.window is not None and self.window.standing_in:
            self.window.stand_in_for_tray(False)
            self.window.hide()

    def show_window(self) -> None:
        if self.window is None:
            from zomro_tray.gui.window import ServerWindow

            self.window = ServerWindow()
            self._connect_view(self.window)
            self.window.quit_clicked.connect(self.quit)
            self.window.closed.connect(self._window_closed)
            self.window.show_entries(self.shown)
            self.window.show_status(status_line(self.connection, self.updated, self.problem))
        self.window.stand_in_for_tray(not self.tray_host.available)
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()

    def _window_closed(self) -> None:
        if not self.tray_host.available:  # nothing else on screen would be left to quit with
            self.quit()

    # --- wiring ------------------------------------------------------------------------------

    def _connect_worker(self) -> None:
        w = self.worker
        w.snapshot_ready.connect(self._on_snapshot)
        w.connection_changed.connect(self._on_connection)
        w.action_finished.connect(self._on_action_finished)
        w.sign_in_required.connect(self._on_sign_in_required)

    def _connect_view(self, view: TrayMenu | ServerWindow) -> None:
        view.entry_clicked.connect(self.toggle)
        view.reboot_clicked.connect(lambda sid: self.request(sid, Action.REBOOT))
        view.copy_ip_clicked.connect(self.copy_ip)
        view.refresh_clicked.connect(self.backend.refresh)
        view.settings_clicked.connect(self.open_settings)

    # --- from the worker --------------------------------------------------------------------

    def _on_snapshot(self, snapshot: Snapshot) -> None:
        if self.updated is None:  # -v shows how long start-up took (the benchmark reads it)
            log.info("first statuses shown (monotonic %.3f)", time.monotonic())
        mine = set(self.worker_pending) | set(snapshot.pending) | set(self.local_pending)
        news = external_changes(self.services, snapshot.services, mine, self.settings)
        self.services = snapshot.services
        self.worker_pending = dict(snapshot.pending)
        self.updated = snapshot.fetched_at
        self.filtered_by = snapshot.filtered_by
        self.render()
        for text in news:
            self.notify(NotificationKind.EXTERNAL_CHANGE, "Server state changed", text)
        self.refreshed.emit()

    def _on_connection(self, connection: Connection, message: str) -> None:
        before = self.connection
        self.connection = connection
        self.problem = message if connection is not Connection.ONLINE else ""
        self.render()
        kind = NotificationKind.CONNECTION
        if connection is Connection.OFFLINE and before is not Connection.OFFLINE:
            self.notify(kind, "Zomro cannot be reached", message, warning=True)
        elif connection is Connection.ONLINE and before is Connection.OFFLINE:
            self.notify(kind, "Back online", "The connection to Zomro is restored.")

    def _on_action_finished(self, result: ActionResult) -> None:
        self.local_pending.pop(result.service_id, None)
        self.worker_pending.pop(result.service_id, None)
        self.render()
        title = "Done" if result.ok else f"Could not {result.action.value} the server"
        self.notify(
            NotificationKind.ACTION_RESULT,
            title,
            result.message,
            warning=not result.ok,
            target=result.service_id,
        )

    def _on_sign_in_required(self, message: str, first_run: bool) -> None:
        self.local_pending.clear()
        self.worker_pending.clear()
        if first_run and self.dialog is None:
            self.open_settings(notice=message)
        else:
            self.notify(NotificationKind.SIGN_IN, "Sign-in needed", message, warning=True)

    # --- showing ------------------------------------------------------------------------------

    def render(self) -> None:
        pending = {**self.worker_pending, **self.local_pending}
        self.shown = entries(self.services, self.settings, pending)
        signed_in = self.connection is not Connection.SIGNED_OUT
        line = status_line(self.connection, self.updated, self.problem, self.filtered_by)
        self.menu.show_entries(self.shown)
        self.menu.show_status(line, signed_in)
        state = overall(self.shown, self.connection)
        self.tray_host.set_icon(tray_icon(state))
        self.tray_host.set_tooltip(
            tooltip(self.shown, self.connection, self.updated, self.problem, self.filtered_by)
        )
        if self.window is not None:
            self.window.show_entries(self.shown)
            self.window.show_status(line)

    def notify(
        self,
        kind: NotificationKind,
        title: str,
        message: str,
        *,
        warning: bool = False,
        target: str = "",
    ) -> None:
        """Tell the user; ``target`` is the server a click on the notification opens."""
        if not self.settings.notify(kind):
            return
        log.info("notification (%s): %s — %s", kind, title, message)
        self.notified.emit(kind, title, message)
        severity = Severity.WARNING if warning else Severity.INFO
        if not self.notifier.show(title, message, severity, target) and self.window is not None:
            self.window.show_status(f"{title}: {message}")

    def tell_problem(self, problem: Problem) -> None:
        self.notify(NotificationKind.PROBLEM, problem.title, problem.message, warning=True)

    def tell_unexpected_error(self, sentence: str) -> None:
        """The excepthook's one line for the user (the traceback is in the log file)."""
        self.tell_problem(Problem("Something went wrong", sentence))

    # --- user intent ---------------------------------------------------------------------------

    def entry(self, service_id: str) -> Entry | None:
        return next((e for e in self.shown if e.service_id == service_id), None)

    def toggle(self, service_id: str) -> None:
        entry = self.entry(service_id)
        if entry is None or entry.click_action is None:
            return
        action = entry.click_action
        if action is Action.STOP and self.settings.confirm_before_stop:
            if not dialogs.confirm_stop(entry.name):
                return
            entry = self.entry(service_id)  # it may have changed while the question was open
            if entry is None or entry.click_action is not Action.STOP:
                return
        self.request(service_id, action)

    def request(self, service_id: str, action: Action) -> None:
        """Show the action at once, then send it; a busy server sends nothing."""
        if service_id in self.local_pending or service_id in self.worker_pending:
            return
        self.local_pending[service_id] = action
        self.render()
        self.backend.request_action(service_id, action)

    def copy_ip(self, service_id: str) -> None:
        entry = self.entry(service_id)
        if entry is not None and entry.ip:
            QGuiApplication.clipboard().setText(entry.ip)

    def open_control_panel(self) -> None:
        QDesktopServices.openUrl(QUrl(CONTROL_PANEL_URL))

    def show_menu(self) -> None:
        """Another launch asked us to show ourselves: the menu where it can pop up."""
        popup = self.tray_host.can_pop_up_menu
        log.info("asked to show itself: the %s", "menu" if popup else "window")
        if popup:
            self.menu.menu.popup(QCursor.pos())
        else:
            self.show_window()

    def _tray_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        # macOS opens the context menu on left-click by itself; Windows and Linux do not.
        if reason is QSystemTrayIcon.ActivationReason.Trigger and sys.platform != "darwin":
            self.show_menu()

    def open_server(self, service_id: str) -> None:
        """A clicked notification: show the window with that server selected."""
        self.show_window()
        if self.window is not None and service_id:
            self.window.select(service_id)

    def show_about(self) -> None:
        if self._about is None:
            self._about = dialogs.about_box(logs.log_folder())
            self._about.destroyed.connect(self._about_closed)
        self._about.show()
        self._about.raise_()

    def _about_closed(self) -> None:
        self._about = None

    def open_settings(self, notice: str = "") -> None:
        if self.dialog is not None:
            self.dialog.raise_()
            self.dialog.activateWindow()
            return
        signed_in = self.connection is not Connection.SIGNED_OUT
        from zomro_tray.gui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(
            self.preferences.for_dialog(),
            self.services,
            signed_in,
            notice=notice,
            autostart_supported=self.preferences.autostart_supported,
        )
        dialog.check_requested.connect(self.backend.check_sign_in)
        dialog.save_requested.connect(self._save_from_dialog)
        self.worker.sign_in_checked.connect(dialog.on_sign_in_checked)
        self.worker.credentials_saved.connect(dialog.on_credentials_saved)
        dialog.finished.connect(self._dialog_closed)
        self.dialog = dialog
        dialog.setWindowIcon(app_icon())
        dialog.show()
        dialog.raise_()

    def _dialog_closed(self) -> None:
        if self.dialog is not None:
            self.worker.sign_in_checked.disconnect(self.dialog.on_sign_in_checked)
            self.worker.credentials_saved.disconnect(self.dialog.on_credentials_saved)
            self.dialog.deleteLater()
        self.dialog = None

    def _save_from_dialog(self, settings: Settings, credentials: Credentials | None) -> None:
        self.apply_settings(settings)
        if credentials is not None:
            self.backend.save_credentials(credentials, settings.api_url)

    def apply_settings(self, settings: Settings) -> None:
        for problem in self.preferences.save(settings):
            self.tell_problem(problem)
        self.backend.apply_settings(settings.api_url, settings.refresh_seconds)
        self.render()
