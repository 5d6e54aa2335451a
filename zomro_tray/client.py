"""The Zomro (BILLmanager) API client: form POSTs in, typed results or typed errors out.

Everything about the wire lives here: ``out=json`` and ``lang=en`` on every call, timeouts on
every call, TLS verified, plain ``http://`` only to loopback, every page of a list read, and the
session dance that Zomro's own panel does (``keepalive`` to tell an expired session from a real
"access denied", and one silent re-sign-in when a password is stored).

The client is not thread-safe; one thread owns it. :meth:`ZomroClient.abort` is the exception: any
thread may call it to break off a request in flight, so the app can quit at once.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import time
import weakref
from collections.abc import Callable
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from zomro_tray import __version__, errors, protocol
from zomro_tray.credentials import AuthMethod, Credentials
from zomro_tray.endpoint import DEFAULT_API_URL, check_api_url
from zomro_tray.model import Service

log = logging.getLogger(__name__)

#: (connect, read) seconds. Generous on read: BILLmanager answers slowly under load.
DEFAULT_TIMEOUT = (5.0, 25.0)
#: Rows asked for per page. The server may use another size; the client follows what it says.
PAGE_SIZE = 100
#: A bound on pages, so a server that ignores paging cannot keep us looping.
MAX_PAGES = 500

TwoFactorPrompt = Callable[[], str]


class ZomroClient:
    """One account on one API endpoint."""

    def __init__(
        self,
        api_url: str = DEFAULT_API_URL,
        credentials: Credentials | None = None,
        *,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
    ) -> None:
        self.api_url = check_api_url(api_url)
        self.timeout = timeout
        self.requests_sent = 0
        self._credentials = credentials
        self._session = credentials.token if credentials else ""
        self._adapter = _InterruptibleAdapter()
        self._http = requests.Session()
        self._http.mount("http://", self._adapter)
        self._http.mount("https://", self._adapter)
        self._http.headers["User-Agent"] = f"zomro-tray/{__version__}"

    # --- credentials ---------------------------------------------------------------------------

    @property
    def credentials(self) -> Credentials | None:
        return self._credentials

    def set_credentials(self, credentials: Credentials | None) -> None:
        self._credentials = credentials
        self._session = credentials.token if credentials else ""

    def sign_in(
        self, username: str, password: str, two_factor: TwoFactorPrompt | None = None
    ) -> str:
        """Exchange a username and password for a session token (with the 2FA step if asked)."""
        doc = self._post({"func": "auth", "username": username, "password": password})
        token = protocol.session_id(doc)
        if self._needs_two_factor(token):
            if two_factor is None:
                raise errors.TwoFactorRequired
            code = two_factor().strip()
            doc = self._post(
                {
                    "func": "totp.confirm",
                    "qrcode": code,
                    "sok": "ok",
                    "clicked_button": "ok",
                    "auth": token,
                }
            )
            token = protocol.session_id(doc)
        return token

    def _needs_two_factor(self, token: str) -> bool:
        try:
            doc = self._post({"func": "whoami", "auth": token})
        except errors.ApiRefused:
            return False  # a server without whoami: nothing more to confirm
        return protocol.text(doc.get("ok")) == "func=totp.confirm"

    # --- the calls ---------------------------------------------------------------------------

    def list_services(self) -> list[Service]:
        """Every Cloud VPS of the account, all pages of them."""
        doc = self._call("instances", p_num="1", p_cnt=str(PAGE_SIZE))
        if protocol.is_in_process(doc) and "elem" not in doc:
            raise errors.RequestInProcess
        all_rows = protocol.rows(doc)
        total = protocol.total_rows(doc)
        seen = {protocol.orig(row.get("id")) for row in all_rows}
        page = 1
        while total is not None and len(seen) < total and page < MAX_PAGES:
            page += 1
            new_rows = protocol.rows(self._call("instances", p_num=str(page), p_cnt=str(PAGE_SIZE)))
            new_ids = {protocol.orig(row.get("id")) for row in new_rows} - seen
            if not new_ids:
                break  # the server ignores p_num, or the list shrank while we read it
            seen |= new_ids
            all_rows += new_rows
        return protocol.services_from_rows(all_rows)

    def start(self, service_id: str) -> None:
        self._action("service.start", service_id)

    def stop(self, service_id: str) -> None:
        self._action("service.stop", service_id)

    def reboot(self, service_id: str) -> None:
        self._action("service.reboot", service_id)

    def _action(self, func: str, service_id: str) -> None:
        # "Request in process" means accepted and under way: that is success for an async action.
        try:
            self._call(func, elid=service_id)
        except errors.RequestInProcess:
            log.info("%s %s: accepted, still in process", func, service_id)

    def session_alive(self) -> bool:
        """Ask ``keepalive``, as Zomro's panel does, whether the current session still works."""
        if not self._session:
            return False
        try:
            self._post({"func": "keepalive", "auth": self._session})
        except (errors.AccessDenied, errors.SessionExpired):
            return False
        return True

    def abort(self) -> None:
        """Break off any request in flight (safe from any thread); it fails with NetworkDown."""
        self._adapter.interrupt()

    def close(self) -> None:
        self._http.close()

    # --- plumbing ----------------------------------------------------------------------------

    def _call(self, func: str, **params: str) -> dict[str, Any]:
        """An authenticated call; an expired session is renewed once if a password is stored."""
        renewed = False
        while True:
            try:
                return self._post({"func": func, **params, **self._auth_params()})
            except (errors.AccessDenied, errors.SessionIpMismatch) as error:
                if not self._session_lost(error):
                    raise
                if renewed:  # signed in again just now, and the new session died too
                    raise errors.SessionUnstable from None
                if not (self._credentials and self._credentials.can_sign_in_again):
                    raise (
                        error
                        if isinstance(error, errors.SessionExpired)
                        else errors.SessionExpired()
                    ) from None
                log.info("session expired; signing in again")
                self._renew_session()
                renewed = True

    def _session_lost(self, error: errors.ZomroError) -> bool:
        if isinstance(error, errors.SessionExpired):
            return True
        if self._credentials is None or self._credentials.method is AuthMethod.AUTHINFO:
            return False
        return not self.session_alive()

    def _auth_params(self) -> dict[str, str]:
        creds = self._credentials
        if creds is None:
            raise errors.NotSignedIn
        if creds.method is AuthMethod.AUTHINFO:
            return {"authinfo": f"{creds.username}:{creds.password}"}
        if not self._session and creds.method is AuthMethod.PASSWORD:
            self._renew_session()
        if not self._session:
            raise errors.NotSignedIn
        return {"auth": self._session}

    def _renew_session(self) -> None:
        creds = self._credentials
        assert creds is not None
        try:
            self._session = self.sign_in(creds.username, creds.password)
        except errors.TwoFactorRequired:
            raise errors.SessionExpired(
                "The Zomro session has expired and this account needs a two-factor code: "
                "sign in again."
            ) from None

    def _post(self, params: dict[str, str]) -> dict[str, Any]:
        """One request: form fields in, a checked ``doc`` out. Never logs parameter values."""
        form = {"out": "json", "lang": "en", **params}
        started = time.monotonic()
        self.requests_sent += 1
        try:
            response = self._http.post(self.api_url, data=form, timeout=self.timeout, verify=True)
        except requests.Timeout:
            raise errors.NetworkTimeout from None
        except requests.exceptions.SSLError:
            raise errors.NetworkDown(
                "The secure connection to Zomro could not be verified (TLS certificate problem)."
            ) from None
        except requests.RequestException:
            raise errors.NetworkDown from None
        log.debug(
            "func=%s -> HTTP %s in %.0f ms",
            params.get("func"),
            response.status_code,
            (time.monotonic() - started) * 1000,
        )
        _raise_for_http_status(response.status_code)
        doc = protocol.decode_document(response.content)
        protocol.raise_for_error(doc)
        return doc


def _raise_for_http_status(status: int) -> None:
    if status == 200:
        return
    if status in (403, 460):
        raise errors.IpBlocked
    if status in (404, 405):
        raise errors.ServerUnavailable(
            f"The API address answered HTTP {status}: check the API URL in the settings."
        )
    raise errors.ServerUnavailable(
        f"Zomro's server answered HTTP {status}; it will be tried again."
    )


class _InterruptibleAdapter(HTTPAdapter):
    """An adapter that remembers its open sockets, so :meth:`interrupt` can shut them down.

    A blocking ``recv`` in the worker thread returns at once when another thread shuts its
    socket down; nothing else in requests can break off a request that is waiting for an answer.
    """

    def __init__(self) -> None:
        self._sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        sockets = self._sockets

        def tracked(base: type[HTTPConnection]) -> type[HTTPConnection]:
            class Tracked(base):  # type: ignore[valid-type,misc]
                def connect(self) -> None:
                    super().connect()
                    sockets.add(self.sock)

            return Tracked

        self.poolmanager.pool_classes_by_scheme = {
            "http": type("Pool", (HTTPConnectionPool,), {"ConnectionCls": tracked(HTTPConnection)}),
            "https": type(
                "TlsPool", (HTTPSConnectionPool,), {"ConnectionCls": tracked(HTTPSConnection)}
            ),
        }

    def interrupt(self) -> None:
        for sock in list(self._sockets):
            with contextlib.suppress(OSError):  # already closed: nothing in flight on it
                sock.shutdown(socket.SHUT_RDWR)
