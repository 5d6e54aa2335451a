"""The tray application: wires the worker, the tray icon, the menu, notifications and dialogs.

The only place where user intent meets the worker; each part has a file of its own (see
ARCHITECTURE.md). What it shows comes from :mod:`zomro_tray.presentation`.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QApplication

from zomro_tray.autostart import AutoStart
from zomro_tray.contract import ActionResult, SecretsStore, Snapshot, Timing
from zomro_tray.credentials import Credentials
from zomro_tray.entry_maker import EntryMaker
from zomro_tray.gui.dialog_host import DialogHost
from zomro_tray.gui.icons import tray_icon
from zomro_tray.gui.language import speak
from zomro_tray.gui.menu import TrayMenu
from zomro_tray.gui.money_view import MoneyView
from zomro_tray.gui.notifier import Notifier, Severity
from zomro_tray.gui.power import PowerClicks
from zomro_tray.gui.preferences import Preferences, Problem
from zomro_tray.gui.tray_host import TrayHost, starting_host
from zomro_tray.gui.worker_host import WorkerHost
from zomro_tray.i18n import _
from zomro_tray.model import Action, Service
from zomro_tray.overall import Connection
from zomro_tray.presentation import (
    CONTROL_PANEL_URL,
    Entry,
    action_title,
    ago,
    change_notices,
    external_changes,
    overall,
    status_line,
    tooltip,
    waiting_title,
)
from zomro_tray.settings import NotificationKind, Settings, SettingsStore
from zomro_tray.worker import Worker

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
        demo: bool = False,
        tray_host: TrayHost | None = None,
    ) -> None:
        super().__init__()
        self.preferences = Preferences(settings_store, autostart, api_url)
        self.demo = demo
        self.account = ""
        self.services: tuple[Service, ...] = ()
        self.connection = Connection.STARTING
        self.problem = ""
        self.updated: datetime | None = None
        self.next_try: datetime | None = None  # offline: when the worker tries again
        self.filtered_by: tuple[str, ...] = ()
        self.worker_pending: dict[str, Action] = {}
        self.shown: list[Entry] = []
        self._entries = EntryMaker()  # reuses what did not change: a refresh costs its changes
        self.window: ServerWindow | None = None
        self._signing_out = False

        settings = self.settings
        self.backend = WorkerHost(
            secrets,
            settings.api_url,
            settings.refresh_seconds,
            timing=timing,
            credentials=credentials,
            parent=self,
        )
        self.money = MoneyView(lambda: self.settings, self.notify, self)
        self._connect_worker()
        self.money.changed.connect(self.render)
        self.dialogs = DialogHost(self.backend, self)
        self.dialogs.saved.connect(self._save_from_dialog)
        self.power = PowerClicks(
            self.backend,
            lambda: self.settings,
            lambda: {s.id: s for s in self.services},
            lambda: self.worker_pending,
            undo_seconds=(timing or Timing()).undo,
            parent=self,
        )
        self.power.changed.connect(self.render)
        self.power.waiting_started.connect(self._waiting_started)

        self.menu = TrayMenu(self, mirrored=lambda: self.tray_host.mirrors_menu)
        self._connect_view(self.menu)
        self.menu.open_panel_clicked.connect(self.open_control_panel)
        self.menu.sign_in_clicked.connect(self.open_settings)
        self.menu.sign_out_clicked.connect(self.sign_out)
        self.menu.show_all_clicked.connect(self.show_window)
        self.menu.copy_ip6_clicked.connect(lambda sid: self.copy_ip(sid, v6=True))
        self.menu.about_clicked.connect(self.dialogs.show_about)
        self.menu.opened.connect(self.backend.menu_opened)

        self.tray_host = tray_host or starting_host()  # gui/app.py shows the icon before this
        self.tray_host.setParent(self)
        self.tray_host.set_menu(self.menu.menu)
        self.tray_host.window_wanted.connect(self.show_window)
        self.tray_host.available_changed.connect(self._tray_availability)
        self.notifier = Notifier(lambda: self.tray_host.icon, self)
        self.tray_host.message_clicked.connect(self.notifier.tray_message_clicked)
        self.notifier.clicked.connect(self._notification_clicked)

    @property
    def settings(self) -> Settings:
        return self.preferences.settings

    @property
    def worker(self) -> Worker:
        return self.backend.worker

    # --- start and stop --------------------------------------------------------------------

    def start(self) -> None:
        """Show the icon, then start the worker once the event loop runs (worker_host says why)."""
        if self.tray_host.started and not self.tray_host.available:  # found no tray before us
            self._tray_availability(False)
        self.tray_host.start()  # once; no tray: the window shows at once (_tray_availability)
        self.backend.start()
        if (problem := self.preferences.startup_problem()) is not None:
            self.tell_problem(problem)

    def quit(self) -> None:
        """Stop the worker within a second, even with a request in flight, then leave."""
        self.stop_worker()
        self.tray_host.stop()
        self.notifier.close()
        QApplication.quit()

    def stop_worker(self) -> None:  # the tests and the app's exit path call this
        self.backend.stop()

    def dispose(self) -> None:
        """Delete the Qt objects now, in the GUI thread: the cyclic collector could run in any."""
        self.tray_host.stop()
        self.notifier.close()
        self.dialogs.close_all()
        if self.window is not None:
            self.window.close()
            self.window.deleteLater()
        self.window = None
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

            self.window = ServerWindow(self.backend)
            self._connect_view(self.window)  # closed while it stands in for a tray: it quits
            self.render()  # the same entries and status line as the menu
        self.window.stand_in_for_tray(not self.tray_host.available)
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()

    # --- wiring ------------------------------------------------------------------------------

    def _connect_worker(self) -> None:
        w = self.worker
        w.snapshot_ready.connect(self._on_snapshot)
        w.connection_changed.connect(self._on_connection)
        w.action_finished.connect(self._on_action_finished)
        w.sign_in_required.connect(self._on_sign_in_required)
        w.account_changed.connect(self._on_account)
        w.ledger.money_ready.connect(self.money.on_money)

    def _connect_view(self, view: TrayMenu | ServerWindow) -> None:
        view.entry_clicked.connect(self.toggle)
        view.reboot_clicked.connect(lambda sid: self.power.power(sid, Action.REBOOT))
        view.copy_ip_clicked.connect(self.copy_ip)
        view.refresh_clicked.connect(self.backend.refresh)
        view.settings_clicked.connect(self.open_settings)
        view.quit_clicked.connect(self.quit)

    # --- from the worker --------------------------------------------------------------------

    def _on_snapshot(self, snapshot: Snapshot) -> None:
        if self.updated is None:  # -v shows how long start-up took (the benchmark reads it)
            log.info("first statuses shown (monotonic %.3f)", time.monotonic())
        mine = set(self.worker_pending) | set(snapshot.pending) | set(self.power.local_pending)
        news = external_changes(self.services, snapshot.services, mine, self.settings)
        self.services = snapshot.services
        self.worker_pending = dict(snapshot.pending)
        self.updated = snapshot.fetched_at
        self.filtered_by = snapshot.filtered_by
        self.render()
        for title, text in change_notices(news):  # stopped without you: a warning, not a note
            self.notify(NotificationKind.EXTERNAL_CHANGE, title, text, warning=True)
        self.refreshed.emit()

    def _on_connection(
        self, connection: Connection, message: str, next_try: datetime | None
    ) -> None:
        before = self.connection
        self.connection = connection
        self.problem = message if connection is not Connection.ONLINE else ""
        self.next_try = next_try
        self.render()
        kind = NotificationKind.CONNECTION
        if connection is Connection.OFFLINE and before is not Connection.OFFLINE:
            self.notify(kind, _("Zomro cannot be reached"), message, warning=True)
        elif connection is Connection.ONLINE and before is Connection.OFFLINE:
            self.notify(kind, _("Back online"), _("The connection to Zomro is restored."))

    def _on_action_finished(self, result: ActionResult) -> None:
        self.power.settled(result.service_id)
        self.worker_pending.pop(result.service_id, None)
        self.render()
        entry = self.entry(result.service_id)
        title = action_title(result.action, result.ok, entry.name if entry else result.service_id)
        body = "" if result.ok else result.message  # "web-1 stopped" says it all
        kind = NotificationKind.ACTION_RESULT
        self.notify(kind, title, body, warning=not result.ok, target=result.service_id)

    def _on_sign_in_required(self, message: str, first_run: bool) -> None:
        self.power.forget_all()
        self.worker_pending.clear()
        if self._signing_out:  # the user asked for it: nothing to tell
            self._signing_out = False
        elif first_run and self.dialog is None:
            self.open_settings(notice=message)
        else:
            self.notify(NotificationKind.SIGN_IN, _("Sign-in needed"), message, warning=True)

    def _on_account(self, account: str) -> None:
        """Someone signed in (or out); another account starts with all of its servers shown."""
        self.account = account
        self.menu.show_account(account)
        self.money.forget()
        changed = self.preferences.for_account(account) if account and not self.demo else None
        if changed is not None:
            self.apply_settings(changed)

    # --- showing ------------------------------------------------------------------------------

    def render(self) -> None:
        pending = {**self.worker_pending, **self.power.local_pending}
        offline = self.connection is Connection.OFFLINE
        last_seen = ago(self.updated, datetime.now()) if offline and self.updated else ""
        self.shown = self._entries.entries(
            self.services, self.settings, pending, self.power.waiting, last_seen
        )
        signed_in = self.connection is not Connection.SIGNED_OUT
        line = status_line(
            self.connection, self.updated, self.problem, self.filtered_by, self.next_try
        )
        if self.demo:
            line = _("Demo — {status}").format(status=line)
        self.menu.show_entries(self.shown)
        self.menu.show_status(line, signed_in, offline)
        state = overall(self.shown, self.connection)
        self.tray_host.set_icon(tray_icon(state, low_funds=self.money.low))
        self.money.show(self.menu, self.window)
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
        """Tell the user, unless that kind is off; a click opens ``target`` (an id, "undo:"…)."""
        if not self.settings.notify(kind):
            return
        log.info("notification (%s): %s — %s", kind.value, title, message)
        self.notified.emit(kind, title, message)
        severity = Severity.WARNING if warning else Severity.INFO
        if not self.notifier.show(title, message, severity, target) and self.window is not None:
            self.window.show_status(f"{title}: {message}" if message else title)

    def tell_problem(self, problem: Problem) -> None:
        self.notify(NotificationKind.PROBLEM, problem.title, problem.message, warning=True)

    def tell_unexpected_error(self, sentence: str) -> None:
        """The excepthook's one line for the user (the traceback is in the log file)."""
        self.tell_problem(Problem(_("Something went wrong"), sentence))

    # --- user intent ---------------------------------------------------------------------------

    def entry(self, service_id: str) -> Entry | None:
        return next((e for e in self.shown if e.service_id == service_id), None)

    def toggle(self, service_id: str) -> None:
        """A click on a server: start it, or shut it down after the undo time (power.py)."""
        entry = self.entry(service_id)
        if entry is not None and entry.enabled:
            self.power.click(service_id, entry.click_action)

    def _waiting_started(self, service_id: str, action: Action) -> None:
        entry = self.entry(service_id)
        title = waiting_title(action, entry.name if entry else service_id)
        seconds = f"{self.power.undo_seconds:g}"
        undo = _("In {seconds} s. Click here, or on the server, to undo.").format(seconds=seconds)
        self.notify(NotificationKind.ACTION_RESULT, title, undo, target=f"undo:{service_id}")

    def _notification_clicked(self, target: str) -> None:
        if target.startswith("undo:"):
            self.power.undo(target.removeprefix("undo:"))
        else:
            self.open_server(target)

    def sign_out(self) -> None:
        self._signing_out = True
        self.backend.sign_out()

    def copy_ip(self, service_id: str, v6: bool = False) -> None:
        entry = self.entry(service_id)
        address = (entry.ip_v6 if v6 else entry.ip) if entry else ""
        if entry is not None and address:
            QGuiApplication.clipboard().setText(address)
            self.notify(NotificationKind.ACTION_RESULT, _("Copied"), f"{entry.name}: {address}")

    def open_control_panel(self) -> None:
        if not QDesktopServices.openUrl(QUrl(CONTROL_PANEL_URL)):
            where = _("Zomro's panel is at {address}").format(address=CONTROL_PANEL_URL)
            self.tell_problem(Problem(_("No web browser opened"), where))

    def open_server(self, service_id: str) -> None:
        """A clicked notification: show the window with that server selected."""
        self.show_window()
        if self.window is not None and service_id:
            self.window.select(service_id)

    @property
    def dialog(self) -> SettingsDialog | None:
        return self.dialogs.dialog

    def open_settings(self, notice: str = "") -> None:
        self.dialogs.open_settings(
            self.preferences.for_dialog(),
            self.services,
            signed_in=self.connection is not Connection.SIGNED_OUT,
            account=self.account,
            autostart_supported=self.preferences.autostart_supported,
            notice=notice,
        )

    def _save_from_dialog(self, settings: Settings, credentials: Credentials | None) -> None:
        self.apply_settings(settings)
        if credentials is not None:
            self.backend.save_credentials(credentials, settings.api_url)

    def apply_settings(self, settings: Settings) -> None:
        if settings.language != self.settings.language:  # at once, no restart: fixed texts here
            speak(settings.language)  # the rest in render()
            self.menu.retranslate()
            if self.window is not None:
                self.window.retranslate()
        for problem in self.preferences.save(settings):
            self.tell_problem(problem)
        self.backend.apply_settings(settings.api_url, settings.refresh_seconds)
        self.render()
