"""The Settings dialog: accounts and their sign-ins, the servers shown, and general choices.

The dialog never talks to the network or the keychain itself: "Test connection" and "Save" are
requests to the worker, answered by signals, so the dialog stays responsive while Zomro thinks.
A new sign-in is saved only after it has been tested; the secret then goes to the keychain
through the worker, and the settings file receives only settings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from zomro_tray import errors
from zomro_tray.core.account import Account, AccountStatus
from zomro_tray.core.endpoint import check_api_url
from zomro_tray.core.model import ServerKey, Service
from zomro_tray.gui.dialogs.accounts_page import AccountsPage
from zomro_tray.gui.dialogs.servers_table import ServerChoice, ServersTable
from zomro_tray.gui.paint.icons import app_icon
from zomro_tray.i18n import LANGUAGES, N_, _
from zomro_tray.store.settings import (
    MAX_REFRESH_SECONDS,
    MAX_WARNING_DAYS,
    MIN_REFRESH_SECONDS,
    MIN_WARNING_DAYS,
    NotificationKind,
    Settings,
)
from zomro_tray.worker.contract import SignInCheck

NOTIFICATION_LABELS = {
    NotificationKind.EXTERNAL_CHANGE: N_("A server stops or is suspended without you doing it"),
    NotificationKind.ACTION_RESULT: N_("A start, stop or reboot finishes or fails"),
    NotificationKind.SIGN_IN: N_("Signing in is needed"),
    NotificationKind.CONNECTION: N_("The connection to Zomro is lost or restored"),
    NotificationKind.MONEY: N_("The balance runs low, or Zomro suspends servers for non-payment"),
}


class SettingsDialog(QDialog):
    check_requested = Signal(int, object)  # request id, SignInForm
    #: Settings, Credentials | None, and the key of the account the sign-in is for.
    save_requested = Signal(object, object, str)

    def __init__(
        self,
        settings: Settings,
        accounts: Sequence[AccountStatus],
        *,
        notice: str = "",
        autostart_supported: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Settings"))  # Qt adds " — zomro-tray", the application's name
        self.setWindowIcon(app_icon())
        self._settings = settings
        #: Each account's servers, as last listed (a tested sign-in lists its own).
        self._services = {status.key: tuple(status.services) for status in accounts}

        self.sign_in = AccountsPage(
            settings.accounts, {status.key: status for status in accounts}, notice
        )
        self.sign_in.check_requested.connect(self.check_requested.emit)
        self.sign_in.busy_changed.connect(self._set_busy)
        self.sign_in.servers_found.connect(self._servers_found)
        self.sign_in.save_wanted.connect(self._save_clicked)
        self.tabs = QTabWidget()
        # At least this wide; wider when a language needs it (a minimum set on the dialog
        # itself would stop its layout from growing it).
        self.tabs.setMinimumWidth(616)
        self.tabs.addTab(self.sign_in, _("Accounts"))
        self.tabs.addTab(self._servers_tab(), _("Servers"))
        self.tabs.addTab(self._general_tab(autostart_supported), _("General"))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._save_clicked)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.buttons)

    # --- tabs ------------------------------------------------------------------------------

    def _servers_tab(self) -> QWidget:
        page = QWidget()
        self.servers = ServersTable()
        self.fill_servers()
        hint = QLabel(
            _(
                "Untick servers you do not want in the menu; double-click an alias to edit it. "
                "While every server is ticked, servers you add later appear by themselves. "
                '"Always ask": a shutdown or reboot of that server asks first instead of '
                "waiting a few seconds to be undone."
            )
        )
        hint.setWordWrap(True)
        layout = QVBoxLayout(page)
        layout.addWidget(hint)
        layout.addWidget(self.servers)
        return page

    def _general_tab(self, autostart_supported: bool) -> QWidget:
        page = QWidget()
        settings = self._settings
        self.refresh = QSpinBox(
            minimum=MIN_REFRESH_SECONDS,
            maximum=MAX_REFRESH_SECONDS,
            # Translators: the unit after the refresh interval's number ("60 s").
            suffix=_(" s"),
            value=settings.refresh_seconds,
        )
        self.confirm_stop = QCheckBox(_("Ask before shutting a server down"))
        self.confirm_stop.setChecked(settings.confirm_before_stop)
        self.refresh.setMaximumWidth(110)
        self.warning_days = QSpinBox(minimum=MIN_WARNING_DAYS, maximum=MAX_WARNING_DAYS)
        self.warning_days.setValue(settings.runway_warning_days)
        self.warning_days.setMaximumWidth(110)
        self.start_at_login = QCheckBox(_("Start zomro-tray when I log in"))
        self.start_at_login.setChecked(settings.start_at_login)
        self.start_at_login.setVisible(autostart_supported)
        self.notify_boxes: dict[NotificationKind, QCheckBox] = {}
        notes = QGroupBox(_("Notify me when"))
        notes_layout = QVBoxLayout(notes)
        for kind, label in NOTIFICATION_LABELS.items():
            box = QCheckBox(_(label))
            box.setChecked(settings.notify(kind))
            notes_layout.addWidget(box)
            self.notify_boxes[kind] = box
        self.language = QComboBox()
        self.language.addItem(_("System language"), "")
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)  # each language in its own words
        self.language.setCurrentIndex(max(self.language.findData(settings.language), 0))
        form = QFormLayout()
        form.addRow(_("Language"), self.language)
        form.addRow(_("Refresh every"), self.refresh)
        form.addRow(_("Warn when the balance lasts fewer days than"), self.warning_days)
        layout = QVBoxLayout(page)
        layout.addLayout(form)
        layout.addWidget(self.confirm_stop)
        layout.addWidget(self.start_at_login)
        layout.addWidget(notes)
        layout.addStretch(1)
        return page

    def fill_servers(self) -> None:
        """Every account's servers, each ticked as its account shows it, and named after its
        account while there are several."""
        several = len(self._settings.accounts) > 1
        names = {
            a.key: a.title(number) if several else ""
            for number, a in enumerate(self._settings.accounts, 1)
        }
        every = [
            (ServerKey(key, s.id), s) for key, services in self._services.items() for s in services
        ]
        self.servers.fill(every, self._settings, names)

    def _servers_found(self, key: str, services: Sequence[Service]) -> None:
        """A tested sign-in's servers take the place of what that account listed."""
        self._services[key] = tuple(services)
        self.fill_servers()

    # --- saving ----------------------------------------------------------------------------

    def collected_settings(self) -> Settings:
        choices = self.servers.choices()
        accounts = tuple(self._chosen_for(a, choices) for a in self.sign_in.accounts())
        return replace(
            self._settings,
            accounts=accounts,
            refresh_seconds=self.refresh.value(),
            runway_warning_days=self.warning_days.value(),
            notifications={k.value: box.isChecked() for k, box in self.notify_boxes.items()},
            confirm_before_stop=self.confirm_stop.isChecked(),
            start_at_login=self.start_at_login.isChecked(),
            language=str(self.language.currentData()),
        )

    @staticmethod
    def _chosen_for(account: Account, choices: Sequence[ServerChoice]) -> Account:
        """The account with the choices made for its own servers (only those: another
        account's server of the same id is another server): the ticked ones shown (all ticked
        shows servers added later too), their aliases and "Always ask". An account whose
        servers are not listed (signed out) keeps what it had."""
        own = [c for c in choices if c.key.account == account.key]
        if not own:
            return account
        listed = {c.key.id for c in own}
        aliases = {sid: name for sid, name in account.aliases.items() if sid not in listed}
        aliases |= {c.key.id: c.alias for c in own if c.alias}
        always_ask = {sid for sid in account.always_ask if sid not in listed}
        always_ask |= {c.key.id for c in own if c.always_ask}
        shown = tuple(c.key.id for c in own if c.shown)
        return replace(
            account,
            shown_services=None if len(shown) == len(own) else shown,
            aliases=aliases,
            always_ask=tuple(sorted(always_ask)),
        )

    def _save_clicked(self) -> None:
        settings = self.collected_settings()
        try:
            for account in settings.accounts:
                check_api_url(account.api_url)
        except errors.ZomroError as error:
            self.tabs.setCurrentIndex(0)
            self.sign_in.show_result(str(error), ok=False)
            return
        key = self.sign_in.current_key
        if self.sign_in.sign_in_form() is None:
            self.save_requested.emit(settings, None, key)
            self.accept()
            return
        credentials = self.sign_in.checked_credentials()
        if credentials is None:
            self.sign_in.start_check(save_after=True)  # a new sign-in is tested before it is kept
            return
        self._set_busy(True)
        self.sign_in.show_result(_("Saving the sign-in in the keychain…"), ok=None)
        self.save_requested.emit(settings, credentials, key)

    def on_sign_in_checked(self, check: SignInCheck) -> None:
        self.sign_in.on_sign_in_checked(check)

    def on_credentials_saved(self, ok: bool, message: str) -> None:
        self._set_busy(False)
        if ok:
            self.accept()
        else:
            self.tabs.setCurrentIndex(0)
            self.sign_in.show_result(message, ok=False)

    def _set_busy(self, busy: bool) -> None:
        self.sign_in.set_busy(busy)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(not busy)
