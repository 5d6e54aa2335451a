"""What the command line's commands do (``cli.py`` says which exist and their arguments).

Loaded only when a command runs: starting the tray app, which is the command line with no
command, loads none of this.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import replace
from typing import TYPE_CHECKING

from zomro_tray import APP_NAME, errors
from zomro_tray.cli import money
from zomro_tray.cli.support import (
    already_said,
    api_url,
    chosen_account,
    describe,
    find_account,
    find_service,
    read_secret,
    requested_said,
    settings_of,
    signed_in_client,
)
from zomro_tray.core.account import MAX_ACCOUNTS, Account, new_key, too_many_accounts
from zomro_tray.core.credentials import Credentials
from zomro_tray.core.endpoint import is_loopback_host
from zomro_tray.core.model import (
    Action,
    ActionProgress,
    Service,
    action_progress,
    refusal,
)
from zomro_tray.display.presentation import filter_note
from zomro_tray.i18n import _, ngettext
from zomro_tray.store.keychain import SecretStore
from zomro_tray.store.settings import Settings, SettingsStore

if TYPE_CHECKING:
    import argparse

    from zomro_tray.api.client import ZomroClient

POLL_SECONDS = 2.0


def cmd_login(args: argparse.Namespace) -> int:
    """Sign in to the ``--account`` named (a new name adds an account), or the first."""
    from zomro_tray.api.client import ZomroClient

    account = _account_to_sign_in(settings_of(args), args.account)
    client = ZomroClient(api_url(args, account))
    if args.username:
        password = read_secret(_("Password: "))
        if args.authinfo:
            credentials = Credentials.from_password(args.username, password, authinfo=True)
        else:
            session = client.sign_in(
                args.username, password, two_factor=lambda: read_secret(_("Two-factor code: "))
            )
            # Keep the session: with two-factor sign-in it cannot be renewed without a new code.
            credentials = replace(Credentials.from_password(args.username, password), token=session)
    else:
        credentials = Credentials.from_token(read_secret(_("Session token: ")))
    client.set_credentials(credentials)
    count = len(client.list_services())
    SecretStore().save(credentials, account.keychain_entry)
    remember_sign_in(replace(account, api_url=client.api_url), credentials)
    found = ngettext(
        "Signed in: {count} server found. The sign-in is kept in the system keychain.",
        "Signed in: {count} servers found. The sign-in is kept in the system keychain.",
        count,
    )
    print(found.format(count=count))
    return errors.EXIT_OK


def _account_to_sign_in(settings: Settings, wanted: str | None) -> Account:
    try:
        return find_account(settings, wanted)
    except errors.NotFound:
        assert wanted  # without a name, the first account is always found
        if len(settings.accounts) >= MAX_ACCOUNTS:
            raise errors.BeyondLimit(too_many_accounts()) from None
        return Account(key=new_key(settings.accounts), label=wanted.strip())


def remember_sign_in(account: Account, credentials: Credentials) -> None:
    """The address signed in to (so the next command and the tray go there too) and how, in
    the settings file, under that account (added if new); the secrets stay in the keychain."""
    settings_store = SettingsStore()
    settings = settings_store.load(repair=False)
    if settings_store.warning:  # a damaged file stays as it is: nothing is remembered
        return
    account = replace(account, sign_in_method=credentials.method, username=credentials.username)
    if settings.account(account.key) is None:
        updated = replace(settings, accounts=(*settings.accounts, account))
    else:
        updated = settings.with_account(account)
    if updated != settings:
        try:
            settings_store.save(updated)
        except OSError as error:
            message = _("the settings were not saved: {reason}").format(reason=error.strerror)
            print(f"{APP_NAME}: {message}", file=sys.stderr)


def cmd_logout(args: argparse.Namespace) -> int:
    account, _first = chosen_account(args)
    forgot = SecretStore().clear(account.keychain_entry)
    if forgot:
        print(_("Signed out: the stored sign-in was removed."))
    else:
        print(_("No sign-in was stored."))
    return errors.EXIT_OK


def cmd_accounts(args: argparse.Namespace) -> int:
    """The accounts in the tray's order, and whether each has a sign-in stored (no secret)."""
    settings = settings_of(args)
    store = SecretStore()
    rows = []
    for number, account in enumerate(settings.accounts, 1):
        try:
            stored: bool | None = store.read_here(account.keychain_entry) is not None
        except errors.KeychainUnavailable:
            stored = None  # unknown: the keychain cannot be asked
        rows.append((number, account, stored))
    if args.json:
        listed = [
            {
                "number": number,
                "name": account.title(number),
                "label": account.label,
                "signed_in_as": account.who,
                "username": account.username,
                "sign_in_method": account.sign_in_method.value,
                "api_url": account.api_url,
                "sign_in_stored": stored,
            }
            for number, account, stored in rows
        ]
        print(json.dumps(listed, indent=2))
        return errors.EXIT_OK
    for number, account, stored in rows:
        state = {True: _("signed in"), False: _("not signed in"), None: _("keychain unavailable")}
        who = account.who or account.username
        extra = f" ({who})" if who and who != account.title(number) else ""
        print(f"{number}. {account.title(number)}{extra}: {state[stored]}")
    return errors.EXIT_OK


def cmd_services(args: argparse.Namespace) -> int:
    client = signed_in_client(args)
    services = client.list_services()
    filtered_by = client.active_filters()
    if filtered_by:
        note = _("note: {note}.").format(note=filter_note(filtered_by))
        print(f"{APP_NAME}: {note}", file=sys.stderr)
    if args.json:
        print(json.dumps([money.service_json(s) for s in services], indent=2))
        return errors.EXIT_OK
    if not services:
        print(_("This account has no Cloud VPS."))
        return errors.EXIT_OK
    # Translators: the column headings of the server list, in capitals as the tool prints them.
    rows = [(_("NAME"), _("STATE"), "IP", "ID")] + [
        (s.name, describe(s), s.ip or "-", s.id) for s in services
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        padded = (cell.ljust(width) for cell, width in zip(row, widths, strict=False))
        print("  ".join(padded) + "  " + row[3])
    return errors.EXIT_OK


def cmd_power(args: argparse.Namespace) -> int:
    client = signed_in_client(args)
    service = find_service(client.list_services(), args.service)
    action = Action(args.action)
    reason = refusal(service, action)
    if reason is not None:
        if service.power in (action.target, action.pending_state) and action is not Action.REBOOT:
            print(already_said(service, action))
            return errors.EXIT_OK  # nothing to send: the server is where it was asked to go
        raise errors.ApiRefused(reason)
    getattr(client, action.value)(service.id)
    print(requested_said(service.name, action))
    if args.wait:
        return wait_until_settled(client, service, action, args.timeout)
    return errors.EXIT_OK


def wait_until_settled(
    client: ZomroClient, service: Service, action: Action, timeout: float
) -> int:
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    last_word = ""
    polls = 0
    seen_transition = False
    while True:
        current = find_service(client.list_services(), service.id)
        polls += 1
        word = describe(current)
        if word != last_word:
            print(f"{current.name}: {word}", flush=True)
            last_word = word
        # The first look may predate the action (a reboot starts and ends "running").
        progress = action_progress(
            action, current.power, seen_transition=seen_transition, waited_enough=polls > 1
        )
        seen_transition = seen_transition or current.power.in_transition
        if progress is ActionProgress.DONE:
            return errors.EXIT_OK
        if progress is ActionProgress.FAILED:
            raise errors.ApiRefused(
                _("{name} ended up {state}.").format(name=current.name, state=word)
            )
        if time.monotonic() >= deadline:
            raise errors.ZomroError(
                _("{name} is still {state} after {seconds} s.").format(
                    name=current.name, state=word, seconds=f"{timeout:g}"
                )
            )
        pause.wait(min(POLL_SECONDS, max(0.0, deadline - time.monotonic())))


def cmd_start_at_login(args: argparse.Namespace) -> int:
    """The login item itself is the state (as in Settings): written or removed, then read back."""
    from zomro_tray.store import autostart

    entry = autostart.for_this_platform()
    if entry is None:
        message = _("starting at login is not supported on this system.")
        print(f"{APP_NAME}: {message}", file=sys.stderr)
        return errors.EXIT_USAGE
    try:
        if args.state is not None:
            entry.set_enabled(args.state == "on")
        enabled = entry.is_enabled()
    except OSError as error:
        message = _("could not change starting at login: {reason}").format(reason=error.strerror)
        print(f"{APP_NAME}: {message}", file=sys.stderr)
        return errors.EXIT_ERROR
    print(_("Start at login: on") if enabled else _("Start at login: off"))
    return errors.EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from zomro_tray.cli import report

    client = signed_in_client(args)
    print(report.render(report.build(client, client.api_url)))
    return errors.EXIT_OK


def cmd_emulator(args: argparse.Namespace) -> int:
    from zomro_tray.emulator import Emulator
    from zomro_tray.emulator.scenarios import DEMO_PASSWORD, DEMO_USER

    try:
        emulator = Emulator(host=args.host, port=args.port, scenario=args.scenario)
    except ValueError as error:
        print(f"{APP_NAME}: {error}", file=sys.stderr)
        return errors.EXIT_USAGE
    except OSError as error:
        message = _("cannot listen on {address}: {reason}").format(
            address=f"{args.host}:{args.port}", reason=error.strerror
        )
        print(f"{APP_NAME}: {message}", file=sys.stderr)
        return errors.EXIT_ERROR
    print(
        _("Zomro API emulator ({scenario}) listening on {address}").format(
            scenario=args.scenario, address=emulator.url
        )
    )
    if not is_loopback_host(args.host):
        warning = _(
            "Warning: {host} is not a loopback address: other machines can reach this "
            "emulator, its demo sign-in and its session tokens. Use 127.0.0.1 unless you "
            "mean that."
        ).format(host=args.host)
        print(f"{APP_NAME}: {warning}", file=sys.stderr)
    print(
        _("Demo account: {user} / {password}; demo session token: {token}").format(
            user=DEMO_USER, password=DEMO_PASSWORD, token=emulator.demo_token
        )
    )
    print(_("Try it from another terminal:"))
    print(f"  export ZOMRO_TOKEN={emulator.demo_token}")
    print(f"  {APP_NAME} --api-url {emulator.url} services")
    print(_("Press Ctrl+C to stop."), flush=True)
    try:
        emulator.serve_forever()
    except KeyboardInterrupt:
        print(_("Emulator stopped."))
    return errors.EXIT_OK
