"""What the tray shows, made from every account's feed: the menu's sections, the icon and its
tooltip, and the window's list, status and balance.

One account looks as the app always did; with several, each has its section under its name,
the icon takes the most urgent account's state (one account in trouble shows, whatever the
others do), and the tooltip has a line per account.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from zomro_tray.core.model import Action, ServerKey
from zomro_tray.core.overall import Connection, Overall
from zomro_tray.display.account_words import account_head, accounts_tooltip, combined
from zomro_tray.display.presentation import Entry, ago, overall, status_line, tooltip
from zomro_tray.gui.paint.icons import tray_icon
from zomro_tray.gui.tray.menu import SectionView
from zomro_tray.i18n import _

if TYPE_CHECKING:
    from zomro_tray.gui.accounts.feeds import AccountFeed
    from zomro_tray.gui.tray.menu import TrayMenu
    from zomro_tray.gui.tray.tray_host import TrayHost
    from zomro_tray.gui.window.window import ServerWindow
    from zomro_tray.store.settings import Settings


@dataclass(frozen=True)
class Clicks:
    """The clicks the app holds that no worker has yet: sent from here, or waiting for the
    undo time (power.py owns both)."""

    pending: Mapping[ServerKey, Action]
    waiting: Mapping[ServerKey, Action]


@dataclass(frozen=True)
class Shown:
    """What one render put on screen: each account's entries (by its key), and all of them in
    the menu's order. The app keeps it; the view keeps nothing of the app's."""

    by_account: dict[str, list[Entry]]
    entries: list[Entry]


class TrayView:
    """Draws the menu, the icon, its tooltip and the window from what it is given; reads the
    feeds, writes nothing but the widgets it was handed."""

    def __init__(
        self, menu: TrayMenu, tray_host: TrayHost, window: Callable[[], ServerWindow | None]
    ) -> None:
        self._menu, self._tray_host, self._window = menu, tray_host, window
        #: The icon's state as last drawn (tests read it).
        self.state = Overall.LOADING

    def render(
        self, feeds: list[AccountFeed], settings: Settings, clicks: Clicks, demo: bool
    ) -> Shown:
        several = len(feeds) > 1
        by_account = {feed.account.key: self._entries(feed, settings, clicks) for feed in feeds}
        sections = [
            self._section(feed, by_account[feed.account.key], number, several, demo)
            for number, feed in enumerate(feeds, 1)
        ]
        shown = [entry for feed in feeds for entry in by_account[feed.account.key]]
        connections = {feed.connection for feed in feeds}
        single = feeds[0] if not several else None
        self._menu.show_sections(
            sections,
            sign_in=Connection.SIGNED_OUT in connections,
            sign_out=single is not None and bool(single.who),
            offline=any(connection.retrying for connection in connections),
        )
        self.state = combined(
            [overall(by_account[feed.account.key], feed.connection) for feed in feeds]
        )
        low = any(feed.money.low for feed in feeds)
        self._tray_host.set_icon(tray_icon(self.state, low_funds=low))
        self._tray_host.set_tooltip(self._tooltip(feeds, by_account, sections))
        window = self._window()
        if window is not None:
            owners = {feed.account.key: feed.tag for feed in feeds}
            window.show_entries(shown, owners)
            window.show_status(_lines(feeds, [s.status for s in sections]))
            money = _lines(feeds, [s.money for s in sections])
            notes = "\n\n".join(s.money_note for s in sections if s.money_note)
            window.show_money(money, notes, low)
        return Shown(by_account, shown)

    @staticmethod
    def _entries(feed: AccountFeed, settings: Settings, clicks: Clicks) -> list[Entry]:
        pending = {**feed.worker_pending, **clicks.pending}
        retrying = feed.connection.retrying
        last_seen = ago(feed.updated, datetime.now()) if retrying and feed.updated else ""
        return feed.entries.entries(
            feed.services,
            settings,
            pending,
            clicks.waiting,
            last_seen,
            shows=feed.account.shows,
        )

    @staticmethod
    def _section(
        feed: AccountFeed, shown: list[Entry], number: int, several: bool, demo: bool
    ) -> SectionView:
        line = status_line(
            feed.connection, feed.updated, feed.problem, feed.filtered_by, feed.next_try
        )
        if demo and number == 1:
            line = _("Demo — {status}").format(status=line)
        # Several accounts: a current one's "Updated 12:04" would repeat in every section (the
        # first one keeps its line); the others say only what is wrong, or that they load.
        current = feed.connection is Connection.ONLINE and not feed.filtered_by
        quiet = several and number > 1 and current
        head = account_head(feed.account.title(number), feed.who, several)
        money = feed.money
        status = "" if quiet else line
        return SectionView(head, money.line(), money.note(), money.low, status, shown)

    @staticmethod
    def _tooltip(
        feeds: list[AccountFeed], by_account: dict[str, list[Entry]], sections: list[SectionView]
    ) -> str:
        if len(feeds) == 1:
            feed = feeds[0]
            shown = by_account[feed.account.key]
            return tooltip(shown, feed.connection, feed.updated, feed.problem, feed.filtered_by)
        lines = []
        for feed, section in zip(feeds, sections, strict=True):
            current = feed.connection is Connection.ONLINE and feed.updated is not None
            lines.append(
                (feed.tag, by_account[feed.account.key], "" if current else section.status)
            )
        return accounts_tooltip(lines)


def _lines(feeds: list[AccountFeed], texts: list[str]) -> str:
    """One account's text as it is; several accounts' each on a line under its name."""
    if len(feeds) == 1:
        return texts[0]
    return "\n".join(f"{feed.tag}: {text}" for feed, text in zip(feeds, texts, strict=True) if text)
