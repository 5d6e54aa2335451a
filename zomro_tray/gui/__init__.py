"""The Qt views: tray icon, menu, dialogs. Only this package imports QtWidgets.

Importing the package first makes PySide6 stop keeping the source of every module loaded after
it (:func:`_read_sources_without_keeping_them` says why): about 9 MiB of a running tray.
"""

from __future__ import annotations

import sys
from types import ModuleType

import PySide6.QtCore  # noqa: F401 - installs PySide6's import hook, which is adjusted below


def _mentions_pyside(module: ModuleType) -> bool:
    """Whether a module's source file mentions PySide6, read and let go (no linecache)."""
    origin = getattr(getattr(module, "__spec__", None), "origin", None)
    if not isinstance(origin, str) or not origin.endswith(".py"):
        return False  # built in, compiled, or frozen (PyInstaller): PySide6 says False too
    try:
        with open(origin, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False


def _read_sources_without_keeping_them() -> None:
    """PySide6 asks of every module imported after it whether its source mentions "PySide6"
    (for its opt-in ``__feature__`` switches, which this app never uses), and asks through
    ``inspect.getsource``, which keeps every line of every such file in ``linecache`` for the
    life of the process: about 9 MiB here, as much as our own code and requests together.
    The same question, answered from the file's bytes. A PySide6 without that function is
    left as it is."""
    feature = sys.modules.get("shibokensupport.feature")
    if feature is not None and callable(getattr(feature, "_mod_uses_pyside", None)):
        feature._mod_uses_pyside = _mentions_pyside  # type: ignore[attr-defined]


_read_sources_without_keeping_them()
