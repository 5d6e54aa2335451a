"""What the emulated Zomro knows: accounts, servers, sessions, and the faults to inject.

Everything here is plain data behind one lock, answering BILLmanager functions with the documents
``docs/protocol.md`` describes (including its quirks: one ``elem`` as an object, ``$orig`` beside
``$``, an array where a scalar is expected, the old ``fotbo_status`` name). Power transitions are
computed from timestamps when read, so no timer thread runs and tests stay deterministic.
"""

from __future__ import annotations

import random
import secrets
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field

from zomro_tray.emulator import billing
from zomro_tray.emulator.documents import access_denied, error_doc
from zomro_tray.emulator.servers import (
    ACTIVE_BILLING,
    STOPPED_BILLING,
    Account,
    Document,
    EmulatedServer,
    Session,
)

#: Faults the emulator can inject, by name (see :meth:`EmulatorState.inject`).
FAULTS = (
    "none",  # a placeholder in an injected sequence: this request goes through untouched
    "latency",
    "html502",
    "html503",
    "html200",
    "ip460",
    "ip403",
    "malformed",
    "reset",
    "in_process",
    "long_request",
    "expire",
    # hostile: what a compromised or impostor server might send
    "redirect",  # 307 to another host: the form (token, password) would follow it
    "redirect_get",  # 302: a client that follows shows another host's list
    "drip",  # a valid answer, one byte every drip_interval seconds
    "huge",  # a 200 answer of huge_bytes
    "gzip_bomb",  # a small gzip body that unpacks to about 1 GiB
    "bad_count",  # p_elems "²": a digit to str.isdigit(), not to int()
    "huge_count",  # p_elems of 4,300 digits: int() refuses it
    "echo_token",  # an error message that quotes the session token back
)
#: The fields of the panel's Cloud VPS list filter (cloudVpsOperations.js, setInstancesFilter).
FILTER_FIELDS = (
    "autoprolong",
    "cost_from",
    "cost_to",
    "datacenter",
    "domain",
    "expiredate",
    "id",
    "ip",
    "opendate",
    "orderdatefrom",
    "orderdateto",
    "period",
    "pricelist",
    "instance_status",
)
#: The faults that only a hostile server sends (the soak mixes them in with the others).
HOSTILE_FAULTS = FAULTS[FAULTS.index("redirect") :]
#: One account's fault beyond FAULTS: Zomro refuses its calls, as for a user without the rights.
RIGHTS = "rights"
#: What a user without the rights may still do: sign in and say who they are.
SIGN_IN_FUNCTIONS = frozenset({"auth", "totp.confirm", "whoami", "keepalive"})


@dataclass
class EmulatorState:
    accounts: dict[str, Account] = field(default_factory=dict)
    servers: dict[str, EmulatedServer] = field(default_factory=dict)
    sessions: dict[str, Session] = field(default_factory=dict)
    session_ttl: float = 3600.0
    transition_seconds: float = 4.0
    latency: float = 0.0
    #: Rows per page when the client does not ask, and the most it may ask for.
    default_page_size: int = 10
    #: p_cnt a user last sent, per account: what the panel then shows them per page.
    stored_page_size: dict[str, int] = field(default_factory=dict)
    #: List filters saved from the panel, per account (instances.filter with sok=ok).
    saved_filters: dict[str, dict[str, str]] = field(default_factory=dict)
    max_page_size: int = 100
    fault_rate: float = 0.0
    fault_choices: tuple[str, ...] = ()
    fault_latency: float = 5.0
    drip_interval: float = 1.0
    #: The path the API answers at ("/" as the article shows, or "/billmgr").
    mount: str = "/"
    redirect_to: str = "http://attacker.invalid/collect"
    huge_bytes: int = 48 * 1024 * 1024
    seed: int = 0
    #: Seconds an emulated day lasts (0: no daily charges; the run-out scenario sets it).
    day_seconds: float = 0.0
    started: float = field(default_factory=time.monotonic)
    calls: Counter[str] = field(default_factory=Counter)
    #: The same, per account: (whose request, func) -> count (several accounts' tests).
    calls_by: Counter[tuple[str, str]] = field(default_factory=Counter)
    actions: list[tuple[str, str]] = field(default_factory=list)
    faults_served: Counter[str] = field(default_factory=Counter)
    #: Username -> a fault every request made for that account meets (fail_account()).
    account_faults: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.lock = threading.RLock()
        self._queued_faults: deque[str] = deque()
        self._random = random.Random(self.seed)

    # --- test and scenario controls ----------------------------------------------------------

    def new_session(self, username: str, *, awaiting_two_factor: bool = False) -> str:
        token = secrets.token_hex(12)
        with self.lock:
            self.sessions[token] = Session(username, time.monotonic(), awaiting_two_factor)
        return token

    def expire_sessions(self, username: str = "") -> None:
        """Every session ends, or only ``username``'s (several accounts: each on its own)."""
        with self.lock:
            for token, session in list(self.sessions.items()):
                if not username or session.account == username:
                    del self.sessions[token]

    def inject(self, *faults: str) -> None:
        """Queue faults for the next requests, one each, in order."""
        unknown = set(faults) - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown faults: {sorted(unknown)}")
        with self.lock:
            self._queued_faults.extend(faults)

    def fail_account(self, username: str, fault: str) -> None:
        """Several accounts, one failing: every request made for ``username`` meets ``fault``
        (one of FAULTS, or RIGHTS) from now on, and the other accounts answer as usual; ""
        heals it."""
        if fault and fault not in (*FAULTS, RIGHTS):
            raise ValueError(f"unknown fault: {fault!r}")
        with self.lock:
            self.account_faults[username] = fault

    def requester(self, params: dict[str, str]) -> str:
        """Whose request this is: the session's account, else the username it signs in with."""
        if "authinfo" in params:
            return params["authinfo"].partition(":")[0]
        session = self.sessions.get(params.get("auth", ""))
        return session.account if session is not None else params.get("username", "")

    def clear_faults(self) -> None:
        with self.lock:
            self._queued_faults.clear()
            self.fault_rate = 0.0

    def next_fault(self, params: dict[str, str] | None = None) -> str:
        with self.lock:
            fault = self.account_faults.get(self.requester(params), "") if params else ""
            if fault == RIGHTS and params and params.get("func") in SIGN_IN_FUNCTIONS:
                fault = ""  # signing in works without the rights
            if fault:
                pass  # the account's own, whatever else is queued
            elif self._queued_faults:
                fault = self._queued_faults.popleft()
            elif self.fault_rate and self._random.random() < self.fault_rate:
                fault = self._random.choice(self.fault_choices or FAULTS[1:])
            if fault and fault != "none":
                self.faults_served[fault] += 1
                return fault
            return ""

    def set_power(
        self, server_id: str, instance_status: str, billing: tuple[str, str] | None = None
    ) -> None:
        """Change a server behind the app's back (the provider, or the web panel)."""
        with self.lock:
            server = self.servers[server_id]
            server.transition_target = ""
            server.instance_status = instance_status
            if billing is not None:
                server.billing = billing
            elif instance_status == "stopped":
                server.billing = STOPPED_BILLING
            elif instance_status == "active":
                server.billing = ACTIVE_BILLING

    def snapshot(self, account: str | None = None) -> dict[str, str]:
        """Server id -> settled instance_status: what a correct client must end up showing."""
        with self.lock:
            now = time.monotonic()
            result = {}
            for server in self.servers.values():
                if account is None or server.account == account:
                    server.settle(now)
                    result[server.id] = server.instance_status
            return result

    # --- answering functions -----------------------------------------------------------------

    def handle(self, params: dict[str, str]) -> Document:
        func = params.get("func", "")
        with self.lock:
            self.calls[func] += 1
            self.calls_by[(self.requester(params), func)] += 1
            handler = _HANDLERS.get(func)
            if handler is None:
                return error_doc("missed", "func", f"Unknown function {func!r}")
            return handler(self, params)

    def account_of(self, params: dict[str, str]) -> str | Document:
        """The signed-in account, or the error document BILLmanager would send."""
        if "authinfo" in params:
            username, _, password = params["authinfo"].partition(":")
            account = self.accounts.get(username)
            if account is None or account.password != password:
                return error_doc("auth", "badpassword", "Invalid username or password")
            return username
        now = time.monotonic()
        session = self.sessions.get(params.get("auth", ""))
        if session is not None and now - session.last_used > self.session_ttl:
            del self.sessions[params["auth"]]
            session = None
        if session is None or session.awaiting_two_factor:
            return access_denied(params.get("func", ""))
        session.last_used = now
        return session.account

    def _auth(self, params: dict[str, str]) -> Document:
        account = self.accounts.get(params.get("username", ""))
        if account is not None and account.block_reason:
            return error_doc("auth", account.block_reason, "Login is blocked")
        if account is None or account.password != params.get("password"):
            return error_doc("auth", "badpassword", "Invalid username or password")
        token = secrets.token_hex(12)
        self.sessions[token] = Session(
            account.username, time.monotonic(), awaiting_two_factor=bool(account.two_factor_code)
        )
        return {"doc": {"auth": {"$id": token, "$level": "16", "$": token}}}

    def _whoami(self, params: dict[str, str]) -> Document:
        session = self.sessions.get(params.get("auth", ""))
        if session is None:
            return access_denied("whoami")
        if session.awaiting_two_factor:
            return {"doc": {"ok": {"$": "func=totp.confirm"}}}
        user = {"$name": session.account, "$level": "16"}
        return {"doc": {"user": {**user, **billing.user_balance(self.accounts[session.account])}}}

    def _totp_confirm(self, params: dict[str, str]) -> Document:
        session = self.sessions.get(params.get("auth", ""))
        if session is None or not session.awaiting_two_factor:
            return access_denied("totp.confirm")
        account = self.accounts[session.account]
        if params.get("sok") != "ok":  # a BILLmanager form is only processed with sok=ok
            return {"doc": {"totp.confirm": {}}}
        if params.get("qrcode", "").strip() != account.two_factor_code:
            return error_doc("value", "qrcode", "Invalid value of the field 'Code'")
        del self.sessions[params["auth"]]
        token = secrets.token_hex(12)
        self.sessions[token] = Session(account.username, time.monotonic())
        return {"doc": {"auth": {"$id": token, "$level": "16", "$": token}}}

    def _keepalive(self, params: dict[str, str]) -> Document:
        account = self.account_of(params)
        return account if isinstance(account, dict) else {"doc": {"ok": {}}}

    def _instances(self, params: dict[str, str]) -> Document:
        account = self.account_of(params)
        if isinstance(account, dict):
            return account
        now = time.monotonic()
        billing.settle_charges(self, self.accounts[account], now)
        mine = [s for s in self.servers.values() if s.account == account]
        for server in mine:
            server.settle(now)
        mine = [s for s in mine if self._passes_filter(account, s)]
        if params.get("p_cnt"):  # BILLmanager keeps it as the user's rows-per-page
            self.stored_page_size[account] = _positive(params["p_cnt"], self.default_page_size)
        size = self.stored_page_size.get(account, self.default_page_size)
        size = min(size, self.max_page_size)
        page = _positive(params.get("p_num"), 1)
        chunk = mine[(page - 1) * size : page * size]
        doc: Document = {
            "p_cnt": {"$": str(size)},
            "p_num": {"$": str(page)},
            "p_elems": {"$": str(len(mine))},
        }
        rows = [server.row(i) for i, server in enumerate(chunk, start=(page - 1) * size)]
        if len(rows) == 1:
            doc["elem"] = rows[0]  # one child is an object, not an array
        elif rows:
            doc["elem"] = rows
        return {"doc": doc}

    def _instances_filter(self, params: dict[str, str]) -> Document:
        """Without sok: the saved filter, as the panel reads it. With sok=ok: save a new one
        (empty values clear it), as the panel's filter form does."""
        account = self.account_of(params)
        if isinstance(account, dict):
            return account
        if params.get("sok") == "ok":
            saved = {k: v for k, v in params.items() if k in FILTER_FIELDS and v}
            self.saved_filters[account] = saved
            return {"doc": {"ok": {}}}
        saved = self.saved_filters.get(account, {})
        return {"doc": {name: {"$": saved.get(name, "")} for name in FILTER_FIELDS}}

    def _passes_filter(self, account: str, server: EmulatedServer) -> bool:
        """BILLmanager applies the saved filter to list calls from the API as well."""
        saved = self.saved_filters.get(account, {})
        wanted_status = saved.get("instance_status", "")
        if wanted_status:
            status = "suspended" if server.provider_suspended else server.instance_status
            if status.removesuffix("ed") != wanted_status.removesuffix("ed"):
                return False
        return all(
            not saved.get(name) or saved[name] == value
            for name, value in (
                ("datacenter", server.datacenter),
                ("ip", server.ip),
                ("id", server.id),
            )
        )

    def _power(self, params: dict[str, str]) -> Document:
        func = params["func"]
        account = self.account_of(params)
        if isinstance(account, dict):
            return account
        server = self.servers.get(params.get("elid", ""))
        if server is None:
            return error_doc("missed", "elid", "The requested object was not found")
        if server.account != account:
            return access_denied(func)
        now = time.monotonic()
        server.settle(now)
        self.actions.append((func, server.id))
        if server.provider_suspended or server.instance_status == "suspended":
            return error_doc(
                "value",
                "status",
                "The service is suspended. Please contact support or pay the bill",
            )
        if server.transition_target:
            return error_doc("value", "status", "Request in process, please wait")
        state = server.instance_status
        seconds = self.transition_seconds
        if func == "service.start" and state == "stopped":
            server.begin("starting", "active", seconds, now)
        elif func == "service.stop" and state != "stopped":
            server.begin("stopping", "stopped", seconds, now)
        elif func == "service.reboot" and state == "active":
            server.begin("rebooting", "active", seconds, now)
        return {"doc": {"ok": {}}}


_HANDLERS = {
    "auth": EmulatorState._auth,
    "whoami": EmulatorState._whoami,
    "totp.confirm": EmulatorState._totp_confirm,
    "keepalive": EmulatorState._keepalive,
    "instances": EmulatorState._instances,
    "instances.filter": EmulatorState._instances_filter,
    "notify": billing.notify,
    "dashboard.info": billing.dashboard_info,
    "dashboard.subaccount_credit": billing.subaccount_credit,
    "instances.edit": billing.instance_details,
    "instances.fleio.measures": billing.measures,
    "service.start": EmulatorState._power,
    "service.stop": EmulatorState._power,
    "service.reboot": EmulatorState._power,
}


def _positive(raw: str | None, default: int) -> int:
    return int(raw) if raw and raw.isdigit() and int(raw) > 0 else default
