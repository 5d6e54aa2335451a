"""The app's language in Qt: our sentences (gettext, :mod:`zomro_tray.i18n`) and Qt's own.

Qt's standard buttons and dialogs (Cancel, Close, the line edit's context menu) are translated by
Qt's catalogues, which PySide6 ships as ``qtbase_<lang>.qm``; one is installed for the language
the app speaks, and replaced when the user picks another one in Settings.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from zomro_tray import i18n

log = logging.getLogger(__name__)

_installed: list[QTranslator] = []  # kept referenced: Qt does not own an installed translator


def speak(choice: str) -> str:
    """Use ``choice`` ("" for the system's language) everywhere; returns the code now in use."""
    code = i18n.use(choice, QLocale.system().uiLanguages())
    QLocale.setDefault(QLocale(code))
    app = QCoreApplication.instance()
    while _installed:
        QCoreApplication.removeTranslator(_installed.pop())
    if app is None or code == i18n.ENGLISH:
        return code
    translator = QTranslator(app)
    for folder in qt_translation_folders():
        if translator.load(f"qtbase_{code}", str(folder)):
            QCoreApplication.installTranslator(translator)
            _installed.append(translator)
            break
    else:
        log.warning("Qt's own catalogue for %s was not found: its buttons stay English", code)
    return code


def qt_translation_folders() -> list[Path]:
    """Where Qt's catalogues are: Qt's own idea, then next to PySide6 (a frozen bundle)."""
    import PySide6

    return [
        Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
        Path(PySide6.__file__).parent / "Qt" / "translations",
        Path(PySide6.__file__).parent / "translations",
    ]
