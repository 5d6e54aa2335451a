"""Guards against a Qt binding that corrupts Python's reference counts.

PySide6 6.12.0 drops a reference to None on every ``processEvents()`` and to True/False on every
signal ``emit()``. On Python 3.12+ those objects are immortal and nothing shows; on 3.11 the app
crashes ("deallocating None") after a few thousand calls, i.e. within minutes of running a tray.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QObject, Signal
from pytestqt.qtbot import QtBot


class _Emitter(QObject):
    happened = Signal(object, str)


def test_process_events_and_emit_keep_reference_counts(qtbot: QtBot) -> None:
    emitter = _Emitter()
    emitter.happened.connect(lambda *_: None)
    before = [sys.getrefcount(x) for x in (None, True, False)]
    for _ in range(2000):
        QCoreApplication.processEvents()
        emitter.happened.emit(1, "x")
    after = [sys.getrefcount(x) for x in (None, True, False)]
    drift = [abs(a - b) for a, b in zip(after, before, strict=True)]
    assert max(drift) < 100, f"the Qt binding leaks or drops references: {drift}"
