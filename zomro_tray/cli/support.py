"""What the commands share: where the API is, a signed-in client, a secret from the prompt,
a server by id or name, and the words for a state and for what was asked. (The process set-up
and the argument types are the parser's, in ``cli.py``.)
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import TYPE_CHECKING

from zomro_tray import APP_NAME, errors
from zomro_tray.core.account import Account
from zomro_tray.core.endpoint import API_URL_ENV
from zomro_tray.core.model import Action, PowerState, Service
from zomro_tray.display.presentation import state_words
from zomro_tray.i18n import _
from zomro_tray.logs import redactor
from zomro_tray.store.keychain import SecretStore
from zomro_tray.store.settings import Settings, SettingsStore

if TYPE_CHECKING:
    from zomro_tray.api.client import ZomroClient


def settings_of(args: argparse.Namespace) -> Settings:
    """The settings as they are; a problem with the file is said once, and it is left alone
    (a command that only reads never moves it)."""
    store = SettingsStore()
    settings = store.load(repair=False)
    if store.warning:
        print(f"{APP_NAME}: {store.warning}", file=sys.stderr)
    return settings


def find_account(settings: Settings, wanted: str | None) -> Account:
    """``--account``: by name, by who is signed in, by username, or by its number in the list
    (any case); without it the only account, or the first."""
    if not wanted:
        return settings.first
    folded = wanted.strip().casefold()
    for number, account in enumerate(settings.accounts, 1):
        names = (account.title(number), account.label, account.who, account.username, str(number))
        if folded in (name.casefold() for name in names if name):
            return account
    listed = ", ".join(a.title(n) for n, a in enumerate(settings.accounts, 1))
    raise errors.NotFound(
        _("No account {wanted}; the accounts are: {listed}.").format(
            wanted=repr(wanted), listed=listed
        )
    )


def chosen_account(args: argparse.Namespace) -> tuple[Account, bool]:
    """The account a command is for, and whether it is the first (``ZOMRO_TOKEN`` is its).
    Given the address and ``ZOMRO_TOKEN`` and no ``--account``, a command has all it needs
    and never reads the settings (scripts and CI run where there are none)."""
    given = args.api_url or os.environ.get(API_URL_ENV)
    if given and not getattr(args, "account", None) and SecretStore().token_from_environment:
        return Account(api_url=given), True
    settings = settings_of(args)
    account = find_account(settings, getattr(args, "account", None))
    return account, account.key == settings.first.key


def api_url(args: argparse.Namespace, account: Account | None = None) -> str:
    if args.api_url or os.environ.get(API_URL_ENV):
        return str(args.api_url or os.environ[API_URL_ENV])
    return (account or chosen_account(args)[0]).api_url


def signed_in_client(args: argparse.Namespace) -> ZomroClient:
    from zomro_tray.api.client import ZomroClient

    account, first = chosen_account(args)  # first: a problem with the settings is said anyway
    url = api_url(args, account)
    try:
        credentials = SecretStore().load(account.keychain_entry, first=first)
    except errors.KeychainUnavailable as error:
        raise errors.NotSignedIn.because(error) from None
    if credentials is None:
        raise errors.NotSignedIn
    redactor.add(*credentials.secrets())
    return ZomroClient(url, credentials)


def read_secret(prompt: str) -> str:
    """From the terminal without echo, or one line of stdin when piped; never from argv."""
    if sys.stdin is not None and sys.stdin.isatty():
        value = getpass.getpass(prompt)
    else:
        value = sys.stdin.readline() if sys.stdin is not None else ""
    value = value.strip()
    if not value:
        what = prompt.strip(": ")
        raise errors.SignInError(_("Nothing was entered for: {what}.").format(what=what))
    redactor.add(value)
    return value


def find_service(services: list[Service], wanted: str) -> Service:
    by_id = [s for s in services if s.id == wanted]
    by_name = [s for s in services if s.name == wanted]
    matches = by_id or by_name
    if not matches:
        raise errors.NotFound(
            _("No server with the id or name {wanted} in this account.").format(wanted=repr(wanted))
        )
    if len(matches) > 1:
        ids = ", ".join(s.id for s in matches)
        raise errors.ApiRefused(
            _("Several servers are named {wanted} (ids {ids}): use the id.").format(
                wanted=repr(wanted), ids=ids
            )
        )
    return matches[0]


def describe(service: Service) -> str:
    """The tray's words for a state, in a sentence's lower case: "suspended by Zomro (unpaid)"."""
    words = state_words(service)
    return words[:1].lower() + words[1:]


def already_said(service: Service, action: Action) -> str:
    """Asked for what is already so (or under way): said, and nothing is sent."""
    if service.power is PowerState.STARTING:
        return _("{name} is already starting.").format(name=service.name)
    if service.power is PowerState.STOPPING:
        return _("{name} is already stopping.").format(name=service.name)
    if action is Action.START:
        return _("{name} is already running.").format(name=service.name)
    return _("{name} is already stopped.").format(name=service.name)


def requested_said(name: str, action: Action) -> str:
    text = action.pick(
        _("{name}: start requested."),
        _("{name}: shutdown requested."),
        _("{name}: reboot requested."),
    )
    return text.format(name=name)
