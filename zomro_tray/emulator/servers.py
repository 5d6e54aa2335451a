"""The emulated account's things: its servers (with the rows the API sends for them), the
accounts and the sessions. Plain data; :mod:`zomro_tray.emulator.state` holds them together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
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
    #: As Zomro names a Cloud VPS plan, its data centre after a bar (the panel cuts it).
    plan: str = "Cloud Standard | NL"
    os_distro: str = "Ubuntu"
    os_version: str = "24.04"
    legacy_status_field: bool = False  # answer "fotbo_status" as older builds do
    #: Price per day, as ``item_cost`` sends it ("" sends neither item_cost nor cost).
    daily_cost: str = "0.1634"
    #: The ``cost`` display text; None: "<daily_cost> EUR / Day", as the panel shows it.
    cost_text: str | None = None
    #: The plan's resources, as instances.edit words them (value, label).
    memory: tuple[str, str] = ("2048", "2 GB")
    cpu: tuple[str, str] = ("1", "1 vCPU")
    disk: tuple[str, str] = ("40", "40 GB")
    #: instances.edit's rdns_record ("" for "<id>.cloud.example") and the creation date.
    rdns: str = ""
    created: str = "2026-01-15"
    #: More fields in its list row, as an odd or hostile server adds them (any key, any value).
    extra_fields: dict[str, Any] = field(default_factory=dict)
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
        created = {"$": self.created}
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
            **self.price_fields(),
            # Some fields now and then arrive as arrays: do so for every third row.
            "createdate": [created, created] if serial % 3 == 0 else created,
            "os_distro": {"$": self.os_distro},
            "os_version": {"$": self.os_version},
            **self.extra_fields,
        }

    def price_fields(self) -> Document:
        if not self.daily_cost and not self.cost_text:
            return {}
        text = self.cost_text if self.cost_text is not None else f"{self.daily_cost} EUR / Day"
        fields: Document = {"cost": {"$": text}}
        if self.daily_cost:
            fields["item_cost"] = {"$": self.daily_cost}
        return fields

    @property
    def charge(self) -> Decimal:
        """What one daily charge takes (a server with no price is not charged here)."""
        return Decimal(self.daily_cost) if self.daily_cost else Decimal(0)


@dataclass
class Account:
    username: str
    password: str
    two_factor_code: str = ""
    block_reason: str = ""  # badip, blocklogon, blockgeoip, blocked_ip
    balance: Decimal = Decimal("12.40")
    credit: Decimal = Decimal(0)
    #: False: a trusted user without the finance rights ("Insufficient privileges").
    finance_rights: bool = True
    #: Where the balance is answered: "notify" (realbalance, today's panel), "notify_item"
    #: (the older $balance=yes item), "dashboard", "whoami", "text" (words, no number), "none".
    balance_reading: str = "notify"
    charges_made: int = 0  # daily charges taken so far (see emulator.billing.settle_charges)


@dataclass
class Session:
    account: str
    last_used: float
    awaiting_two_factor: bool = False
