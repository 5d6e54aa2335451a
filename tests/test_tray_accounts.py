"""Several Zomro accounts in one tray (issue 21), end to end against the emulator over HTTP:
each account its own section, worker, keychain entry and sentence; one failing in any way
leaves the others current; Settings adds, renames, reorders and removes them; a settings file
from the single-account release comes through whole."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from zomro_tray.core.account import Account
from zomro_tray.core.credentials import Credentials
from zomro_tray.core.model import Action, ServerKey
from zomro_tray.core.overall import Connection, Overall
from zomro_tray.display.account_words import accounts_tooltip, combined
from zomro_tray.emulator import Emulator
from zomro_tray.emulator.scenarios import CLIENT_ACCOUNTS, DEMO_PASSWORD, DEMO_USER
from zomro_tray.emulator.state import RIGHTS
from zomro_tray.gui.accounts.gathered_notices import GATHER_MS
from zomro_tray.gui.tray.notifier import Severity
from zomro_tray.gui.tray.tray import TrayApp
from zomro_tray.store.keychain import SecretStore
from zomro_tray.store.settings import NotificationKind, Settings, SettingsStore

from conftest import MakeApp, MemoryKeyring, notes_of

USERS = (DEMO_USER, *CLIENT_ACCOUNTS)
LABELS = ("Mine", "Agency", "Client A", "Client B", "Client C")
DATA = Path(__file__).parent / "data"


def password_of(user: str) -> str:
    return DEMO_PASSWORD if user == DEMO_USER else f"{user}-password"


@pytest.fixture
def accounts(make_emulator: Callable[..., Emulator]) -> Emulator:
    return make_emulator("accounts", fault_latency=30.0)


def signed_in(emulator: Emulator, count: int, wrong: str = "") -> tuple[Settings, SecretStore]:
    """``count`` accounts, each with its password in its own keychain entry (``wrong`` gets a
    wrong one)."""
    listed = tuple(
        Account(key=str(n) if n > 1 else "", label=LABELS[n - 1], api_url=emulator.url)
        for n in range(1, count + 1)
    )
    store = SecretStore({})
    for account, user in zip(listed, USERS, strict=False):
        password = "not-the-password" if user == wrong else password_of(user)
        store.save(Credentials.from_password(user, password), account.keychain_entry)
    return Settings(accounts=listed), store


OpenTray = Callable[..., TrayApp]


@pytest.fixture
def open_tray(
    make_app: MakeApp, accounts: Emulator, qtbot: QtBot, memory_keyring: MemoryKeyring
) -> OpenTray:
    """The tray with the first ``count`` accounts signed in, once all are current."""

    def start(count: int) -> TrayApp:
        settings, store = signed_in(accounts, count)
        app = make_app(accounts, settings=settings, secrets=store)
        qtbot.waitUntil(online(app, USERS[:count]), timeout=10_000)
        return app

    return start


def online(app: TrayApp, users: tuple[str, ...]) -> Callable[[], bool]:
    def check() -> bool:
        feeds = [f for f in app.feeds if f.who in users]
        return len(feeds) == len(users) and all(f.connection is Connection.ONLINE for f in feeds)

    return check


@pytest.mark.parametrize("count", [2, 5])
def test_each_account_has_its_own_section_in_the_menu_and_the_window(
    open_tray: OpenTray, accounts: Emulator, qtbot: QtBot, count: int
) -> None:
    app = open_tray(count)
    heads = [f"{label} — signed in as {user}" for label, user in zip(LABELS, USERS, strict=False)]
    qtbot.waitUntil(lambda: app.menu.heads == heads[:count], timeout=5_000)
    for feed, user in zip(app.feeds, USERS, strict=False):
        mine = set(accounts.state.snapshot(user))
        assert {s.id for s in feed.services} == mine  # its own servers, nobody else's
        keys = [ServerKey(feed.account.key, sid) for sid in mine]
        assert all(app.menu.server_action(key) is not None for key in keys)
    assert len(app.tray_host.tooltip.splitlines()) == count + 1  # a line per account
    assert app.view.state is Overall.SOME_STOPPED  # every account has a stopped server
    assert not app.menu.sign_out_action.isVisible()  # several: Settings removes one
    app.show_window()
    window = app.window
    assert window is not None
    assert window.accounts.isVisibleTo(window)
    assert not window.list.isColumnHidden(1)
    window.accounts.setCurrentIndex(window.accounts.findText(LABELS[1]))
    assert sorted(window.visible_names()) == ["agency-1 — Running", "agency-2 — Stopped"]


def test_each_account_renews_its_own_session(
    open_tray: OpenTray, accounts: Emulator, qtbot: QtBot
) -> None:
    """The agency's session ends: its worker signs in again, with its own password, and the
    other account's session is left alone (no sign-in, no gap)."""
    app = open_tray(2)
    signed = accounts.state.calls_by.copy()
    accounts.state.expire_sessions("agency")
    app.feeds.refresh()
    renewed = ("agency", "auth")
    qtbot.waitUntil(lambda: accounts.state.calls_by[renewed] > signed[renewed], timeout=5_000)
    qtbot.waitUntil(online(app, USERS[:2]), timeout=5_000)
    assert accounts.state.calls_by[(DEMO_USER, "auth")] == signed[(DEMO_USER, "auth")]
    assert all(f.connection is Connection.ONLINE for f in app.feeds)


def test_a_click_goes_out_through_the_servers_own_account(
    open_tray: OpenTray, accounts: Emulator, qtbot: QtBot
) -> None:
    app = open_tray(3)
    stopped = next(s for s in list(app.feeds)[1].services if s.name == "agency-2")
    action = app.menu.server_action(stopped.key)
    assert action is not None
    action.trigger()  # Start goes out at once
    started = ("service.start", stopped.id)
    qtbot.waitUntil(lambda: started in accounts.state.actions, timeout=5_000)
    assert accounts.state.calls_by[("agency", "service.start")] == 1  # as the agency, no one else


@pytest.mark.parametrize("count", [2, 5])
def test_requests_per_refresh_are_one_list_per_account(
    open_tray: OpenTray, accounts: Emulator, qtbot: QtBot, count: int
) -> None:
    app = open_tray(count)
    feeds = list(app.feeds)
    before = accounts.state.calls_by.copy()
    refreshes = [feed.worker.refreshes for feed in feeds]
    app.feeds.refresh()
    qtbot.waitUntil(
        lambda: all(f.worker.refreshes > n for f, n in zip(feeds, refreshes, strict=True)),
        timeout=5_000,
    )
    for feed, done in zip(feeds, refreshes, strict=True):
        lists = accounts.state.calls_by[(feed.who, "instances")] - before[(feed.who, "instances")]
        assert lists == feed.worker.refreshes - done  # one page each: one list per refresh
    untouched = [accounts.state.calls_by[(u, "instances")] for u in USERS[count:]]
    assert untouched == [0] * (len(USERS) - count)  # nobody asks for an unlisted account


EXPECTED = {  # the state each failure leaves its account in (its words follow from it)
    "sign-in": Connection.SIGNED_OUT,
    "rights": Connection.REFUSED,  # Zomro answered: not "offline"
    "hostile answer": Connection.OFFLINE,
    "an HTML page": Connection.OFFLINE,
}
FAILURES = {
    "sign-in": "",  # a wrong password
    "rights": RIGHTS,
    "timeout": "latency",
    "hostile answer": "redirect",
    "an HTML page": "html502",
}


@pytest.mark.parametrize("count", [2, 5])
@pytest.mark.parametrize("how", list(FAILURES))
@pytest.mark.usefixtures("memory_keyring")
def test_one_failing_account_has_its_own_sentence_and_never_holds_the_others_back(
    make_app: MakeApp, accounts: Emulator, qtbot: QtBot, how: str, count: int
) -> None:
    failing = USERS[1]  # the second account: the first one's failure opens Settings
    if FAILURES[how]:
        accounts.state.fail_account(failing, FAILURES[how])
    settings, store = signed_in(accounts, count, wrong=failing if how == "sign-in" else "")
    app = make_app(accounts, settings=settings, secrets=store, wait=False)
    notes = notes_of(app)
    others = tuple(u for u in USERS[:count] if u != failing)
    qtbot.waitUntil(online(app, others), timeout=10_000)  # the slow one still waits: not them
    bad = list(app.feeds)[1]
    for feed in app.feeds:
        if feed is not bad:
            assert {s.id for s in feed.services} == set(accounts.state.snapshot(feed.who))
    if how == "timeout":
        assert bad.connection is Connection.STARTING  # its request is still out
        return
    qtbot.waitUntil(lambda: bad.connection is not Connection.STARTING, timeout=10_000)
    assert bad.connection is EXPECTED[how]
    assert bad.problem  # a sentence of its own
    status = app.menu.statuses[1]
    assert status != app.menu.statuses[0]
    assert app.menu.statuses[0].startswith("Updated")
    assert app.menu.heads[1].startswith("Agency")
    assert "Agency: " in app.tray_host.tooltip
    assert app.view.state is Overall.PROBLEM  # the icon shows the one in trouble
    if how == "sign-in":  # told, in the worker's own sentence, naming the account
        qtbot.waitUntil(lambda: any(n[0] is NotificationKind.SIGN_IN for n in notes), timeout=5_000)
        [(_kind, title, text)] = [n for n in notes if n[0] is NotificationKind.SIGN_IN]
        assert "Agency" in title
        assert "password" in text.lower()
    if bad.connection is Connection.SIGNED_OUT:  # "Sign in…" opens on the account it is for
        app.menu.sign_in_action.trigger()
        assert app.dialog is not None
        assert app.dialog.sign_in.current_key == bad.account.key
        app.dialog.reject()


def test_settings_add_reorder_and_remove_accounts_each_with_its_keychain_entry(
    make_app: MakeApp, accounts: Emulator, qtbot: QtBot, memory_keyring: MemoryKeyring
) -> None:
    settings, store = signed_in(accounts, 1)
    app = make_app(accounts, settings=settings, secrets=store)
    qtbot.waitUntil(online(app, (DEMO_USER,)), timeout=10_000)
    assert app.menu.heads == [f"Signed in as {DEMO_USER}"]  # one account: as it always was
    app.open_settings()
    dialog = app.dialog
    assert dialog is not None
    page = dialog.sign_in
    page.add_account()
    page.label.setText("Agency")
    page.label.textEdited.emit("Agency")
    page.username.setText("agency")
    page.password.setText(password_of("agency"))
    dialog._save_clicked()  # tested first, then kept in its own entry
    qtbot.waitUntil(lambda: app.dialog is None, timeout=10_000)
    qtbot.waitUntil(online(app, (DEMO_USER, "agency")), timeout=10_000)
    agency = app.preferences.store.load().accounts[1]
    assert ("zomro-tray", agency.keychain_entry) in memory_keyring.entries
    assert agency.keychain_entry != "credentials"
    assert [a.label for a in app.preferences.store.load().accounts] == ["Mine", "Agency"]
    assert app.menu.heads == ["Mine — signed in as demo", "Agency — signed in as agency"]

    app.open_settings()
    page = app.dialog.sign_in
    page.list.setCurrentRow(1)
    page.move_account(-1)  # the agency first
    app.dialog._save_clicked()
    assert [a.label for a in app.settings.accounts] == ["Agency", "Mine"]
    qtbot.waitUntil(lambda: app.menu.heads[0].startswith("Agency"), timeout=5_000)

    app.open_settings()
    page = app.dialog.sign_in
    page.list.setCurrentRow(0)
    page.remove_account()
    app.dialog._save_clicked()
    gone = ("zomro-tray", agency.keychain_entry)
    qtbot.waitUntil(lambda: gone not in memory_keyring.entries, timeout=5_000)
    assert ("zomro-tray", "credentials") in memory_keyring.entries  # the other one's is kept
    assert [f.who for f in app.feeds] == [DEMO_USER]
    qtbot.waitUntil(lambda: app.menu.heads == [f"Signed in as {DEMO_USER}"], timeout=5_000)
    assert all(e.key.id not in accounts.state.snapshot("agency") for e in app.shown)


def test_the_servers_tab_hides_a_server_in_its_own_account_only(
    open_tray: OpenTray, accounts: Emulator
) -> None:
    app = open_tray(2)
    app.open_settings()
    dialog = app.dialog
    assert dialog is not None
    table = dialog.servers
    rows = [table.topLevelItem(i) for i in range(table.topLevelItemCount())]
    assert {row.text(4) for row in rows} == {"Mine", "Agency"}  # the Account column
    hidden = next(row for row in rows if row.text(0) == "agency-2")
    hidden.setCheckState(0, hidden.checkState(0).Unchecked)
    dialog._save_clicked()
    mine, agency = app.preferences.store.load().accounts
    assert mine.shown_services is None  # all of the first account's still shown
    assert agency.shown_services is not None
    assert set(agency.shown_services) == set(accounts.state.snapshot("agency")) - {
        s.id for s in list(app.feeds)[1].services if s.name == "agency-2"
    }
    assert [e.name for e in app.shown if e.name.startswith("agency")] == ["agency-1"]


def test_a_settings_file_of_the_single_account_release_loses_nothing(tmp_path: Path) -> None:
    """A file written by 0.1.0 (tests/data): its sign-in fields become the first account,
    everything else stays, and the first save writes the new layout with all of it."""
    old = json.loads((DATA / "settings-0.1.0.json").read_text(encoding="utf-8"))
    store = SettingsStore(tmp_path / "config")
    store.config_dir.mkdir()
    shutil.copy(DATA / "settings-0.1.0.json", store.path)
    settings = store.load()
    assert store.warning == ""
    first = settings.first
    assert (first.key, first.api_url, first.sign_in_method, first.username, first.who) == (
        "",
        old["api_url"],
        old["sign_in_method"],
        old["username"],
        old["account"],
    )
    assert first.shown_services == tuple(old["shown_services"])
    assert first.keychain_entry == "credentials"  # the sign-in stored by 0.1.0 is found
    for name in ("notifications", "refresh_seconds", "runway_warning_days"):
        assert getattr(settings, name) == old[name], name
    assert first.aliases == old["aliases"]  # app-wide then: the only account's now
    assert (settings.confirm_before_stop, settings.start_at_login, settings.language) == (
        old["confirm_before_stop"],
        old["start_at_login"],
        old["language"],
    )
    assert first.always_ask == tuple(old["protected_services"])
    assert settings.protects(ServerKey("", old["protected_services"][0]))
    store.save(settings)
    assert store.load() == settings
    written = json.loads(store.path.read_text(encoding="utf-8"))
    assert "api_url" not in written
    assert written["accounts"][0]["who"] == old["account"]


def test_the_tooltip_has_a_line_per_account_with_its_status_or_its_counts() -> None:
    lines = [("Mine", (), ""), ("Client", (), "Offline — retrying"), ("x" * 300, (), "")]
    tip = accounts_tooltip(lines).split("\n")
    assert tip[:3] == ["zomro-tray", "Mine: no servers", "Client: Offline — retrying"]
    assert tip[3].endswith(": no servers")
    assert len(tip[3]) < 100  # a long name is elided


def test_an_account_replaced_in_the_settings_keeps_its_place_and_the_others() -> None:
    settings = Settings(accounts=(Account(label="Mine"), Account(key="2", label="Client")))
    renamed = settings.with_account(Account(key="2", label="Agency"))
    assert [(a.key, a.label) for a in renamed.accounts] == [("", "Mine"), ("2", "Agency")]
    assert settings.with_account(Account(key="9", label="Nobody")).accounts == settings.accounts


def test_the_icon_takes_the_most_urgent_accounts_state() -> None:
    assert combined([Overall.ALL_RUNNING, Overall.PROBLEM]) is Overall.PROBLEM
    assert combined([Overall.SOME_STOPPED, Overall.ALL_RUNNING]) is Overall.SOME_STOPPED
    assert combined([Overall.IN_PROGRESS, Overall.SOME_STOPPED]) is Overall.IN_PROGRESS
    assert combined([Overall.LOADING, Overall.ALL_RUNNING]) is Overall.ALL_RUNNING
    assert combined([Overall.LOADING, Overall.LOADING]) is Overall.LOADING


def test_the_demo_with_several_accounts_shows_each_ones_servers_and_balance(
    qtbot: QtBot, tmp_path: Path, make_emulator: Callable[..., Emulator]
) -> None:
    """``zomro-tray --demo-accounts``: five accounts, each signed in from memory only."""
    from zomro_tray.gui.app import demo_accounts

    emulator = make_emulator("accounts")
    settings, keychain = demo_accounts(emulator, several=True)
    store = SettingsStore(tmp_path)
    store.save(settings)
    app = TrayApp(store, keychain, demo=True)
    try:
        app.start()
        qtbot.waitUntil(online(app, USERS), timeout=10_000)
        qtbot.waitUntil(lambda: all(f.money.line() for f in app.feeds), timeout=10_000)
        balances = [f.money.line().split(" — ")[0] for f in app.feeds]
        assert len(set(balances)) == 5  # each account's own balance
        assert [len(f.services) for f in app.feeds] == [5, 2, 2, 2, 2]
        assert app.menu.statuses[0].startswith("Demo — ")
    finally:
        app.stop_worker()
        app.dispose()


# --- the same id in two accounts (issue 28: a click must never reach another account) -------

WEB = "5116804"  # the demo's running web-1: both endpoints below list it


@pytest.fixture
def twins(
    make_app: MakeApp,
    make_emulator: Callable[..., Emulator],
    qtbot: QtBot,
    memory_keyring: MemoryKeyring,
) -> tuple[TrayApp, Emulator, Emulator]:
    """Two accounts on two endpoints that list the same ids (a second API address, the same
    login added twice, a hostile server): the first calls its web-1 "mine", the second always
    asks before a shutdown of its own."""
    mine, theirs = make_emulator(), make_emulator()
    settings = Settings(
        accounts=(
            Account(label="Mine", api_url=mine.url, aliases={WEB: "mine-web"}),
            Account(key="2", label="Client", api_url=theirs.url, always_ask=(WEB,)),
        )
    )
    store = SecretStore({})
    store.save(Credentials.from_token(mine.demo_token), "credentials")
    store.save(Credentials.from_token(theirs.demo_token), "credentials-2")
    app = make_app(mine, settings=settings, secrets=store)
    qtbot.waitUntil(
        lambda: all(f.connection is Connection.ONLINE for f in app.feeds), timeout=10_000
    )
    return app, mine, theirs


def test_the_same_id_in_two_accounts_is_two_servers_and_a_click_reaches_its_own(
    twins: tuple[TrayApp, Emulator, Emulator], qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zomro_tray.gui.dialogs import questions

    app, mine, theirs = twins
    first, second = ServerKey("", WEB), ServerKey("2", WEB)
    assert app.menu.server_action(first) is not app.menu.server_action(second)
    assert app.menu.server_action(first).text().startswith("mine-web")  # type: ignore[union-attr]
    assert app.menu.server_action(second).text().startswith("web-1")  # type: ignore[union-attr]
    asked: list[str] = []
    titles: list[str] = []
    app.notified.connect(lambda _kind, title, _text: titles.append(title))
    monkeypatch.setattr(questions, "confirm_power", lambda _a, name: asked.append(name) or True)
    app.menu.server_action(second).trigger()  # its own account asks first, and names itself
    assert asked == ["web-1 — Client"]
    qtbot.waitUntil(lambda: ("service.stop", WEB) in theirs.state.actions, timeout=5_000)
    assert mine.state.actions == []  # the first account's web-1 was never touched
    qtbot.waitUntil(lambda: second not in app.power.local_pending, timeout=10_000)
    qtbot.waitUntil(lambda: bool(titles), timeout=5_000)
    assert titles[-1].endswith(" — Client")  # the notification names its account
    assert app.entry(first).state.value == "active"  # type: ignore[union-attr]
    app.menu.server_action(first).trigger()  # the first one waits for its undo time instead
    assert app.entry(first).undo  # type: ignore[union-attr]
    assert not app.entry(second).undo  # type: ignore[union-attr]
    app.power.undo(first)
    assert mine.state.actions == []


def test_a_notification_and_the_window_name_the_server_with_its_account(
    twins: tuple[TrayApp, Emulator, Emulator], qtbot: QtBot
) -> None:
    app, mine, theirs = twins
    second = ServerKey("2", WEB)
    app.open_server(second)  # a clicked notification about the second account's web-1
    window = app.window
    assert window is not None
    assert window._current_key() == second
    qtbot.waitUntil(lambda: theirs.state.calls["instances.edit"] > 0, timeout=5_000)
    assert mine.state.calls["instances.edit"] == 0  # its details were read from its account
    story = window.story
    qtbot.waitUntil(lambda: story._story is not None, timeout=5_000)
    assert story._story.key == second  # type: ignore[union-attr]


def test_a_worker_refuses_a_click_on_another_accounts_server(
    twins: tuple[TrayApp, Emulator, Emulator], qtbot: QtBot
) -> None:
    """The last door: even a command put on the wrong account's thread sends nothing."""
    app, mine, _theirs = twins
    first_feed = app.feeds.first
    first_feed.request_action(ServerKey("2", WEB), Action.STOP)
    first_feed.request_action(ServerKey("", "5116805"), Action.START)  # its own: sent
    qtbot.waitUntil(lambda: ("service.start", "5116805") in mine.state.actions, timeout=5_000)
    assert ("service.stop", WEB) not in mine.state.actions


# --- a limit on accounts, and one notice for many (issue 28) --------------------------------


def many_accounts(url: str, count: int) -> Settings:
    return Settings(
        accounts=tuple(
            Account(key=str(n) if n > 1 else "", label=f"Client {n}", api_url=url)
            for n in range(1, count + 1)
        )
    )


def test_a_file_with_more_accounts_than_the_limit_shows_the_first_and_keeps_the_file(
    tmp_path: Path,
) -> None:
    store = SettingsStore(tmp_path / "config")
    store.config_dir.mkdir()
    listed = many_accounts("https://api.zomro.com/", 300)
    store.path.write_text(json.dumps(listed.to_json()), encoding="utf-8")
    settings = store.load()
    assert [a.label for a in settings.accounts] == [f"Client {n}" for n in range(1, 31)]
    assert "at most 30 Zomro accounts" in store.warning
    kept = next(tmp_path.joinpath("config").glob("settings.too-many-accounts-*.json"))
    assert len(json.loads(kept.read_text(encoding="utf-8"))["accounts"]) == 300  # nothing lost


@pytest.mark.usefixtures("memory_keyring")
def test_many_accounts_that_cannot_reach_zomro_are_told_in_one_notification(
    make_app: MakeApp, make_emulator: Callable[..., Emulator], qtbot: QtBot
) -> None:
    down = make_emulator(fault_rate=1.0, fault_choices=("html502",))
    settings = many_accounts(down.url, 300)
    store = SecretStore({})
    for account in settings.accounts:
        store.save(Credentials.from_token(down.demo_token), account.keychain_entry)
    app = make_app(down, settings=settings, secrets=store, wait=False)
    heard: list[tuple[str, str]] = []
    app.notified.connect(lambda _kind, title, text: heard.append((title, text)))
    assert len(app.feeds) == 30
    qtbot.waitUntil(lambda: sum(f.connection.retrying for f in app.feeds) == 30, timeout=20_000)
    qtbot.wait(GATHER_MS * 2)  # what was held is told
    offline = [(t, x) for t, x in heard if "Zomro" in t]
    assert len(offline) == 1, offline  # one notice for the outage, not thirty
    title, text = offline[0]
    count = int(title.split()[0])
    assert title == f"{count} accounts cannot reach Zomro"
    assert count > 1
    assert text.startswith("Client ")
    assert len(text.split(", ")) == min(count, 5)
    assert text.endswith(f"and {count - 5} more") if count > 5 else "more" not in text


def test_the_command_line_refuses_an_account_past_the_limit(
    emulator: Emulator, isolated_home: Path
) -> None:
    from test_cli import run

    SettingsStore(isolated_home).save(many_accounts(emulator.url, 30))
    done = run(
        ["--api-url", emulator.url, "login", "--account", "one more"],
        stdin=emulator.demo_token + "\n",
        env={"XDG_CONFIG_HOME": str(isolated_home.parent)},
    )
    assert done.returncode == 2, done.stderr
    assert "at most 30 Zomro accounts" in done.stderr
    assert len(SettingsStore(isolated_home).load().accounts) == 30


def test_one_outage_is_told_once_and_again_only_after_every_account_is_back(qtbot: QtBot) -> None:
    from zomro_tray.gui.accounts.gathered_notices import GatheredNotices, Situation

    told: list[str] = []
    alone: list[str] = []
    gathered = GatheredNotices(lambda _kind, title, text, *, warning=False: told.append(title))
    for key, name in (("", "Mine"), ("2", "Client")):
        gathered.add(Situation.OFFLINE, key, name, lambda name=name: alone.append(name))
    gathered.flush()
    assert told == ["2 accounts cannot reach Zomro"]
    gathered.add(Situation.OFFLINE, "3", "Agency", lambda: alone.append("Agency"))
    gathered.flush()
    assert (told, alone) == (["2 accounts cannot reach Zomro"], [])  # the same outage: quiet
    for key in ("", "2"):
        gathered.left(key, Situation.OFFLINE)
    gathered.left("3", *Situation)  # removed: nothing of it stays told
    gathered.add(Situation.OFFLINE, "2", "Client", lambda: alone.append("Client"))
    gathered.flush()
    assert alone == ["Client"]  # a new outage, one account: told as its own


def test_each_account_remembers_who_signed_in_to_it(open_tray: OpenTray) -> None:
    """The person is kept per account (another person later starts with every server shown)."""
    app = open_tray(2)
    assert [a.who for a in app.settings.accounts] == list(USERS[:2])
    assert [a.who for a in app.preferences.store.load().accounts] == list(USERS[:2])


def test_an_accounts_notification_keeps_its_warning_and_its_target(
    open_tray: OpenTray, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_tray(2)
    shown: list[tuple[str, str, Severity, object]] = []
    monkeypatch.setattr(app.notifier, "show", lambda *a: shown.append(a) or True)
    second = list(app.feeds)[1]
    key = ServerKey(second.account.key, WEB)
    second.notify(NotificationKind.PROBLEM, "Title", "Text", warning=True, target=key)
    assert shown == [("Title — Agency", "Text", Severity.WARNING, key)]


def test_a_removed_account_owns_nothing(open_tray: OpenTray) -> None:
    app = open_tray(2)
    assert app.feeds.feed("no-such-account") is None
    assert app.feeds.owner(ServerKey("no-such-account", WEB)) is None
    assert app.feeds.owner(ServerKey("2", WEB)) is list(app.feeds)[1]


def test_a_sign_in_the_keychain_cannot_keep_says_why_and_keeps_the_dialog_open(
    open_tray: OpenTray, qtbot: QtBot
) -> None:
    import keyring
    import keyring.backends.fail

    app = open_tray(1)
    app.open_settings()
    dialog = app.dialog
    assert dialog is not None
    dialog.sign_in.username.setText(DEMO_USER)
    dialog.sign_in.password.setText(password_of(DEMO_USER))
    assert dialog.sign_in.sign_in_form() is not None
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        dialog._save_clicked()  # tested, then refused by the keychain
        qtbot.waitUntil(lambda: "keychain" in dialog.sign_in.check_result.text(), timeout=10_000)
    finally:
        keyring.set_keyring(previous)
    assert app.dialog is dialog  # the password typed is not thrown away
    dialog.reject()


def test_each_accounts_status_for_settings_is_its_own(open_tray: OpenTray) -> None:
    from zomro_tray.core.account import AccountStatus

    app = open_tray(2)
    second = list(app.feeds)[1]
    assert second.status() == AccountStatus("2", "agency", True, second.services)
    second.connection = Connection.SIGNED_OUT
    assert second.status().signed_in is False
