"""Starting the tray app: the QApplication, one instance per user, demo mode, clean exit.

Only what the icon needs is imported before it shows; the client (requests) and the keychain
(keyring) are loaded by the worker thread afterwards, so the icon appears as fast as Qt allows.
"""

from __future__ import annotations

import logging
import signal
import socket
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import cast

from PySide6.QtCore import QSocketNotifier
from PySide6.QtWidgets import QApplication

from zomro_tray import APP_NAME, __version__, autostart, errors, logs
from zomro_tray.credentials import Credentials
from zomro_tray.gui.icons import app_icon
from zomro_tray.gui.language import speak
from zomro_tray.gui.single_instance import SingleInstance
from zomro_tray.gui.tray import TrayApp
from zomro_tray.i18n import _
from zomro_tray.keychain import SecretStore, SessionOnlyStore
from zomro_tray.settings import Settings, SettingsStore

log = logging.getLogger(__name__)

WINDOWS_APP_ID = "ZomroTray.ZomroTray"


def run(api_url: str | None = None, demo: bool = False) -> int:
    _set_windows_app_id()
    app = cast(QApplication, QApplication.instance() or QApplication([sys.argv[0]]))
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("zomro-tray")
    app.setDesktopFileName(APP_NAME)
    app.setQuitOnLastWindowClosed(False)  # closing a dialog must not quit a tray app
    app.setWindowIcon(app_icon())
    speak(SettingsStore().chosen_language())  # the user's choice, in demo mode too

    instance = SingleInstance()
    if not instance.acquire():
        instance.notify_running()
        print(_("{app} is already running: its menu was opened.").format(app=APP_NAME))
        return errors.EXIT_OK

    logs.log_to_file()  # no console on Windows and macOS: the file is where problems go
    log.info("%s %s started%s", APP_NAME, __version__, " in demo mode" if demo else "")
    with ExitStack() as cleanup:
        tray = _tray_app(api_url, demo, cleanup)
        logs.install_excepthook(tray.tell_unexpected_error)
        instance.activated.connect(tray.tray_host.show_menu)
        _quit_on_signals(app, tray)
        tray.start()
        code = app.exec()
        tray.stop_worker()
        tray.dispose()
        instance.close()
    return code


def _set_windows_app_id() -> None:
    """Windows names notifications after the AppUserModelID: make it ours, not python.exe's."""
    if sys.platform == "win32":
        import ctypes

        ctypes.windll.shell32.SetCurrentProcessExplicitAppUserModelID(WINDOWS_APP_ID)


def _tray_app(api_url: str | None, demo: bool, cleanup: ExitStack) -> TrayApp:
    if not demo:
        return TrayApp(
            SettingsStore(), SecretStore(), api_url=api_url, autostart=autostart.for_this_platform()
        )
    from zomro_tray.emulator import Emulator

    emulator = Emulator(scenario="demo").start()
    cleanup.callback(emulator.stop)
    demo_dir = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="zomro-demo-")))
    store = SettingsStore(demo_dir)
    store.save(Settings(api_url=emulator.url, refresh_seconds=30))
    credentials = Credentials.from_token(emulator.demo_token)
    return TrayApp(store, SessionOnlyStore(credentials), demo=True)


def _quit_on_signals(app: QApplication, tray: TrayApp) -> None:
    """Ctrl+C and SIGTERM quit cleanly. A wake-up fd, not a polling timer: no idle wake-ups."""
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    signal.set_wakeup_fd(writer.fileno())
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: None)  # the wake-up byte does the work
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, app)

    def woke() -> None:
        reader.recv(64)
        tray.quit()

    notifier.activated.connect(woke)
    app._zomro_signal_sockets = (reader, writer, notifier)  # type: ignore[attr-defined]
