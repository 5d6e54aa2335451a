"""What the commands share: where the API is, a signed-in client, a secret from the prompt,
a server by id or name, and the process set-up (no core dumps, output that never fails, the
user's language, argparse's own words in it too).
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import sys
from typing import TYPE_CHECKING, NoReturn

from zomro_tray import APP_NAME, errors, i18n
from zomro_tray.credentials import Credentials
from zomro_tray.i18n import N_, _
from zomro_tray.keychain import SecretStore
from zomro_tray.logs import redactor
from zomro_tray.model import Action, PowerState, Service
from zomro_tray.presentation import state_words
from zomro_tray.settings import SettingsStore

if TYPE_CHECKING:
    from zomro_tray.client import ZomroClient

API_URL_ENV = "ZOMRO_API_URL"


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


def api_url(args: argparse.Namespace) -> str:
    if args.api_url or os.environ.get(API_URL_ENV):
        return str(args.api_url or os.environ[API_URL_ENV])
    store = SettingsStore()
    settings = store.load(repair=False)  # a command that only reads never moves the file
    if store.warning:
        print(f"{APP_NAME}: {store.warning}", file=sys.stderr)
    return settings.api_url


def new_client(args: argparse.Namespace, credentials: Credentials | None = None) -> ZomroClient:
    from zomro_tray.client import ZomroClient

    return ZomroClient(api_url(args), credentials)


def signed_in_client(args: argparse.Namespace) -> ZomroClient:
    from zomro_tray.client import ZomroClient

    url = api_url(args)  # first: a problem with the settings file is said in any case
    try:
        credentials = SecretStore().load()
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
