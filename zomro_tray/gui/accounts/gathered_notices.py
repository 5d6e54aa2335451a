"""The same notice from several accounts at once, told once: "3 accounts cannot reach Zomro".

When the network drops, every account's worker finds out, each at its own next refresh; with
a notification each, a person with many accounts would get a stack of identical ones (with 300
accounts, 207 of them). Notices of one situation that arrive close together are held for a
moment, then told as one that counts the accounts and names them; a notice alone is told as it
came, naming its account. Until every account told of has left the situation (it is back
online, or signed in), more accounts joining it are not told again: the menu shows each.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import QElapsedTimer, QObject, QTimer

from zomro_tray.core.overall import Connection
from zomro_tray.i18n import _, ngettext
from zomro_tray.store.settings import NotificationKind

#: How long a notice waits for others like it: each one that comes starts the wait again (the
#: workers of one outage answer within a moment of each other), but no notice waits longer
#: than MAX_GATHER_MS.
GATHER_MS = 1500
MAX_GATHER_MS = 6000
#: Accounts named in a gathered notice; the rest are counted.
MAX_NAMES = 5


class Situation(enum.Enum):
    """What several accounts can have in common, each with its notification's kind."""

    OFFLINE = "offline"
    REFUSED = "refused"
    BACK_ONLINE = "back online"
    SIGN_IN = "sign in"

    @classmethod
    def of(cls, connection: Connection) -> Situation:
        """A connection that is being retried: refused by Zomro, or Zomro not answering."""
        return cls.REFUSED if connection is Connection.REFUSED else cls.OFFLINE

    @property
    def kind(self) -> NotificationKind:
        return (
            NotificationKind.SIGN_IN if self is Situation.SIGN_IN else NotificationKind.CONNECTION
        )

    @property
    def warning(self) -> bool:
        return self is not Situation.BACK_ONLINE

    def title(self) -> str:
        """One account's notice, as it always read."""
        return {
            Situation.OFFLINE: lambda: _("Zomro cannot be reached"),
            Situation.REFUSED: lambda: _("Zomro refused"),
            Situation.BACK_ONLINE: lambda: _("Back online"),
            Situation.SIGN_IN: lambda: _("Sign-in needed"),
        }[self]()

    def gathered_title(self, count: int) -> str:
        """Several accounts' notices in one."""
        if self is Situation.OFFLINE:
            text = ngettext(
                "{count} account cannot reach Zomro", "{count} accounts cannot reach Zomro", count
            )
        elif self is Situation.REFUSED:
            text = ngettext(
                "Zomro refused {count} account", "Zomro refused {count} accounts", count
            )
        elif self is Situation.BACK_ONLINE:
            text = ngettext(
                "{count} account is back online", "{count} accounts are back online", count
            )
        else:
            text = ngettext(
                "{count} account needs signing in", "{count} accounts need signing in", count
            )
        return text.format(count=count)


class Notify(Protocol):
    """The app's notify: a kind, a title, a message, and whether it is a warning."""

    def __call__(
        self, kind: NotificationKind, title: str, message: str, *, warning: bool = ...
    ) -> None: ...


@dataclass(frozen=True)
class _Held:
    account: str  # its key
    name: str  # as the menu shows it
    send_alone: Callable[[], None]  # the notice as one account's, naming it


class GatheredNotices(QObject):
    def __init__(self, notify: Notify, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._notify = notify  # the app's
        self._held: dict[Situation, list[_Held]] = {}
        #: Accounts told of (or taken in silently) per situation, until each leaves it.
        self._open: dict[Situation, set[str]] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.flush)
        self._first_held = QElapsedTimer()

    def add(
        self, situation: Situation, account: str, name: str, send_alone: Callable[[], None]
    ) -> None:
        """One account's notice (by its key, and its name): held a moment, in case others of
        the same kind follow; not told at all while others' notice of it is still true."""
        told = self._open.get(situation)
        if told:
            told.add(account)  # the same outage: its own section in the menu says so
            return
        held = self._held.setdefault(situation, [])
        if any(h.account == account for h in held):
            return  # that account said it already: the latest moment's notice is the same
        held.append(_Held(account, name, send_alone))
        if not self._timer.isActive():
            self._first_held.start()
        waited = self._first_held.elapsed()
        self._timer.start(max(min(GATHER_MS, MAX_GATHER_MS - waited), 0))

    def left(self, account: str, *situations: Situation) -> None:
        """That account is out of these situations (back online, signed in): once every
        account told of one is out, a new notice of it is told again."""
        for situation in situations:
            self._open.get(situation, set()).discard(account)
            held = self._held.get(situation, [])
            self._held[situation] = [h for h in held if h.account != account]

    def flush(self) -> None:
        """Tell what is held: alone as it came, several as one."""
        held, self._held = self._held, {}
        for situation, notices in held.items():
            if not notices:
                continue
            if situation is not Situation.BACK_ONLINE:
                self._open.setdefault(situation, set()).update(n.account for n in notices)
            if len(notices) == 1:
                notices[0].send_alone()
                continue
            names = [n.name for n in notices[:MAX_NAMES]]
            rest = len(notices) - len(names)
            listed = ", ".join(names)
            if rest:
                more = ngettext("and {count} more", "and {count} more", rest).format(count=rest)
                listed = f"{listed} {more}"
            title = situation.gathered_title(len(notices))
            self._notify(situation.kind, title, listed, warning=situation.warning)
