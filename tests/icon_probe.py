"""Run the tray; at the moment its icon is shown, write the loaded modules' names and quit.

Used by tests/test_e2e_x11.py (a real tray host is needed: without one no icon is shown).
"""

import json
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

seen: list[list[str]] = []
show_icon = QSystemTrayIcon.show


def show(self: QSystemTrayIcon) -> None:
    show_icon(self)
    if not seen:
        seen.append(sorted(sys.modules))
        QTimer.singleShot(0, QApplication.quit)


QSystemTrayIcon.show = show  # type: ignore[method-assign]
from zomro_tray.cli.main import main  # noqa: E402

main([])
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump(seen[0] if seen else None, out)
