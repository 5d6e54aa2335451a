"""``python -m benchmarks``: measure zomro-tray against baselines in the same run; print a table.

The machines are noisy, so every figure is set against a baseline measured in the same run (a
bare PySide6 tray app, a naive menu rebuild, an idle event loop) and reported as a ratio with
medians over repeated runs. The latest table is saved as benchmarks/RESULTS.md.

    python -m benchmarks           # everything: 60 s idle window, 10,000-cycle soak
    python -m benchmarks --quick   # fewer runs, 10 s idle, 1,500-cycle soak
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import json
import math
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # the in-process measurements

from PySide6 import __version__ as pyside_version
from PySide6.QtWidgets import QApplication, QMenu

from benchmarks import xdisplay
from benchmarks.probes import StallMeter
from benchmarks.soak import CHECKPOINT, run_soak, spin_until
from zomro_tray import __version__
from zomro_tray.api.client import ZomroClient
from zomro_tray.core.account import Account
from zomro_tray.core.credentials import Credentials
from zomro_tray.core.model import Action, PowerState, ServerKey, Service
from zomro_tray.core.overall import Connection
from zomro_tray.emulator import Emulator, build_state
from zomro_tray.emulator.scenarios import add_servers
from zomro_tray.emulator.servers import Account as EmulatedAccount
from zomro_tray.gui.paint.dots import status_dot
from zomro_tray.gui.tray.tray import TrayApp
from zomro_tray.store.keychain import SessionOnlyKeychain, SessionOnlyStore
from zomro_tray.store.settings import Settings, SettingsStore
from zomro_tray.worker.contract import Snapshot

ROOT = Path(__file__).resolve().parent.parent
FROZEN = ROOT / "dist" / "zomro-tray" / "zomro-tray"
ONEFILE = ROOT / "dist" / "zomro-tray-onefile"
STATUS_LINE = re.compile(r"first statuses shown \(monotonic ([0-9.]+)\)")


@dataclass
class Row:
    measure: str
    ours: str
    baseline: str = ""
    ratio: str = ""
    target: str = ""
    verdict: str = ""


def ratio_row(
    measure: str,
    ours: float,
    base: float,
    unit: str,
    target: float | None,
    baseline_name: str,
    digits: int = 0,
) -> Row:
    ratio = ours / base if base else math.inf
    verdict = "" if target is None else ("met" if ratio <= target else "NOT met")
    return Row(
        measure,
        f"{ours:.{digits}f} {unit}",
        f"{base:.{digits}f} {unit} ({baseline_name})",
        f"{ratio:.2f}×",
        f"≤ {target}×" if target else "",
        verdict,
    )


# --- start-up, memory, idle cost: separate processes, real X server and tray host ---


def _rss_kib(pid: int) -> int:
    """Resident memory of a process and its descendants (a one-file build runs the app in a
    child of its unpacking bootloader)."""
    total = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            total = int(line.split()[1])
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            total += _rss_kib(int(child))
    return total


def _cpu_and_switches(pid: int) -> tuple[float, dict[int, int]]:
    """CPU seconds (user + system, all threads, live or ended) and context switches per thread."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    switches = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        count = 0
        for line in (task / "status").read_text().splitlines():
            if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                count += int(line.split()[1])
        switches[int(task.name)] = count
    return cpu, switches


def _wakeups(before: dict[int, int], after: dict[int, int]) -> int:
    """Switches in the window: threads alive at both ends, plus all of those born in it.
    (A thread that ended in the window takes its counter with it; it is not subtracted.)"""
    return sum(count - before.get(tid, 0) for tid, count in after.items())


@dataclass
class Launch:
    process: subprocess.Popen[bytes]
    icon_s: float
    status_s: float | None
    log: Path


def _launch(
    env: dict[str, str], argv: list[str], window_class: str, log: Path, wants_status: bool
) -> Launch:
    with log.open("w") as out:
        started = time.monotonic()
        process = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT)
    xdisplay.wait_for(
        lambda: xdisplay.tray_icon(env, window_class), 60, f"{argv[0]} icon", step=0.01
    )
    icon_s = time.monotonic() - started
    status_s = None
    if wants_status:
        try:
            match = xdisplay.wait_for(
                lambda: STATUS_LINE.search(log.read_text()), 30, "first statuses", step=0.01
            )
            status_s = float(match[1]) - started
        except TimeoutError:  # a build from before this log line existed
            status_s = None
    return Launch(process, icon_s, status_s, log)


def _stop(launch: Launch) -> None:
    launch.process.send_signal(signal.SIGTERM)
    try:
        launch.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        launch.process.kill()


def _app_env(
    base: dict[str, str], home: Path, url: str, token: str, refresh: int = 60
) -> dict[str, str]:
    config = home / "config" / "zomro-tray"
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.json").write_text(json.dumps({"api_url": url, "refresh_seconds": refresh}))
    return {
        **base,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "TMPDIR": str(home),
        "ZOMRO_TOKEN": token,
    }


def _settle(seconds: float) -> None:
    time.sleep(seconds)  # noqa: TID251 - the driver waits; the apps under test run on their own


def _compile_like_an_install() -> None:
    """Bytecode for the package, as pip, pipx and the .deb install it. A checkout run under
    PYTHONDONTWRITEBYTECODE (set on these machines) would otherwise compile every module from
    source at every start: the start-up rows would measure Python's compiler (~25 ms here)."""
    compileall.compile_dir(ROOT / "zomro_tray", quiet=1)


def startup_memory_idle(runs: int, idle_seconds: float, work: Path) -> list[Row]:
    bare = [sys.executable, str(ROOT / "benchmarks" / "bare_tray.py")]
    ours = [sys.executable, "-m", "zomro_tray", "-v"]
    floor = [sys.executable, str(ROOT / "benchmarks" / "bare_requests_tray.py")]
    commands = {"bare": bare, "ours": ours, "floor": floor}
    if FROZEN.exists():
        commands["frozen"] = [str(FROZEN), "-v"]
    if ONEFILE.exists():  # ZOMRO_ONEFILE=1 pyinstaller build.spec: compared, never shipped
        commands["onefile"] = [str(ONEFILE), "-v"]
    peer = shutil.which("syncthingtray")  # a native C++/Qt tray app (apt-get install it)
    if peer:
        commands["syncthingtray"] = [peer]
    classes = {
        "bare": "zomro-bare",
        "floor": "zomro-bare-requests",
        "syncthingtray": "Syncthing Tray",
    }
    without_statuses = {"bare", "syncthingtray"}
    times: dict[str, list[float]] = {name: [] for name in commands}
    statuses: dict[str, list[float]] = {name: [] for name in commands}
    memory: dict[str, list[int]] = {name: [] for name in commands}
    rows: list[Row] = []
    _compile_like_an_install()
    with Emulator() as emulator, xdisplay.tray_display(work) as display:
        for run in range(runs):
            for name, argv in commands.items():  # interleaved: drift hits all alike
                home = work / f"{name}-{run}"
                env = _app_env(display, home, emulator.url, emulator.demo_token)
                window_class = classes.get(name, "zomro-tray")
                wants_status = name not in without_statuses
                launch = _launch(env, argv, window_class, home / "app.log", wants_status)
                _settle(0.5)
                memory[name].append(_rss_kib(launch.process.pid))
                times[name].append(launch.icon_s)
                if launch.status_s is not None:
                    statuses[name].append(launch.status_s)
                _stop(launch)
        median = {name: statistics.median(values) for name, values in times.items()}
        rows.append(
            ratio_row(
                f"start → tray icon shown (median of {runs})",
                median["ours"] * 1000,
                median["bare"] * 1000,
                "ms",
                1.25,
                "bare PySide6 tray",
            )
        )
        rows += _floor_rows(median["bare"], statuses, memory)
        if "syncthingtray" in commands:
            rows.append(
                ratio_row(
                    "start → tray icon shown, against a native peer (median)",
                    median["ours"] * 1000,
                    median["syncthingtray"] * 1000,
                    "ms",
                    1.0,
                    "syncthingtray 1.3, C++/Qt",
                )
            )
        for build, label in (("frozen", "frozen bundle"), ("onefile", "one-file build")):
            if build in commands:
                rows += _build_rows(label, build, median, statuses, memory)
        rows += _idle_cost(display, emulator, work, idle_seconds, bare, ours)
    return rows


def _floor_rows(
    bare_icon_s: float, statuses: dict[str, list[float]], memory: dict[str, list[int]]
) -> list[Row]:
    """First statuses and memory against the bare tray (the goals), and against the floor of a
    requests-based tray (bare_requests_tray.py): a goal under that floor cannot be met by any
    app built on requests, and the row says so with the floor's own ratio."""
    ours_s = statistics.median(statuses["ours"])
    floor_s = statistics.median(statuses["floor"])
    ours_mib = statistics.median(memory["ours"]) / 1024
    floor_mib = statistics.median(memory["floor"]) / 1024
    bare_mib = statistics.median(memory["bare"]) / 1024
    statuses_row = ratio_row(
        "start → first statuses shown",
        ours_s * 1000,
        bare_icon_s * 1000,
        "ms",
        1.6,
        "bare tray's icon",
    )
    memory_row = ratio_row(
        "resident memory after the first refresh",
        ours_mib,
        bare_mib,
        "MiB",
        1.35,
        "bare PySide6 tray",
        digits=1,
    )
    floor_name = "bare tray + requests: one request, a menu"
    return [
        _under_the_floor(statuses_row, floor_s / bare_icon_s, 1.6),
        ratio_row(
            "start → first statuses, against the floor",
            ours_s * 1000,
            floor_s * 1000,
            "ms",
            None,
            floor_name,
        ),
        _under_the_floor(memory_row, floor_mib / bare_mib, 1.35),
        ratio_row(
            "resident memory, against the floor",
            ours_mib,
            floor_mib,
            "MiB",
            None,
            floor_name,
            digits=1,
        ),
    ]


def _under_the_floor(row: Row, floor_ratio: float, target: float) -> Row:
    if row.verdict == "NOT met" and floor_ratio > target:
        return replace(row, verdict=f"NOT met: the floor is {floor_ratio:.2f}×")
    return row


def keychain_rows(runs: int, work: Path) -> list[Row]:
    """The sign-in read from a real keychain, as the tray reads it (a helper process started at
    launch, keychain.py), against the same sign-in in ZOMRO_TOKEN, in one run. Needs a Secret
    Service on the session bus: `tests/sandbox python -m benchmarks` (gnome-keyring)."""
    import keyring
    from keyring.backends.SecretService import Keyring as SecretService

    from zomro_tray.store.keychain import SecretStore

    try:
        usable = SecretService().priority > 0
    except RuntimeError:  # keyring's way of saying "no D-Bus, no daemon"
        usable = False
    if not usable:
        return [Row("sign-in from the keychain", "skipped: no Secret Service (tests/sandbox)")]
    ours = [sys.executable, "-m", "zomro_tray", "-v"]
    statuses: dict[str, list[float]] = {"keychain": [], "token": []}
    memory: dict[str, list[int]] = {"keychain": [], "token": []}
    keyring.set_keyring(SecretService())
    _compile_like_an_install()
    (work / "keychain").mkdir(parents=True, exist_ok=True)
    with Emulator() as emulator, xdisplay.tray_display(work / "keychain") as display:
        bus = {"DBUS_SESSION_BUS_ADDRESS": os.environ["DBUS_SESSION_BUS_ADDRESS"]}
        SecretStore().save(Credentials.from_token(emulator.demo_token))
        try:
            for run in range(runs):
                for way in ("keychain", "token"):  # interleaved: drift hits both alike
                    home = work / "keychain" / f"{way}-{run}"
                    env = {**_app_env(display, home, emulator.url, emulator.demo_token), **bus}
                    if way == "keychain":
                        del env["ZOMRO_TOKEN"]
                    launch = _launch(env, ours, "zomro-tray", home / "app.log", True)
                    _settle(0.5)
                    memory[way].append(_rss_kib(launch.process.pid))
                    if launch.status_s is not None:
                        statuses[way].append(launch.status_s)
                    _stop(launch)
        finally:
            SecretStore().clear()
    same = "the same sign-in in ZOMRO_TOKEN"
    return [
        ratio_row(
            "start → first statuses, sign-in from the keychain",
            statistics.median(statuses["keychain"]) * 1000,
            statistics.median(statuses["token"]) * 1000,
            "ms",
            None,
            same,
        ),
        ratio_row(
            "resident memory, sign-in from the keychain",
            statistics.median(memory["keychain"]) / 1024,
            statistics.median(memory["token"]) / 1024,
            "MiB",
            None,
            same,
            digits=1,
        ),
    ]


def _build_rows(
    label: str,
    build: str,
    median: dict[str, float],
    statuses: dict[str, list[float]],
    memory: dict[str, list[int]],
) -> list[Row]:
    """A frozen build against `python -m zomro_tray`, measured in the same run."""
    base = "python -m zomro_tray"
    rows = [
        ratio_row(
            f"{label}: start → tray icon shown",
            median[build] * 1000,
            median["ours"] * 1000,
            "ms",
            None,
            base,
        )
    ]
    if statuses[build]:
        rows.append(
            ratio_row(
                f"{label}: start → first statuses",
                statistics.median(statuses[build]) * 1000,
                statistics.median(statuses["ours"]) * 1000,
                "ms",
                None,
                base,
            )
        )
    else:
        rows.append(
            Row(
                f"{label}: start → first statuses",
                "not reported: the build is older than the source; rebuild it",
            )
        )
    rows.append(
        ratio_row(
            f"{label}: resident memory",
            statistics.median(memory[build]) / 1024,
            statistics.median(memory["ours"]) / 1024,
            "MiB",
            None,
            base,
            digits=1,
        )
    )
    return rows


def _idle_cost(
    display: dict[str, str],
    emulator: Emulator,
    work: Path,
    seconds: float,
    bare: list[str],
    ours: list[str],
) -> list[Row]:
    """Both apps side by side for `seconds` of idle (ours between two refreshes an hour apart)."""
    home_ours, home_bare = work / "idle-ours", work / "idle-bare"
    ours_app = _launch(
        _app_env(display, home_ours, emulator.url, emulator.demo_token, 3600),
        ours,
        "zomro-tray",
        home_ours / "app.log",
        wants_status=True,
    )
    bare_app = _launch(
        _app_env(display, home_bare, emulator.url, ""),
        bare,
        "zomro-bare",
        home_bare / "app.log",
        wants_status=False,
    )
    try:
        _settle(2.0)
        requests_before = sum(emulator.state.calls.values())
        before = {
            n: _cpu_and_switches(a.process.pid) for n, a in (("ours", ours_app), ("bare", bare_app))
        }
        _settle(seconds)
        after = {
            n: _cpu_and_switches(a.process.pid) for n, a in (("ours", ours_app), ("bare", bare_app))
        }
        requests = sum(emulator.state.calls.values()) - requests_before
    finally:
        _stop(ours_app)
        _stop(bare_app)
    cpu = {n: (after[n][0] - before[n][0]) * 1000 for n in after}
    wakes = {n: _wakeups(before[n][1], after[n][1]) for n in after}
    label = f"over {seconds:.0f} s idle"
    return [
        Row(
            f"CPU time {label}",
            f"{cpu['ours']:.0f} ms",
            f"{cpu['bare']:.0f} ms (bare tray)",
            f"{cpu['ours'] - cpu['bare']:+.0f} ms",
            "≈ bare",
            _near(cpu["ours"], cpu["bare"], 30),
        ),
        Row(
            f"wake-ups (context switches, all threads) {label}",
            f"{wakes['ours']}",
            f"{wakes['bare']} (bare tray)",
            f"{wakes['ours'] - wakes['bare']:+d}",
            "no timer wake-ups",
            _near(wakes["ours"], wakes["bare"], 10),
        ),
        Row(
            f"API requests {label}",
            str(requests),
            "",
            "",
            "0",
            "met" if requests == 0 else "NOT met",
        ),
    ]


def _near(ours: float, bare: float, slack: float) -> str:
    return "met" if ours <= bare + slack else "NOT met"


# --- in-process: requests, GUI-thread time, stalls ---


def requests_per_refresh() -> list[Row]:
    rows = []
    for count in (1, 10, 100, 1000):
        # The client pages at the user's own rows-per-page (it never sends p_cnt): here a user
        # whose panel shows 100 rows, the emulator's largest page.
        state = build_state("empty", default_page_size=100)
        add_servers(state, count)
        with Emulator(state) as emulator:
            client = ZomroClient(emulator.url, Credentials.from_token(emulator.demo_token))
            listed = len(client.list_services())
            requests = emulator.state.calls["instances"]
        pages = max(1, math.ceil(count / state.max_page_size))
        rows.append(
            Row(
                f"requests per refresh, {count} servers ({listed} listed)",
                str(requests),
                f"{pages} page(s) of {state.max_page_size}",
                f"{requests / pages:.2f}×",
                "= pages",
                "met" if requests == pages and listed == count else "NOT met",
            )
        )
    return rows


#: Several accounts in one tray: each account's servers (ids apart), paged at 100 rows.
ACCOUNT_SERVERS = {"agency": 1, "client-a": 10, "client-b": 100, "client-c": 250, "client-d": 1000}


def requests_per_refresh_of_accounts(work: Path) -> list[Row]:
    """The tray with five accounts: one refresh of each costs one list request per page of
    that account, and nothing for the others (each worker asks for its own account only)."""
    state = build_state("empty", default_page_size=100)
    for number, (user, count) in enumerate(ACCOUNT_SERVERS.items()):
        state.accounts[user] = EmulatedAccount(user, f"{user}-password")
        add_servers(state, count, user, first_id=7000000 + 10_000 * number)
    with Emulator(state) as emulator:
        accounts = tuple(
            Account(key=str(n), label=user, api_url=emulator.url)
            for n, user in enumerate(ACCOUNT_SERVERS, 2)
        )
        keychain = SessionOnlyKeychain(
            {
                a.keychain_entry: Credentials.from_password(a.label, f"{a.label}-password")
                for a in accounts
            }
        )
        store = SettingsStore(work / "accounts")
        store.save(Settings(accounts=accounts))
        app = TrayApp(store, keychain)
        try:
            app.start()
            feeds = list(app.feeds)
            spin_until(lambda: all(f.connection is Connection.ONLINE for f in feeds), 60)
            before = emulator.state.calls_by.copy()
            refreshes = [f.worker.refreshes for f in feeds]
            app.feeds.refresh()
            spin_until(
                lambda: all(f.worker.refreshes > n for f, n in zip(feeds, refreshes, strict=True)),
                60,
            )
            done = [f.worker.refreshes - n for f, n in zip(feeds, refreshes, strict=True)]
            lists = [
                emulator.state.calls_by[(u, "instances")] - before[(u, "instances")]
                for u in ACCOUNT_SERVERS
            ]
            shown = [len(f.services) for f in feeds]
        finally:
            app.stop_worker()
            app.dispose()
    rows = []
    for (user, count), made, asked, listed in zip(
        ACCOUNT_SERVERS.items(), done, lists, shown, strict=True
    ):
        pages = max(1, math.ceil(count / state.max_page_size))
        per_refresh = asked / max(made, 1)
        rows.append(
            Row(
                f"requests per refresh, 5 accounts in the tray: {user}, {count} servers"
                f" ({listed} listed)",
                f"{per_refresh:g}",
                f"{pages} page(s) of {state.max_page_size}",
                f"{per_refresh / pages:.2f}×",
                "= pages of that account",
                "met" if per_refresh == pages and listed == count else "NOT met",
            )
        )
    return rows


def _services(count: int, flip: bool) -> tuple[Service, ...]:
    states = (PowerState.ACTIVE, PowerState.STOPPED, PowerState.STARTING)
    return tuple(
        Service(
            id=str(7_000_000 + n),
            name=f"node-{n:04d}",
            power=states[(n + flip) % 3],
            raw_status="active",
            ip=f"203.0.113.{n % 254 + 1}",
        )
        for n in range(count)
    )


def _median_ms(action: Callable[[], None], repeats: int = 7) -> float:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def gui_apply_time(work: Path) -> list[Row]:
    qt = QApplication.instance()
    rows = []
    store = SettingsStore(work / "apply")
    store.save(Settings(accounts=(Account(api_url="http://127.0.0.1:9/"),)))
    app = TrayApp(store, SessionOnlyStore())
    try:
        for count in (10, 100, 1000):
            snapshots = [Snapshot(_services(count, flip), datetime.now()) for flip in (False, True)]
            flip = iter(range(10**6))

            def apply(visible: bool, snapshots: list[Snapshot] = snapshots, flip=flip) -> None:
                app._on_snapshot(app.feeds.first, snapshots[next(flip) % 2])
                if visible:
                    qt.processEvents()  # the repaint that follows belongs to the cost

            app.feeds.first.connection = Connection.ONLINE
            hidden = _median_ms(lambda: apply(False))
            app.menu.menu.popup(app.menu.menu.pos())
            qt.processEvents()
            shown = _median_ms(lambda: apply(True))
            app.menu.menu.hide()
            rebuild_menu = QMenu()
            for service in snapshots[0].services:  # open and full, like the real menu
                rebuild_menu.addAction(status_dot(service.power), f"{service.name} — x")
            rebuild_menu.popup(rebuild_menu.pos())
            qt.processEvents()

            def rebuild(
                rebuild_menu: QMenu = rebuild_menu,
                snapshots: list[Snapshot] = snapshots,
                flip=flip,
            ) -> None:
                rebuild_menu.clear()
                for service in snapshots[next(flip) % 2].services:
                    rebuild_menu.addAction(status_dot(service.power), f"{service.name} — x")
                qt.processEvents()

            naive = _median_ms(rebuild)
            rebuild_menu.hide()
            rebuild_menu.deleteLater()
            rows.append(
                ratio_row(
                    f"GUI thread: apply a refresh of {count} servers, menu open",
                    shown,
                    naive,
                    "ms",
                    None,
                    "clear() + rebuild",
                    digits=1,
                )
            )
            rows[-1].target, rows[-1].verdict = "< 50 ms", "met" if shown < 50 else "NOT met"
            closed_budget = 10 if count == 1000 else 50  # issue 20: 1,000 servers in 10 ms
            rows.append(
                Row(
                    f"GUI thread: apply a refresh of {count} servers, menu closed",
                    f"{hidden:.2f} ms",
                    "",
                    "",
                    f"≤ {closed_budget} ms",
                    "met" if hidden <= closed_budget else "NOT met",
                )
            )
        rows.append(_one_change_row(app))
        rows.append(_window_row(app, qt))
    finally:
        app.dispose()
        qt.sendPostedEvents()
    return rows


def _window_row(app: TrayApp, qt: QApplication) -> Row:
    """The window open on all 1,000 servers, a search typed, every server changing."""
    snapshots = [Snapshot(_services(1000, flip), datetime.now()) for flip in (False, True)]
    flips = iter(range(10**6))
    app.show_window()
    assert app.window is not None
    app.window.search.setText("node-09")  # a search that keeps a hundred rows
    qt.processEvents()

    def apply() -> None:
        app._on_snapshot(app.feeds.first, snapshots[next(flips) % 2])
        qt.processEvents()  # the repaint belongs to the cost

    took = _median_ms(apply)
    app.window.hide()
    return Row(
        "GUI thread: apply a refresh of 1000 servers, window open with a search",
        f"{took:.1f} ms",
        "",
        "",
        "≤ 50 ms",
        "met" if took <= 50 else "NOT met",
    )


def _one_change_row(app: TrayApp) -> Row:
    """The everyday refresh at 1,000 servers: one of them changed (the rows above change all of
    them at every refresh, the worst case)."""
    snapshots = []
    for n in range(8):  # each refresh parses new, equal objects: so does this
        fresh = _services(1000, False)
        if n % 2:
            fresh = (replace(fresh[0], power=PowerState.STOPPED), *fresh[1:])
        snapshots.append(Snapshot(fresh, datetime.now()))
    app._on_snapshot(app.feeds.first, snapshots[-1])
    took = _median_ms(lambda: app._on_snapshot(app.feeds.first, snapshots.pop(0)))
    return Row(
        "GUI thread: apply a refresh of 1000 servers, one changed, menu closed",
        f"{took:.2f} ms",
        "",
        "",
        "≤ 10 ms",
        "met" if took <= 10 else "NOT met",
    )


def dbus_menu_apply(work: Path) -> list[Row]:
    """The same refreshes, with the menu exported over DBusMenu to a tray host (a child process
    in its own X display and D-Bus session: benchmarks/dbus_menu.py)."""
    watcher_script = ROOT / "tests" / "desktops" / "sni_watcher.py"
    with xdisplay.bare_display(work / "dbus-menu") as env:
        watcher = xdisplay.start_sni_watcher(env, watcher_script)
        try:
            child = subprocess.run(
                [sys.executable, "-m", "benchmarks.dbus_menu"],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=600,
                check=True,
            )
        finally:
            watcher.terminate()
            watcher.wait(timeout=10)
            if watcher.stdout is not None:
                watcher.stdout.close()
    results = json.loads(child.stdout.strip().splitlines()[-1])
    rows = []
    for count, figures in results.items():
        rows.append(
            ratio_row(
                f"GUI thread: apply a refresh of {count} servers, menu exported over D-Bus",
                figures["exported_ms"],
                figures["unexported_ms"],
                "ms",
                None,
                "same menu, not exported",
                digits=1,
            )
        )
        budget = 20 if count == "1000" else 50  # issue 20: 1,000 servers exported in 20 ms
        rows[-1].target = f"≤ {budget} ms"
        rows[-1].verdict = "met" if figures["exported_ms"] <= budget else "NOT met"
        rows.append(
            Row(
                f"until a tray host's GetLayout shows a refresh of {count} servers",
                f"{figures['host_sees_ms']:.1f} ms",
            )
        )
    return rows


def gui_stalls(work: Path) -> list[Row]:
    """The longest gap of a 5 ms GUI-thread timer: idle (baseline) vs while Zomro takes 3 s."""
    meter = StallMeter(interval_ms=5)

    def measure(until: Callable[[], bool], timeout: float) -> int:
        meter.start()
        spin_until(until, timeout)
        return meter.stop()

    deadline = time.monotonic() + 3.0
    idle = measure(lambda: time.monotonic() > deadline, 5)
    state = build_state("demo", latency=3.0, transition_seconds=0.3)
    rows = []
    with (
        Emulator(state) as emulator,
        _tray_on(emulator.url, emulator.demo_token, work / "stall") as app,
    ):
        refreshing = measure(lambda: app.feeds.first.connection is Connection.ONLINE, 20)
        done: list[bool] = []
        app.feeds.first.worker.action_finished.connect(lambda *_: done.append(True))
        app.power.send(ServerKey("", "5116805"), Action.START)
        acting = measure(lambda: bool(done), 30)
    listing, details = _hostile_stalls(work, measure)
    for label, value in (
        ("while the API answers after 3 s", refreshing),
        ("while a start is in flight (3 s answers)", acting),
        ("while a list with megabyte texts is read and shown", listing),
        ("while a server of megabyte texts shows its details", details),
    ):
        rows.append(
            Row(
                f"longest GUI-thread stall {label}",
                f"{value} ms",
                f"{idle} ms (idle event loop)",
                f"{value - idle:+d} ms",
                "< 50 ms",
                "met" if value < 50 else "NOT met",
            )
        )
    return rows


def _hostile_stalls(
    work: Path, measure: Callable[[Callable[[], bool], float], int]
) -> tuple[int, int]:
    """The hostile scenario (issue 28): a server whose every text is a megabyte, some made of
    what makes a careless pattern quadratic; its list read and shown, then its details. The
    emulator runs in a process of its own here: writing its 5 MB answers in this one would hold
    the interpreter lock that the GUI thread waits for, a cost a real server never puts on us."""
    from zomro_tray.emulator.scenarios import HUGE_TEXTS

    with (
        _emulator_process("hostile") as (url, token),
        _tray_on(url, token, work / "hostile") as app,
    ):
        listing = measure(lambda: app.feeds.first.connection is Connection.ONLINE, 30)
        app.show_window()
        window = app.window
        assert window is not None
        window.select(ServerKey("", HUGE_TEXTS))
        story = window.story
        details = measure(lambda: bool(story._story and story._story.resources), 30)
    return listing, details


@contextlib.contextmanager
def _emulator_process(scenario: str) -> Iterator[tuple[str, str]]:
    """`zomro-tray emulator` in a process of its own: its address and demo token."""
    command = [sys.executable, "-m", "zomro_tray", "emulator", "--scenario", scenario]
    with subprocess.Popen(
        [*command, "--port", "0"], stdout=subprocess.PIPE, text=True, env=_unbuffered_env()
    ) as process:
        assert process.stdout is not None
        url = token = ""
        while not (url and token):
            line = process.stdout.readline()
            if not line:
                raise RuntimeError("the emulator did not start")
            url = url or (line.split("listening on ")[-1].strip() if "listening on" in line else "")
            token = token or line.partition("export ZOMRO_TOKEN=")[2].strip()
        try:
            yield url, token
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=30)


def _unbuffered_env() -> dict[str, str]:
    return {**os.environ, "PYTHONUNBUFFERED": "1"}


@contextlib.contextmanager
def _tray_on(url: str, token: str, folder: Path) -> Iterator[TrayApp]:
    """The tray app signed in to an emulator at that address, started; stopped after."""
    store = SettingsStore(folder)
    store.save(Settings(accounts=(Account(api_url=url),)))
    app = TrayApp(store, SessionOnlyStore(Credentials.from_token(token)))
    try:
        app.start()
        yield app
    finally:
        app.stop_worker()
        app.dispose()


# --- frozen bundle, soak, report ---


def frozen_size() -> list[Row]:
    if not FROZEN.exists():
        return [Row("frozen bundle", "not built (packaging/linux/build.sh)")]
    folder = FROZEN.parent
    files = (p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    size = sum(p.stat().st_size for p in files) / 2**20  # as du counts it: links once
    rows = [
        Row(
            "frozen one-folder bundle size",
            f"{size:.0f} MiB",
            "",
            "",
            "< 130 MiB",
            "met" if size < 130 else "NOT met",
        )
    ]
    if ONEFILE.exists():
        rows.append(
            Row("one-file build size (not shipped)", f"{ONEFILE.stat().st_size / 2**20:.0f} MiB")
        )
    for download in sorted((ROOT / "dist").glob("zomro-tray*.*")):
        if download.is_file():
            mib = download.stat().st_size / 2**20
            rows.append(
                Row(
                    f"download {download.name}",
                    f"{mib:.1f} MiB",
                    "",
                    "",
                    "< 50 MiB",
                    "met" if mib < 50 else "NOT met",
                )
            )
    return rows


def soak_rows(cycles: int) -> list[Row]:
    result = run_soak(cycles, timeout=max(600.0, cycles * 0.1))
    assert result.at_checkpoint is not None
    assert result.at_end is not None
    start, end = result.at_checkpoint, result.at_end
    ok = (
        result.worker_alive
        and not result.slot_errors
        and not result.mismatches
        and not result.unasked_actions
        and end.threads <= start.threads
        and end.timers == start.timers
        and end.menu_actions == start.menu_actions
        and result.rss_growth < 8 * 2**20
    )
    faults = ", ".join(f"{k} {v}" for k, v in sorted(result.faults.items()))
    return [
        Row(
            f"soak: {result.cycles} refresh cycles in {result.seconds:.0f} s",
            f"{result.successes} ok; faults {sum(result.faults.values())}",
            faults,
            "",
            "survives",
            "met" if result.worker_alive else "NOT met",
        ),
        Row(
            "soak: exceptions raised in Qt slots",
            str(len(result.slot_errors))
            + (f": {result.slot_errors[:2]}" if result.slot_errors else ""),
            "",
            "",
            "0",
            "met" if not result.slot_errors else "NOT met",
        ),
        Row(
            "soak: state matches the emulator after the faults stop",
            "yes" if not result.mismatches else f"no: {result.mismatches}",
            "",
            "",
            "yes",
            "met" if not result.mismatches else "NOT met",
        ),
        Row(
            f"soak: actions sent ({result.clicks} clicks, {result.external_changes} changes "
            "behind the app)",
            str(sum(result.received.values())),
            f"{sum(result.sent.values())} asked for",
            "",
            "none unasked",
            "met" if not result.unasked_actions else "NOT met",
        ),
        Row(
            f"soak: RSS at cycle {CHECKPOINT} → end",
            f"{start.rss / 2**20:.1f} → {end.rss / 2**20:.1f} MiB",
            "",
            f"{result.rss_growth / 2**20:+.1f} MiB",
            "no growth",
            "met" if result.rss_growth < 8 * 2**20 else "NOT met",
        ),
        Row(
            f"soak: threads / timers / menu actions at cycle {CHECKPOINT} → end",
            f"{start.threads}/{start.timers}/{start.menu_actions} → "
            f"{end.threads}/{end.timers}/{end.menu_actions}",
            "",
            "",
            "no growth",
            "met" if ok else "NOT met",
        ),
    ]


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = int(Path("/proc/meminfo").read_text().split()[1]) / 2**20
    return (
        f"{platform.node()}: {cpu}, {os.cpu_count()} cores, {memory:.0f} GiB; "
        f"{platform.platform()}; Python {platform.python_version()}; PySide6 "
        f"{pyside_version}; zomro-tray {__version__}"
    )


def render(rows: list[Row]) -> str:
    header = ("measure", "zomro-tray", "baseline (same run)", "ratio / Δ", "target", "")
    table = [header, *((r.measure, r.ours, r.baseline, r.ratio, r.target, r.verdict) for r in rows)]
    lines = ["| " + " | ".join(cells) + " |" for cells in table]
    lines.insert(1, "|" + "---|" * len(header))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="fewer runs, shorter idle and soak")
    parser.add_argument("--runs", type=int, help="start-up runs per app (default 15, quick 5)")
    parser.add_argument("--idle-seconds", type=float, help="idle window (default 60, quick 10)")
    parser.add_argument("--soak-cycles", type=int, help="soak length (default 10000, quick 1500)")
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="SECTION",
        choices=[
            "startup",
            "keychain",
            "requests",
            "apply",
            "dbusmenu",
            "stalls",
            "bundle",
            "soak",
        ],
        help="run only these sections (implies --no-write)",
    )
    args = parser.parse_args()
    runs = args.runs or (5 if args.quick else 15)  # a ~150 ms figure on a noisy machine
    idle = args.idle_seconds or (10.0 if args.quick else 60.0)
    cycles = args.soak_cycles or (1500 if args.quick else 10_000)
    QApplication.instance() or QApplication([])
    started = time.monotonic()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="zomro-bench-") as scratch:
        work = Path(scratch)
        sections: dict[str, Callable[[], list[Row]]] = {
            "startup": lambda: startup_memory_idle(runs, idle, work),
            "keychain": lambda: keychain_rows(runs, work),
            "requests": lambda: requests_per_refresh() + requests_per_refresh_of_accounts(work),
            "apply": lambda: gui_apply_time(work),
            "dbusmenu": lambda: dbus_menu_apply(work),
            "stalls": lambda: gui_stalls(work),
            "bundle": frozen_size,
            "soak": lambda: soak_rows(cycles),
        }
        for name, section in sections.items():
            if args.only and name not in args.only:
                continue
            missing = (
                xdisplay.missing_tools() if name in ("startup", "keychain", "dbusmenu") else []
            )
            if missing:
                rows.append(Row("start-up, memory, idle cost", f"skipped: {missing} missing"))
                continue
            print(f"{name}…", flush=True)
            rows += section()
    table = render(rows)
    print(table)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    report = (
        f"# Benchmark results\n\n`python -m benchmarks{' --quick' if args.quick else ''}`"
        f", {when}, {time.monotonic() - started:.0f} s.\n\nMachine: {machine()}\n\n{table}\n"
    )
    if not (args.no_write or args.only):
        (ROOT / "benchmarks" / "RESULTS.md").write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
