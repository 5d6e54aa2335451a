"""Settings' "Test connection": a sign-in tried without keeping it, run in a worker's thread.

Apart from the worker, whose job is one account's refreshes: this signs in wherever the form
says (another address, another person), lists the servers once to prove it, and lets go of the
connection. Nothing is stored; the answer carries the credentials for the dialog to keep.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from zomro_tray import errors
from zomro_tray.core.credentials import AuthMethod, Credentials
from zomro_tray.i18n import ngettext
from zomro_tray.logs import redactor
from zomro_tray.worker.contract import SignInCheck, SignInForm, SignInOutcome

if TYPE_CHECKING:
    from zomro_tray.api.client import ZomroClient


def check_sign_in(request_id: int, form: SignInForm) -> SignInCheck:
    """The form's sign-in tried once; the answer says how it went in a sentence."""
    from zomro_tray.api.client import ZomroClient

    redactor.add(form.token, form.password)
    client: ZomroClient | None = None
    try:
        client = ZomroClient(form.api_url)
        credentials = signed_in(client, form)
        client.set_credentials(credentials)
        services = client.list_services()
    except errors.TwoFactorRequired as error:
        return SignInCheck(request_id, SignInOutcome.TWO_FACTOR, redactor.scrub(str(error)))
    except errors.ZomroError as error:
        return SignInCheck(request_id, SignInOutcome.ERROR, redactor.scrub(str(error)))
    finally:
        if client is not None:
            client.close()  # a tested sign-in is not kept: nor is its connection
    message = ngettext(
        "Connected: {count} server found.",
        "Connected: {count} servers found.",
        len(services),
    ).format(count=len(services))
    return SignInCheck(request_id, SignInOutcome.OK, message, credentials, (*services,))


def signed_in(client: ZomroClient, form: SignInForm) -> Credentials:
    """The credentials the form's method gives: a token as it is, a password for every call
    (authinfo), or a password exchanged for a session (with the two-factor code if given)."""
    if form.method is AuthMethod.TOKEN:
        return Credentials.from_token(form.token)
    if form.method is AuthMethod.AUTHINFO:
        return Credentials.from_password(form.username, form.password, authinfo=True)
    code = form.two_factor_code.strip()
    session = client.sign_in(
        form.username, form.password, two_factor=(lambda: code) if code else None
    )
    return replace(Credentials.from_password(form.username, form.password), token=session)
