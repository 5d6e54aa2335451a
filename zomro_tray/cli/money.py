"""The command line's money and details: ``zomro-tray balance`` and ``zomro-tray show``.

The twins of the menu's balance line and the window's details pane, with the same words and the
same figures (both come from :mod:`zomro_tray.core.money`). Read-only calls only.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from zomro_tray import errors
from zomro_tray.cli.support import describe, find_service, signed_in_client
from zomro_tray.core.model import Service
from zomro_tray.i18n import _

if TYPE_CHECKING:  # the details load with the command that shows them
    from zomro_tray.core.details import Series


def service_json(service: Service) -> dict[str, Any]:
    """``services --json``'s object: the server's fields, and its price per day."""
    from zomro_tray.core.money import daily_cost

    cost = daily_cost(service)
    return {**service.to_json(), "daily_cost": str(cost.value) if cost else None}


def cmd_balance(args: argparse.Namespace) -> int:
    from zomro_tray.api.readings import read_funds
    from zomro_tray.core.money import money_line, runway, unpriced_note

    client = signed_in_client(args)
    services = client.list_services()
    account_runway = runway(read_funds(client), services)
    if args.json:
        print(json.dumps(account_runway.to_json(), indent=2, ensure_ascii=False))
        return errors.EXIT_OK if account_runway.available else errors.EXIT_ERROR
    print(money_line(account_runway))
    note = unpriced_note(account_runway)
    if note:
        print(note)
    return errors.EXIT_OK if account_runway.available else errors.EXIT_ERROR


def cmd_show(args: argparse.Namespace) -> int:
    from zomro_tray.api import readings
    from zomro_tray.core.details import CPU, TRAFFIC
    from zomro_tray.core.money import cost_words

    client = signed_in_client(args)
    service = find_service(client.list_services(), args.service)
    resources = readings.read_resources(client, service.id)
    cpu = readings.read_series(client, service.id, CPU, 1)
    traffic = readings.read_series(client, service.id, TRAFFIC, 1)
    if args.json:
        details = {
            **service_json(service),
            "cpu": resources.cpu,
            "memory": resources.memory,
            "disk": resources.disk,
            "cpu_last_hour": [[t, v] for t, v in zip(cpu.times, cpu.values, strict=True)],
            "traffic_last_hour": [
                [t, i, o]
                for t, i, o in zip(traffic.times, traffic.values, traffic.values_out, strict=True)
            ],
        }
        print(json.dumps(details, indent=2, ensure_ascii=False))
        return errors.EXIT_OK
    plan = " · ".join(
        p for p in (service.plan, resources.cpu, resources.memory, resources.disk) if p
    )
    rows = (
        (_("Name"), service.name),
        (_("State"), describe(service)),
        (_("IPv4"), service.ip),
        (_("IPv6"), service.ip_v6),
        (_("Location"), service.datacenter),
        (_("Image"), service.os),
        (_("Plan"), plan),
        (_("Cost"), cost_words(service) or _("No price in Zomro's answer")),
        (_("Created"), service.created),
        (_("CPU"), _cpu_line(cpu)),
        (_("Traffic"), _traffic_line(traffic)),
    )
    width = max(len(label) for label, _value in rows)
    for label, value in rows:
        print(f"{label.ljust(width)}  {value or '-'}")
    return errors.EXIT_OK


def _cpu_line(series: Series) -> str:
    if series.empty:
        return _("no data for the last hour")
    return _("last hour: now {now:.0f} %, highest {peak:.0f} %").format(
        now=series.latest or 0.0, peak=max(series.values)
    )


def _traffic_line(series: Series) -> str:
    from zomro_tray.core.details import traffic_words

    if series.empty:
        return _("no data for the last hour")
    return _("last hour: in {received}, out {sent}").format(
        received=traffic_words(sum(series.values)), sent=traffic_words(sum(series.values_out))
    )
