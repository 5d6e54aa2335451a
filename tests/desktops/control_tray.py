"""Control: a bare PySide6 QSystemTrayIcon with a QMenu (prints what the user does)."""

import sys

from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QMenu, QSystemTrayIcon

app = QApplication(sys.argv)
app.setApplicationName("control-tray")
pixmap = QPixmap(32, 32)
pixmap.fill(QColor("#e01b24"))  # solid red square: easy to find in a screenshot
tray = QSystemTrayIcon(QIcon(pixmap))
tray.setToolTip("control tray")
menu = QMenu()
menu.addAction("Say hello").triggered.connect(lambda: print("ACTION hello", flush=True))
menu.addAction("Quit").triggered.connect(app.quit)
tray.setContextMenu(menu)
tray.activated.connect(lambda reason: print("ACTIVATED", reason.name, flush=True))
tray.show()
print("tray available:", QSystemTrayIcon.isSystemTrayAvailable(), flush=True)
sys.exit(app.exec())
