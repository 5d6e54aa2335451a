"""The Zomro (BILLmanager) API client: form POSTs in, typed results or typed errors out.

Everything about the wire lives here: ``out=json`` and ``lang=en`` on every call, timeouts on
every call, TLS verified, plain ``http://`` only to loopback, every page of a list read, and the
session dance that Zomro's own panel does (``keepalive`` to tell an expired session from a real
"access denied", and one silent re-sign-in when a password is stored).

The client is not thread-safe; one thread owns it. :meth:`ZomroClient.abort` is the exception: any
thread may call it to break off a request in flight, so the app can quit at once.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable
from typing import Any

import requests
import urllib3

from zomro_tray import __version__, errors
from zomro_tray.api import calls, protocol
from zomro_tray.api.transport import Deadline, InterruptibleAdapter
from zomro_tray.core.credentials import AuthMethod, Credentials
from zomro_tray.core.endpoint import (
    DEFAULT_API_URL,
    billmgr_address,
    check_api_url,
    is_loopback_url,
)
from zomro_tray.core.model import Service
from zomro_tray.core.plain_text import printable
from zomro_tray.i18n import _

log = logging.getLogger(__name__)

#: Zomro's answers are always asked for in English, whatever the user's language: Zomro's own
#: panel does the same in each of its languages (it translates on its side), and the protocol
#: recognises a few of Zomro's English sentences ("Request in process", a session bound to
#: another IP). The app shows its own translated sentences; Zomro's free text is quoted.
API_LANGUAGE = "en"
#: (connect, read) seconds. Generous on read: BILLmanager answers slowly under load.
DEFAULT_TIMEOUT = (5.0, 25.0)
#: One request, start to last byte, whatever the pace: a server that sends a byte a second
#: never trips the read timeout above.
REQUEST_DEADLINE = 40.0
#: Bytes of one answer, counted after decompression. A page of 100 servers is about 0.1 MB and a
#: server that ignores paging sends 1,000 servers in about 1 MB; 32 MiB is far beyond any real
#: answer while bounding memory against a hostile or broken one.
MAX_ANSWER_BYTES = 32 * 1024 * 1024
_CHUNK = 64 * 1024
#: The page size assumed when an answer does not state one. The client never sends p_cnt:
#: BILLmanager stores it as the user's rows-per-page, so sending it would change how many rows
#: the customer's own panel shows. It pages with p_num, as the server's p_cnt says.
PAGE_SIZE = 10
#: A bound on pages, so a server that ignores paging cannot keep us looping.
MAX_PAGES = 500

#: The Cloud VPS list filter's fields, as the panel reads them (cloudVpsOperations.js).
FILTER_FIELDS = (
    "id",
    "ip",
    "pricelist",
    "instance_status",
    "datacenter",
    "orderdatefrom",
    "orderdateto",
    "cost_from",
    "cost_to",
    "autoprolong",
    "period",
    "domain",
)

TwoFactorPrompt = Callable[[], str]


class ZomroClient:
    """One account on one API endpoint."""

    def __init__(
        self,
        api_url: str = DEFAULT_API_URL,
        credentials: Credentials | None = None,
        *,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        deadline: float = REQUEST_DEADLINE,
        max_answer_bytes: int = MAX_ANSWER_BYTES,
    ) -> None:
        self.api_url = check_api_url(api_url)
        self.timeout = timeout
        self.deadline = deadline
        self.max_answer_bytes = max_answer_bytes
        self._endpoint_tried = False
        self._credentials = credentials
        self._session = credentials.token if credentials else ""
        self._adapter = InterruptibleAdapter()
        self._deadline = Deadline(self._adapter.interrupt)
        self._http = requests.Session()
        self._http.mount("http://", self._adapter)
        self._http.mount("https://", self._adapter)
        self._http.headers["User-Agent"] = f"zomro-tray/{__version__}"
        # System proxies serve Zomro (corporate networks need them), never a loopback address:
        # a plain-http local API (the emulator) would hand its token to the proxy in clear text.
        self._http.trust_env = not is_loopback_url(self.api_url)

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
                    # Sent as the panel sends it; whether BILLmanager needs it is unknown.
                    "clicked_button": "ok",  # pragma: no mutate
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

    def whoami(self) -> str:
        """The signed-in account's name (BILLmanager's ``doc.user`` element, ``$name``)."""
        doc = self._call("whoami")
        user = doc.get("user")
        return protocol.text(user.get("$name")) if isinstance(user, dict) else ""

    def list_services(self, account: str = "") -> list[Service]:
        """Every Cloud VPS of the account, all pages of them, each keyed by ``account`` (the
        key of the app's account this client signs in as)."""
        doc = self._call("instances", p_num="1")
        if protocol.is_in_process(doc) and "elem" not in doc:
            raise errors.RequestInProcess
        all_rows = protocol.rows(doc)
        total = protocol.total_rows(doc)
        page_size = protocol.number(doc.get("p_cnt")) or PAGE_SIZE
        seen = {protocol.orig(row.get("id")) for row in all_rows}
        last_page = all_rows
        page = 1
        while _more_pages(total, len(seen), len(last_page), page_size) and page < MAX_PAGES:
            page += 1
            last_page = protocol.rows(self._call("instances", p_num=str(page)))
            new_ids = {protocol.orig(row.get("id")) for row in last_page} - seen
            if not new_ids:
                break  # the server ignores p_num, or the list shrank while we read it
            seen |= new_ids
            all_rows += last_page
        return protocol.services_from_rows(all_rows, account)

    def active_filters(self) -> list[str]:
        """The list filters the customer saved in Zomro's panel that are on now.

        BILLmanager applies a saved filter to list calls from the API too, so while one is on,
        list_services() sees only the servers it lets through. Clearing it would change what the
        customer sees in the panel, so the app only reads it (``instances.filter`` without
        ``sok``, as the panel does) and tells the user.
        """
        try:
            doc = self._call("instances.filter")
        except errors.ApiRefused:
            return []  # a server without list filters
        return [name for name in FILTER_FIELDS if protocol.text(doc.get(name))]

    def read(self, func: str, **params: str) -> dict[str, Any]:
        """A read-only function's checked answer, as it came (money, details, the report)."""
        if func not in calls.READ_ONLY:
            raise calls.ForbiddenCall(f"{func} is not a read-only function")
        return self._call(func, **params)

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
            log.info("%s %s: accepted, still in process", func, service_id)  # pragma: no mutate

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
        """Break off any request in flight (safe from any thread); it fails as Unavailable."""
        self._adapter.interrupt()

    def close(self) -> None:
        self._deadline.close()
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
                _(
                    "The Zomro session has expired and this account needs a two-factor code: "
                    "sign in again."
                )
            ) from None

    def _post(self, params: dict[str, str]) -> dict[str, Any]:
        """One request, at the address that answers as the API.

        Zomro's article shows the API at ``https://api.zomro.com/``, and the panel's code posts
        there; BILLmanager is also served at ``…/billmgr``. If the address answers like
        something else (404/405, or a web page), ``…/billmgr`` is tried once; the address that
        answered is kept for this client's life, and logged.
        """
        try:
            return self._post_once(params)
        except (errors.NotTheApi, errors.NotJsonPage) as not_the_api:
            alternative = billmgr_address(self.api_url)
            if alternative is None or self._endpoint_tried:
                raise
            self._endpoint_tried = True
            first, self.api_url = self.api_url, alternative
            try:
                doc = self._post_once(params)
            except errors.ZomroError:
                self.api_url = first
                raise not_the_api from None
            log.warning("%s did not answer as Zomro's API, %s did: using it", first, alternative)
            return doc

    def _post_once(self, params: dict[str, str]) -> dict[str, Any]:
        """One request: form fields in, a checked ``doc`` out. Never logs parameter values."""
        form = {"out": "json", "lang": API_LANGUAGE, **params}
        calls.check(form)  # the allow-list: a forbidden call raises before anything is sent
        started = time.monotonic()
        self._deadline.arm(self.deadline)
        try:
            status, location, body = self._exchange(form)
        except requests.Timeout:
            raise errors.NetworkTimeout from None
        except requests.exceptions.SSLError:
            raise errors.NetworkDown(
                _("The secure connection to Zomro could not be verified (TLS certificate problem).")
            ) from None
        except requests.exceptions.ContentDecodingError:
            raise errors.MalformedAnswer from None
        except requests.RequestException as error:
            overdue = self._deadline.disarm()  # True: the deadline broke the request off
            if overdue:
                raise errors.NetworkTimeout from None
            raise _connection_failure(error) from None
        finally:
            self._deadline.disarm()
        log.debug(
            "func=%s -> HTTP %s in %.0f ms",
            params.get("func"),
            status,
            (time.monotonic() - started) * 1000,
        )
        if 300 <= status < 400:
            raise errors.Redirected(printable(location))
        _raise_for_http_status(status)
        doc = protocol.decode_document(body)
        protocol.raise_for_error(doc)
        return doc

    def _exchange(self, form: dict[str, str]) -> tuple[int, str, bytes]:
        """Send the form; read the answer up to the byte cap. Redirects are never followed."""
        with self._http.post(
            self.api_url,
            data=form,
            timeout=self.timeout,
            verify=True,
            allow_redirects=False,
            stream=True,
        ) as response:
            if 300 <= response.status_code < 400:
                return response.status_code, response.headers.get("Location", ""), b""
            body = bytearray()
            for chunk in response.iter_content(_CHUNK):  # decompressed, a chunk at a time
                body += chunk
                if len(body) > self.max_answer_bytes:
                    raise errors.AnswerTooLarge
            return response.status_code, "", bytes(body)


def _more_pages(total: int | None, seen: int, last_page: int, page_size: int) -> bool:
    """Another page to read? By the count when the server gives a usable one; without it
    (absent, or not a number), as long as pages come back full."""
    if total is not None:
        return seen < total
    return last_page >= page_size > 0


def _raise_for_http_status(status: int) -> None:
    if status == 200:
        return
    if status in (403, 460):
        raise errors.IpBlocked
    if status in (404, 405):
        raise errors.NotTheApi(status)
    raise errors.ServerUnavailable(
        _("Zomro's server answered HTTP {status}; it will be tried again.").format(status=status)
    )


def _connection_failure(error: requests.RequestException) -> errors.ZomroError:
    """No network (Zomro's name could not be looked up) or Zomro not answering (refused, reset).

    requests wraps urllib3's MaxRetryError, whose ``reason`` is what went wrong underneath."""
    underneath = getattr(error.args[0] if error.args else None, "reason", None)
    name_lookup = getattr(urllib3.exceptions, "NameResolutionError", socket.gaierror)
    if isinstance(underneath, name_lookup):
        return errors.NetworkDown()
    return errors.NotAnswering()
