"""Applying a refresh to a menu that a tray host reads over D-Bus (run by ``python -m benchmarks``).

Runs as a child process in a private X display and D-Bus session with a StatusNotifierWatcher,
so Qt exports the menu over DBusMenu as on GNOME, KDE, XFCE and waybar. For 10, 100 and 1,000
servers it measures, per refresh: the GUI thread's cost with the menu exported, the same cost
for a menu nobody exports (the baseline, same process), and the time until a D-Bus client's
``GetLayout`` holds the new labels (what a host redraws from). Prints one JSON object.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication

from benchmarks.__main__ import _services
from zomro_tray.core.account import Account
from zomro_tray.core.overall import Connection
from zomro_tray.gui.tray.tray import TrayApp
from zomro_tray.store.keychain import SessionOnlyStore
from zomro_tray.store.settings import Settings, SettingsStore
from zomro_tray.worker.contract import Snapshot

REPEATS = 5


def _pump_until(app: QApplication, done: Any, timeout: float) -> float:
    """Run the event loop until ``done()``; return the seconds it took."""
    started = time.perf_counter()
    while not done():
        app.processEvents()
        if time.perf_counter() - started > timeout:
            raise TimeoutError("gave up waiting")
    return time.perf_counter() - started


class LayoutReader:
    """A D-Bus client in its own thread, reading the exported menu as a tray host does."""

    def __init__(self) -> None:
        from jeepney.io.blocking import open_dbus_connection

        self.connection = open_dbus_connection(bus="SESSION")
        self.item = self._find_item()
        self.wanted = ""
        self.seen = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)

    def _find_item(self) -> str:
        from jeepney import DBusAddress, Properties

        watcher = DBusAddress(
            "/StatusNotifierWatcher",
            bus_name="org.kde.StatusNotifierWatcher",
            interface="org.kde.StatusNotifierWatcher",
        )
        reply = self.connection.send_and_get_reply(
            Properties(watcher).get("RegisteredStatusNotifierItems")
        )
        return str(reply.body[0][1][0]).split("/", 1)[0].rstrip("@")

    def start(self) -> None:
        self._thread.start()

    def _read(self) -> None:
        from jeepney import DBusAddress, new_method_call

        menu = DBusAddress("/MenuBar", bus_name=self.item, interface="com.canonical.dbusmenu")
        while not self._stop.is_set():
            reply = self.connection.send_and_get_reply(
                new_method_call(menu, "GetLayout", "iias", (0, -1, [])), timeout=30
            )
            text = json.dumps(reply.body, default=str, ensure_ascii=False)
            if self.wanted and self.wanted in text:
                self.seen.set()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
        self.connection.close()


def tray_menu_servers() -> int:
    from zomro_tray.display.presentation import MAX_MENU_SERVERS

    return MAX_MENU_SERVERS


def measure() -> dict[str, Any]:
    app = QApplication.instance() or QApplication([])
    work = Path(tempfile.mkdtemp(prefix="zomro-bench-dbus-"))
    trays = {}
    for name in ("exported", "unexported"):
        store = SettingsStore(work / name)
        store.save(Settings(accounts=(Account(api_url="http://127.0.0.1:9/"),)))
        trays[name] = TrayApp(store, SessionOnlyStore())
        trays[name].feeds.first.connection = Connection.ONLINE
    trays["exported"].tray_host.start()  # only this one gets an icon, so only its menu is exported
    _pump_until(app, lambda: trays["exported"].tray_host.available, 20)
    settled = time.perf_counter() + 0.5  # the item registers with the watcher
    _pump_until(app, lambda: time.perf_counter() > settled, 5)
    reader = LayoutReader()
    reader.start()
    results: dict[str, Any] = {}
    for count in (10, 100, 1000):
        snapshots = [  # every refresh renames the servers: the reader looks for the new names
            Snapshot(
                tuple(replace(s, name=f"{s.name}-{flip}") for s in _services(count, flip % 2 == 1)),
                datetime.now(),
            )
            for flip in range(REPEATS + 1)
        ]
        gui: dict[str, list[float]] = {"exported": [], "unexported": []}
        seen: list[float] = []
        for flip, snapshot in enumerate(snapshots):
            for name, tray in trays.items():
                started = time.perf_counter()
                tray._on_snapshot(tray.feeds.first, snapshot)
                elapsed = (time.perf_counter() - started) * 1000
                if flip:  # the first round creates the actions: not a refresh
                    gui[name].append(elapsed)
            reader.seen.clear()
            # The menu lists the first MAX_MENU_SERVERS: the last of those must reach the host.
            reader.wanted = snapshot.services[: tray_menu_servers()][-1].name
            waited = _pump_until(app, reader.seen.is_set, 60)
            if flip:
                seen.append(waited * 1000)
        results[str(count)] = {
            "exported_ms": statistics.median(gui["exported"]),
            "unexported_ms": statistics.median(gui["unexported"]),
            "host_sees_ms": statistics.median(seen),
        }
    reader.stop()
    return results


if __name__ == "__main__":
    print(json.dumps(measure()))
    sys.stdout.flush()
