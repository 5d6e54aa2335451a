"""Screenshots of the everyday flows, for docs/: the app against its emulator, drawn offscreen.

    QT_QPA_PLATFORM=offscreen python docs/screenshots/flows.py [LANGUAGE]

English goes to ./flows beside this file, another language (pl, uk, ru) to ./flows/LANGUAGE.

Each picture is one widget as Qt draws it (menus, dialogs, the window); the desktops draw their
own frames around them (docs/screenshots/desktops/ shows those).
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from zomro_tray.core.account import Account
from zomro_tray.core.credentials import Credentials
from zomro_tray.core.model import ServerKey
from zomro_tray.core.overall import Connection
from zomro_tray.emulator import Emulator, build_state
from zomro_tray.gui.app import demo_accounts
from zomro_tray.gui.language import speak
from zomro_tray.gui.tray.tray import TrayApp
from zomro_tray.store.keychain import SessionOnlyStore
from zomro_tray.store.settings import Settings, SettingsStore
from zomro_tray.worker.contract import Timing

WEB = "5116804"


def spin(condition: object = None, seconds: float = 10.0) -> None:
    """Run the event loop until ``condition()`` holds (or for ``seconds`` if there is none)."""
    loop = QEventLoop()
    timer = QTimer()
    timer.timeout.connect(lambda: condition is not None and condition() and loop.quit())  # type: ignore[operator]
    timer.start(50)
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    timer.stop()


def save(widget: QWidget, path: Path) -> None:
    # The size a real screen gives it: adjustSize() would hold a dialog to 2/3 of the small
    # offscreen screen (800 px), which no desktop has.
    widget.resize(widget.sizeHint().expandedTo(widget.minimumSizeHint()))
    widget.grab().save(str(path))
    print(path)


def dark(app: QApplication) -> None:
    """A dark theme, as a dark desktop hands it to Qt (the palette; the icons are the app's)."""
    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#2b2d31"),
        (QPalette.ColorRole.WindowText, "#e8e8e8"),
        (QPalette.ColorRole.Base, "#1f2023"),
        (QPalette.ColorRole.AlternateBase, "#2b2d31"),
        (QPalette.ColorRole.Text, "#e8e8e8"),
        (QPalette.ColorRole.Button, "#35373c"),
        (QPalette.ColorRole.ButtonText, "#e8e8e8"),
        (QPalette.ColorRole.Highlight, "#2b7de9"),
        (QPalette.ColorRole.HighlightedText, "#ffffff"),
        (QPalette.ColorRole.PlaceholderText, "#8a8d93"),
        (QPalette.ColorRole.Mid, "#55585e"),
    ):
        palette.setColor(role, QColor(colour))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#8a8d93"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor("#8a8d93"))
    app.setPalette(palette)
    spin(seconds=0.2)


def window_and_dark(app: QApplication, tray: TrayApp, out: Path) -> None:
    """The window with the first server's story (its graphs read), then both in a dark theme."""
    tray.show_window()
    assert tray.window is not None
    tray.window.select(ServerKey("", WEB))
    story = tray.window.story
    spin(lambda: bool(story.cpu_graph.values and story.traffic_graph.values))
    save(tray.window, out / "window.png")
    dark(app)
    save(tray.menu.menu, out / "menu-dark.png")
    save(tray.window, out / "window-dark.png")
    app.setPalette(app.style().standardPalette())


def main() -> None:
    language = sys.argv[1] if len(sys.argv) > 1 else "en"
    out = Path(__file__).parent / "flows"
    out = out if language == "en" else out / language
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationDisplayName("zomro-tray")
    speak(language)
    emulator = Emulator(build_state("demo", transition_seconds=60)).start()
    with tempfile.TemporaryDirectory() as folder:
        store = SettingsStore(Path(folder))
        store.save(Settings(accounts=(Account(api_url=emulator.url),)))
        # First sign-in: nothing stored, the dialog opens by itself.
        first = TrayApp(store, SessionOnlyStore(None), timing=Timing())
        first.start()
        spin(lambda: first.dialog is not None)
        assert first.dialog is not None
        save(first.dialog, out / "first-sign-in.png")
        first.stop_worker()
        first.dispose()

        tray = TrayApp(
            store,
            SessionOnlyStore(Credentials.from_token(emulator.demo_token)),
            timing=replace(Timing(), undo=60, idle=1.0),  # the details' graphs come each second
        )
        tray.start()
        spin(lambda: tray.account == "demo" and len(tray.shown) == 5)
        menu = tray.menu.menu
        save(menu, out / "menu.png")
        tray.toggle(ServerKey("", WEB))  # a stray click on a running server
        save(menu, out / "stop-with-undo.png")
        tray.power.undo(ServerKey("", WEB))
        tray.open_settings()
        assert tray.dialog is not None
        tray.dialog.tabs.setCurrentIndex(1)
        save(tray.dialog, out / "settings-servers.png")
        tray.dialog.tabs.setCurrentIndex(2)
        save(tray.dialog, out / "settings-general.png")
        tray.dialog.reject()
        window_and_dark(app, tray, out)
        emulator.state.fault_choices = ("reset",)
        emulator.state.fault_rate = 1.0
        tray.refresh()
        spin(lambda: tray.connection is Connection.OFFLINE)
        save(menu, out / "offline.png")
        tray.stop_worker()
        tray.dispose()
    emulator.stop()
    several_accounts(out)


def several_accounts(out: Path) -> None:
    """Five accounts, one of them refused by Zomro: the menu's sections, Settings' Accounts
    tab, and the window with its account column and filter."""
    emulator = Emulator(build_state("accounts", transition_seconds=60)).start()
    emulator.state.fail_account("client-c", "rights")
    settings, keychain = demo_accounts(emulator, several=True)
    with tempfile.TemporaryDirectory() as folder:
        store = SettingsStore(Path(folder))
        store.save(settings)
        tray = TrayApp(store, keychain, timing=Timing())
        tray.start()
        spin(lambda: all(f.connection is not Connection.STARTING for f in tray.feeds))
        spin(lambda: all(f.money.line() for f in list(tray.feeds)[:4]), seconds=5)
        save(tray.menu.menu, out / "menu-accounts.png")
        tray.open_settings()
        assert tray.dialog is not None
        tray.dialog.sign_in.list.setCurrentRow(1)
        save(tray.dialog, out / "settings-accounts.png")
        tray.dialog.tabs.setCurrentIndex(1)
        save(tray.dialog, out / "settings-servers-accounts.png")
        tray.dialog.reject()
        tray.show_window()
        assert tray.window is not None
        save(tray.window, out / "window-accounts.png")
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        dark(app)
        save(tray.menu.menu, out / "menu-accounts-dark.png")
        tray.open_settings()
        assert tray.dialog is not None
        tray.dialog.sign_in.list.setCurrentRow(4)  # the account Zomro refuses
        save(tray.dialog, out / "settings-accounts-dark.png")
        tray.dialog.reject()
        app.setPalette(app.style().standardPalette())
        tray.stop_worker()
        tray.dispose()
    emulator.stop()


if __name__ == "__main__":
    main()
