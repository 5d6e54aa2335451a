"""The fault-injection soak: the real worker and menu against the emulator, time compressed.

Thousands of refresh cycles while the emulator fails at random in every documented way (502 and
maintenance pages, 460, malformed JSON, dropped connections, slow answers, expired sessions),
servers change state behind the app's back, and a simulated user clicks entries and opens the
menu. Afterwards: the app must have survived, show what the emulator says, have sent no action
the user did not ask for, and not have grown (memory, threads, timers, menu actions).

Shared by the short soak in the test suite and the long one in ``python -m benchmarks``.
"""

from __future__ import annotations

import gc
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from zomro_tray.core.account import Account
from zomro_tray.core.credentials import Credentials
from zomro_tray.core.overall import Connection
from zomro_tray.emulator import Emulator, build_state
from zomro_tray.emulator.scenarios import (
    DEMO_PASSWORD,
    DEMO_USER,
    add_servers,
    huge_texts_server,
)
from zomro_tray.gui.tray.tray import TrayApp
from zomro_tray.store.keychain import SessionOnlyStore
from zomro_tray.store.settings import Settings, SettingsStore
from zomro_tray.worker.contract import Timing

SOAK_FAULTS = (
    "html502",
    "html503",
    "html200",
    "ip460",
    "malformed",
    "reset",
    "latency",
    "expire",
    "in_process",
    # a hostile server: nothing it sends may stop the refresh or leave the app confused
    "redirect",
    "redirect_get",
    "drip",
    "huge",
    "gzip_bomb",
    "bad_count",
    "huge_count",
    "echo_token",
)
CHECKPOINT = 1000  # memory and counts are compared between this cycle and the end


def spin_until(predicate: object, timeout: float) -> bool:
    """Run the Qt event loop until predicate() is true (GUI thread stays live, nothing sleeps)."""
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: predicate() and loop.quit())  # type: ignore[operator]
    deadline = QTimer()
    deadline.setSingleShot(True)
    deadline.timeout.connect(loop.quit)
    timer.start()
    deadline.start(int(timeout * 1000))
    if not predicate():  # type: ignore[operator]
        loop.exec()
    timer.stop()
    deadline.stop()
    return bool(predicate())  # type: ignore[operator]


def rss_bytes() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def native_threads() -> int:
    """The process's threads, less the emulator's: it runs in this process for the soak and
    serves each connection in a thread of its own, alive while the client keeps the connection
    (how many are open at the moment of counting says nothing about the app)."""
    serving = sum("process_request_thread" in t.name for t in threading.enumerate())
    return len(list(Path("/proc/self/task").iterdir())) - serving


@dataclass
class Footprint:
    rss: int
    threads: int
    timers: int
    menu_actions: int


@dataclass
class SoakResult:
    cycles: int = 0
    successes: int = 0
    seconds: float = 0.0
    faults: Counter[str] = field(default_factory=Counter)
    clicks: int = 0
    external_changes: int = 0
    sent: Counter[tuple[str, str]] = field(default_factory=Counter)
    received: Counter[tuple[str, str]] = field(default_factory=Counter)
    mismatches: dict[str, tuple[str, str]] = field(default_factory=dict)
    worker_alive: bool = False
    #: Exceptions raised in Qt slots: PySide prints them and carries on, so count them here.
    slot_errors: list[str] = field(default_factory=list)
    at_checkpoint: Footprint | None = None
    at_end: Footprint | None = None

    @property
    def unasked_actions(self) -> Counter[tuple[str, str]]:
        """Actions the emulator received that the user did not ask for (must be empty)."""
        return self.received - self.sent

    @property
    def rss_growth(self) -> int:
        assert self.at_checkpoint is not None
        assert self.at_end is not None
        return self.at_end.rss - self.at_checkpoint.rss


def _footprint(app: TrayApp) -> Footprint:
    gc.collect()
    menu = app.menu
    actions = (
        len(menu.menu.actions()) + len(menu.reboot_menu.actions()) + len(menu.copy_menu.actions())
    )
    return Footprint(
        rss=rss_bytes(),
        threads=native_threads(),
        timers=len(app.findChildren(QTimer)) + len(app.feeds.first.worker.findChildren(QTimer)),
        menu_actions=actions,
    )


def run_soak(
    cycles: int,
    *,
    seed: int = 7,
    servers: int = 25,
    fault_rate: float = 0.3,
    timeout: float = 600.0,
) -> SoakResult:
    """Run the soak for `cycles` refresh attempts; see the module docstring."""
    qt = QApplication.instance() or QApplication([])
    rng = random.Random(seed)
    state = build_state(
        "demo",
        transition_seconds=0.03,
        fault_latency=0.05,
        seed=seed,
        huge_bytes=33 * 2**20,  # just over the client's cap
        drip_interval=0.001,  # a drip, at the soak's pace
    )
    add_servers(state, servers)
    # A server whose texts are runs a careless pattern chokes on (64 KB each: the megabyte
    # ones are the tests' and the stall benchmark's; here they would slow every refresh).
    state.servers["9100007"] = huge_texts_server(64 * 1024)
    result = SoakResult()
    with tempfile.TemporaryDirectory(prefix="zomro-soak-") as home, Emulator(state) as emulator:
        store = SettingsStore(Path(home))
        store.save(Settings(accounts=(Account(api_url=emulator.url),)))
        timing = Timing(
            fast=0.005,
            stale=0.02,
            backoff_start=0.005,
            backoff_cap=0.04,
            action_timeout=5.0,
            idle=0.005,
            undo=0.005,  # a shutdown clicked in the soak goes out almost at once
        )
        app = TrayApp(
            store,
            SessionOnlyStore(Credentials.from_password(DEMO_USER, DEMO_PASSWORD)),
            timing=timing,
        )
        app.feeds.first._host.action_requested.connect(  # what the app asked of the worker
            lambda key, action: result.sent.update([(f"service.{action.value}", key.id)])
        )
        app.start()
        elapsed_start = time.monotonic()
        state.fault_choices = SOAK_FAULTS
        state.fault_rate = fault_rate
        previous_hook = sys.excepthook
        sys.excepthook = lambda kind, error, trace: result.slot_errors.append(repr(error))
        try:
            _drive(app, state, rng, cycles, result, timeout=timeout)
            state.clear_faults()
            result.mismatches = _settle_and_compare(app, state)
            result.worker_alive = app.feeds.first.is_running()
            result.at_end = _footprint(app)
        finally:
            sys.excepthook = previous_hook
            result.seconds = time.monotonic() - elapsed_start
            result.cycles = app.feeds.first.worker.attempts
            result.successes = app.feeds.first.worker.refreshes
            result.received = Counter(state.actions)
            result.faults = Counter(state.faults_served)
            app.stop_worker()
            app.dispose()
            qt.sendPostedEvents()
            gc.collect()
    return result


def _drive(
    app: TrayApp,
    state: object,
    rng: random.Random,
    cycles: int,
    result: SoakResult,
    *,
    timeout: float,
) -> None:
    deadline = time.monotonic() + timeout
    server_ids = [sid for sid, s in state.servers.items() if s.account == DEMO_USER]  # type: ignore[attr-defined]
    feed = app.feeds.first  # the soak's one account
    while feed.worker.attempts < cycles:
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"soak stalled at cycle {feed.worker.attempts}: {feed.connection.value}, "
                f"{feed.problem!r}"
            )
        target = min(feed.worker.attempts + 25, cycles)
        spin_until(lambda t=target: feed.worker.attempts >= t, 30)
        # Like with like: the end is measured online with every server listed, so the
        # checkpoint is too (a drip fault's valid empty list can leave the menu empty a moment).
        settled = feed.connection is Connection.ONLINE and len(app.shown) == len(server_ids)
        if result.at_checkpoint is None and feed.worker.attempts >= CHECKPOINT and settled:
            result.at_checkpoint = _footprint(app)
        roll = rng.random()
        if roll < 0.3:  # behind the app's back: the web panel, or the provider
            sid = rng.choice(server_ids)
            state.set_power(sid, rng.choice(["active", "stopped"]))  # type: ignore[attr-defined]
            result.external_changes += 1
        elif roll < 0.7:  # the user clicks an entry (offline, none can be clicked)
            clickable = [e.key for e in app.shown if e.click_action is not None]
            if clickable:
                app.toggle(rng.choice(clickable))
                result.clicks += 1
        elif roll < 0.8:  # the user opens the menu, or closes it
            if app.menu.menu.isVisible():
                app.menu.menu.hide()
            else:
                app.menu.menu.popup(app.menu.menu.pos())
    app.menu.menu.hide()


def _settle_and_compare(app: TrayApp, state: object) -> dict[str, tuple[str, str]]:
    """After the faults stop: the app must come to show exactly what the emulator holds."""

    def mismatches() -> dict[str, tuple[str, str]]:
        truth = state.snapshot(DEMO_USER)  # type: ignore[attr-defined]
        shown = {s.id: s.raw_status for s in app.services}
        return {
            sid: (shown.get(sid, "<missing>"), status)
            for sid, status in truth.items()
            if shown.get(sid) != status
        }

    spin_until(lambda: not app.feeds.pending() and not app.power.local_pending, 15)
    seen = app.feeds.first.worker.refreshes
    spin_until(lambda: app.feeds.first.worker.refreshes >= seen + 3 and not mismatches(), 15)
    return mismatches()
