"""What the tray shows, without Qt: words, what a click does, the icon's state, the lines."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from zomro_tray import i18n
from zomro_tray.core.account import Account
from zomro_tray.core.model import Action, BillingState, PowerState, ServerKey, Service
from zomro_tray.core.overall import Connection, Overall
from zomro_tray.display.entry_maker import EntryMaker
from zomro_tray.display.presentation import (
    MAX_LINE,
    MAX_NAME,
    action_title,
    ago,
    elide,
    entry_for,
    external_changes,
    overall,
    state_words,
    status_line,
    tooltip,
    waiting_title,
)
from zomro_tray.store.settings import Settings

NOON = datetime(2026, 11, 27, 12, 0, 5)
ACTIVE = BillingState.ACTIVE


def server(power: PowerState, sid: str = "1", name: str = "web-1", **more: object) -> Service:
    fields: dict[str, object] = {"billing": ACTIVE, "ip": "203.0.113.10", **more}
    return Service(sid, name, power, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("power", "more", "words"),
    [
        (PowerState.ACTIVE, {}, "Running"),
        (PowerState.STOPPED, {}, "Stopped"),
        (PowerState.STARTING, {}, "Starting…"),
        (PowerState.SUSPENDED, {"suspend_reason": "unpaid"}, "Suspended by Zomro (unpaid)"),
        (PowerState.SUSPENDED, {}, "Suspended by Zomro"),
        (PowerState.BUSY, {"raw_status": "resizing_disk"}, "Busy: resizing disk…"),
        (PowerState.BUSY, {}, "Busy…"),
        (PowerState.UNKNOWN, {"raw_status": "hibernating"}, "Unknown: hibernating"),
        (PowerState.UNKNOWN, {}, "Unknown"),
        (PowerState.ERROR, {}, "Error"),
    ],
)
def test_state_words(power: PowerState, more: dict[str, str], words: str) -> None:
    assert state_words(server(power, **more)) == words


def test_a_running_server_offers_shutdown_and_a_stopped_one_start() -> None:
    running = entry_for(server(PowerState.ACTIVE), Settings(), None)
    assert (running.click_action, running.enabled, running.can_reboot) == (Action.STOP, True, True)
    assert running.label == "web-1 — Running"
    assert running.tooltip == (
        "Click to shut this server down.\n"
        "Zomro keeps charging for a stopped server: the charges stop only when it is deleted.\n"
        "203.0.113.10"
    )
    stopped = entry_for(server(PowerState.STOPPED), Settings(), None)
    assert (stopped.click_action, stopped.enabled, stopped.can_reboot) == (
        Action.START,
        True,
        False,
    )
    assert stopped.tooltip.startswith("Click to start this server.")
    assert not running.undo


def test_a_server_that_can_do_nothing_says_why() -> None:
    suspended = entry_for(server(PowerState.SUSPENDED, suspend_reason="unpaid"), Settings(), None)
    assert (suspended.enabled, suspended.click_action, suspended.can_reboot) == (False, None, False)
    lines = suspended.tooltip.split("\n")
    assert lines[0] == "Nothing to do from here now."
    assert len(lines) == 3  # the hint, the reason, the details
    assert lines[2] == "203.0.113.10"


def test_a_pending_click_shows_at_once_and_blocks_more() -> None:
    entry = entry_for(server(PowerState.ACTIVE), Settings(), Action.STOP)
    assert entry.words == "Stopping…"
    assert entry.state is PowerState.STOPPING
    assert (entry.enabled, entry.click_action, entry.can_reboot) == (False, None, False)
    # once the server itself says it is stopping, its own words stand
    moving = entry_for(server(PowerState.STOPPING), Settings(), Action.STOP)
    assert (moving.words, moving.state) == ("Stopping…", PowerState.STOPPING)
    # and a pending action whose target is reached shows the server as it is
    done = entry_for(server(PowerState.STOPPED), Settings(), Action.STOP)
    assert (done.words, done.state) == ("Stopped", PowerState.STOPPED)


def test_a_waiting_shutdown_offers_its_undo() -> None:
    entry = entry_for(server(PowerState.ACTIVE), Settings(), None, waiting=Action.STOP)
    assert entry.words == "Shutting down in 5 s — click to undo"
    assert (entry.enabled, entry.undo, entry.click_action) == (True, True, None)
    assert entry.state is PowerState.ACTIVE
    assert entry.ip == "203.0.113.10"
    reboot = entry_for(server(PowerState.ACTIVE), Settings(), None, waiting=Action.REBOOT)
    assert reboot.words == "Rebooting in 5 s — click to undo"
    assert "Nothing has been sent" in reboot.tooltip


def test_offline_entries_say_how_old_they_are_and_do_nothing() -> None:
    entry = entry_for(server(PowerState.ACTIVE), Settings(), None, last_seen="3 min ago")
    assert entry.label == "web-1 — Running (last seen 3 min ago)"
    assert (entry.enabled, entry.click_action, entry.can_reboot, entry.undo) == (
        False,
        None,
        False,
        False,
    )
    assert entry.tooltip.startswith("Zomro is not answering")
    assert entry.ip == "203.0.113.10"


@pytest.mark.parametrize("how", ["waiting", "offline"])
def test_an_entry_that_sends_nothing_still_has_the_whole_server(how: str) -> None:
    """Copy IP (both addresses) and the window's details work while a click waits or Zomro
    is away."""
    service = server(PowerState.ACTIVE, ip_v6="2001:db8::1")
    options: dict[str, object] = (
        {"waiting": Action.STOP} if how == "waiting" else {"last_seen": "3 min ago"}
    )
    entry = entry_for(service, Settings(), None, **options)  # type: ignore[arg-type]
    assert entry.click_action is None
    assert (entry.ip, entry.ip_v6) == ("203.0.113.10", "2001:db8::1")
    assert entry.service is service


def test_aliases_hidden_servers_and_long_names() -> None:
    settings = Settings(accounts=(Account(aliases={"1": "Sklep"}),))
    account = Account(shown_services=("1", "3"))
    long_name = "x" * (MAX_NAME + 10)
    shown = EntryMaker().entries(
        [
            server(PowerState.ACTIVE),
            server(PowerState.STOPPED, "2"),
            server(PowerState.ACTIVE, "3", long_name),
        ],
        settings,
        {ServerKey("", "3"): Action.STOP},
        {},
        shows=account.shows,
    )
    assert [e.key.id for e in shown] == ["1", "3"]
    assert shown[0].label == "Sklep — Running"
    assert shown[1].label == f"{'x' * (MAX_NAME - 1)}… — Stopping…"
    assert long_name in shown[1].tooltip  # the whole name where there is room for it
    made = EntryMaker().entries(
        [server(PowerState.ACTIVE)], Settings(), {}, {ServerKey("", "1"): Action.STOP}
    )
    assert made[0].undo


def test_elide_and_ago() -> None:
    assert elide("abc", 3) == "abc"
    assert elide("abcd", 3) == "ab…"
    assert elide("ab cd", 4) == "ab…"  # no dangling space before the ellipsis
    assert ago(NOON, NOON + timedelta(seconds=59)) == "just now"
    assert ago(NOON, NOON + timedelta(minutes=1)) == "1 min ago"
    assert ago(NOON, NOON + timedelta(minutes=59, seconds=59)) == "59 min ago"
    assert ago(NOON, NOON + timedelta(minutes=60)) == "1 h ago"
    assert ago(NOON, NOON + timedelta(hours=2, minutes=5)) == "2 h ago"


def test_ago_counts_for_a_language_with_several_plural_forms() -> None:
    i18n.use("pl")
    assert ago(NOON, NOON + timedelta(minutes=5)) == "5 min temu"
    assert ago(NOON, NOON + timedelta(hours=5)) == "5 godz. temu"


@pytest.mark.parametrize(
    ("action", "title", "words"),
    [
        (Action.START, "Starting web-1", "Starting in 5 s — click to undo"),
        (Action.STOP, "Shutting down web-1", "Shutting down in 5 s — click to undo"),
        (Action.REBOOT, "Rebooting web-1", "Rebooting in 5 s — click to undo"),
    ],
)
def test_a_waiting_click_says_what_it_will_do(action: Action, title: str, words: str) -> None:
    from zomro_tray.display.presentation import _waiting_words

    assert waiting_title(action, "web-1") == title
    assert _waiting_words(action) == words


def test_action_titles_name_the_server() -> None:
    assert action_title(Action.STOP, True, "web-1") == "web-1 stopped"
    assert action_title(Action.START, True, "web-1") == "web-1 started"
    assert action_title(Action.REBOOT, False, "web-1") == "Could not reboot web-1"
    assert action_title(Action.START, False, "web-1") == "Could not start web-1"


def _shown(*states: PowerState) -> list:  # type: ignore[type-arg]
    return [entry_for(server(state, str(i)), Settings(), None) for i, state in enumerate(states)]


@pytest.mark.parametrize(
    ("states", "connection", "expected"),
    [
        ((PowerState.ACTIVE,), Connection.OFFLINE, Overall.PROBLEM),
        ((PowerState.ACTIVE,), Connection.REFUSED, Overall.PROBLEM),
        ((PowerState.ACTIVE,), Connection.SIGNED_OUT, Overall.PROBLEM),
        ((PowerState.ACTIVE,), Connection.STARTING, Overall.LOADING),
        ((PowerState.ACTIVE, PowerState.ERROR), Connection.ONLINE, Overall.PROBLEM),
        ((PowerState.STOPPED, PowerState.STARTING), Connection.ONLINE, Overall.IN_PROGRESS),
        ((PowerState.ACTIVE, PowerState.STOPPED), Connection.ONLINE, Overall.SOME_STOPPED),
        ((PowerState.ACTIVE, PowerState.UNKNOWN), Connection.ONLINE, Overall.SOME_STOPPED),
        ((PowerState.ACTIVE, PowerState.SUSPENDED), Connection.ONLINE, Overall.ALL_RUNNING),
        ((PowerState.ACTIVE,), Connection.ONLINE, Overall.ALL_RUNNING),
        ((), Connection.ONLINE, Overall.ALL_RUNNING),
    ],
)
def test_the_icon_state(
    states: tuple[PowerState, ...], connection: Connection, expected: Overall
) -> None:
    assert overall(_shown(*states), connection) is expected


def test_the_tooltip_counts_and_says_what_is_wrong() -> None:
    shown = _shown(PowerState.ACTIVE, PowerState.ACTIVE, PowerState.STOPPED, PowerState.BUSY)
    assert tooltip(shown, Connection.ONLINE, NOON) == (
        "zomro-tray: 2 running · 1 stopped · 1 busy — updated 12:00"
    )
    assert tooltip([], Connection.ONLINE, None) == "zomro-tray: no servers"
    assert tooltip(shown, Connection.SIGNED_OUT, NOON, "Session expired.") == (
        "zomro-tray: sign-in needed.\nSession expired."
    )
    assert tooltip(shown, Connection.STARTING, None) == "zomro-tray: loading…"
    offline = tooltip(shown, Connection.OFFLINE, NOON, "Zomro is not answering.")
    assert offline.endswith("\nZomro is not answering.")
    filtered = tooltip(shown, Connection.ONLINE, NOON, "", ["instance_status"])
    assert filtered.endswith(
        "\nNote: a filter saved in Zomro's panel hides some servers (instance status)."
    )


def test_the_status_line() -> None:
    assert status_line(Connection.SIGNED_OUT, NOON, "x") == "Sign-in needed"
    assert status_line(Connection.OFFLINE, NOON, "Zomro is not answering.") == (
        "Offline — Zomro is not answering."
    )
    assert status_line(Connection.OFFLINE, NOON, "") == "Offline — retrying"
    later = NOON + timedelta(seconds=40)
    denied = "Zomro says: Insufficient privileges."
    refused = status_line(Connection.REFUSED, NOON, denied, (), later)
    assert refused.startswith("Refused, next try at ")  # it answered: not "offline"
    assert refused.endswith(f"— {denied}")
    assert status_line(Connection.OFFLINE, NOON, "Zomro is not answering.", (), later) == (
        "Offline, next try at 12:00:45 — Zomro is not answering."
    )
    cut = status_line(Connection.OFFLINE, NOON, "z" * 300, (), later)
    assert cut.startswith("Offline, next try at 12:00:45 — zzz")
    long = status_line(Connection.OFFLINE, NOON, "y" * 500)
    assert len(long) == MAX_LINE
    assert long.endswith("…")
    assert status_line(Connection.REFUSED, NOON, denied) == f"Refused — {denied}"  # no next try
    assert status_line(Connection.STARTING, NOON, "") == "Loading servers…"
    assert status_line(Connection.ONLINE, None, "") == "Loading servers…"
    assert status_line(Connection.ONLINE, NOON, "") == "Updated 12:00:05"
    assert status_line(Connection.ONLINE, NOON, "", ["a_b"]).startswith(
        "Updated 12:00:05 · a filter saved"
    )


def test_changes_nobody_asked_for_are_told() -> None:
    before = [
        server(PowerState.ACTIVE, "1", "web-1"),
        server(PowerState.ACTIVE, "2", "db"),
        server(PowerState.ACTIVE, "3", "ci"),
        server(PowerState.STOPPING, "4", "old"),
        server(PowerState.ACTIVE, "5", "mine"),
        server(PowerState.ACTIVE, "6", "same"),
    ]
    after = [
        server(PowerState.SUSPENDED, "1", "web-1"),
        server(PowerState.STOPPED, "2", "db"),
        server(PowerState.ERROR, "3", "ci"),
        server(PowerState.STOPPED, "4", "old"),  # it was stopping already: expected
        server(PowerState.STOPPED, "5", "mine"),  # the user did it
        server(PowerState.ACTIVE, "6", "same"),
        server(PowerState.STOPPED, "7", "new"),  # new to the list: nothing to compare
    ]
    news = external_changes(
        before, after, [ServerKey("", "5")], Settings(accounts=(Account(aliases={"2": "Baza"}),))
    )
    assert news == [
        "web-1 was suspended by Zomro.",
        "Baza stopped.",
        "ci is in an error state.",
    ]


def test_many_servers_changing_at_once_are_told_in_one_notification() -> None:
    from zomro_tray.display.presentation import MAX_CHANGE_NOTICES, change_notices

    few = [f"web-{n} stopped." for n in range(MAX_CHANGE_NOTICES)]
    assert change_notices(few) == [("Server changed", text) for text in few]
    many = [f"web-{n} stopped." for n in range(40)]
    (title, text), *others = change_notices(many)
    assert others == []
    assert title == "40 servers changed"
    assert text.split("\n") == [
        "web-0 stopped.",
        "web-1 stopped.",
        "web-2 stopped.",
        "…and 37 more.",
    ]


def test_the_filter_note_names_every_field() -> None:
    from zomro_tray.display.presentation import filter_note

    assert filter_note(["instance_status", "datacenter"]) == (
        "a filter saved in Zomro's panel hides some servers (instance status, datacenter)"
    )


def test_a_refresh_makes_only_the_entries_that_changed() -> None:
    from dataclasses import replace as changed

    maker, settings = EntryMaker(), Settings()
    servers = [changed(server(PowerState.ACTIVE), id=str(n), name=f"n{n}") for n in range(3)]
    first = maker.entries(servers, settings, {})
    servers[1] = changed(servers[1], power=PowerState.STOPPED)
    second = maker.entries(servers, settings, {ServerKey("", "2"): Action.STOP})
    assert second[0] is first[0]  # unchanged: the same entry, not made again
    assert second[1] is not first[1]
    assert second[1].words == "Stopped"
    assert second[2] is not first[2]
    assert second[2].words == "Stopping…"
    other = Settings(accounts=(Account(aliases={"0": "shop"}),))
    assert maker.entries(servers, other, {ServerKey("", "2"): Action.STOP})[0].name == "shop"
    i18n.use("pl")
    try:
        assert maker.entries(servers, other, {})[1].words != "Stopped"  # the language changed
    finally:
        i18n.use("en")
