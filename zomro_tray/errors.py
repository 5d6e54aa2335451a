"""Every way talking to Zomro can fail, as typed errors that carry a sentence for a person.

The CLI prints ``str(error)`` and exits with ``error.exit_code``; the tray shows the same sentence
and decides from the class what to do next (retry with back-off, ask to sign in, or just report).
Messages never contain a secret: they are built from fixed text plus what Zomro itself said.
"""

from __future__ import annotations

from typing import ClassVar

from zomro_tray.i18n import N_, _

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_SIGN_IN = 3
EXIT_UNAVAILABLE = 4


class ZomroError(Exception):
    """Base of every error the core raises on purpose."""

    exit_code = EXIT_ERROR
    #: True when trying again later may succeed by itself (network, server load).
    transient = False
    default_message = N_("Something went wrong while talking to Zomro.")

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _(self.default_message))


# --- the API answered and refused -------------------------------------------------------------


class ApiRefused(ZomroError):
    """Zomro understood the request and said no; the message is Zomro's own."""

    default_message = N_("Zomro refused the request.")


class AccessDenied(ApiRefused):
    default_message = N_("Zomro says this account may not do that.")


class NotFound(ApiRefused):
    default_message = N_("Zomro does not know that server (it may have been deleted).")


class ServiceSuspended(ApiRefused):
    default_message = N_(
        "This server was suspended by Zomro (unpaid or blocked); it cannot be started from here."
    )


# --- signing in -------------------------------------------------------------------------------


class SignInError(ZomroError):
    """The user has to do something about signing in."""

    exit_code = EXIT_SIGN_IN
    default_message = N_("Signing in to Zomro failed.")


class NotSignedIn(SignInError):
    default_message = N_("Not signed in: run 'zomro-tray login' (or set ZOMRO_TOKEN).")

    @classmethod
    def because(cls, reason: object) -> NotSignedIn:
        """Not signed in, and why (the keychain could not be read, say)."""
        return cls(_("Not signed in. {reason}").format(reason=reason))


class BadCredentials(SignInError):
    default_message = N_("Zomro rejected the username or password.")


class LoginBlocked(SignInError):
    """Zomro blocked the login for a reason it names in ``$object``."""

    REASONS: ClassVar[dict[str, str]] = {
        "badip": N_("Zomro does not allow signing in to this account from this IP address."),
        "blocklogon": N_(
            "Zomro blocked sign-in for a short while: wait about 20 seconds and try again."
        ),
        "blockgeoip": N_(
            "Zomro blocked a sign-in from a new region: confirm it in Zomro's web panel or by "
            "e-mail, then try again."
        ),
        "blocked_ip": N_(
            "Too many failed sign-ins from this IP address: Zomro blocked it for a while."
        ),
    }
    default_message = N_("Zomro blocked this sign-in.")

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(_(self.REASONS.get(reason, self.default_message)))


class TwoFactorRequired(SignInError):
    default_message = N_("This account uses two-factor sign-in: a 6-digit code is needed.")


class BadTwoFactorCode(SignInError):
    default_message = N_("Zomro rejected the two-factor code.")


class SessionExpired(SignInError):
    default_message = N_("The Zomro session has expired or the token is not valid: sign in again.")


class SessionUnstable(SessionExpired):
    """Signing in again worked, but Zomro dropped the new session at once: retry later.

    The stored password is fine, so this is no reason to ask the user to sign in.
    """

    transient = True
    default_message = N_(
        "Zomro dropped the session right after signing in again; it will be tried again."
    )


class SessionIpMismatch(SessionExpired):
    default_message = N_(
        "Zomro tied this session to another IP address (did your network or VPN change?): "
        "sign in again."
    )


# --- the network or the server failed -----------------------------------------------------------


class Unavailable(ZomroError):
    """Nothing wrong with the request; the way to Zomro is not working right now."""

    exit_code = EXIT_UNAVAILABLE
    transient = True
    default_message = N_("Zomro cannot be reached right now.")


class NetworkDown(Unavailable):
    """No way out: the address of Zomro could not even be looked up (or we broke off)."""

    default_message = N_(
        "This computer seems to be offline: Zomro's address could not be looked up."
    )


class NotAnswering(Unavailable):
    """The network works (the address was found) but Zomro refused or dropped the connection:
    not the user's internet, so the message must not blame it."""

    default_message = N_("Zomro is not answering right now: the connection was refused or cut off.")


class NetworkTimeout(Unavailable):
    default_message = N_("Zomro did not answer in time: the network or Zomro is slow right now.")


class IpBlocked(Unavailable):
    default_message = N_(
        "Zomro is blocking this IP address for now (VPNs often trigger this): "
        "try again later or without the VPN."
    )


class ServerUnavailable(Unavailable):
    default_message = N_("Zomro's server is having trouble right now; it will be tried again.")


class Redirected(ServerUnavailable):
    """The API address answered with a redirect, which is never followed: a redirect would carry
    the sign-in to whatever address the server names."""

    transient = False

    def __init__(self, location: str) -> None:
        message = (
            _(
                "The API address redirects to {address}, and zomro-tray does not follow redirects. "
                "If Zomro's API has moved, change the API address in the settings."
            )
            if location
            else _(
                "The API address redirects to another address, and zomro-tray does not follow "
                "redirects. If Zomro's API has moved, change the API address in the settings."
            )
        )
        super().__init__(message.format(address=location[:200]))


class NotTheApi(ServerUnavailable):
    """The address answered 404/405: something is there, but not Zomro's API."""

    transient = False

    def __init__(self, status: int) -> None:
        super().__init__(
            _("The API address answered HTTP {status}: check the API URL in the settings.").format(
                status=status
            )
        )


class AnswerTooLarge(ServerUnavailable):
    default_message = N_(
        "Zomro's answer was far larger than any list of servers, so it was not read; "
        "it will be tried again."
    )


class UnexpectedFailure(ZomroError):
    """Something no rule foresaw (the traceback is in the log); trying again may work."""

    exit_code = EXIT_ERROR
    transient = True
    default_message = N_(
        "Something unexpected went wrong while reading Zomro's answer (details are in the log); "
        "it will be tried again."
    )


class MalformedAnswer(ZomroError):
    """The answer was not the JSON document that was asked for."""

    exit_code = EXIT_UNAVAILABLE
    transient = True
    default_message = N_("Zomro sent an answer this app cannot read; it will be tried again.")


class NotJsonPage(MalformedAnswer):
    """A web page (proxy, maintenance) came back instead of data."""

    default_message = N_(
        "Zomro answered with a web page instead of data (maintenance or a proxy error); "
        "it will be tried again."
    )


class RequestInProcess(MalformedAnswer):
    """A "long request" or "Request in process, please wait" text: not done yet, not a crash."""

    default_message = N_("Zomro is still working on an earlier request; it will be tried again.")


# --- local problems ---------------------------------------------------------------------------


class KeychainUnavailable(ZomroError):
    """No usable OS keychain: secrets cannot be stored, and are never written to a file instead."""

    exit_code = EXIT_ERROR
    default_message = N_(
        "No usable system keychain was found (GNOME Keyring, KWallet, macOS Keychain or "
        "Windows Credential Manager), so the sign-in cannot be kept. Unlock or install one, "
        "or set ZOMRO_TOKEN."
    )


class BeyondLimit(ZomroError):
    """Something the app will not hold more of (accounts): the sentence says the limit."""

    exit_code = EXIT_USAGE


class InsecureUrl(ZomroError):
    exit_code = EXIT_USAGE
    default_message = N_("Refusing to send credentials over plain http:// to a non-local address.")
