"""What the tray shows, decided without Qt: words, colours, what is clickable, what changed.

The views only copy these values into widgets; keeping the decisions here makes them testable
in plain Python and keeps the menu, the fallback window and the tooltip consistent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from zomro_tray.core.model import (
    UNDO_SECONDS,
    Action,
    PowerState,
    ServerKey,
    Service,
    allows,
    refusal,
)
from zomro_tray.core.overall import Connection, Overall, loading_tooltip
from zomro_tray.i18n import _, clock, ngettext, pgettext
from zomro_tray.store.settings import Settings

if TYPE_CHECKING:  # only named in annotations: the icon does not wait for it
    from datetime import datetime

#: Zomro's customer control panel (its address is not in the API notes: one place to fix it).
CONTROL_PANEL_URL = "https://cp.zomro.com/"
#: Longer names are cut in the menu (the full name is in the tooltip): a menu never leaves
#: the screen because a server is called something very long.
MAX_NAME = 60
#: A status line or message longer than this is cut in the menu (the whole text is in the
#: tooltip and the window): a long error must not make the menu 700 px wide.
MAX_LINE = 70
#: More servers than this and the menu lists these, then "Show all N servers…" (the window).
MAX_MENU_SERVERS = 15


def power_words(state: PowerState) -> str:
    """A power state as the menu names it (looked up each time: the language can change)."""
    return _STATE_WORDS[state]()


#: Each state's words, translated only when asked for (a refresh of 1,000 servers asks 1,000
#: times: one lookup each, not nine).
_STATE_WORDS: dict[PowerState, Callable[[], str]] = {
    PowerState.ACTIVE: lambda: pgettext("state", "Running"),
    PowerState.STOPPED: lambda: pgettext("state", "Stopped"),
    PowerState.STARTING: lambda: pgettext("state", "Starting…"),
    PowerState.STOPPING: lambda: pgettext("state", "Stopping…"),
    PowerState.REBOOTING: lambda: pgettext("state", "Rebooting…"),
    PowerState.BUSY: lambda: pgettext("state", "Busy…"),
    PowerState.SUSPENDED: lambda: pgettext("state", "Suspended by Zomro"),
    PowerState.ERROR: lambda: pgettext("state", "Error"),
    PowerState.UNKNOWN: lambda: pgettext("state", "Unknown"),
}


@dataclass(frozen=True)
class Entry:
    """One server line of the menu."""

    key: ServerKey  # its account and id: what a click on it names
    name: str  # the alias, or the server's name
    words: str  # "Running", "Stopping…", "Unknown: hibernating"
    state: PowerState  # drives the dot's colour and shape
    enabled: bool
    #: The whole tooltip where a click sends no power action (an undo, offline); else "".
    notice: str
    click_action: Action | None  # what a click does: start, stop, or nothing
    ip: str
    can_reboot: bool = False
    #: A shutdown or reboot is waiting to be sent: a click takes it back.
    undo: bool = False
    ip_v6: str = ""
    #: Why nothing can be done to the server now (its tooltip says so).
    reason: str = ""
    #: The server itself, for the window's details (not compared: the menu diffs the rest).
    service: Service | None = field(default=None, compare=False, repr=False)

    @property
    def tooltip(self) -> str:
        """Made when read: a refresh makes an entry for every server, and at a thousand of
        them the menu shows fifteen tooltips, the window one (the pointer's)."""
        if self.notice or self.service is None:
            return self.notice
        return _tooltip(self.service, self.name, self.click_action, self.reason)

    @property
    def label(self) -> str:
        # Translators: a server's line in the menu: its name, then its state.
        return _("{name} — {state}").format(name=elide(self.name), state=self.words)


def elide(name: str, limit: int = MAX_NAME) -> str:
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def ago(then: datetime, now: datetime) -> str:
    """How old the data is, as people say it: "just now", "3 min ago", "2 h ago"."""
    minutes = int((now - then).total_seconds() // 60)
    if minutes < 1:
        return _("just now")
    if minutes < 60:
        return ngettext("{count} min ago", "{count} min ago", minutes).format(count=minutes)
    hours = minutes // 60
    return ngettext("{count} h ago", "{count} h ago", hours).format(count=hours)


def action_title(action: Action, ok: bool, name: str) -> str:
    """A notification's title for a finished action: "web-1 stopped", "Could not stop web-1"."""
    return action.done(name) if ok else action.failed(name)


def waiting_title(action: Action, name: str) -> str:
    """The notification of a click that waits: "Shutting down web-1"."""
    text = action.pick(_("Starting {name}"), _("Shutting down {name}"), _("Rebooting {name}"))
    return text.format(name=name)


def _waiting_words(action: Action) -> str:
    text = action.pick(
        _("Starting in {seconds} s — click to undo"),
        _("Shutting down in {seconds} s — click to undo"),
        _("Rebooting in {seconds} s — click to undo"),
    )
    return text.format(seconds=UNDO_SECONDS)


def state_words(service: Service) -> str:
    words = power_words(service.power)
    if service.power is PowerState.UNKNOWN and service.status_detail:
        return _("Unknown: {status}").format(status=service.status_detail)
    if service.power is PowerState.SUSPENDED and service.suspend_reason:
        # Translators: "Suspended by Zomro (unpaid)".
        return _("{state} ({reason})").format(state=words, reason=_(service.suspend_reason))
    if service.power is PowerState.BUSY and service.raw_status:
        return _("Busy: {status}…").format(status=service.raw_status.replace("_", " "))
    return words


def entry_for(
    service: Service,
    settings: Settings,
    pending: Action | None,
    waiting: Action | None = None,
    last_seen: str = "",
) -> Entry:
    """One server's line. ``waiting``: an action clicked but not sent yet (it can be undone);
    ``last_seen``: Zomro is not answering, so this is how old the state is and nothing can be
    done until it answers."""
    name = settings.display_name(service.key, service.name)
    if waiting is not None:
        words = _waiting_words(waiting)
        hint = _("Nothing has been sent yet: click to keep the server as it is.")
        return _without_power(service, name, words, hint, undo=True)
    if last_seen:
        words = _("{state} (last seen {ago})").format(state=state_words(service), ago=last_seen)
        hint = _("Zomro is not answering: this is the last known state. Actions wait for it.")
        return _without_power(service, name, words, hint, undo=False)
    state = service.power
    if pending is not None and not state.in_transition and state is not pending.target:
        state = pending.pending_state  # the click is answered at once, before the API catches up
    words = (
        pending.progress_word
        if pending is not None and state is not service.power
        else state_words(service)
    )
    click: Action | None = None
    reason = ""
    if pending is None:
        # At most one of the two is allowed (Start wants a stopped server, Shut down refuses
        # one): asking Shut down first answers a running server, most of them, in one go.
        click = next((a for a in (Action.STOP, Action.START) if allows(service, a)), None)
        if click is None:  # say why, in the words for what the server would need
            wanted = Action.STOP if service.power is PowerState.ACTIVE else Action.START
            reason = refusal(service, wanted) or ""
    return Entry(
        key=service.key,
        name=name,
        words=words,
        state=state,
        enabled=click is not None,
        notice="",
        click_action=click,
        ip=service.ip,
        ip_v6=service.ip_v6,
        can_reboot=pending is None and allows(service, Action.REBOOT),
        reason=reason,
        service=service,
    )


def _without_power(service: Service, name: str, words: str, hint: str, *, undo: bool) -> Entry:
    """An entry whose click sends nothing: an undo that waits (clickable), or offline (not)."""
    return Entry(
        key=service.key,
        name=name,
        words=words,
        state=service.power,
        enabled=undo,
        notice=hint,
        click_action=None,
        ip=service.ip,
        ip_v6=service.ip_v6,
        undo=undo,
        service=service,
    )


def _tooltip(service: Service, name: str, click: Action | None, reason: str) -> str:
    """Our own sentence first: Qt reads a tooltip as rich text only if its first line looks
    like markup, and server text (a name, an address) never stands there."""
    from zomro_tray.core.money import cost_words, stop_keeps_charging  # after the icon, not before

    if click is Action.START:
        hint = _("Click to start this server.")
    elif click is Action.STOP:
        hint = _("Click to shut this server down.") + "\n" + stop_keeps_charging()
    else:
        hint = _("Nothing to do from here now.")
    facts = (service.ip, service.datacenter, service.plan, service.os, cost_words(service))
    details = [d for d in facts if d]
    lines = [hint, name] if elide(name) != name else [hint]
    if reason:
        lines.append(reason)
    return "\n".join([*lines, " · ".join(details)] if details else lines)


def overall(shown: Sequence[Entry], connection: Connection) -> Overall:
    if connection.retrying or connection is Connection.SIGNED_OUT:
        return Overall.PROBLEM
    if connection is Connection.STARTING:
        return Overall.LOADING
    states = [e.state for e in shown]
    if any(s is PowerState.ERROR for s in states):
        return Overall.PROBLEM
    if any(s.in_transition for s in states):
        return Overall.IN_PROGRESS
    # Suspended servers are shown their own way (greyed, with the reason): the user cannot
    # start them, so they alone do not make the icon say "some stopped".
    if any(s in (PowerState.STOPPED, PowerState.UNKNOWN) for s in states):
        return Overall.SOME_STOPPED
    return Overall.ALL_RUNNING


def tooltip(
    shown: Sequence[Entry],
    connection: Connection,
    updated: datetime | None,
    problem: str = "",
    filtered_by: Sequence[str] = (),
) -> str:
    """E.g. "zomro-tray: 3 running · 1 stopped — updated 12:04"."""
    if connection is Connection.SIGNED_OUT:
        return (_("zomro-tray: sign-in needed.") + "\n" + problem).strip()
    if connection is Connection.STARTING:
        return loading_tooltip()
    counted = summary(shown)
    if updated:
        line = _("zomro-tray: {summary} — updated {time}").format(
            summary=counted or _("no servers"), time=clock(updated, seconds=False)
        )
    else:
        line = _("zomro-tray: {summary}").format(summary=counted or _("no servers"))
    if connection.retrying and problem:
        return f"{line}\n{problem}"
    if filtered_by:
        return f"{line}\n" + _("Note: {note}.").format(note=filter_note(filtered_by))
    return line


def summary(shown: Sequence[Entry]) -> str:
    """E.g. "3 running · 1 stopped" ("" for no servers)."""
    counts = Counter(e.state if e.state in _COUNTED else PowerState.BUSY for e in shown)
    return " · ".join(_count_words(state, n) for state, n in counts.items())


#: States counted by name in the tooltip; every transition counts as "busy".
_COUNTED = frozenset(
    (
        PowerState.ACTIVE,
        PowerState.STOPPED,
        PowerState.SUSPENDED,
        PowerState.ERROR,
        PowerState.UNKNOWN,
    )
)


def _count_words(state: PowerState, count: int) -> str:
    """ "3 running": one phrase per state, so each language can agree the word with the number."""
    if state is PowerState.ACTIVE:
        text = ngettext("{count} running", "{count} running", count)
    elif state is PowerState.STOPPED:
        text = ngettext("{count} stopped", "{count} stopped", count)
    elif state is PowerState.SUSPENDED:
        text = ngettext("{count} suspended", "{count} suspended", count)
    elif state is PowerState.ERROR:
        text = ngettext("{count} in error", "{count} in error", count)
    elif state is PowerState.UNKNOWN:
        text = ngettext("{count} unknown", "{count} unknown", count)
    else:
        text = ngettext("{count} busy", "{count} busy", count)
    return text.format(count=count)


def status_line(
    connection: Connection,
    updated: datetime | None,
    problem: str,
    filtered_by: Sequence[str] = (),
    next_try: datetime | None = None,
) -> str:
    """The disabled first line of the menu: what the app knows, and how fresh it is. Offline or
    refused, the time of the next try comes first, so cutting a long problem never hides it."""
    if connection is Connection.SIGNED_OUT:
        return _("Sign-in needed")
    if connection.retrying:
        return _retrying_line(connection is Connection.REFUSED, problem, next_try)
    if connection is Connection.STARTING or updated is None:
        return _("Loading servers…")
    if filtered_by:
        line = _("Updated {time} · {note}").format(
            time=clock(updated), note=filter_note(filtered_by)
        )
        return elide(line, MAX_LINE)
    return _("Updated {time}").format(time=clock(updated))


def _retrying_line(refused: bool, problem: str, next_try: datetime | None) -> str:
    """Offline, or refused by Zomro (it answered: not "offline"), and when it is tried again."""
    if next_try:
        words = _("Refused, next try at {time}") if refused else _("Offline, next try at {time}")
        when = words.format(time=clock(next_try))
    else:
        when = _("Refused") if refused else _("Offline")
    # Translators: "Offline, next try at 12:04:10 — <what went wrong>".
    line = _("{when} — {problem}").format(when=when, problem=problem or _("retrying"))
    return elide(line, MAX_LINE)


def filter_note(filtered_by: Sequence[str]) -> str:
    """Zomro applies a list filter saved in its panel to this app's list as well."""
    fields = ", ".join(name.replace("_", " ") for name in filtered_by)
    return _("a filter saved in Zomro's panel hides some servers ({fields})").format(fields=fields)


def external_changes(
    before: Sequence[Service],
    after: Sequence[Service],
    caused_by_user: Iterable[ServerKey],
    settings: Settings,
) -> list[str]:
    """Servers that stopped or got suspended without the user doing it, as sentences."""
    mine = set(caused_by_user)
    old = {s.key: s.power for s in before}
    news = []
    for service in after:
        was = old.get(service.key)
        if was is None or service.key in mine or was is service.power:
            continue
        name = settings.display_name(service.key, service.name)
        if service.power is PowerState.SUSPENDED:
            news.append(_("{name} was suspended by Zomro.").format(name=name))
        elif service.power is PowerState.STOPPED and was is not PowerState.STOPPING:
            news.append(_("{name} stopped.").format(name=name))
        elif service.power is PowerState.ERROR:
            news.append(_("{name} is in an error state.").format(name=name))
    return news


#: More servers changing at once than this are told in one notification, not one each.
MAX_CHANGE_NOTICES = 3


def change_notices(news: Sequence[str]) -> list[tuple[str, str]]:
    """The notifications (title, text) for servers that changed without the user: one each,
    or, when many change at once (a host's outage, a thousand servers), one that counts them."""
    if len(news) <= MAX_CHANGE_NOTICES:
        return [(_("Server changed"), text) for text in news]
    title = ngettext("{count} server changed", "{count} servers changed", len(news))
    rest = len(news) - MAX_CHANGE_NOTICES
    more = ngettext("…and {count} more.", "…and {count} more.", rest).format(count=rest)
    return [(title.format(count=len(news)), "\n".join([*news[:MAX_CHANGE_NOTICES], more]))]
