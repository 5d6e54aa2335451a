"""The command line and the local files against hostile input and shared machines: what a
red-team pass found, each point tested on the real command or store."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from test_cli import run

from zomro_tray import errors
from zomro_tray.emulator import Emulator
from zomro_tray.settings import Settings, SettingsStore


def test_hostile_names_print_no_terminal_control_character(
    make_emulator: Callable[..., Emulator],
) -> None:
    emulator = make_emulator("hostile")
    for extra in ([], ["--json"]):
        done = run(
            ["--api-url", emulator.url, "services", *extra],
            env={"ZOMRO_TOKEN": emulator.demo_token},
        )
        assert done.returncode == 0, done.stderr
        for char in done.stdout:
            assert char in "\n" or char.isprintable(), repr(char)


@pytest.mark.parametrize("fault", ["bad_count", "huge_count"])
def test_a_count_that_is_not_a_number_prints_no_traceback(
    make_emulator: Callable[..., Emulator], fault: str
) -> None:
    emulator = make_emulator()
    emulator.state.inject(fault)
    done = run(["--api-url", emulator.url, "services"], env={"ZOMRO_TOKEN": emulator.demo_token})
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "web-1" in done.stdout


def test_a_bad_timeout_is_refused_before_anything_is_sent(emulator: Emulator) -> None:
    done = run(
        ["--api-url", emulator.url, "stop", "web-1", "--wait", "--timeout", "-5"],
        env={"ZOMRO_TOKEN": emulator.demo_token},
    )
    assert done.returncode == errors.EXIT_USAGE
    assert emulator.state.calls["service.stop"] == 0
    assert emulator.state.actions == []
    assert len(done.stderr.strip().splitlines()) == 1  # one plain line, like every error
    assert "timeout" in done.stderr


@pytest.mark.parametrize("port", ["99999", "-1", "http"])
def test_a_bad_emulator_port_is_a_usage_error_not_a_traceback(port: str) -> None:
    done = run(["emulator", "--port", port])
    assert done.returncode == errors.EXIT_USAGE
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_usage_errors_are_one_line() -> None:
    done = run(["no-such-command"])
    assert done.returncode == errors.EXIT_USAGE
    assert len(done.stderr.strip().splitlines()) == 1
    assert "--help" in done.stderr


def test_core_dumps_are_off_for_the_command_line(tmp_path: Path) -> None:
    """A core dump would hold the stored password: the emulator command (a long-running CLI
    process) is read from /proc while it runs."""
    if not sys.platform.startswith("linux"):
        pytest.skip("reads /proc")
    emulator = subprocess.Popen(
        [sys.executable, "-m", "zomro_tray", "emulator", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert emulator.stdout is not None
        assert "listening" in emulator.stdout.readline()
        limits = Path(f"/proc/{emulator.pid}/limits").read_text()
        core = next(line for line in limits.splitlines() if line.startswith("Max core file size"))
        assert core.split()[4:6] == ["0", "0"], core
        status = Path(f"/proc/{emulator.pid}/status").read_text()
        assert "CoreDumping:\t0" in status
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)
        emulator.stdout.close()


# --- the settings file ------------------------------------------------------------------------


def test_two_corruptions_in_one_second_keep_both_backups(isolated_home: Path) -> None:
    store = SettingsStore(isolated_home)
    isolated_home.mkdir(parents=True)
    for damage in ("{not json", "[also not settings"):
        store.path.write_text(damage)
        store.load()
    backups = sorted(p.read_text() for p in isolated_home.glob("settings.corrupt-*.json"))
    assert backups == ["[also not settings", "{not json"]


def test_a_read_only_command_never_moves_the_users_file(
    isolated_home: Path, emulator: Emulator
) -> None:
    isolated_home.mkdir(parents=True)
    (isolated_home / "settings.json").write_text("{damaged")
    done = run(
        ["--api-url", emulator.url, "services"],
        env={"ZOMRO_TOKEN": emulator.demo_token, "XDG_CONFIG_HOME": str(isolated_home.parent)},
    )
    assert done.returncode == 0, done.stderr
    assert (isolated_home / "settings.json").read_text() == "{damaged"
    assert not list(isolated_home.glob("settings.corrupt-*"))
    done = run(
        ["services"],
        env={"ZOMRO_TOKEN": emulator.demo_token, "XDG_CONFIG_HOME": str(isolated_home.parent)},
    )
    assert "damaged" in done.stderr  # said, not silently defaulted
    assert (isolated_home / "settings.json").read_text() == "{damaged"


def test_an_unreadable_settings_file_is_reported_by_the_command_line(
    isolated_home: Path,
) -> None:
    (isolated_home / "settings.json").mkdir(parents=True)  # a directory where the file goes
    done = run(["services"], env={"XDG_CONFIG_HOME": str(isolated_home.parent)})
    assert "Could not read the settings file" in done.stderr


def test_wrongly_typed_fields_are_named_not_dropped_silently(isolated_home: Path) -> None:
    isolated_home.mkdir(parents=True)
    data = {"refresh_seconds": "often", "confirm_before_stop": "yes", "api_url": "https://x/"}
    (isolated_home / "settings.json").write_text(json.dumps(data))
    store = SettingsStore(isolated_home)
    settings = store.load()
    assert settings.first.api_url == "https://x/"
    assert settings.refresh_seconds == Settings().refresh_seconds
    assert "refresh_seconds" in store.warning
    assert "confirm_before_stop" in store.warning
