"""One Zomro account the tray shows: where and how it signs in, and which of its servers.

Zomro's panel has no account switcher: each account is its own sign-in and session, so each has
its own entry here, its own keychain entry (:attr:`Account.keychain_entry`), and its own worker.
Nothing secret is kept here: the password or token lives in the keychain only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from zomro_tray.endpoint import DEFAULT_API_URL
from zomro_tray.i18n import _

#: The first account's keychain entry, as the single-account releases wrote it.
FIRST_ENTRY = "credentials"
SIGN_IN_METHODS = ("password", "token", "authinfo")


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
    sign_in_method: str = "password"
    username: str = ""
    #: Who Zomro says is signed in; an account that changes person starts with all shown.
    who: str = ""
    #: Ids of its servers to show; None shows all (new servers appear by themselves).
    shown_services: tuple[str, ...] | None = None

    @property
    def keychain_entry(self) -> str:
        return f"{FIRST_ENTRY}-{self.key}" if self.key else FIRST_ENTRY

    def shows(self, service_id: str) -> bool:
        return self.shown_services is None or service_id in self.shown_services

    def title(self, number: int) -> str:
        """How menus and lists name it: its label, else who signed in, else its place."""
        name = self.label or self.who or self.username
        return name or _("Account {number}").format(number=number)

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "key": self.key,
            "label": self.label,
            "api_url": self.api_url,
            "sign_in_method": self.sign_in_method,
            "username": self.username,
            "who": self.who,
            "shown_services": None if self.shown_services is None else [*self.shown_services],
        }
        return data


def is_keychain_entry(name: str) -> bool:
    """Whether an entry's name is one this app gives an account (:attr:`Account.keychain_entry`)."""
    return name == FIRST_ENTRY or name.startswith(f"{FIRST_ENTRY}-")


def new_key(accounts: Iterable[Account]) -> str:
    """A key no listed account has, short and stable ("2", "3", …): it names a keychain entry."""
    taken = {account.key for account in accounts}
    number = 2
    while str(number) in taken:
        number += 1
    return str(number)
