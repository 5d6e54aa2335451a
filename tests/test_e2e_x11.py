"""End to end on a real X server: Xvfb, a real tray host (trayer, XEmbed), the app in --demo.

This is what a Linux user gets: the icon embedded in a panel, a right-click, the menu with the
servers. The screenshots are left in pytest's temporary directory (never in git).
ZOMRO_E2E_COMMAND selects another build of the app (the installed .deb in CI's smoke test).
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from benchmarks import xdisplay
from zomro_tray.gui.paint.icons import GREEN

pytestmark = pytest.mark.x11


def app_command() -> list[str]:
    chosen = os.environ.get("ZOMRO_E2E_COMMAND")
    return shlex.split(chosen) if chosen else [sys.executable, "-m", "zomro_tray"]


@pytest.fixture
def tray_display(tmp_path: Path) -> Iterator[dict[str, str]]:
    missing = xdisplay.missing_tools()
    if missing:
        if os.environ.get("ZOMRO_STRICT"):
            pytest.fail(f"end-to-end tools missing: {missing}")
        pytest.skip(f"needs {missing} (apt-get install xvfb trayer xdotool imagemagick)")
    with xdisplay.tray_display(tmp_path) as env:
        yield env


def open_menu(env: dict[str, str]) -> dict[str, int] | None:
    """The app's open menu: a large visible window of its class."""
    windows = xdisplay.windows(env, "--onlyvisible", "--class", "zomro-tray")
    return next((w for w in windows if w["WIDTH"] >= 150 and w["HEIGHT"] >= 150), None)


def count_colour(image: QImage, colour: str, box: dict[str, int], tolerance: int = 40) -> int:
    target = QColor(colour)
    hits = 0
    for x in range(box["X"], min(box["X"] + box["WIDTH"], image.width())):
        for y in range(box["Y"], min(box["Y"] + box["HEIGHT"], image.height())):
            pixel = image.pixelColor(x, y)
            distance = (
                abs(pixel.red() - target.red())
                + abs(pixel.green() - target.green())
                + abs(pixel.blue() - target.blue())
            )
            hits += distance < tolerance
    return hits


def test_demo_mode_icon_embeds_in_a_real_tray_and_its_menu_lists_the_servers(
    tray_display: dict[str, str], tmp_path: Path
) -> None:
    log_path = tmp_path / "app.log"
    with log_path.open("w") as log:
        app = subprocess.Popen(
            [*app_command(), "--demo", "-v"], env=tray_display, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            icon = xdisplay.wait_for(
                lambda: xdisplay.tray_icon(tray_display, "zomro-tray"),
                30,
                "the tray icon to be embedded",
            )
            xdisplay.wait_for(
                lambda: "first statuses shown" in log_path.read_text(), 15, "the first refresh"
            )
            assert "system tray available: icon shown" in log_path.read_text()
            xdisplay.screenshot(tray_display, tmp_path / "tray.png")
            menu = None
            for _click in range(3):  # a click that lands while trayer settles the embed is lost
                xdisplay.xdotool(
                    tray_display,
                    "mousemove",
                    str(icon["X"] + icon["WIDTH"] // 2),
                    str(icon["Y"] + icon["HEIGHT"] // 2),
                    "click",
                    "3",
                )
                try:
                    menu = xdisplay.wait_for(lambda: open_menu(tray_display), 5, "the menu")
                    break
                except TimeoutError:
                    continue
            assert menu is not None, "the menu did not open after three right-clicks"
            time.sleep(0.5)  # noqa: TID251 - the menu paints after it maps
            shot = tmp_path / "menu.png"
            xdisplay.screenshot(tray_display, shot)
            image = QImage(str(shot))
            assert not image.isNull()
            # Three running demo servers, each with a green dot of ~40 px: the list is there.
            assert count_colour(image, GREEN, menu) > 60
            xdisplay.xdotool(tray_display, "key", "Escape")
        finally:
            app.send_signal(signal.SIGTERM)
            code = app.wait(timeout=15)
    assert code == 0, log_path.read_text()
    print(f"screenshots in {tmp_path}")


def test_a_second_launch_exits_and_leaves_the_first_running(
    tray_display: dict[str, str],
) -> None:
    argv = [*app_command(), "--demo"]
    first = subprocess.Popen(
        argv, env=tray_display, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        xdisplay.wait_for(
            lambda: xdisplay.tray_icon(tray_display, "zomro-tray"), 30, "the first instance"
        )
        second = subprocess.run(
            argv, env=tray_display, capture_output=True, text=True, timeout=30, check=False
        )
        assert second.returncode == 0
        assert "already running" in second.stdout
        assert first.poll() is None
    finally:
        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=15) == 0


#: Loaded after the icon shows (the worker thread, a first click, the first balance), never before:
#: the icon must not wait for them (issue 20).
NOT_BEFORE_THE_ICON = (
    "requests",
    "urllib3",
    "keyring",
    "jeepney",
    "secretstorage",
    "PySide6.QtDBus",
    "decimal",
    "datetime",  # named in annotations only, before the icon
    "zomro_tray.api.client",
    "zomro_tray.api.protocol",
    "zomro_tray.core.money",
    "zomro_tray.api.readings",
    "zomro_tray.core.details",
    "zomro_tray.gui.window.window",
    "zomro_tray.gui.dialogs.settings_dialog",
    "zomro_tray.emulator",
    # The app beyond its icon: made in the event loop's first turn after the icon shows.
    "PySide6.QtNetwork",  # the single-instance socket; the lock itself is QtCore
    "logging.handlers",  # the log file
    "zomro_tray.core.model",  # the icon needs overall.py's names, not what a server is
    "zomro_tray.display.presentation",
    "zomro_tray.gui.paint.dots",
    "zomro_tray.gui.tray.tray",
    "zomro_tray.gui.tray.menu",
    "zomro_tray.gui.tray.notifier",
    "zomro_tray.gui.dialogs.dialog_host",
    "zomro_tray.worker.worker",
    "zomro_tray.store.autostart",
    # The command line's commands: the tray is the command line with none.
    "zomro_tray.cli.commands",
    "zomro_tray.cli.support",
    "zomro_tray.cli.money",
)


def test_nothing_the_icon_does_not_need_is_loaded_before_it_shows(
    tray_display: dict[str, str], tmp_path: Path
) -> None:
    config = tmp_path / "config" / "zomro-tray"
    config.mkdir(parents=True)
    (config / "settings.json").write_text('{"api_url": "http://127.0.0.1:9/"}')
    env = {**tray_display, "XDG_CONFIG_HOME": str(tmp_path / "config"), "ZOMRO_TOKEN": "t-1"}
    out = tmp_path / "modules.json"
    probe = Path(__file__).with_name("icon_probe.py")
    command = [sys.executable, str(probe), str(out)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    loaded = json.loads(out.read_text())
    assert loaded, "the icon was never shown"
    assert "zomro_tray.gui.tray.tray_host" in loaded  # the probe did see the app
    early = [
        m for m in loaded if m.split(".")[0] in NOT_BEFORE_THE_ICON or m in NOT_BEFORE_THE_ICON
    ]
    assert early == []
