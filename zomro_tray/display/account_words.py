"""What the tray says of its accounts when there are several: each section's first line, the
icon's one state over all of them, and the tooltip's line per account.

Apart from :mod:`zomro_tray.display.presentation`, which says what one account's servers are doing.
"""

from __future__ import annotations

from collections.abc import Sequence

from zomro_tray.core.overall import Overall
from zomro_tray.display.presentation import Entry, elide, summary
from zomro_tray.i18n import _


def combined(states: Sequence[Overall]) -> Overall:
    """The icon's state over several accounts: the most urgent one's (loading only while every
    account still is), so one account in trouble shows, whatever the others do."""
    known: list[Overall] = [s for s in states if s is not Overall.LOADING]
    return min(known, key=_URGENCY.index) if known else Overall.LOADING


_URGENCY = [
    Overall.PROBLEM,
    Overall.IN_PROGRESS,
    Overall.SOME_STOPPED,
    Overall.ALL_RUNNING,
    Overall.LOADING,
]


def account_head(title: str, who: str, several: bool) -> str:
    """An account's first line in the menu: who is signed in; with several accounts, which
    account this section is ("" hides the line: one account, nobody signed in)."""
    if not several:
        return _("Signed in as {account}").format(account=elide(who)) if who else ""
    if who and who != title:
        return _("{label} — signed in as {account}").format(label=elide(title), account=elide(who))
    return elide(title)


def accounts_tooltip(lines: Sequence[tuple[str, Sequence[Entry], str]]) -> str:
    """The icon's tooltip over several accounts: one line each, its title, then its counts
    while it is current ("" for status), else its status line (offline, sign-in needed)."""
    parts = ["zomro-tray"]
    for title, shown, status in lines:
        parts.append(f"{elide(title)}: {status or summary(shown) or _('no servers')}")
    return "\n".join(parts)
