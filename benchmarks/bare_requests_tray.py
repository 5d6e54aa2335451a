"""The floor of any tray built like zomro-tray: the bare tray (bare_tray.py), then, once its icon
shows, the least any requests-based tray must do to show the servers' statuses: import
requests, ask for the list (one request to the emulator, like the app under test), and put one
menu entry per server in the icon's menu. Its "first statuses" line is the moment that menu is
set; its memory after it is what requests and a menu cost a running tray.

The start-up benchmark sets zomro-tray's first statuses and memory against this, beside the
bare tray: the part of each figure that is ours, and the part that is Qt's and requests'."""

import json
import os
import sys
import time
from pathlib import Path

from bare_tray import show_tray  # beside this file: the same bare tray, to the letter
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMenu

app, tray = show_tray("zomro-bare-requests")
menu = QMenu()


def first_statuses() -> None:
    import requests

    settings = Path(os.environ["XDG_CONFIG_HOME"]) / "zomro-tray" / "settings.json"
    url = json.loads(settings.read_text())["api_url"]
    form = {"func": "instances", "out": "json", "auth": os.environ["ZOMRO_TOKEN"]}
    answer = requests.Session().post(url, data=form, timeout=10).json()
    for row in answer.get("doc", {}).get("elem", []):
        name = row.get("servername", {}).get("$", "?")
        status = row.get("instance_status", {}).get("$", "?")
        menu.addAction(f"{name} — {status}")
    tray.setContextMenu(menu)
    print(f"first statuses shown (monotonic {time.monotonic():.3f})", flush=True)


QTimer.singleShot(0, first_statuses)
sys.exit(app.exec())
