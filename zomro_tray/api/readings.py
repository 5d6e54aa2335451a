"""Reading the money and details answers, as Zomro's panel reads them (docs/protocol.md).

The balance has moved between calls over the panel's history (``whoami`` ``$balance``, then a
``notify`` item, then ``notify`` ``realbalance`` and ``dashboard.info``), and no answer here was
seen from a live account: each reading is tried, each refuses what is not exactly one number,
and :func:`read_funds` says "unavailable" rather than guess. Only read-only functions are sent
(the client refuses anything else, see :data:`zomro_tray.api.calls.ALLOWED_CALLS`).
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Generator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from zomro_tray import errors
from zomro_tray.api.protocol import as_list, attribute, rows, text
from zomro_tray.core.details import CPU, TRAFFIC, Resources, Series
from zomro_tray.core.money import DEFAULT_CURRENCY, Amount, Funds, Unavailable, parse_amount

if TYPE_CHECKING:
    from zomro_tray.api.client import ZomroClient

log = logging.getLogger(__name__)

#: Series longer than this are cut to their end: a graph a few hundred pixels wide.
MAX_POINTS = 1000
#: CPU is a share of the server's vCPUs: Zomro's graph tops out at 100 %.
MAX_CPU_PERCENT = 100.0
#: Bytes in one graph point (one to six hours of traffic): a terabyte a second for six
#: hours is far past any port Zomro sells, and a sum of a thousand of them stays finite.
MAX_POINT_BYTES = 1e12 * 6 * 3600
#: A price note in an option's words, "(0.05 €)". Linear on any text: a match starts at "(" and
#: its class cannot cross another "(", so no start is tried over the same characters twice
#: (a leading ``\s*`` made a long run of spaces or "(" quadratic; the spaces are cleaned after).
_PRICE_NOTE = re.compile(r"\([^()]*\)")
#: The add-on names the panel knows: renameAddonFields.js turns the add-on's title into a key
#: ("CPU count" -> CPU_count, "Disk space" -> Disk_space) that InstanceDetailsOverview.jsx reads.
_RESOURCE_NAMES = {
    "cpu count": "cpu",
    "cpu": "cpu",
    "memory": "memory",
    "ram": "memory",
    "disk space": "disk",
}
#: An option's words and a resource's value are short ("2 GB", "Ubuntu 22.04"): a bound a
#: person accepts, and the most any pattern here ever reads.
MAX_RESOURCE_TEXT = 80
#: How many add-ons and options are looked through (a real server has a handful).
_MAX_ITEMS = 200


# --- the balance --------------------------------------------------------------------------------


def balance_from_notify(doc: dict[str, Any]) -> Amount | None:
    """``notify``: ``doc.realbalance`` (today's panel), else the item marked ``$balance=yes``
    (the panel before 2024), its ``value``."""
    found = parse_amount(text(doc.get("realbalance")))
    if found is not None:
        return found
    notify = doc.get("notify")
    items = as_list(notify.get("item")) if isinstance(notify, dict) else []
    for item in items:
        if isinstance(item, dict) and attribute(item, "balance") == "yes":
            return parse_amount(text(item.get("value")))
    return None


def balance_from_dashboard(doc: dict[str, Any]) -> Amount | None:
    """``dashboard.info``: ``doc.elem[0].realbalance``, "12.34 EUR" or "12.34 €"."""
    first = next(iter(rows(doc)), {})
    return parse_amount(text(first.get("realbalance")))


def balance_from_whoami(doc: dict[str, Any]) -> Amount | None:
    """``whoami``: ``doc.user.$balance``, what the panel read until 2024."""
    user = doc.get("user")
    return parse_amount(attribute(user, "balance")) if isinstance(user, dict) else None


def credit_from_subaccount(doc: dict[str, Any]) -> Decimal | None:
    """``dashboard.subaccount_credit``: ``doc.elem[0].credit``, the credit limit."""
    first = next(iter(rows(doc)), {})
    credit = parse_amount(text(first.get("credit")))
    return credit.value if credit is not None and credit.value >= 0 else None


#: Where the balance is looked for, in order: the call, and how to read its answer.
BALANCE_READINGS = (
    ("notify", balance_from_notify),
    ("dashboard.info", balance_from_dashboard),
    ("whoami", balance_from_whoami),
)


def read_funds(client: ZomroClient) -> Funds:
    """The balance and credit, or Funds saying why not (see :func:`funds_steps`)."""
    steps = funds_steps(client)
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]


def funds_steps(client: ZomroClient) -> Generator[None, None, Funds]:
    """Read the balance one request per step, so the worker can run a user's click between
    two of them instead of after all four. Returns Funds; raises only what the connection
    raises (offline, signed out): a refusal or an unreadable answer is "unavailable"."""
    balance: Amount | None = None
    why = Unavailable.NOT_IN_THE_ANSWERS
    for func, reading in BALANCE_READINGS:
        try:
            balance = reading(client.read(func))
        except errors.AccessDenied:
            why = Unavailable.NO_RIGHTS  # a trusted user without finance rights
        except errors.MalformedAnswer:
            why = Unavailable.UNREADABLE
        except (errors.ApiRefused, errors.NotFound) as error:
            log.info("%s: no balance (%s)", func, type(error).__name__)
        if balance is not None:
            break
        yield
    if balance is None:
        return Funds(unavailable_because=why)
    yield
    return Funds(balance.value, _credit(client), balance.currency or DEFAULT_CURRENCY)


def _credit(client: ZomroClient) -> Decimal | None:
    try:
        return credit_from_subaccount(client.read("dashboard.subaccount_credit"))
    except (errors.AccessDenied, errors.ApiRefused, errors.NotFound, errors.MalformedAnswer):
        return None  # most accounts have no credit line


# --- a server's details -----------------------------------------------------------------------


def resources_from_edit(doc: dict[str, Any]) -> Resources:
    """``instances.edit`` (read only): add-on names in ``messages.msg.addon_N``, their chosen
    values in ``addon_N``; the ``slist`` of that name words the value ("2 GB (0.05 €)" shown
    without its price, as the panel does)."""
    messages = doc.get("messages")
    names = messages.get("msg") if isinstance(messages, dict) else None
    found: dict[str, str] = {}
    labels = list(names.items())[:_MAX_ITEMS] if isinstance(names, dict) else []
    for key, label in labels:
        if not (isinstance(key, str) and key.startswith("addon_")):
            continue
        title = text(label, MAX_RESOURCE_TEXT).lower().replace("_", " ").replace("-", " ")
        field = _RESOURCE_NAMES.get(title)
        if field and field not in found:
            found[field] = _addon_words(doc, key)
    rdns = text(doc.get("rdns_record"), MAX_RESOURCE_TEXT)
    return Resources(found.get("cpu", ""), found.get("memory", ""), found.get("disk", ""), rdns)


def _addon_words(doc: dict[str, Any], key: str) -> str:
    chosen = text(doc.get(key), MAX_RESOURCE_TEXT)
    for select in as_list(doc.get("slist"))[:_MAX_ITEMS]:
        if isinstance(select, dict) and attribute(select, "name") == key:
            for option in as_list(select.get("val"))[:_MAX_ITEMS]:
                if isinstance(option, dict) and attribute(option, "key") == chosen:
                    return without_price_note(text(option, MAX_RESOURCE_TEXT)) or chosen
    return chosen


def without_price_note(words: str) -> str:
    """ "2 GB (0.05 €)" -> "2 GB": the panel shows an add-on's value without its price."""
    return " ".join(_PRICE_NOTE.sub(" ", words).split())


def series_from_measures(doc: dict[str, Any], metric: str, hours: int) -> Series:
    """``instances.fleio.measures``: ``doc.measures[]`` with ``$date`` and ``$value`` (CPU %)
    or ``$bytes_in`` / ``$bytes_out`` (traffic). A point that is not a finite number is
    dropped, not drawn as zero."""
    times: list[str] = []
    values: list[float] = []
    values_out: list[float] = []
    for point in as_list(doc.get("measures"))[-MAX_POINTS:]:
        if not isinstance(point, dict):
            continue
        ceiling = MAX_CPU_PERCENT if metric == CPU else MAX_POINT_BYTES
        value = _measure(point, "value" if metric == CPU else "bytes_in", ceiling)
        sent = 0.0 if metric == CPU else _measure(point, "bytes_out", ceiling)
        if value is None or sent is None:
            continue
        times.append(attribute(point, "date"))
        values.append(value)
        values_out.append(sent)
    out = tuple(values_out) if metric == TRAFFIC else ()
    return Series(metric, hours, tuple(times), tuple(values), out)


def _measure(point: dict[str, Any], name: str, ceiling: float) -> float | None:
    """A point's value, clamped to what the metric can be (CPU above 100 % is 100 %); None
    for what is not a finite, non-negative number (never drawn as zero)."""
    raw = attribute(point, name, 40)
    try:
        value = float(raw)
    except ValueError:
        return None
    return min(value, ceiling) if math.isfinite(value) and value >= 0 else None


def read_resources(client: ZomroClient, service_id: str) -> Resources:
    return resources_from_edit(client.read("instances.edit", elid=service_id))


def read_series(client: ZomroClient, service_id: str, metric: str, hours: int) -> Series:
    doc = client.read("instances.fleio.measures", elid=service_id, metric=metric, hours=str(hours))
    return series_from_measures(doc, metric, hours)
