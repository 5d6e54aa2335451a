"""The worker's second duty: the account's money, and the story of the server being looked at.

It lives in the worker's thread beside :class:`zomro_tray.worker.worker.Worker` and uses its
client, so the GUI thread never waits on these calls either. Both come after the statuses: the
worker calls :meth:`Ledger.after_refresh` once a refresh's snapshot is out. The balance is read
every :data:`FUNDS_CHECK_SECONDS` (it changes once a day, at the daily charge, or when the
customer pays), not at every refresh; a server's details and graphs only while the window shows
that server, and at most one request per server per refresh interval, from cache otherwise."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from zomro_tray import errors
from zomro_tray.core.model import ServerKey, Service
from zomro_tray.logs import redactor

if TYPE_CHECKING:  # loaded at the first read, in the worker's thread: not before the icon
    from zomro_tray.api.client import ZomroClient
    from zomro_tray.core.details import Story
    from zomro_tray.core.money import Funds

log = logging.getLogger(__name__)

#: How often the balance is read again while the tray runs.
FUNDS_CHECK_SECONDS = 300.0
#: After a failed read (offline, an unreadable answer), the next try waits this long: the list's
#: refreshes come first, and a slow Zomro should not be asked four more things at each one.
FUNDS_RETRY_SECONDS = 60.0
#: The plan's resources change only with a resize: read again after this long.
RESOURCES_SECONDS = 3600.0


class Ledger(QObject):
    money_ready = Signal(object)  # Runway
    story_ready = Signal(object)  # Story

    def __init__(
        self,
        client: Callable[[], ZomroClient | None],
        pace: Callable[[], float],
        parent: QObject | None = None,
        account: str = "",
    ) -> None:
        super().__init__(parent)
        self._account = account  # the worker's account: every story names its server by it
        self._client = client
        self._pace = pace  # the refresh interval: the budget of one request per server
        self._funds: Funds | None = None
        self._funds_read: float | None = None
        self._reading: Generator[None, None, Funds] | None = None  # a balance read under way
        self._services: tuple[Service, ...] = ()
        self._stories: dict[str, Story] = {}
        self._story_times: dict[str, dict[str, float]] = {}  # id -> what -> when read
        self._last_request: dict[str, float] = {}  # id -> when its last extra request went
        self._watched = ""
        self._hours = 1
        self._timer: QTimer | None = None

    # --- money ----------------------------------------------------------------------------

    def after_refresh(self, services: tuple[Service, ...]) -> None:
        """After each good refresh: send the runway; start reading the balance when due."""
        self._services = services
        now = time.monotonic()
        due = self._funds_read is None or now >= self._funds_read + FUNDS_CHECK_SECONDS
        client = self._client()
        if due and client is not None and self._reading is None:
            from zomro_tray.api import readings

            self._reading = readings.funds_steps(client)
            QTimer.singleShot(0, self, self._read_funds_step)
        self._send_runway()

    def _send_runway(self) -> None:
        from zomro_tray.core.money import Funds, Unavailable, runway

        funds = self._funds or Funds(unavailable_because=Unavailable.NOT_READ)
        self.money_ready.emit(runway(funds, self._services))

    def _read_funds_step(self) -> None:
        """One request of the balance read; the next one waits its turn in the event loop,
        behind whatever the user asked for meanwhile (a start, a stop)."""
        reading = self._reading
        if reading is None:
            return
        try:
            next(reading)
        except StopIteration as done:
            self._funds_done(done.value)
        except errors.ZomroError as error:  # offline or signed out: tried again in a minute
            log.info("could not read the balance: %s", type(error).__name__)
            self._reading = None
            self._retry_soon()
        except Exception:  # an answer nothing foresaw: unavailable, never a wrong number
            from zomro_tray.core.money import Funds, Unavailable

            log.exception("reading the balance failed unexpectedly")
            self._funds_done(Funds(unavailable_because=Unavailable.UNEXPECTED))
        else:
            QTimer.singleShot(0, self, self._read_funds_step)

    def _funds_done(self, funds: Funds) -> None:
        from zomro_tray.core.money import Unavailable

        self._reading = None
        self._funds = funds
        if funds.unavailable_because is Unavailable.UNREADABLE:
            self._retry_soon()
        else:
            self._funds_read = time.monotonic()
        if funds.balance is None:
            why = funds.unavailable_because
            log.info("balance unavailable: %s", why.value if why is not None else "none given")
        self._send_runway()

    def _retry_soon(self) -> None:
        """Due again after FUNDS_RETRY_SECONDS, not after a whole FUNDS_CHECK_SECONDS."""
        self._funds_read = time.monotonic() - FUNDS_CHECK_SECONDS + FUNDS_RETRY_SECONDS

    @property
    def reading_funds(self) -> bool:
        """A balance read is under way (tests wait for its end)."""
        return self._reading is not None

    def stop(self) -> None:
        """The worker is shutting down: no read goes on, no timer stays."""
        self._reading = None
        self.watch("", 0)

    def forget(self) -> None:
        """Another account (or none): nothing read for the last one may show."""
        self._funds, self._funds_read, self._reading = None, None, None
        self._stories.clear()
        self._story_times.clear()
        self._last_request.clear()
        self._services = ()

    # --- a server's story ----------------------------------------------------------------

    @Slot(str, int)
    def watch(self, service_id: str, hours: int) -> None:
        """The window shows this server ("" when it shows none, or is closed)."""
        self._watched, self._hours = service_id, hours
        if self._timer is None:
            self._timer = QTimer(self)
            self._timer.setSingleShot(True)
            self._timer.timeout.connect(self._read_watched)
        self._timer.stop()
        if not service_id:
            return
        if service_id in self._stories:
            self.story_ready.emit(self._stories[service_id])
        self._read_watched()

    def _read_watched(self) -> None:
        service_id, client = self._watched, self._client()
        if not service_id or client is None:
            return
        now = time.monotonic()
        wait = self._last_request.get(service_id, -1e9) + self._pace() - now
        if wait > 0:  # this server had its request this interval: the next one waits
            self._timer_start(wait)
            return
        self._last_request[service_id] = now
        self._read(client, service_id, self._next_read(service_id, now), now)
        self._timer_start(self._pace())

    def _timer_start(self, seconds: float) -> None:
        if self._timer is not None:
            self._timer.start(max(int(seconds * 1000), 1))

    def _next_read(self, service_id: str, now: float) -> str:
        """What to read next for this server: the plan first, then whichever graph (of the
        chosen period) is oldest."""
        from zomro_tray.core.details import METRICS

        times = self._story_times.setdefault(service_id, {})
        if now - times.get("resources", -1e9) >= RESOURCES_SECONDS:
            return "resources"
        keys = [f"{metric}:{self._hours}" for metric in METRICS]
        return min(keys, key=lambda key: times.get(key, -1e9))

    def _read(self, client: ZomroClient, service_id: str, what: str, now: float) -> None:
        from zomro_tray.api import readings
        from zomro_tray.core.details import CPU, TRAFFIC, Story

        key = ServerKey(self._account, service_id)
        try:
            if what == "resources":
                story = Story(key, resources=readings.read_resources(client, service_id))
            else:
                metric = what.split(":", 1)[0]
                series = readings.read_series(client, service_id, metric, self._hours)
                story = Story(
                    key,
                    cpu=series if metric == CPU else None,
                    traffic=series if metric == TRAFFIC else None,
                )
        except errors.ZomroError as error:
            story = Story(key, problem=redactor.scrub(str(error)))
        except Exception:
            log.exception(
                "reading %s of a server failed unexpectedly", what
            )  # pragma: no mutate (a log line's words)
            story = Story(key, problem=str(errors.UnexpectedFailure()))
        else:
            self._story_times[service_id][what] = now
        known = self._stories.get(service_id, Story(key))
        self._stories[service_id] = merged = known.merged(story)
        self.story_ready.emit(merged)
