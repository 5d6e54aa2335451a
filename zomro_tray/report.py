"""A first-contact report: what Zomro's API really answers, with nothing that identifies anyone.

``zomro-tray report`` signs in as the user and calls the read-only functions the app relies on
(the server list, its saved filter, the session check, the balance and credit, and for the
first server its details and a CPU and a traffic series). It prints the shape of each answer:
every field name, the paging fields and the status vocabulary (the values the app must
understand), and in place of every other value only its kind ("text, 12 chars", "IPv4
address"). No token, password, name, address or e-mail can appear: values are printed only for
the listed vocabulary fields, and only when they look like vocabulary. The result is meant to
be attached to a bug report, so the protocol notes (docs/protocol.md) can be checked against
the real API.
"""

from __future__ import annotations

import ipaddress
import json
import re
from typing import Any

from zomro_tray import __version__, errors, protocol
from zomro_tray.client import ZomroClient

#: Fields whose values are the API's vocabulary, not the customer's data.
VOCABULARY = frozenset(
    {
        "instance_status",
        "fotbo_status",
        "item_status",
        "status",
        "p_cnt",
        "p_num",
        "p_elems",
        "$type",
        "$object",
        "change_pricelist",
        "autoprolong",
    }
)
#: What vocabulary looks like: a few words, no @, no dots (no e-mail, no address, no domain).
_WORDS = re.compile(r"^[A-Za-z][A-Za-z0-9_ ]{0,39}$|^[0-9]{1,9}(_[a-z]{1,20})?$")
#: The read-only calls the app makes, with their parameters.
CALLS: tuple[tuple[str, dict[str, str]], ...] = (
    ("instances", {"p_num": "1"}),
    ("instances.filter", {}),
    ("keepalive", {}),
    ("whoami", {}),
    ("notify", {}),
    ("dashboard.info", {}),
    ("dashboard.subaccount_credit", {}),
)
#: Read for the first server of the list (elid is added): its details and two series.
SERVER_CALLS: tuple[tuple[str, dict[str, str]], ...] = (
    ("instances.edit", {}),
    ("instances.fleio.measures", {"metric": "cpu_util", "hours": "1"}),
    ("instances.fleio.measures", {"metric": "interface_traffic", "hours": "1"}),
)
_DECIMAL = re.compile(r"^-?[0-9]{1,12}([.,][0-9]{1,8})?$")


def describe_value(value: Any) -> str:
    """The kind of a value, never the value itself."""
    if isinstance(value, bool) or value is None:
        return type(value).__name__
    if isinstance(value, (int, float)):
        return "number"
    text = str(value)
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        pass
    else:
        return f"IPv{address.version} address"
    if "@" in text:
        return "e-mail-like text"
    if _DECIMAL.match(text.strip()):
        return "decimal text"
    if _DECIMAL.match(text.split(" ", maxsplit=1)[0]) and len(text) < 40:
        return f"decimal text with words, {len(text)} chars"  # "0.1634 EUR / Day"
    return f"text, {len(text)} chars" if text else "empty text"


def shape(value: Any, key: str = "", vocabulary: bool = False) -> Any:
    """The value with every datum replaced by its kind, except the vocabulary's words."""
    vocabulary = vocabulary or key in VOCABULARY
    if isinstance(value, dict):
        return {k: shape(v, k, vocabulary and k in ("$", "$orig")) for k, v in value.items()}
    if isinstance(value, list):
        kinds: list[Any] = []
        for item in value[:3]:  # the first few rows show the shape; more only repeat it
            kinds.append(shape(item, key, vocabulary))
        if len(value) > 3:
            kinds.append(f"... {len(value) - 3} more")
        return kinds
    if vocabulary and isinstance(value, str) and _WORDS.match(value.strip()):
        return value.strip()
    return f"<{describe_value(value)}>"


def build(client: ZomroClient, configured_url: str) -> dict[str, Any]:
    """Call the read-only functions; collect each answer's shape or its error's shape."""
    report: dict[str, Any] = {"zomro-tray": __version__, "answers": {}}
    statuses: set[str] = set()
    first_id = ""
    for func, params in CALLS:
        doc = _answer(client, report, func, func, params)
        if func == "instances" and doc is not None:
            for row in protocol.as_list(doc.get("elem")):  # one row comes as an object
                if isinstance(row, dict):
                    first_id = first_id or protocol.orig(row.get("id"))
                    words = shape(row.get("instance_status"), "instance_status")
                    statuses.add(str(words.get("$") if isinstance(words, dict) else words))
    for func, params in SERVER_CALLS if first_id else ():
        label = " ".join([func, *params.values()])
        _answer(client, report, label, func, {**params, "elid": first_id})
    report["status values seen"] = sorted(statuses)
    same = client.api_url == configured_url
    report["endpoint"] = (
        "as configured" if same else "the …/billmgr address (configured one failed)"
    )
    return report


def _answer(
    client: ZomroClient, report: dict[str, Any], label: str, func: str, params: dict[str, str]
) -> dict[str, Any] | None:
    """One call's answer, its shape recorded under ``label`` (or its error's name)."""
    try:
        doc = client.read(func, **params)
    except errors.ZomroError as error:
        report["answers"][label] = {"error": type(error).__name__}
        return None
    report["answers"][label] = shape(doc)
    return doc


def render(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, sort_keys=True)
