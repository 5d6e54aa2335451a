"""The client against the emulator over real HTTP on loopback: every scenario and error class."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from zomro_tray import errors
from zomro_tray.api.client import ZomroClient
from zomro_tray.core.credentials import Credentials
from zomro_tray.core.endpoint import check_api_url
from zomro_tray.core.model import PowerState
from zomro_tray.emulator import Emulator
from zomro_tray.emulator.scenarios import (
    DEMO_PASSWORD,
    DEMO_USER,
    TWO_FACTOR_CODE,
    TWO_FACTOR_PASSWORD,
    TWO_FACTOR_USER,
)

MakeEmulator = Callable[..., Emulator]


def token_client(emulator: Emulator, **kwargs: object) -> ZomroClient:
    return ZomroClient(emulator.url, Credentials.from_token(emulator.demo_token), **kwargs)


def states(client: ZomroClient) -> dict[str, PowerState]:
    return {s.name: s.power for s in client.list_services()}


def wait_for(client: ZomroClient, name: str, state: PowerState, timeout: float = 5) -> list[str]:
    """Poll like the CLI does and return the states seen on the way."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while time.monotonic() < deadline:
        current = states(client)[name]
        if not seen or seen[-1] != current.value:
            seen.append(current.value)
        if current is state:
            return seen
        pause.wait(0.05)
    raise AssertionError(f"{name} never became {state}: saw {seen}")


def test_lists_the_demo_account_with_every_kind_of_state(emulator: Emulator) -> None:
    assert states(token_client(emulator)) == {
        "web-1": PowerState.ACTIVE,
        "baza-danych-łódź": PowerState.STOPPED,
        "бэкап-сервер": PowerState.ACTIVE,
        "staging-żółw": PowerState.SUSPENDED,
        "ci-runner": PowerState.ACTIVE,  # answered as fotbo_status
    }


def test_every_call_posts_out_json_and_lang_en(emulator: Emulator) -> None:
    seen: list[dict[str, str]] = []
    original = emulator.state.handle
    emulator.state.handle = lambda params: (seen.append(params), original(params))[1]  # type: ignore[method-assign]
    token_client(emulator).list_services()
    assert seen
    assert all(p["out"] == "json" and p["lang"] == "en" for p in seen)


@pytest.mark.parametrize(("count", "pages"), [(0, 1), (1, 1), (10, 1), (23, 3), (101, 11)])
def test_reads_every_page_with_one_request_per_page(
    make_emulator: MakeEmulator, count: int, pages: int
) -> None:
    from zomro_tray.emulator.scenarios import add_servers

    emulator = make_emulator("empty", max_page_size=10)
    add_servers(emulator.state, count)
    client = token_client(emulator)
    services = client.list_services()
    assert len(services) == count
    assert len({s.id for s in services}) == count
    assert emulator.state.calls["instances"] == pages


def test_a_server_that_ignores_paging_does_not_loop(make_emulator: MakeEmulator) -> None:
    emulator = make_emulator("many")
    emulator.state.handle = _ignore_page_number(emulator.state.handle)  # type: ignore[method-assign]
    services = token_client(emulator).list_services()
    assert len(services) == 10  # the first page, read once more, then stop
    assert emulator.state.calls["instances"] == 2


def _ignore_page_number(handle: Callable[[dict[str, str]], dict]) -> Callable:
    return lambda params: handle({k: v for k, v in params.items() if k != "p_num"})


def test_single_and_empty_accounts(make_emulator: MakeEmulator) -> None:
    assert list(states(token_client(make_emulator("single")))) == ["web-1"]
    assert token_client(make_emulator("empty")).list_services() == []


def test_stop_then_start_pass_through_their_transitions(emulator: Emulator) -> None:
    client = token_client(emulator)
    client.stop("5116804")
    assert wait_for(client, "web-1", PowerState.STOPPED) == ["stopping", "stopped"]
    [web] = [s for s in client.list_services() if s.name == "web-1"]
    assert web.billing_text == "Temporary suspended"
    client.start("5116804")
    assert wait_for(client, "web-1", PowerState.ACTIVE) == ["starting", "active"]
    assert emulator.state.actions == [("service.stop", "5116804"), ("service.start", "5116804")]


def test_starting_a_provider_suspended_server_shows_zomros_message(emulator: Emulator) -> None:
    with pytest.raises(errors.ApiRefused, match="Zomro says: The service is suspended"):
        token_client(emulator).start("5116807")


def test_unknown_and_foreign_servers(emulator: Emulator) -> None:
    client = token_client(emulator)
    with pytest.raises(errors.NotFound):
        client.start("999")
    # a server of another account: "access" while the session is fine -> access denied
    with pytest.raises(errors.AccessDenied, match="Insufficient privileges"):
        client.start("7000001")
    assert emulator.state.calls["keepalive"] == 1


def test_expired_token_is_told_apart_from_access_denied(emulator: Emulator) -> None:
    client = token_client(emulator)
    emulator.state.expire_sessions()
    with pytest.raises(errors.SessionExpired) as caught:
        client.list_services()
    assert caught.value.exit_code == errors.EXIT_SIGN_IN
    assert emulator.state.calls["keepalive"] == 1


def test_password_sign_in_renews_an_expired_session_once_by_itself(emulator: Emulator) -> None:
    client = ZomroClient(emulator.url, Credentials.from_password(DEMO_USER, DEMO_PASSWORD))
    assert len(client.list_services()) == 5
    emulator.state.expire_sessions()
    assert len(client.list_services()) == 5
    assert emulator.state.calls["auth"] == 2
    assert emulator.state.calls["keepalive"] == 1


def test_session_renewal_is_tried_only_once(emulator: Emulator) -> None:
    client = ZomroClient(emulator.url, Credentials.from_password(DEMO_USER, DEMO_PASSWORD))
    client.list_services()
    # instances (expired), keepalive, auth, instances again: expired again after the new sign-in
    emulator.state.inject("expire", "none", "none", "expire")
    with pytest.raises(errors.SessionUnstable) as caught:
        client.list_services()
    assert emulator.state.calls["auth"] == 2
    assert caught.value.transient  # the password worked: retry later, do not sign out
    assert len(client.list_services()) == 5


def test_session_expiry_by_idle_time(make_emulator: MakeEmulator) -> None:
    emulator = make_emulator(session_ttl=60)
    client = token_client(emulator)
    client.list_services()
    emulator.state.sessions[emulator.demo_token].last_used -= 61  # an hour's idle, no waiting
    with pytest.raises(errors.SessionExpired):
        client.list_services()


def test_authinfo_sends_credentials_on_every_request(emulator: Emulator) -> None:
    client = ZomroClient(
        emulator.url, Credentials.from_password(DEMO_USER, DEMO_PASSWORD, authinfo=True)
    )
    assert len(client.list_services()) == 5
    assert emulator.state.calls["auth"] == 0
    bad = ZomroClient(emulator.url, Credentials.from_password(DEMO_USER, "wrong", authinfo=True))
    with pytest.raises(errors.BadCredentials):
        bad.list_services()


def test_sign_in_with_wrong_password(emulator: Emulator) -> None:
    with pytest.raises(errors.BadCredentials) as caught:
        ZomroClient(emulator.url).sign_in(DEMO_USER, "nope")
    assert caught.value.exit_code == errors.EXIT_SIGN_IN


@pytest.mark.parametrize("reason", ["badip", "blocklogon", "blockgeoip", "blocked_ip"])
def test_each_login_block_reason_has_its_own_sentence(emulator: Emulator, reason: str) -> None:
    emulator.state.accounts[DEMO_USER].block_reason = reason
    with pytest.raises(errors.LoginBlocked) as caught:
        ZomroClient(emulator.url).sign_in(DEMO_USER, DEMO_PASSWORD)
    assert str(caught.value) == errors.LoginBlocked.REASONS[reason]


def test_two_factor_sign_in(emulator: Emulator) -> None:
    client = ZomroClient(emulator.url)
    with pytest.raises(errors.TwoFactorRequired):
        client.sign_in(TWO_FACTOR_USER, TWO_FACTOR_PASSWORD)
    with pytest.raises(errors.BadTwoFactorCode):
        client.sign_in(TWO_FACTOR_USER, TWO_FACTOR_PASSWORD, two_factor=lambda: "000000")
    token = client.sign_in(TWO_FACTOR_USER, TWO_FACTOR_PASSWORD, two_factor=lambda: TWO_FACTOR_CODE)
    client.set_credentials(Credentials.from_token(token))
    assert sorted(states(client)) == ["totp-db", "totp-web"]


def test_two_factor_account_cannot_renew_by_itself(emulator: Emulator) -> None:
    client = ZomroClient(
        emulator.url, Credentials.from_password(TWO_FACTOR_USER, TWO_FACTOR_PASSWORD)
    )
    with pytest.raises(errors.SessionExpired, match="two-factor"):
        client.list_services()


@pytest.mark.parametrize(
    ("fault", "expected", "words"),
    [
        ("html502", errors.ServerUnavailable, "HTTP 502"),
        ("html503", errors.ServerUnavailable, "HTTP 503"),
        ("html200", errors.NotJsonPage, "web page"),
        ("ip460", errors.IpBlocked, "blocking this IP"),
        ("ip403", errors.IpBlocked, "VPN"),
        ("malformed", errors.MalformedAnswer, "cannot read"),
        ("reset", errors.NotAnswering, "not answering"),
        ("in_process", errors.RequestInProcess, "still working"),
        ("long_request", errors.RequestInProcess, "still working"),
    ],
)
def test_every_fault_becomes_a_typed_error_and_the_next_call_recovers(
    emulator: Emulator, fault: str, expected: type[errors.ZomroError], words: str
) -> None:
    client = token_client(emulator)
    emulator.state.inject(fault)
    with pytest.raises(expected, match=words) as caught:
        client.list_services()
    assert caught.value.transient
    assert caught.value.exit_code == errors.EXIT_UNAVAILABLE
    assert len(client.list_services()) == 5


def test_timeout(emulator: Emulator) -> None:
    emulator.state.fault_latency = 2.0
    emulator.state.inject("latency")
    with pytest.raises(errors.NetworkTimeout):
        token_client(emulator, timeout=(1.0, 0.3)).list_services()


def test_a_refused_connection_is_zomro_not_answering_not_the_users_network() -> None:
    import socket

    with socket.socket() as probe:  # a port that was free a moment ago: nobody listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = ZomroClient(f"http://127.0.0.1:{port}/", Credentials.from_token("t0ken-x"))
    with pytest.raises(errors.NotAnswering, match="Zomro is not answering") as caught:
        client.list_services()
    assert caught.value.exit_code == errors.EXIT_UNAVAILABLE


def test_a_name_that_cannot_be_looked_up_means_this_computer_is_offline() -> None:
    client = ZomroClient("https://api.zomro.invalid/", Credentials.from_token("t0ken-x"))
    with pytest.raises(errors.NetworkDown, match="seems to be offline") as caught:
        client.list_services()
    assert caught.value.exit_code == errors.EXIT_UNAVAILABLE


def test_in_process_answer_to_an_action_means_accepted(emulator: Emulator) -> None:
    client = token_client(emulator)
    emulator.state.inject("in_process")
    client.stop("5116804")  # no exception: the action is under way


def test_abort_breaks_off_a_request_in_flight(emulator: Emulator) -> None:
    emulator.state.fault_latency = 10.0
    emulator.state.inject("latency")
    client = token_client(emulator)
    outcome: list[BaseException] = []

    def call() -> None:
        try:
            client.list_services()
        except errors.ZomroError as error:
            outcome.append(error)

    worker = threading.Thread(target=call)
    worker.start()
    in_flight = threading.Event()
    while not emulator.state.faults_served["latency"]:  # the server holds the request now
        in_flight.wait(0.01)
    client.abort()
    worker.join(timeout=5)  # the 10 s answer is not waited for (the benchmark times this)
    assert not worker.is_alive()
    assert isinstance(outcome[0], errors.Unavailable)


def test_multipart_form_is_understood_by_the_emulator(emulator: Emulator) -> None:
    import requests

    fields = {
        "func": (None, "instances"),
        "auth": (None, emulator.demo_token),
        "out": (None, "json"),
    }
    answer = requests.post(emulator.url, files=fields, timeout=5).json()
    assert answer["doc"]["p_elems"]["$"] == "5"


@pytest.mark.parametrize(
    "url",
    ["https://api.zomro.com/", "http://127.0.0.1:8765/", "http://localhost/", "http://[::1]:1/"],
)
def test_urls_that_are_accepted(url: str) -> None:
    assert check_api_url(url) == url


@pytest.mark.parametrize(
    "url", ["http://api.zomro.com/", "http://192.0.2.1/", "ftp://x/", "api.zomro.com", ""]
)
def test_plain_http_is_refused_except_to_loopback(url: str) -> None:
    with pytest.raises(errors.InsecureUrl) as caught:
        ZomroClient(url)
    assert caught.value.exit_code == errors.EXIT_USAGE


@pytest.mark.parametrize(
    ("url", "sentence"),
    [
        ("ftp://x/", "Not a usable API address: 'ftp://x/' (expected https://...)."),
        ("api.zomro.com", "Not a usable API address: 'api.zomro.com' (expected https://...)."),
        ("http://api.zomro.com/", "Refusing to send credentials over plain http://"),
        ("https://api.zomro.com/?func=service.delete", 'without a "?" or "#" part'),
        ("https://api.zomro.com/#x", 'without a "?" or "#" part'),
        ("https://user:secret@api.zomro.com/", "without a name or password in it"),
    ],
)
def test_each_refused_address_says_why_in_its_own_sentence(url: str, sentence: str) -> None:
    with pytest.raises(errors.InsecureUrl) as caught:
        check_api_url(url)
    assert sentence in str(caught.value)
    assert "secret" not in str(caught.value)  # a password in the address is never repeated


def test_not_signed_in(emulator: Emulator) -> None:
    with pytest.raises(errors.NotSignedIn):
        ZomroClient(emulator.url).list_services()


def test_raw_calls_are_read_only(emulator: Emulator) -> None:
    client = token_client(emulator)
    doc = client.read("instances", p_num="1")
    assert len(doc["elem"]) == 5
    assert client.read("whoami")["user"]["$name"] == "demo"
    with pytest.raises(ValueError, match="not a read-only function"):
        client.read("service.stop", elid="5116804")
    assert emulator.state.actions == []


def test_new_credentials_replace_the_session_and_none_signs_out(emulator: Emulator) -> None:
    client = token_client(emulator)
    assert client.whoami() == "demo"
    client.set_credentials(Credentials.from_token("not-a-session"))
    with pytest.raises(errors.SessionExpired):
        client.list_services()
    client.set_credentials(None)
    assert client.credentials is None
    with pytest.raises(errors.ZomroError):
        client.list_services()
    client.set_credentials(Credentials.from_token(emulator.demo_token))
    assert len(client.list_services()) == 5


def test_the_two_factor_step_is_a_form_submission(emulator: Emulator) -> None:
    """totp.confirm is a BILLmanager form: without sok=ok it is only shown, nothing signed in."""
    client = ZomroClient(emulator.url)
    session = emulator.state.new_session(TWO_FACTOR_USER, awaiting_two_factor=True)
    shown = client._post({"func": "totp.confirm", "auth": session, "qrcode": TWO_FACTOR_CODE})
    assert "auth" not in shown
    token = client.sign_in(TWO_FACTOR_USER, TWO_FACTOR_PASSWORD, two_factor=lambda: TWO_FACTOR_CODE)
    assert token in emulator.state.sessions
    assert not emulator.state.sessions[token].awaiting_two_factor


def test_a_two_factor_account_is_told_to_sign_in_again_when_its_session_ends(
    emulator: Emulator,
) -> None:
    client = ZomroClient(
        emulator.url, Credentials.from_password(TWO_FACTOR_USER, TWO_FACTOR_PASSWORD)
    )
    with pytest.raises(errors.SessionExpired) as caught:
        client.list_services()
    assert str(caught.value) == (
        "The Zomro session has expired and this account needs a two-factor code: sign in again."
    )


def test_a_lost_session_is_checked_only_for_sessions(emulator: Emulator) -> None:
    """With authinfo there is no session to lose: a denial is a denial, no keepalive asked."""
    client = ZomroClient(emulator.url, Credentials.from_password(DEMO_USER, "wrong", authinfo=True))
    with pytest.raises(errors.BadCredentials):
        client.list_services()
    assert emulator.state.calls["keepalive"] == 0
    assert client.session_alive() is False  # no session at all
    assert token_client(emulator).session_alive() is True


def test_closing_a_client_ends_its_deadline_thread(emulator: Emulator) -> None:
    client = token_client(emulator)
    client.list_services()  # the first request starts the watcher
    watcher = client._deadline._thread
    assert watcher is not None
    assert watcher.is_alive()
    client.close()
    assert not watcher.is_alive()  # joined: no thread left behind per client


def test_a_client_left_open_keeps_no_thread_between_requests(emulator: Emulator) -> None:
    """The deadline's thread lives while requests run, not for the client's life: a client
    nobody closes (a sign-in tested in Settings) leaves nothing running once it is idle."""
    client = token_client(emulator)
    client.list_services()
    watcher = client._deadline._thread
    assert watcher is not None
    watcher.join(timeout=5)
    assert not watcher.is_alive()
    assert len(client.list_services()) == 5  # and the next request is watched again
    assert client._deadline._thread is not None


def test_a_refusal_with_a_live_session_stays_a_refusal(emulator: Emulator) -> None:
    """Zomro's "access denied" can mean a lost session: it is asked (keepalive) once, and a
    session that lives makes it a plain refusal, not a sign-in to renew."""
    from zomro_tray.emulator.state import RIGHTS

    emulator.state.fail_account(DEMO_USER, RIGHTS)
    with pytest.raises(errors.AccessDenied) as caught:
        token_client(emulator).list_services()
    assert type(caught.value) is errors.AccessDenied
    assert emulator.state.calls["keepalive"] == 1


def test_with_authinfo_a_refusal_asks_after_no_session(emulator: Emulator) -> None:
    from zomro_tray.emulator.state import RIGHTS

    emulator.state.fail_account(DEMO_USER, RIGHTS)
    client = ZomroClient(
        emulator.url, Credentials.from_password(DEMO_USER, DEMO_PASSWORD, authinfo=True)
    )
    with pytest.raises(errors.AccessDenied) as caught:
        client.list_services()
    assert type(caught.value) is errors.AccessDenied
    assert emulator.state.calls["keepalive"] == 0


def test_a_connection_error_that_says_nothing_is_zomro_not_answering() -> None:
    """requests may raise one without arguments (a proxy, an adapter of someone else's)."""
    import requests

    from zomro_tray.api.client import _connection_failure

    assert isinstance(_connection_failure(requests.ConnectionError()), errors.NotAnswering)
