"""One instance per desktop session: a second launch asks the first to show itself, then exits.

The instance is decided by a lock file (``QLockFile``: atomic, and a lock left by a crashed
process is recognised as stale and taken over) in the per-user runtime directory, which only
the user can enter (``$XDG_RUNTIME_DIR`` on Linux; Qt makes an owner-only one where that is
missing; the per-user local app data on Windows and macOS). The first instance then listens
on a ``QLocalServer`` socket beside the lock; a second one only connects to it. Two launches at
the same instant cannot both win, another user cannot squat the name, and two desktop sessions
of one user (each with its own display) each get their own app.

The lock is taken before the tray icon shows, the socket (QtNetwork) is opened after it: a
second launch in that fraction of a second finds the lock held and says so, only its "show
yourself" goes unanswered.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLockFile, QObject, QStandardPaths, Signal

from zomro_tray import APP_NAME

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalServer

_SHOW = b"show\n"


def default_name() -> str:
    """The app's name plus the desktop session's display: one instance per session."""
    display = os.environ.get("WAYLAND_DISPLAY") or os.environ.get("DISPLAY") or "session"
    return f"{APP_NAME}-{re.sub(r'[^A-Za-z0-9_.-]', '_', display)[:40]}"


def runtime_dir() -> Path:
    location = QStandardPaths.StandardLocation.RuntimeLocation
    if sys.platform.startswith("linux"):
        path = QStandardPaths.writableLocation(location)  # owner-only, or Qt makes one
    else:
        path = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation)
    folder = Path(path or Path.home())
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


class SingleInstance(QObject):
    activated = Signal()  # another launch asked us to show ourselves

    def __init__(self, name: str | None = None, folder: Path | None = None) -> None:
        super().__init__()
        self.name = name or default_name()
        folder = folder or runtime_dir()
        self._lock = QLockFile(str(folder / f"{self.name}.lock"))
        self._lock.setStaleLockTime(0)  # stale only when its process is gone, never by age
        # Unix: a socket path in the owner-only folder. Windows: a named pipe, per user.
        self.address = self.name if sys.platform == "win32" else str(folder / f"{self.name}.sock")
        self._server: QLocalServer | None = None

    def acquire(self) -> bool:
        """True if this is the first instance of the session (then :meth:`listen`)."""
        return bool(self._lock.tryLock(0))

    def listen(self) -> None:
        """Answer later launches (``activated``). Only the lock's holder may call this."""
        from PySide6.QtNetwork import QLocalServer

        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        QLocalServer.removeServer(self.address)  # ours to clear: we hold the lock
        if server.listen(self.address):
            server.newConnection.connect(self._connection)
            self._server = server

    def notify_running(self, timeout_ms: int = 1000) -> bool:
        """Ask the first instance to show itself; True if it answered."""
        from PySide6.QtNetwork import QLocalSocket

        socket = QLocalSocket()
        socket.connectToServer(self.address)
        if not socket.waitForConnected(timeout_ms):
            return False
        socket.write(_SHOW)
        socket.flush()
        socket.waitForBytesWritten(timeout_ms)
        socket.disconnectFromServer()
        return True

    def _connection(self) -> None:
        assert self._server is not None
        while (socket := self._server.nextPendingConnection()) is not None:
            socket.readyRead.connect(self._read)  # the socket is the server's child: no leak

    def _read(self) -> None:
        from PySide6.QtNetwork import QLocalSocket

        socket = self.sender()
        if isinstance(socket, QLocalSocket) and bytes(socket.readAll().data()).startswith(b"show"):
            self.activated.emit()

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
        self._lock.unlock()
