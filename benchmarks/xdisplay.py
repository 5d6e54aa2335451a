"""A private X server with a real tray host (Xvfb + trayer), for the end-to-end test and the
start-up benchmark: start it, find a tray icon's window, take screenshots."""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

TOOLS = ("Xvfb", "trayer", "xdotool", "import")
T = TypeVar("T")


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def wait_for(predicate: Callable[[], T], timeout: float, what: str, step: float = 0.02) -> T:
    """Poll an external process from outside (not the app's GUI thread)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(step)  # noqa: TID251 - polling X from a test or benchmark driver
    raise TimeoutError(f"timed out waiting for {what}")


def tray_selection_owned(display: str) -> bool:
    """trayer maps its panel before it owns _NET_SYSTEM_TRAY_S0; apps must wait for the owner."""
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
        return (
            x11.XGetSelectionOwner(handle, x11.XInternAtom(handle, b"_NET_SYSTEM_TRAY_S0", 0)) != 0
        )
    finally:
        x11.XCloseDisplay(handle)


def _start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
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
    return xvfb, display


def _private_env(display: str, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    runtime = home / "runtime"
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    env.update(
        DISPLAY=display,
        QT_QPA_PLATFORM="xcb",
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_RUNTIME_DIR=str(runtime),
        TMPDIR=str(home),
    )
    return env


@contextlib.contextmanager
def tray_display(home: Path) -> Iterator[dict[str, str]]:
    """Xvfb + trayer; yields the environment to start apps in (private HOME, config, TMPDIR).

    On a loaded machine trayer has been seen not to take the tray selection at all: the pair
    gets up to three starts, and a failure says what trayer printed."""
    log_path = home / "trayer.log"
    log = log_path.open("wb")
    xvfb = trayer = None
    try:
        for start in range(3):
            for process in (trayer, xvfb):
                if process is not None:
                    process.terminate()
                    process.wait(timeout=10)
            xvfb, display = _start_xvfb()
            # No D-Bus session: Qt then embeds its icon with XEmbed, which is what trayer hosts.
            env = _private_env(display, home)
            trayer = _start_trayer(env, log)
            try:
                wait_for(lambda d=display: tray_selection_owned(d), 20, "the tray selection")
                break
            except TimeoutError:
                log.flush()
                said = log_path.read_bytes().decode(errors="replace")[-800:]
                if start == 2:
                    raise TimeoutError(
                        f"trayer never took the tray selection (exit {trayer.poll()}): {said!r}"
                    ) from None
        yield env
    finally:
        for process in (trayer, xvfb):
            if process is not None:
                process.terminate()
                process.wait(timeout=10)
        log.close()


def _start_trayer(env: dict[str, str], log: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
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
        stdout=log,  # type: ignore[arg-type]
        stderr=subprocess.STDOUT,
    )


@contextlib.contextmanager
def bare_display(home: Path) -> Iterator[dict[str, str]]:
    """Xvfb and a private D-Bus session bus, no tray host of any kind."""
    xvfb, display = _start_xvfb()
    env = _private_env(display, home)
    read_fd, write_fd = os.pipe()
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", f"--print-address={write_fd}"],
        pass_fds=(write_fd,),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        env["DBUS_SESSION_BUS_ADDRESS"] = pipe.readline().strip()
    try:
        yield env
    finally:
        for process in (bus, xvfb):
            process.terminate()
            process.wait(timeout=10)


def start_sni_watcher(env: dict[str, str], script: Path) -> subprocess.Popen[bytes]:
    """A StatusNotifierWatcher (a tray host, as far as apps can tell) on the session bus."""
    watcher = subprocess.Popen(
        ["/usr/bin/python3", str(script)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert watcher.stdout is not None
    line = watcher.stdout.readline()  # "watcher: owns org.kde.StatusNotifierWatcher ..."
    if b"owns" not in line:
        raise RuntimeError(f"the SNI watcher did not start: {line!r}")
    return watcher


def windows(env: dict[str, str], *search: str) -> list[dict[str, int]]:
    """Geometry of the windows that `xdotool search ...` finds."""
    found = []
    ids = subprocess.run(
        ["xdotool", "search", *search],
        env=env,
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    ).stdout.split()
    for wid in ids:
        shell = subprocess.run(
            ["xdotool", "getwindowgeometry", "--shell", wid],
            env=env,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
        geometry = dict(line.split("=", 1) for line in shell.splitlines() if "=" in line)
        if {"X", "Y", "WIDTH", "HEIGHT"} <= geometry.keys():
            found.append({k: int(geometry[k]) for k in ("X", "Y", "WIDTH", "HEIGHT")})
    return found


def tray_icon(env: dict[str, str], window_class: str) -> dict[str, int] | None:
    """The embedded icon: a small window of that class in the panel at the top of the screen."""
    return next(
        (
            w
            for w in windows(env, "--class", window_class)
            if 16 <= w["WIDTH"] <= 64 and w["Y"] < 40
        ),
        None,
    )


def xdotool(env: dict[str, str], *args: str) -> None:
    subprocess.run(["xdotool", *args], env=env, capture_output=True, timeout=10, check=False)


def screenshot(env: dict[str, str], path: Path) -> None:
    subprocess.run(["import", "-window", "root", str(path)], env=env, check=True, timeout=20)
