"""The emulated account's things: its servers (with the rows the API sends for them), the
accounts and the sessions. Plain data; :mod:`zomro_tray.emulator.state` holds them together.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Document = dict[str, Any]

ACTIVE_BILLING = ("2", "Active")
STOPPED_BILLING = ("3", "Temporary suspended")


@dataclass
class EmulatedServer:
    id: str
    name: str
    account: str
    instance_status: str = "active"
    billing: tuple[str, str] = ACTIVE_BILLING
    ip: str = ""
    ip_v6: str = ""
    datacenter: str = "Netherlands-2"
    plan: str = "Cloud Standard"
    os_distro: str = "Ubuntu"
    os_version: str = "24.04"
    legacy_status_field: bool = False  # answer "fotbo_status" as older builds do
    transition_target: str = ""
    transition_ends: float = 0.0

    @property
    def provider_suspended(self) -> bool:
        return self.billing[0].startswith("3_")

    def settle(self, now: float) -> None:
        """Finish a transition whose time is up."""
        if self.transition_target and now >= self.transition_ends:
            self.instance_status = self.transition_target
            stopped = self.transition_target == "stopped"
            self.billing = STOPPED_BILLING if stopped else ACTIVE_BILLING
            self.transition_target = ""

    def begin(self, transitional: str, target: str, seconds: float, now: float) -> None:
        self.instance_status = transitional
        self.transition_target = target
        self.transition_ends = now + seconds

    def row(self, serial: int) -> Document:
        status_key = "fotbo_status" if self.legacy_status_field else "instance_status"
        code, label = self.billing
        created = {"$": "2026-01-15"}
        return {
            "id": {"$": self.id},
            "servername": {"$": self.name},
            status_key: {"$": self.instance_status},
            "item_status": {"$orig": code, "$": label},
            "status": {"$": code.split("_", 1)[0]},
            "ip": {"$": self.ip},
            "ip_v6": {"$": self.ip_v6},
            "datacentername": {"$": self.datacenter},
            "pricelist": {"$": self.plan},
            "cost": {"$": "4.20 EUR / month"},
            # Some fields now and then arrive as arrays: do so for every third row.
            "createdate": [created, created] if serial % 3 == 0 else created,
            "os_distro": {"$": self.os_distro},
            "os_version": {"$": self.os_version},
        }


@dataclass
class Account:
    username: str
    password: str
    two_factor_code: str = ""
    block_reason: str = ""  # badip, blocklogon, blockgeoip, blocked_ip


@dataclass
class Session:
    account: str
    last_used: float
    awaiting_two_factor: bool = False
