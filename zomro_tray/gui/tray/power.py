"""What a click on a server does, so that a stray click never shuts down a production server.

Start goes out at once (it costs nothing to take back). Shut down and reboot wait a few seconds
first: the entry says "Shutting down in 5 s — click to undo", a notification says the same, and
a second click takes it back before anything is sent. A server marked "always ask" in Settings,
or every server with "Ask before shutting down", gets a question instead, with the safe answer
as the default; once answered, it goes out at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from zomro_tray.core.model import UNDO_SECONDS, Action, ServerKey, Service, refusal
from zomro_tray.store.settings import Settings

log = logging.getLogger(__name__)


class Sender(Protocol):
    """Where an action goes out: the worker of the account that has the server."""

    def request_action(self, key: ServerKey, action: Action) -> None: ...


@dataclass(frozen=True)
class Undo:
    """What a click on "Shutting down … click to undo" is about: that server's waiting click."""

    key: ServerKey


class PowerClicks(QObject):
    #: What the entries show changed (waiting, undone, sent): render again.
    changed = Signal()
    #: A shutdown or reboot now waits for its undo time: ServerKey, Action.
    waiting_started = Signal(object, object)

    def __init__(
        self,
        backend: Sender,
        settings: Callable[[], Settings],
        services: Callable[[], Mapping[ServerKey, Service]],
        worker_pending: Callable[[], Mapping[ServerKey, Action]],
        name: Callable[[ServerKey], str],
        *,
        undo_seconds: float = UNDO_SECONDS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._backend = backend
        self._settings = settings
        self._services = services
        self._worker_pending = worker_pending
        self._name = name  # how the question names a server (its account too, when several)
        self.undo_seconds = undo_seconds
        #: Clicked, waiting for the undo time to pass; nothing sent yet.
        self.waiting: dict[ServerKey, Action] = {}
        #: Sent, not yet settled by the worker (the entry already says "Stopping…").
        self.local_pending: dict[ServerKey, Action] = {}
        self._timers: dict[ServerKey, QTimer] = {}

    def click(self, key: ServerKey, action: Action | None) -> None:
        """A click on a server's entry: ``action`` is what the entry offers (None: nothing)."""
        if key in self.waiting:
            self.undo(key)
        elif action is not None:
            self.power(key, action)

    def power(self, key: ServerKey, action: Action) -> None:
        service = self._services().get(key)
        if service is None or refusal(service, action) is not None:
            return
        if action is Action.START:
            self.send(key, action)
            return
        settings = self._settings()
        if settings.protects(key) or settings.confirm_before_stop:
            from zomro_tray.gui.dialogs import questions  # loaded when a question is first asked

            if questions.confirm_power(action, self._name(key)) and self._still_allowed(
                key, action
            ):
                self.send(key, action)  # asked and answered: no undo time on top
            return
        self._wait(key, action)

    def undo(self, key: ServerKey) -> bool:
        """Take back a shutdown or reboot that has not been sent; False if there is none."""
        timer = self._timers.pop(key, None)
        if timer is None:
            return False
        timer.stop()
        timer.deleteLater()
        action = self.waiting.pop(key)
        log.info("%s undone before it was sent", action.value)
        self.changed.emit()
        return True

    def send(self, key: ServerKey, action: Action) -> None:
        """Show the action at once, then send it; a busy server sends nothing."""
        if key in self.local_pending or key in self._worker_pending():
            return
        self.local_pending[key] = action
        self.changed.emit()
        self._backend.request_action(key, action)

    def settled(self, key: ServerKey) -> None:
        self.local_pending.pop(key, None)

    def forget(self, account: str) -> None:
        """An account signed out or was removed: nothing clicked on its servers may still go
        out (another account's waiting shutdown, even of a server with the same id, is not
        this one's to cancel)."""
        for key in [key for key in self._timers if key.account == account]:
            self.undo(key)
        for key in [key for key in self.local_pending if key.account == account]:
            self.local_pending.pop(key, None)

    def _wait(self, key: ServerKey, action: Action) -> None:
        if key in self.waiting:
            return
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.timeout.connect(lambda: self._waited(key))
        self._timers[key] = timer
        self.waiting[key] = action
        timer.start(int(self.undo_seconds * 1000))
        self.changed.emit()
        self.waiting_started.emit(key, action)

    def _waited(self, key: ServerKey) -> None:
        timer = self._timers.pop(key, None)
        if timer is not None:
            timer.deleteLater()
        action = self.waiting.pop(key, None)
        if action is None:
            return
        if self._still_allowed(key, action):
            self.send(key, action)
        else:  # it changed meanwhile (stopped elsewhere, suspended): nothing to send
            self.changed.emit()

    def _still_allowed(self, key: ServerKey, action: Action) -> bool:
        service = self._services().get(key)
        return service is not None and refusal(service, action) is None
