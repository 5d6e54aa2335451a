"""Every function the app may send to Zomro, and the rule that nothing else leaves it.

A customer trusts a tray app with a token that can also order, pay, resize and delete. So the
client checks each request against this list before it is sent: reads, the three power actions,
and signing in. Nothing that orders, prolongs, pays, applies a coupon, resizes, rebuilds,
deletes, changes a password or saves a form: BILLmanager saves a form (``instances.edit``,
``instances.filter``) when ``sok`` comes with it, so only the two-factor confirmation may carry
it. ``tests/test_calls.py`` holds this list to what the code sends.
"""

from __future__ import annotations

from collections.abc import Mapping

#: Functions that only read. ``instances.edit`` and ``instances.filter`` without ``sok`` show a
#: form's current values; ``notify`` is what the panel polls every minute.
READ_ONLY = frozenset(
    {
        "instances",
        "instances.filter",
        "instances.edit",
        "instances.fleio.measures",
        "keepalive",
        "whoami",
        "notify",
        "dashboard.info",
        "dashboard.subaccount_credit",
    }
)
POWER_ACTIONS = frozenset({"service.start", "service.stop", "service.reboot"})
SIGN_IN = frozenset({"auth", "totp.confirm"})
ALLOWED_CALLS = READ_ONLY | POWER_ACTIONS | SIGN_IN
#: Fields that make BILLmanager process a form (save it); allowed on these functions only.
SAVING_FIELDS = ("sok", "clicked_button")
MAY_SAVE = frozenset({"totp.confirm"})


class ForbiddenCall(ValueError):
    """A bug of ours: code asked to send something outside the allow-list. Never sent."""


def check(form: Mapping[str, str]) -> None:
    """Refuse a request the app must never send (raised before any byte goes out)."""
    func = form.get("func", "")
    if func not in ALLOWED_CALLS:
        raise ForbiddenCall(f"{func!r} is not on the allow-list")
    if func not in MAY_SAVE and any(name in form for name in SAVING_FIELDS):
        raise ForbiddenCall(f"{func!r} with a saving field")
