"""The tray on the hosts Linux users run: StatusNotifierItem hosts drawing the app's D-Bus menu.

Each host runs in a private D-Bus session with a throwaway HOME (the scripts in
``tests/desktops/``): a bare StatusNotifierWatcher, the XFCE panel, GNOME Shell with the
AppIndicator extension on X11 and on headless Wayland, sway with waybar, KDE Plasma. For each:
the first menu the host reads already lists the servers; a click on a stopped server, made while the
host's menu is open, changes that open menu within the fast refresh pace; a left-click shows
something; the icon is never swapped for another (no "NeedsAttention"). Then the cases no
script covers: no tray at all (the window at once), and a host that goes away and comes back.

Screenshots stay in pytest's temporary directory; ``ZOMRO_DESKTOP_OUT`` keeps them elsewhere.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from benchmarks import xdisplay
from zomro_tray.gui.paint.icons import GREEN, GREY

pytestmark = [pytest.mark.desktop, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = Path(__file__).resolve().parent / "desktops"
SERVERS = ("web-1", "baza-danych-łódź", "бэкап-сервер", "staging-żółw", "ci-runner")
CLICKED = "baza-danych-łódź"
WATCH_S = 10  # the demo server starts in ~3 s; the app polls every 3 s while it does
BAR_PX = 40  # the panel or top bar: where the icon is drawn, above any menu


def _strict() -> bool:
    return bool(os.environ.get("ZOMRO_STRICT"))


def _need(*tools: str) -> None:
    """Each tool, or one of its alternatives ("kded5|kded6": Plasma 5 or Plasma 6)."""
    missing = [t for t in tools if not any(shutil.which(one) for one in t.split("|"))]
    if missing:
        message = f"needs {missing} (see tests/desktops/README.md)"
        if _strict():
            pytest.fail(message)
        pytest.skip(message)


def _out_dir(name: str) -> Path:
    """Where a host script writes: a short path (the scripts put Unix sockets under it, and a
    socket path longer than 107 bytes, as under pytest's own folder, cannot be made) that
    another user can reach (sway refuses root: its script runs the desktop as nobody)."""
    keep = os.environ.get("ZOMRO_DESKTOP_OUT")
    if keep:
        out = Path(keep) / name
    else:
        base = Path(tempfile.mkdtemp(prefix="zd-"))
        base.chmod(0o755)  # the other user must be able to pass through
        out = base / name
    if out.exists():
        shutil.rmtree(out)
    return out


def _clean(out: Path) -> None:
    """A passing run leaves nothing behind (a failing one keeps its screenshots and logs)."""
    if not os.environ.get("ZOMRO_DESKTOP_OUT"):
        shutil.rmtree(out.parent, ignore_errors=True)


def _app_command() -> list[str]:
    return [sys.executable, "-m", "zomro_tray", "--demo", "-v"]


def _nobody_app_command() -> list[str]:
    """sway refuses to run as root, so the scripts run it (and the app) as nobody: the app
    then needs an interpreter and packages that user can read. A venv from the system Python
    under /var/tmp, its packages installed once, this checkout's code installed each run."""
    venv = Path("/var/tmp/zomro-tray-test-venv")
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run(["/usr/bin/python3", "-m", "venv", str(venv)], check=True, timeout=120)
    digest = hashlib.sha256(
        b"".join(p.read_bytes() for p in sorted((ROOT / "zomro_tray").rglob("*.py")))
        + (ROOT / "pyproject.toml").read_bytes()
    ).hexdigest()
    stamp = venv / "installed-from"
    if not stamp.exists() or stamp.read_text() != digest:
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(ROOT)],
            check=True,
            timeout=900,
            cwd="/",
        )
        stamp.write_text(digest)
    subprocess.run(["chmod", "-R", "a+rX", str(venv)], check=True, timeout=60)
    return [str(python), "-m", "zomro_tray", "--demo", "-v"]


#: What the scripts print when the tray host itself did not come up: about the desktop, never
#: about the app (whose failures read "no StatusNotifierItem", "nothing appeared"...).
HOST_DID_NOT_START = ("did not start", "did not register as an SNI host")


def _run_host(script: str, out: Path, command: list[str], **env: str) -> tuple[int, str]:
    """Run a host script; once more if the desktop itself failed to start (a loaded machine)."""
    environment = {**os.environ, "OUT": str(out), **env}
    for inherited in ("DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "QT_QPA_PLATFORM"):
        environment.pop(inherited, None)  # each script makes its own session and display
    for _attempt in range(2):
        result = subprocess.run(
            [str(SCRIPTS / script), *command],
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        log = result.stdout + result.stderr
        if result.returncode == 0 or not any(text in log for text in HOST_DID_NOT_START):
            break
    return result.returncode, log


def _stopped_dots(path: Path, below: int = BAR_PX) -> int:
    """Pixels of the grey "stopped" square below the bar, in a screenshot of an open menu.
    Nothing else on these hosts is drawn in exactly that grey."""
    return _pixels_of(GREY, path, below)


def _running_dots(path: Path, below: int = BAR_PX) -> int:
    return _pixels_of(GREEN, path, below)


def _pixels_of(colour: str, path: Path, below: int) -> int:
    image = QImage(str(path))
    assert not image.isNull(), path
    target = QColor(colour)
    hits = 0
    for y in range(below, image.height()):
        for x in range(image.width()):
            pixel = image.pixelColor(x, y)
            distance = (
                abs(pixel.red() - target.red())
                + abs(pixel.green() - target.green())
                + abs(pixel.blue() - target.blue())
            )
            hits += distance < 12
    return hits


def _changed_below_bar(before: Path, after: Path) -> int:
    """How many pixels below the bar differ: did something open?"""
    first, second = QImage(str(before)), QImage(str(after))
    changed = 0
    for y in range(BAR_PX, min(first.height(), second.height()), 4):
        for x in range(0, min(first.width(), second.width()), 4):
            changed += first.pixel(x, y) != second.pixel(x, y)
    return changed


HOSTS = {
    # host: script, its environment, the tools it needs
    "xfce": ("xfce-shot.sh", {}, ("xfce4-panel", "Xvfb", "xdotool", "import")),
    "gnome-x11": ("gnome-shot.sh", {"MODE": "x11"}, ("gnome-shell", "Xvfb", "xdotool")),
    "gnome-wayland": ("gnome-shot.sh", {"MODE": "wayland"}, ("gnome-shell",)),
    "sway-waybar": ("sway-shot.sh", {}, ("sway", "waybar", "grim", "wayvnc")),
    "kde-plasma": (
        "kde-shot.sh",
        {},
        ("plasmashell", "kded5|kded6", "Xvfb", "xdotool", "xwininfo"),
    ),
}


@pytest.mark.parametrize("host", list(HOSTS))
def test_the_menu_is_right_on_a_real_tray_host(host: str) -> None:
    script, env, tools = HOSTS[host]
    _need(*tools, "dbus-run-session", "convert", "bc")
    as_nobody = host.startswith("sway") and os.getuid() == 0
    command = _nobody_app_command() if as_nobody else None
    out = _out_dir(host)
    code, log = _run_host(
        script, out, command or _app_command(), CLICK=CLICKED, WATCH=str(WATCH_S), **env
    )
    assert code == 0, log
    app_log = (out / "app.log").read_text()

    # The first menu the host reads already holds the servers, submenus included.
    first = (out / "menu-before.txt").read_text()
    for name in SERVERS:
        assert name in first, first
    assert "No servers to show" not in first.replace("(disabled, hidden)", "").split("\n")[0]
    reboot = first[first.index("'Reboot'") : first.index("'Copy IP address'")]
    assert "'web-1'" in reboot, first

    # A click made while the host's menu is open changes that menu: over D-Bus at once...
    clicked = log[log.index("click '") :]
    assert f"{CLICKED} — Starting…" in clicked, clicked
    assert f"{CLICKED} — Running" in clicked, clicked
    # ...and on screen: the open menu, as drawn WATCH_S later, has no stopped server left, and is
    # still open with its running servers (a tooltip may hide one row, hence "at least").
    first, later = out / "menu.png", out / "menu-open-later.png"
    assert _stopped_dots(first) > 10  # the first menu as drawn lists the servers
    assert _running_dots(first) > 30
    assert _stopped_dots(later) == 0
    assert _running_dots(later) >= _running_dots(first)

    # The icon is the app's own all along: no notification turned it into another.
    assert "NeedsAttention" not in log

    # A left-click shows something (the menu, or on Wayland the app's window).
    assert _changed_below_bar(out / "tray.png", out / "left-click.png") > 50
    assert "Failed to create grabbing popup" not in app_log
    assert "Traceback" not in app_log
    _clean(out)


def test_a_bare_watcher_sees_live_changes_and_clickable_notifications() -> None:
    _need("Xvfb", "dbus-run-session", "xdotool", "bc")
    out = _out_dir("watcher")
    code, log = _run_host(
        "sni-watcher-check.sh", out, _app_command(), CLICK=CLICKED, WATCH=str(WATCH_S)
    )
    assert code == 0, log
    after = (out / "menu-after-click.txt").read_text()  # as exported, without AboutToShow
    assert f"'{CLICKED} — Running'" in after, after
    assert "NeedsAttention" not in log
    # The notification went to the notification service, with a "default" action to click.
    assert f"summary='{CLICKED} started' body=''" in log
    assert "visible X windows before/after Activate: 0/1" in log  # left-click: a popup
    _clean(out)


def test_over_dbus_the_menu_names_the_account_and_a_stray_click_can_be_undone() -> None:
    """As a tray host reads it: who is signed in, Sign out, and a click on a running server
    that, a second later, still only says it will shut down (nothing sent, undo offered)."""
    _need("Xvfb", "dbus-run-session", "bc")
    out = _out_dir("watcher-undo")
    code, log = _run_host("sni-watcher-check.sh", out, _app_command(), CLICK="^web-1 ", WATCH="1")
    assert code == 0, log
    first = (out / "menu-before.txt").read_text()
    assert "'Signed in as demo'" in first, first
    assert "'Sign out'" in first, first
    clicked = log[log.index("Event(") :]  # the click, and what the host saw after it
    assert "on 'web-1 — Running'" in clicked, clicked
    assert "web-1 — Shutting down in 5 s — click to undo" in clicked, clicked
    assert "web-1 — Stopping…" not in clicked  # within the first second nothing was sent
    after = (out / "menu-after-click.txt").read_text()
    assert "'web-1 — Shutting down in 5 s — click to undo'" in after, after
    _clean(out)


def test_a_tray_host_that_starts_after_the_app_gets_the_icon() -> None:
    _need("Xvfb", "dbus-run-session", "bc")
    out = _out_dir("watcher-late")
    code, log = _run_host("sni-watcher-check.sh", out, _app_command(), LATE="3")
    assert code == 0, log
    assert "watcher started 3 s after the app" in log
    assert "web-1 — Running" in (out / "menu-before.txt").read_text()
    _clean(out)


# --- no tray, and a tray that comes and goes ------------------------------------------------


@pytest.fixture
def session(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Xvfb and a private D-Bus session with no tray host; the environment to start apps in."""
    _need("Xvfb", "dbus-daemon", "xdotool")
    with xdisplay.bare_display(tmp_path) as env:
        yield env


def _visible_window(env: dict[str, str]) -> bool:
    return bool(xdisplay.windows(env, "--onlyvisible", "--name", "^zomro-tray$"))


def _start(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as sink:
        return subprocess.Popen(_app_command(), env=env, stdout=sink, stderr=subprocess.STDOUT)


def _stop(app: subprocess.Popen[bytes], log: Path) -> None:
    app.send_signal(signal.SIGTERM)
    assert app.wait(timeout=15) == 0, log.read_text()


def test_with_no_tray_the_window_shows_at_once(session: dict[str, str], tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    app = _start(session, log)
    try:
        xdisplay.wait_for(lambda: _visible_window(session), 10, "the window")
        assert "system tray not available" in log.read_text()
    finally:
        _stop(app, log)


def _stop_watcher(watcher: subprocess.Popen[bytes]) -> None:
    watcher.terminate()
    watcher.wait(timeout=10)
    if watcher.stdout is not None:
        watcher.stdout.close()


def test_a_tray_host_that_goes_away_and_comes_back(session: dict[str, str], tmp_path: Path) -> None:
    watcher = xdisplay.start_sni_watcher(session, SCRIPTS / "sni_watcher.py")
    log = tmp_path / "app.log"
    app = _start(session, log)
    try:
        xdisplay.wait_for(lambda: "icon shown" in log.read_text(), 15, "the icon")
        assert not _visible_window(session)
        _stop_watcher(watcher)
        try:  # 20 s: a loaded CI machine has been seen to need more than 10
            xdisplay.wait_for(lambda: _visible_window(session), 20, "the window, no tray left")
            watcher = xdisplay.start_sni_watcher(session, SCRIPTS / "sni_watcher.py")
            xdisplay.wait_for(lambda: not _visible_window(session), 20, "back to the icon")
        except TimeoutError as error:
            raise AssertionError(f"{error}; the app said: {log.read_text()[-1500:]}") from None
        assert log.read_text().count("icon shown") == 2
    finally:
        _stop_watcher(watcher)
        _stop(app, log)
