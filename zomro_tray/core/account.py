"""One Zomro account the tray shows: where and how it signs in, and which of its servers.

Zomro's panel has no account switcher: each account is its own sign-in and session, so each has
its own entry here, its own keychain entry (:attr:`Account.keychain_entry`), and its own worker.
Nothing secret is kept here: the password or token lives in the keychain only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from zomro_tray.core.credentials import AuthMethod
from zomro_tray.core.endpoint import DEFAULT_API_URL
from zomro_tray.core.plain_text import capped
from zomro_tray.i18n import _

if TYPE_CHECKING:  # the model loads after the icon shows (test_e2e_x11's start-up check)
    from zomro_tray.core.model import Service

#: The first account's keychain entry, as the single-account releases wrote it.
FIRST_ENTRY = "credentials"
#: The most accounts the tray shows. Each is a thread, a session and a menu section: a person
#: with clients' accounts has a handful, and 300 (a pasted or hostile file) took 800 MB, 41 s
#: to start and a frozen GUI. Past it, more are refused with a sentence (too_many_accounts).
MAX_ACCOUNTS = 30
#: The most characters of an account's name wherever it is shown.
TITLE_CHARS = 60


@dataclass(frozen=True)
class Account:
    #: Names the keychain entry and never changes (a label does): "" is the entry every
    #: single-account release used, so an upgrade keeps its sign-in.
    key: str = ""
    #: What the user calls it ("" until they name it: then who signed in stands for it).
    label: str = ""
    api_url: str = DEFAULT_API_URL
    #: How it signed in last, and as whom (never the password): signing in again asks only
    #: for what is missing.
    sign_in_method: AuthMethod = AuthMethod.PASSWORD
    username: str = ""
    #: Who Zomro says is signed in; an account that changes person starts with all shown.
    who: str = ""
    #: Ids of its servers to show; None shows all (new servers appear by themselves).
    shown_services: tuple[str, ...] | None = None
    #: Its servers' names as the user calls them, by id. Here, not app-wide: the same id in
    #: another account is another server.
    aliases: dict[str, str] = field(default_factory=dict, hash=False)
    #: Ids of its servers that always ask before a shutdown or reboot (no undo time).
    always_ask: tuple[str, ...] = ()

    @property
    def keychain_entry(self) -> str:
        return f"{FIRST_ENTRY}-{self.key}" if self.key else FIRST_ENTRY

    def shows(self, service_id: str) -> bool:
        return self.shown_services is None or service_id in self.shown_services

    def alias(self, service_id: str) -> str:
        return self.aliases.get(service_id, "").strip()

    def title(self, number: int) -> str:
        """How menus, lists, notification titles and the terminal name it: its label, else
        who signed in, else its place; always plain and short (a label typed or pasted in
        Settings is outside text as much as a server's)."""
        name = capped(self.label or self.who or self.username, TITLE_CHARS)
        return name or _("Account {number}").format(number=number)

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "key": self.key,
            "label": self.label,
            "api_url": self.api_url,
            "sign_in_method": self.sign_in_method.value,
            "username": self.username,
            "who": self.who,
            "shown_services": None if self.shown_services is None else [*self.shown_services],
            "aliases": dict(self.aliases),
            "always_ask": [*self.always_ask],
        }
        return data


def too_many_accounts() -> str:
    return _("zomro-tray shows at most {count} Zomro accounts.").format(count=MAX_ACCOUNTS)


def is_keychain_entry(name: str) -> bool:
    """Whether an entry's name is one this app gives an account (:attr:`Account.keychain_entry`)."""
    return name == FIRST_ENTRY or name.startswith(f"{FIRST_ENTRY}-")


def new_key(accounts: Iterable[Account]) -> str:
    """A key no listed account has, and no keychain entry either: it names the new account's
    entry, and a counted key ("2", "3") could be one a removed account left behind (its
    deletion failed, the keychain was locked) or a listed account's that a damaged file
    repeats, and the new account would sign in with someone else's sign-in. Random, so it was
    never handed out before; short, as it is part of the entry's name."""
    import secrets  # only when an account is added

    taken = {account.key for account in accounts}
    for _attempt in range(1000):  # 2**32 keys, at most 30 taken: the first try all but always
        key = secrets.token_hex(4)
        if key not in taken:
            return key
    raise RuntimeError("no free account key")  # pragma: no mutate (unreachable: see above)


class AccountStatus(NamedTuple):
    """What Settings shows of an account beside its settings: who is signed in, and its
    servers (to choose from)."""

    key: str
    who: str
    signed_in: bool
    services: Sequence[Service]
