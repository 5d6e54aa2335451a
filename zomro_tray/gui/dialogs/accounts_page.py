"""Settings → Accounts: the Zomro accounts the tray shows, and each one's sign-in.

Zomro has no account switcher, so each account is a sign-in of its own. The list adds, removes
and reorders them (the menu's order); the form below names the chosen one and signs it in, the
way it always did: username and password with a two-factor code, or a token. A sign-in is
tested through the worker before Save keeps it (the page never touches the network itself).
Nothing changes until Save: a removed account's sign-in is forgotten then.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from itertools import count

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from zomro_tray import errors
from zomro_tray.core.account import (
    MAX_ACCOUNTS,
    Account,
    AccountStatus,
    new_key,
    too_many_accounts,
)
from zomro_tray.core.credentials import AuthMethod, Credentials
from zomro_tray.core.endpoint import check_api_url
from zomro_tray.i18n import N_, _
from zomro_tray.worker.contract import SignInCheck, SignInForm, SignInOutcome

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


class AccountsPage(QWidget):
    check_requested = Signal(int, object)  # request id, SignInForm
    busy_changed = Signal(bool)
    #: A tested sign-in's servers: the account's key, its services.
    servers_found = Signal(str, object)
    #: Save asked for a test first, and it passed: save now.
    save_wanted = Signal()

    def __init__(
        self,
        accounts: Sequence[Account],
        statuses: Mapping[str, AccountStatus],
        notice: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._accounts = list(accounts)
        self._statuses = statuses
        self._notice = notice  # why the dialog opened (first run): said for the first account
        self._current = 0
        self._pending_check = 0
        self._save_after_check = False
        self._checked: tuple[SignInForm, Credentials] | None = None
        self.list = QListWidget()
        self.list.setMaximumHeight(110)  # pragma: no mutate (layout: judged on screenshots)
        self.add_button = QPushButton(_("Add account"))
        self.remove_button = QPushButton(_("Remove"))
        self.up_button = QPushButton(_("Move up"))
        self.down_button = QPushButton(_("Move down"))
        # Signals connect through lambdas where the slot takes none of the signal's arguments
        # (clicked's "checked", the combo box's index): what a slot receives is then written
        # here, not guessed by PySide from the slot's signature (mutmut's wrappers take *args).
        self.add_button.clicked.connect(lambda: self.add_account())  # noqa: PLW0108
        self.remove_button.clicked.connect(lambda: self.remove_account())  # noqa: PLW0108
        self.up_button.clicked.connect(lambda: self.move_account(-1))
        self.down_button.clicked.connect(lambda: self.move_account(1))
        buttons = self._buttons = QVBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)  # pragma: no mutate (layout: judged on screenshots)
        chooser = QHBoxLayout()
        chooser.addWidget(self.list, 1)  # pragma: no mutate (layout: judged on screenshots)
        chooser.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(chooser)
        layout.addLayout(self._sign_in_form())
        layout.addStretch(1)  # pragma: no mutate (layout: judged on screenshots)
        self._fill_list()  # after the form: it shows the name's row only for several
        self.list.currentRowChanged.connect(self._chosen)
        self._load(self._first_needing_sign_in())

    def _first_needing_sign_in(self) -> int:
        """Opened from "Sign in…" or a notification: the first account that needs it."""
        for row, account in enumerate(self._accounts):
            status = self._statuses.get(account.key)
            if status is not None and not status.signed_in:
                return row
        return 0

    def _sign_in_form(self) -> QVBoxLayout:
        self.notice = QLabel("")
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.setWordWrap(True)
        self.label = QLineEdit(placeholderText=_("A name for this account, e.g. a client's"))
        self.label.textEdited.connect(self._renamed)
        self.method = QComboBox()
        for method, text in METHODS:
            self.method.addItem(_(text), method)
        self.method_hint = QLabel("")
        self.method_hint.setWordWrap(True)
        self.token = QLineEdit(placeholderText=_("Paste the session token"))
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.username = QLineEdit(placeholderText=_("you@example.com"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.code = QLineEdit(placeholderText=_("6-digit code from your authenticator app"))
        self.code.setMaxLength(10)
        self.api_url = QLineEdit()
        self.test_button = QPushButton(_("Test connection"))
        self.test_button.clicked.connect(lambda: self.start_check(save_after=False))
        self.check_result = QLabel("")
        self.check_result.setTextFormat(Qt.TextFormat.PlainText)  # it quotes what Zomro said
        self.check_result.setWordWrap(True)
        self.check_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.form = QFormLayout()
        self.form.addRow(_("Name"), self.label)
        self.form.addRow(_("Sign in with"), self.method)
        self.form.addRow("", self.method_hint)
        self.form.addRow(_("Session token"), self.token)
        self.form.addRow(_("Username"), self.username)
        self.form.addRow(_("Password"), self.password)
        self.form.addRow(_("Two-factor code"), self.code)
        self.form.addRow(_("API address"), self.api_url)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.check_result, 1)  # pragma: no mutate (layout, as above)
        layout = QVBoxLayout()
        layout.addWidget(self.notice)
        layout.addLayout(self.form)
        layout.addLayout(test_row)
        self.method.currentIndexChanged.connect(lambda _index: self._method_changed())
        return layout

    # --- the list ------------------------------------------------------------------------------

    def accounts(self) -> tuple[Account, ...]:
        """The accounts as edited (the chosen one with what its form says)."""
        self._store()
        return tuple(self._accounts)

    @property
    def current_key(self) -> str:
        return self._accounts[self._current].key

    def add_account(self) -> None:
        if len(self._accounts) >= MAX_ACCOUNTS:
            return  # the button says why it is off
        self._store()
        address = self._accounts[0].api_url  # one Zomro: the same address, unless changed
        self._accounts.append(Account(key=new_key(self._accounts), api_url=address))
        self._fill_list()
        self._load(len(self._accounts) - 1)
        self.username.setFocus()

    def remove_account(self) -> None:
        if len(self._accounts) < 2:
            return  # one account is always listed: signing out is how to empty it
        del self._accounts[self._current]
        self._fill_list()
        self._load(min(self._current, len(self._accounts) - 1))

    def move_account(self, step: int) -> None:
        """Up (-1) or down (1) in the menu's order."""
        self._store()
        row, target = self._current, self._current + step
        if not 0 <= target < len(self._accounts):
            return
        accounts = self._accounts
        accounts[row], accounts[target] = accounts[target], accounts[row]
        self._fill_list()
        self._load(target)  # the same account, in its new place; the form keeps its words

    def _fill_list(self) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for number, account in enumerate(self._accounts, 1):
            self.list.addItem(account.title(number))
        self.list.blockSignals(False)
        # One account (most people): its sign-in alone, and a way to add another.
        several = len(self._accounts) > 1
        for widget in (self.list, self.remove_button, self.up_button, self.down_button):
            widget.setVisible(several)
        self.form.setRowVisible(self.label, several)  # a name tells accounts apart
        self.add_button.setText(_("Add account") if several else _("Add another account"))
        full = len(self._accounts) >= MAX_ACCOUNTS
        self.add_button.setEnabled(not full)
        self.add_button.setToolTip(too_many_accounts() if full else "")
        right = Qt.AlignmentFlag.AlignRight
        self._buttons.setAlignment(self.add_button, Qt.AlignmentFlag(0) if several else right)

    def _chosen(self, row: int) -> None:
        if row < 0 or row == self._current:
            return
        self._store()
        self._load(row)

    def _renamed(self, text: str) -> None:
        self._accounts[self._current] = replace(self._accounts[self._current], label=text.strip())
        item = self.list.item(self._current)
        if item is not None:
            item.setText(self._accounts[self._current].title(self._current + 1))

    def _store(self) -> None:
        """The form's words into the chosen account (never the password: that is a sign-in)."""
        account = self._accounts[self._current]
        form = self.sign_in_form()
        self._accounts[self._current] = replace(
            account,
            label=self.label.text().strip(),
            api_url=self.api_url.text().strip() or account.api_url,
            sign_in_method=form.method if form else account.sign_in_method,
            username=form.username if form else account.username,
        )

    def _load(self, row: int) -> None:
        """Show that account's form; a half-typed sign-in of another one is dropped."""
        self._current = row
        self.list.blockSignals(True)
        self.list.setCurrentRow(row)
        self.list.blockSignals(False)
        account = self._accounts[row]
        self.label.setText(account.label)
        self.username.setText(account.username)
        self.api_url.setText(account.api_url)
        for field in (self.password, self.token, self.code):
            field.clear()
        self.method.setCurrentIndex(max(self.method.findData(account.sign_in_method), 0))
        self._method_changed()
        self.check_result.clear()
        self.notice.setText(self._account_notice(account, row))
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(row < len(self._accounts) - 1)

    def _account_notice(self, account: Account, row: int) -> str:
        if row == 0 and self._notice:
            return self._notice
        status = self._statuses.get(account.key)
        if status is not None and status.signed_in:
            if status.who:
                return _(
                    "Signed in as {account}. Fill in the fields below only to sign in as "
                    "someone else."
                ).format(account=status.who)
            return _("You are signed in. Fill in the fields below only to sign in as someone else.")
        return _(
            "Sign in with the username and password of your Zomro account. The sign-in is "
            "kept in the system keychain, never in a file."
        )

    # --- sign-in -------------------------------------------------------------------------------

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

    def checked_credentials(self) -> Credentials | None:
        """The tested sign-in, if the form still says what was tested."""
        form = self.sign_in_form()
        if self._checked is None or form is None or self._checked[0] != form:
            return None
        return self._checked[1]

    def start_check(self, save_after: bool) -> None:
        form = self.sign_in_form()
        if form is None:
            self.show_result(_("Fill in the sign-in first."), ok=False)
            return
        try:
            check_api_url(form.api_url)
        except errors.ZomroError as error:
            self.show_result(str(error), ok=False)
            return
        self._pending_check = next(_request_ids)
        self._save_after_check = save_after
        self.busy_changed.emit(True)
        self.show_result(_("Connecting to Zomro…"), ok=None)
        self.check_requested.emit(self._pending_check, form)

    def on_sign_in_checked(self, check: SignInCheck) -> None:
        if not self._pending_check or check.request_id != self._pending_check:
            return  # an answer to an older attempt, or to none of this page's
        self.busy_changed.emit(False)
        if check.outcome is SignInOutcome.TWO_FACTOR:
            self.method.setCurrentIndex(self.method.findData(AuthMethod.PASSWORD))
            self.form.setRowVisible(self.code, True)
            self.code.setFocus()
            self.show_result(
                _("{problem} Enter it and try again.").format(problem=check.message), ok=False
            )
            return
        if check.outcome is not SignInOutcome.OK or check.credentials is None:
            self.show_result(check.message, ok=False)
            return
        form = self.sign_in_form()
        if form is not None:
            self._checked = (form, check.credentials)
        self.servers_found.emit(self.current_key, check.services)
        self.show_result(check.message, ok=True)
        if self._save_after_check:
            self.save_wanted.emit()

    def show_result(self, message: str, ok: bool | None) -> None:
        colour = {True: "#1f7a3f", False: "#b3261e", None: "palette(text)"}[ok]
        self.check_result.setStyleSheet(f"color: {colour}")
        self.check_result.setText(message)

    def set_busy(self, busy: bool) -> None:
        """While a sign-in is tested or kept, the account it is for stays the chosen one."""
        for widget in (self.test_button, self.list, self.add_button, self.remove_button):
            widget.setEnabled(not busy)
