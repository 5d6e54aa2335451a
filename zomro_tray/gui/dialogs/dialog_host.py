"""The Settings dialog and About, opened once each: a second request raises the open one.

The dialog tests a sign-in through the worker (never in the GUI thread) and hands back what the
user saved; the app decides what to do with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox

from zomro_tray import logs
from zomro_tray.core.account import AccountStatus
from zomro_tray.store.settings import Settings

if TYPE_CHECKING:  # loaded when first opened: start-up only pays for the icon and the menu
    from zomro_tray.gui.accounts.feeds import Feeds
    from zomro_tray.gui.dialogs.settings_dialog import SettingsDialog


class DialogHost(QObject):
    #: Settings, Credentials | None (a new sign-in, tested, to keep in the keychain), and the
    #: key of the account it signs in.
    saved = Signal(object, object, str)

    def __init__(self, feeds: Feeds, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._feeds = feeds
        self.dialog: SettingsDialog | None = None
        self.about: QMessageBox | None = None

    def open_settings(
        self,
        settings: Settings,
        accounts: Sequence[AccountStatus],
        *,
        autostart_supported: bool,
        notice: str = "",
    ) -> None:
        if self.dialog is not None:
            self.dialog.raise_()
            self.dialog.activateWindow()
            return
        from zomro_tray.gui.dialogs.settings_dialog import SettingsDialog

        dialog = SettingsDialog(
            settings, accounts, notice=notice, autostart_supported=autostart_supported
        )
        feeds = self._feeds
        dialog.check_requested.connect(feeds.check_sign_in)
        dialog.save_requested.connect(self.saved.emit)
        feeds.sign_in_checked.connect(dialog.on_sign_in_checked)
        feeds.credentials_saved.connect(dialog.on_credentials_saved)
        dialog.finished.connect(self._dialog_closed)
        self.dialog = dialog
        dialog.show()
        dialog.raise_()

    def _dialog_closed(self) -> None:
        if self.dialog is not None:
            self._feeds.sign_in_checked.disconnect(self.dialog.on_sign_in_checked)
            self._feeds.credentials_saved.disconnect(self.dialog.on_credentials_saved)
            self.dialog.deleteLater()
        self.dialog = None

    def show_about(self) -> None:
        if self.about is None:
            from zomro_tray.gui.dialogs import questions  # loaded when first opened

            self.about = questions.about_box(logs.log_folder())
            self.about.destroyed.connect(self._about_closed)
        self.about.show()
        self.about.raise_()

    def _about_closed(self) -> None:
        self.about = None

    def close_all(self) -> None:
        for widget in (self.dialog, self.about):
            if widget is not None:
                widget.close()
                widget.deleteLater()
        self.dialog = self.about = None
