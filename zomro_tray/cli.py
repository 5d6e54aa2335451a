"""The command line: the scriptable twin of the tray, and the way into it.

Exit codes: 0 success, 1 the API refused or another error, 2 usage, 3 sign-in needed or failed,
4 network or server unavailable. Every failure is one line on stderr, never a traceback, and
secrets are read from a prompt or stdin, never from the command line where ``ps`` shows them.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from zomro_tray import APP_NAME, __version__, cli_money, errors
from zomro_tray.cli_support import (
    API_URL_ENV,
    UNEXPECTED,
    Parser,
    already_said,
    describe,
    find_service,
    new_client,
    no_core_dumps,
    port_number,
    positive_seconds,
    read_secret,
    requested_said,
    signed_in_client,
    speak_the_users_language,
    tolerant_output,
)
from zomro_tray.credentials import Credentials
from zomro_tray.i18n import _, ngettext
from zomro_tray.keychain import SecretStore
from zomro_tray.logs import redactor, setup_logging
from zomro_tray.model import (
    Action,
    ActionProgress,
    Service,
    action_progress,
    refusal,
)
from zomro_tray.presentation import filter_note
from zomro_tray.settings import SettingsStore

if TYPE_CHECKING:  # the HTTP stack loads only for commands that talk to Zomro, not for the tray
    from zomro_tray.client import ZomroClient

log = logging.getLogger(__name__)

POLL_SECONDS = 2.0


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog=APP_NAME,
        description=_("Zomro Cloud VPS in your system tray. With no command, starts the tray app."),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s {__version__}",
        help=_("show the version and exit"),
    )
    parser.add_argument(
        "--api-url",
        metavar="URL",
        help=_("Zomro API address (default: settings, or ${name})").format(name=API_URL_ENV),
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help=_("run the tray against a built-in emulator: no account needed"),
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help=_("more log output"))
    parser.add_argument(
        "--self-test",
        action="store_true",
        help=_("check that this installation is complete, then exit"),
    )
    parser.set_defaults(handler=run_tray)
    commands = parser.add_subparsers(title=_("commands"), metavar="COMMAND", parser_class=Parser)

    login = commands.add_parser("login", help=_("sign in and store the sign-in in the keychain"))
    login.add_argument("--username", help=_("sign in with a username (the password is prompted)"))
    login.add_argument(
        "--authinfo",
        action="store_true",
        help=_("send username:password on every request instead of a session"),
    )
    login.set_defaults(handler=cmd_login)

    logout = commands.add_parser("logout", help=_("forget the stored sign-in"))
    logout.set_defaults(handler=cmd_logout)

    services = commands.add_parser("services", help=_("list the servers and their states"))
    services.add_argument("--json", action="store_true", help=_("print a JSON array"))
    services.set_defaults(handler=cmd_services)
    cli_money.add_commands(commands)

    power_help = {
        "start": _("start a server"),
        "stop": _("shut a server down"),
        "reboot": _("reboot a server"),
    }
    for action, help_text in power_help.items():
        sub = commands.add_parser(action, help=help_text)
        sub.add_argument("service", metavar="SERVER", help=_("server id or exact name"))
        sub.add_argument("--wait", action="store_true", help=_("wait until the server settles"))
        sub.add_argument(
            "--timeout",
            type=positive_seconds,
            default=300.0,
            metavar="SECONDS",
            help=_("how long --wait waits (default 300)"),
        )
        sub.set_defaults(handler=cmd_power, action=action)

    login_item = commands.add_parser(
        "start-at-login",
        help=_("show, or turn on or off, starting the tray app when you log in"),
    )
    login_item.add_argument("state", nargs="?", choices=("on", "off"))
    login_item.set_defaults(handler=cmd_start_at_login)

    report = commands.add_parser(
        "report",
        help=_("show what Zomro's API answers (read-only, nothing identifying): for bug reports"),
    )
    report.set_defaults(handler=cmd_report)

    emulator = commands.add_parser("emulator", help=_("run a local emulator of Zomro's API"))
    emulator.add_argument("--host", default="127.0.0.1")
    emulator.add_argument("--port", type=port_number, default=8765)
    emulator.add_argument(
        "--scenario",
        default="demo",
        help="demo, runout, many, single, empty, slow, flaky, expiring, hostile",
    )
    emulator.set_defaults(handler=cmd_emulator)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    no_core_dumps()
    tolerant_output()
    speak_the_users_language()
    args = build_parser().parse_args(argv)
    setup_logging(args.verbose)
    if args.self_test:
        from zomro_tray import selftest

        return selftest.run()
    try:
        return int(args.handler(args) or 0)
    except errors.ZomroError as error:
        print(f"{APP_NAME}: {redactor.scrub(str(error))}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print(APP_NAME + ": " + _("interrupted"), file=sys.stderr)
        return 130
    except Exception:  # a bug: one line for the user, the traceback in the log (-v)
        log.info("unexpected failure", exc_info=True)
        print(f"{APP_NAME}: {errors.UnexpectedFailure(_(UNEXPECTED))}", file=sys.stderr)
        return errors.EXIT_ERROR


# --- commands ---------------------------------------------------------------------------------


def run_tray(args: argparse.Namespace) -> int:
    try:
        from zomro_tray.gui.app import run
    except ImportError as error:
        raise errors.ZomroError(
            _(
                "The tray app cannot start: {error}. "
                "The command line works: see '{command} --help'."
            ).format(error=error, command=APP_NAME)
        ) from None
    return run(api_url=args.api_url or os.environ.get(API_URL_ENV), demo=args.demo)


def cmd_login(args: argparse.Namespace) -> int:
    store = SecretStore()
    client = new_client(args)
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
    store.save(credentials)
    remember_sign_in(client.api_url, credentials)
    found = ngettext(
        "Signed in: {count} server found. The sign-in is kept in the system keychain.",
        "Signed in: {count} servers found. The sign-in is kept in the system keychain.",
        count,
    )
    print(found.format(count=count))
    return errors.EXIT_OK


def remember_sign_in(url: str, credentials: Credentials) -> None:
    """The address signed in to (so the next command and the tray go there too) and how, in
    the settings file; the secrets stay in the keychain."""
    settings_store = SettingsStore()
    settings = settings_store.load(repair=False)
    if settings_store.warning:  # a damaged file stays as it is: nothing is remembered
        return
    updated = replace(
        settings,
        api_url=url,
        sign_in_method=credentials.method.value,
        username=credentials.username,
    )
    if updated != settings:
        try:
            settings_store.save(updated)
        except OSError as error:
            message = _("the settings were not saved: {reason}").format(reason=error.strerror)
            print(f"{APP_NAME}: {message}", file=sys.stderr)


def cmd_logout(args: argparse.Namespace) -> int:
    forgot = SecretStore().clear()
    if forgot:
        print(_("Signed out: the stored sign-in was removed."))
    else:
        print(_("No sign-in was stored."))
    return errors.EXIT_OK


def cmd_services(args: argparse.Namespace) -> int:
    client = signed_in_client(args)
    services = client.list_services()
    filtered_by = client.active_filters()
    if filtered_by:
        note = _("note: {note}.").format(note=filter_note(filtered_by))
        print(f"{APP_NAME}: {note}", file=sys.stderr)
    if args.json:
        print(json.dumps([cli_money.service_json(s) for s in services], indent=2))
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
    from zomro_tray import autostart

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
    from zomro_tray import report

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
