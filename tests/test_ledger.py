"""The worker's money and details reads, against the emulator over HTTP (called in the test's
thread, as in test_worker.py): after the statuses, seldom, lazily, and never at the list's cost."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from zomro_tray.core.credentials import Credentials
from zomro_tray.core.details import Story
from zomro_tray.core.money import Runway, Unavailable, money_line
from zomro_tray.core.overall import Connection
from zomro_tray.emulator import Emulator
from zomro_tray.emulator.scenarios import DEMO_USER
from zomro_tray.store.keychain import SessionOnlyStore
from zomro_tray.worker import ledger
from zomro_tray.worker.contract import Snapshot, Timing, WorkerSetup
from zomro_tray.worker.worker import Worker

WEB = "5116804"
DETAIL_CALLS = ("instances.edit", "instances.fleio.measures")
MakeWorker = Callable[..., tuple[Worker, list[Any]]]


@pytest.fixture
def ledger_worker(qapp: Any, request: pytest.FixtureRequest) -> MakeWorker:
    """A worker with everything it sends heard in one list, in order; stopped after the test."""

    def make(emulator: Emulator, pace: float = 60.0) -> tuple[Worker, list[Any]]:
        store = SessionOnlyStore(Credentials.from_token(emulator.demo_token))
        worker = Worker(WorkerSetup(store, emulator.url, 60, timing=Timing(idle=pace)))
        request.addfinalizer(worker.shutdown)
        request.addfinalizer(worker.abort)  # the last added runs first
        heard: list[Any] = []  # snapshots, runways and stories
        for signal in (worker.snapshot_ready, worker.ledger.money_ready, worker.ledger.story_ready):
            signal.connect(heard.append)
        worker.setup()
        return worker, heard

    return make


def runways(heard: list[Any]) -> list[Runway]:
    return [item for item in heard if isinstance(item, Runway)]


def read_runway(worker: Worker, heard: list[Any], qtbot: Any) -> Runway:
    """The runway once the balance read (a request per turn of the event loop) has ended."""
    qtbot.waitUntil(lambda: not worker.ledger.reading_funds, timeout=5_000)
    return runways(heard)[-1]


def test_the_balance_comes_after_the_statuses_and_is_not_read_at_every_refresh(
    ledger_worker: MakeWorker, emulator: Emulator, qtbot: Any
) -> None:
    worker, heard = ledger_worker(emulator)
    assert isinstance(heard[0], Snapshot)
    assert money_line(heard[1]) == "Balance unavailable"  # at once: the balance is not read yet
    assert sum(emulator.state.calls[f] for f in ("notify", "dashboard.info")) == 0
    assert money_line(read_runway(worker, heard, qtbot)) == (
        "Balance 12.40 € — about 10 days at 1.24 €/day"
    )
    emulator.state.calls.clear()
    for _ in range(3):
        worker.refresh()
    qtbot.wait(50)
    # The window is closed and the balance was read a moment ago: one request per refresh.
    assert dict(emulator.state.calls) == {"instances": 3}
    assert len(runways(heard)) == 5  # the runway is sent again (costs follow the list)


@pytest.mark.parametrize("reading", ["notify", "notify_item", "dashboard", "whoami"])
def test_the_balance_is_found_wherever_the_panel_found_it(
    ledger_worker: MakeWorker, make_emulator: Callable[..., Emulator], reading: str, qtbot: Any
) -> None:
    emulator = make_emulator()
    emulator.state.accounts[DEMO_USER].balance_reading = reading
    emulator.state.accounts[DEMO_USER].credit = Decimal("5")
    worker, heard = ledger_worker(emulator)
    funds = read_runway(worker, heard, qtbot).funds
    assert (funds.balance, funds.credit) == (Decimal("12.40"), Decimal("5"))


@pytest.mark.parametrize("reading", ["text", "none"])
def test_a_text_only_or_missing_balance_is_unavailable(
    ledger_worker: MakeWorker, make_emulator: Callable[..., Emulator], reading: str, qtbot: Any
) -> None:
    emulator = make_emulator()
    emulator.state.accounts[DEMO_USER].balance_reading = reading
    worker, heard = ledger_worker(emulator)
    assert money_line(read_runway(worker, heard, qtbot)) == "Balance unavailable"
    assert len(heard[0].services) == 5


def test_a_trusted_user_without_finance_rights_keeps_the_servers(
    ledger_worker: MakeWorker, emulator: Emulator, qtbot: Any
) -> None:
    emulator.state.accounts[DEMO_USER].finance_rights = False
    worker, heard = ledger_worker(emulator)
    assert money_line(read_runway(worker, heard, qtbot)) == (
        "Balance unavailable: this sign-in has no rights to the account's finances"
    )
    assert runways(heard)[-1].funds.unavailable_because is Unavailable.NO_RIGHTS
    assert len(heard[0].services) == 5
    assert worker._connection is Connection.ONLINE


def test_every_billing_call_failing_leaves_the_list_working(
    ledger_worker: MakeWorker, emulator: Emulator, qtbot: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(ledger, "FUNDS_RETRY_SECONDS", 0.0)  # tried again at every refresh
    # The list, the saved filter and whoami go through; then the balance's calls fail.
    emulator.state.inject("none", "none", "none", "html502")
    worker, heard = ledger_worker(emulator)
    assert money_line(read_runway(worker, heard, qtbot)) == "Balance unavailable"
    for fault in ("malformed", "ip460", "reset", "html200", "in_process"):
        emulator.state.inject("none", *[fault] * 4)  # the list, then every balance call
        worker.refresh()
        assert money_line(read_runway(worker, heard, qtbot)) == "Balance unavailable", fault
        emulator.state.clear_faults()  # what the balance's calls did not use
        assert len([h for h in heard if isinstance(h, Snapshot)][-1].services) == 5
        assert worker._connection is Connection.ONLINE
    emulator.state.clear_faults()
    worker.refresh()  # the balance is tried again at the next refresh, and now it works
    assert read_runway(worker, heard, qtbot).funds.balance == Decimal("12.40")


def test_the_runway_shrinks_day_by_day_until_zomro_suspends_the_servers(
    ledger_worker: MakeWorker, make_emulator: Callable[..., Emulator], monkeypatch: Any, qtbot: Any
) -> None:
    monkeypatch.setattr(ledger, "FUNDS_CHECK_SECONDS", 0.0)
    emulator = make_emulator("runout")
    state = emulator.state
    state.day_seconds = 1000.0  # days pass when the test says so
    worker, heard = ledger_worker(emulator)
    days = []
    for day in range(1, 7):
        state.started -= 1000.0  # one emulated day later
        worker.refresh()
        days.append(read_runway(worker, heard, qtbot).days_left)
        assert state.accounts[DEMO_USER].charges_made == day
    # 1.00 € at 0.2451 €/day: 4 charges are paid, the fifth fails and the servers are suspended.
    assert days[:4] == [3, 2, 1, 0]
    assert runways(heard)[-1].unpaid == ("web-1", "baza-danych-łódź")
    assert state.accounts[DEMO_USER].balance == Decimal("1.00") - 4 * Decimal("0.2451")


def test_details_are_read_only_for_the_watched_server_one_request_per_interval(
    ledger_worker: MakeWorker, emulator: Emulator, qtbot: Any
) -> None:
    pace = 0.4
    worker, heard = ledger_worker(emulator, pace=pace)
    emulator.state.calls.clear()
    worker.ledger.watch(WEB, 1)
    wakes: list[bool] = []
    worker.ledger._timer.timeout.connect(lambda: wakes.append(True))
    stories = [item for item in heard if isinstance(item, Story)]
    assert stories
    assert stories[-1].resources is not None
    assert stories[-1].resources.cpu == "1 vCPU"
    assert stories[-1].cpu is None
    qtbot.wait(int(pace * 1000 * 3.5))
    assert len(wakes) <= 20  # a wake or two per interval (timers run a little early), no busy loop
    story = [item for item in heard if isinstance(item, Story)][-1]
    assert story.cpu is not None
    assert story.traffic is not None
    assert not story.cpu.empty
    detail_requests = sum(emulator.state.calls[func] for func in DETAIL_CALLS)
    assert 3 <= detail_requests <= 4  # 3.5 intervals: at most one request per interval
    worker.ledger.watch("", 1)  # the window closed
    qtbot.wait(int(pace * 1000 * 2.5))
    assert sum(emulator.state.calls[func] for func in DETAIL_CALLS) == detail_requests


def test_an_account_signed_out_while_its_server_is_watched_reads_nothing(
    ledger_worker: MakeWorker, emulator: Emulator, qtbot: Any
) -> None:
    pace = 0.3
    worker, heard = ledger_worker(emulator, pace=pace)
    worker.ledger.watch(WEB, 1)
    worker.sign_out()
    before = len(heard)
    qtbot.wait(int(pace * 1000 * 3))
    stories = [item for item in heard[before:] if isinstance(item, Story)]
    assert not [story for story in stories if story.problem]  # no read without a sign-in


def test_a_story_read_again_comes_from_the_cache_at_once(
    ledger_worker: MakeWorker, emulator: Emulator
) -> None:
    worker, heard = ledger_worker(emulator)
    worker.ledger.watch(WEB, 1)
    worker.ledger.watch("", 1)
    emulator.state.calls.clear()
    worker.ledger.watch(WEB, 1)  # within the interval: nothing is sent, the cache answers
    assert sum(emulator.state.calls.values()) == 0
    assert isinstance(heard[-1], Story)
    assert heard[-1].resources is not None


def test_a_failed_detail_read_says_so_and_keeps_what_was_read(
    ledger_worker: MakeWorker, emulator: Emulator, qtbot: Any
) -> None:
    worker, heard = ledger_worker(emulator, pace=0.2)
    worker.ledger.watch(WEB, 1)
    del emulator.state.servers[WEB]  # deleted in the panel meanwhile

    def last_story() -> Story:
        return [item for item in heard if isinstance(item, Story)][-1]

    qtbot.waitUntil(lambda: bool(last_story().problem), timeout=3000)
    assert last_story().resources is not None  # the plan read before stays
    assert "not found" in last_story().problem


def test_a_failed_balance_read_waits_before_it_is_tried_again(
    ledger_worker: MakeWorker, emulator: Emulator, qtbot: Any
) -> None:
    emulator.state.inject("none", "none", "none", "html502")  # the balance's first call fails
    worker, heard = ledger_worker(emulator)
    assert money_line(read_runway(worker, heard, qtbot)) == "Balance unavailable"
    emulator.state.calls.clear()
    worker.refresh()
    qtbot.wait(50)
    assert dict(emulator.state.calls) == {"instances": 1}  # not at once: in a minute


def test_refreshes_during_a_balance_read_do_not_start_it_again(
    ledger_worker: MakeWorker, emulator: Emulator, qtbot: Any
) -> None:
    """The read takes a turn of the event loop per request; a refresh that comes between two
    of them lets it go on (a new read at each refresh would never end on a slow Zomro)."""
    worker, heard = ledger_worker(emulator)
    under_way = worker.ledger._reading
    assert under_way is not None
    for _ in range(3):
        worker.refresh()
        assert worker.ledger._reading is under_way
    assert money_line(read_runway(worker, heard, qtbot)).startswith("Balance 12.40 €")
    assert (
        emulator.state.calls["notify"],
        emulator.state.calls["dashboard.subaccount_credit"],
    ) == (1, 1)


def test_the_command_lines_balance_is_the_whole_read_at_once(emulator: Emulator) -> None:
    """``zomro-tray money`` has no event loop: read_funds takes every step in turn."""
    from zomro_tray.api.client import ZomroClient
    from zomro_tray.api.readings import read_funds

    client = ZomroClient(emulator.url)
    try:
        client.set_credentials(Credentials.from_token(emulator.demo_token))
        funds = read_funds(client)
    finally:
        client.close()
    assert (funds.balance, funds.currency) == (Decimal("12.40"), "EUR")
    assert emulator.state.calls["dashboard.subaccount_credit"] == 1  # the last step ran too


def test_a_graph_is_read_for_the_period_asked(emulator: Emulator) -> None:
    from zomro_tray.api.client import ZomroClient
    from zomro_tray.api.readings import read_series

    client = ZomroClient(emulator.url)
    try:
        client.set_credentials(Credentials.from_token(emulator.demo_token))
        hour = read_series(client, WEB, "cpu_util", 1)
        day = read_series(client, WEB, "cpu_util", 24)
    finally:
        client.close()
    assert (hour.hours, day.hours) == (1, 24)
    assert len(hour.values) != len(day.values)  # the emulator answers each period its own way


def test_each_story_names_its_server_and_each_graph_its_place(
    ledger_worker: MakeWorker, emulator: Emulator, qtbot: Any
) -> None:
    from zomro_tray.core.details import CPU, TRAFFIC
    from zomro_tray.core.model import ServerKey

    worker, heard = ledger_worker(emulator, pace=0.05)
    worker.ledger.watch(WEB, 1)

    def stories() -> list[Story]:
        return [item for item in heard if isinstance(item, Story)]

    qtbot.waitUntil(lambda: stories()[-1].cpu is not None and stories()[-1].traffic is not None)
    assert {story.key for story in stories()} == {ServerKey("", WEB)}
    story = stories()[-1]
    assert (story.cpu.metric, story.traffic.metric) == (CPU, TRAFFIC)  # type: ignore[union-attr]
    assert story.traffic.values_out  # type: ignore[union-attr]  # traffic has both ways


def test_a_detail_read_failing_unexpectedly_is_said_plainly(
    ledger_worker: MakeWorker, emulator: Emulator, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zomro_tray import errors
    from zomro_tray.api import readings
    from zomro_tray.core.model import ServerKey

    def broken(*_args: object) -> None:
        raise ValueError("a parser's own mistake")

    monkeypatch.setattr(readings, "read_resources", broken)
    worker, heard = ledger_worker(emulator)
    worker.ledger.watch(WEB, 1)
    story = [item for item in heard if isinstance(item, Story)][-1]
    assert (story.key, story.problem) == (ServerKey("", WEB), str(errors.UnexpectedFailure()))
