"""The start, stop and reboot requests still under way, and when each counts as finished.

The worker sends an action, then watches the following refreshes: the action is done when the
server reaches its target (a reboot only once it was seen rebooting), failed when it settles
anywhere else, and reported as too late after ``Timing.action_timeout``.
"""

from __future__ import annotations

from dataclasses import dataclass

from zomro_tray.core.model import Action, ActionProgress, ServerKey, Service, action_progress
from zomro_tray.display.presentation import power_words
from zomro_tray.i18n import _
from zomro_tray.worker.contract import ActionResult, Timing


@dataclass
class _Pending:
    action: Action
    requested: float
    seen_transition: bool = False


class PendingActions:
    """One account's actions under way, by server id (the worker's account is implied; what
    leaves it is keyed by :class:`ServerKey`)."""

    def __init__(self, timing: Timing, account: str = "") -> None:
        self._timing = timing
        self._account = account
        self._items: dict[str, _Pending] = {}

    def __contains__(self, service_id: object) -> bool:
        return service_id in self._items

    def __bool__(self) -> bool:
        return bool(self._items)

    def add(self, service_id: str, action: Action, now: float) -> None:
        self._items[service_id] = _Pending(action, now)

    def clear(self) -> None:
        self._items.clear()

    def actions(self) -> dict[ServerKey, Action]:
        return {ServerKey(self._account, sid): p.action for sid, p in self._items.items()}

    def settle(self, services: tuple[Service, ...], now: float) -> list[ActionResult]:
        """The actions this refresh finished (removed from the pending ones)."""
        by_id = {s.id: s for s in services}
        finished = []
        for service_id, pending in list(self._items.items()):
            outcome = self._outcome(by_id.get(service_id), pending, now)
            if outcome is not None:
                del self._items[service_id]
                key = ServerKey(self._account, service_id)
                finished.append(ActionResult(key, pending.action, *outcome))
        return finished

    def _outcome(
        self, service: Service | None, pending: _Pending, now: float
    ) -> tuple[bool, str] | None:
        """None while the action is still under way; else (ok, sentence)."""
        action = pending.action
        if service is None:
            return False, _("The server disappeared from the account.")
        waited = now - pending.requested
        progress = action_progress(
            action,
            service.power,
            seen_transition=pending.seen_transition,
            waited_enough=waited > 2 * self._timing.fast,
        )
        pending.seen_transition = pending.seen_transition or service.power.in_transition
        if progress is ActionProgress.DONE:
            return True, action.done(service.name)
        if progress is ActionProgress.FAILED:
            return False, action.not_done(service.name, power_words(service.power))
        if waited > self._timing.action_timeout:
            return False, action.too_late(service.name)
        return None
