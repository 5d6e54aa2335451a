"""Settings → Accounts on its own: the list, the form under it, and the sign-in test's answers.

The page never touches the network (the worker tests a sign-in), so its rules are tested here
by handing it the answers the worker would send; test_tray_accounts.py drives it through the
whole app against the emulator.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from zomro_tray.core.account import MAX_ACCOUNTS, Account, AccountStatus
from zomro_tray.core.credentials import AuthMethod, Credentials
from zomro_tray.gui.dialogs.accounts_page import AccountsPage
from zomro_tray.worker.contract import SignInCheck, SignInForm, SignInOutcome

ADDRESS = "https://api.zomro.com/"
MINE = Account(label="Mine", api_url=ADDRESS, username="me@example.com")
CLIENT = Account(key="2", label="Client", api_url=ADDRESS, username="client@example.com")
THIRD = Account(key="3", label="Third", api_url=ADDRESS, username="third@example.com")


class Page:
    """The page, and what it asked of the worker and said to the dialog."""

    def __init__(self, page: AccountsPage) -> None:
        self.page = page
        self.checks: list[tuple[int, SignInForm]] = []
        self.saves: list[bool] = []
        self.found: list[tuple[str, object]] = []
        page.check_requested.connect(lambda ident, form: self.checks.append((ident, form)))
        page.save_wanted.connect(lambda: self.saves.append(True))
        page.servers_found.connect(lambda key, services: self.found.append((key, services)))

    def type_sign_in(self, username: str = "me@example.com", password: str = "secret") -> None:  # noqa: S107
        self.page.username.setText(username)
        self.page.password.setText(password)

    def answer(self, outcome: SignInOutcome, message: str = "Connected: 2 servers found.") -> None:
        """The worker's answer to the newest test."""
        ident = self.checks[-1][0]
        credentials = Credentials.from_token("tok") if outcome is SignInOutcome.OK else None
        self.page.on_sign_in_checked(SignInCheck(ident, outcome, message, credentials))


MakePage = Callable[..., Page]


@pytest.fixture
def make_page(qtbot: QtBot) -> MakePage:
    def make(*accounts: Account, statuses: dict[str, AccountStatus] | None = None) -> Page:
        page = AccountsPage(accounts or (MINE,), statuses or {})
        qtbot.addWidget(page)
        return Page(page)

    return make


def labels(page: AccountsPage) -> list[str]:
    return [account.label for account in page.accounts()]


def test_a_tested_sign_in_is_kept_only_while_the_form_says_what_was_tested(
    make_page: MakePage,
) -> None:
    page = make_page()
    page.type_sign_in()
    page.page.start_check(save_after=False)
    page.answer(SignInOutcome.OK)
    assert page.page.checked_credentials() == Credentials.from_token("tok")
    page.page.password.setText("another")
    assert page.page.checked_credentials() is None  # edited after the test: test again
    page.page.password.setText("secret")
    assert page.page.checked_credentials() == Credentials.from_token("tok")
    page.page.method.setCurrentIndex(page.page.method.findData(AuthMethod.AUTHINFO))
    assert page.page.checked_credentials() is None  # another method: another sign-in


def test_the_answer_to_an_older_test_is_ignored(make_page: MakePage) -> None:
    page = make_page()
    page.type_sign_in(password="old")
    page.page.start_check(save_after=False)
    older = page.checks[-1][0]
    page.type_sign_in(password="new")
    page.page.start_check(save_after=True)
    late = SignInCheck(older, SignInOutcome.OK, "Connected", Credentials.from_token("old"))
    page.page.on_sign_in_checked(late)
    assert page.page.checked_credentials() is None
    assert page.saves == []
    assert page.page.check_result.text() == "Connecting to Zomro…"
    page.answer(SignInOutcome.OK)
    assert page.saves == [True]  # Save asked for the test: it passed, save now
    assert page.found == [("", ())]


def test_a_failed_test_says_why_and_keeps_nothing(make_page: MakePage) -> None:
    page = make_page()
    page.type_sign_in()
    page.page.start_check(save_after=True)
    page.answer(SignInOutcome.ERROR, "Zomro refused the username or password.")
    assert page.page.check_result.text() == "Zomro refused the username or password."
    assert (page.page.checked_credentials(), page.saves, page.found) == (None, [], [])


def test_an_account_that_asks_for_a_code_shows_its_field(make_page: MakePage) -> None:
    page = make_page()
    page.page.method.setCurrentIndex(page.page.method.findData(AuthMethod.AUTHINFO))
    page.type_sign_in()
    page.page.start_check(save_after=True)
    page.answer(SignInOutcome.TWO_FACTOR, "This account asks for a two-factor code.")
    assert page.page.current_method() is AuthMethod.PASSWORD
    assert page.page.form.isRowVisible(page.page.code)
    assert page.page.check_result.text() == (
        "This account asks for a two-factor code. Enter it and try again."
    )
    assert page.saves == []


def test_nothing_to_test_says_so_and_asks_nothing(make_page: MakePage) -> None:
    page = make_page()
    page.page.start_check(save_after=False)
    assert page.page.check_result.text() == "Fill in the sign-in first."
    page.type_sign_in()
    page.page.api_url.setText("http://api.zomro.com/")  # not https, not this machine
    page.page.start_check(save_after=False)
    assert page.checks == []
    assert page.page.check_result.text() == (
        "Refusing to send credentials over plain http:// to a non-local address."
    )


def test_move_keeps_the_same_account_in_the_form(make_page: MakePage) -> None:
    page = make_page(MINE, CLIENT, THIRD)
    page.page.list.setCurrentRow(1)
    page.page.label.setText("Client (renamed)")
    page.page.move_account(-1)
    assert labels(page.page) == ["Client (renamed)", "Mine", "Third"]
    assert (page.page.current_key, page.page.list.currentRow()) == ("2", 0)
    assert page.page.username.text() == "client@example.com"
    assert not page.page.up_button.isEnabled()
    page.page.move_account(-1)  # already first: nothing moves
    assert labels(page.page) == ["Client (renamed)", "Mine", "Third"]
    page.page.list.setCurrentRow(2)
    assert not page.page.down_button.isEnabled()
    page.page.move_account(1)
    assert labels(page.page)[-1] == "Third"


def test_the_last_account_cannot_be_removed(make_page: MakePage) -> None:
    page = make_page(MINE, CLIENT, THIRD)
    page.page.list.setCurrentRow(1)
    page.page.remove_button.click()
    assert labels(page.page) == ["Mine", "Third"]
    assert page.page.current_key == "3"  # the one that took its place
    page.page.remove_button.click()
    assert (labels(page.page), page.page.current_key) == (["Mine"], "")
    page.page.remove_button.click()
    assert labels(page.page) == ["Mine"]
    assert not page.page.remove_button.isVisible()


def test_an_added_account_has_a_key_of_its_own_and_the_same_address(make_page: MakePage) -> None:
    page = make_page(MINE, CLIENT)
    page.page.add_button.click()
    added = page.page.accounts()[-1]
    assert added.key not in ("", "2")
    assert added.api_url == ADDRESS
    assert page.page.current_key == added.key
    assert page.page.username.text() == ""


def test_the_add_button_stops_at_the_limit_and_says_why(make_page: MakePage) -> None:
    many = [Account(key=str(n) if n else "", api_url=ADDRESS) for n in range(MAX_ACCOUNTS - 1)]
    page = make_page(*many)
    assert page.page.add_button.isEnabled()
    page.page.add_button.click()
    assert len(page.page.accounts()) == MAX_ACCOUNTS
    assert not page.page.add_button.isEnabled()
    assert "30" in page.page.add_button.toolTip()
    page.page.add_account()  # the guard under the button
    assert len(page.page.accounts()) == MAX_ACCOUNTS


def test_it_opens_on_the_first_account_that_needs_a_sign_in(make_page: MakePage) -> None:
    statuses = {
        "": AccountStatus("", "me", True, ()),
        "2": AccountStatus("2", "", False, ()),
        "3": AccountStatus("3", "", False, ()),
    }
    page = make_page(MINE, CLIENT, THIRD, statuses=statuses)
    assert page.page.current_key == "2"
    assert page.page.notice.text().startswith("Sign in with the username and password")
    page.page.list.setCurrentRow(0)
    assert page.page.notice.text().startswith("Signed in as me.")


def test_a_half_typed_password_stays_with_its_account(make_page: MakePage) -> None:
    page = make_page(MINE, CLIENT)
    page.type_sign_in(password="half")
    page.page.list.setCurrentRow(1)
    assert page.page.password.text() == ""
    page.page.list.setCurrentRow(0)
    assert page.page.password.text() == ""  # never kept in the page: a sign-in is typed anew
    assert page.page.accounts()[0].username == "me@example.com"


def test_a_name_typed_shows_in_the_list_at_once(make_page: MakePage, qtbot: QtBot) -> None:
    page = make_page(MINE, CLIENT)
    page.page.list.setCurrentRow(1)
    page.page.label.clear()
    qtbot.keyClicks(page.page.label, " Agency ")
    assert page.page.list.item(1).text() == "Agency"  # trimmed, as it will be kept
    assert page.page.list.item(0).text() == "Mine"
    assert labels(page.page) == ["Mine", "Agency"]


def test_what_the_page_says_and_how_its_fields_keep_secrets(make_page: MakePage) -> None:
    """The words a person reads on the page, each in its place, and the fields' manners: a
    password and a token are never shown; server text is plain text, wrapped."""
    page = make_page(MINE, CLIENT).page
    assert [b.text() for b in (page.add_button, page.remove_button)] == ["Add account", "Remove"]
    assert [b.text() for b in (page.up_button, page.down_button)] == ["Move up", "Move down"]
    rows = {
        "Name": page.label,
        "Sign in with": page.method,
        "Session token": page.token,
        "Username": page.username,
        "Password": page.password,
        "Two-factor code": page.code,
        "API address": page.api_url,
    }
    for words, field in rows.items():
        assert page.form.labelForField(field).text() == words
    assert [page.form.getWidgetPosition(f)[0] for f in rows.values()] == [0, 1, 3, 4, 5, 6, 7]
    assert page.form.getWidgetPosition(page.method_hint)[0] == 2
    placeholders = [f.placeholderText() for f in (page.label, page.token, page.username, page.code)]
    assert placeholders == [
        "A name for this account, e.g. a client's",
        "Paste the session token",
        "you@example.com",
        "6-digit code from your authenticator app",
    ]
    assert page.password.echoMode() is QLineEdit.EchoMode.Password
    assert page.token.echoMode() is QLineEdit.EchoMode.Password
    assert page.code.maxLength() == 10
    assert page.test_button.text() == "Test connection"
    for label in (page.notice, page.check_result, page.method_hint):
        assert label.wordWrap()
    for label in (page.notice, page.check_result):
        assert label.textFormat() is Qt.TextFormat.PlainText
    assert page.method_hint.text().startswith("Your Zomro username and password")


def test_one_account_is_offered_another(make_page: MakePage) -> None:
    page = make_page(MINE).page
    assert page.add_button.text() == "Add another account"
    assert not page.form.isRowVisible(page.label)  # one account needs no name
    page.add_button.click()
    assert page.add_button.text() == "Add account"
    assert page.form.isRowVisible(page.label)
    assert page.list.item(1).text() == "Account 2"


def test_the_result_is_coloured_by_how_it_went(make_page: MakePage) -> None:
    page = make_page().page
    page.show_result("Connected", ok=True)
    assert page.check_result.styleSheet() == "color: #1f7a3f"
    page.show_result("No", ok=False)
    assert page.check_result.styleSheet() == "color: #b3261e"
    page.show_result("Connecting", ok=None)
    assert page.check_result.styleSheet() == "color: palette(text)"
    assert page.check_result.text() == "Connecting"


def test_the_buttons_move_the_chosen_account(make_page: MakePage) -> None:
    page = make_page(MINE, CLIENT, THIRD)
    page.page.list.setCurrentRow(1)
    page.page.down_button.click()
    assert labels(page.page) == ["Mine", "Third", "Client"]
    page.page.up_button.click()
    page.page.up_button.click()
    assert labels(page.page) == ["Client", "Mine", "Third"]


def test_a_test_button_click_tests_without_saving(make_page: MakePage) -> None:
    page = make_page()
    page.type_sign_in()
    page.page.test_button.click()
    assert [form.username for _ident, form in page.checks] == ["me@example.com"]
    busy: list[bool] = []
    page.page.busy_changed.connect(busy.append)
    page.answer(SignInOutcome.OK)
    assert (page.saves, busy) == ([], [False])
    assert page.page.check_result.text() == "Connected: 2 servers found."


def test_an_answer_nobody_asked_for_is_ignored(make_page: MakePage) -> None:
    page = make_page()
    page.type_sign_in()
    for ident in (0, 1):
        page.page.on_sign_in_checked(
            SignInCheck(ident, SignInOutcome.OK, "Connected", Credentials.from_token("x"))
        )
    assert (page.page.checked_credentials(), page.found) == (None, [])


def test_the_reason_the_dialog_opened_is_said_over_the_first_account(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    page = AccountsPage((MINE, CLIENT), {}, notice="Your session ended.", parent=parent)
    assert page.parent() is parent
    assert page.notice.text() == "Your session ended."
    page.list.setCurrentRow(1)
    assert page.notice.text().startswith("Sign in with the username and password")


RED, GREEN = "color: #b3261e", "color: #1f7a3f"


def test_each_outcome_is_told_in_its_colour_and_frees_the_page(make_page: MakePage) -> None:
    page = make_page(MINE, CLIENT)
    busy: list[bool] = []
    page.page.busy_changed.connect(busy.append)
    page.page.start_check(save_after=False)
    assert page.page.check_result.styleSheet() == RED  # "Fill in the sign-in first."
    page.page.list.setCurrentRow(1)
    page.type_sign_in(username="client@example.com")
    page.page.start_check(save_after=False)
    assert busy == [True]
    page.answer(SignInOutcome.TWO_FACTOR, "A code is needed.")
    assert (busy, page.page.check_result.styleSheet()) == ([True, False], RED)
    page.page.start_check(save_after=False)
    page.answer(SignInOutcome.ERROR, "Refused.")
    assert page.page.check_result.styleSheet() == RED
    page.page.start_check(save_after=False)
    ident = page.checks[-1][0]
    page.page.on_sign_in_checked(SignInCheck(ident, SignInOutcome.OK, "Odd: no credentials"))
    assert page.page.check_result.styleSheet() == RED
    assert page.found == []
    page.page.start_check(save_after=False)
    page.answer(SignInOutcome.OK)
    assert page.page.check_result.styleSheet() == GREEN
    assert page.found == [("2", ())]  # the servers of the account the form is for
    page.page.api_url.setText("ftp://api.zomro.com/")
    page.page.start_check(save_after=False)
    assert page.page.check_result.styleSheet() == RED


@pytest.mark.parametrize(
    ("method", "shown", "hidden"),
    [
        (AuthMethod.PASSWORD, ("username", "password", "code"), ("token",)),
        (AuthMethod.TOKEN, ("token",), ("username", "password", "code")),
        (AuthMethod.AUTHINFO, ("username", "password"), ("token", "code")),
    ],
)
def test_each_sign_in_method_shows_its_own_fields(
    make_page: MakePage, method: AuthMethod, shown: tuple[str, ...], hidden: tuple[str, ...]
) -> None:
    page = make_page().page
    page.method.setCurrentIndex(page.method.findData(method))
    for name in shown:
        assert page.form.isRowVisible(getattr(page, name)), name
    for name in hidden:
        assert not page.form.isRowVisible(getattr(page, name)), name


def test_the_form_carries_what_was_typed_for_its_method(make_page: MakePage) -> None:
    page = make_page().page
    page.method.setCurrentIndex(page.method.findData(AuthMethod.TOKEN))
    assert page.sign_in_form() is None
    page.token.setText("  tok-123  ")
    form = page.sign_in_form()
    assert form is not None
    assert (form.method, form.token, form.api_url) == (AuthMethod.TOKEN, "tok-123", ADDRESS)
    page.method.setCurrentIndex(page.method.findData(AuthMethod.PASSWORD))
    page.username.setText("me@example.com")
    page.password.setText("pw")
    page.code.setText(" 123456 ")
    form = page.sign_in_form()
    assert form is not None
    assert (form.username, form.password, form.two_factor_code) == (
        "me@example.com",
        "pw",
        "123456",
    )


def test_what_the_form_says_is_kept_in_the_account(make_page: MakePage) -> None:
    page = make_page(MINE, CLIENT)
    page.page.api_url.setText("  ")  # emptied: the address it had stays
    page.page.method.setCurrentIndex(page.page.method.findData(AuthMethod.AUTHINFO))
    page.type_sign_in(username="new@example.com")
    first = page.page.accounts()[0]
    assert (first.api_url, first.sign_in_method, first.username) == (
        ADDRESS,
        AuthMethod.AUTHINFO.value,
        "new@example.com",
    )
    page.page.api_url.setText("http://127.0.0.1:8080/")
    assert page.page.accounts()[0].api_url == "http://127.0.0.1:8080/"
    page.page.list.setCurrentRow(1)
    assert page.page.current_method() is AuthMethod.PASSWORD  # the other account's own method
    page.page.list.setCurrentRow(0)
    assert page.page.current_method() is AuthMethod.AUTHINFO


def test_the_notice_says_who_is_signed_in(make_page: MakePage) -> None:
    statuses = {"": AccountStatus("", "me", True, ()), "2": AccountStatus("2", "", True, ())}
    page = make_page(MINE, CLIENT, statuses=statuses).page
    assert page.notice.text() == (
        "Signed in as me. Fill in the fields below only to sign in as someone else."
    )
    page.list.setCurrentRow(1)
    assert page.notice.text() == (
        "You are signed in. Fill in the fields below only to sign in as someone else."
    )
    page.list.setCurrentRow(0)
    page.add_button.click()
    assert page.notice.text() == (
        "Sign in with the username and password of your Zomro account. The sign-in is kept in "
        "the system keychain, never in a file."
    )
    assert page.add_button.toolTip() == ""


def test_an_unnamed_account_is_listed_by_its_place(make_page: MakePage, qtbot: QtBot) -> None:
    page = make_page(MINE, Account(key="2", api_url=ADDRESS))
    page.page.list.setCurrentRow(1)
    qtbot.keyClicks(page.page.label, "X")
    qtbot.keyClick(page.page.label, Qt.Key.Key_Backspace)
    assert page.page.list.item(1).text() == "Account 2"


def test_a_page_just_opened_shows_no_result_and_a_hint_for_its_method(
    make_page: MakePage,
) -> None:
    page = make_page().page
    assert page.check_result.text() == ""  # nothing was tested yet
    assert page.method_hint.text()  # the chosen method says what it needs
    assert page.method.count() == 3
    assert all(page.method.itemText(i) for i in range(3))  # every method is named
