"""A server's story beyond its list row: its plan's resources and its recent CPU and traffic.

Plain data (no I/O, no Qt), so the worker can build it and hand it to the window through a
signal. The list row already carries state, addresses, location, image and price; what this adds
is read on demand with ``instances.edit`` (no ``sok``: read, never saved) and
``instances.fleio.measures`` (see docs/protocol.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from zomro_tray.core.model import ServerKey
from zomro_tray.i18n import decimal

#: The graph's periods, in hours, as the panel offers them (1 h, 24 h, 7 d, 30 d).
PERIODS = (1, 24, 168, 720)
CPU = "cpu_util"
TRAFFIC = "interface_traffic"
METRICS = (CPU, TRAFFIC)


@dataclass(frozen=True)
class Resources:
    """What the plan gives the server, as Zomro words it ("2 GB", "1 vCPU", "40 GB")."""

    cpu: str = ""
    memory: str = ""
    disk: str = ""
    rdns: str = ""

    @property
    def empty(self) -> bool:
        return not (self.cpu or self.memory or self.disk)


@dataclass(frozen=True)
class Series:
    """One metric over one period: CPU in percent, or traffic in bytes (in and out)."""

    metric: str
    hours: int
    times: tuple[str, ...] = ()
    values: tuple[float, ...] = ()
    values_out: tuple[float, ...] = ()  # traffic only: bytes out, beside bytes in

    @property
    def empty(self) -> bool:
        return not self.values

    @property
    def latest(self) -> float | None:
        return self.values[-1] if self.values else None


@dataclass(frozen=True)
class Story:
    """What the worker knows of one server beyond its row, as the window receives it.

    None means not read yet; ``problem`` is a sentence when a read failed (the rest stays).
    """

    key: ServerKey  # its account and id: the window shows a story only for its own server
    resources: Resources | None = None
    cpu: Series | None = None
    traffic: Series | None = None
    problem: str = ""

    def merged(self, newer: Story) -> Story:
        """This story with what ``newer`` read; what newer lacks is kept from this one."""
        return Story(
            self.key,
            newer.resources or self.resources,
            newer.cpu or self.cpu,
            newer.traffic or self.traffic,
            newer.problem,
        )


def traffic_words(byte_count: float) -> str:
    """1536 -> "1.5 KB": traffic totals in the units people read (decimal, as Zomro bills)."""
    value = float(byte_count)
    if not math.isfinite(value):
        return "—"  # never "inf TB": the reading clamps points, this guards the sum
    for unit in ("B", "KB", "MB", "GB"):
        if abs(value) < 1000:
            return f"{value:.0f} B" if unit == "B" else f"{decimal(f'{value:.1f}')} {unit}"
        value /= 1000
    return f"{decimal(f'{value:.1f}')} TB"
