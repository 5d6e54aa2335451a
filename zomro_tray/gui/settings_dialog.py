"""The Settings and Sign-in dialog.

The dialog never talks to the network or the keychain itself: "Test connection" and "Save" are
requests to the worker, answered by signals, so the dialog stays responsive while Zomro thinks.
A new sign-in is saved only after it has been tested; the secret then goes to the keychain
through the worker, and the settings file receives only settings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from itertools import count

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from zomro_tray import errors
from zomro_tray.contract import SignInCheck, SignInForm, SignInOutcome
from zomro_tray.credentials import AuthMethod, Credentials
from zomro_tray.endpoint import check_api_url
from zomro_tray.gui.icons import app_icon
from zomro_tray.gui.servers_table import ServersTable
from zomro_tray.i18n import LANGUAGES, N_, _
from zomro_tray.model import Service
from zomro_tray.settings import (
    MAX_REFRESH_SECONDS,
    MAX_WARNING_DAYS,
    MIN_REFRESH_SECONDS,
    MIN_WARNING_DAYS,
    NotificationKind,
    Settings,
)

NOTIFICATION_LABELS = {
    NotificationKind.EXTERNAL_CHANGE: N_("A server stops or is suspended without you doing it"),
    NotificationKind.ACTION_RESULT: N_("A start, stop or reboot finishes or fails"),
    NotificationKind.SIGN_IN: N_("Signing in is needed"),
    NotificationKind.CONNECTION: N_("The connection to Zomro is lost or restored"),
    NotificationKind.MONEY: N_("The balance runs low, or Zomro suspends servers for non-payment"),
}
METHODS = (
    (AuthMethod.PASSWORD, N_("Username and password")),
    (AuthMethod.TOKEN, N_("Session token (advanced)")),
    (AuthMethod.AUTHINFO, N_("Username and password, sent with every request (advanced)")),
)
METHOD_HINTS = {
    AuthMethod.PASSWORD: N_(
        "Your Zomro username and password; a two-factor code if your account asks for one. "
        "They are kept in the system keychain."
    ),
    AuthMethod.TOKEN: N_(
        "The auth value of a signed-in Zomro session (for scripts and testing). A session "
        "ends after a while idle; then you sign in again."
    ),
    AuthMethod.AUTHINFO: N_(
        "For accounts where sessions keep expiring: no session is kept, the username and "
        "password go with every request. Two-factor accounts cannot use it."
    ),
}
_request_ids = count(1)


class SettingsDialog(QDialog):
    check_requested = Signal(int, object)  # request id, SignInForm
    save_requested = Signal(object, object)  # Settings, Credentials | None

    def __init__(
        self,
        settings: Settings,
        services: Sequence[Service],
        signed_in: bool,
        *,
        notice: str = "",
        account: str = "",
        autostart_supported: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Settings"))  # Qt adds " — zomro-tray", the application's name
        self.setWindowIcon(app_icon())
        self._settings = settings
        self._signed_in = signed_in
        self._account = account
        self._pending_check = 0
        self._save_after_check = False
        self._checked: tuple[SignInForm, Credentials] | None = None

        self.tabs = QTabWidget()
        # At least this wide; wider when a language needs it (a minimum set on the dialog
        # itself would stop its layout from growing it).
        self.tabs.setMinimumWidth(616)
        self.tabs.addTab(self._account_tab(notice), _("Account"))
        self.tabs.addTab(self._servers_tab(services), _("Servers"))
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

    def _account_tab(self, notice: str) -> QWidget:
        page = QWidget()
        self.notice = QLabel(notice or self._account_notice())
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.setWordWrap(True)
        self.method = QComboBox()
        for method, label in METHODS:
            self.method.addItem(_(label), method)
        self.method_hint = QLabel("")
        self.method_hint.setWordWrap(True)
        self.token = QLineEdit(placeholderText=_("Paste the session token"))
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.username = QLineEdit(self._settings.username, placeholderText=_("you@example.com"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.code = QLineEdit(placeholderText=_("6-digit code from your authenticator app"))
        self.code.setMaxLength(10)
        self.test_button = QPushButton(_("Test connection"))
        self.test_button.clicked.connect(lambda: self._start_check(save_after=False))
        self.check_result = QLabel("")
        self.check_result.setTextFormat(Qt.TextFormat.PlainText)  # it quotes what Zomro said
        self.check_result.setWordWrap(True)
        self.check_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.form = QFormLayout()
        self.form.addRow(_("Sign in with"), self.method)
        self.form.addRow("", self.method_hint)
        self.form.addRow(_("Session token"), self.token)
        self.form.addRow(_("Username"), self.username)
        self.form.addRow(_("Password"), self.password)
        self.form.addRow(_("Two-factor code"), self.code)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.check_result, 1)
        layout = QVBoxLayout(page)
        layout.addWidget(self.notice)
        layout.addLayout(self.form)
        layout.addLayout(test_row)
        layout.addStretch(1)
        self.method.currentIndexChanged.connect(self._method_changed)
        last = self.method.findData(AuthMethod(self._settings.sign_in_method))
        self.method.setCurrentIndex(max(last, 0))  # signing in again: the way it was done last
        self._method_changed()
        return page

    def _account_notice(self) -> str:
        if self._signed_in:
            if self._account:
                return _(
                    "Signed in as {account}. Fill in the fields below only to sign in as "
                    "someone else."
                ).format(account=self._account)
            return _("You are signed in. Fill in the fields below only to sign in as someone else.")
        return _(
            "Sign in with the username and password of your Zomro account. The sign-in is "
            "kept in the system keychain, never in a file."
        )

    def _servers_tab(self, services: Sequence[Service]) -> QWidget:
        page = QWidget()
        self.servers = ServersTable()
        self.fill_servers(services)
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
        self.api_url = QLineEdit(settings.api_url)
        advanced = QGroupBox(_("Advanced"))
        advanced_form = QFormLayout(advanced)
        advanced_form.addRow(_("API address"), self.api_url)
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
        layout.addWidget(advanced)
        layout.addStretch(1)
        return page

    def fill_servers(self, services: Sequence[Service]) -> None:
        self.servers.fill(services, self._settings)

    # --- sign-in ---------------------------------------------------------------------------

    def _method_changed(self) -> None:
        token = self.current_method() is AuthMethod.TOKEN
        for widget, visible in (
            (self.token, token),
            (self.username, not token),
            (self.password, not token),
            (self.code, self.current_method() is AuthMethod.PASSWORD),
        ):
            self.form.setRowVisible(widget, visible)
        self.method_hint.setText(_(METHOD_HINTS[self.current_method()]))
        self._checked = None

    def current_method(self) -> AuthMethod:
        return AuthMethod(self.method.currentData())

    def sign_in_form(self) -> SignInForm | None:
        """The sign-in typed in, or None when the fields are empty (keep the current one)."""
        method = self.current_method()
        if method is AuthMethod.TOKEN:
            if not self.token.text().strip():
                return None
        elif not (self.username.text().strip() and self.password.text()):
            return None
        return SignInForm(
            api_url=self.api_url.text().strip(),
            method=method,
            token=self.token.text().strip(),
            username=self.username.text().strip(),
            password=self.password.text(),
            two_factor_code=self.code.text().strip(),
        )

    def _start_check(self, save_after: bool) -> None:
        form = self.sign_in_form()
        if form is None:
            self._show_result(_("Fill in the sign-in first."), ok=False)
            return
        try:
            check_api_url(form.api_url)
        except errors.ZomroError as error:
            self._show_result(str(error), ok=False)
            return
        self._pending_check = next(_request_ids)
        self._save_after_check = save_after
        self._set_busy(True)
        self._show_result(_("Connecting to Zomro…"), ok=None)
        self.check_requested.emit(self._pending_check, form)

    def on_sign_in_checked(self, check: SignInCheck) -> None:
        if check.request_id != self._pending_check:
            return  # an answer to an older attempt
        self._set_busy(False)
        if check.outcome is SignInOutcome.TWO_FACTOR:
            self.method.setCurrentIndex(self.method.findData(AuthMethod.PASSWORD))
            self.form.setRowVisible(self.code, True)
            self.code.setFocus()
            self._show_result(
                _("{problem} Enter it and try again.").format(problem=check.message), ok=False
            )
            return
        if check.outcome is not SignInOutcome.OK or check.credentials is None:
            self._show_result(check.message, ok=False)
            return
        form = self.sign_in_form()
        if form is not None:
            self._checked = (form, check.credentials)
        self.fill_servers(check.services)
        self._show_result(check.message, ok=True)
        if self._save_after_check:
            self._save_clicked()

    def on_credentials_saved(self, ok: bool, message: str) -> None:
        self._set_busy(False)
        if ok:
            self.accept()
        else:
            self.tabs.setCurrentIndex(0)
            self._show_result(message, ok=False)

    def _show_result(self, message: str, ok: bool | None) -> None:
        colour = {True: "#1f7a3f", False: "#b3261e", None: "palette(text)"}[ok]
        self.check_result.setStyleSheet(f"color: {colour}")
        self.check_result.setText(message)

    def _set_busy(self, busy: bool) -> None:
        self.test_button.setEnabled(not busy)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(not busy)

    # --- saving ----------------------------------------------------------------------------

    def collected_settings(self) -> Settings:
        choices = self.servers.choices()
        shown: tuple[str, ...] | None = tuple(c.service_id for c in choices if c.shown)
        if not choices or len(shown or ()) == len(choices):
            shown = None  # all ticked: also show servers added later
        aliases = dict(self._settings.aliases)
        for choice in choices:
            aliases.pop(choice.service_id, None)
            if choice.alias:
                aliases[choice.service_id] = choice.alias
        listed = {c.service_id for c in choices}
        protected = {sid for sid in self._settings.protected_services if sid not in listed}
        protected |= {c.service_id for c in choices if c.always_ask}
        form = self.sign_in_form()
        who = {}  # how this sign-in was made, for next time (never the password or token)
        if form is not None:
            who = {"sign_in_method": form.method.value, "username": form.username}
        return replace(
            self._settings,
            protected_services=tuple(sorted(protected)),
            **who,
            api_url=self.api_url.text().strip() or self._settings.api_url,
            refresh_seconds=self.refresh.value(),
            runway_warning_days=self.warning_days.value(),
            shown_services=shown,
            aliases=aliases,
            notifications={k.value: box.isChecked() for k, box in self.notify_boxes.items()},
            confirm_before_stop=self.confirm_stop.isChecked(),
            start_at_login=self.start_at_login.isChecked(),
            language=str(self.language.currentData()),
        )

    def _save_clicked(self) -> None:
        settings = self.collected_settings()
        try:
            check_api_url(settings.api_url)
        except errors.ZomroError as error:
            self.tabs.setCurrentIndex(2)
            self._show_result(str(error), ok=False)
            return
        form = self.sign_in_form()
        if form is None:
            self.save_requested.emit(settings, None)
            self.accept()
            return
        if self._checked is None or self._checked[0] != form:
            self._start_check(save_after=True)  # a new sign-in is tested before it is kept
            return
        self._set_busy(True)
        self._show_result(_("Saving the sign-in in the keychain…"), ok=None)
        self.save_requested.emit(settings, self._checked[1])
