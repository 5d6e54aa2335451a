"""The user's language: which one, and every sentence the app shows, through GNU gettext.

One system for the tray and the command line: the catalogues are ``locale/<lang>/LC_MESSAGES/
zomro_tray.mo``, compiled from the ``.po`` files next to them (``packaging/translations.py``
extracts, merges, compiles and checks them). Qt's own buttons come from Qt's catalogues; the GUI
loads those (``gui/language.py``). The language is chosen once at start and can be changed while
the app runs: every sentence is looked up when it is shown, never kept from an earlier language.

Sentences are whole and use named placeholders (``_("{name} stopped").format(name=...)``) so a
translation can put the words in its own order; counts go through :func:`ngettext`, which knows
that Polish, Ukrainian and Russian have three plural forms.
"""

from __future__ import annotations

import gettext
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only named in annotations: the icon does not wait for it
    from datetime import datetime

DOMAIN = "zomro_tray"
LOCALE_DIR = Path(__file__).with_name("locale")
ENGLISH = "en"
#: Every language the app speaks, named in that language (how a language menu should name them).
LANGUAGES: dict[str, str] = {
    "en": "English",
    "pl": "Polski",
    "uk": "Українська",
    "ru": "Русский",
}
#: The environment variables gettext reads, in gettext's order.
LANGUAGE_ENV = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = ENGLISH


def _(message: str) -> str:
    """The sentence in the user's language (the English one when it has no translation)."""
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a sentence that fits ``count``, by the plural rule of the user's language."""
    return _translations.ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    """A short word that means different things in different places ("Stop" the verb, say)."""
    return _translations.pgettext(context, message)


def decimal(digits: str) -> str:
    """A number written with the language's decimal mark: "12.40" is "12,40" in Polish."""
    return digits.replace(".", pgettext("decimal separator", "."))


def N_(message: str) -> str:  # noqa: N802 (the name gettext's tools look for)
    """Marks a sentence for translation where it is defined; ``_()`` translates it where shown."""
    return message


def language() -> str:
    """The code of the language in use: one of :data:`LANGUAGES`."""
    return _language


def use(choice: str = "", fallback: Iterable[str] = ()) -> str:
    """Switch to ``choice``, or to the system's language when ``choice`` is empty.

    ``fallback`` is the OS's own list of UI languages (Qt reads it on macOS and Windows), asked
    only when the environment names none. Returns the code now in use.
    """
    code = choice if choice in LANGUAGES else first_supported(system_languages(fallback))
    install(_catalogue(code), code)
    return code


def install(translations: gettext.NullTranslations, code: str) -> None:
    """Make ``translations`` the ones every sentence goes through (tests install their own)."""
    global _translations, _language
    _translations, _language = translations, code


def system_languages(fallback: Iterable[str] = ()) -> list[str]:
    """The user's languages in order of preference, as the system names them ("pl_PL.UTF-8")."""
    for name in LANGUAGE_ENV:
        value = os.environ.get(name, "")
        if value:
            # gettext ignores LANGUAGE when the locale is "C": so does this.
            if name == "LANGUAGE" and _is_c_locale(_locale_env()):
                continue
            return value.split(":") if name == "LANGUAGE" else [value]
    return [*fallback] or _os_languages()


def first_supported(candidates: Iterable[str]) -> str:
    """The first of ``candidates`` the app speaks ("uk_UA.UTF-8" -> "uk"); English otherwise."""
    for candidate in candidates:
        if _is_c_locale(candidate):
            return ENGLISH
        code = candidate.replace("-", "_").split("_")[0].split(".")[0].lower()
        if code in LANGUAGES:
            return code
    return ENGLISH


def clock(moment: datetime, seconds: bool = True) -> str:
    """A time of day as people of the current language write it."""
    if seconds:
        # Translators: the strftime format of a time of day with seconds.
        return moment.strftime(pgettext("time format", "%H:%M:%S"))
    # Translators: the strftime format of a time of day without seconds.
    return moment.strftime(pgettext("time format", "%H:%M"))


def _catalogue(code: str) -> gettext.NullTranslations:
    if code == ENGLISH:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[code], fallback=True)


def _locale_env() -> str:
    for name in LANGUAGE_ENV[1:]:
        if os.environ.get(name):
            return os.environ[name]
    return ""


def _is_c_locale(value: str) -> bool:
    return value.split(".", maxsplit=1)[0] in ("C", "POSIX")


def _os_languages() -> list[str]:
    """Windows' UI language when no environment variable names one (Qt tells the GUI on macOS)."""
    if sys.platform != "win32":
        return []
    import ctypes
    import locale

    lcid = ctypes.windll.kernel32.GetUserDefaultUILanguage()
    name = locale.windows_locale.get(lcid)
    return [name] if name else []
