"""A first-contact report: what Zomro's API really answers, with nothing that identifies anyone.

``zomro-tray report`` signs in as the user and calls the read-only functions the app relies on
(the server list, its saved filter, the session check, the balance and credit, and for the
first server its details and a CPU and a traffic series). It prints the shape of each answer:
every field name, the paging fields and the status vocabulary (the values the app must
understand), and in place of every other value only its kind ("text, 12 chars", "IPv4
address"). No token, password, name, address or e-mail can appear: values are printed only for
the listed vocabulary fields, and only when they are words the app knows. The result is meant to
be attached to a bug report, so the protocol notes (docs/protocol.md) can be checked against
the real API.

A hostile or odd server gets nowhere either: a key that is not a known field name is replaced by
its kind (a token, an address or an e-mail sent as a key), a status field's value that is not a
known word becomes its kind ("Suspended for user jdoe"), and a last pass over the finished text
removes the token, the password, the user name, who is signed in, and every server's name, id
and addresses wherever they still stand.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import re
from typing import Any

from zomro_tray import __version__, errors
from zomro_tray.api import protocol
from zomro_tray.api.client import ZomroClient
from zomro_tray.core.model import INSTANCE_STATES, SPECIAL_MODES

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
#: A vocabulary field's value that is kept: a billing code ("3_autosuspend") or a count...
_CODES = re.compile(r"^[0-9]{1,9}(_[a-z]{1,20})?$")
#: ...or one of the words the app knows (the panel's and BILLmanager's, lower-cased): never
#: free text a server could fill with a person's name.
KNOWN_WORDS = frozenset(
    {
        *INSTANCE_STATES,
        *SPECIAL_MODES,
        "active",
        "temporary suspended",
        "suspended by administrator",
        "deletion in progress",
        "activation in progress",
        "ordered",
        "deleted",
        "processing",
        "suspended",
        "on",
        "off",
        "yes",
        "no",
        "auth",
        "access",
        "missed",
        "value",
        "exists",
        "badpassword",
        "badip",
        "blocklogon",
        "blockgeoip",
        "blocked_ip",
        "elid",
        "func",
    }
)
#: Field names the report keeps as they are (everything the app reads, the panel's list filter
#: fields, and BILLmanager's common ones); any other key is shown as its kind.
KNOWN_FIELDS = frozenset(
    {
        *VOCABULARY,
        "doc",
        "elem",
        "error",
        "msg",
        "detail",
        "param",
        "ok",
        "id",
        "elid",
        "servername",
        "name",
        "domain",
        "ip",
        "ip_v6",
        "ip_address",
        "datacentername",
        "datacenter",
        "pricelist",
        "tariff",
        "os_distro",
        "os_version",
        "instances_os",
        "item_cost",
        "cost",
        "cost_from",
        "cost_to",
        "createdate",
        "expiredate",
        "opendate",
        "orderdatefrom",
        "orderdateto",
        "period",
        "user",
        "auth",
        "notify",
        "item",
        "value",
        "realbalance",
        "credit",
        "available_credit",
        "messages",
        "slist",
        "val",
        "rdns_record",
        "measures",
        "metadata",
        "form",
        "field",
        "slider",
        "tparams",
        "$",
        "$orig",
        "$id",
        "$name",
        "$key",
        "$balance",
        "$realname",
        "$date",
        "$value",
        "$bytes_in",
        "$bytes_out",
        "$packets_in",
        "$packets_out",
        "$min",
        "$max",
        "$step",
        "$cost",
        "$lang",
        "$func",
    }
)
_ADDON = re.compile(r"^addon_[0-9]{1,6}$")
#: Identifying strings shorter than this are left alone by the last pass ("1" is in everything).
_MIN_REMOVED = 4
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


def known_field(key: str) -> bool:
    return key in KNOWN_FIELDS or bool(_ADDON.match(key))


def known_word(value: str) -> bool:
    words = value.strip()
    return bool(_CODES.match(words)) or words.lower() in KNOWN_WORDS


def shape(value: Any, key: str = "", vocabulary: bool = False) -> Any:
    """The value with every datum replaced by its kind, except the vocabulary's known words;
    a key that is not a known field name becomes its kind too."""
    vocabulary = vocabulary or key in VOCABULARY
    if isinstance(value, dict):
        shaped: dict[str, Any] = {}
        for number, (k, v) in enumerate(value.items(), 1):
            known = isinstance(k, str) and known_field(k)
            name = k if known else f"<key {number}: {describe_value(k)}>"
            shaped[name] = shape(v, name, vocabulary and k in ("$", "$orig"))
        return shaped
    if isinstance(value, list):
        kinds: list[Any] = []
        for item in value[:3]:  # the first few rows show the shape; more only repeat it
            kinds.append(shape(item, key, vocabulary))
        if len(value) > 3:
            kinds.append(f"... {len(value) - 3} more")
        return kinds
    if vocabulary and isinstance(value, str) and known_word(value):
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
            report[_IDENTIFYING] = _identifying(client, protocol.rows(doc))
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


#: Where build() leaves what render() removes (never printed itself).
_IDENTIFYING = "identifying"


def _identifying(client: ZomroClient, rows: list[dict[str, Any]]) -> list[str]:
    """What identifies the account: its sign-in, who it is, its servers' ids, names and
    addresses (wherever a server put them)."""
    found: list[str] = []
    credentials = client.credentials
    if credentials is not None:
        found += [*credentials.secrets(), credentials.username]
    with contextlib.suppress(errors.ZomroError):  # no name read: nothing of it to remove
        found.append(client.whoami())
    for service in protocol.services_from_rows(rows):
        found += [service.id, service.name, service.ip, service.ip_v6]
    return found


def render(report: dict[str, Any]) -> str:
    """The report as JSON, after a last pass that removes each identifying string wherever
    it still stands (in a key, in a message, inside a longer text)."""
    identifying = report.pop(_IDENTIFYING, [])
    text = json.dumps(report, indent=2, sort_keys=True)
    found = {value for value in identifying if isinstance(value, str)}
    for value in sorted(found, key=len, reverse=True):  # the longest first: none cut another
        if len(value) >= _MIN_REMOVED:
            for form in {value, json.dumps(value)[1:-1]}:  # as written, and as JSON escapes it
                text = text.replace(form, "<removed>")
    return text
