"""The tray app with pytest-qt on the offscreen platform, against the emulator over real HTTP."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from zomro_tray.core.account import Account
from zomro_tray.core.credentials import AuthMethod, Credentials
from zomro_tray.core.model import Action, PowerState
from zomro_tray.core.overall import Connection
from zomro_tray.emulator import Emulator
from zomro_tray.emulator.scenarios import DEMO_USER
from zomro_tray.gui.accounts.preferences import Problem
from zomro_tray.gui.dialogs import questions
from zomro_tray.gui.tray import tray as tray_module
from zomro_tray.gui.tray.power import Undo
from zomro_tray.gui.tray.tray import TrayApp
from zomro_tray.store.keychain import SecretStore, SessionOnlyStore
from zomro_tray.store.settings import NOTIFICATION_KINDS, NotificationKind, Settings, SettingsStore
from zomro_tray.worker.contract import ActionResult

from conftest import TRAY_TIMING, MakeApp, MemoryKeyring, first, notes_of

FAST = TRAY_TIMING
WEB, DB, SUSPENDED = "5116804", "5116805", "5116807"


def use_method(dialog: Any, method: AuthMethod) -> None:
    dialog.sign_in.method.setCurrentIndex(dialog.sign_in.method.findData(method))


def label(app: TrayApp, service_id: str) -> str:
    action = app.menu.server_action(first(service_id))
    assert action is not None
    return action.text()


def test_the_menu_lists_the_servers_with_their_states(
    make_app: MakeApp, emulator: Emulator
) -> None:
    app = make_app(emulator)
    assert app.feeds.first.connection is Connection.ONLINE
    assert [label(app, sid) for sid in (WEB, DB, SUSPENDED, "5116806", "5116808")] == [
        "web-1 — Running",
        "baza-danych-łódź — Stopped",
        "staging-żółw — Suspended by Zomro (unpaid)",
        "бэкап-сервер — Running",
        "ci-runner — Running",
    ]
    states = {e.key.id: e.state for e in app.shown}
    assert states[WEB] is PowerState.ACTIVE
    assert states[DB] is PowerState.STOPPED
    assert not app.menu.server_action(first(WEB)).icon().isNull()
    assert "1 stopped" in app.tray_host.tooltip
    assert "3 running" in app.tray_host.tooltip


def test_a_provider_suspended_server_is_disabled_with_the_reason(
    make_app: MakeApp, emulator: Emulator
) -> None:
    app = make_app(emulator)
    action = app.menu.server_action(first(SUSPENDED))
    assert not action.isEnabled()
    assert "cannot be started" in action.toolTip()


def test_clicking_a_stopped_server_starts_it_once_and_shows_the_way(
    make_app: MakeApp, make_emulator: Callable[..., Emulator], qtbot: QtBot
) -> None:
    emulator = make_emulator(transition_seconds=0.6)
    app = make_app(emulator)
    seen: list[str] = []
    app.refreshed.connect(lambda: seen.append(label(app, DB)))
    app.menu.server_action(first(DB)).trigger()
    seen.append(label(app, DB))  # answered at once, before the API
    assert seen == ["baza-danych-łódź — Starting…"]
    app.menu.server_action(first(DB)).trigger()  # a second click on a busy server...
    app.toggle(first(DB))
    qtbot.waitUntil(lambda: seen[-1] == "baza-danych-łódź — Running", timeout=10_000)
    assert emulator.state.actions == [("service.start", DB)]  # ...sent nothing
    assert "baza-danych-łódź — Starting…" in seen[1:]  # the API's own transition was shown


def test_stopping_asks_first_when_the_setting_says_so(
    make_app: MakeApp, emulator: Emulator, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(
        emulator,
        settings=Settings(accounts=(Account(api_url=emulator.url),), confirm_before_stop=True),
    )
    answers = iter([False, True])
    monkeypatch.setattr(questions, "confirm_power", lambda action, name: next(answers))
    app.menu.server_action(first(WEB)).trigger()
    assert label(app, WEB) == "web-1 — Running"
    app.menu.server_action(first(WEB)).trigger()
    assert label(app, WEB) == "web-1 — Stopping…"
    qtbot.waitUntil(lambda: label(app, WEB) == "web-1 — Stopped", timeout=10_000)
    assert emulator.state.actions == [("service.stop", WEB)]


def test_action_results_and_refusals_are_notified(
    make_app: MakeApp, emulator: Emulator, qtbot: QtBot
) -> None:
    app = make_app(emulator)
    notes = notes_of(app)
    app.power.send(first(SUSPENDED), Action.START)
    qtbot.waitUntil(lambda: bool(notes), timeout=5_000)
    assert notes[0][0] == "action_result"
    assert "Zomro says: The service is suspended" in notes[0][2]
    assert label(app, SUSPENDED).endswith("Suspended by Zomro (unpaid)")
    app.menu.server_action(first(WEB)).trigger()
    qtbot.waitUntil(lambda: len(notes) == 3, timeout=10_000)
    assert notes[1][:2] == ("action_result", "Shutting down web-1")  # with its undo
    assert notes[2] == ("action_result", "web-1 stopped", "")


def test_a_server_stopped_elsewhere_is_notified(
    make_app: MakeApp, emulator: Emulator, qtbot: QtBot
) -> None:
    app = make_app(emulator)
    notes = notes_of(app)
    emulator.state.set_power(WEB, "stopped")
    emulator.state.set_power("5116806", "stopped", billing=("3_abusesuspend", "Suspended"))
    app.feeds.first.refresh()
    qtbot.waitUntil(lambda: len(notes) == 2, timeout=5_000)
    assert {n[2] for n in notes} == {"web-1 stopped.", "бэкап-сервер was suspended by Zomro."}


def test_menu_entries_are_updated_in_place(
    make_app: MakeApp, emulator: Emulator, qtbot: QtBot
) -> None:
    app = make_app(emulator)
    before = app.menu.server_action(first(WEB))
    count = len(app.menu.menu.actions())
    emulator.state.set_power(WEB, "stopped")
    app.feeds.first.refresh()
    qtbot.waitUntil(lambda: label(app, WEB) == "web-1 — Stopped", timeout=5_000)
    assert app.menu.server_action(first(WEB)) is before
    assert len(app.menu.menu.actions()) == count


def test_hidden_servers_and_aliases(make_app: MakeApp, emulator: Emulator) -> None:
    settings = Settings(
        accounts=(Account(api_url=emulator.url, shown_services=(WEB, DB), aliases={WEB: "Sklep"}),)
    )
    app = make_app(emulator, settings=settings)
    assert [e.label for e in app.shown] == ["Sklep — Running", "baza-danych-łódź — Stopped"]
    assert app.menu.server_action(first(SUSPENDED)) is None


def test_an_expired_session_asks_for_sign_in_and_recovers_after_it(
    make_app: MakeApp,
    emulator: Emulator,
    qtbot: QtBot,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
) -> None:
    store = SecretStore()
    store.save(Credentials.from_token(emulator.demo_token))
    app = make_app(emulator, secrets=store)
    notes: list[tuple[str, str, str]] = []
    app.notified.connect(lambda *n: notes.append(n))
    emulator.state.expire_sessions()
    app.feeds.first.refresh()
    qtbot.waitUntil(lambda: app.feeds.first.connection is Connection.SIGNED_OUT, timeout=5_000)
    assert app.menu.sign_in_action.isVisible()
    assert app.menu.statuses[0] == "Sign-in needed"
    assert notes[-1][0] == "sign_in"

    app.open_settings()
    dialog = app.dialog
    assert dialog is not None
    new_token = emulator.state.new_session(DEMO_USER)
    use_method(dialog, AuthMethod.TOKEN)
    dialog.sign_in.token.setText(new_token)
    dialog._save_clicked()  # tests the sign-in, then keeps it
    qtbot.waitUntil(lambda: app.dialog is None, timeout=10_000)
    qtbot.waitUntil(lambda: app.feeds.first.connection is Connection.ONLINE, timeout=10_000)
    assert not app.menu.sign_in_action.isVisible()
    assert Credentials.from_secret(
        memory_keyring.entries[("zomro-tray", "credentials")]
    ) == Credentials.from_token(new_token)
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert new_token not in path.read_text(errors="replace")


def test_the_dialog_reports_a_bad_token_and_keeps_nothing(
    make_app: MakeApp, emulator: Emulator, qtbot: QtBot, memory_keyring: MemoryKeyring
) -> None:
    app = make_app(emulator, secrets=SecretStore())  # nothing stored: first run
    qtbot.waitUntil(lambda: app.dialog is not None, timeout=5_000)  # opens by itself
    dialog = app.dialog
    assert "Sign in" in dialog.sign_in.notice.text()
    use_method(dialog, AuthMethod.TOKEN)
    dialog.sign_in.token.setText("not-a-session")
    dialog.sign_in.test_button.click()
    qtbot.waitUntil(lambda: "sign in again" in dialog.sign_in.check_result.text(), timeout=5_000)
    dialog._save_clicked()
    qtbot.waitUntil(dialog.sign_in.test_button.isEnabled, timeout=5_000)
    assert app.dialog is dialog
    assert not memory_keyring.entries


def test_two_factor_sign_in_in_the_dialog(
    make_app: MakeApp, emulator: Emulator, qtbot: QtBot, memory_keyring: MemoryKeyring
) -> None:
    from zomro_tray.emulator.scenarios import (
        TWO_FACTOR_CODE,
        TWO_FACTOR_PASSWORD,
        TWO_FACTOR_USER,
    )

    app = make_app(emulator, secrets=SecretStore())
    qtbot.waitUntil(lambda: app.dialog is not None, timeout=5_000)
    dialog = app.dialog
    assert dialog.sign_in.current_method() is AuthMethod.PASSWORD  # the plain way comes first
    dialog.sign_in.username.setText(TWO_FACTOR_USER)
    dialog.sign_in.password.setText(TWO_FACTOR_PASSWORD)
    dialog.sign_in.test_button.click()
    qtbot.waitUntil(lambda: "two-factor" in dialog.sign_in.check_result.text(), timeout=5_000)
    dialog.sign_in.code.setText(TWO_FACTOR_CODE)
    dialog._save_clicked()
    qtbot.waitUntil(lambda: app.feeds.first.connection is Connection.ONLINE, timeout=10_000)
    assert sorted(e.name for e in app.shown) == ["totp-db", "totp-web"]
    stored = Credentials.from_secret(memory_keyring.entries[("zomro-tray", "credentials")])
    assert stored is not None
    assert stored.username == TWO_FACTOR_USER


def test_the_settings_dialog_writes_settings_but_no_secret(
    make_app: MakeApp, emulator: Emulator, qtbot: QtBot
) -> None:
    app = make_app(emulator)
    app.open_settings()
    dialog = app.dialog
    dialog.refresh.setValue(120)
    dialog.warning_days.setValue(7)
    dialog.confirm_stop.setChecked(True)
    dialog.notify_boxes[NotificationKind.CONNECTION].setChecked(False)
    dialog.notify_boxes[NotificationKind.MONEY].setChecked(False)
    first = dialog.servers.topLevelItem(0)
    first.setText(1, "Sklep ☕")
    dialog.servers.topLevelItem(1).setCheckState(0, first.checkState(0).Unchecked)
    dialog._save_clicked()
    saved = app.preferences.store.load()
    assert saved.refresh_seconds == 120
    assert saved.runway_warning_days == 7
    assert saved.confirm_before_stop
    assert not saved.notify(NotificationKind.CONNECTION)
    assert not saved.notify(NotificationKind.MONEY)
    assert saved.first.aliases == {WEB: "Sklep ☕"}
    assert DB not in (saved.first.shown_services or ())
    assert emulator.demo_token not in app.preferences.store.path.read_text()


def test_offline_backs_off_notifies_once_and_recovers(
    make_app: MakeApp, emulator: Emulator, qtbot: QtBot
) -> None:
    app = make_app(emulator)
    notes: list[tuple[str, str, str]] = []
    app.notified.connect(lambda *n: notes.append(n))
    delays: list[float] = []
    app.feeds.first.worker.connection_changed.connect(
        lambda *_: delays.append(app.feeds.first.worker.next_delay)
    )
    emulator.state.fault_choices = ("html502", "reset", "ip460", "malformed")
    emulator.state.fault_rate = 1.0
    app.feeds.first.refresh()
    qtbot.waitUntil(lambda: len(delays) >= 4, timeout=10_000)
    assert app.feeds.first.connection is Connection.OFFLINE
    assert app.menu.statuses[0].startswith("Offline, next try at ")
    assert delays[:4] == [0.2, 0.4, 0.8, 0.8]  # exponential, capped
    # The last known state stays on show, saying how old it is; nothing can be clicked.
    assert label(app, WEB) == "web-1 — Running (last seen just now)"
    assert not app.menu.server_action(first(WEB)).isEnabled()
    assert app.menu.refresh_action.text() == "Retry now"
    emulator.state.clear_faults()
    qtbot.waitUntil(lambda: app.feeds.first.connection is Connection.ONLINE, timeout=10_000)
    kinds = [(n[0], n[1]) for n in notes]
    assert kinds == [("connection", "Zomro cannot be reached"), ("connection", "Back online")]


def test_the_gui_thread_keeps_ticking_while_zomro_takes_3_seconds(
    make_app: MakeApp, make_emulator: Callable[..., Emulator], qtbot: QtBot
) -> None:
    """Every answer takes 3 s; the GUI thread runs on meanwhile. (How long it ever stalls is
    measured by `python -m benchmarks stalls`, not asserted here: the machines are noisy.)"""
    emulator = make_emulator(latency=3.0)
    app = make_app(emulator, wait=False)  # the first refresh is in flight for 3 s
    app.menu.menu.popup(app.menu.menu.pos())  # the menu opens and works meanwhile
    assert app.menu.menu.isVisible()
    assert emulator.state.calls["instances"] == 0  # Zomro has not answered yet
    app.menu.asks.refresh_clicked.emit()
    qtbot.waitUntil(lambda: app.feeds.first.connection is Connection.ONLINE, timeout=15_000)
    app.menu.server_action(first(DB)).trigger()  # an action with a 3 s answer
    assert label(app, DB).endswith("Starting…")  # shown at once, before Zomro answers
    answered: list[bool] = []
    QTimer.singleShot(0, lambda: answered.append(("service.start", DB) in emulator.state.actions))
    qtbot.waitUntil(lambda: bool(answered), timeout=2_000)
    assert answered == [False]  # the GUI handled an event while the request still waited
    # Sent after the refresh queued above and at most one balance request (3 s each).
    qtbot.waitUntil(lambda: ("service.start", DB) in emulator.state.actions, timeout=15_000)
    app.menu.menu.hide()


def test_quit_aborts_a_request_in_flight_and_the_worker_ends(
    make_app: MakeApp,
    make_emulator: Callable[..., Emulator],
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The event quitting waits for is the request's abort: Zomro would answer in ten minutes,
    and quitting may wait far longer than the app's one second for the thread (no wall-clock
    margin in the test); the thread ends only because the request was broken off."""
    from zomro_tray.gui.accounts import worker_host

    monkeypatch.setattr(worker_host, "QUIT_WAIT_MS", 120_000)
    emulator = make_emulator(latency=600.0)
    app = make_app(emulator, wait=False)
    qtbot.waitUntil(lambda: app.feeds.first.worker.attempts == 1, timeout=5_000)  # in flight
    app.stop_worker()
    assert not app.feeds.first.is_running()
    assert app.feeds.first.worker.refreshes == 0  # it never answered: it was aborted


def test_no_tray_shows_a_window_with_the_same_list_at_once(
    make_app: MakeApp, emulator: Emulator, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "ubuntu:GNOME")
    app = make_app(emulator, wait=False)  # the offscreen platform has no tray
    assert app.window is not None
    assert app.window.isVisible()
    qtbot.waitUntil(lambda: app.feeds.first.connection is Connection.ONLINE, timeout=10_000)
    window = app.window
    assert len(window.visible_names()) == 5
    assert window.hint.isVisibleTo(window)
    assert "AppIndicator" in window.hint.text()
    assert "quits" in window.hint.text()
    window.select(first(DB))  # baza-danych-łódź, stopped
    assert window.toggle.text() == "Start"
    window.toggle.click()
    qtbot.waitUntil(lambda: ("service.start", DB) in emulator.state.actions, timeout=5_000)


def test_a_second_launch_opens_the_first_ones_menu(qtbot: QtBot, tmp_path: Path) -> None:
    from zomro_tray.gui.single_instance import SingleInstance

    first = SingleInstance("zomro-tray-test", tmp_path)
    assert first.acquire()
    second = SingleInstance("zomro-tray-test", tmp_path)
    assert not second.acquire()
    assert not second.notify_running()  # the lock is held, the first one does not listen yet
    first.listen()
    with qtbot.waitSignal(first.activated, timeout=5_000):
        assert second.notify_running()
    first.close()
    third = SingleInstance("zomro-tray-test", tmp_path)
    assert third.acquire()  # the first one has gone: the next launch is the first again
    third.close()


def test_two_launches_at_the_same_instant_never_both_run(tmp_path: Path) -> None:
    """Found by a red-team pass: 13 of 20 simultaneous launches both ran before the lock."""
    import subprocess
    import sys

    probe = (
        "import sys, time; from pathlib import Path; from PySide6.QtCore import QCoreApplication; "
        "from zomro_tray.gui.single_instance import SingleInstance; app = QCoreApplication([]); "
        "me = SingleInstance('race', Path(sys.argv[1])); won = me.acquire(); "
        "print(won, flush=True); time.sleep(1.0 if won else 0)"
    )
    for trial in range(5):
        folder = tmp_path / str(trial)
        folder.mkdir()
        launches = [
            subprocess.Popen(
                [sys.executable, "-c", probe, str(folder)], stdout=subprocess.PIPE, text=True
            )
            for _ in range(3)
        ]
        winners = [p.communicate(timeout=60)[0].strip() for p in launches]
        assert winners.count("True") == 1, winners


def test_the_instance_lock_is_per_session_and_in_an_owner_only_folder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from zomro_tray.gui import single_instance

    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    first_session = single_instance.default_name()
    monkeypatch.setenv("DISPLAY", ":1")
    assert single_instance.default_name() != first_session
    folder = single_instance.runtime_dir()
    assert folder.stat().st_mode & 0o077 == 0  # no one else may enter it


def test_copy_ip_puts_the_address_on_the_clipboard(make_app: MakeApp, emulator: Emulator) -> None:
    app = make_app(emulator)
    app.menu.asks.copy_ip_clicked.emit(first(WEB))
    assert QApplication.clipboard().text() == "203.0.113.10"


def test_a_missing_keychain_is_explained_in_the_dialog(
    make_app: MakeApp, emulator: Emulator, qtbot: QtBot, no_keyring: None, tmp_path: Path
) -> None:
    app = make_app(emulator, secrets=SecretStore())
    qtbot.waitUntil(lambda: app.dialog is not None, timeout=5_000)
    dialog = app.dialog
    assert "No usable system keychain" in dialog.sign_in.notice.text()
    use_method(dialog, AuthMethod.TOKEN)
    dialog.sign_in.token.setText(emulator.demo_token)
    dialog._save_clicked()  # the token works, but there is nowhere safe to keep it
    no_keychain = "No usable system keychain"
    qtbot.waitUntil(lambda: no_keychain in dialog.sign_in.check_result.text(), timeout=5_000)
    assert app.dialog is dialog  # still open: nothing was lost or silently dropped
    assert app.feeds.first.connection is Connection.SIGNED_OUT
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert emulator.demo_token not in path.read_text(errors="replace")


def test_a_session_dropped_right_after_signing_in_again_is_retried_not_signed_out(
    make_app: MakeApp, emulator: Emulator, qtbot: QtBot
) -> None:
    """Found by the soak: the stored password works, so the app keeps trying by itself."""
    from zomro_tray.emulator.scenarios import DEMO_PASSWORD

    app = make_app(
        emulator, secrets=SessionOnlyStore(Credentials.from_password(DEMO_USER, DEMO_PASSWORD))
    )
    assert app.feeds.first.connection is Connection.ONLINE
    # instances (expired), keepalive, auth, whoami, instances: expired again at once
    emulator.state.inject("expire", "none", "none", "none", "expire")
    app.feeds.first.refresh()
    qtbot.waitUntil(lambda: emulator.state.calls["auth"] >= 3, timeout=5_000)
    qtbot.waitUntil(lambda: app.feeds.first.connection is Connection.ONLINE, timeout=5_000)
    assert app.dialog is None


def test_an_open_menu_relays_out_after_a_batched_update(
    make_app: MakeApp, emulator: Emulator, qtbot: QtBot
) -> None:
    """Updates to an open menu are batched into one relayout: it must still happen."""
    app = make_app(emulator)
    app.menu.menu.popup(app.menu.menu.pos())
    qtbot.waitUntil(app.menu.menu.isVisible)
    narrow = app.menu.menu.sizeHint().width()
    app.apply_settings(
        Settings(
            accounts=(
                Account(
                    api_url=emulator.url,
                    aliases={WEB: "a much, much longer name for the web server"},
                ),
            ),
        )
    )
    assert label(app, WEB).startswith("a much, much longer name")
    assert app.menu.menu.sizeHint().width() > narrow
    assert app.menu.menu.width() > narrow  # the open menu itself grew
    app.menu.menu.hide()


def test_left_click_pops_up_the_menu_where_a_popup_can_be_placed(
    make_app: MakeApp, emulator: Emulator, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QSystemTrayIcon

    app = make_app(emulator)
    monkeypatch.setattr(type(app.tray_host), "available", property(lambda _: True))  # X11 tray
    app.tray_host.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)  # a left click
    qtbot.waitUntil(app.menu.menu.isVisible, timeout=2_000)
    app.menu.menu.hide()


def test_left_click_on_wayland_opens_the_window_instead_of_a_popup(
    make_app: MakeApp, emulator: Emulator, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QSystemTrayIcon

    app = make_app(emulator)
    monkeypatch.setattr(type(app.tray_host), "available", property(lambda _: True))
    monkeypatch.setattr(tray_module.QGuiApplication, "platformName", lambda: "wayland")
    app._tray_availability(True)  # the icon is in a tray: the window steps back
    assert not app.window.isVisible()
    app.tray_host.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)
    assert app.window.isVisible()
    assert not app.window.hint.isVisibleTo(app.window)  # not the "no tray" window
    assert not app.menu.menu.isVisible()


def test_icons_differ_per_state_and_macos_gets_a_monochrome_template(qtbot: QtBot) -> None:
    from PySide6.QtCore import QSize

    from zomro_tray.core.overall import Overall
    from zomro_tray.gui.paint.icons import tray_icon

    images = {state: tray_icon(state).pixmap(QSize(32, 32)).toImage() for state in Overall}
    assert len({img.constBits().tobytes() for img in images.values()}) == len(Overall)
    template = tray_icon(Overall.ALL_RUNNING, template=True)
    assert template.isMask()
    image = template.pixmap(QSize(32, 32)).toImage()
    colours = {
        image.pixelColor(x, y).name()
        for x in range(32)
        for y in range(32)
        if image.pixelColor(x, y).alpha() > 200
    }
    assert colours == {"#000000"}  # one colour: macOS tints it for light and dark menu bars


def test_fixing_the_api_address_uses_the_stored_sign_in_again(
    make_app: MakeApp, emulator: Emulator, qtbot: QtBot
) -> None:
    app = make_app(
        emulator, settings=Settings(accounts=(Account(api_url="http://192.0.2.1/"),))
    )  # refused: plain http
    qtbot.waitUntil(lambda: app.feeds.first.connection is Connection.SIGNED_OUT, timeout=5_000)
    assert "plain http://" in app.feeds.first.problem
    if app.dialog is not None:
        app.dialog.reject()
    app.apply_settings(Settings(accounts=(Account(api_url=emulator.url),)))
    qtbot.waitUntil(lambda: app.feeds.first.connection is Connection.ONLINE, timeout=5_000)
    assert len(app.shown) == 5


# --- behaviour a review broke line by line and found no test failing ----------------------------


def test_the_copy_ip_submenu_names_each_server_with_its_address(
    make_app: MakeApp, emulator: Emulator
) -> None:
    app = make_app(emulator)
    copy = app.menu.copy_action(first(WEB))
    assert copy is not None
    assert copy.text() == "web-1   203.0.113.10"
    copy.trigger()
    assert QApplication.clipboard().text() == "203.0.113.10"


def test_the_reboot_submenu_offers_only_running_servers(
    make_app: MakeApp, emulator: Emulator
) -> None:
    app = make_app(emulator)
    enabled = {}
    for service_id in (WEB, DB, SUSPENDED):
        action = app.menu.reboot_action(first(service_id))
        assert action is not None
        enabled[service_id] = action.isEnabled()
    assert enabled == {WEB: True, DB: False, SUSPENDED: False}


def test_the_windows_reboot_button_follows_the_same_rule(
    make_app: MakeApp, emulator: Emulator, qtbot: QtBot
) -> None:
    app = make_app(emulator)
    app.show_window()
    window = app.window
    assert window is not None
    window.select(first(DB))  # stopped
    assert not window.reboot.isEnabled()
    window.select(first(SUSPENDED))
    assert not window.reboot.isEnabled()
    window.select(first(WEB))  # running
    assert window.reboot.isEnabled()
    window.reboot.click()
    qtbot.waitUntil(lambda: ("service.reboot", WEB) in emulator.state.actions, timeout=5_000)


def test_a_notification_kind_turned_off_is_not_shown_but_problems_are(
    make_app: MakeApp, emulator: Emulator, qtbot: QtBot
) -> None:
    quiet = {kind.value: kind is not NotificationKind.ACTION_RESULT for kind in NOTIFICATION_KINDS}
    app = make_app(
        emulator, settings=Settings(accounts=(Account(api_url=emulator.url),), notifications=quiet)
    )
    notes = notes_of(app)  # the demo's balance notices come whenever the balance is read
    app.menu.server_action(first(WEB)).trigger()
    qtbot.waitUntil(lambda: label(app, WEB) == "web-1 — Stopped", timeout=10_000)
    qtbot.waitUntil(lambda: first(WEB) not in app.power.local_pending, timeout=5_000)  # handled
    app.tell_problem(Problem("Settings not saved", "The disk is full."))
    assert [n[0] for n in notes] == [NotificationKind.PROBLEM]


def test_opening_the_menu_refreshes_stale_data_and_only_stale_data(
    make_app: MakeApp, emulator: Emulator, qtbot: QtBot
) -> None:
    fresh = make_app(emulator, timing=replace(TRAY_TIMING, stale=3600))
    qtbot.waitUntil(lambda: fresh.feeds.first.worker.refreshes == 1, timeout=5_000)
    fresh.menu.opened.emit()  # data a moment old: nothing to fetch
    fresh.feeds.first.refresh()  # queued after it: once this is done, so is the menu's turn
    qtbot.waitUntil(lambda: fresh.feeds.first.worker.refreshes == 2, timeout=5_000)
    assert fresh.feeds.first.worker.attempts == 2

    stale = make_app(emulator, timing=replace(TRAY_TIMING, stale=0))
    qtbot.waitUntil(lambda: stale.feeds.first.worker.refreshes == 1, timeout=5_000)
    stale.menu.opened.emit()
    qtbot.waitUntil(lambda: stale.feeds.first.worker.refreshes == 2, timeout=5_000)


def test_the_refresh_interval_from_settings_reaches_the_worker(
    make_app: MakeApp, emulator: Emulator, qtbot: QtBot
) -> None:
    app = make_app(emulator)
    qtbot.waitUntil(lambda: app.feeds.first.worker.next_delay == 60.0, timeout=5_000)
    app.apply_settings(replace(app.settings, refresh_seconds=1234))
    qtbot.waitUntil(lambda: app.feeds.first.worker.next_delay == 1234.0, timeout=5_000)
    assert app.preferences.store.load().refresh_seconds == 1234


def test_a_stop_that_never_settles_is_reported_after_the_timeout(
    make_app: MakeApp, make_emulator: Callable[..., Emulator], qtbot: QtBot
) -> None:
    emulator = make_emulator(transition_seconds=3600)  # "stopping" for an hour
    app = make_app(emulator, timing=replace(TRAY_TIMING, action_timeout=0.5))
    results: list[ActionResult] = []
    app.feeds.first.worker.action_finished.connect(results.append)  # called in the worker's thread
    app.menu.server_action(first(WEB)).trigger()
    qtbot.waitUntil(lambda: bool(results), timeout=10_000)
    result = results[0]
    assert (result.key, result.action, result.ok) == (first(WEB), Action.STOP, False)
    assert result.message == "web-1 did not stop in time."


def test_damaged_settings_are_told_at_start_up_whatever_is_turned_off(
    qtbot: QtBot, emulator: Emulator, tmp_path: Path
) -> None:
    store = SettingsStore(tmp_path / "settings")
    store.config_dir.mkdir()
    store.path.write_text('{"api_url": "http://127.0.0.1:1/", "notifications": ')  # cut short
    credentials = SessionOnlyStore(Credentials.from_token(emulator.demo_token))
    app = TrayApp(store, credentials, api_url=emulator.url)
    notes: list[tuple[object, ...]] = []
    app.notified.connect(lambda *n: notes.append(n))
    try:
        app.start()
        assert notes
        assert notes[0][:2] == (NotificationKind.PROBLEM, "Settings were reset")
        assert "was kept as settings.corrupt-" in str(notes[0][2])
    finally:
        app.stop_worker()
        app.dispose()


# --- everyday use: a stray click, the account, offline -----------------------------------------


def test_a_click_on_a_running_server_waits_and_can_be_undone(
    make_app: MakeApp, emulator: Emulator, qtbot: QtBot
) -> None:
    app = make_app(emulator, timing=replace(TRAY_TIMING, undo=5.0))
    notes: list[tuple[object, ...]] = []
    app.notified.connect(lambda *n: notes.append(n))
    app.menu.server_action(first(WEB)).trigger()
    assert label(app, WEB) == "web-1 — Shutting down in 5 s — click to undo"
    assert notes[-1][1] == "Shutting down web-1"
    qtbot.wait(1_000)  # what the issue measures: the first second
    assert not emulator.state.actions  # nothing has left for Zomro
    app.menu.server_action(first(WEB)).trigger()  # the second click takes it back
    assert label(app, WEB) == "web-1 — Running"
    assert not app.power.waiting
    app.power.undo_seconds = 0.2
    app.menu.server_action(first(WEB)).trigger()  # and a click left alone goes out after its wait
    qtbot.waitUntil(lambda: ("service.stop", WEB) in emulator.state.actions, timeout=5_000)
    assert emulator.state.actions == [("service.stop", WEB)]


def test_clicking_the_waiting_notification_undoes_it(
    make_app: MakeApp, emulator: Emulator, qtbot: QtBot
) -> None:
    app = make_app(emulator, timing=replace(TRAY_TIMING, undo=5.0))
    reboot = app.menu.reboot_action(first(WEB))
    assert reboot is not None
    reboot.trigger()  # reboot follows the same rule as shutting down
    assert label(app, WEB) == "web-1 — Rebooting in 5 s — click to undo"
    app.notifier.clicked.emit(Undo(first(WEB)))
    assert label(app, WEB) == "web-1 — Running"
    assert not app.power.waiting
    assert not emulator.state.actions


def test_a_protected_server_asks_naming_the_action_and_sends_at_once_when_told(
    make_app: MakeApp, emulator: Emulator, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(accounts=(Account(api_url=emulator.url, always_ask=(WEB,)),))
    app = make_app(emulator, settings=settings)
    asked: list[tuple[Action, str]] = []
    monkeypatch.setattr(questions, "confirm_power", lambda a, n: asked.append((a, n)) or True)
    app.menu.server_action(first(WEB)).trigger()
    assert asked == [(Action.STOP, "web-1")]
    assert label(app, WEB) == "web-1 — Stopping…"  # answered: no undo wait on top
    qtbot.waitUntil(lambda: ("service.stop", WEB) in emulator.state.actions, timeout=5_000)


def test_the_menu_names_the_account_and_sign_out_forgets_it(
    make_app: MakeApp, emulator: Emulator, qtbot: QtBot, memory_keyring: MemoryKeyring
) -> None:
    store = SecretStore()
    store.save(Credentials.from_token(emulator.demo_token))
    app = make_app(emulator, secrets=store)
    qtbot.waitUntil(lambda: app.feeds.first.who == "demo", timeout=5_000)
    assert app.menu.heads == ["Signed in as demo"]
    assert app.menu.sign_out_action.isVisible()
    assert app.preferences.store.load().first.who == "demo"
    notes = notes_of(app)
    app.menu.sign_out_action.trigger()
    qtbot.waitUntil(lambda: app.feeds.first.connection is Connection.SIGNED_OUT, timeout=5_000)
    assert not memory_keyring.entries  # the keychain entry is gone
    assert not app.menu.sign_out_action.isVisible()
    assert app.menu.sign_in_action.isVisible()
    assert app.menu.heads == [""]
    assert notes == []  # asked for: nothing to warn about


def test_another_account_starts_with_all_its_servers_shown(
    make_app: MakeApp, emulator: Emulator, qtbot: QtBot
) -> None:
    account = Account(api_url=emulator.url, who="someone-else", shown_services=("1",))
    settings = Settings(accounts=(account,))
    app = make_app(emulator, settings=settings)
    qtbot.waitUntil(lambda: app.feeds.first.who == "demo", timeout=5_000)
    qtbot.waitUntil(lambda: len(app.shown) == 5, timeout=5_000)
    saved = app.preferences.store.load()
    assert (saved.first.who, saved.first.shown_services) == ("demo", None)


def test_signing_in_again_keeps_the_method_and_the_username(
    make_app: MakeApp, emulator: Emulator, qtbot: QtBot
) -> None:
    account = Account(
        api_url=emulator.url, sign_in_method=AuthMethod.PASSWORD, username="jan@example.pl"
    )
    settings = Settings(accounts=(account,))
    app = make_app(emulator, settings=settings)
    app.open_settings()
    dialog = app.dialog
    assert dialog is not None
    assert dialog.sign_in.current_method() is AuthMethod.PASSWORD
    assert dialog.sign_in.username.text() == "jan@example.pl"
    assert dialog.sign_in.password.text() == ""  # never stored anywhere but the keychain
    dialog.reject()


def test_suspended_servers_alone_do_not_turn_the_icon_amber() -> None:
    from zomro_tray.core.overall import Overall
    from zomro_tray.display.presentation import overall

    base = make_entry(PowerState.ACTIVE)
    shown = [base, replace(base, state=PowerState.SUSPENDED)]
    assert overall(shown, Connection.ONLINE) is Overall.ALL_RUNNING
    shown.append(replace(base, state=PowerState.STOPPED))
    assert overall(shown, Connection.ONLINE) is Overall.SOME_STOPPED


def make_entry(state: PowerState) -> Any:
    from zomro_tray.display.presentation import Entry

    return Entry("1", "web-1", "Running", state, True, "", Action.STOP, "203.0.113.10")


def test_copy_ip_says_what_it_copied_and_a_missing_browser_is_told(
    make_app: MakeApp, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtGui import QDesktopServices

    app = make_app(emulator)
    notes: list[tuple[object, ...]] = []
    app.notified.connect(lambda *n: notes.append(n))
    app.copy_ip(first(WEB))
    assert notes[-1][1:] == ("Copied", "web-1: 203.0.113.10")
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: False)
    app.open_control_panel()
    assert notes[-1][:2] == (NotificationKind.PROBLEM, "No web browser opened")
    assert "https://cp.zomro.com/" in str(notes[-1][2])


def test_a_long_list_ends_the_menu_with_show_all_and_the_window_finds_by_name(
    make_app: MakeApp, make_emulator: Callable[..., Emulator], qtbot: QtBot
) -> None:
    from zomro_tray.display.presentation import MAX_MENU_SERVERS

    emulator = make_emulator("many")  # 23 servers
    app = make_app(emulator)
    qtbot.waitUntil(lambda: len(app.shown) == 23, timeout=10_000)
    servers = [a for a in app.menu.menu.actions() if a.text().startswith("node-")]
    assert len(servers) == MAX_MENU_SERVERS
    # The submenus follow the same rule: the first servers, then "Show all" (the window).
    for submenu in (app.menu.reboot_menu, app.menu.copy_menu):
        listed = [a for a in submenu.actions() if a.text().startswith("node-")]
        assert len(listed) == MAX_MENU_SERVERS
        assert [a.text() for a in submenu.actions() if a.isVisible()][-1] == "Show all 23 servers…"
    show_all = next(a for a in app.menu.menu.actions() if a.text() == "Show all 23 servers…")
    assert show_all.isVisible()
    show_all.trigger()
    window = app.window
    assert window is not None
    assert window.isVisible()
    assert len(window.visible_names()) == 23
    name = app.shown[20].name
    window.search.setText(name.upper())
    assert [label.split(" — ")[0] for label in window.visible_names()] == [name]
    window.search.clear()
    assert len(window.visible_names()) == 23


def test_copy_ip_offers_ipv6_too(make_app: MakeApp, emulator: Emulator) -> None:
    app = make_app(emulator)
    copy6 = app.menu.copy_action(first(WEB), v6=True)
    assert copy6 is not None
    assert copy6.text() == "web-1   2001:db8::10"
    copy6.trigger()
    assert QApplication.clipboard().text() == "2001:db8::10"
    assert app.menu.copy_action(first(DB), v6=True) is None  # no IPv6 address: no line for it


def test_an_address_for_this_run_only_is_never_written_to_the_settings(
    emulator: Emulator, tmp_path: Path, qtbot: QtBot
) -> None:
    """--api-url (or ZOMRO_API_URL) for one run: the first sign-in saves who signed in, and
    the file keeps the address it had (issue 28: it was written there)."""
    store = SettingsStore(tmp_path / "settings")
    store.save(Settings(accounts=(Account(api_url="https://api.zomro.com/"),)))
    secrets = SessionOnlyStore(Credentials.from_token(emulator.demo_token))
    app = TrayApp(store, secrets, timing=TRAY_TIMING, api_url=emulator.url)
    try:
        app.start()
        qtbot.waitUntil(lambda: store.load().first.who == DEMO_USER, timeout=10_000)
        assert store.load().first.api_url == "https://api.zomro.com/"
        assert app.settings.first.api_url == emulator.url  # this run still talks to it
    finally:
        app.stop_worker()
        app.dispose()
