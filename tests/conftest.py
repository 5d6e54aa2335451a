"""Shared fixtures: an isolated home for every test, the emulator on a free port, keyrings."""

from __future__ import annotations

import gc
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import keyring.backend
import keyring.errors
import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from zomro_tray import i18n
from zomro_tray.core.account import Account
from zomro_tray.core.credentials import Credentials
from zomro_tray.core.model import ServerKey
from zomro_tray.core.overall import Connection
from zomro_tray.emulator import Emulator, build_state
from zomro_tray.gui.dialogs import questions
from zomro_tray.gui.language import speak
from zomro_tray.gui.tray.tray import TrayApp
from zomro_tray.store.keychain import SessionOnlyStore
from zomro_tray.store.settings import NotificationKind, Settings, SettingsStore
from zomro_tray.worker.contract import Timing

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A real keyring backend that keeps entries in memory: the test double for a keychain."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("not found")


def first(service_id: str) -> ServerKey:
    """A server of the first account (its key is ""), as every click and view names it."""
    return ServerKey("", service_id)


#: How long a test's own threads get to end after it (a notification in flight: its reply).
THREADS_END_WITHIN = 10.0


@pytest.fixture(autouse=True)
def no_thread_left_behind() -> Iterator[None]:
    """Every Python thread a test starts has ended when the test ends (after its fixtures'
    teardown: this fixture is set up first, so it is torn down last). A thread that outlives
    its test logs into the next one's closed streams, or keeps a socket or a bus open.
    Threads Qt started are not Python's and are not seen here (the worker's are stopped by
    the fixtures that made them)."""
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + THREADS_END_WITHIN
    left = []
    for thread in set(threading.enumerate()) - before:
        if isinstance(thread, threading._DummyThread):
            continue
        thread.join(timeout=max(deadline - time.monotonic(), 0.0))
        if thread.is_alive():
            left.append(thread.name)
    assert not left, f"threads still running after the test: {left}"


@pytest.fixture(autouse=True)
def logging_as_found() -> Iterator[None]:
    """The root logger's handlers and level as before the test: the command line run in-process
    adds a handler on the test's captured stderr, which is closed once the test ends, and a
    later test's log line would meet it ("ValueError: I/O operation on closed file")."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    added = [h for h in root.handlers if h not in handlers]
    root.handlers[:] = handlers
    for handler in added:
        handler.close()
    root.setLevel(level)


class UnexpectedQuestion(AssertionError):
    """The app asked a modal question no test expected."""


@pytest.fixture(autouse=True)
def no_unexpected_question(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A modal question nobody answers would wait for ever (until the suite's timeout): a test
    that expects one replaces ``confirm_power`` with its answers, or is marked
    ``real_questions`` to see the real box; any other question fails the test at once."""
    if request.node.get_closest_marker("real_questions"):
        return

    def unexpected(action: object, name: str) -> bool:
        raise UnexpectedQuestion(f"the app asked an unexpected question: {action} {name!r}")

    monkeypatch.setattr(questions, "confirm_power", unexpected)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Every test starts and ends in English: one that switches languages cannot leak it."""
    i18n.use(i18n.ENGLISH)
    yield
    speak(i18n.ENGLISH)  # drops Qt's own catalogue as well


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own config dir and no sign-in from the environment."""
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    for name in ("ZOMRO_TOKEN", "ZOMRO_API_URL"):
        monkeypatch.delenv(name, raising=False)
    return config / "zomro-tray"


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    import keyring.backends.fail

    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def make_emulator() -> Iterator[Callable[..., Emulator]]:
    """Start emulators with a scenario and state overrides; all are stopped after the test."""
    started: list[Emulator] = []

    def start(scenario: str = "demo", **overrides: Any) -> Emulator:
        overrides.setdefault("transition_seconds", 0.3)
        emulator = Emulator(build_state(scenario, **overrides)).start()
        started.append(emulator)
        return emulator

    yield start
    for emulator in started:
        emulator.stop()


@pytest.fixture
def emulator(make_emulator: Callable[..., Emulator]) -> Emulator:
    return make_emulator()


@pytest.fixture
def demo_credentials(emulator: Emulator) -> Credentials:
    return Credentials.from_token(emulator.demo_token)


#: The tray app's pace, compressed for tests.
TRAY_TIMING = Timing(
    fast=0.2, stale=0.5, backoff_start=0.2, backoff_cap=0.8, action_timeout=10, undo=0.3
)
MakeApp = Callable[..., TrayApp]


def notes_of(app: TrayApp) -> list[tuple[Any, str, str]]:
    """The app's notifications from now on (kind, title, text), but the balance notices: the
    demo's (a server suspended for non-payment) come whenever its balance is first read, so a
    test counting its own notifications would miss its number."""
    notes: list[tuple[Any, str, str]] = []

    def heard(kind: Any, title: str, text: str) -> None:
        if kind is not NotificationKind.MONEY:
            notes.append((kind, title, text))

    app.notified.connect(heard)
    return notes


@pytest.fixture
def make_app(qtbot: QtBot, tmp_path: Path) -> Iterator[MakeApp]:
    apps: list[TrayApp] = []

    def make(
        emulator: Emulator,
        *,
        secrets: object = None,
        settings: Settings | None = None,
        timing: Timing = TRAY_TIMING,
        wait: bool = True,
    ) -> TrayApp:
        store = SettingsStore(tmp_path / f"settings-{len(apps)}")
        store.save(settings or Settings(accounts=(Account(api_url=emulator.url),)))
        if secrets is None:
            secrets = SessionOnlyStore(Credentials.from_token(emulator.demo_token))
        app = TrayApp(store, secrets, timing=timing)  # type: ignore[arg-type]
        apps.append(app)
        app.start()
        if wait:
            qtbot.waitUntil(
                lambda: app.feeds.first.connection is not Connection.STARTING, timeout=10_000
            )
        return app

    yield make
    for app in apps:
        app.stop_worker()
        app.dispose()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()  # here, in the GUI thread: not later in an emulator or worker thread
