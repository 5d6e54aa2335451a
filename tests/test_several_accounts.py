"""Several Zomro accounts against one emulated Zomro (issue 21's ground): each account signs in
on its own, sees only its own servers, and one of them failing in any way (its sign-in, its
rights, a Zomro that does not answer it, a hostile answer) leaves the others answering."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from zomro_tray import errors
from zomro_tray.api.client import ZomroClient
from zomro_tray.core.credentials import Credentials
from zomro_tray.emulator import Emulator
from zomro_tray.emulator.scenarios import CLIENT_ACCOUNTS, DEMO_PASSWORD, DEMO_USER
from zomro_tray.emulator.state import RIGHTS

USERS = (DEMO_USER, *CLIENT_ACCOUNTS)


def password_of(user: str) -> str:
    return DEMO_PASSWORD if user == DEMO_USER else f"{user}-password"


def client_for(emulator: Emulator, user: str, password: str = "") -> ZomroClient:
    credentials = Credentials.from_password(user, password or password_of(user))
    return ZomroClient(emulator.url, credentials, timeout=(2.0, 1.0), deadline=3.0)


@pytest.fixture
def accounts(make_emulator: Callable[..., Emulator]) -> Emulator:
    return make_emulator("accounts", fault_latency=5.0)


@pytest.mark.parametrize("count", [2, 5])
def test_each_account_sees_its_own_servers(accounts: Emulator, count: int) -> None:
    seen = {
        user: {s.id for s in client_for(accounts, user).list_services()} for user in USERS[:count]
    }
    for user, ids in seen.items():
        assert ids == set(accounts.state.snapshot(user)), user
        assert ids  # every account of the scenario has servers
    every_id = [i for ids in seen.values() for i in ids]
    assert len(every_id) == len(set(every_id))  # no server in two accounts


FAILURES: dict[str, tuple[str, type[errors.ZomroError]]] = {
    "sign-in": ("", errors.BadCredentials),  # a wrong password, not an emulator fault
    "rights": (RIGHTS, errors.AccessDenied),
    "not answering": ("latency", errors.Unavailable),
    "hostile answer": ("redirect", errors.Redirected),
    "an HTML page": ("html502", errors.ServerUnavailable),
}


@pytest.mark.parametrize("count", [2, 5])
@pytest.mark.parametrize("how", list(FAILURES))
def test_one_account_failing_leaves_the_others_answering(
    accounts: Emulator, count: int, how: str
) -> None:
    fault, error = FAILURES[how]
    failing, *others = USERS[:count]
    if fault:
        accounts.state.fail_account(failing, fault)
    wrong = "not-the-password" if how == "sign-in" else ""
    with pytest.raises(error):
        client_for(accounts, failing, wrong).list_services()
    for user in others:
        ids = {s.id for s in client_for(accounts, user).list_services()}
        assert ids == set(accounts.state.snapshot(user)), (how, user)


def test_an_account_without_the_rights_still_signs_in(accounts: Emulator) -> None:
    accounts.state.fail_account("client-a", RIGHTS)
    client = client_for(accounts, "client-a")
    client.sign_in("client-a", password_of("client-a"))  # Zomro lets them in, and no further
    with pytest.raises(errors.AccessDenied):
        client.list_services()
    accounts.state.fail_account("client-a", "")  # the rights are given back
    assert {s.name for s in client.list_services()} == {"client-a-1", "client-a-2"}


def test_an_unknown_account_fault_is_refused(accounts: Emulator) -> None:
    with pytest.raises(ValueError, match="unknown fault"):
        accounts.state.fail_account("client-a", "gremlins")
