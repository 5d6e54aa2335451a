"""The money on screen: the balance line in the menu and the window, the icon's low-balance
cue, and the two money notifications (the runway fell under the threshold; Zomro suspended
servers for non-payment), each given once, not at every refresh (money.RunwayAlarm)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Signal

from zomro_tray.i18n import _
from zomro_tray.store.settings import NotificationKind, Settings

if TYPE_CHECKING:  # money.py loads with the first balance, after the icon is shown
    from zomro_tray.core.money import Runway, RunwayAlarm


class Notify(Protocol):
    def __call__(
        self, kind: NotificationKind, title: str, message: str, *, warning: bool = False
    ) -> None: ...


class MoneyView(QObject):
    #: The low-balance cue went on or off: the icon is drawn again.
    changed = Signal()

    def __init__(
        self, settings: Callable[[], Settings], notify: Notify, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._notify = notify
        self.runway: Runway | None = None
        self._alarm: RunwayAlarm | None = None  # made with the first runway

    def on_money(self, runway: Runway) -> None:
        """From the worker, after each refresh (the balance itself is read less often)."""
        from zomro_tray.core.money import RunwayAlarm, low_warning, unpaid_warning

        before = (self.line(), self.note(), self.low)
        self.runway = runway
        self._alarm = self._alarm or RunwayAlarm()
        self._alarm.warning_days = self._settings().runway_warning_days
        if self._alarm.low(runway):
            title = _("Balance running low")
            self._notify(NotificationKind.MONEY, title, low_warning(runway), warning=True)
        unpaid = self._alarm.newly_unpaid(runway)
        if unpaid:
            title = _("Suspended for non-payment")
            self._notify(NotificationKind.MONEY, title, unpaid_warning(unpaid), warning=True)
        if (self.line(), self.note(), self.low) != before:  # most refreshes change nothing
            self.changed.emit()

    def forget(self) -> None:
        """Signed out, or another account: its balance must not stay on screen."""
        self.runway = None
        self._alarm = None
        self.changed.emit()

    @property
    def low(self) -> bool:
        """The runway is under the user's threshold, or servers are suspended for non-payment."""
        runway = self.runway
        if runway is None:
            return False
        return bool(runway.unpaid) or runway.below(self._settings().runway_warning_days)

    def line(self) -> str:
        """ "" until the first balance read (or when signed out): no line rather than a guess."""
        from zomro_tray.core.money import Unavailable, money_line

        if self.runway is None or self.runway.funds.unavailable_because is Unavailable.NOT_READ:
            return ""
        return money_line(self.runway)

    def note(self) -> str:
        """The line's tooltip: how Zomro charges, and what the figure leaves out."""
        runway = self.runway
        if runway is None or not self.line():
            return ""
        from zomro_tray.core.money import unpaid_warning, unpriced_note

        how = _(
            "Zomro charges each server once a day, 24 hours in advance, stopped servers "
            "too. When a daily charge cannot be paid, Zomro suspends the servers."
        )
        unpaid = unpaid_warning(runway.unpaid) if runway.unpaid else ""
        return "\n".join(part for part in (unpaid, how, unpriced_note(runway)) if part)
