"""Nothing that moves money or changes a server ever leaves the app.

Three ways round: every function named in the source is on the allow-list; every function the
app sends while doing everything it can (against the emulator, over HTTP) is on it; and the
list itself holds nothing that orders, pays, resizes, deletes or saves a form. The client
refuses anything else before a byte is sent.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from zomro_tray.api import calls, readings
from zomro_tray.api.calls import ALLOWED_CALLS, ForbiddenCall
from zomro_tray.api.client import ZomroClient
from zomro_tray.cli import report
from zomro_tray.core.credentials import Credentials
from zomro_tray.core.details import CPU, PERIODS, TRAFFIC
from zomro_tray.emulator import Emulator
from zomro_tray.emulator.scenarios import TWO_FACTOR_CODE, TWO_FACTOR_PASSWORD, TWO_FACTOR_USER

PACKAGE = Path(calls.__file__).parent
#: Where a function's name is the first argument.
_SENDERS = {"_call", "read", "_action", "raw_call"}
#: What must never be on the list (issue 19; shared/zomro-billing-notes.md, "Never call").
FORBIDDEN = re.compile(
    r"order|prolong|payment|pay\b|coupon|resize|changepricelist|delete|rebuild|passw|"
    r"basket|expense\.filter|notificationbar|user\.|rights|image|snapshot|backup|confirm\.resize|"
    r"logon|vnc|\.add|\.new|\.change|\.setting"
)


def _named_in_source() -> set[str]:
    """Every literal function name the package passes to a sender or puts under "func"."""
    names: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        if "emulator" in path.parts:
            continue  # the emulator answers functions; it sends none
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            sender = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            if sender and node.func.attr in _SENDERS and node.args:  # type: ignore[attr-defined]
                first = node.args[0]  # type: ignore[attr-defined]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    names.add(first.value)
            if isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    named = isinstance(key, ast.Constant) and key.value == "func"
                    if named and isinstance(value, ast.Constant):
                        names.add(str(value.value))
    names |= {func for func, _ in readings.BALANCE_READINGS}
    names |= {func for func, _ in report.CALLS + report.SERVER_CALLS}
    return names


def test_every_function_named_in_the_source_is_allowed() -> None:
    named = _named_in_source()
    assert {"instances", "service.stop", "notify", "instances.fleio.measures"} <= named
    assert named <= ALLOWED_CALLS, named - ALLOWED_CALLS


def test_the_allow_list_holds_nothing_that_spends_money_or_changes_a_server() -> None:
    for func in ALLOWED_CALLS:
        assert not FORBIDDEN.search(func), func
    assert {
        "service.start",
        "service.stop",
        "service.reboot",
        "auth",
        "totp.confirm",
    } == ALLOWED_CALLS - calls.READ_ONLY


def test_everything_the_app_does_sends_only_allowed_functions(emulator: Emulator) -> None:
    client = ZomroClient(emulator.url, Credentials.from_token(emulator.demo_token))
    services = client.list_services()
    client.active_filters()
    client.whoami()
    readings.read_funds(client)
    for service in services[:2]:
        readings.read_resources(client, service.id)
        for metric in (CPU, TRAFFIC):
            for hours in PERIODS:
                readings.read_series(client, service.id, metric, hours)
    report.build(client, emulator.url)
    client.stop("5116804")
    client.start("5116805")
    client.reboot("5116806")
    two_factor = ZomroClient(emulator.url)
    two_factor.sign_in(TWO_FACTOR_USER, TWO_FACTOR_PASSWORD, two_factor=lambda: TWO_FACTOR_CODE)
    sent = set(emulator.state.calls)
    assert {"notify", "instances.edit", "instances.fleio.measures", "totp.confirm"} <= sent
    assert sent <= ALLOWED_CALLS, sent - ALLOWED_CALLS


@pytest.mark.parametrize(
    "form",
    [
        {"func": "service.prolong", "elid": "1"},
        {"func": "payment.add"},
        {"func": "service.changepricelist", "elid": "1"},
        {"func": "instances.delete", "elid": "1"},
        {"func": "instances.edit", "elid": "1", "sok": "ok"},
        {"func": "instances.edit", "elid": "1", "clicked_button": "ok"},
        {"func": "instances.filter", "sok": "ok"},
        {"func": ""},
    ],
)
def test_a_forbidden_request_is_refused_before_it_is_sent(
    emulator: Emulator, form: dict[str, str]
) -> None:
    client = ZomroClient(emulator.url, Credentials.from_token(emulator.demo_token))
    with pytest.raises(ForbiddenCall):
        client._post(dict(form))
    assert sum(emulator.state.calls.values()) == 0  # nothing reached the server


def test_read_refuses_the_power_actions(emulator: Emulator) -> None:
    client = ZomroClient(emulator.url, Credentials.from_token(emulator.demo_token))
    with pytest.raises(ForbiddenCall):
        client.read("service.stop", elid="5116804")
    assert emulator.state.actions == []
