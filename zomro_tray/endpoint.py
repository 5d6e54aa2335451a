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
    """Accept https anywhere and http only to loopback, where no one can listen in."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise errors.InsecureUrl(
            _("Not a usable API address: {address} (expected https://...).").format(
                address=repr(url)
            )
        )
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
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
    return host is not None and _is_loopback(host)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
