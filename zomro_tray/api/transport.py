"""How a request can be broken off: a deadline whatever the socket does, and an abort from
another thread. requests alone has neither (its timeouts are per socket operation, so an answer
that drips in one byte at a time never times out, and nothing stops a request waiting for one).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool


class Deadline:
    """One request's deadline, kept by a thread that sleeps on a condition while a request
    runs: it wakes only when the request ends or overruns (then it breaks the request off),
    and ends with the last request of a burst (a refresh's pages share it). Between requests
    there is no thread at all: nothing wakes while idle, and no thread outlives a client that
    was never closed."""

    def __init__(self, on_expiry: Callable[[], None]) -> None:
        self._on_expiry = on_expiry
        self._changed = threading.Condition()
        self._due: float | None = None
        self._expired = False
        self._closed = False
        self._thread: threading.Thread | None = None

    def arm(self, seconds: float) -> None:
        with self._changed:
            self._due = time.monotonic() + seconds
            self._expired = False
            if self._thread is None:  # the last one ended (it says so under this lock)
                self._thread = threading.Thread(target=self._watch, name="zomro-deadline")
                self._thread.daemon = True
                self._thread.start()
            self._changed.notify()

    def disarm(self) -> bool:
        """Stop watching; True if the deadline had passed (the request was broken off)."""
        with self._changed:
            self._due = None
            self._changed.notify()
            return self._expired

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=1)

    def _watch(self) -> None:
        with self._changed:
            while not self._closed:
                if self._due is None:  # the request ended: wait a moment for the next page's
                    if not self._changed.wait(_BURST_SECONDS) and self._due is None:
                        break
                    continue
                remaining = self._due - time.monotonic()
                if remaining > 0:
                    self._changed.wait(remaining)
                    continue
                self._due = None
                self._expired = True
                self._on_expiry()
            self._thread = None  # under the lock: the next arm() starts another


#: How long the deadline's thread waits for the next request of a burst before it ends.
_BURST_SECONDS = 0.5


class InterruptibleAdapter(HTTPAdapter):
    """An adapter that remembers its open sockets, so :meth:`interrupt` can shut them down.

    A blocking ``recv`` in the worker thread returns at once when another thread shuts its
    socket down; nothing else in requests can break off a request that is waiting for an answer.
    """

    def __init__(self) -> None:
        self._sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        sockets = self._sockets

        def tracked(base: type[HTTPConnection]) -> type[HTTPConnection]:
            class Tracked(base):  # type: ignore[valid-type,misc]
                def connect(self) -> None:
                    super().connect()
                    sockets.add(self.sock)

            return Tracked

        self.poolmanager.pool_classes_by_scheme = {
            "http": type("Pool", (HTTPConnectionPool,), {"ConnectionCls": tracked(HTTPConnection)}),
            "https": type(
                "TlsPool", (HTTPSConnectionPool,), {"ConnectionCls": tracked(HTTPSConnection)}
            ),
        }

    def interrupt(self) -> None:
        for sock in list(self._sockets):
            with contextlib.suppress(OSError):  # already closed: nothing in flight on it
                sock.shutdown(socket.SHUT_RDWR)
