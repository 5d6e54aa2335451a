"""Packaging pieces that can be checked here: start at login, the installer script, icons,
the desktop file and the self-test. The frozen bundle itself is checked by
packaging/linux/smoke-test.sh (build, install with dpkg, run, remove), which CI runs."""

from __future__ import annotations

import os
import plistlib
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from zomro_tray import __version__
from zomro_tray.core.account import Account
from zomro_tray.store.autostart import (
    LAUNCH_AGENT_LABEL,
    RUN_KEY,
    MacLaunchAgent,
    WindowsRunKey,
    XdgAutoStart,
)

ROOT = Path(__file__).resolve().parent.parent


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("ZOMRO_STRICT"):
            pytest.fail(f"{name} is required here but missing")
        pytest.skip(f"{name} is not installed")
    return path


def test_xdg_autostart_entry_is_written_and_removed(tmp_path: Path) -> None:
    entry = XdgAutoStart(config_home=tmp_path, command=["/opt/zomro tray/zomro-tray"])
    assert not entry.is_enabled()
    entry.set_enabled(True)
    text = (tmp_path / "autostart" / "zomro-tray.desktop").read_text()
    assert 'Exec="/opt/zomro tray/zomro-tray"\n' in text  # quoted: the path has a space
    assert "X-GNOME-Autostart-enabled=true" in text
    assert entry.is_enabled()
    entry.set_enabled(False)
    assert not entry.is_enabled()
    entry.set_enabled(False)  # already off: nothing to do, no error


@pytest.mark.parametrize(
    "command",
    [
        ["zomro-tray"],
        ["/opt/My Apps/zomro 100%/zomro-tray"],  # a space and a percent sign
        ["/home/o'neil/.local/bin/python3", "-m", "zomro_tray"],
        ['/srv/we"ird/$HOME/`x`/back\\slash/zomro-tray'],
    ],
)
def test_xdg_autostart_file_is_valid_for_awkward_paths(tmp_path: Path, command: list[str]) -> None:
    validate = _tool("desktop-file-validate")
    entry = XdgAutoStart(config_home=tmp_path, command=command)
    entry.set_enabled(True)
    done = subprocess.run([validate, str(entry.path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert _exec_argv(entry.path.read_text()) == command


def _exec_argv(desktop_file: str) -> list[str]:
    """Read Exec= back as the Desktop Entry specification says a launcher does."""
    value = next(line[5:] for line in desktop_file.splitlines() if line.startswith("Exec="))
    value = value.replace("\\\\", "\x00").replace("\\s", " ").replace("\x00", "\\")
    argv, current, quoted, escaped, started = [], "", False, False, False
    for char in value:
        if escaped:
            current, escaped = current + char, False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted, started = not quoted, True
        elif char == " " and not quoted:
            if current or started:
                argv.append(current.replace("%%", "%"))
            current, started = "", False
        else:
            current += char
    if current or started:
        argv.append(current.replace("%%", "%"))
    return argv


class FakeWinreg:
    """Stands in for Windows' winreg module: a dict per key, the same calls and errors."""

    HKEY_CURRENT_USER = "HKCU"
    KEY_SET_VALUE = 2
    REG_SZ = 1

    def __init__(self) -> None:
        self.keys: dict[str, dict[str, str]] = {RUN_KEY: {}}

    class _Key:
        def __init__(self, values: dict[str, str]) -> None:
            self.values = values

        def __enter__(self) -> FakeWinreg._Key:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

    def OpenKey(self, root: str, path: str, reserved: int = 0, access: int = 0) -> _Key:  # noqa: N802
        assert root == self.HKEY_CURRENT_USER  # per user: no administrator rights needed
        return self._Key(self.keys[path])

    def QueryValueEx(self, key: _Key, name: str) -> tuple[str, int]:  # noqa: N802
        if name not in key.values:
            raise FileNotFoundError(name)
        return key.values[name], self.REG_SZ

    def SetValueEx(self, key: _Key, name: str, reserved: int, kind: int, value: str) -> None:  # noqa: N802
        key.values[name] = value

    def DeleteValue(self, key: _Key, name: str) -> None:  # noqa: N802
        if name not in key.values:
            raise FileNotFoundError(name)
        del key.values[name]


def test_windows_command_lines_survive_spaces_and_percent_signs() -> None:
    from zomro_tray.store.autostart import windows_command_line

    exe = r"C:\Users\Jan Nowak\Programs\zomro 100%\zomro-tray.exe"
    assert windows_command_line([exe]) == f'"{exe}"'
    assert windows_command_line(["C:\\py\\python.exe", "-m", "zomro_tray", "a b"]) == (
        '"C:\\py\\python.exe" -m zomro_tray "a b"'
    )


def test_windows_run_key_matches_the_installer() -> None:
    registry = FakeWinreg()
    run = WindowsRunKey(
        command=[r"C:\Users\a\AppData\Local\Programs\zomro-tray\zomro-tray.exe"], registry=registry
    )
    assert not run.is_enabled()
    run.set_enabled(True)
    value = registry.keys[RUN_KEY]["zomro-tray"]
    assert value == r'"C:\Users\a\AppData\Local\Programs\zomro-tray\zomro-tray.exe"'
    nsis = (ROOT / "packaging" / "windows" / "zomro-tray.nsi").read_text()
    assert """WriteRegStr HKCU "${RUN_KEY}" "${APP}" '"$INSTDIR\\${EXE}"'""" in nsis
    assert "Software\\Microsoft\\Windows\\CurrentVersion\\Run" in nsis
    assert run.is_enabled()
    run.set_enabled(False)
    run.set_enabled(False)
    assert not run.is_enabled()


def test_the_windows_console_twin_starts_the_tray_at_login(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`zomro-tray-cli start-at-login on` must write the windowed zomro-tray.exe, not itself:
    a console window at every login would be the result."""
    from zomro_tray.store import autostart

    for name in ("zomro-tray.exe", "zomro-tray-cli.exe"):
        (tmp_path / name).write_bytes(b"MZ")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(sys, "executable", str(tmp_path / "zomro-tray-cli.exe"))
    assert autostart.launch_command() == [str(tmp_path / "zomro-tray.exe")]
    monkeypatch.setattr(sys, "platform", "linux")  # one executable serves both elsewhere
    assert autostart.launch_command() == [str(tmp_path / "zomro-tray-cli.exe")]


def test_the_command_line_turns_start_at_login_on_and_off(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path)}
    entry = tmp_path / "autostart" / "zomro-tray.desktop"

    def start_at_login(*state: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "zomro_tray", "start-at-login", *state],
            capture_output=True,
            text=True,
            env=env,
            check=True,
            timeout=60,
        )
        return done.stdout.strip()

    assert start_at_login() == "Start at login: off"
    assert start_at_login("on") == "Start at login: on"
    assert "Exec=" in entry.read_text()
    assert start_at_login() == "Start at login: on"
    assert start_at_login("off") == "Start at login: off"
    assert not entry.exists()


def test_macos_launch_agent(tmp_path: Path) -> None:
    command = ["/Applications/zomro-tray.app/Contents/MacOS/zomro-tray"]
    agent = MacLaunchAgent(home=tmp_path, command=command)
    agent.set_enabled(True)
    path = tmp_path / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT_LABEL}.plist"
    data = plistlib.loads(path.read_bytes())
    assert data["RunAtLoad"] is True
    assert data["ProgramArguments"] == command
    agent.set_enabled(False)
    assert not path.exists()


def test_the_settings_switch_turns_the_login_item_on_and_off(
    qtbot: object, tmp_path: Path, make_emulator: object
) -> None:
    from zomro_tray.core.credentials import Credentials
    from zomro_tray.gui.tray.tray import TrayApp
    from zomro_tray.store.keychain import SessionOnlyStore
    from zomro_tray.store.settings import Settings, SettingsStore

    emulator = make_emulator()  # type: ignore[operator]
    store = SettingsStore(tmp_path / "settings")
    store.save(Settings(accounts=(Account(api_url=emulator.url),)))
    login_item = XdgAutoStart(config_home=tmp_path / "xdg", command=["zomro-tray"])
    app = TrayApp(
        store, SessionOnlyStore(Credentials.from_token(emulator.demo_token)), autostart=login_item
    )
    try:
        app.open_settings()
        assert not app.dialog.start_at_login.isHidden()
        assert not app.dialog.start_at_login.isChecked()
        app.dialog.start_at_login.setChecked(True)
        app.dialog._save_clicked()
        assert login_item.is_enabled()
        login_item.set_enabled(False)  # removed by hand: the dialog shows the truth
        app.open_settings()
        assert not app.dialog.start_at_login.isChecked()
        app.dialog.reject()
    finally:
        app.stop_worker()
        app.dispose()


def test_the_windows_installer_script_compiles(tmp_path: Path) -> None:
    makensis = _tool("makensis")
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "zomro-tray.exe").write_bytes(b"MZ stand-in for the frozen app")
    (bundle / "zomro-tray-cli.exe").write_bytes(b"MZ stand-in for the frozen CLI")
    installer = tmp_path / f"zomro-tray-{__version__}-windows-setup.exe"  # as installer.sh names it
    done = subprocess.run(
        [
            makensis,
            "-WX",
            "-V2",
            f"-DVERSION={__version__}",
            f"-DSOURCE={bundle}",
            f"-DOUTFILE={installer}",
            str(ROOT / "packaging" / "windows" / "zomro-tray.nsi"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        pe_machine(installer) == 0x8664
    )  # x86-64: the 32-bit stub installs nothing on 64-bit-only Wine


def pe_machine(path: Path) -> int:
    """The Machine field of a Windows executable's PE header (0x14C x86, 0x8664 x86-64)."""
    data = path.read_bytes()
    assert data[:2] == b"MZ"
    (header,) = struct.unpack_from("<I", data, 0x3C)
    assert data[header : header + 4] == b"PE\0\0"
    (machine,) = struct.unpack_from("<H", data, header + 4)
    return int(machine)


def test_icons_for_every_platform(qtbot: object) -> None:
    from PySide6.QtGui import QImage

    icons = ROOT / "resources" / "icons"
    ico = (icons / "zomro-tray.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    sizes = [ico[6 + 16 * i] or 256 for i in range(count)]
    assert (reserved, kind) == (0, 1)
    assert sizes == [16, 24, 32, 48, 64, 256]
    assert (icons / "zomro-tray.icns").read_bytes()[:4] == b"icns"
    big = QImage(str(icons / "zomro-tray.png"))
    assert (big.width(), big.height()) == (512, 512)
    for size in (16, 32, 48, 256):
        image = QImage(str(icons / "hicolor" / f"{size}x{size}" / "apps" / "zomro-tray.png"))
        assert image.width() == size


def test_the_desktop_file_is_valid() -> None:
    validate = _tool("desktop-file-validate")
    desktop = ROOT / "packaging" / "linux" / "zomro-tray.desktop"
    done = subprocess.run([validate, str(desktop)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def _self_test(env: dict[str, str], *without: str) -> subprocess.CompletedProcess[str]:
    """`--self-test` with this environment, less the variables named."""
    done = subprocess.run(
        [sys.executable, "-m", "zomro_tray", "--self-test"],
        capture_output=True,
        text=True,
        env={name: value for name, value in env.items() if name not in without},
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_self_test_reports_every_part_and_passes_here() -> None:
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    done = _self_test(env, "DISPLAY")
    for part in (
        "Qt platform plugin",
        "system tray available",
        "keyring backends registered",
        "keyring backend in use",
        "TLS certificate bundle",
        "languages: pl, uk, ru; Qt's own buttons: pl, uk, ru",
        "demo emulator",
    ):
        assert part in done.stdout
    # No keychain and no tray here: the installation is complete, the machine lacks them.
    assert "  warn keyring backend in use: none (" in done.stdout
    assert "  warn system tray available: no (the app shows its window instead" in done.stdout
    assert "FAIL" not in done.stdout
    assert done.stdout.strip().splitlines()[-1].startswith("self-test passed with warnings: ")


def test_self_test_without_a_session_bus_says_what_that_means() -> None:
    done = _self_test(dict(os.environ), "DISPLAY", "DBUS_SESSION_BUS_ADDRESS")
    assert (
        "  warn desktop notifications: none (there is no D-Bus session bus "
        "(DBUS_SESSION_BUS_ADDRESS is not set)) — the app's notifications will not be shown"
    ) in done.stdout
    assert "KeyError" not in done.stdout + done.stderr


def test_the_wheel_carries_the_translations(tmp_path: Path) -> None:
    """What `pipx install .` installs: the compiled catalogues must be in the wheel."""
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = tmp_path.glob("zomro_tray-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for language in ("pl", "uk", "ru"):
        assert f"zomro_tray/locale/{language}/LC_MESSAGES/zomro_tray.mo" in names
