"""Languages: which one is used, that every sentence goes through translation, and that the
catalogues are complete.

The "pseudo language" wraps every translated text in ⟦ ⟧: a menu entry, label, button or line
of the command line without the brackets was not translated, whatever the language.
"""

from __future__ import annotations

import ast
import gettext
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from zomro_tray import i18n
from zomro_tray.cli import main
from zomro_tray.core.account import Account
from zomro_tray.emulator import Emulator
from zomro_tray.gui.language import speak
from zomro_tray.i18n import _, ngettext
from zomro_tray.store.settings import Settings

from conftest import MakeApp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "packaging"))
import translations  # noqa: E402  (packaging/translations.py: the catalogues' tool)


class Pseudo(gettext.NullTranslations):
    """Every translated text in brackets; the words stay English so tests can still read them."""

    def gettext(self, message: str) -> str:
        return f"⟦{message}⟧"

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return f"⟦{singular if n == 1 else plural}⟧"

    def pgettext(self, context: str, message: str) -> str:
        return f"⟦{message}⟧"


@pytest.fixture
def pseudo() -> None:
    i18n.install(Pseudo(), "pseudo")  # the autouse fixture "english" puts English back


_BRACKETED = re.compile(r"⟦[^⟦⟧]*⟧")
#: English prose: two words in a row.
_PROSE = re.compile(r"[A-Za-z]{2,}[ ,:]+[a-z]{2,}")
#: Not prose: the program and its commands, as typed.
_COMMAND = re.compile(r"zomro-tray( [a-z-]+)?")


def untranslated(text: str) -> str:
    """What is left of ``text`` outside the brackets, if it reads as English words."""
    text = _COMMAND.sub("", text)
    while _BRACKETED.search(text):
        text = _BRACKETED.sub("", text)
    return text if _PROSE.search(text) else ""


# --- which language --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LANG": "pl_PL.UTF-8"}, "pl"),
        ({"LANG": "uk_UA.UTF-8"}, "uk"),
        ({"LANG": "ru_RU.UTF-8"}, "ru"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LANG": "pl_PL.UTF-8", "LC_MESSAGES": "ru_RU.UTF-8"}, "ru"),
        ({"LANG": "pl_PL.UTF-8", "LC_ALL": "uk_UA.UTF-8"}, "uk"),
        ({"LANG": "pl_PL.UTF-8", "LANGUAGE": "de:uk:pl"}, "uk"),
        ({"LANG": "C", "LANGUAGE": "pl"}, "en"),  # gettext ignores LANGUAGE under C: so do we
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8", "LANGUAGE": "pl"}, "en"),
        ({"LANG": "POSIX", "LANGUAGE": "pl"}, "en"),
        ({"LC_ALL": "C", "LANG": "pl_PL.UTF-8", "LANGUAGE": "uk"}, "en"),  # LC_ALL's C wins
        ({"LANG": "pl.UTF-8"}, "pl"),  # no country
        ({"LC_ALL": "de_DE:uk_UA"}, "en"),  # only LANGUAGE is a list
    ],
)
def test_the_system_language_is_used(
    env: dict[str, str], expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in i18n.LANGUAGE_ENV:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert i18n.use("") == expected
    assert i18n.language() == expected


def test_the_os_list_is_asked_only_when_the_environment_names_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in i18n.LANGUAGE_ENV:
        monkeypatch.delenv(name, raising=False)
    assert i18n.use("", fallback=["uk-UA", "en-US"]) == "uk"  # how Qt names them on macOS
    monkeypatch.setenv("LANG", "pl_PL.UTF-8")
    assert i18n.use("", fallback=["uk-UA"]) == "pl"
    monkeypatch.setenv("LANG", "C")  # a locale that is named, if only as C, is the answer
    monkeypatch.setenv("LANGUAGE", "pl")
    assert i18n.use("", fallback=["uk-UA"]) == "en"


@pytest.mark.parametrize(("lcid", "expected"), [(0x0415, ["pl_PL"]), (0x7FFF, [])])
def test_windows_says_its_display_language_when_no_variable_does(
    monkeypatch: pytest.MonkeyPatch, lcid: int, expected: list[str]
) -> None:
    """Windows cannot run here: its one call is stood in for (an unknown number: no name)."""
    import ctypes
    import sys
    from types import SimpleNamespace

    for name in i18n.LANGUAGE_ENV:
        monkeypatch.delenv(name, raising=False)
    kernel32 = SimpleNamespace(GetUserDefaultUILanguage=lambda: lcid)
    monkeypatch.setattr(ctypes, "windll", SimpleNamespace(kernel32=kernel32), raising=False)
    monkeypatch.setattr(sys, "platform", "win32")
    assert i18n.system_languages() == expected


def test_the_choice_in_settings_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "pl_PL.UTF-8")
    assert i18n.use("ru") == "ru"
    assert _("Quit") == "Выход"
    assert i18n.use("en") == "en"
    assert _("Quit") == "Quit"


@pytest.mark.parametrize(
    ("language", "forms"),
    [
        ("pl", {1: "serwer.", 3: "serwery.", 5: "serwerów.", 22: "serwery.", 25: "serwerów."}),
        ("uk", {1: "сервер.", 3: "сервери.", 5: "серверів.", 21: "сервер.", 11: "серверів."}),
        ("ru", {1: "сервер.", 3: "сервера.", 5: "серверов.", 21: "сервер.", 12: "серверов."}),
        ("en", {1: "server found.", 3: "servers found."}),
    ],
)
def test_three_plural_forms(language: str, forms: dict[int, str]) -> None:
    i18n.use(language)
    for count, ending in forms.items():
        text = ngettext(
            "Connected: {count} server found.", "Connected: {count} servers found.", count
        ).format(count=count)
        assert text.endswith(ending), (count, text)
        assert str(count) in text


# --- the catalogues ----------------------------------------------------------------------------


def test_the_catalogues_are_complete_and_current() -> None:
    """CI's check: every sentence of the source in every language, no fuzzy, placeholders
    as in English, the template current and the .mo files compiled from the .po files."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "translations.py"), "check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 problems" in done.stdout


def test_the_check_names_each_kind_of_problem(tmp_path: Path) -> None:
    po = tmp_path / "pl" / "LC_MESSAGES" / "zomro_tray.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Quit"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Sign out"\nmsgstr "Wyloguj"\n\n'
        'msgid "{name} stopped"\nmsgstr "{nazwa} zatrzymany"\n\n'
        'msgid "{count} server"\nmsgid_plural "{count} servers"\n'
        'msgstr[0] "jeden serwer"\nmsgstr[1] "{count} serwery"\nmsgstr[2] "{n} serwerów"\n\n'
        '#~ msgid "Gone"\n#~ msgstr "Nie ma"\n',
        encoding="utf-8",
    )
    template = {
        m.key: m
        for m in [
            translations.Message(msgid=text)
            for text in ("Quit", "Sign out", "{name} stopped", "{count} server", "Settings")
        ]
    }
    problems = "\n".join(translations.problems_of(po, template))
    assert "'Quit': untranslated" in problems
    assert "'Sign out': fuzzy" in problems
    assert "'{name} stopped': placeholders ['{nazwa}'] != ['{name}']" in problems
    assert "'{count} server': placeholders ['{n}']" in problems  # "jeden" alone is fine
    assert "'Gone': obsolete" in problems
    assert "'Settings': missing" in problems
    assert problems.count("\n") == 5


def test_zomro_panel_words_are_used() -> None:
    """The panel's Ukrainian and Russian words for states and actions (public/locales/*/
    cloud_vps.json), and the Polish of Zomro's article."""
    from zomro_tray.core.model import Action, PowerState
    from zomro_tray.display.presentation import power_words

    expected = {
        "uk": ("Активний", "Зупинений", "Зупинити"),
        "ru": ("Активный", "Остановлен", "Остановить"),
        "pl": ("Uruchomiony", "Zatrzymany", "Zatrzymaj"),
    }
    for language, (running, stopped, shut_down) in expected.items():
        i18n.use(language)
        assert power_words(PowerState.ACTIVE) == running
        assert power_words(PowerState.STOPPED) == stopped
        assert i18n.pgettext("button", "Shut down") == shut_down
        assert Action.STOP.failed("web-1").endswith("web-1")


# --- every visible text goes through translation ---------------------------------------------


def _menu_texts(menu: QMenu) -> Iterator[str]:
    """The menu's own texts: entries, and submenu titles (their entries are server names)."""
    for action in menu.actions():
        if action.isSeparator() or not action.isVisible():
            continue
        yield action.text()
        if action.menu() is None and action.toolTip() != action.text().replace("&&", "&"):
            yield action.toolTip().splitlines()[0]


def _widget_texts(root: QWidget) -> Iterator[str]:
    for label in root.findChildren(QLabel):
        yield label.text()
    for button in root.findChildren(QAbstractButton):
        if not isinstance(button.parent(), QDialogButtonBox):  # Qt's own: checked below
            yield button.text()
    for box in root.findChildren(QGroupBox):
        yield box.title()
    for tabs in root.findChildren(QTabWidget):
        yield from (tabs.tabText(i) for i in range(tabs.count()))
    for line in root.findChildren(QLineEdit):
        yield line.placeholderText()


def _not_bracketed(texts: Iterator[str]) -> list[str]:
    return [t for t in texts if t.strip() and "⟦" not in t]


def test_every_text_of_the_menu_and_window_is_translated(
    pseudo: None, make_app: MakeApp, emulator: Emulator, qtbot: QtBot
) -> None:
    app = make_app(emulator)
    app.menu.retranslate()
    app.render()
    assert _not_bracketed(_menu_texts(app.menu.menu)) == []
    assert "⟦" in app.tray_host.tooltip
    app.show_window()
    assert app.window is not None
    assert _not_bracketed(_widget_texts(app.window)) == []
    notes: list[tuple[str, str]] = []
    app.notified.connect(lambda _kind, title, message: notes.append((title, message)))
    running = next(e for e in app.shown if e.click_action is not None and e.can_reboot)
    app.toggle(running.key)  # a stop that waits for undo: its notification
    qtbot.waitUntil(lambda: bool(notes), timeout=5000)
    assert all("⟦" in title and "⟦" in message for title, message in notes)


def test_every_text_of_the_settings_dialog_is_translated(
    pseudo: None, make_app: MakeApp, emulator: Emulator
) -> None:
    app = make_app(emulator)
    app.open_settings()
    dialog = app.dialog
    assert dialog is not None
    leftovers = _not_bracketed(_widget_texts(dialog))
    assert leftovers == []
    combos = dialog.findChildren(QComboBox)
    method = dialog.sign_in.method
    assert all("⟦" in method.itemText(i) for i in range(method.count()))
    assert dialog.language in combos
    # The language list names each language in its own words, never translated.
    names = [dialog.language.itemText(i) for i in range(1, dialog.language.count())]
    assert names == ["English", "Polski", "Українська", "Русский"]
    header = dialog.servers.headerItem()
    assert all("⟦" in header.text(i) for i in range(header.columnCount()))
    assert "⟦" in dialog.refresh.suffix()
    dialog.reject()


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["stop", "--help"],
        ["services"],
        ["stop", "web-1", "--wait"],
        ["start", "web-1"],
        ["reboot", "no-such-server"],
        ["bogus"],
        ["start-at-login"],
        ["logout"],
        ["--self-test"],
    ],
)
def test_every_line_of_the_command_line_is_translated(
    args: list[str],
    pseudo: None,
    emulator: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(main, "speak_the_users_language", _speak_pseudo)
    monkeypatch.setenv("ZOMRO_TOKEN", emulator.demo_token)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    with pytest.raises(SystemExit) if "--help" in args or "bogus" in args else _nothing():
        main.main(["--api-url", emulator.url, *args])
    out, err = capsys.readouterr()
    assert (out + err).strip()
    assert untranslated(out + err) == ""  # whole, as help text wraps inside the brackets


def _speak_pseudo() -> None:
    import argparse

    i18n.install(Pseudo(), "pseudo")
    argparse._ = i18n._  # type: ignore[attr-defined]
    argparse.ngettext = i18n.ngettext  # type: ignore[attr-defined]


class _nothing:  # noqa: N801 (a context manager that expects nothing)
    def __enter__(self) -> None:
        return None

    def __exit__(self, *_: object) -> None:
        return None


# --- real languages --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "quit_word", "cancel"),
    [("pl", "Zakończ", "Anuluj"), ("uk", "Вихід", "Скасувати"), ("ru", "Выход", "Отмена")],
)
def test_a_language_chosen_in_settings_applies_at_once_with_qts_own_buttons(
    language: str, quit_word: str, cancel: str, make_app: MakeApp, emulator: Emulator
) -> None:
    app = make_app(emulator)
    english = [text for text in _menu_texts(app.menu.menu) if text]
    assert "Quit" in english
    app.apply_settings(Settings(accounts=(Account(api_url=emulator.url),), language=language))
    texts = [text for text in _menu_texts(app.menu.menu) if text]
    assert quit_word in texts
    assert len(texts) == len(english)
    assert set(texts) & set(english) == set()  # every line changed, without a restart
    assert app.settings.language == language  # kept in the settings file
    app.open_settings()
    assert app.dialog is not None
    box = app.dialog.findChild(QDialogButtonBox)
    assert cancel in [button.text().replace("&", "") for button in box.buttons()]
    app.dialog.reject()
    app.apply_settings(
        Settings(accounts=(Account(api_url=emulator.url),), language="")
    )  # the system's: English
    assert "Quit" in [a.text() for a in app.menu.menu.actions()]


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("pl_PL.UTF-8", ("NAZWA", "zatrzymany", "zlecono zatrzymanie", "użycie:")),
        ("uk_UA.UTF-8", ("НАЗВА", "зупинений", "запит на зупинку", "використання:")),
        ("ru_RU.UTF-8", ("НАЗВАНИЕ", "остановлен", "запрос на остановку", "использование:")),
    ],
)
def test_the_command_line_answers_in_the_systems_language(
    lang: str, words: tuple[str, ...], emulator: Emulator
) -> None:
    env = {
        "LANG": lang,
        "ZOMRO_TOKEN": emulator.demo_token,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    url = ["--api-url", emulator.url]
    listing = _run([*url, "services"], env)
    stop = _run([*url, "stop", "web-1"], env)
    usage = _run(["--help"], env)
    output = listing.stdout + stop.stdout + usage.stdout
    for word in words:
        assert word in output
    json_out = _run([*url, "services", "--json"], env).stdout
    assert '"status": "active"' in json_out  # --json stays language-neutral


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    import os

    full = {k: v for k, v in os.environ.items() if k not in i18n.LANGUAGE_ENV} | env
    return subprocess.run(
        [sys.executable, "-m", "zomro_tray", *args],
        capture_output=True,
        encoding="utf-8",
        env=full,
        timeout=60,
        check=False,
    )


def test_speak_falls_back_to_english_for_a_language_it_does_not_have(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    monkeypatch.delenv("LANGUAGE", raising=False)
    assert speak("") == "en"
    assert _("Quit") == "Quit"


#: Calls that put text in front of a person: their text must come from the catalogue.
_TEXT_CALLS = {
    "setText", "setWindowTitle", "setToolTip", "setPlaceholderText", "addAction", "addMenu",
    "addTab", "addRow", "setTitle", "addItem", "addButton", "showMessage", "show_status",
    "notify", "Problem", "QLabel", "QPushButton", "QCheckBox", "QGroupBox", "QAction",
    "QMessageBox", "print", "ArgumentTypeError",
}  # fmt: skip
#: Words that are the same in every language: the app's name.
_SAME_EVERYWHERE = {"zomro-tray"}
#: Literal text that is not language: commands to copy, markup around translated sentences.
_NOT_LANGUAGE = (
    "f'  export ZOMRO_TOKEN=",
    "f'  {APP_NAME} --api-url",
    "f'<b>zomro-tray {__version__}</b><p>{about}</p><p>{unofficial}</p>'",
)


def _literal_words(node: ast.expr) -> str:
    """Letters a person would read, written into the call as they are (not from _())."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return "" if node.value in _SAME_EVERYWHERE else node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            part.value
            for part in node.values
            if isinstance(part, ast.Constant) and isinstance(part.value, str)
        )
    return ""


def test_no_text_reaches_a_person_without_translation() -> None:
    """Every literal handed to a widget, a notification or the terminal is a call of _()."""
    found = []
    for path in sorted((ROOT / "zomro_tray").rglob("*.py")):
        if "emulator" in path.parts or path.name == "report.py":  # Zomro's words; a bug report
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else ""
            name = node.func.id if isinstance(node.func, ast.Name) else name
            if name not in _TEXT_CALLS:
                continue
            texts = [*node.args, *(k.value for k in node.keywords if k.arg != "target")]
            for arg in texts:
                if ast.unparse(arg).startswith(_NOT_LANGUAGE):
                    continue
                if re.search(r"[A-Za-z]{2,}", _literal_words(arg)):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(arg)}")
    assert found == []


def test_the_command_line_follows_the_language_chosen_in_settings(
    emulator: Emulator, isolated_home: Path
) -> None:
    """Chosen in Settings, it wins over the environment's for the command line as well; a
    damaged settings file is not told by the language lookup (only by a command that uses
    the settings, once)."""
    isolated_home.mkdir(parents=True)
    settings = isolated_home / "settings.json"
    settings.write_text('{"language": "uk"}', encoding="utf-8")
    env = {"LANG": "pl_PL.UTF-8", "ZOMRO_TOKEN": emulator.demo_token}
    listing = _run(["--api-url", emulator.url, "services"], env)
    assert "НАЗВА" in listing.stdout
    assert "NAZWA" not in listing.stdout
    settings.write_text("{damaged", encoding="utf-8")
    damaged = _run(["--api-url", emulator.url, "services"], env)
    assert "NAZWA" in damaged.stdout  # the environment's language, then
    assert damaged.stderr == ""  # --api-url: this command never reads the settings
