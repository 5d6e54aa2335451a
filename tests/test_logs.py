"""The log file: written by the tray app, rotating, secrets masked, bugs recorded and told."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from zomro_tray import logs
from zomro_tray.gui.dialogs import questions

SECRET = "tok-9f8e7d6c5b4a"


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    root = logging.getLogger()
    before = list(root.handlers), root.level
    path = logs.log_to_file(tmp_path / "logs")
    assert path is not None
    root.setLevel(logging.INFO)
    yield path
    for handler in root.handlers:
        if handler not in before[0]:
            handler.close()
    root.handlers[:] = before[0]
    root.setLevel(before[1])


def test_the_log_file_masks_secrets_in_messages_and_tracebacks(log_file: Path) -> None:
    logs.redactor.add(SECRET)
    log = logging.getLogger("zomro_tray.test")
    log.info("signing in with %s", SECRET)
    try:
        raise ValueError(f"the server echoed {SECRET}")
    except ValueError:
        log.exception("refresh failed")
    text = log_file.read_text(encoding="utf-8")
    assert "signing in with [secret]" in text
    assert "ValueError: the server echoed [secret]" in text  # the traceback is kept, masked
    assert SECRET not in text


def test_the_log_file_rotates_and_keeps_a_few(log_file: Path) -> None:
    log = logging.getLogger("zomro_tray.test")
    line = "x" * 1000
    for _ in range(logs.LOG_FILE_BYTES * (logs.LOG_FILES_KEPT + 2) // 1000):
        log.info(line)
    kept = sorted(p.name for p in log_file.parent.iterdir())
    assert kept == ["zomro-tray.log"] + [f"zomro-tray.log.{n}" for n in range(1, 4)]
    assert all(p.stat().st_size <= logs.LOG_FILE_BYTES + 2000 for p in log_file.parent.iterdir())


def test_an_unwritable_log_folder_costs_only_the_file(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    assert logs.log_to_file(blocker / "logs") is None


def test_a_bug_in_a_slot_is_logged_and_told_in_one_sentence(
    log_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    told: list[str] = []
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    logs.install_excepthook(told.append)
    try:
        raise KeyError("no such entry")
    except KeyError:
        sys.excepthook(*sys.exc_info())
    assert told == [logs.UNEXPECTED_ERROR]
    assert "Open log folder" in told[0]
    text = log_file.read_text(encoding="utf-8")
    assert "CRITICAL zomro-tray: unexpected error" in text
    assert "KeyError: 'no such entry'" in text


def test_about_opens_the_log_folder(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    box = questions.about_box(tmp_path / "logs")
    qtbot.addWidget(box)
    button = next(b for b in box.buttons() if b.text() == "Open log folder")
    assert box.buttonRole(button) is QMessageBox.ButtonRole.ActionRole
    button.click()
    assert opened == [str(tmp_path / "logs")]
    assert (tmp_path / "logs").is_dir()


def demo_env(tmp_path: Path) -> dict[str, str]:
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_RUNTIME_DIR": str(runtime),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    return env


def wait_for_line(path: Path, text: str, seconds: float = 30) -> bool:
    pause = threading.Event()
    for _ in range(int(seconds * 10)):
        if path.exists() and text in path.read_text(encoding="utf-8"):
            return True
        pause.wait(0.1)
    return False


def test_a_demo_run_writes_its_log_file_and_a_second_launch_shows_the_first(
    tmp_path: Path,
) -> None:
    """The tray app, as launched: its log file holds the start and the first statuses, in the
    platform's log folder (XDG_STATE_HOME here). A second launch exits at once and the first
    shows itself (the log says so: offscreen there is no tray, so it shows its window)."""
    env = demo_env(tmp_path)
    log_file = tmp_path / "state" / "zomro-tray" / "log" / "zomro-tray.log"
    app = subprocess.Popen(
        [sys.executable, "-m", "zomro_tray", "--demo"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert wait_for_line(log_file, "first statuses shown")
        second = subprocess.run(
            [sys.executable, "-m", "zomro_tray", "--demo"],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert second.returncode == 0, second.stderr
        assert "already running" in second.stdout
        assert wait_for_line(log_file, "asked to show itself: the window")
        app.send_signal(signal.SIGTERM)
        _, stderr = app.communicate(timeout=30)
    finally:
        app.kill()
    text = log_file.read_text(encoding="utf-8")
    assert "started in demo mode" in text, stderr
    assert app.returncode == 0, stderr
    assert "Traceback" not in text
