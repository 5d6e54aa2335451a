"""The refresh worker: the only code that talks to Zomro while the tray runs.

It lives in its own ``QThread`` and owns the API client and the keychain access (both block).
The GUI sends it commands through queued signals and gets results back the same way, so the GUI
thread never waits on the network. One single-shot timer schedules the next refresh: the normal
interval when all is calm, every few seconds while something is in transition, and an
exponential back-off while Zomro cannot be reached; nothing ticks in between.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer, Signal, Slot

from zomro_tray import errors
from zomro_tray.core.credentials import Credentials
from zomro_tray.core.model import Action, ServerKey, Service
from zomro_tray.core.overall import Connection
from zomro_tray.core.plain_text import capped
from zomro_tray.i18n import _
from zomro_tray.logs import redactor
from zomro_tray.worker.contract import (
    ActionResult,
    SignInForm,
    Snapshot,
    WorkerSetup,
)
from zomro_tray.worker.ledger import Ledger
from zomro_tray.worker.pending import PendingActions

if TYPE_CHECKING:
    from zomro_tray.api.client import ZomroClient

log = logging.getLogger(__name__)


#: The most characters of who is signed in, as the menu shows it (an e-mail address at most).
WHO_CHARS = 254
#: How often the saved list filter is looked at (one extra request; it rarely changes).
FILTER_CHECK_SECONDS = 600.0


class Worker(QObject):
    snapshot_ready = Signal(object)  # Snapshot
    #: Connection, a sentence for the user, and when offline the time of the next try
    connection_changed = Signal(object, str, object)
    action_finished = Signal(object)  # ActionResult
    sign_in_checked = Signal(object)  # SignInCheck
    credentials_saved = Signal(bool, str)  # ok, sentence
    sign_in_required = Signal(str, bool)  # sentence, True when nothing was ever stored
    #: Who is signed in, as the user would recognise it ("" once signed out).
    account_changed = Signal(str)

    def __init__(self, setup: WorkerSetup) -> None:
        super().__init__()
        #: The key of the app's account this worker signs in as: every server it lists carries
        #: it, and a command naming another account's server is refused here, the last door.
        self.account = setup.account
        self._secrets = setup.secrets
        self._api_url = setup.api_url
        self._refresh_seconds = setup.refresh_seconds
        self._timing = setup.timing
        self._preset = setup.credentials
        self._client: ZomroClient | None = None
        self._connection = Connection.STARTING
        self._failures = 0
        self._pending = PendingActions(self._timing, self.account)
        self._services: tuple[Service, ...] = ()
        self._fetched = 0.0  # monotonic time of the last good refresh
        self._filters: tuple[str, ...] = ()
        self._filters_checked: float | None = None
        self._stopping = False
        self._account: str | None = None  # None: not asked yet for these credentials
        self._keychain_failed = False  # the last read of the sign-in met no usable keychain
        self._timer: QTimer | None = None
        #: Money and the window's server details, read after the statuses, in this thread.
        self.ledger = Ledger(
            lambda: self._client, self._idle_pace, parent=self, account=self.account
        )
        self.refreshes = 0  # successful refreshes, for tests and benchmarks
        self.attempts = 0  # refresh attempts, failed ones included

    # --- lifecycle (runs in the worker thread) --------------------------------------------------

    @Slot()
    def setup(self) -> None:
        """Runs once the thread starts: timers must be created in the thread that uses them."""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.refresh)
        self._use_credentials(self._load_credentials(), first_run=True)

    @Slot()
    def shutdown(self) -> None:
        """Last call in the worker thread: stop the timer and hand the worker back to the main
        thread, so Python can destroy it (and its timer) there without Qt complaining."""
        self._stopping = True
        if self._timer is not None:
            self._timer.stop()
        self.ledger.stop()
        app = QCoreApplication.instance()
        if app is not None:
            self.moveToThread(app.thread())

    @Slot()
    def retire(self) -> None:
        """The account was removed: forget its sign-in (the keychain is read and written only
        in this thread), then end the thread; nothing waits for it."""
        thread = QThread.currentThread()
        self.sign_out()
        self.shutdown()
        thread.quit()

    def abort(self) -> None:
        """Called from the GUI thread at quit: break off a request in flight."""
        self._stopping = True
        client = self._client
        if client is not None:
            client.abort()

    # --- commands from the GUI --------------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        if self._stopping:
            return
        if self._client is None:
            if self._keychain_failed:  # "Retry now": the keychain may be unlocked since
                self._use_credentials(self._load_credentials())
            return
        self.attempts += 1
        try:
            services = tuple(self._client.list_services(self.account))
        except errors.ZomroError as error:
            self._failed(error)
        except Exception:  # a bug of ours, or an answer nothing foresaw: never stop refreshing
            log.exception("refresh failed unexpectedly")
            self._failed(errors.UnexpectedFailure())
        else:
            self._succeeded(services)
        self._schedule()

    @Slot()
    def network_back(self) -> None:
        """The system says the network is back: retry now, not at the end of the back-off."""
        if self._connection is Connection.OFFLINE:
            self.refresh()

    @Slot()
    def menu_opened(self) -> None:
        if time.monotonic() - self._fetched > self._timing.stale:
            self.refresh()

    @Slot(object, object)
    def request_action(self, key: ServerKey, action: Action) -> None:
        if key.account != self.account:  # never another account's server, whatever its id
            log.error("refused a %s meant for another account's server", action.value)
            return
        service_id = key.id
        if service_id in self._pending or self._client is None or self._stopping:
            return  # a second click on a busy server sends nothing
        try:
            send = {
                Action.START: self._client.start,
                Action.STOP: self._client.stop,
                Action.REBOOT: self._client.reboot,
            }[action]
            send(service_id)
        except errors.ZomroError as error:
            self.action_finished.emit(ActionResult(key, action, False, _say(error)))
            if isinstance(error, errors.SignInError):
                self._signed_out(_say(error))
            return
        except Exception:
            log.exception("%s failed unexpectedly", action.value)
            failure = str(errors.UnexpectedFailure())
            self.action_finished.emit(ActionResult(key, action, False, failure))
            return
        self._pending.add(service_id, action, time.monotonic())
        self.refresh()

    @Slot(str, int)
    def apply_settings(self, api_url: str, refresh_seconds: int) -> None:
        self._refresh_seconds = refresh_seconds
        if api_url != self._api_url:
            self._api_url = api_url
            self._use_credentials(self._load_credentials())  # the store is the truth
        else:
            self._schedule()

    @Slot(int, object)
    def check_sign_in(self, request_id: int, form: SignInForm) -> None:
        """Try a sign-in without keeping it: the dialog's "Test connection"."""
        from zomro_tray.worker.sign_in_check import check_sign_in

        self.sign_in_checked.emit(check_sign_in(request_id, form))

    @Slot(object, str)
    def save_credentials(self, credentials: Credentials, api_url: str) -> None:
        try:
            self._secrets.save(credentials)
        except errors.ZomroError as error:
            self.credentials_saved.emit(False, _say(error))
            return
        self._api_url = api_url
        saved = _("Signed in. The sign-in is kept in the system keychain.")
        self.credentials_saved.emit(True, saved)
        self._use_credentials(credentials)

    @Slot()
    def sign_out(self) -> None:
        try:
            self._secrets.clear()
        except errors.ZomroError as error:
            log.warning("could not clear the keychain: %s", error)
        self._use_credentials(None)

    # --- internals ---------------------------------------------------------------------------

    def _load_credentials(self) -> Credentials | errors.ZomroError | None:
        self._keychain_failed = False
        if self._preset is not None:
            return self._preset
        try:
            return self._secrets.load()
        except errors.KeychainUnavailable as error:
            self._keychain_failed = True  # a retry asks the keychain again
            return error

    def _use_credentials(
        self, loaded: Credentials | errors.ZomroError | None, first_run: bool = False
    ) -> None:
        from zomro_tray.api.client import ZomroClient

        if self._client is not None:
            self._client.close()
        self._client = None
        self._pending.clear()
        self._filters, self._filters_checked = (), None  # another account, another filter
        self._forget_account()
        if isinstance(loaded, errors.ZomroError):
            self._signed_out(str(errors.NotSignedIn.because(_say(loaded))), first_run=first_run)
            return
        if loaded is None:
            self._signed_out(_("Sign in to see your servers."), first_run=first_run)
            return
        redactor.add(*loaded.secrets())
        try:
            self._client = ZomroClient(self._api_url, loaded)
        except errors.ZomroError as error:
            self._signed_out(_say(error))
            return
        self._failures = 0
        self.refresh()

    def _succeeded(self, services: tuple[Service, ...]) -> None:
        self._services = services
        self._fetched = time.monotonic()
        self.refreshes += 1
        self._failures = 0
        self._settle_pending(services)
        self._check_filters()
        self._identify()
        pending = self._pending.actions()
        # The data first, then "online": whoever reacts to the connection finds the servers.
        self.snapshot_ready.emit(Snapshot(services, datetime.now(), pending, self._filters))
        if self._connection is not Connection.ONLINE:
            restored = self._connection.retrying
            self._set_connection(Connection.ONLINE, _("Connection restored.") if restored else "")
        self.ledger.after_refresh(services)

    def _check_filters(self) -> None:
        now = time.monotonic()
        due = self._filters_checked is None or now - self._filters_checked > FILTER_CHECK_SECONDS
        if not due or self._client is None:
            return
        try:
            self._filters = tuple(self._client.active_filters())
        except errors.ZomroError as error:  # the list itself worked: try again next time
            log.info("could not read the saved list filter: %s", type(error).__name__)
            return
        self._filters_checked = now

    def _forget_account(self) -> None:
        self.ledger.forget()
        if self._account:
            self.account_changed.emit("")
        self._account = None

    def _identify(self) -> None:
        """Once per sign-in: the account's name from whoami; else the username, or the end of
        the token, so the user can tell which account the tray shows."""
        if self._account is not None or self._client is None:
            return
        credentials = self._client.credentials
        name = ""
        try:
            name = self._client.whoami()
        except errors.ZomroError as error:
            log.info("whoami failed: %s", type(error).__name__)
        if not name and credentials is not None:
            name = credentials.username or f"token …{credentials.token[-4:]}"
        name = capped(name, WHO_CHARS)  # shown in the menu and kept in the settings file
        self._account = name
        self.account_changed.emit(name)

    def _failed(self, error: errors.ZomroError) -> None:
        if self._stopping:
            return
        log.info("refresh failed: %s", type(error).__name__)  # pragma: no mutate (log words)
        if isinstance(error, errors.SignInError) and not error.transient:
            self._signed_out(_say(error))
            return
        self._failures += 1
        refused = isinstance(error, errors.ApiRefused)
        self._set_connection(Connection.REFUSED if refused else Connection.OFFLINE, _say(error))

    def _signed_out(self, message: str, first_run: bool = False) -> None:
        self._client = None
        self._pending.clear()
        self._forget_account()
        self._set_connection(Connection.SIGNED_OUT, message)
        self.sign_in_required.emit(message, first_run)

    def _set_connection(self, connection: Connection, message: str) -> None:
        changed = connection is not self._connection
        self._connection = connection
        if changed or connection.retrying:
            retrying = connection.retrying
            next_try = datetime.now() + timedelta(seconds=self._next_delay()) if retrying else None
            self.connection_changed.emit(connection, message, next_try)

    def _settle_pending(self, services: tuple[Service, ...]) -> None:
        for result in self._pending.settle(services, time.monotonic()):
            self.action_finished.emit(result)

    def _schedule(self) -> None:
        if self._timer is None or self._stopping or self._client is None:
            return
        self._timer.start(int(self._next_delay() * 1000))

    def _next_delay(self) -> float:
        if self._connection.retrying:
            step = self._timing.backoff_start * float(2 ** max(self._failures - 1, 0))
            return min(step, self._timing.backoff_cap)
        busy = self._pending or any(s.power.in_transition for s in self._services)
        return self._timing.fast if busy else self._idle_pace()

    def _idle_pace(self) -> float:
        idle = self._timing.idle
        return float(idle if idle is not None else self._refresh_seconds)

    @property
    def next_delay(self) -> float:
        """The pause before the next refresh (for tests and the status line)."""
        return self._next_delay()


def _say(error: Exception) -> str:
    """An error's sentence, every known secret masked (a server may echo a token back)."""
    return redactor.scrub(str(error))
