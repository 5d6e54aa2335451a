"""The emulated account's money and each server's details and metrics.

Answers are shaped as Zomro's panel reads them (docs/protocol.md): the balance in ``notify`` (or
where older panels found it), the credit in ``dashboard.subaccount_credit``, a server's add-ons
in ``instances.edit`` and its CPU and traffic in ``instances.fleio.measures``. Daily charges are
computed from timestamps when read, like power transitions: each ``day_seconds`` every priced
server (stopped ones too: Zomro keeps charging them) is charged, and when the balance and credit
cannot pay a charge the account's servers are suspended for non-payment.
"""

from __future__ import annotations

import math
import time
import zlib
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Protocol

from zomro_tray.emulator.documents import access_denied, error_doc
from zomro_tray.emulator.servers import Account, Document, EmulatedServer


class EmulatorState(Protocol):
    """What billing reads of the emulator's state (state.py's, which hands itself over): the
    accounts, their servers and the clock of daily charges; nothing else of it."""

    accounts: dict[str, Account]
    servers: dict[str, EmulatedServer]
    day_seconds: float
    started: float

    def account_of(self, params: dict[str, str]) -> str | Document: ...


UNPAID = ("3_autosuspend", "Suspended (unpaid)")
#: Points per period, as a fleio graph has them: every 5 min for an hour, 30 min for a day...
_POINTS = {1: (12, 300), 24: (48, 1800), 168: (84, 7200), 720: (120, 21600)}


def settle_charges(state: EmulatorState, account: Account, now: float) -> None:
    """Apply the daily charges due since the last look (only when ``state.day_seconds``)."""
    if not state.day_seconds:
        return
    due = int((now - state.started) // state.day_seconds)
    while account.charges_made < due:
        account.charges_made += 1
        servers = [s for s in state.servers.values() if s.account == account.username]
        charge = sum((s.charge for s in servers if not s.provider_suspended), Decimal(0))
        if account.balance + account.credit < charge:
            for server in servers:
                server.transition_target = ""
                server.instance_status = "stopped"
                server.billing = UNPAID
            return
        account.balance -= charge


def notify(state: EmulatorState, params: dict[str, str]) -> Document:
    account = _signed_in(state, params)
    if isinstance(account, dict):
        return account
    doc: Document = {
        "notify": {"item": [{"$name": "bannerlist", "msg": {"$": "0"}}, _ticket_item()]}
    }
    if account.finance_rights:
        balance = str(account.balance)
        if account.balance_reading == "notify":
            doc["realbalance"] = {"$": balance}
        elif account.balance_reading == "notify_item":
            doc["notify"]["item"].append({"$balance": "yes", "value": {"$": balance}})
        elif account.balance_reading == "text":
            doc["realbalance"] = {"$": "see the control panel"}
    return {"doc": doc}


def _ticket_item() -> Document:
    return {"$name": "ticket", "msg": {"$": "0"}}


def dashboard_info(state: EmulatorState, params: dict[str, str]) -> Document:
    account = _with_finance(state, params)
    if isinstance(account, dict):
        return account
    elem: Document = {"id": {"$": "1"}}
    if account.balance_reading == "dashboard":
        elem["realbalance"] = {"$": f"{account.balance} EUR"}
    return {"doc": {"elem": [elem]}}


def subaccount_credit(state: EmulatorState, params: dict[str, str]) -> Document:
    account = _with_finance(state, params)
    if isinstance(account, dict):
        return account
    credit = str(account.credit)
    return {"doc": {"elem": [{"credit": {"$": credit}, "available_credit": {"$": credit}}]}}


def user_balance(account: Account) -> dict[str, str]:
    """The ``$balance`` attribute of ``whoami``'s user, where older panels read it."""
    wanted = account.finance_rights and account.balance_reading == "whoami"
    return {"$balance": str(account.balance)} if wanted else {}


def instance_details(state: EmulatorState, params: dict[str, str]) -> Document:
    """``instances.edit`` without ``sok``: the form's current values (with sok it would save:
    the emulator refuses, so a test catches a client that sends it)."""
    server = _own_server(state, params)
    if isinstance(server, dict):
        return server
    if "sok" in params:
        return _refused("instances.edit with sok changes the server")
    addons = {"addon_11": server.memory, "addon_12": server.cpu, "addon_13": server.disk}
    # The add-ons' titles as Zomro names them (the panel's renameAddonFields.js turns them
    # into the keys InstanceDetailsOverview.jsx reads: Memory, CPU_count, Disk_space).
    names = {"addon_11": "Memory", "addon_12": "CPU count", "addon_13": "Disk space"}
    doc: Document = {
        "elid": {"$": server.id},
        "createdate": {"$": server.created},
        "ip": {"$": server.ip},
        "ip_v6": {"$": server.ip_v6},
        "rdns_record": {"$": server.rdns or f"{server.id}.cloud.example"},
        "messages": {"msg": {**names, "addon_14": "Outgoing traffic"}},
        "slist": [
            {"$name": key, "val": [{"$key": value, "$": f"{label} (+0.00 EUR)"}]}
            for key, (value, label) in addons.items()
        ],
    }
    doc.update({key: {"$": value} for key, (value, _label) in addons.items()})
    return {"doc": doc}


def measures(state: EmulatorState, params: dict[str, str]) -> Document:
    server = _own_server(state, params)
    if isinstance(server, dict):
        return server
    hours = int(params["hours"]) if params.get("hours", "").isdigit() else 1
    count, step = _POINTS.get(hours, _POINTS[1])
    metric = params.get("metric", "")
    if metric not in ("cpu_util", "interface_traffic"):
        return _refused(f"Unknown metric {metric!r}")
    end = datetime.now(timezone.utc).replace(microsecond=0)
    points = []
    for i in range(count):
        moment = (end - timedelta(seconds=step * (count - 1 - i))).isoformat()
        points.append({"$date": moment, **_point(server, metric, i)})
    return {"doc": {"measures": points}}


def _point(server: EmulatedServer, metric: str, i: int) -> dict[str, str]:
    """A load that looks like a server's: a slow wave, its phase from the id; idle if stopped."""
    running = server.instance_status == "active" and not server.provider_suspended
    phase = zlib.crc32(server.id.encode()) % 100 / 10
    wave = (math.sin(i / 2.5 + phase) + 1) / 2 if running else 0.0
    if metric == "cpu_util":
        return {"$value": f"{2 + 38 * wave:.2f}" if running else "0"}
    bytes_in = int(20_000 + 900_000 * wave) if running else 0
    return {
        "$bytes_in": str(bytes_in),
        "$bytes_out": str(bytes_in // 3),
        "$packets_in": str(bytes_in // 900),
        "$packets_out": str(bytes_in // 2700),
    }


def _signed_in(state: EmulatorState, params: dict[str, str]) -> Account | Document:
    username = state.account_of(params)
    if isinstance(username, dict):
        return username
    account = state.accounts[username]
    settle_charges(state, account, time.monotonic())
    return account


def _with_finance(state: EmulatorState, params: dict[str, str]) -> Account | Document:
    account = _signed_in(state, params)
    if isinstance(account, Account) and not account.finance_rights:
        return access_denied(params.get("func", ""))
    return account


def _own_server(state: EmulatorState, params: dict[str, str]) -> EmulatedServer | Document:
    account = _signed_in(state, params)
    if isinstance(account, dict):
        return account
    server = state.servers.get(params.get("elid", ""))
    if server is None:
        return error_doc("missed", "elid", "The requested object was not found")
    if server.account != account.username:
        return access_denied(params.get("func", ""))
    return server


def _refused(message: str) -> Document:
    return error_doc("value", "func", message)
