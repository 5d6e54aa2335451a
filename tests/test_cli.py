"""The command line: real commands against the emulator, exit codes, and secrets that never leak."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from zomro_tray import errors
from zomro_tray.cli.main import main
from zomro_tray.core.account import Account
from zomro_tray.emulator import Emulator
from zomro_tray.emulator.scenarios import (
    DEMO_PASSWORD,
    DEMO_USER,
    TWO_FACTOR_CODE,
    TWO_FACTOR_PASSWORD,
    TWO_FACTOR_USER,
)
from zomro_tray.store.settings import SettingsStore

from conftest import MemoryKeyring

MakeEmulator = Callable[..., Emulator]


def run(
    args: list[str],
    stdin: str = "",
    env: dict[str, str] | None = None,
    timeout: float = 60,
    encoding: str = "utf-8",
) -> subprocess.CompletedProcess[str]:
    """The installed command, as a user runs it, in a child process."""
    full_env = {
        **os.environ,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "zomro_tray", *args],
        input=stdin,
        capture_output=True,
        encoding=encoding,
        env=full_env,
        timeout=timeout,
        check=False,
    )


def cli(capsys: pytest.CaptureFixture[str], *args: str, stdin: str = "") -> tuple[int, str, str]:
    """The same command in-process (fast), with stdin piped."""
    sys.stdin = io.StringIO(stdin)
    try:
        code = main(list(args))
    finally:
        sys.stdin = sys.__stdin__
    out, err = capsys.readouterr()
    return code, out, err


def test_services_table_and_json(emulator: Emulator) -> None:
    env = {"ZOMRO_TOKEN": emulator.demo_token}
    table = run(["--api-url", emulator.url, "services"], env=env)
    assert table.returncode == 0, table.stderr
    assert "baza-danych-łódź" in table.stdout
    assert "suspended by Zomro (unpaid)" in table.stdout
    listed = run(["--api-url", emulator.url, "services", "--json"], env=env)
    services = json.loads(listed.stdout)
    assert len(services) == 5
    for service in services:
        assert {"id", "name", "status", "raw_status", "ip"} <= set(service)
        assert isinstance(service["id"], str)
    assert {s["name"]: s["status"] for s in services}["staging-żółw"] == "suspended"
    costs = {s["name"]: s["daily_cost"] for s in services}
    assert costs["web-1"] == "0.1634"
    assert costs["бэкап-сервер"] == "0.5"


def test_balance_says_the_runway_in_words_and_in_json(
    make_emulator: MakeEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    emulator = make_emulator()
    os.environ["ZOMRO_TOKEN"] = emulator.demo_token
    try:
        code, out, _err = cli(capsys, "--api-url", emulator.url, "balance")
        assert (code, out) == (0, "Balance 12.40 € — about 10 days at 1.24 €/day\n")
        code, out, _err = cli(capsys, "--api-url", emulator.url, "balance", "--json")
        figures = json.loads(out)
        assert code == 0
        assert {k: figures[k] for k in ("balance", "currency", "daily_cost", "days_left")} == {
            "balance": "12.40",
            "currency": "EUR",
            "daily_cost": "1.2353",
            "days_left": 10,
        }
        emulator.state.accounts[DEMO_USER].finance_rights = False
        code, out, _err = cli(capsys, "--api-url", emulator.url, "balance")
        assert (code, out) == (  # a matter of rights, said as such (issue 28)
            errors.EXIT_ERROR,
            "Balance unavailable: this sign-in has no rights to the account's finances\n",
        )
    finally:
        del os.environ["ZOMRO_TOKEN"]


def test_show_tells_one_servers_story(emulator: Emulator) -> None:
    env = {"ZOMRO_TOKEN": emulator.demo_token}
    shown = run(["--api-url", emulator.url, "show", "web-1"], env=env)
    assert shown.returncode == 0, shown.stderr
    lines = dict(line.split(None, 1) for line in shown.stdout.splitlines())
    assert lines["Plan"] == "Cloud Standard · 1 vCPU · 2 GB · 40 GB"
    assert lines["Cost"] == "0.16 €/day"
    assert lines["IPv6"] == "2001:db8::10"
    assert lines["CPU"].startswith("last hour: now ")
    as_json = json.loads(
        run(["--api-url", emulator.url, "show", "5116808", "--json"], env=env).stdout
    )
    assert (as_json["cpu"], as_json["memory"], as_json["daily_cost"]) == (
        "4 vCPU",
        "8 GB",
        "0.3268",
    )
    assert len(as_json["cpu_last_hour"]) == 12
    assert len(as_json["traffic_last_hour"][0]) == 3
    missing = run(["--api-url", emulator.url, "show", "no-such-server"], env=env)
    assert missing.returncode != 0
    assert missing.stderr.count("\n") == 1


def test_output_in_a_code_page_without_polish_letters(emulator: Emulator) -> None:
    """Windows pipes use the ANSI code page (cp1252): "ł" cannot be written in it. The table
    shows "?" instead of failing; the JSON stays exact, as ASCII escapes."""
    env = {"ZOMRO_TOKEN": emulator.demo_token, "PYTHONIOENCODING": "cp1252"}
    table = run(["--api-url", emulator.url, "services"], env=env, encoding="cp1252")
    assert table.returncode == 0, table.stderr
    assert "baza-danych-?ód?" in table.stdout
    listed = run(["--api-url", emulator.url, "services", "--json"], env=env, encoding="cp1252")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.isascii()
    assert "baza-danych-łódź" in {s["name"] for s in json.loads(listed.stdout)}


def test_api_url_from_the_environment(emulator: Emulator) -> None:
    done = run(
        ["services"], env={"ZOMRO_TOKEN": emulator.demo_token, "ZOMRO_API_URL": emulator.url}
    )
    assert done.returncode == 0
    assert "web-1" in done.stdout


def test_stop_and_start_with_wait_show_progress(emulator: Emulator) -> None:
    env = {"ZOMRO_TOKEN": emulator.demo_token}
    stop = run(["--api-url", emulator.url, "stop", "web-1", "--wait"], env=env)
    assert stop.returncode == 0, stop.stderr
    assert stop.stdout.splitlines() == [
        "web-1: shutdown requested.",
        "web-1: stopping…",
        "web-1: stopped",
    ]
    start = run(["--api-url", emulator.url, "start", "5116804", "--wait"], env=env)
    assert start.returncode == 0
    assert start.stdout.splitlines()[-1] == "web-1: running"
    assert emulator.state.actions == [("service.stop", "5116804"), ("service.start", "5116804")]


def test_reboot_with_wait(
    emulator: Emulator, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZOMRO_TOKEN", emulator.demo_token)
    monkeypatch.setattr("zomro_tray.cli.commands.POLL_SECONDS", 0.1)
    code, out, _ = cli(capsys, "--api-url", emulator.url, "reboot", "бэкап-сервер", "--wait")
    assert code == 0
    assert "бэкап-сервер: rebooting…" in out
    assert out.splitlines()[-1] == "бэкап-сервер: running"


def test_wait_gives_up_after_the_timeout(
    make_emulator: MakeEmulator, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator = make_emulator(transition_seconds=30)
    monkeypatch.setenv("ZOMRO_TOKEN", emulator.demo_token)
    monkeypatch.setattr("zomro_tray.cli.commands.POLL_SECONDS", 0.1)
    code, _, err = cli(
        capsys, "--api-url", emulator.url, "stop", "web-1", "--wait", "--timeout", "0.5"
    )
    assert code == errors.EXIT_ERROR
    assert "still stopping… after 0.5 s" in err


def test_nothing_to_do_sends_nothing(
    emulator: Emulator, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZOMRO_TOKEN", emulator.demo_token)
    code, out, _ = cli(capsys, "--api-url", emulator.url, "start", "web-1")
    assert (code, out.strip()) == (0, "web-1 is already running.")
    assert emulator.state.actions == []


@pytest.mark.parametrize(
    ("args", "fault", "code", "words"),
    [
        (["start", "staging-żółw"], None, 1, "suspended by Zomro"),
        (["start", "no-such-server"], None, 1, "No server with the id or name"),
        (["services"], "html502", 4, "HTTP 502"),
        (["services"], "ip460", 4, "blocking this IP"),
        (["services"], "malformed", 4, "cannot read"),
        (["services"], "reset", 4, "not answering"),
        (["services"], "html200", 4, "web page"),
        (["services"], "expire", 3, "sign in again"),
    ],
)
def test_each_failure_is_one_line_with_its_exit_code(
    emulator: Emulator, args: list[str], fault: str | None, code: int, words: str
) -> None:
    if fault:
        emulator.state.inject(fault)
    done = run(["--api-url", emulator.url, *args], env={"ZOMRO_TOKEN": emulator.demo_token})
    assert done.returncode == code
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert words in done.stderr
    assert "Traceback" not in done.stderr


def test_usage_errors_exit_2() -> None:
    assert run(["start"]).returncode == 2
    assert (
        run(
            ["--api-url", "http://example.com/", "services"], env={"ZOMRO_TOKEN": "x-token"}
        ).returncode
        == 2
    )


def test_not_signed_in_without_keychain_exits_3(emulator: Emulator) -> None:
    done = run(["--api-url", emulator.url, "services"])
    assert done.returncode == 3
    assert "Not signed in" in done.stderr
    assert "ZOMRO_TOKEN" in done.stderr


def test_network_down_exits_4() -> None:
    done = run(["--api-url", "http://127.0.0.1:9/", "services"], env={"ZOMRO_TOKEN": "x-token"})
    assert done.returncode == 4
    assert "Traceback" not in done.stderr


def test_login_with_a_token_from_stdin_then_logout(
    emulator: Emulator,
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
    isolated_home: Path,
) -> None:
    code, out, _ = cli(capsys, "--api-url", emulator.url, "login", stdin=emulator.demo_token + "\n")
    assert code == 0
    assert "5 servers found" in out
    code, out, _ = cli(capsys, "services", "--json")  # the address signed in to is remembered
    assert code == 0
    assert len(json.loads(out)) == 5
    saved = json.loads((isolated_home / "settings.json").read_text())
    [account] = saved["accounts"]
    assert (account["api_url"], account["sign_in_method"]) == (emulator.url, "token")
    assert emulator.demo_token not in json.dumps(saved)
    code, out, _ = cli(capsys, "logout")
    assert code == 0
    assert not memory_keyring.entries
    code, _, err = cli(capsys, "--api-url", emulator.url, "services")
    assert code == 3
    assert "Not signed in" in err


def test_login_with_a_bad_token_stores_nothing(
    emulator: Emulator, memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = cli(capsys, "--api-url", emulator.url, "login", stdin="not-a-session\n")
    assert code == 3
    assert "sign in again" in err
    assert not memory_keyring.entries


def test_login_with_two_factor(
    emulator: Emulator, memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli(
        capsys,
        "--api-url",
        emulator.url,
        "login",
        "--username",
        TWO_FACTOR_USER,
        stdin=f"{TWO_FACTOR_PASSWORD}\n{TWO_FACTOR_CODE}\n",
    )
    assert code == 0, err
    assert "2 servers found" in out


def test_secrets_never_appear_in_config_logs_or_errors(
    emulator: Emulator,
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
    isolated_home: Path,
    tmp_path: Path,
) -> None:
    """Real commands with a known password and token, verbose logs on; then hunt for both."""
    url = emulator.url
    outputs: list[str] = []

    def record(*args: str, stdin: str = "") -> int:
        code, out, err = cli(capsys, "-vv", "--api-url", url, *args, stdin=stdin)
        outputs.extend([out, err])
        return code

    assert record("login", "--username", DEMO_USER, stdin=DEMO_PASSWORD + "\n") == 0
    assert record("services") == 0
    assert record("stop", "web-1") == 0
    emulator.state.expire_sessions()  # forces keepalive + a silent new sign-in with the password
    assert record("services", "--json") == 0
    for fault in ("html502", "malformed", "reset", "ip460"):
        emulator.state.inject(fault)
        assert record("services") == 4
    assert record("login", "--username", DEMO_USER, stdin="wrong-Password-77\n") == 3
    assert record("logout") == 0
    token = emulator.state.new_session(DEMO_USER)
    assert record("login", stdin=token + "\n") == 0
    assert record("start", "staging-żółw") == 1
    emulator.state.expire_sessions()
    assert record("services") == 3
    # Also the SettingsStore the tray would write.
    from zomro_tray.store.settings import Settings, SettingsStore

    SettingsStore().save(Settings(accounts=(Account(api_url=url),)))

    secrets = [DEMO_PASSWORD, "wrong-Password-77", token]
    everything = "\n".join(outputs)
    assert "web-1" in everything  # the hunt searches real output
    for secret in secrets:
        assert secret not in everything
        for path in isolated_home.rglob("*"):
            if path.is_file():
                assert secret not in path.read_text(encoding="utf-8", errors="replace")


def test_several_accounts_on_the_command_line(
    make_emulator: Callable[..., Emulator],
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
    isolated_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """login --account NAME adds an account with its own keychain entry; every command takes
    --account (by name, signed-in name or number); 'accounts' lists them, never a secret."""
    monkeypatch.delenv("ZOMRO_TOKEN", raising=False)
    zomro = make_emulator("accounts")
    code, _, err = cli(capsys, "--api-url", zomro.url, "login", stdin=zomro.demo_token + "\n")
    assert code == 0, err
    password = "agency-password\n"
    login = ["login", "--account", "Agency", "--username", "agency"]
    code, out, err = cli(capsys, "--api-url", zomro.url, *login, stdin=password)
    assert code == 0, err
    assert "2 servers found" in out
    agency = SettingsStore().load().accounts[1]
    assert set(memory_keyring.entries) == {
        ("zomro-tray", "credentials"),
        ("zomro-tray", agency.keychain_entry),  # an entry of its own
    }
    code, out, _ = cli(capsys, "accounts", "--json")
    listed = json.loads(out)
    assert [(a["number"], a["name"], a["sign_in_stored"]) for a in listed] == [
        (1, "Account 1", True),
        (2, "Agency", True),
    ]
    assert "agency-password" not in out
    assert zomro.demo_token not in out
    for wanted in ("Agency", "agency", "2"):
        code, out, err = cli(capsys, "services", "--json", "--account", wanted)
        assert code == 0, err
        assert {s["name"] for s in json.loads(out)} == {"agency-1", "agency-2"}
    code, out, _ = cli(capsys, "services", "--json")  # the first account's, by default
    assert "agency-1" not in out
    assert len(json.loads(out)) == 5
    code, _, err = cli(capsys, "services", "--account", "nobody")
    assert code != 0
    assert "No account 'nobody'; the accounts are: Account 1, Agency." in err
    code, out, _ = cli(capsys, "logout", "--account", "Agency")
    assert code == 0
    assert set(memory_keyring.entries) == {("zomro-tray", "credentials")}
    code, out, _ = cli(capsys, "accounts")
    assert out.splitlines() == ["1. Account 1: signed in", "2. Agency (agency): not signed in"]


@pytest.mark.parametrize("command", [["services"], ["services", "--json"], ["accounts", "--json"]])
def test_a_reader_that_leaves_early_is_not_an_error(emulator: Emulator, command: list[str]) -> None:
    """``zomro-tray services | head -1`` or ``| grep -q``: the pipe closes before all is
    written; that is how such a reader works, so no "Something unexpected" and exit code 0."""
    env = {
        **os.environ,
        "ZOMRO_TOKEN": emulator.demo_token,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "PYTHONUNBUFFERED": "1",  # every print a write of its own: the pipe breaks mid-way
    }
    child = subprocess.Popen(
        [sys.executable, "-m", "zomro_tray", "--api-url", emulator.url, *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert child.stdout is not None
    child.stdout.close()  # the reader is gone before a line is written
    _, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    assert err == b""


def test_balance_adds_no_other_currency_and_says_minus_zero_is_nothing(
    make_emulator: MakeEmulator,
) -> None:
    """Over the emulator (issue 28): two servers priced in dollars under a balance in euros are
    not added to it, and the note says so; a balance of "-0" is no debt."""
    from decimal import Decimal

    from zomro_tray.emulator.scenarios import DEMO_USER

    emulator = make_emulator()
    listed = emulator.state.servers.values()
    priced = [s for s in listed if s.daily_cost and s.account == DEMO_USER][:2]
    for server in priced:
        server.daily_cost, server.cost_text = "1 USD", "1 USD / Day"
    env = {"ZOMRO_TOKEN": emulator.demo_token}
    done = run(["--api-url", emulator.url, "balance"], env=env)
    assert done.returncode == 0, done.stderr
    assert "$/day" not in done.stdout
    assert "2 servers are priced in USD, not in the balance's EUR, and are not counted." in (
        done.stdout
    )
    figures = json.loads(run(["--api-url", emulator.url, "balance", "--json"], env=env).stdout)
    assert figures["servers_in_another_currency"] == 2
    emulator.state.accounts[DEMO_USER].balance = Decimal("-0")
    done = run(["--api-url", emulator.url, "balance"], env=env)
    assert done.stdout.startswith("Balance 0.00 €"), done.stdout
