"""The same notice from several accounts, told once (gui/gathered_notices.py), on its own: what
each notice says, how many are named, and when one waits for others. The whole app's outage
is in test_tray_accounts.py."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from zomro_tray.core.overall import Connection
from zomro_tray.gui.accounts.gathered_notices import (
    GATHER_MS,
    MAX_NAMES,
    GatheredNotices,
    Situation,
)
from zomro_tray.store.settings import NotificationKind


class Heard:
    """The notifications the gathered notices asked for, and the notices told alone."""

    def __init__(self) -> None:
        self.told: list[tuple[NotificationKind, str, str, bool]] = []
        self.alone: list[str] = []

    def __call__(
        self, kind: NotificationKind, title: str, message: str, *, warning: bool = False
    ) -> None:
        self.told.append((kind, title, message, warning))

    def add(self, notices: GatheredNotices, situation: Situation, *names: str) -> None:
        for name in names:
            notices.add(situation, f"key-{name}", name, lambda name=name: self.alone.append(name))


@pytest.fixture
def heard(qtbot: QtBot) -> tuple[GatheredNotices, Heard]:
    listener = Heard()
    return GatheredNotices(listener), listener


def test_each_situation_has_its_own_words_alone_and_gathered() -> None:
    assert [s.title() for s in Situation] == [
        "Zomro cannot be reached",
        "Zomro refused",
        "Back online",
        "Sign-in needed",
    ]
    assert [s.gathered_title(1) for s in Situation] == [
        "1 account cannot reach Zomro",
        "Zomro refused 1 account",
        "1 account is back online",
        "1 account needs signing in",
    ]
    assert [s.gathered_title(3) for s in Situation] == [
        "3 accounts cannot reach Zomro",
        "Zomro refused 3 accounts",
        "3 accounts are back online",
        "3 accounts need signing in",
    ]


def test_each_situation_has_its_kind_and_only_good_news_is_no_warning() -> None:
    assert [s.kind for s in Situation] == [NotificationKind.CONNECTION] * 3 + [
        NotificationKind.SIGN_IN
    ]
    assert [s.warning for s in Situation] == [True, True, False, True]
    assert Situation.of(Connection.REFUSED) is Situation.REFUSED
    assert Situation.of(Connection.OFFLINE) is Situation.OFFLINE


def test_one_notice_is_told_alone_as_it_came(heard: tuple[GatheredNotices, Heard]) -> None:
    notices, listener = heard
    listener.add(notices, Situation.SIGN_IN, "Client")
    notices.flush()
    assert (listener.alone, listener.told) == (["Client"], [])


def test_several_are_one_notice_naming_the_first_five_and_counting_the_rest(
    heard: tuple[GatheredNotices, Heard],
) -> None:
    notices, listener = heard
    names = [f"Client {n}" for n in range(1, 9)]
    listener.add(notices, Situation.REFUSED, *names)
    notices.flush()
    assert MAX_NAMES == 5
    assert listener.told == [
        (
            NotificationKind.CONNECTION,
            "Zomro refused 8 accounts",
            "Client 1, Client 2, Client 3, Client 4, Client 5 and 3 more",
            True,
        )
    ]
    assert listener.alone == []


def test_one_more_than_five_is_counted_as_one(heard: tuple[GatheredNotices, Heard]) -> None:
    notices, listener = heard
    listener.add(notices, Situation.OFFLINE, *(f"Client {n}" for n in range(1, 7)))
    notices.flush()
    assert listener.told[0][2] == "Client 1, Client 2, Client 3, Client 4, Client 5 and 1 more"


def test_every_situation_held_together_is_told(heard: tuple[GatheredNotices, Heard]) -> None:
    """One account alone in one situation, two in another, in the same moment: both told."""
    notices, listener = heard
    listener.add(notices, Situation.SIGN_IN, "Client")
    listener.add(notices, Situation.OFFLINE, "Agency", "Shop")
    notices.flush()
    assert listener.alone == ["Client"]
    assert [title for _kind, title, _text, _warning in listener.told] == [
        "2 accounts cannot reach Zomro"
    ]


def test_exactly_five_are_all_named(heard: tuple[GatheredNotices, Heard]) -> None:
    notices, listener = heard
    listener.add(notices, Situation.BACK_ONLINE, "A", "B", "C", "D", "E")
    notices.flush()
    assert listener.told == [
        (NotificationKind.CONNECTION, "5 accounts are back online", "A, B, C, D, E", False)
    ]


def test_an_account_repeating_itself_is_counted_once(heard: tuple[GatheredNotices, Heard]) -> None:
    notices, listener = heard
    listener.add(notices, Situation.OFFLINE, "A", "A", "B")
    notices.flush()
    assert [title for _kind, title, _message, _w in listener.told] == [
        "2 accounts cannot reach Zomro"
    ]


def test_good_news_never_silences_the_next_good_news(heard: tuple[GatheredNotices, Heard]) -> None:
    """Back online is not a situation one stays in: each return is told."""
    notices, listener = heard
    listener.add(notices, Situation.BACK_ONLINE, "A")
    notices.flush()
    listener.add(notices, Situation.BACK_ONLINE, "A")
    notices.flush()
    assert listener.alone == ["A", "A"]


def test_an_account_that_left_before_the_notice_went_is_not_told(
    heard: tuple[GatheredNotices, Heard],
) -> None:
    notices, listener = heard
    listener.add(notices, Situation.OFFLINE, "A", "B")
    notices.left("key-A", Situation.OFFLINE)
    notices.flush()
    assert listener.alone == ["B"]


def test_a_notice_waits_for_others_then_goes_by_itself(
    heard: tuple[GatheredNotices, Heard], qtbot: QtBot
) -> None:
    notices, listener = heard
    listener.add(notices, Situation.OFFLINE, "A")
    listener.add(notices, Situation.OFFLINE, "B")  # within the wait: told together
    assert (listener.told, listener.alone) == ([], [])  # held, not told at once
    qtbot.waitUntil(lambda: bool(listener.told), timeout=GATHER_MS * 3)
    assert listener.told[0][1] == "2 accounts cannot reach Zomro"
