"""Starting the tray app: the QApplication, one instance per user, demo mode, clean exit.

The icon comes first: before it shows, only Qt, the settings (for the language), the instance
lock and the icon's painter are loaded. The rest of the app (menu, worker, dialogs, the log
file) is made in the event loop's first turn after it, and the worker thread then loads the
client (requests). The keychain is read by a helper process that the command line started
before Qt loaded (keychain.py). tests/test_e2e_x11.py checks what is loaded at the moment the
icon shows.
"""

from __future__ import annotations

import logging
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QSocketNotifier, QTimer
from PySide6.QtWidgets import QApplication

from zomro_tray import APP_NAME, __version__, errors, logs
from zomro_tray.gui.language import speak
from zomro_tray.gui.single_instance import SingleInstance
from zomro_tray.gui.tray.tray_host import TrayHost, starting_host
from zomro_tray.i18n import _
from zomro_tray.store.settings import SettingsStore

if TYPE_CHECKING:
    from zomro_tray.emulator import Emulator
    from zomro_tray.gui.tray.tray import TrayApp
    from zomro_tray.store.keychain import SecretStore, SessionOnlyKeychain
    from zomro_tray.store.settings import Settings

log = logging.getLogger(__name__)

WINDOWS_APP_ID = "ZomroTray.ZomroTray"


def run(api_url: str | None = None, demo: str = "", secrets: SecretStore | None = None) -> int:
    """``secrets``: the keychain, its first read already under way (cli.run_tray); ``demo``:
    the emulator's scenario to show instead of Zomro ("demo", or "accounts" for several)."""
    _set_windows_app_id()
    app = cast(QApplication, QApplication.instance() or QApplication([sys.argv[0]]))
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("zomro-tray")
    app.setDesktopFileName(APP_NAME)
    app.setQuitOnLastWindowClosed(False)  # closing a dialog must not quit a tray app
    speak(SettingsStore().chosen_language())  # the user's choice, in demo mode too

    instance = SingleInstance()
    if not instance.acquire():
        instance.notify_running()
        print(_("{app} is already running: its menu was opened.").format(app=APP_NAME))
        return errors.EXIT_OK

    tray_host = starting_host()
    tray_host.start()  # the icon, before the rest of the app is even loaded
    with ExitStack() as cleanup:
        started: list[TrayApp] = []
        failed: list[BaseException] = []

        def start_the_rest() -> None:
            try:
                tray = _start(
                    tray_host,
                    instance,
                    api_url=api_url,
                    demo=demo,
                    cleanup=cleanup,
                    secrets=secrets,
                )
                started.append(tray)
            except Exception as error:  # told by the command line, as before the icon existed
                failed.append(error)
                app.exit(errors.EXIT_ERROR)

        QTimer.singleShot(0, start_the_rest)
        code = app.exec()
        for tray in started:
            tray.stop_worker()
            tray.dispose()
        instance.close()
    if failed:
        raise failed[0]
    return code


def _start(
    tray_host: TrayHost,
    instance: SingleInstance,
    *,
    api_url: str | None,
    demo: str,
    cleanup: ExitStack,
    secrets: SecretStore | None,
) -> TrayApp:
    """Everything but the icon: the log file, the app and its worker, answering later launches."""
    from zomro_tray.gui.paint.icons import app_icon

    logs.log_to_file()  # no console on Windows and macOS: the file is where problems go
    log.info("%s %s started%s", APP_NAME, __version__, " in demo mode" if demo else "")
    app = cast(QApplication, QApplication.instance())
    app.setWindowIcon(app_icon())
    tray = _tray_app(api_url, demo, cleanup, tray_host, secrets)
    logs.install_excepthook(tray.tell_unexpected_error)
    instance.activated.connect(tray.tray_host.show_menu)
    instance.listen()
    _quit_on_signals(app, tray)
    tray.start()
    return tray


def _set_windows_app_id() -> None:
    """Windows names notifications after the AppUserModelID: make it ours, not python.exe's."""
    if sys.platform == "win32":
        import ctypes

        ctypes.windll.shell32.SetCurrentProcessExplicitAppUserModelID(WINDOWS_APP_ID)


def _tray_app(
    api_url: str | None,
    demo: str,
    cleanup: ExitStack,
    tray_host: TrayHost,
    secrets: SecretStore | None,
) -> TrayApp:
    from zomro_tray.gui.tray.tray import TrayApp

    if not demo:
        from zomro_tray.store import autostart
        from zomro_tray.store.keychain import SecretStore

        store = SettingsStore()
        return TrayApp(
            store,
            # keyring's stack stays out of here (keychain.py)
            secrets or SecretStore(read_in_helper=True, entries=store.keychain_entries()),
            api_url=api_url,
            autostart=autostart.for_this_platform(),
            tray_host=tray_host,
        )
    import tempfile

    from zomro_tray.emulator import Emulator

    emulator = Emulator(scenario=demo).start()
    cleanup.callback(emulator.stop)
    demo_dir = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="zomro-demo-")))
    store = SettingsStore(demo_dir)
    settings, keychain = demo_accounts(emulator, several=demo == "accounts")
    store.save(settings)
    return TrayApp(store, keychain, demo=True, tray_host=tray_host)


def demo_accounts(emulator: Emulator, several: bool) -> tuple[Settings, SessionOnlyKeychain]:
    """The demo's account, signed in with its token; with ``several``, the emulator's agency
    and its three clients after it, each signed in with its password, in memory only."""
    from zomro_tray.core.account import Account
    from zomro_tray.core.credentials import Credentials
    from zomro_tray.emulator.scenarios import CLIENT_ACCOUNTS
    from zomro_tray.store.keychain import SessionOnlyKeychain
    from zomro_tray.store.settings import Settings

    accounts = [Account(label=_("My servers") if several else "", api_url=emulator.url)]
    signed_in = {accounts[0].keychain_entry: Credentials.from_token(emulator.demo_token)}
    for number, user in enumerate(CLIENT_ACCOUNTS if several else (), 2):
        account = Account(
            key=str(number), label=user.replace("-", " ").title(), api_url=emulator.url
        )
        accounts.append(account)
        signed_in[account.keychain_entry] = Credentials.from_password(user, f"{user}-password")
    settings = Settings(accounts=tuple(accounts), refresh_seconds=30)
    return settings, SessionOnlyKeychain(signed_in)


def _quit_on_signals(app: QApplication, tray: TrayApp) -> None:
    """Ctrl+C and SIGTERM quit cleanly. A wake-up fd, not a polling timer: no idle wake-ups."""
    import signal
    import socket

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
