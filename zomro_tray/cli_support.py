"""What the commands share: where the API is, a signed-in client, a secret from the prompt,
a server by id or name, and the process set-up (no core dumps, output that never fails).
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import sys
from typing import TYPE_CHECKING

from zomro_tray import APP_NAME, errors
from zomro_tray.credentials import Credentials
from zomro_tray.keychain import SecretStore
from zomro_tray.logs import redactor
from zomro_tray.model import Service
from zomro_tray.presentation import state_words
from zomro_tray.settings import SettingsStore

if TYPE_CHECKING:
    from zomro_tray.client import ZomroClient

API_URL_ENV = "ZOMRO_API_URL"


UNEXPECTED = "Something unexpected went wrong; run the command again with -v to see the details."


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
        raise errors.NotSignedIn(f"Not signed in. {error}") from None
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
        raise errors.SignInError(f"Nothing was entered for: {prompt.strip(': ')}.")
    redactor.add(value)
    return value


def find_service(services: list[Service], wanted: str) -> Service:
    by_id = [s for s in services if s.id == wanted]
    by_name = [s for s in services if s.name == wanted]
    matches = by_id or by_name
    if not matches:
        raise errors.NotFound(f"No server with the id or name {wanted!r} in this account.")
    if len(matches) > 1:
        ids = ", ".join(s.id for s in matches)
        raise errors.ApiRefused(f"Several servers are named {wanted!r} (ids {ids}): use the id.")
    return matches[0]


def describe(service: Service) -> str:
    """The tray's words for a state, in a sentence's lower case: "suspended by Zomro (unpaid)"."""
    words = state_words(service)
    return words[:1].lower() + words[1:]
