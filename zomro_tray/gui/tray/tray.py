"""The tray application: wires the worker, the tray icon, the menu, notifications and dialogs.

The only place where user intent meets the worker; each part has a file of its own (see
ARCHITECTURE.md). What it shows comes from :mod:`zomro_tray.display.presentation`.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QApplication

from zomro_tray.core.credentials import Credentials
from zomro_tray.core.model import Action, ServerKey, Service
from zomro_tray.core.overall import Connection
from zomro_tray.display.presentation import (
    CONTROL_PANEL_URL,
    Entry,
    action_title,
    change_notices,
    external_changes,
    waiting_title,
)
from zomro_tray.gui.accounts.feeds import AccountFeed, FeedContext, Feeds
from zomro_tray.gui.accounts.gathered_notices import GatheredNotices, Situation
from zomro_tray.gui.accounts.preferences import Preferences, Problem
from zomro_tray.gui.dialogs.dialog_host import DialogHost
from zomro_tray.gui.language import speak
from zomro_tray.gui.tray.menu import TrayMenu
from zomro_tray.gui.tray.notifier import Notifier, Severity
from zomro_tray.gui.tray.power import PowerClicks, Undo
from zomro_tray.gui.tray.tray_host import TrayHost, starting_host
from zomro_tray.gui.tray.tray_view import Clicks, TrayView
from zomro_tray.i18n import _
from zomro_tray.store.autostart import AutoStart
from zomro_tray.store.settings import NotificationKind, Settings, SettingsStore
from zomro_tray.worker.contract import ActionResult, Keychain, SecretsStore, Snapshot, Timing

if TYPE_CHECKING:  # loaded when first opened: start-up only pays for the icon and the menu
    from zomro_tray.gui.dialogs.settings_dialog import SettingsDialog
    from zomro_tray.gui.window.window import ServerWindow

log = logging.getLogger(__name__)


class TrayApp(QObject):
    #: A snapshot was shown (tests and benchmarks wait on this).
    refreshed = Signal()
    #: A notification was given: NotificationKind, title, message (a balloon, or in the window).
    notified = Signal(object, str, str)

    def __init__(
        self,
        settings_store: SettingsStore,
        secrets: SecretsStore | Keychain,
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
        self.shown: list[Entry] = []  # every account's entries, in the menu's order
        self.window: ServerWindow | None = None
        self._signing_out: set[str] = set()  # the accounts whose Sign out the user asked for
        self._first_shown = False

        context = FeedContext(lambda: self.settings, self.notify, timing)
        self.feeds = Feeds(secrets, context, credentials, parent=self)
        self.feeds.added.connect(self._connect_feed)
        self.feeds.sync(self.settings)
        self.dialogs = DialogHost(self.feeds, self)
        self.dialogs.saved.connect(self._save_from_dialog)
        self.power = PowerClicks(
            self.feeds,
            lambda: self.settings,
            lambda: {s.key: s for s in self.services},
            self.feeds.pending,
            self.server_name,
            undo_seconds=(timing or Timing()).undo,
            parent=self,
        )
        self.gathered = GatheredNotices(self.notify, self)
        self.power.changed.connect(self.render)
        self.power.waiting_started.connect(self._waiting_started)

        self.menu = TrayMenu(self, mirrored=lambda: self.tray_host.mirrors_menu)
        self._connect_view(self.menu)
        self.menu.open_panel_clicked.connect(self.open_control_panel)
        self.menu.sign_in_clicked.connect(self.open_settings)
        self.menu.sign_out_clicked.connect(self.sign_out)
        self.menu.show_all_clicked.connect(self.show_window)
        self.menu.copy_ip6_clicked.connect(lambda key: self.copy_ip(key, v6=True))
        self.menu.about_clicked.connect(self.dialogs.show_about)
        self.menu.opened.connect(self.feeds.menu_opened)

        self.tray_host = tray_host or starting_host()  # gui/app.py shows the icon before this
        self.tray_host.setParent(self)
        self.tray_host.set_menu(self.menu.menu)
        self.tray_host.window_wanted.connect(self.show_window)
        self.tray_host.available_changed.connect(self._tray_availability)
        self.notifier = Notifier(lambda: self.tray_host.icon, self)
        self.tray_host.message_clicked.connect(self.notifier.tray_message_clicked)
        self.notifier.clicked.connect(self._notification_clicked)
        self.view = TrayView(self.menu, self.tray_host, lambda: self.window)

    @property
    def settings(self) -> Settings:
        return self.preferences.settings

    @property
    def services(self) -> tuple[Service, ...]:
        """Every account's servers."""
        return tuple(s for feed in self.feeds for s in feed.services)

    # --- start and stop --------------------------------------------------------------------

    def start(self) -> None:
        """Show the icon, then start the worker once the event loop runs (worker_host says why)."""
        if self.tray_host.started and not self.tray_host.available:  # found no tray before us
            self._tray_availability(False)
        self.tray_host.start()  # once; no tray: the window shows at once (_tray_availability)
        self.feeds.start()
        if (problem := self.preferences.startup_problem()) is not None:
            self.tell_problem(problem)

    def quit(self) -> None:
        """Stop the worker within a second, even with a request in flight, then leave."""
        self.stop_worker()
        self.tray_host.stop()
        self.notifier.close()
        QApplication.quit()

    def stop_worker(self) -> None:  # the tests and the app's exit path call this
        self.feeds.stop()

    def dispose(self) -> None:
        """Delete the Qt objects now, in the GUI thread (the cyclic collector could run in any)."""
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
            from zomro_tray.gui.window.window import ServerWindow

            self.window = ServerWindow(self.feeds)
            self._connect_view(self.window)  # closed while it stands in for a tray: it quits
            self.render()  # the same entries and status line as the menu
        self.window.stand_in_for_tray(not self.tray_host.available)
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()

    # --- wiring ------------------------------------------------------------------------------

    def _connect_feed(self, feed: AccountFeed) -> None:
        feed.snapshot_ready.connect(self._on_snapshot)
        feed.connection_changed.connect(self._on_connection)
        feed.action_finished.connect(self._on_action_finished)
        feed.sign_in_required.connect(self._on_sign_in_required)
        feed.account_changed.connect(self._on_account)
        feed.money.changed.connect(self.render)

    def _connect_view(self, view: TrayMenu | ServerWindow) -> None:
        view.asks.entry_clicked.connect(self.toggle)
        view.asks.reboot_clicked.connect(lambda key: self.power.power(key, Action.REBOOT))
        view.asks.copy_ip_clicked.connect(self.copy_ip)
        view.asks.refresh_clicked.connect(self.feeds.refresh)
        view.asks.settings_clicked.connect(self.open_settings)
        view.asks.quit_clicked.connect(self.quit)

    # --- from the worker --------------------------------------------------------------------

    def _on_snapshot(self, feed: AccountFeed, snapshot: Snapshot) -> None:
        if not self._first_shown:  # -v shows how long start-up took (the benchmark reads it)
            self._first_shown = True
            log.info("first statuses shown (monotonic %.3f)", time.monotonic())
        mine = set(feed.worker_pending) | set(snapshot.pending) | set(self.power.local_pending)
        news = external_changes(feed.services, snapshot.services, mine, self.settings)
        feed.services = snapshot.services
        feed.worker_pending = dict(snapshot.pending)
        feed.updated = snapshot.fetched_at
        feed.filtered_by = snapshot.filtered_by
        self.render()
        for title, text in change_notices(news):  # stopped without you: a warning, not a note
            feed.notify(NotificationKind.EXTERNAL_CHANGE, title, text, warning=True)
        self.refreshed.emit()

    def _on_connection(
        self, feed: AccountFeed, connection: Connection, message: str, next_try: datetime | None
    ) -> None:
        before = feed.connection
        feed.connection = connection
        if connection is Connection.ONLINE:
            self.gathered.left(feed.account.key, Situation.OFFLINE, Situation.REFUSED)
        if connection is not Connection.SIGNED_OUT:
            self.gathered.left(feed.account.key, Situation.SIGN_IN)
        feed.problem = message if connection is not Connection.ONLINE else ""
        feed.next_try = next_try
        self.render()
        if connection.retrying and connection is not before:
            self._tell(feed, Situation.of(connection), message)
        elif connection is Connection.ONLINE and before.retrying:
            self._tell(feed, Situation.BACK_ONLINE, _("The connection to Zomro is restored."))

    def _tell(self, feed: AccountFeed, situation: Situation, message: str) -> None:
        """One account's connection or sign-in notice; with several accounts, held a moment
        and told once with the others that say the same (gathered_notices.py)."""

        def alone() -> None:
            feed.notify(situation.kind, situation.title(), message, warning=situation.warning)

        if len(self.feeds) > 1:
            self.gathered.add(situation, feed.account.key, feed.tag, alone)
        else:
            alone()

    def _on_action_finished(self, feed: AccountFeed, result: ActionResult) -> None:
        if result.key.account != feed.account.key:  # never told of another account's server
            log.error("an action's result named another account's server")
            return
        self.power.settled(result.key)
        feed.worker_pending.pop(result.key, None)
        self.render()
        entry = self.entry(result.key)
        title = action_title(result.action, result.ok, entry.name if entry else result.key.id)
        body = "" if result.ok else result.message  # "web-1 stopped" says it all
        feed.notify(
            NotificationKind.ACTION_RESULT, title, body, warning=not result.ok, target=result.key
        )

    def _on_sign_in_required(self, feed: AccountFeed, message: str, first_run: bool) -> None:
        self.power.forget(feed.account.key)
        feed.worker_pending.clear()
        if feed.account.key in self._signing_out:  # the user asked for it: nothing to tell
            self._signing_out.discard(feed.account.key)
        elif first_run and self.dialog is None and feed is self.feeds.first:
            self.open_settings(notice=message)
        else:
            self._tell(feed, Situation.SIGN_IN, message)

    def _on_account(self, feed: AccountFeed, who: str) -> None:
        """Someone signed in (or out); another person starts with all of their servers shown."""
        feed.money.forget()  # its "changed" draws the new name and no balance
        changed = None if self.demo or not who else self.preferences.for_account(feed.account, who)
        if changed is not None:
            self.apply_settings(changed)

    # --- showing ------------------------------------------------------------------------------

    def render(self) -> None:
        """Every account's section in the menu, the icon, its tooltip and the window; what
        they show is kept here and in each feed (clicks and names are looked up in it)."""
        clicks = Clicks(self.power.local_pending, self.power.waiting)
        shown = self.view.render(list(self.feeds), self.settings, clicks, self.demo)
        for feed in self.feeds:
            feed.shown = shown.by_account.get(feed.account.key, [])
        self.shown = shown.entries

    def notify(
        self,
        kind: NotificationKind,
        title: str,
        message: str,
        *,
        warning: bool = False,
        target: ServerKey | Undo | None = None,
    ) -> None:
        """Tell the user, unless that kind is off; a click opens ``target``'s server, or
        takes back its waiting click (:class:`Undo`)."""
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

    def entry(self, key: ServerKey) -> Entry | None:
        return next((e for e in self.shown if e.key == key), None)

    def server_name(self, key: ServerKey) -> str:
        """How a question or a notice names a server: its name, and its account's while
        there are several (two accounts may each have a "web-1")."""
        entry = self.entry(key)
        name = entry.name if entry is not None else key.id
        feed = self.feeds.owner(key)
        return f"{name} — {feed.tag}" if feed is not None and feed.tag else name

    def toggle(self, key: ServerKey) -> None:
        """A click on a server: start it, or shut it down after the undo time (power.py)."""
        entry = self.entry(key)
        if entry is not None and entry.enabled:
            self.power.click(key, entry.click_action)

    def _waiting_started(self, key: ServerKey, action: Action) -> None:
        entry = self.entry(key)
        title = waiting_title(action, entry.name if entry else key.id)
        seconds = f"{self.power.undo_seconds:g}"
        undo = _("In {seconds} s. Click here, or on the server, to undo.").format(seconds=seconds)
        feed = self.feeds.owner(key)
        notify = feed.notify if feed is not None else self.notify  # the title names its account
        notify(NotificationKind.ACTION_RESULT, title, undo, target=Undo(key))

    def _notification_clicked(self, target: object) -> None:
        if isinstance(target, Undo):
            self.power.undo(target.key)
        elif isinstance(target, ServerKey):
            self.open_server(target)

    def sign_out(self) -> None:
        """The menu's Sign out, offered while one account is listed (Settings removes one of
        several)."""
        self._signing_out.add(self.feeds.first.account.key)
        self.feeds.first.sign_out()

    def copy_ip(self, key: ServerKey, v6: bool = False) -> None:
        entry = self.entry(key)
        address = (entry.ip_v6 if v6 else entry.ip) if entry else ""
        if entry is not None and address:
            QGuiApplication.clipboard().setText(address)
            self.notify(NotificationKind.ACTION_RESULT, _("Copied"), f"{entry.name}: {address}")

    def open_control_panel(self) -> None:
        if not QDesktopServices.openUrl(QUrl(CONTROL_PANEL_URL)):
            where = _("Zomro's panel is at {address}").format(address=CONTROL_PANEL_URL)
            self.tell_problem(Problem(_("No web browser opened"), where))

    def open_server(self, key: ServerKey) -> None:
        """A clicked notification: show the window with that server selected."""
        self.show_window()
        if self.window is not None:
            self.window.select(key)

    @property
    def dialog(self) -> SettingsDialog | None:
        return self.dialogs.dialog

    def open_settings(self, notice: str = "") -> None:
        self.dialogs.open_settings(
            self.preferences.for_dialog(),
            [feed.status() for feed in self.feeds],
            autostart_supported=self.preferences.autostart_supported,
            notice=notice,
        )

    def _save_from_dialog(
        self, settings: Settings, credentials: Credentials | None, key: str
    ) -> None:
        self.apply_settings(settings)
        feed = self.feeds.feed(key)
        if credentials is not None and feed is not None:
            feed.save_credentials(credentials)

    def apply_settings(self, settings: Settings) -> None:
        if settings.language != self.settings.language:  # at once, no restart: fixed texts here
            speak(settings.language)  # the rest in render()
            self.menu.retranslate()
            if self.window is not None:
                self.window.retranslate()
        for problem in self.preferences.save(settings):
            self.tell_problem(problem)
        for removed in self.feeds.sync(self.settings):  # with accounts added elsewhere
            self.power.forget(removed.account.key)
            self.gathered.left(removed.account.key, *Situation)  # nothing of it stays told
        self.render()
