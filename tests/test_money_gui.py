"""The money and the details as the user sees them: the tray app against the emulator, through
the worker's thread, with the real menu and window."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from pytestqt.qtbot import QtBot
from test_money import server

from zomro_tray.core.account import Account
from zomro_tray.core.model import PowerState, Service
from zomro_tray.core.money import Funds, Runway, Unavailable, runway
from zomro_tray.emulator import Emulator
from zomro_tray.emulator.scenarios import DEMO_USER
from zomro_tray.gui.accounts.money_view import MoneyView
from zomro_tray.store.settings import NotificationKind, Settings
from zomro_tray.worker import ledger
from zomro_tray.worker.contract import Timing

from conftest import TRAY_TIMING, MakeApp, first

WEB, DB = "5116804", "5116805"
DETAIL_CALLS = ("instances.edit", "instances.fleio.measures")


def test_the_menu_shows_the_balance_and_its_runway_under_the_account(
    make_app: MakeApp, emulator: Emulator, qtbot: QtBot
) -> None:
    app = make_app(emulator)
    qtbot.waitUntil(lambda: bool(app.menu.money_text), timeout=5_000)
    assert app.menu.money_text == "Balance 12.40 € — about 10 days at 1.24 €/day"
    actions = [a for a in app.menu.menu.actions() if a.isVisible()]
    texts = [a.text() for a in actions]
    assert texts.index("Signed in as demo") + 1 == texts.index(app.menu.money_text)
    assert app.feeds.first.money.low  # staging-żółw is suspended for non-payment: the cue is on


def test_a_long_runway_without_unpaid_servers_has_no_cue(
    make_app: MakeApp, make_emulator: Callable[..., Emulator], qtbot: QtBot
) -> None:
    app = make_app(make_emulator("single"))
    qtbot.waitUntil(lambda: bool(app.menu.money_text), timeout=5_000)
    assert app.menu.money_text == "Balance 12.40 € — about 76 days at 0.16 €/day"
    assert not app.feeds.first.money.low


def test_stopping_is_never_sold_as_saving_money(
    make_app: MakeApp, emulator: Emulator, qtbot: QtBot
) -> None:
    app = make_app(emulator)
    tip = app.menu.server_action(first(WEB)).toolTip()  # type: ignore[union-attr]
    assert "Click to shut this server down." in tip
    assert "Zomro keeps charging for a stopped server" in tip
    assert "0.16 €/day" in tip


def test_a_runway_under_the_threshold_warns_once_and_marks_the_icon(
    make_app: MakeApp,
    make_emulator: Callable[..., Emulator],
    qtbot: QtBot,
    monkeypatch: Any,
) -> None:
    monkeypatch.setattr(ledger, "FUNDS_CHECK_SECONDS", 0.0)  # the balance at every refresh
    emulator = make_emulator("runout")
    emulator.state.day_seconds = 0.6
    notes: list[tuple[Any, str, str]] = []
    timing = Timing(**{**TRAY_TIMING.__dict__, "idle": 0.15})
    app = make_app(
        emulator, settings=Settings(accounts=(Account(api_url=emulator.url),)), timing=timing
    )
    app.notified.connect(lambda *n: notes.append(n))
    qtbot.waitUntil(lambda: any("non-payment" in n[2] for n in notes), timeout=10_000)
    money = [n for n in notes if n[0] is NotificationKind.MONEY]
    lows = [n for n in money if n[1] == "Balance running low"]
    unpaid = [n for n in money if n[1] == "Suspended for non-payment"]
    assert len(lows) == 1, money  # once per crossing, not at every refresh
    assert "Add funds in Zomro's panel" in lows[0][2]
    assert len(unpaid) == 1
    assert "web-1, baza-danych-łódź" in unpaid[0][2]
    assert app.feeds.first.money.low
    assert emulator.state.accounts[DEMO_USER].charges_made >= 5


def test_the_warning_can_be_turned_off(
    make_app: MakeApp, make_emulator: Callable[..., Emulator], qtbot: QtBot
) -> None:
    emulator = make_emulator()
    emulator.state.accounts[DEMO_USER].balance = emulator.state.accounts[DEMO_USER].balance / 10
    notes: list[tuple[Any, str, str]] = []
    off = {kind.value: kind is not NotificationKind.MONEY for kind in NotificationKind}
    app = make_app(
        emulator, settings=Settings(accounts=(Account(api_url=emulator.url),), notifications=off)
    )
    app.notified.connect(lambda *n: notes.append(n))
    qtbot.waitUntil(lambda: bool(app.menu.money_text), timeout=5_000)
    assert "about 1 day" in app.menu.money_text
    assert app.feeds.first.money.low
    assert not [n for n in notes if n[0] is NotificationKind.MONEY]


def test_the_window_tells_the_selected_servers_story(
    make_app: MakeApp, emulator: Emulator, qtbot: QtBot
) -> None:
    timing = Timing(**{**TRAY_TIMING.__dict__, "idle": 0.3})
    app = make_app(emulator, timing=timing)
    app.show_window()
    window = app.window
    assert window is not None
    window.select(first(WEB))
    pane = window.story
    qtbot.waitUntil(lambda: "1 vCPU · 2 GB · 40 GB" in pane.facts["plan"].text(), timeout=5_000)
    assert pane.facts["ipv4"].text() == "203.0.113.10"
    assert pane.facts["ipv6"].text() == "2001:db8::10"
    assert pane.facts["location"].text() == "Netherlands-2"
    assert pane.facts["image"].text() == "Ubuntu 24.04"
    assert pane.facts["cost"].text().startswith("0.16 €/day")
    qtbot.waitUntil(lambda: len(pane.cpu_graph.values) == 12, timeout=5_000)
    qtbot.waitUntil(lambda: len(pane.traffic_graph.values) == 12, timeout=5_000)
    assert "highest" in pane.cpu_words.text()
    assert window.money.text() == app.menu.money_text
    window.hide()  # closed: nothing more is read for it
    qtbot.wait(200)
    before = sum(emulator.state.calls[func] for func in DETAIL_CALLS)
    qtbot.wait(900)
    assert sum(emulator.state.calls[func] for func in DETAIL_CALLS) == before


def test_with_the_window_closed_a_refresh_costs_what_it_did(
    make_app: MakeApp, emulator: Emulator, qtbot: QtBot
) -> None:
    timing = Timing(**{**TRAY_TIMING.__dict__, "idle": 0.1})
    app = make_app(emulator, timing=timing)
    qtbot.waitUntil(lambda: bool(app.menu.money_text), timeout=5_000)
    emulator.state.calls.clear()
    refreshes = app.feeds.first.worker.refreshes
    qtbot.waitUntil(lambda: app.feeds.first.worker.refreshes >= refreshes + 5, timeout=5_000)
    calls = dict(emulator.state.calls)
    assert set(calls) == {"instances"}, calls  # one page: one request per refresh


# --- the money view alone: what it says and when it warns -------------------------------------


class Told:
    """What the view asked to notify, in order."""

    def __init__(self) -> None:
        self.notes: list[tuple[NotificationKind, str, bool]] = []

    def __call__(
        self, kind: NotificationKind, title: str, message: str, *, warning: bool = False
    ) -> None:
        self.notes.append((kind, title, warning))


def money_view(settings: Settings) -> tuple[MoneyView, Told, list[bool]]:
    told, changes = Told(), []
    view = MoneyView(lambda: settings, told)
    view.changed.connect(lambda: changes.append(True))
    return view, told, changes


def priced(balance: str, *servers: Service) -> Runway:
    return runway(Funds(Decimal(balance)), servers or (service(),))


def service(name: str = "web") -> Service:
    """A running server at 1.00 € a day (test_money.server, priced)."""
    return server(name, item_cost="1.00")


def test_no_balance_line_before_the_first_read_and_a_plain_one_after_a_failed_read(
    qapp: Any,
) -> None:
    view, _told, _changes = money_view(Settings())
    assert view.line() == ""
    view.on_money(runway(Funds(unavailable_because=Unavailable.NOT_READ), (service(),)))
    assert (view.line(), view.note()) == ("", "")
    view.on_money(runway(Funds(unavailable_because=Unavailable.NOT_IN_THE_ANSWERS), (service(),)))
    assert view.line() == "Balance unavailable"
    assert view.note() != ""


def test_the_users_warning_days_decide_the_notification_and_the_cue(qapp: Any) -> None:
    view, told, _changes = money_view(Settings(runway_warning_days=10))
    view.on_money(priced("5.00"))  # five days: low for a user who wants ten days' warning
    assert told.notes == [(NotificationKind.MONEY, "Balance running low", True)]
    assert view.low
    calm, quiet, _ = money_view(Settings(runway_warning_days=3))
    calm.on_money(priced("5.00"))
    assert (quiet.notes, calm.low) == ([], False)


def test_another_account_is_warned_afresh_and_the_old_figure_leaves_the_screen(
    qapp: Any,
) -> None:
    view, told, changes = money_view(Settings())
    view.on_money(priced("1.00"))
    view.on_money(priced("1.00"))
    assert len(told.notes) == 1  # once per crossing
    view.forget()
    assert (view.line(), view.low, changes[-1]) == ("", False, True)
    view.on_money(priced("1.00"))
    assert len(told.notes) == 2  # the alarm went with the account


def test_a_suspension_for_non_payment_is_told_once_and_keeps_the_cue(qapp: Any) -> None:
    view, told, changes = money_view(Settings())
    unpaid = server(
        "staging", item_cost="1.00", power=PowerState.SUSPENDED, billing_code="3_autosuspend"
    )
    view.on_money(priced("50.00", service(), unpaid))
    view.on_money(priced("50.00", service(), unpaid))
    assert told.notes == [(NotificationKind.MONEY, "Suspended for non-payment", True)]
    assert view.low
    assert view.note().startswith("Zomro suspended staging for non-payment.")
    assert len(changes) == 1  # the second refresh changed nothing on screen
