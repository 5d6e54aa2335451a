"""Start at login: an XDG autostart entry on Linux, the Run key on Windows, a LaunchAgent on macOS.

The entry itself is the truth (a user may remove it by hand); the setting only mirrors it. Each
backend writes one small thing the platform documents, and removes exactly that.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from pathlib import Path
from typing import Any, Protocol

from zomro_tray import APP_NAME

RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
LAUNCH_AGENT_LABEL = "io.github.zomro-tray"


def launch_command() -> list[str]:
    """How to start this very app again: the frozen executable, or the installed command."""
    if getattr(sys, "frozen", False):
        # The Windows bundle has a console twin (zomro-tray-cli.exe) for the command line; what
        # starts at login is always the windowed tray beside it.
        tray = Path(sys.executable).with_name(f"{APP_NAME}.exe")
        if sys.platform == "win32" and tray.is_file():
            return [str(tray)]
        return [sys.executable]
    installed = shutil.which(APP_NAME)
    if installed:
        return [installed]
    return [sys.executable, "-m", "zomro_tray"]


class AutoStart(Protocol):
    def is_enabled(self) -> bool: ...
    def set_enabled(self, enabled: bool) -> None: ...


class _LoginItemFile:
    """A login item that is one file: present means on. Subclasses say where and what."""

    path: Path
    command: list[str]

    def content(self) -> bytes:
        raise NotImplementedError

    def is_enabled(self) -> bool:
        return self.path.is_file()

    def set_enabled(self, enabled: bool) -> None:
        if not enabled:
            self.path.unlink(missing_ok=True)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_bytes(self.content())


class XdgAutoStart(_LoginItemFile):
    """``$XDG_CONFIG_HOME/autostart/zomro-tray.desktop`` (freedesktop.org autostart spec)."""

    def __init__(self, config_home: Path | None = None, command: list[str] | None = None) -> None:
        home = config_home or Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
        self.path = home / "autostart" / f"{APP_NAME}.desktop"
        self.command = command or launch_command()

    def content(self) -> bytes:
        return (
            "[Desktop Entry]\n"
            "Type=Application\n"
            "Name=zomro-tray\n"
            "Comment=Zomro Cloud VPS in the system tray\n"
            f"Exec={desktop_exec(self.command)}\n"
            f"Icon={APP_NAME}\n"
            "Terminal=false\n"
            "X-GNOME-Autostart-enabled=true\n"
            "X-GNOME-Autostart-Delay=5\n"
        ).encode()


#: Characters that make the Desktop Entry spec quote an argument of Exec=.
_RESERVED = frozenset(" \t\n\"'\\><~|&;$*?#()`")


def desktop_exec(command: list[str]) -> str:
    """An Exec= value per the Desktop Entry specification (not shell quoting): arguments with
    reserved characters in double quotes, with ``"`` `` ` `` ``$`` ``\\`` escaped inside; ``%``
    doubled (field codes); then the string escapes of any desktop-file value."""
    parts = []
    for arg in command:
        quoted = arg
        if not arg or any(char in _RESERVED for char in arg):
            inner = "".join("\\" + char if char in '"`$\\' else char for char in arg)
            quoted = f'"{inner}"'
        parts.append(quoted.replace("%", "%%"))
    value = " ".join(parts).replace("\\", "\\\\")
    return value.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")


def windows_command_line(command: list[str]) -> str:
    """The executable always in double quotes, as the installer writes it (a Windows path holds
    no ``"``, and ``%`` is literal in a REG_SZ value); further arguments by Windows' argv rules."""
    import subprocess

    rest = subprocess.list2cmdline(command[1:])
    return f'"{command[0]}"' + (f" {rest}" if rest else "")


class WindowsRunKey:
    """``HKCU\\...\\CurrentVersion\\Run``: per user, no administrator rights needed."""

    def __init__(self, command: list[str] | None = None, registry: Any = None) -> None:
        if registry is None:
            import winreg

            registry = winreg
        self._reg: Any = registry  # winreg, or a stand-in with its names in tests
        self.command = command or launch_command()

    def is_enabled(self) -> bool:
        reg = self._reg
        try:
            with reg.OpenKey(reg.HKEY_CURRENT_USER, RUN_KEY) as key:
                reg.QueryValueEx(key, APP_NAME)
        except OSError:
            return False
        return True

    def set_enabled(self, enabled: bool) -> None:
        reg = self._reg
        access = reg.KEY_SET_VALUE
        with reg.OpenKey(reg.HKEY_CURRENT_USER, RUN_KEY, 0, access) as key:
            if enabled:
                value = windows_command_line(self.command)
                reg.SetValueEx(key, APP_NAME, 0, reg.REG_SZ, value)
            else:
                with contextlib.suppress(FileNotFoundError):  # already off
                    reg.DeleteValue(key, APP_NAME)


class MacLaunchAgent(_LoginItemFile):
    """``~/Library/LaunchAgents/io.github.zomro-tray.plist`` with RunAtLoad."""

    def __init__(self, home: Path | None = None, command: list[str] | None = None) -> None:
        base = home or Path.home()
        self.path = base / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT_LABEL}.plist"
        self.command = command or launch_command()

    def content(self) -> bytes:
        import plistlib

        agent = {
            "Label": LAUNCH_AGENT_LABEL,
            "ProgramArguments": self.command,
            "RunAtLoad": True,
            "ProcessType": "Interactive",
        }
        return plistlib.dumps(agent)


def for_this_platform() -> AutoStart | None:
    if sys.platform.startswith("linux") or sys.platform.startswith("freebsd"):
        return XdgAutoStart()
    if sys.platform == "win32":
        return WindowsRunKey()
    if sys.platform == "darwin":
        return MacLaunchAgent()
    return None
