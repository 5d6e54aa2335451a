"""Probes that run inside the app's process, shared by the tests and the benchmarks."""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QTimer


class StallMeter:
    """A GUI-thread timer ticking every few milliseconds; the longest gap between two ticks is
    the longest time the GUI thread could not react (a frozen menu, a stuck icon)."""

    def __init__(self, interval_ms: int = 5) -> None:
        self._clock = QElapsedTimer()
        self._last = 0
        self.gaps: list[int] = []
        self._ticker = QTimer()
        self._ticker.setInterval(interval_ms)
        self._ticker.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = self._clock.elapsed()
        self.gaps.append(now - self._last)
        self._last = now

    def start(self) -> None:
        self.gaps.clear()
        self._clock.start()
        self._last = 0
        self._ticker.start()

    def stop(self) -> int:
        """Stop; the longest gap in milliseconds."""
        self._ticker.stop()
        return max(self.gaps, default=0)

    def elapsed_ms(self) -> int:
        return self._clock.elapsed()
