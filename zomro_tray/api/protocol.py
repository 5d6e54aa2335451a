"""BILLmanager's ``out=json`` shape, read defensively.

The JSON is a mechanical translation of XML, with its quirks: text under ``"$"``, attributes as
``"$name"`` keys, one child as an object but several as an array, and a field that now and then
arrives as an array. Nothing here trusts the shape: every accessor accepts any JSON value, and the
only exceptions that leave this module are :mod:`zomro_tray.errors` types.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Iterable
from typing import Any

from zomro_tray import errors
from zomro_tray.core.model import BillingState, Service, classify_power
from zomro_tray.core.plain_text import MAX_TEXT, capped
from zomro_tray.i18n import _

_IN_PROCESS_MARKERS = ("request in process", "please wait")
#: A long request's answer: a string with a (often relative) billmgr address to poll
#: (the panel's src/utils/handleLongRequest.js matches /long.+billmgr/).
_LONG_REQUEST_URL = re.compile(r"long.+billmgr|https?://\S*billmgr", re.IGNORECASE)
_HTML_START = re.compile(rb"^\s*(<!doctype html|<html|<head|<body|<\?xml|<h1|<title)", re.I)
#: Counts longer than this are not counts (and int() of 4,300 digits raises).
_MAX_NUMBER_DIGITS = 9
#: Each server field's own bound, one a person would accept on screen (protocol.md).
FIELD_LIMITS = {
    "id": 64,
    "name": 120,
    "status": 64,
    "billing_text": 120,
    "address": 64,
    "datacenter": 80,
    "plan": 120,
    "os": 80,
    "cost": 80,
    "created": 40,
}


# --- reading values ---------------------------------------------------------------------------


def as_list(value: Any) -> list[Any]:
    """One child is an object, several an array, none absent: always give a list."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def text(value: Any, limit: int = MAX_TEXT) -> str:
    """The display text of an element: ``{"$": "x"}``, a bare scalar, or the first of an array.

    Always plain, printable text of at most ``limit`` characters (cut with "…"): see
    :func:`printable` and :func:`capped`.
    """
    if isinstance(value, dict):
        inner = value.get("$")  # text content is a scalar; anything else is not text
        return "" if isinstance(inner, (dict, list)) else text(inner, limit)
    if isinstance(value, list):  # one level only: "createdate" arrives as a list of elements
        found = (text(v, limit) for v in value[:_MAX_LIST_TEXTS] if not isinstance(v, list))
        return next((t for t in found if t), "")
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, str):
        return capped(value, limit)
    if isinstance(value, int):  # str() of a 5,000-digit int raises (and a long one is slow)
        return capped(str(value), limit) if abs(value) < 10**_MAX_NUMBER_DIGITS * 10**9 else ""
    if isinstance(value, float):
        return capped(repr(value), limit)
    return ""


#: How many items of an array :func:`text` looks through for the first that has text.
_MAX_LIST_TEXTS = 16


def orig_only(value: Any) -> str:
    """``$orig`` of an element, or "" when it has none (never its display text)."""
    if isinstance(value, dict):
        return text(value["$orig"]) if "$orig" in value else ""
    if isinstance(value, list):
        return next((o for o in (orig_only(v) for v in value if not isinstance(v, list)) if o), "")
    return ""


def orig(value: Any) -> str:
    """The machine value of an element: ``$orig`` when present, else its text."""
    if isinstance(value, dict) and "$orig" in value:
        return text(value["$orig"])
    if isinstance(value, list):
        return next((o for o in (orig(v) for v in value if not isinstance(v, list)) if o), "")
    return text(value)


def attribute(value: Any, name: str, limit: int = MAX_TEXT) -> str:
    """An XML attribute such as ``$id``, or ``""``."""
    return text(value.get("$" + name), limit) if isinstance(value, dict) else ""


def number(value: Any) -> int | None:
    """A count such as ``p_elems``: plain ASCII digits, or None ("²" is a digit to Python)."""
    raw = text(value)
    if raw.isascii() and raw.isdigit() and len(raw) <= _MAX_NUMBER_DIGITS:
        return int(raw)
    return None


def ip_address(raw: str) -> str:
    """An IP address as the server gave it, only if it is one (Copy IP copies this)."""
    try:
        return str(ipaddress.ip_address(raw.strip()))
    except ValueError:
        return ""


# --- documents --------------------------------------------------------------------------------


def decode_document(body: bytes) -> dict[str, Any]:
    """Bytes of an answer -> the ``doc`` object, or a typed error saying why not.

    Error documents are not raised here (see :func:`raise_for_error`): only "this is not a
    document at all" problems are, all of them :class:`errors.MalformedAnswer`.
    """
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError):
        raise _not_json(body) from None
    doc = parsed.get("doc") if isinstance(parsed, dict) else None
    if not isinstance(doc, dict):
        raise errors.MalformedAnswer
    return doc


def _not_json(body: bytes) -> errors.ZomroError:
    head = body[:4096]  # pragma: no mutate - how much to sniff; a byte more or less is the same
    sample = head.decode("utf-8", "replace").lower()  # pragma: no mutate - "UTF-8" is the same
    if any(marker in sample for marker in _IN_PROCESS_MARKERS) or _LONG_REQUEST_URL.search(sample):
        return errors.RequestInProcess()
    if _HTML_START.match(head):
        return errors.NotJsonPage()
    return errors.MalformedAnswer()


def raise_for_error(doc: dict[str, Any]) -> None:
    """An error is the presence of ``doc.error``; turn it into the matching typed error."""
    if "error" not in doc:
        return
    raise error_from_document(doc["error"])


def error_from_document(error: Any) -> errors.ZomroError:
    error = error if isinstance(error, dict) else {}
    kind = attribute(error, "type").lower()
    obj = attribute(error, "object").lower() or _param(error, "object").lower()
    message = text(error.get("msg")) or text(error.get("detail"))
    if any(marker in message.lower() for marker in _IN_PROCESS_MARKERS):
        # How Zomro answers an action it accepted and is still working on (the panel reads it
        # from doc.error.msg.$): not a refusal.
        return errors.RequestInProcess()
    if kind == "auth":
        if obj in errors.LoginBlocked.REASONS:
            return errors.LoginBlocked(obj)
        if obj == "badpassword":
            return errors.BadCredentials()
        return errors.SignInError(_zomro_says(message, errors.SignInError.default_message))
    if kind == "access":
        if "from this ip" in message.lower():
            return errors.SessionIpMismatch()
        return errors.AccessDenied(_zomro_says(message, errors.AccessDenied.default_message))
    if kind in ("missed", "notfound", "not_found"):
        return errors.NotFound(_zomro_says(message, errors.NotFound.default_message))
    if kind == "totp" or "totp" in obj or "qrcode" in obj:
        return errors.BadTwoFactorCode()
    return errors.ApiRefused(_zomro_says(message, errors.ApiRefused.default_message))


def _param(error: dict[str, Any], name: str) -> str:
    for param in as_list(error.get("param")):
        if attribute(param, "name") == name:
            return text(param)
    return ""


def _zomro_says(message: str, fallback: str) -> str:
    return _("Zomro says: {message}").format(message=message) if message else _(fallback)


def is_in_process(doc: dict[str, Any]) -> bool:
    """Some calls answer with a JSON document that only says 'please wait'."""
    sample = text(doc.get("msg")) or text(doc.get("ok"))
    return any(marker in sample.lower() for marker in _IN_PROCESS_MARKERS)


# --- paging and rows --------------------------------------------------------------------------


def rows(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [row for row in as_list(doc.get("elem")) if isinstance(row, dict)]


def total_rows(doc: dict[str, Any]) -> int | None:
    return number(doc.get("p_elems"))


def service_from_row(row: dict[str, Any], account: str = "") -> Service | None:
    """One ``elem`` of ``func=instances`` (or ``vds``) -> a Service of that account (its key);
    None for a row with no id, or an id too long to be one. Every field is cut to its bound
    (:data:`FIELD_LIMITS`) here, where the answer is read, so no view or pattern ever meets a
    megabyte of text."""
    service_id = orig(row.get("id")) or orig(row.get("elid"))
    if not service_id or len(service_id) > FIELD_LIMITS["id"]:
        return None
    status = FIELD_LIMITS["status"]
    instance_status = text(row.get("instance_status"), status) or text(
        row.get("fotbo_status"), status
    )
    item_status = row.get("item_status")
    # item_status.$ is the billing text and status.$ the code (getInstanceMainInfo.js); some
    # builds also put the code in item_status.$orig.
    billing_code = orig_only(item_status)[:status] or text(row.get("status"), status)
    billing_text = text(item_status, FIELD_LIMITS["billing_text"]) if item_status else ""
    power, reason = classify_power(instance_status, billing_code, billing_text)
    address = FIELD_LIMITS["address"]
    return Service(
        id=service_id,
        name=_first_text(row, FIELD_LIMITS["name"], "servername", "name", "domain") or service_id,
        power=power,
        raw_status=instance_status,
        billing=BillingState.parse(billing_code),
        billing_code=billing_code,
        billing_text=billing_text,
        suspend_reason=reason,
        ip=ip_address(_first_text(row, address, "ip", "ip_address")),
        ip_v6=ip_address(text(row.get("ip_v6"), address)),
        datacenter=_first_text(row, FIELD_LIMITS["datacenter"], "datacentername", "datacenter"),
        plan=cut_dc_suffix(_first_text(row, FIELD_LIMITS["plan"], "pricelist", "tariff")),
        os=_os_name(row),
        item_cost=text(row.get("item_cost"), FIELD_LIMITS["cost"]),
        cost_text=text(row.get("cost"), FIELD_LIMITS["cost"]),
        created=text(row.get("createdate"), FIELD_LIMITS["created"]),
        account=account,
    )


def cut_dc_suffix(plan: str) -> str:
    """A plan's name without its data centre: "Cloud Start | DE" -> "Cloud Start", as the
    panel shows it (src/utils/cutDcSuffix.js keeps what stands before the first "|"); a name
    that is nothing but its suffix stays as it came."""
    return plan.split("|", 1)[0].strip() or plan


def services_from_rows(raw_rows: Iterable[dict[str, Any]], account: str = "") -> list[Service]:
    """Rows -> services of that account (its key), skipping id-less rows and repeated ids
    (overlapping pages)."""
    seen: set[str] = set()
    services = []
    for row in raw_rows:
        service = service_from_row(row, account)
        if service is not None and service.id not in seen:
            seen.add(service.id)
            services.append(service)
    return services


def _first_text(row: dict[str, Any], limit: int, *keys: str) -> str:
    return next((t for t in (text(row.get(k), limit) for k in keys) if t), "")


def _os_name(row: dict[str, Any]) -> str:
    """The image as the panel names it (``instances_os``), else distro and version."""
    limit = FIELD_LIMITS["os"]
    image = text(row.get("instances_os"), limit)
    if image:
        return image
    distro, version = text(row.get("os_distro"), limit), text(row.get("os_version"), limit)
    return capped(f"{distro} {version}", limit) if distro else ""


def session_id(doc: dict[str, Any]) -> str:
    """The session token of a ``func=auth`` answer: ``doc.auth.$id`` (or its text)."""
    auth = doc.get("auth")
    token = attribute(auth, "id") or text(auth)
    if not token:
        raise errors.MalformedAnswer(_("Zomro's sign-in answer carried no session."))
    return token
