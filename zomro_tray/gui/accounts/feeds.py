"""Each Zomro account's worker, and what the GUI last heard from it.

Zomro has no account switcher: every account is its own sign-in and session, so each gets a
worker thread of its own (:class:`AccountFeed`). One account failing, slow or signed out never
holds another back: each refreshes on its own timer, and each request per refresh stays one per
page of that account's list. :class:`Feeds` keeps them in step with the settings' account list
and is the one door the views use: a command about a server goes to the account that has it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, Signal

from zomro_tray.core.account import Account, AccountStatus
from zomro_tray.core.credentials import Credentials
from zomro_tray.core.model import Action, ServerKey, Service
from zomro_tray.core.overall import Connection
from zomro_tray.display.entry_maker import EntryMaker
from zomro_tray.display.presentation import Entry
from zomro_tray.gui.accounts.money_view import MoneyView
from zomro_tray.gui.accounts.worker_host import WorkerHost
from zomro_tray.store.keychain import SessionOnlyStore
from zomro_tray.store.settings import NotificationKind, Settings
from zomro_tray.worker.contract import (
    Keychain,
    SecretsStore,
    SignInForm,
    Snapshot,
    Timing,
    WorkerSetup,
)
from zomro_tray.worker.worker import Worker


@dataclass(frozen=True)
class FeedContext:
    """What every account's feed shares with the app: its settings, its notifications (the
    app's ``notify``), and the workers' pace."""

    settings: Callable[[], Settings]
    notify: Callable[..., None]
    timing: Timing | None = None


class AccountFeed(QObject):
    """One account: its worker (in its own thread) and its last snapshot, connection and
    balance. The worker's signals come back with the feed first, so the app knows whose."""

    snapshot_ready = Signal(object, object)  # feed, Snapshot
    connection_changed = Signal(object, object, str, object)  # feed, Connection, sentence, when
    action_finished = Signal(object, object)  # feed, ActionResult
    sign_in_required = Signal(object, str, bool)  # feed, sentence, first run
    account_changed = Signal(object, str)  # feed, who is signed in ("" once signed out)
    story_ready = Signal(object)  # Story: its key names the account
    sign_in_checked = Signal(object)  # SignInCheck: its request id names the question
    credentials_saved = Signal(object, bool, str)  # feed, kept, sentence

    def __init__(
        self,
        account: Account,
        secrets: SecretsStore,
        context: FeedContext,
        credentials: Credentials | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.account = account
        #: The account's name in notifications and the menu, once there is more than one.
        self.tag = ""
        self._notify = context.notify
        setup = WorkerSetup(
            secrets,
            account.api_url,
            context.settings().refresh_seconds,
            account=account.key,
            timing=context.timing or Timing(),
            credentials=credentials,
        )
        self._host = WorkerHost(setup, parent=self)
        self.money = MoneyView(context.settings, self.notify, self)
        self.who = ""
        self.services: tuple[Service, ...] = ()
        self.connection = Connection.STARTING
        self.problem = ""
        self.updated: datetime | None = None
        self.next_try: datetime | None = None  # offline: when the worker tries again
        self.filtered_by: tuple[str, ...] = ()
        self.worker_pending: dict[ServerKey, Action] = {}
        self.entries = EntryMaker()  # reuses what did not change: a refresh costs its changes
        self.shown: list[Entry] = []
        w = self.worker
        w.snapshot_ready.connect(self._snapshot)
        w.connection_changed.connect(self._connection)
        w.action_finished.connect(self._action_finished)
        w.sign_in_required.connect(self._sign_in_required)
        w.account_changed.connect(self._account)
        w.ledger.money_ready.connect(self.money.on_money)
        w.ledger.story_ready.connect(self.story_ready)
        w.sign_in_checked.connect(self.sign_in_checked)
        w.credentials_saved.connect(
            lambda ok, message: self.credentials_saved.emit(self, ok, message)
        )

    @property
    def worker(self) -> Worker:
        """The worker itself, for tests and benchmarks that watch it work; the app goes
        through the commands below and the signals above."""
        return self._host.worker

    # --- commands to its worker (each queued into the worker's thread) -------------------------

    def start(self) -> None:
        self._host.start()

    def stop(self) -> None:
        self._host.stop()

    def retire(self) -> None:
        """The account was removed: its worker forgets its keychain entry, then ends."""
        self._host.retire()

    def is_running(self) -> bool:
        return self._host.is_running()

    def refresh(self) -> None:
        self._host.refresh()

    def menu_opened(self) -> None:
        self._host.menu_opened()

    def request_action(self, key: ServerKey, action: Action) -> None:
        self._host.request_action(key, action)

    def watch(self, service_id: str, hours: int) -> None:
        """Read this server's details and graphs ("" for none of this account's)."""
        self._host.watch(service_id, hours)

    def apply_settings(self, api_url: str, refresh_seconds: int) -> None:
        self._host.apply_settings(api_url, refresh_seconds)

    def check_sign_in(self, request_id: int, form: SignInForm) -> None:
        self._host.check_sign_in(request_id, form)

    def save_credentials(self, credentials: Credentials) -> None:
        """Keep a tested sign-in in this account's keychain entry and use it."""
        self._host.save_credentials(credentials, self.account.api_url)

    def sign_out(self) -> None:
        self._host.sign_out()

    def status(self) -> AccountStatus:
        """What Settings shows of this account beside its settings."""
        signed_in = self.connection is not Connection.SIGNED_OUT
        return AccountStatus(self.account.key, self.who, signed_in, self.services)

    def notify(self, kind: NotificationKind, title: str, message: str, **options: Any) -> None:
        """The app's notification (``options`` as it takes them), its title naming the account
        when there are several."""
        titled = f"{title} — {self.tag}" if self.tag else title
        self._notify(kind, titled, message, **options)

    # --- from the worker (queued into the GUI thread) ----------------------------------------

    def _snapshot(self, snapshot: Snapshot) -> None:
        self.snapshot_ready.emit(self, snapshot)

    def _connection(self, connection: Connection, message: str, when: datetime | None) -> None:
        self.connection_changed.emit(self, connection, message, when)

    def _action_finished(self, result: object) -> None:
        self.action_finished.emit(self, result)

    def _sign_in_required(self, message: str, first_run: bool) -> None:
        self.sign_in_required.emit(self, message, first_run)

    def _account(self, who: str) -> None:
        self.who = who
        self.account_changed.emit(self, who)


class Feeds(QObject):
    """Every account's feed, in the settings' order; commands go to the one that owns a server."""

    #: A feed was made (at start, or for an added account): the app connects to it.
    added = Signal(object)
    #: From whichever account's worker: for the window's details and the Settings dialog.
    story_ready = Signal(object)
    sign_in_checked = Signal(object)
    credentials_saved = Signal(bool, str)

    def __init__(
        self,
        secrets: SecretsStore | Keychain,
        context: FeedContext,
        credentials: Credentials | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._secrets = secrets
        self._context = context
        self._preset = credentials  # tests and the demo: the first account's sign-in
        self._feeds: list[AccountFeed] = []
        #: Removed accounts' feeds: their threads end by themselves; the objects are kept until
        #: the app ends, where stop() waits for any still running (a few per removal).
        self._retiring: list[AccountFeed] = []
        self._started = False

    def __iter__(self) -> Iterator[AccountFeed]:
        return iter(list(self._feeds))

    def __len__(self) -> int:
        return len(self._feeds)

    @property
    def first(self) -> AccountFeed:
        return self._feeds[0]

    def feed(self, key: str) -> AccountFeed | None:
        return next((f for f in self._feeds if f.account.key == key), None)

    def owner(self, key: ServerKey) -> AccountFeed | None:
        """The account the server belongs to: the one its key names, never one that happens
        to list the same id (ids are unique within one account only)."""
        return self.feed(key.account)

    # --- the account list ---------------------------------------------------------------------

    def sync(self, settings: Settings) -> list[AccountFeed]:
        """Make a feed for each new account; retire each removed one's (its worker forgets its
        keychain entry, then ends: returned, so the app forgets what was clicked on its
        servers); keep the order; pass on each one's address and pace."""
        kept = {f.account.key: f for f in self._feeds}
        removed = [f for f in self._feeds if settings.account(f.account.key) is None]
        for feed in removed:
            feed.blockSignals(True)  # its last words (signed out) are not for the user
            feed.retire()
            self._retiring.append(feed)
        feeds: list[AccountFeed] = []
        for account in settings.accounts:
            feed = kept.get(account.key) or self._make(account, first=not feeds)
            if account.key in kept:
                feed.apply_settings(account.api_url, settings.refresh_seconds)
            feed.account = account
            feeds.append(feed)
        self._feeds = feeds
        several = len(feeds) > 1
        for number, feed in enumerate(feeds, 1):
            feed.tag = feed.account.title(number) if several else ""
        return removed

    def _make(self, account: Account, first: bool) -> AccountFeed:
        secrets = self._secrets_for(account, first)
        preset = self._preset if first else None
        feed = AccountFeed(account, secrets, self._context, preset, parent=self)
        feed.story_ready.connect(self.story_ready)
        feed.sign_in_checked.connect(self.sign_in_checked)
        feed.credentials_saved.connect(self._saved)
        self.added.emit(feed)
        if self._started:
            feed.start()
        return feed

    def _secrets_for(self, account: Account, first: bool) -> SecretsStore:
        """The account's own keychain entry; a store with no entries (the tests') serves the
        first account, and each other account gets one of its own, in memory."""
        if isinstance(self._secrets, Keychain):
            return self._secrets.entry(account.keychain_entry, first=first)
        return self._secrets if first else SessionOnlyStore()

    # --- lifecycle and commands ------------------------------------------------------------

    def start(self) -> None:
        self._started = True
        for feed in self._feeds:
            feed.start()

    def stop(self) -> None:
        for feed in self._feeds + self._retiring:
            feed.stop()

    def refresh(self) -> None:
        for feed in self._feeds:
            feed.refresh()

    def menu_opened(self) -> None:
        for feed in self._feeds:
            feed.menu_opened()

    def request_action(self, key: ServerKey, action: Action) -> None:
        feed = self.owner(key)
        if feed is not None:
            feed.request_action(key, action)

    def watch(self, key: ServerKey | None, hours: int) -> None:
        """The window shows this server's details (None for none): its account reads them."""
        owner = self.owner(key) if key is not None else None
        for feed in self._feeds:
            feed.watch(key.id if key is not None and feed is owner else "", hours)

    def check_sign_in(self, request_id: int, form: SignInForm) -> None:
        """Settings' "Test connection": any worker can try a sign-in without keeping it."""
        self.first.check_sign_in(request_id, form)

    def pending(self) -> Mapping[ServerKey, Action]:
        return {key: a for feed in self._feeds for key, a in feed.worker_pending.items()}

    def _saved(self, _feed: AccountFeed, ok: bool, message: str) -> None:
        self.credentials_saved.emit(ok, message)
