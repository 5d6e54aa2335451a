"""Where the API lives, and which addresses are safe to send credentials to.

Kept apart from the client so the GUI can validate an address without importing ``requests``.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit, urlunsplit

from zomro_tray import errors
from zomro_tray.i18n import _

DEFAULT_API_URL = "https://api.zomro.com/"
#: The environment variable that names another API address, for every command and the tray.
API_URL_ENV = "ZOMRO_API_URL"


def check_api_url(url: str) -> str:
    """Accept https anywhere and http only to loopback, where no one can listen in; and only
    an address: a query (``?func=service.delete&elid=1&sok=ok`` would ride along with every
    request), a fragment or a user name and password in it are refused, wherever the address
    came from (Settings, ``--api-url``, ``ZOMRO_API_URL``, the settings file)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise errors.InsecureUrl(
            _("Not a usable API address: {address} (expected https://...).").format(
                address=repr(url)
            )
        )
    if parts.query or parts.fragment or "?" in url or "#" in url or "@" in parts.netloc:
        raise errors.InsecureUrl(  # not repeated: a password in it must not reach a log
            _(
                'Not a usable API address: give the address alone, without a "?" or "#" '
                "part and without a name or password in it."
            )
        )
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise errors.InsecureUrl
    return url.strip()


def billmgr_address(url: str) -> str | None:
    """``https://host/`` -> ``https://host/billmgr`` (BILLmanager's own path); None when the
    address already names it."""
    parts = urlsplit(url)
    if parts.path.rstrip("/").endswith("billmgr"):
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/") + "/billmgr", "", ""))


def is_loopback_url(url: str) -> bool:
    host = urlsplit(url.strip()).hostname
    return host is not None and is_loopback_host(host)


def is_loopback_host(host: str) -> bool:
    """Only this machine can reach it: localhost, 127.0.0.0/8 or ::1."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
