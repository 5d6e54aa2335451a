"""The floor of any tray built like zomro-tray: the bare tray (bare_tray.py), then, once its icon
shows, what every requests-based client must do before it can show a status: import requests
and send one request (to the emulator, like the app under test). Its "first statuses" line is
the moment that request returned; its memory after it is what requests costs a running tray.

The start-up benchmark sets zomro-tray's first statuses and memory against this, beside the
bare tray: the part of each figure that is ours, and the part that is Qt's and requests'."""

import json
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

app = QApplication(sys.argv[:1])
app.setApplicationName("zomro-bare-requests")
app.setQuitOnLastWindowClosed(False)
pixmap = QPixmap(22, 22)
pixmap.fill(QColor("#1f9d55"))
tray = QSystemTrayIcon(QIcon(pixmap))
tray.show()


def first_request() -> None:
    import requests

    settings = Path(os.environ["XDG_CONFIG_HOME"]) / "zomro-tray" / "settings.json"
    url = json.loads(settings.read_text())["api_url"]
    requests.Session().post(url, data={"func": "instances", "out": "json"}, timeout=10)
    print(f"first statuses shown (monotonic {time.monotonic():.3f})", flush=True)


QTimer.singleShot(0, first_request)
sys.exit(app.exec())
