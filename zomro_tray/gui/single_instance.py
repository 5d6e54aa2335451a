"""One instance per user: a second launch asks the first to open its menu, then exits.

Uses ``QLocalServer`` (a Unix socket, or a named pipe on Windows): local, instant, no network.
"""

from __future__ import annotations

import getpass
import re

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

_SHOW = b"show\n"


def default_name() -> str:
    """Per user, so two people on one machine each get their own app. (No hashlib: it loads
    OpenSSL, ~3 MiB, before the icon shows.)"""
    user = re.sub(r"[^A-Za-z0-9_.-]", "_", getpass.getuser())[:40]
    return f"zomro-tray-{user}"


class SingleInstance(QObject):
    activated = Signal()  # another launch asked us to show ourselves

    def __init__(self, name: str | None = None) -> None:
        super().__init__()
        self.name = name or default_name()
        self._server: QLocalServer | None = None

    def notify_running(self, timeout_ms: int = 500) -> bool:
        """True if another instance answered; it has then been told to show its menu."""
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(timeout_ms):
            return False
        socket.write(_SHOW)
        socket.flush()
        socket.waitForBytesWritten(timeout_ms)
        socket.disconnectFromServer()
        return True

    def listen(self) -> bool:
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            QLocalServer.removeServer(self.name)  # a stale socket left by a crash
            if not server.listen(self.name):
                return False
        server.newConnection.connect(self._connection)
        self._server = server
        return True

    def _connection(self) -> None:
        assert self._server is not None
        while (socket := self._server.nextPendingConnection()) is not None:
            socket.readyRead.connect(self._read)  # the socket is the server's child: no leak

    def _read(self) -> None:
        socket = self.sender()
        if isinstance(socket, QLocalSocket) and bytes(socket.readAll().data()).startswith(b"show"):
            self.activated.emit()

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
