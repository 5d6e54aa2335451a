"""The short soak: the worker and the menu through 1,200 refresh cycles with random faults.

The long one (10,000 cycles) runs from `python -m benchmarks`; both use benchmarks/soak.py.
"""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from benchmarks.soak import CHECKPOINT, run_soak

pytestmark = pytest.mark.soak


def test_short_soak_survives_faults_and_ends_matching_the_emulator(qtbot: QtBot) -> None:
    result = run_soak(CHECKPOINT + 200, seed=11, timeout=240)
    assert result.worker_alive
    assert result.slot_errors == []  # nothing raised inside the GUI's slots
    assert result.cycles >= CHECKPOINT + 200
    assert result.successes > result.cycles // 3  # faults hit ~30%: most cycles still work
    assert sum(result.faults.values()) > 200
    assert len(result.faults) >= 6  # every kind of fault came up
    # Offline, entries cannot be clicked: about half the time here. How many rounds find Zomro
    # answering depends on timing as well as the seed (5 to 12 clicks seen in runs of seed 11).
    assert result.clicks >= 3
    assert result.external_changes >= 5  # 30 % of ~48 rounds: 14 on average
    assert result.mismatches == {}, "the app does not show what the emulator holds"
    assert not result.unasked_actions, f"actions nobody asked for: {result.unasked_actions}"
    start, end = result.at_checkpoint, result.at_end
    assert start is not None
    assert end is not None
    assert end.threads <= start.threads
    assert end.timers == start.timers
    assert end.menu_actions == start.menu_actions
