"""The command line and the local files against hostile input and shared machines: what a
red-team pass found, each point tested on the real command or store."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_cli import run

from zomro_tray import errors
from zomro_tray.emulator import Emulator
from zomro_tray.store.settings import Settings, SettingsStore


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


# --- an API address that is more than an address (issue 28) ---------------------------------


def _with_extra(url: str) -> list[str]:
    """The emulator's address with what a careless paste or a hostile link adds to it."""
    bare = url.removeprefix("http://")
    return [
        f"{url}?func=service.delete&elid=1&sok=ok",
        f"{url}#func=service.delete",
        f"http://user:secret-pw@{bare}",
    ]


def test_an_api_address_with_a_query_fragment_or_password_is_refused_everywhere(
    emulator: Emulator, tmp_path: Path
) -> None:
    for address in _with_extra(emulator.url):
        for args, env in (
            (["--api-url", address, "services"], {}),
            (["services"], {"ZOMRO_API_URL": address}),
        ):
            done = run(args, env={"ZOMRO_TOKEN": emulator.demo_token, **env})
            assert done.returncode == errors.EXIT_USAGE, done.stderr
            assert "secret-pw" not in done.stderr + done.stdout  # never repeated
            assert len(done.stderr.strip().splitlines()) == 1
    assert sum(emulator.state.calls.values()) == 0  # nothing was sent anywhere


def test_the_tray_refuses_a_settings_address_with_a_query(
    make_app: Any, emulator: Emulator, qtbot: Any
) -> None:
    from zomro_tray.core.account import Account
    from zomro_tray.core.overall import Connection

    address = _with_extra(emulator.url)[0]
    app = make_app(emulator, settings=Settings(accounts=(Account(api_url=address),)))
    qtbot.waitUntil(lambda: app.feeds.first.connection is Connection.SIGNED_OUT, timeout=5_000)
    assert "address alone" in app.feeds.first.problem
    assert sum(emulator.state.calls.values()) == 0


def test_an_account_label_reaches_the_terminal_plain_and_short(
    emulator: Emulator, isolated_home: Path
) -> None:
    hostile = "\x1b]0;pwned\x07\x1b[2J" + "evil\u202egnp.exe" + "L" * 5000
    isolated_home.mkdir(parents=True)
    (isolated_home / "settings.json").write_text(
        json.dumps({"accounts": [{"label": hostile, "api_url": emulator.url}]}), encoding="utf-8"
    )
    for extra in ([], ["--json"]):
        done = run(["accounts", *extra], env={"XDG_CONFIG_HOME": str(isolated_home.parent)})
        assert done.returncode == 0, done.stderr
        assert "\x1b" not in done.stdout
        assert "\u202e" not in done.stdout
        assert "\\u202e" not in done.stdout
        assert max(len(line) for line in done.stdout.splitlines()) < 120


@pytest.mark.parametrize(("host", "warned"), [("0.0.0.0", True), ("127.0.0.1", False)])  # noqa: S104
def test_an_emulator_reachable_from_other_machines_is_said_to_be(host: str, warned: bool) -> None:
    """Bound for a moment and stopped: nothing is sent anywhere. Stopped with SIGTERM: a
    runner that started the tests with SIGINT ignored (mutmut's workers, a background job)
    passes that on, and Ctrl-C's signal would never reach it."""
    import os

    command = [sys.executable, "-m", "zomro_tray", "emulator", "--host", host, "--port", "0"]
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    ) as process:
        assert process.stdout is not None
        first = process.stdout.readline()  # listening (the warning goes to stderr)
        demo = process.stdout.readline()  # the demo sign-in: written after the warning
        process.terminate()
        _out, err = process.communicate(timeout=30)
    assert "listening on" in first
    assert "Demo account" in demo
    assert ("not a loopback address" in err) is warned
