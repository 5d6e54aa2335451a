"""The worker's thread, and the GUI's one door to it.

The worker lives in a ``QThread`` of its own and blocks on the network there. Every command
from the GUI goes to it as a queued signal (so it runs in the worker's thread, after whatever it
is doing); its answers come back as the worker's own signals, connected through ``worker``.
"""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QObject, QThread, QTimer, Signal, SignalInstance

from zomro_tray.core.credentials import Credentials
from zomro_tray.core.model import Action, ServerKey
from zomro_tray.worker.contract import SignInForm, WorkerSetup
from zomro_tray.worker.worker import Worker

log = logging.getLogger(__name__)

#: How long quitting waits for the worker, even with a request in flight (it is aborted).
QUIT_WAIT_MS = 1_000


class WorkerHost(QObject):
    # Commands, queued into the worker's thread. action_requested is public: the soak counts it.
    _refresh = Signal()
    _menu_opened = Signal()
    action_requested = Signal(object, object)  # ServerKey, Action
    _apply_settings = Signal(str, int)
    _check_sign_in = Signal(int, object)
    _save_credentials = Signal(object, str)
    _sign_out = Signal()
    _network_back = Signal()
    _watch = Signal(str, int)
    _shutdown = Signal()
    _retire = Signal()

    def __init__(self, setup: WorkerSetup, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName("zomro-worker")
        self._stopped = False
        self.worker = Worker(setup)
        self.worker.moveToThread(self._thread)
        w = self.worker
        self._refresh.connect(w.refresh)
        self._menu_opened.connect(w.menu_opened)
        self.action_requested.connect(w.request_action)
        self._apply_settings.connect(w.apply_settings)
        self._check_sign_in.connect(w.check_sign_in)
        self._save_credentials.connect(w.save_credentials)
        self._sign_out.connect(w.sign_out)
        self._network_back.connect(w.network_back)
        self._shutdown.connect(w.shutdown)
        self._retire.connect(w.retire)
        self._watch.connect(w.ledger.watch)

    def start(self) -> None:
        """Start the thread once the event loop runs: the worker's first job imports the HTTP
        stack, and started later it does not compete with the icon for the interpreter lock."""
        self._thread.started.connect(self.worker.setup)
        QTimer.singleShot(0, self, self._start_thread)
        QTimer.singleShot(0, self, self._watch_network)

    def _watch_network(self) -> None:
        """Where the system reports reachability (NetworkManager or GLib, macOS), a network
        that comes back is retried at once; elsewhere the back-off (a minute at most) and
        Retry now do it. Not on Windows: its Network List Manager backend is a COM call on
        this, the GUI, thread, and under Wine it never returned (the tray's menu never opened);
        untried on a real Windows, so not risked there either."""
        if sys.platform == "win32":
            return
        from PySide6.QtNetwork import QNetworkInformation

        if not QNetworkInformation.loadDefaultBackend():
            return
        information = QNetworkInformation.instance()
        if information is not None:
            information.reachabilityChanged.connect(self._reachability_changed)

    def _reachability_changed(self, reachability: object) -> None:
        from PySide6.QtNetwork import QNetworkInformation

        if reachability == QNetworkInformation.Reachability.Online:
            log.info("the network is back: retrying now")
            self._network_back.emit()

    def _start_thread(self) -> None:
        if not self._stopped:  # quit before the event loop ran: never start at all
            self._thread.start()

    def stop(self) -> None:
        """Within a second, even with a request in flight: it is aborted, then the thread ends."""
        self._stopped = True
        self.worker.abort()
        self._shutdown.emit()
        self._thread.quit()
        if not self._thread.wait(QUIT_WAIT_MS):
            log.warning("the worker did not stop within %d ms", QUIT_WAIT_MS)

    def retire(self) -> None:
        """The account was removed: its worker forgets the sign-in in the keychain and ends
        its thread by itself (:meth:`stop` at quit still waits for it)."""
        self._stopped = True
        if self._thread.isRunning():
            self._retire.emit()

    def is_running(self) -> bool:
        return self._thread.isRunning()

    # --- commands ----------------------------------------------------------------------------

    def refresh(self) -> None:
        self._refresh.emit()

    def menu_opened(self) -> None:
        """The worker refreshes if what the menu shows is stale."""
        self._menu_opened.emit()

    def request_action(self, key: ServerKey, action: Action) -> None:
        self.action_requested.emit(key, action)

    def apply_settings(self, api_url: str, refresh_seconds: int) -> None:
        self._apply_settings.emit(api_url, refresh_seconds)

    def check_sign_in(self, request_id: int, form: SignInForm) -> None:
        self._check_sign_in.emit(request_id, form)

    def save_credentials(self, credentials: Credentials, api_url: str) -> None:
        self._save_credentials.emit(credentials, api_url)

    def sign_out(self) -> None:
        """Forget the stored sign-in (the keychain entry) and stop refreshing."""
        self._sign_out.emit()

    @property
    def story_ready(self) -> SignalInstance:
        """A server's story (details.Story), read for the window (see watch)."""
        return self.worker.ledger.story_ready

    def watch(self, service_id: str, hours: int) -> None:
        """The window shows this server's details ("" for none): the worker reads them."""
        self._watch.emit(service_id, hours)
