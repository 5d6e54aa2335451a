"""The worker on its own, called directly in the test's thread against the emulator.

The tray tests drive it through its thread and the GUI; these call its slots one by one and
read its signals as they come (direct connections), so each rule is pinned down fast: the
back-off, the settle rule, the time limit, signing in and out, what it reports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from zomro_tray import errors
from zomro_tray.core.credentials import AuthMethod, Credentials
from zomro_tray.core.model import Action, ServerKey
from zomro_tray.core.overall import Connection
from zomro_tray.emulator import Emulator
from zomro_tray.emulator.scenarios import (
    DEMO_PASSWORD,
    DEMO_USER,
    TWO_FACTOR_CODE,
    TWO_FACTOR_PASSWORD,
    TWO_FACTOR_USER,
)
from zomro_tray.worker.contract import (
    ActionResult,
    SignInCheck,
    SignInForm,
    SignInOutcome,
    Snapshot,
    Timing,
    WorkerSetup,
)
from zomro_tray.worker.worker import Worker

WEB, DB, SUSPENDED = "5116804", "5116805", "5116807"
TIMING = Timing(fast=3.0, stale=5.0, backoff_start=5.0, backoff_cap=40.0, action_timeout=900)


class MemorySecrets:
    def __init__(self, stored: Credentials | None = None, broken: bool = False) -> None:
        self.stored = stored
        self.broken = broken

    def load(self) -> Credentials | None:
        if self.broken:
            raise errors.KeychainUnavailable
        return self.stored

    def save(self, credentials: Credentials) -> None:
        if self.broken:
            raise errors.KeychainUnavailable
        self.stored = credentials

    def clear(self) -> bool:
        had, self.stored = self.stored is not None, None
        return had


@dataclass
class Heard:
    """Everything the worker said, in order."""

    snapshots: list[Snapshot] = field(default_factory=list)
    connections: list[tuple[Connection, str]] = field(default_factory=list)
    results: list[ActionResult] = field(default_factory=list)
    checks: list[SignInCheck] = field(default_factory=list)
    saved: list[tuple[bool, str]] = field(default_factory=list)
    sign_in: list[tuple[str, bool]] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)


MakeWorker = Callable[..., tuple[Worker, Heard]]


@pytest.fixture
def make_worker(qapp: Any) -> Iterator[MakeWorker]:
    made: list[Worker] = []

    def make(
        emulator: Emulator | None,
        secrets: MemorySecrets | None = None,
        timing: Timing = TIMING,
        refresh_seconds: int = 60,
        start: bool = True,
    ) -> tuple[Worker, Heard]:
        if secrets is None and emulator is not None:
            secrets = MemorySecrets(Credentials.from_token(emulator.demo_token))
        url = emulator.url if emulator is not None else "http://127.0.0.1:9/"
        worker = Worker(
            WorkerSetup(secrets or MemorySecrets(), url, refresh_seconds, timing=timing)
        )
        heard = Heard()
        worker.snapshot_ready.connect(heard.snapshots.append)
        worker.connection_changed.connect(lambda c, m, _next: heard.connections.append((c, m)))
        worker.action_finished.connect(heard.results.append)
        worker.sign_in_checked.connect(heard.checks.append)
        worker.credentials_saved.connect(lambda ok, m: heard.saved.append((ok, m)))
        worker.sign_in_required.connect(lambda m, first: heard.sign_in.append((m, first)))
        worker.account_changed.connect(heard.accounts.append)
        made.append(worker)
        if start:
            worker.setup()
        return worker, heard

    yield make
    for worker in made:
        worker.abort()
        worker.shutdown()


def test_a_refresh_brings_the_servers_and_goes_online(
    make_worker: MakeWorker, emulator: Emulator
) -> None:
    worker, heard = make_worker(emulator)
    assert [s.name for s in heard.snapshots[0].services][:2] == ["web-1", "baza-danych-łódź"]
    assert heard.connections == [(Connection.ONLINE, "")]
    assert heard.accounts == ["demo"]
    assert (worker.attempts, worker.refreshes) == (1, 1)
    assert worker.next_delay == 60.0


def test_failures_back_off_exponentially_up_to_the_cap_and_recover(
    make_worker: MakeWorker, emulator: Emulator
) -> None:
    worker, heard = make_worker(emulator)
    emulator.state.fault_choices = ("html502",)
    emulator.state.fault_rate = 1.0
    delays = []
    for _ in range(5):
        worker.refresh()
        delays.append(worker.next_delay)
    assert delays == [5.0, 10.0, 20.0, 40.0, 40.0]
    offline = [c for c in heard.connections if c[0] is Connection.OFFLINE]
    assert len(offline) == 5  # each failure is reported: the message may change
    assert "HTTP 502" in offline[0][1]
    emulator.state.clear_faults()
    worker.refresh()
    assert heard.connections[-1] == (Connection.ONLINE, "Connection restored.")
    assert worker.next_delay == 60.0


def test_a_stop_is_sent_once_and_settles_as_stopped(
    make_worker: MakeWorker, make_emulator: Callable[..., Emulator]
) -> None:
    emulator = make_emulator(transition_seconds=0)
    worker, heard = make_worker(emulator)
    worker.request_action(ServerKey("", WEB), Action.STOP)
    assert emulator.state.actions == [("service.stop", WEB)]
    assert heard.results == [ActionResult(ServerKey("", WEB), Action.STOP, True, "web-1 stopped")]
    assert heard.snapshots[-1].pending == {}


def test_while_an_action_is_under_way_the_pace_is_fast(
    make_worker: MakeWorker, make_emulator: Callable[..., Emulator]
) -> None:
    emulator = make_emulator(transition_seconds=3600)
    worker, heard = make_worker(emulator)
    worker.request_action(ServerKey("", WEB), Action.STOP)
    worker.request_action(
        ServerKey("", WEB), Action.STOP
    )  # a second click on a busy server sends nothing
    assert emulator.state.actions == [("service.stop", WEB)]
    assert heard.snapshots[-1].pending == {ServerKey("", WEB): Action.STOP}
    assert worker.next_delay == 3.0
    assert heard.results == []


def test_an_action_that_never_settles_fails_after_the_time_limit(
    make_worker: MakeWorker, make_emulator: Callable[..., Emulator]
) -> None:
    emulator = make_emulator(transition_seconds=3600)
    worker, heard = make_worker(emulator, timing=Timing(action_timeout=0.0))
    worker.request_action(ServerKey("", DB), Action.START)
    assert heard.results == [
        ActionResult(
            ServerKey("", DB), Action.START, False, "baza-danych-łódź did not start in time."
        )
    ]


def test_a_refused_action_is_reported_with_zomros_words(
    make_worker: MakeWorker, emulator: Emulator
) -> None:
    worker, heard = make_worker(emulator)
    worker.request_action(ServerKey("", SUSPENDED), Action.START)
    (result,) = heard.results
    assert (result.key, result.action, result.ok) == (ServerKey("", SUSPENDED), Action.START, False)
    assert "Zomro says: The service is suspended" in result.message


def test_a_reboot_counts_as_done_only_after_it_was_seen_rebooting(
    make_worker: MakeWorker, make_emulator: Callable[..., Emulator]
) -> None:
    emulator = make_emulator(transition_seconds=3600)
    worker, heard = make_worker(emulator)
    worker.request_action(ServerKey("", WEB), Action.REBOOT)
    assert heard.results == []  # "rebooting", then "running" again
    emulator.state.set_power(WEB, "active")
    worker.refresh()
    assert heard.results == [
        ActionResult(ServerKey("", WEB), Action.REBOOT, True, "web-1 rebooted")
    ]


def test_a_start_that_lands_stopped_again_failed(
    make_worker: MakeWorker, make_emulator: Callable[..., Emulator]
) -> None:
    emulator = make_emulator(transition_seconds=3600)
    worker, heard = make_worker(emulator)
    worker.request_action(ServerKey("", DB), Action.START)
    emulator.state.set_power(DB, "stopped")
    worker.refresh()
    assert heard.results == [
        ActionResult(
            ServerKey("", DB),
            Action.START,
            False,
            "baza-danych-łódź did not start: it is now stopped.",
        )
    ]


def test_a_server_that_disappears_fails_its_action(
    make_worker: MakeWorker, make_emulator: Callable[..., Emulator]
) -> None:
    emulator = make_emulator(transition_seconds=3600)
    worker, heard = make_worker(emulator)
    worker.request_action(ServerKey("", WEB), Action.STOP)
    del emulator.state.servers[WEB]
    worker.refresh()
    assert heard.results == [
        ActionResult(
            ServerKey("", WEB), Action.STOP, False, "The server disappeared from the account."
        )
    ]


def test_the_menu_refreshes_only_stale_data(make_worker: MakeWorker, emulator: Emulator) -> None:
    fresh, _ = make_worker(emulator, timing=Timing(stale=3600))
    fresh.menu_opened()
    assert fresh.attempts == 1
    stale, _ = make_worker(emulator, timing=Timing(stale=-1))
    stale.menu_opened()
    assert stale.attempts == 2


def test_new_settings_change_the_pace_and_a_new_address_reconnects(
    make_worker: MakeWorker, emulator: Emulator, make_emulator: Callable[..., Emulator]
) -> None:
    worker, _ = make_worker(emulator)
    worker.apply_settings(emulator.url, 1234)
    assert worker.next_delay == 1234.0
    assert worker.attempts == 1  # same address: nothing fetched again
    other = make_emulator()
    other.state.sessions.update(emulator.state.sessions)  # the same sign-in works there
    worker.apply_settings(other.url, 60)
    assert worker.attempts == 2
    assert other.state.calls["instances"] == 1


def test_with_no_sign_in_it_asks_for_one_and_fetches_nothing(
    make_worker: MakeWorker, emulator: Emulator
) -> None:
    worker, heard = make_worker(emulator, secrets=MemorySecrets())
    assert heard.sign_in == [("Sign in to see your servers.", True)]
    assert heard.connections == [(Connection.SIGNED_OUT, "Sign in to see your servers.")]
    worker.refresh()
    worker.request_action(ServerKey("", WEB), Action.STOP)
    assert emulator.state.calls["instances"] == 0
    assert emulator.state.actions == []


def test_a_missing_keychain_is_said_and_nothing_is_fetched(
    make_worker: MakeWorker, emulator: Emulator
) -> None:
    _, heard = make_worker(emulator, secrets=MemorySecrets(broken=True))
    ((message, first_run),) = heard.sign_in
    assert message.startswith("Not signed in. ")
    assert "keychain" in message
    assert first_run


def test_an_expired_session_signs_out_and_forgets_the_account(
    make_worker: MakeWorker, emulator: Emulator
) -> None:
    worker, heard = make_worker(emulator)
    emulator.state.expire_sessions()
    worker.refresh()
    assert heard.connections[-1][0] is Connection.SIGNED_OUT
    assert heard.sign_in[-1][1] is False  # not a first run: a notification, not the dialog
    assert heard.accounts == ["demo", ""]


def test_sign_out_clears_the_keychain(make_worker: MakeWorker, emulator: Emulator) -> None:
    secrets = MemorySecrets(Credentials.from_token(emulator.demo_token))
    worker, heard = make_worker(emulator, secrets=secrets)
    worker.sign_out()
    assert secrets.stored is None
    assert heard.accounts == ["demo", ""]
    assert heard.connections[-1][0] is Connection.SIGNED_OUT


def test_without_whoami_the_account_is_the_tokens_end(
    make_worker: MakeWorker, emulator: Emulator
) -> None:
    emulator.state.inject("none", "none", "html502")  # list and filter work; whoami does not
    _, heard = make_worker(emulator)
    assert heard.accounts == [f"token …{emulator.demo_token[-4:]}"]


def test_a_password_sign_in_is_named_by_whoami(make_worker: MakeWorker, emulator: Emulator) -> None:
    secrets = MemorySecrets(Credentials.from_password(DEMO_USER, DEMO_PASSWORD))
    _, heard = make_worker(emulator, secrets=secrets)
    assert heard.accounts == [DEMO_USER]


def test_checking_a_sign_in_answers_each_way(make_worker: MakeWorker, emulator: Emulator) -> None:
    worker, heard = make_worker(emulator, secrets=MemorySecrets())
    url = emulator.url
    worker.check_sign_in(1, SignInForm(url, AuthMethod.TOKEN, token=emulator.demo_token))
    worker.check_sign_in(2, SignInForm(url, AuthMethod.TOKEN, token="not-a-session"))
    form = SignInForm(
        url, AuthMethod.PASSWORD, username=TWO_FACTOR_USER, password=TWO_FACTOR_PASSWORD
    )
    worker.check_sign_in(3, form)
    worker.check_sign_in(4, SignInForm(**{**form.__dict__, "two_factor_code": TWO_FACTOR_CODE}))
    worker.check_sign_in(
        5, SignInForm(url, AuthMethod.AUTHINFO, username=DEMO_USER, password=DEMO_PASSWORD)
    )
    outcomes = [(c.request_id, c.outcome, c.message) for c in heard.checks]
    assert outcomes[0] == (1, SignInOutcome.OK, "Connected: 5 servers found.")
    assert outcomes[1][:2] == (2, SignInOutcome.ERROR)
    assert outcomes[2][:2] == (3, SignInOutcome.TWO_FACTOR)
    assert outcomes[3][:2] == (4, SignInOutcome.OK)
    assert outcomes[4] == (5, SignInOutcome.OK, "Connected: 5 servers found.")
    assert heard.checks[0].credentials == Credentials.from_token(emulator.demo_token)
    assert len(heard.checks[0].services) == 5
    assert heard.checks[1].credentials is None
    assert heard.checks[3].credentials is not None
    assert heard.checks[3].credentials.method is AuthMethod.PASSWORD
    assert heard.checks[3].credentials.token  # the session it signed in to
    assert heard.checks[3].credentials.password == TWO_FACTOR_PASSWORD  # to sign in again
    assert heard.checks[4].credentials == Credentials.from_password(
        DEMO_USER, DEMO_PASSWORD, authinfo=True
    )
    assert emulator.demo_token not in repr(heard.checks[0])


def test_saving_a_sign_in_keeps_it_and_uses_it(make_worker: MakeWorker, emulator: Emulator) -> None:
    secrets = MemorySecrets()
    worker, heard = make_worker(emulator, secrets=secrets)
    credentials = Credentials.from_token(emulator.demo_token)
    worker.save_credentials(credentials, emulator.url)
    assert secrets.stored == credentials
    assert heard.saved == [(True, "Signed in. The sign-in is kept in the system keychain.")]
    assert heard.connections[-1][0] is Connection.ONLINE
    broken, heard2 = make_worker(emulator, secrets=MemorySecrets(broken=True))
    broken.save_credentials(credentials, emulator.url)
    assert heard2.saved[0][0] is False
    assert "keychain" in heard2.saved[0][1]


def test_a_filter_saved_in_the_panel_is_reported_with_the_list(
    make_worker: MakeWorker, emulator: Emulator
) -> None:
    emulator.state.saved_filters[DEMO_USER] = {"instance_status": "active"}
    _, heard = make_worker(emulator)
    assert heard.snapshots[-1].filtered_by == ("instance_status",)


def test_a_bug_while_refreshing_is_one_sentence_and_the_refreshing_goes_on(
    make_worker: MakeWorker, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    worker, heard = make_worker(emulator)
    assert worker._client is not None
    monkeypatch.setattr(worker._client, "list_services", lambda: 1 / 0)
    worker.refresh()
    assert heard.connections[-1] == (Connection.OFFLINE, str(errors.UnexpectedFailure()))
    assert worker.next_delay == 5.0


def test_a_network_that_comes_back_is_retried_at_once(
    make_worker: MakeWorker, emulator: Emulator
) -> None:
    worker, heard = make_worker(emulator)
    worker.network_back()  # online already: nothing to do
    assert worker.attempts == 1
    emulator.state.inject("reset")
    worker.refresh()
    assert heard.connections[-1][0] is Connection.OFFLINE
    worker.network_back()
    assert worker.attempts == 3
    assert heard.connections[-1] == (Connection.ONLINE, "Connection restored.")


def test_a_reboot_never_seen_rebooting_is_done_once_it_must_have_happened(
    make_worker: MakeWorker, make_emulator: Callable[..., Emulator]
) -> None:
    emulator = make_emulator(transition_seconds=0)  # too quick for any refresh to see it
    worker, heard = make_worker(emulator, timing=Timing(fast=0.0))
    worker.request_action(ServerKey("", WEB), Action.REBOOT)
    assert heard.results == [
        ActionResult(ServerKey("", WEB), Action.REBOOT, True, "web-1 rebooted")
    ]


def test_retry_asks_a_keychain_that_was_unavailable_again(
    make_worker: MakeWorker, emulator: Emulator
) -> None:
    secrets = MemorySecrets(Credentials.from_token(emulator.demo_token), broken=True)
    worker, heard = make_worker(emulator, secrets)
    assert heard.connections[-1][0] is Connection.SIGNED_OUT  # locked at start
    secrets.broken = False  # the person unlocked it
    worker.refresh()  # "Retry now"
    assert heard.connections[-1][0] is Connection.ONLINE
    assert len(heard.snapshots[-1].services) == 5


def test_a_worker_refuses_a_server_of_another_account(
    make_worker: MakeWorker, emulator: Emulator
) -> None:
    worker, _heard = make_worker(emulator)
    worker.request_action(ServerKey("another", WEB), Action.STOP)
    assert emulator.state.actions == []


def test_a_snapshot_is_a_copy_nobody_can_change() -> None:
    """It crosses threads: the worker's own pending actions change after it is sent."""
    from datetime import datetime

    pending = {ServerKey("", "1"): Action.STOP}
    snapshot = Snapshot((), datetime.now(), pending)
    pending[ServerKey("", "2")] = Action.START
    assert dict(snapshot.pending) == {ServerKey("", "1"): Action.STOP}
    with pytest.raises(TypeError):
        snapshot.pending[ServerKey("", "3")] = Action.REBOOT  # type: ignore[index]
