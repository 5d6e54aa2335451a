"""What the tray shows, made from every account's feed: the menu's sections, the icon and its
tooltip, and the window's list, status and balance.

One account looks as the app always did; with several, each has its section under its name,
the icon takes the most urgent account's state (one account in trouble shows, whatever the
others do), and the tooltip has a line per account.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from zomro_tray.account_words import account_head, accounts_tooltip, combined
from zomro_tray.gui.icons import tray_icon
from zomro_tray.gui.menu import SectionView
from zomro_tray.i18n import _
from zomro_tray.overall import Connection, Overall
from zomro_tray.presentation import ago, overall, status_line, tooltip

if TYPE_CHECKING:
    from zomro_tray.gui.feeds import AccountFeed
    from zomro_tray.gui.tray import TrayApp


class TrayView:
    def __init__(self, app: TrayApp) -> None:
        self._app = app
        #: The icon's state as last drawn (tests read it).
        self.state = Overall.LOADING

    def render(self) -> None:
        app = self._app
        feeds = list(app.feeds)
        several = len(feeds) > 1
        sections = [self._section(feed, number, several) for number, feed in enumerate(feeds, 1)]
        app.shown = [entry for feed in feeds for entry in feed.shown]
        connections = {feed.connection for feed in feeds}
        single = feeds[0] if not several else None
        app.menu.show_sections(
            sections,
            sign_in=Connection.SIGNED_OUT in connections,
            sign_out=single is not None and bool(single.who),
            offline=any(connection.retrying for connection in connections),
        )
        self.state = combined([overall(feed.shown, feed.connection) for feed in feeds])
        low = any(feed.money.low for feed in feeds)
        app.tray_host.set_icon(tray_icon(self.state, low_funds=low))
        app.tray_host.set_tooltip(self._tooltip(feeds, sections))
        if app.window is not None:
            owners = {feed.account.key: feed.tag for feed in feeds}
            app.window.show_entries(app.shown, owners)
            app.window.show_status(_lines(feeds, [s.status for s in sections]))
            money = _lines(feeds, [s.money for s in sections])
            notes = "\n\n".join(s.money_note for s in sections if s.money_note)
            app.window.show_money(money, notes, low)

    def _section(self, feed: AccountFeed, number: int, several: bool) -> SectionView:
        app = self._app
        settings = app.settings
        pending = {**feed.worker_pending, **app.power.local_pending}
        retrying = feed.connection.retrying
        last_seen = ago(feed.updated, datetime.now()) if retrying and feed.updated else ""
        feed.shown = feed.entries.entries(
            feed.services,
            settings,
            pending,
            app.power.waiting,
            last_seen,
            shows=feed.account.shows,
        )
        line = status_line(
            feed.connection, feed.updated, feed.problem, feed.filtered_by, feed.next_try
        )
        if app.demo and number == 1:
            line = _("Demo — {status}").format(status=line)
        # Several accounts: a current one's "Updated 12:04" would repeat in every section (the
        # first one keeps its line); the others say only what is wrong, or that they load.
        current = feed.connection is Connection.ONLINE and not feed.filtered_by
        quiet = several and number > 1 and current
        head = account_head(feed.account.title(number), feed.who, several)
        money = feed.money
        status = "" if quiet else line
        return SectionView(head, money.line(), money.note(), money.low, status, feed.shown)

    @staticmethod
    def _tooltip(feeds: list[AccountFeed], sections: list[SectionView]) -> str:
        if len(feeds) == 1:
            feed = feeds[0]
            return tooltip(
                feed.shown, feed.connection, feed.updated, feed.problem, feed.filtered_by
            )
        lines = []
        for feed, section in zip(feeds, sections, strict=True):
            current = feed.connection is Connection.ONLINE and feed.updated is not None
            lines.append((feed.tag, feed.shown, "" if current else section.status))
        return accounts_tooltip(lines)


def _lines(feeds: list[AccountFeed], texts: list[str]) -> str:
    """One account's text as it is; several accounts' each on a line under its name."""
    if len(feeds) == 1:
        return texts[0]
    return "\n".join(f"{feed.tag}: {text}" for feed, text in zip(feeds, texts, strict=True) if text)
