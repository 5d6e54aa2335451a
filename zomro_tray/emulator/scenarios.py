"""Named starting points for the emulator: seed accounts and servers, and fault settings.

Server names are deliberately non-ASCII in places (Polish, Cyrillic): the real customers of a
Ukrainian/European host name their servers in their own languages.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from zomro_tray.emulator.servers import STOPPED_BILLING, Account, EmulatedServer
from zomro_tray.emulator.state import EmulatorState

DEMO_USER = "demo"
DEMO_PASSWORD = "demo-password"  # noqa: S105 - a public demo account of a local emulator
TWO_FACTOR_USER = "totp-demo"
TWO_FACTOR_PASSWORD = "totp-password"  # noqa: S105
TWO_FACTOR_CODE = "123456"


def _accounts(state: EmulatorState) -> None:
    state.accounts[DEMO_USER] = Account(DEMO_USER, DEMO_PASSWORD)
    state.accounts[TWO_FACTOR_USER] = Account(
        TWO_FACTOR_USER, TWO_FACTOR_PASSWORD, two_factor_code=TWO_FACTOR_CODE
    )
    for sid, name in (("7000001", "totp-web"), ("7000002", "totp-db")):
        state.servers[sid] = EmulatedServer(sid, name, TWO_FACTOR_USER, ip="198.51.100.7")


def _web() -> EmulatedServer:
    return EmulatedServer("5116804", "web-1", DEMO_USER, ip="203.0.113.10", ip_v6="2001:db8::10")


def _database() -> EmulatedServer:
    """Stopped, and charged all the same."""
    return EmulatedServer(
        "5116805",
        "baza-danych-łódź",
        DEMO_USER,
        instance_status="stopped",
        billing=STOPPED_BILLING,
        ip="203.0.113.11",
        datacenter="Poland-1",
        os_distro="Debian",
        os_version="12",
        daily_cost="0.0817",
        memory=("1024", "1 GB"),
    )


def demo(state: EmulatorState) -> None:
    """A small shop: two running, one stopped, one suspended for non-payment, one old build."""
    _accounts(state)
    for server in (
        _web(),
        _database(),
        EmulatedServer(
            "5116806",
            "бэкап-сервер",
            DEMO_USER,
            ip="203.0.113.12",
            datacenter="Germany-1",
            os_distro="AlmaLinux",
            os_version="9",
            daily_cost="",
            cost_text="0.5 €/Day",  # a price given only as text, as older rows do
            disk=("160", "160 GB"),
        ),
        EmulatedServer(
            "5116807",
            "staging-żółw",
            DEMO_USER,
            instance_status="stopped",
            billing=("3_autosuspend", "Suspended (unpaid)"),
            ip="203.0.113.13",
        ),
        EmulatedServer(
            "5116808",
            "ci-runner",
            DEMO_USER,
            ip="203.0.113.14",
            legacy_status_field=True,
            plan="Cloud CPU-Optimized",
            daily_cost="0.3268",
            cpu=("4", "4 vCPU"),
            memory=("8192", "8 GB"),
        ),
    ):
        state.servers[server.id] = server


def runout(state: EmulatorState) -> None:
    """The balance runs out: a day lasts 15 s, the runway shrinks at each charge, and after
    the fourth the charge fails and Zomro suspends the servers for non-payment."""
    _accounts(state)
    state.day_seconds = 15.0
    state.accounts[DEMO_USER].balance = Decimal("1.00")
    for server in (_web(), _database()):
        state.servers[server.id] = server


def many(state: EmulatorState, count: int = 23) -> None:
    """More servers than one page holds (the server caps pages at 10 rows)."""
    _accounts(state)
    state.max_page_size = 10
    add_servers(state, count)


def add_servers(
    state: EmulatorState, count: int, account: str = DEMO_USER, first_id: int = 6000000
) -> None:
    for n in range(count):
        sid = str(first_id + n)
        stopped = n % 4 == 3
        state.servers[sid] = EmulatedServer(
            sid,
            f"node-{n + 1:04d}",
            account,
            instance_status="stopped" if stopped else "active",
            billing=STOPPED_BILLING if stopped else ("2", "Active"),
            ip=f"203.0.113.{n % 254 + 1}",
        )


def single(state: EmulatorState) -> None:
    _accounts(state)
    state.servers["5116804"] = EmulatedServer("5116804", "web-1", DEMO_USER, ip="203.0.113.10")


def empty(state: EmulatorState) -> None:
    _accounts(state)


def slow(state: EmulatorState) -> None:
    """Every answer takes 3 s, like Zomro on a bad day."""
    demo(state)
    state.latency = 3.0


def flaky(state: EmulatorState) -> None:
    """A quarter of all requests fail in one of the documented ways."""
    demo(state)
    state.fault_rate = 0.25
    state.fault_latency = 2.0


def expiring(state: EmulatorState) -> None:
    """Sessions die after 30 s without requests."""
    demo(state)
    state.session_ttl = 30.0


#: Names a hostile server might give, each aimed at one surface (see hostile()).
HOSTILE_NAMES = {
    "9100001": "\x1b]0;pwned\x07\x1b[2Jweb-\x1b[31m1",  # terminal title, clear screen, colour
    "9100002": "invoice-\u202egnp.exe",  # shows as "invoice-exe.png" if the override is kept
    "9100003": "<img src='file:///etc/hostname'><b>bold</b>",  # HTML in a rich-text widget
    "9100004": "x" * 10_000,  # a screen-wide menu
    "9100005": "line\nbreak\tand\rreturn",
}


def hostile(state: EmulatorState) -> None:
    """Names aimed at terminals and widgets, and an "IP address" that is a shell command."""
    _accounts(state)
    for sid, name in HOSTILE_NAMES.items():
        state.servers[sid] = EmulatedServer(sid, name, DEMO_USER, ip="203.0.113.9")
    state.servers["9100006"] = EmulatedServer(
        "9100006", "copy-me", DEMO_USER, ip="203.0.113.9\nrm -rf ~/important\n"
    )
    state.servers[HUGE_TEXTS] = huge_texts_server()


#: The hostile scenario's server whose every text is a megabyte aimed at a slow pattern.
HUGE_TEXTS = "9100007"
MEGABYTE = 1024 * 1024


def huge_texts_server(size: int = MEGABYTE, server_id: str = HUGE_TEXTS) -> EmulatedServer:
    """``size`` characters (a megabyte) in each text a server has: its name, image, creation
    date, reverse DNS, and add-on options made of what makes a careless pattern quadratic
    (runs of "(" and of spaces)."""
    return EmulatedServer(
        server_id,
        "y" * size,
        DEMO_USER,
        ip="203.0.113.10",
        os_distro="Debian" + " " * size + "x",
        created="2026" * (size // 4),
        rdns="r" * size,
        cpu=("1", "(" * size),
        memory=("2048", "2 GB" + " " * size + "(0.05 EUR"),
        disk=("40", "40 GB " + "(a" * (size // 2)),
    )


#: The accounts scenario's users beside the demo one: an agency and its clients, each with its
#: own password (the username plus "-password") and servers.
CLIENT_ACCOUNTS = ("agency", "client-a", "client-b", "client-c")


def accounts(state: EmulatorState) -> None:
    """A freelancer's five Zomro accounts: the demo one (as in "demo") and four more, each with
    two servers of its own; tests make one of them fail (EmulatorState.fail_account)."""
    demo(state)
    balances = ("84.20", "5.10", "0.60", "31.00")  # client-b runs out within days
    for n, user in enumerate(CLIENT_ACCOUNTS):
        state.accounts[user] = Account(user, f"{user}-password", balance=Decimal(balances[n]))
        for m, status in enumerate(("active", "stopped")):
            sid = str(8000000 + 10 * n + m)
            stopped = status == "stopped"
            state.servers[sid] = EmulatedServer(
                sid,
                f"{user}-{m + 1}",
                user,
                instance_status=status,
                billing=STOPPED_BILLING if stopped else ("2", "Active"),
                ip=f"192.0.2.{10 * n + m + 1}",
            )


SCENARIOS: dict[str, Callable[[EmulatorState], None]] = {
    "accounts": accounts,
    "demo": demo,
    "runout": runout,
    "many": many,
    "single": single,
    "empty": empty,
    "slow": slow,
    "flaky": flaky,
    "expiring": expiring,
    "hostile": hostile,
}


def build_state(scenario: str = "demo", **overrides: object) -> EmulatorState:
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; choose from {', '.join(SCENARIOS)}")
    state = EmulatorState(**overrides)  # type: ignore[arg-type]
    SCENARIOS[scenario](state)
    return state
