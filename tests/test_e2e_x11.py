"""End to end on a real X server: Xvfb, a real tray host (trayer, XEmbed), the app in --demo.

This is what a Linux user gets: the icon embedded in a panel, a right-click, the menu with the
servers. The screenshots are left in pytest's temporary directory (never in git).
"""

from __future__ import annotations

import ctypes
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtGui import QColor, QImage

from zomro_tray.gui.icons import GREEN

pytestmark = pytest.mark.x11
TOOLS = ("Xvfb", "trayer", "xdotool", "import")
T = TypeVar("T")


def _require_tools() -> None:
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        if os.environ.get("ZOMRO_STRICT"):
            pytest.fail(f"end-to-end tools missing: {missing}")
        pytest.skip(f"needs {missing} (apt-get install xvfb trayer xdotool imagemagick)")


def _wait(predicate: Callable[[], T], timeout: float, what: str) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.1)  # noqa: TID251 - polling an external X server from the test process
    raise AssertionError(f"timed out waiting for {what}")


def _tray_selection_owned(display: str) -> bool:
    x11 = ctypes.cdll.LoadLibrary("libX11.so.6")
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XGetSelectionOwner.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    x11.XGetSelectionOwner.restype = ctypes.c_ulong
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    handle = x11.XOpenDisplay(display.encode())
    if not handle:
        return False
    try:
        atom = x11.XInternAtom(handle, b"_NET_SYSTEM_TRAY_S0", 0)
        return x11.XGetSelectionOwner(handle, atom) != 0
    finally:
        x11.XCloseDisplay(handle)


@pytest.fixture
def tray_display(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A private X server with a tray host; yields the environment to start apps in."""
    _require_tools()
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        display = ":" + pipe.readline().strip()
    env = {k: v for k, v in os.environ.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    env.update(
        DISPLAY=display,
        QT_QPA_PLATFORM="xcb",
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        TMPDIR=str(tmp_path),
    )
    trayer = subprocess.Popen(
        [
            "trayer",
            "--edge",
            "top",
            "--align",
            "right",
            "--widthtype",
            "pixel",
            "--width",
            "240",
            "--height",
            "32",
            "--transparent",
            "true",
            "--alpha",
            "0",
            "--tint",
            "0x2b3a55",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(lambda: _tray_selection_owned(display), 15, "trayer to own the tray selection")
        yield env
    finally:
        for process in (trayer, xvfb):
            process.terminate()
            process.wait(timeout=10)


def app_command() -> list[str]:
    """The app under test: ZOMRO_E2E_COMMAND (e.g. the installed .deb), else this checkout."""
    chosen = os.environ.get("ZOMRO_E2E_COMMAND")
    if chosen:
        return shlex.split(chosen)
    return [sys.executable, "-m", "zomro_tray"]


def _xdotool(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        ["xdotool", *args], env=env, capture_output=True, text=True, timeout=10, check=False
    )
    return done.stdout


def _windows(env: dict[str, str], *search: str) -> list[dict[str, int]]:
    found = []
    for wid in _xdotool(env, "search", *search).split():
        geometry = dict(
            line.split("=", 1)
            for line in _xdotool(env, "getwindowgeometry", "--shell", wid).splitlines()
            if "=" in line
        )
        if {"X", "Y", "WIDTH", "HEIGHT"} <= geometry.keys():
            found.append({k: int(geometry[k]) for k in ("X", "Y", "WIDTH", "HEIGHT")})
    return found


def _count_colour(image: QImage, colour: str, box: dict[str, int], tolerance: int = 40) -> int:
    target = QColor(colour)
    hits = 0
    for x in range(box["X"], min(box["X"] + box["WIDTH"], image.width())):
        for y in range(box["Y"], min(box["Y"] + box["HEIGHT"], image.height())):
            pixel = image.pixelColor(x, y)
            if (
                abs(pixel.red() - target.red())
                + abs(pixel.green() - target.green())
                + abs(pixel.blue() - target.blue())
            ) < tolerance:
                hits += 1
    return hits


def test_demo_mode_icon_embeds_in_a_real_tray_and_its_menu_lists_the_servers(
    tray_display: dict[str, str], tmp_path: Path
) -> None:
    argv = app_command()
    log = (tmp_path / "app.log").open("w")
    app = subprocess.Popen(
        [*argv, "--demo", "-v"], env=tray_display, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        icon = _wait(
            lambda: next(
                (
                    w
                    for w in _windows(tray_display, "--class", "zomro-tray")
                    if 16 <= w["WIDTH"] <= 64 and w["Y"] < 40
                ),
                None,
            ),
            30,
            "the tray icon to be embedded",
        )
        _wait(
            lambda: "system tray available: icon shown" in (tmp_path / "app.log").read_text(),
            10,
            "the app to report a system tray",
        )
        time.sleep(1.0)  # noqa: TID251 - let the first refresh land before the screenshot
        subprocess.run(
            ["import", "-window", "root", str(tmp_path / "tray.png")],
            env=tray_display,
            check=True,
            timeout=20,
        )
        _xdotool(
            tray_display,
            "mousemove",
            str(icon["X"] + icon["WIDTH"] // 2),
            str(icon["Y"] + icon["HEIGHT"] // 2),
            "click",
            "3",
        )
        menu = _wait(
            lambda: next(
                (
                    w
                    for w in _windows(tray_display, "--onlyvisible", "--class", "zomro-tray")
                    if w["WIDTH"] >= 150 and w["HEIGHT"] >= 150
                ),
                None,
            ),
            10,
            "the menu to open",
        )
        time.sleep(0.5)  # noqa: TID251 - the menu paints after it maps
        shot = tmp_path / "menu.png"
        subprocess.run(
            ["import", "-window", "root", str(shot)], env=tray_display, check=True, timeout=20
        )
        image = QImage(str(shot))
        assert not image.isNull()
        # Three running demo servers, each with a green dot of ~40 px: the list is there.
        assert _count_colour(image, GREEN, menu) > 60
        _xdotool(tray_display, "key", "Escape")
    finally:
        app.send_signal(signal.SIGTERM)
        code = app.wait(timeout=15)
        log.close()
    assert code == 0, (tmp_path / "app.log").read_text()
    print(f"screenshots in {tmp_path}")


def test_a_second_launch_exits_and_leaves_the_first_running(
    tray_display: dict[str, str], tmp_path: Path
) -> None:
    argv = [*app_command(), "--demo"]
    first = subprocess.Popen(
        argv, env=tray_display, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait(
            lambda: (
                _windows(tray_display, "--class", "zomro-tray")
                or _windows(tray_display, "--class", "python3")
            ),
            30,
            "the first instance",
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
