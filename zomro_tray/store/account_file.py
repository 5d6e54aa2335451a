"""How the settings file's accounts are read: each field checked, outside text cleaned, keys
never shared, and the layouts of earlier releases (the single-account 0.1.0, app-wide aliases)
read with nothing lost.

The settings file is outside text as much as a server's answer: it may be hand-edited, pasted,
synced from another machine, or damaged. Each reader takes what is valid and says
(:data:`INVALID`) what is not, so one bad field costs only itself.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from zomro_tray.core.account import MAX_ACCOUNTS, Account, new_key
from zomro_tray.core.credentials import AuthMethod
from zomro_tray.core.plain_text import capped

#: The most characters of an account's name, a user name (an e-mail address at most) and an
#: alias: what a menu line or a notification title can hold.
LABEL_CHARS = 60
USERNAME_CHARS = 254
ALIAS_CHARS = 60

#: What a field reader returns for a value of the wrong type (None is a valid value).
INVALID: Any = object()


def read_fields(data: dict[str, Any], readers: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The valid fields, and the names of those that were not."""
    values: dict[str, Any] = {}
    ignored: list[str] = []
    for name, read in readers.items():
        if name not in data:
            continue
        value = read(data[name])
        if value is INVALID:
            ignored.append(name)
        else:
            values[name] = value
    return values, ignored


def with_legacy_choices(
    data: dict[str, Any], accounts: tuple[Account, ...], ignored: list[str]
) -> tuple[Account, ...]:
    """Aliases and "always ask" were app-wide, by bare id, until each account kept its own
    (0.1.0, and the first releases with several accounts): each account that states none of
    its own takes them, as they applied to any account's server then. Nothing is lost, and an
    "always ask" errs on the side of asking."""
    legacy, wrong = read_fields(data, _LEGACY_CHOICE_READERS)
    ignored += wrong
    aliases = legacy.get("aliases", {})
    always_ask = legacy.get("protected_services", ())
    if not (aliases or always_ask):
        return accounts
    return tuple(
        account
        if account.aliases or account.always_ask
        else replace(account, aliases=dict(aliases), always_ask=always_ask)
        for account in accounts
    )


def read_accounts(raw: Any, ignored: list[str]) -> tuple[Account, ...]:
    """Each listed account with what of it is valid. Two accounts must never share a keychain
    entry: the first to state a key keeps it, and each later one that repeats it gets a key
    of its own, made from what it holds and where (the same at every read of the same file,
    and never one the file states), so a duplicate never takes the place, or the sign-in, of
    an account listed after it."""
    if not isinstance(raw, list):
        ignored.append("accounts")
        return ()
    accounts: list[Account] = []
    for number, item in enumerate(raw[: MAX_ACCOUNTS * 10], 1):
        if not isinstance(item, dict):
            ignored.append(f"accounts[{number}]")
            continue
        fields, wrong = read_fields(item, _ACCOUNT_READERS)
        ignored += [f"accounts[{number}].{name}" for name in wrong]
        accounts.append(Account(**fields))
    kept: list[Account] = []
    for place, account in enumerate(accounts):
        repeated = any(a.key == account.key for a in kept)
        kept.append(_rekeyed(account, place, accounts + kept) if repeated else account)
    return tuple(kept)


def _rekeyed(account: Account, place: int, taken: list[Account]) -> Account:
    import hashlib

    keys = {a.key for a in taken}
    seed = json.dumps([place, account.to_json()], sort_keys=True)
    for attempt in range(1000):
        key = "r" + hashlib.sha256(f"{attempt}:{seed}".encode()).hexdigest()[:8]
        if key not in keys:
            return replace(account, key=key)
    return replace(account, key=new_key(taken))


def _read_url(raw: Any) -> Any:
    return raw.strip() if isinstance(raw, str) and raw.strip() else INVALID


def _read_shown(raw: Any) -> Any:
    if raw is None:
        return None  # every server, new ones too
    return tuple(str(s) for s in raw) if isinstance(raw, list) else INVALID


def _read_ids(raw: Any) -> Any:
    return tuple(str(s) for s in raw) if isinstance(raw, list) else INVALID


def _read_text(raw: Any) -> Any:
    return raw.strip() if isinstance(raw, str) else INVALID


def _shown_text(raw: Any, limit: int) -> Any:
    """Text the app shows (in menus, notification titles, a terminal): a file is outside text
    too, cleaned and cut as a server's is (plain_text.capped)."""
    return capped(raw, limit) if isinstance(raw, str) else INVALID


def _read_label(raw: Any) -> Any:
    return _shown_text(raw, LABEL_CHARS)


def _read_name(raw: Any) -> Any:
    return _shown_text(raw, USERNAME_CHARS)


def _read_method(raw: Any) -> Any:
    known = {method.value: method for method in AuthMethod}
    return known.get(raw, INVALID) if isinstance(raw, str) else INVALID


def _read_aliases(raw: Any) -> Any:
    if not isinstance(raw, dict):
        return INVALID
    named = ((str(k), capped(str(v), ALIAS_CHARS)) for k, v in list(raw.items())[:10_000])
    return {key: name for key, name in named if name}


_ACCOUNT_READERS = {
    "key": _read_text,
    "label": _read_label,
    "api_url": _read_url,
    "sign_in_method": _read_method,
    "username": _read_name,
    "who": _read_name,
    "shown_services": _read_shown,
    "aliases": _read_aliases,
    "always_ask": _read_ids,
}
#: App-wide until each account kept its own (see with_legacy_choices).
_LEGACY_CHOICE_READERS = {"aliases": _read_aliases, "protected_services": _read_ids}
#: The single-account layout (releases up to 0.1.0) kept these at the top of the file.
LEGACY_ACCOUNT_READERS = {
    "api_url": _read_url,
    "sign_in_method": _read_method,
    "username": _read_name,
    "account": _read_name,
    "shown_services": _read_shown,
}
LEGACY_NAMES = {"account": "who"}
