"""What a click on a server does, so that a stray click never shuts down a production server.

Start goes out at once (it costs nothing to take back). Shut down and reboot wait a few seconds
first: the entry says "Shutting down in 5 s — click to undo", a notification says the same, and
a second click takes it back before anything is sent. A server marked "always ask" in Settings,
or every server with "Ask before shutting down", gets a question instead, with the safe answer
as the default; once answered, it goes out at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from zomro_tray.model import Action, Service, refusal
from zomro_tray.presentation import UNDO_SECONDS
from zomro_tray.settings import Settings

log = logging.getLogger(__name__)


class Sender(Protocol):
    """Where an action goes out: the worker of the account that has the server."""

    def request_action(self, service_id: str, action: Action) -> None: ...


class PowerClicks(QObject):
    #: What the entries show changed (waiting, undone, sent): render again.
    changed = Signal()
    #: A shutdown or reboot now waits for its undo time: service id, Action.
    waiting_started = Signal(str, object)

    def __init__(
        self,
        backend: Sender,
        settings: Callable[[], Settings],
        services: Callable[[], Mapping[str, Service]],
        worker_pending: Callable[[], Mapping[str, Action]],
        *,
        undo_seconds: float = UNDO_SECONDS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._backend = backend
        self._settings = settings
        self._services = services
        self._worker_pending = worker_pending
        self.undo_seconds = undo_seconds
        #: Clicked, waiting for the undo time to pass; nothing sent yet.
        self.waiting: dict[str, Action] = {}
        #: Sent, not yet settled by the worker (the entry already says "Stopping…").
        self.local_pending: dict[str, Action] = {}
        self._timers: dict[str, QTimer] = {}

    def click(self, service_id: str, action: Action | None) -> None:
        """A click on a server's entry: ``action`` is what the entry offers (None: nothing)."""
        if service_id in self.waiting:
            self.undo(service_id)
        elif action is not None:
            self.power(service_id, action)

    def power(self, service_id: str, action: Action) -> None:
        service = self._services().get(service_id)
        if service is None or refusal(service, action) is not None:
            return
        if action is Action.START:
            self.send(service_id, action)
            return
        settings = self._settings()
        if settings.protects(service_id) or settings.confirm_before_stop:
            from zomro_tray.gui import dialogs  # loaded when a question is first asked

            name = settings.display_name(service_id, service.name)
            if dialogs.confirm_power(action, name) and self._still_allowed(service_id, action):
                self.send(service_id, action)  # asked and answered: no undo time on top
            return
        self._wait(service_id, action)

    def undo(self, service_id: str) -> bool:
        """Take back a shutdown or reboot that has not been sent; False if there is none."""
        timer = self._timers.pop(service_id, None)
        if timer is None:
            return False
        timer.stop()
        timer.deleteLater()
        action = self.waiting.pop(service_id)
        log.info("%s undone before it was sent", action.value)
        self.changed.emit()
        return True

    def send(self, service_id: str, action: Action) -> None:
        """Show the action at once, then send it; a busy server sends nothing."""
        if service_id in self.local_pending or service_id in self._worker_pending():
            return
        self.local_pending[service_id] = action
        self.changed.emit()
        self._backend.request_action(service_id, action)

    def settled(self, service_id: str) -> None:
        self.local_pending.pop(service_id, None)

    def forget(self, service_ids: Collection[str]) -> None:
        """An account signed out: nothing clicked on its servers may still go out (another
        account's waiting shutdown is not this one's to cancel)."""
        for service_id in [sid for sid in self._timers if sid in service_ids]:
            self.undo(service_id)
        for service_id in service_ids:
            self.local_pending.pop(service_id, None)

    def _wait(self, service_id: str, action: Action) -> None:
        if service_id in self.waiting:
            return
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.timeout.connect(lambda: self._waited(service_id))
        self._timers[service_id] = timer
        self.waiting[service_id] = action
        timer.start(int(self.undo_seconds * 1000))
        self.changed.emit()
        self.waiting_started.emit(service_id, action)

    def _waited(self, service_id: str) -> None:
        timer = self._timers.pop(service_id, None)
        if timer is not None:
            timer.deleteLater()
        action = self.waiting.pop(service_id, None)
        if action is None:
            return
        if self._still_allowed(service_id, action):
            self.send(service_id, action)
        else:  # it changed meanwhile (stopped elsewhere, suspended): nothing to send
            self.changed.emit()

    def _still_allowed(self, service_id: str, action: Action) -> bool:
        service = self._services().get(service_id)
        return service is not None and refusal(service, action) is None
