"""The command line's shape: its commands and arguments, the process set-up, and the way into
the tray (no command). What each command does is in ``commands.py`` and ``money.py``,
loaded only when that command runs, so the tray's start pays for none of it.

Exit codes: 0 success, 1 the API refused or another error, 2 usage, 3 sign-in needed or failed,
4 network or server unavailable. Every failure is one line on stderr, never a traceback, and
secrets are read from a prompt or stdin, never from the command line where ``ps`` shows them.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from zomro_tray import APP_NAME, READ_KEYCHAIN_FOR_THE_TRAY, __version__, errors, i18n
from zomro_tray.core.endpoint import API_URL_ENV
from zomro_tray.i18n import N_, _
from zomro_tray.logs import redactor, setup_logging
from zomro_tray.store.settings import SettingsStore

log = logging.getLogger(__name__)

UNEXPECTED = N_(
    "Something unexpected went wrong; run the command again with -v to see the details."
)
#: argparse's own words that this command line can show, so the catalogue has them too.
ARGPARSE_WORDS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("expected one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
)


class Parser(argparse.ArgumentParser):
    """Usage errors in one plain line, like every other error of the command line."""

    def error(self, message: str) -> NoReturn:
        hint = _("(see {command} --help)").format(command=self.prog)
        self.exit(errors.EXIT_USAGE, f"{self.prog}: {message} {hint}\n")


def speak_the_users_language() -> None:
    """The language chosen in Settings, else the system's; argparse's words in it as well.

    argparse looks its words up through gettext's default domain, for which no language ships
    a catalogue; pointing its lookup at the app's catalogue translates "usage:" and its errors.
    """
    i18n.use(SettingsStore().chosen_language())
    argparse._ = i18n._  # type: ignore[attr-defined]
    argparse.ngettext = i18n.ngettext  # type: ignore[attr-defined]


def tolerant_output() -> None:
    """Print whatever the terminal cannot show as "?", never fail on it.

    Windows pipes and redirects use the ANSI code page (cp1252 on English systems), which has no
    "ł" or "ж": a server name in it must not turn ``services`` into a crash. (JSON output is
    ASCII with escapes, so it is exact in any encoding.)"""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="replace")


def no_core_dumps() -> None:
    """A core dump of this process would hold the stored sign-in in clear: allow none.

    RLIMIT_CORE covers a plain core file; PR_SET_DUMPABLE also stops core handlers such as
    systemd-coredump (and other processes of the user from reading our memory)."""
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            pr_set_dumpable = 4
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_dumpable, 0, 0, 0, 0)


def positive_seconds(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("not a number of seconds: {value}").format(value=repr(raw))
        ) from None
    if not 0 < value < 10**6:
        raise argparse.ArgumentTypeError(
            _("the timeout must be more than 0 seconds, not {value}").format(value=raw)
        )
    return value


def port_number(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit() and 0 <= int(raw) <= 65535):
        raise argparse.ArgumentTypeError(
            _("not a port number (0 to 65535): {value}").format(value=repr(raw))
        )
    return int(raw)


# Each command's handler imports its code when the command runs: the tray's start (no command)
# loads none of it before its icon shows.


def _login(args: argparse.Namespace) -> int:
    from zomro_tray.cli.commands import cmd_login

    return cmd_login(args)


def _logout(args: argparse.Namespace) -> int:
    from zomro_tray.cli.commands import cmd_logout

    return cmd_logout(args)


def _accounts(args: argparse.Namespace) -> int:
    from zomro_tray.cli.commands import cmd_accounts

    return cmd_accounts(args)


def _services(args: argparse.Namespace) -> int:
    from zomro_tray.cli.commands import cmd_services

    return cmd_services(args)


def _balance(args: argparse.Namespace) -> int:
    from zomro_tray.cli.money import cmd_balance

    return cmd_balance(args)


def _show(args: argparse.Namespace) -> int:
    from zomro_tray.cli.money import cmd_show

    return cmd_show(args)


def _power(args: argparse.Namespace) -> int:
    from zomro_tray.cli.commands import cmd_power

    return cmd_power(args)


def _start_at_login(args: argparse.Namespace) -> int:
    from zomro_tray.cli.commands import cmd_start_at_login

    return cmd_start_at_login(args)


def _report(args: argparse.Namespace) -> int:
    from zomro_tray.cli.commands import cmd_report

    return cmd_report(args)


def _emulator(args: argparse.Namespace) -> int:
    from zomro_tray.cli.commands import cmd_emulator

    return cmd_emulator(args)


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
        action="store_const",
        const="demo",
        default="",
        help=_("run the tray against a built-in emulator: no account needed"),
    )
    parser.add_argument(
        "--demo-accounts",
        action="store_const",
        const="accounts",
        dest="demo",
        help=_("the same, with several accounts: yours, an agency's and three clients'"),
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help=_("more log output"))
    parser.add_argument(
        "--self-test",
        action="store_true",
        help=_("check that this installation is complete, then exit"),
    )
    parser.set_defaults(handler=run_tray)
    commands = parser.add_subparsers(title=_("commands"), metavar="COMMAND", parser_class=Parser)
    which = Parser(add_help=False)  # every command that talks to Zomro works on one account
    which.add_argument(
        "--account",
        metavar="NAME",
        help=_("the account, by its name or number in 'accounts' (default: the first)"),
    )

    login = commands.add_parser(
        "login",
        parents=[which],
        help=_("sign in and store the sign-in in the keychain (a new --account name adds one)"),
    )
    login.add_argument("--username", help=_("sign in with a username (the password is prompted)"))
    login.add_argument(
        "--authinfo",
        action="store_true",
        help=_("send username:password on every request instead of a session"),
    )
    login.set_defaults(handler=_login)

    logout = commands.add_parser("logout", parents=[which], help=_("forget the stored sign-in"))
    logout.set_defaults(handler=_logout)

    accounts = commands.add_parser(
        "accounts", help=_("list the accounts, in the tray's order, and which are signed in")
    )
    accounts.add_argument("--json", action="store_true", help=_("print a JSON array"))
    accounts.set_defaults(handler=_accounts)
    services = commands.add_parser(
        "services", parents=[which], help=_("list the servers and their states")
    )
    services.add_argument("--json", action="store_true", help=_("print a JSON array"))
    services.set_defaults(handler=_services)
    balance = commands.add_parser(
        "balance",
        parents=[which],
        help=_("show the balance, what the servers cost per day, and the days left"),
    )
    balance.add_argument("--json", action="store_true", help=_("print a JSON object"))
    balance.set_defaults(handler=_balance)
    show = commands.add_parser(
        "show", parents=[which], help=_("show one server's details, plan and recent load")
    )
    show.add_argument("service", metavar="SERVER", help=_("server id or exact name"))
    show.add_argument("--json", action="store_true", help=_("print a JSON object"))
    show.set_defaults(handler=_show)

    power_help = {
        "start": _("start a server"),
        "stop": _("shut a server down"),
        "reboot": _("reboot a server"),
    }
    for action, help_text in power_help.items():
        sub = commands.add_parser(action, parents=[which], help=help_text)
        sub.add_argument("service", metavar="SERVER", help=_("server id or exact name"))
        sub.add_argument("--wait", action="store_true", help=_("wait until the server settles"))
        sub.add_argument(
            "--timeout",
            type=positive_seconds,
            default=300.0,
            metavar="SECONDS",
            help=_("how long --wait waits (default 300)"),
        )
        sub.set_defaults(handler=_power, action=action)

    login_item = commands.add_parser(
        "start-at-login",
        help=_("show, or turn on or off, starting the tray app when you log in"),
    )
    login_item.add_argument("state", nargs="?", choices=("on", "off"))
    login_item.set_defaults(handler=_start_at_login)

    report = commands.add_parser(
        "report",
        parents=[which],
        help=_("show what Zomro's API answers (read-only, nothing identifying): for bug reports"),
    )
    report.set_defaults(handler=_report)

    emulator = commands.add_parser("emulator", help=_("run a local emulator of Zomro's API"))
    emulator.add_argument("--host", default="127.0.0.1")
    emulator.add_argument("--port", type=port_number, default=8765)
    emulator.add_argument(
        "--scenario",
        default="demo",
        help="demo, runout, accounts, many, single, empty, slow, flaky, expiring, hostile",
    )
    emulator.set_defaults(handler=_emulator)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    no_core_dumps()
    tolerant_output()
    speak_the_users_language()
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == [READ_KEYCHAIN_FOR_THE_TRAY]:
        from zomro_tray.store.keychain import answer_the_tray

        return answer_the_tray(arguments[1:])  # the tray's keychain helper (keychain.py says why)
    args = build_parser().parse_args(argv)
    setup_logging(args.verbose)
    if args.self_test:
        from zomro_tray.cli import selftest

        return selftest.run()
    try:
        return int(args.handler(args) or 0)
    except errors.ZomroError as error:
        print(f"{APP_NAME}: {redactor.scrub(str(error))}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print(APP_NAME + ": " + _("interrupted"), file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader left early (| head, | grep -q): nothing is wrong
        return errors.EXIT_OK
    except Exception:  # a bug: one line for the user, the traceback in the log (-v)
        log.info("unexpected failure", exc_info=True)
        print(f"{APP_NAME}: {errors.UnexpectedFailure(_(UNEXPECTED))}", file=sys.stderr)
        return errors.EXIT_ERROR


# --- the tray app ----------------------------------------------------------------------------


def run_tray(args: argparse.Namespace) -> int:
    from zomro_tray.store.keychain import SecretStore

    # Its helper reads the keychain now, in a process of its own, while Qt loads (keychain.py).
    entries = SettingsStore().keychain_entries()
    secrets = None if args.demo else SecretStore(read_in_helper=True, entries=entries)
    try:
        from zomro_tray.gui.app import run
    except ImportError as error:
        raise errors.ZomroError(
            _(
                "The tray app cannot start: {error}. "
                "The command line works: see '{command} --help'."
            ).format(error=error, command=APP_NAME)
        ) from None
    return run(api_url=args.api_url or os.environ.get(API_URL_ENV), demo=args.demo, secrets=secrets)
