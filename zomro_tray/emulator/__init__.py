"""A local emulator of Zomro's BILLmanager API, faithful to ``docs/protocol.md``.

Nobody on the team can reach the real service, so the tests, the demo mode and the benchmarks all
talk to this over real HTTP on loopback. It is a peer, not a mock: it knows nothing of the client.
"""

from zomro_tray.emulator.scenarios import SCENARIOS, build_state
from zomro_tray.emulator.server import Emulator
from zomro_tray.emulator.state import FAULTS, EmulatorState

__all__ = ["FAULTS", "SCENARIOS", "Emulator", "EmulatorState", "build_state"]
