"""The secrets store: an in-memory keyring backend, the no-keychain cases, and a real keychain."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from zomro_tray import errors
from zomro_tray.core.account import FIRST_ENTRY
from zomro_tray.core.credentials import AuthMethod, Credentials
from zomro_tray.store.keychain import SecretStore

from conftest import MemoryKeyring


def test_token_round_trip(memory_keyring: MemoryKeyring) -> None:
    store = SecretStore()
    assert store.load() is None
    store.save(Credentials.from_token(" tok-123456 "))
    assert store.load() == Credentials.from_token("tok-123456")
    assert list(memory_keyring.entries) == [("zomro-tray", FIRST_ENTRY)]
    assert store.clear() is True
    assert store.load() is None
    assert store.clear() is False


def test_username_and_password_round_trip(memory_keyring: MemoryKeyring) -> None:
    store = SecretStore()
    store.save(Credentials.from_password("anna", "pässwörd-1"))
    loaded = store.load()
    assert loaded is not None
    assert (loaded.method, loaded.username, loaded.password) == (
        AuthMethod.PASSWORD,
        "anna",
        "pässwörd-1",
    )
    assert loaded.can_sign_in_again


def test_environment_token_wins(memory_keyring: MemoryKeyring) -> None:
    SecretStore().save(Credentials.from_token("stored-token"))
    store = SecretStore({"ZOMRO_TOKEN": "env-token"})
    assert store.load() == Credentials.from_token("env-token")


def test_no_keychain_is_said_plainly_and_nothing_is_written(
    no_keyring: None, isolated_home: os.PathLike[str]
) -> None:
    store = SecretStore()
    for operation in (
        store.load,
        lambda: store.save(Credentials.from_token("x-token")),
        store.clear,
    ):
        with pytest.raises(errors.KeychainUnavailable, match="No usable system keychain"):
            operation()
    assert not os.path.exists(isolated_home)
    assert "none" in store.backend_name()


def test_null_backend_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring.backends.null

    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.null.Keyring())
    try:
        with pytest.raises(errors.KeychainUnavailable):
            SecretStore().save(Credentials.from_token("x-token"))
    finally:
        keyring.set_keyring(previous)


def test_locked_keychain(memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch) -> None:
    def locked(*args: object) -> None:
        raise keyring.errors.KeyringLocked("locked")

    monkeypatch.setattr(memory_keyring, "get_password", locked)
    with pytest.raises(errors.KeychainUnavailable) as raised:
        SecretStore().load()
    assert str(raised.value) == (
        "The system keychain is locked: unlock it (sign in to your desktop) and try again."
    )


def test_credentials_never_show_secrets_in_repr() -> None:
    creds = Credentials.from_password("anna", "hunter2-secret")
    assert "hunter2" not in repr(creds)
    assert "hunter2" not in str(creds)
    assert "tok-abcdef" not in repr(Credentials.from_token("tok-abcdef"))


def test_stored_text_from_older_versions_or_by_hand() -> None:
    assert Credentials.from_secret("bare-token") == Credentials.from_token("bare-token")
    assert Credentials.from_secret('{"method": "martian"}') is None
    assert Credentials.from_secret("  ") is None


@pytest.fixture
def secret_service() -> Iterator[None]:
    """The real Secret Service as keyring's backend: gnome-keyring under dbus-run-session
    (tests/run sets it up, as CI does)."""
    try:
        backend = keyring.core.load_keyring("keyring.backends.SecretService.Keyring")
        usable = backend.priority > 0
    except RuntimeError:  # keyring's way of saying "no D-Bus / no daemon"
        usable = False
    if not usable:
        if os.environ.get("ZOMRO_STRICT"):
            pytest.fail("the real Secret Service keychain is required here but is not running")
        pytest.skip("no Secret Service keychain on this machine (run tests/run)")
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield
    keyring.set_keyring(previous)


@pytest.mark.keychain
@pytest.mark.usefixtures("secret_service")
def test_round_trip_through_the_real_secret_service() -> None:
    store = SecretStore()
    assert "SecretService" in store.backend_name()
    store.save(Credentials.from_password("real-user", "real-Pässword-42"))
    loaded = store.load()
    assert loaded is not None
    assert loaded.password == "real-Pässword-42"
    assert store.clear() is True
    assert store.load() is None


# --- the tray's read, in a helper process ---------------------------------------------------


@pytest.mark.keychain
@pytest.mark.usefixtures("secret_service")
def test_the_tray_reads_the_real_keychain_in_a_helper_and_never_loads_keyring() -> None:
    """The tray's store reads through this app started once more: the sign-in arrives, and
    keyring (12 MiB of a running tray with cryptography) is never imported where it is read."""
    import subprocess
    import sys

    try:
        SecretStore().save(Credentials.from_token("tok-through-the-helper"))
        code = (
            "import sys; from zomro_tray.store.keychain import SecretStore; "
            "c = SecretStore(read_in_helper=True).load(); "
            "print(c.token if c else None, 'keyring' in sys.modules)"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
        )
        assert done.stdout.split() == ["tok-through-the-helper", "False"], done.stderr
    finally:
        SecretStore().clear()


@pytest.mark.keychain
@pytest.mark.usefixtures("secret_service")
def test_a_zomro_tray_folder_where_the_user_stands_never_runs_as_the_helper(
    tmp_path: Path,
) -> None:
    """Started from a folder that holds a zomro_tray/ package of someone else's (a download,
    a checkout), the tray's keychain helper is still this app: the planted code never runs,
    and the sign-in is the stored one, not what the planted code says."""
    import subprocess
    import sys

    planted = tmp_path / "zomro_tray"
    planted.mkdir()
    ran = tmp_path / "planted-code-ran"
    (planted / "__init__.py").write_text(f"open({str(ran)!r}, 'w').close()\n")
    (planted / "__main__.py").write_text('print(\'{"secrets": {"credentials": "tok-planted"}}\')\n')
    try:
        SecretStore().save(Credentials.from_token("tok-stored"))
        code = (
            "import sys; sys.path.remove(''); "  # the tray itself: its installed command
            "from zomro_tray.store.keychain import SecretStore; "
            "c = SecretStore(read_in_helper=True).load(); print(c.token if c else None)"
        )
        done = subprocess.run(
            [sys.executable, "-c", code],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        assert done.stdout.split() == ["tok-stored"], done.stderr
        assert not ran.exists()
    finally:
        SecretStore().clear()


def test_the_helper_is_this_app_isolated_with_entry_names_and_no_secret() -> None:
    import sys

    from zomro_tray import READ_KEYCHAIN_FOR_THE_TRAY
    from zomro_tray.store.keychain import _helper_command

    command = _helper_command(["credentials", "credentials-2"])
    assert command[:2] == [sys.executable, "-I"]  # no current directory on its path
    assert "-m" not in command
    assert Path(command[4], "zomro_tray", "store", "keychain.py").is_file()  # this package
    assert command[5:] == [READ_KEYCHAIN_FOR_THE_TRAY, "credentials", "credentials-2"]


def test_a_keychain_the_helper_cannot_use_is_said_as_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    with pytest.raises(errors.KeychainUnavailable) as raised:
        SecretStore(read_in_helper=True).load()
    assert str(raised.value) == str(errors.KeychainUnavailable())


@pytest.mark.parametrize(
    "helper",
    [
        ["/nonexistent/zomro-tray"],
        ["python3", "-c", "print('not JSON at all')"],
        ["python3", "-c", "print('[1, 2]')"],
    ],
    ids=["cannot run", "says nothing readable", "says JSON that is no object"],
)
def test_a_helper_that_fails_leaves_the_read_to_this_process(
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    helper: list[str],
) -> None:
    from zomro_tray.store import keychain

    SecretStore().save(Credentials.from_token("tok-read-here"))
    monkeypatch.setattr(keychain, "_helper_command", lambda entries: helper)
    loaded = SecretStore(read_in_helper=True).load()
    assert loaded == Credentials.from_token("tok-read-here")
    assert "the keychain helper gave no answer: reading here" in caplog.text


def _helper_saying(code: str) -> list[str]:
    """A stand-in for the helper: Python running ``code``, which prints the answer."""
    import sys

    return [sys.executable, "-c", "import json, os, sys, time\n" + code]


def test_the_helpers_answer_is_the_one_used(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """What the helper read is what the tray loads (this process's keychain is not asked)."""
    from zomro_tray.store import keychain

    SecretStore().save(Credentials.from_token("tok-in-this-process"))
    secret = Credentials.from_token("tok-from-the-helper").to_secret()
    answer = json.dumps({"secrets": {FIRST_ENTRY: secret}})
    monkeypatch.setattr(
        keychain, "_helper_command", lambda entries: _helper_saying(f"print({answer!r})")
    )
    assert SecretStore(read_in_helper=True).load() == Credentials.from_token("tok-from-the-helper")
    assert "gave no answer" not in caplog.text


def test_the_helper_runs_in_the_apps_own_folder_and_its_errors_stay_its_own(
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """Not in the folder the app was started from (a planted package there is never near it),
    and what the helper writes to its stderr is not the tray's to show."""
    import zomro_tray
    from zomro_tray.store import keychain

    code = (
        "sys.stderr.write('helper noise')\n"
        f"print(json.dumps({{'secrets': {{'{FIRST_ENTRY}': os.getcwd()}}}}))"
    )
    monkeypatch.setattr(keychain, "_helper_command", lambda entries: _helper_saying(code))
    monkeypatch.chdir(tmp_path)
    loaded = SecretStore(read_in_helper=True).load()
    assert loaded is not None
    assert Path(loaded.token) == Path(zomro_tray.__file__).resolve().parent
    assert "helper noise" not in capfd.readouterr().err


def test_a_helper_that_never_answers_is_given_up_on(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unlock prompt nobody answers: after HELPER_SECONDS the keychain is said unavailable
    (the helper here answers late, after the limit, so a read without one would succeed)."""
    from zomro_tray.store import keychain

    late = "time.sleep(3)\nprint(json.dumps({'secrets': {}}))"
    monkeypatch.setattr(keychain, "_helper_command", lambda entries: _helper_saying(late))
    monkeypatch.setattr(keychain, "HELPER_SECONDS", 0.3)
    with pytest.raises(errors.KeychainUnavailable):
        SecretStore(read_in_helper=True).load()


def test_the_command_line_answers_the_tray_on_stdout(
    memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from zomro_tray import READ_KEYCHAIN_FOR_THE_TRAY
    from zomro_tray.cli.main import main

    SecretStore().save(Credentials.from_token("tok-for-the-tray"))
    SecretStore().save(Credentials.from_token("tok-of-the-second"), "credentials-2")
    SecretStore().save(Credentials.from_token("tok-not-ours"), "elsewhere")
    assert main([READ_KEYCHAIN_FOR_THE_TRAY, "credentials", "credentials-2", "elsewhere"]) == 0
    answer = json.loads(capsys.readouterr().out)["secrets"]
    assert Credentials.from_secret(answer["credentials"]) == Credentials.from_token(
        "tok-for-the-tray"
    )
    second = Credentials.from_secret(answer["credentials-2"])
    assert second == Credentials.from_token("tok-of-the-second")
    assert "elsewhere" not in answer  # only this app's own entries, whatever it is asked


def test_each_account_has_its_own_entry_and_the_token_variable_is_the_firsts(
    memory_keyring: MemoryKeyring,
) -> None:
    store = SecretStore({"ZOMRO_TOKEN": "env-token"})
    first, second = (
        store.entry("credentials", first=True),
        store.entry("credentials-2", first=False),
    )
    second.save(Credentials.from_token("second-token"))
    assert first.load() == Credentials.from_token("env-token")
    assert second.load() == Credentials.from_token("second-token")
    assert set(memory_keyring.entries) == {("zomro-tray", "credentials-2")}
    assert second.clear()
    assert second.load() is None


@pytest.mark.keychain
@pytest.mark.usefixtures("secret_service")
def test_the_helper_reads_every_accounts_entry_of_the_real_keychain_at_once() -> None:
    """One helper process at launch answers for every account; each worker takes its own."""
    try:
        SecretStore().save(Credentials.from_token("tok-one"))
        SecretStore().save(Credentials.from_token("tok-two"), "credentials-2")
        store = SecretStore(read_in_helper=True, entries=["credentials", "credentials-2"])
        second = store.entry("credentials-2", first=False).load()
        assert second == Credentials.from_token("tok-two")
        assert store.entry("credentials", first=True).load() == Credentials.from_token("tok-one")
        assert store.entry("credentials-3", first=False).load() is None  # added since: read here
    finally:
        SecretStore().clear()
        SecretStore().clear("credentials-2")


def test_a_keychain_the_helper_found_locked_is_asked_again_on_retry(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The helper said "locked" at launch; the person unlocks it: the next read (a retry,
    or an account the helper was never asked about) asks the keychain again."""
    import sys

    from zomro_tray.store import keychain

    locked = 'print(\'{"unavailable": "The system keychain is locked."}\')'
    monkeypatch.setattr(keychain, "_helper_command", lambda entries: [sys.executable, "-c", locked])
    SecretStore().save(Credentials.from_token("tok-after-unlock"))
    SecretStore().save(Credentials.from_token("tok-other"), "credentials-9")
    store = SecretStore(read_in_helper=True)
    with pytest.raises(errors.KeychainUnavailable, match="locked"):
        store.load()
    assert store.load() == Credentials.from_token("tok-after-unlock")
    assert store.load("credentials-9", first=False) == Credentials.from_token("tok-other")


@pytest.mark.usefixtures("no_keyring")
def test_the_helper_says_why_it_cannot_read(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from zomro_tray.store.keychain import answer_the_tray

    assert answer_the_tray(["credentials"]) == 0
    assert json.loads(capsys.readouterr().out) == {"unavailable": str(errors.KeychainUnavailable())}


def test_whether_a_keychain_is_there_and_which(memory_keyring: MemoryKeyring) -> None:
    assert SecretStore().usable()
    assert SecretStore().backend_name() == "conftest.MemoryKeyring"


@pytest.mark.usefixtures("no_keyring")
def test_no_keychain_is_not_usable_and_says_why() -> None:
    assert not SecretStore().usable()
    assert SecretStore().backend_name() == f"none ({errors.KeychainUnavailable()})"


def test_a_sign_in_for_this_run_only_is_kept_and_forgotten() -> None:
    """--demo and ZOMRO_TOKEN keep their sign-in in memory, one per account."""
    from zomro_tray.store.keychain import SessionOnlyKeychain, SessionOnlyStore

    store = SessionOnlyStore()
    assert (store.load(), store.clear()) == (None, False)
    store.save(Credentials.from_token("tok"))
    assert store.load() == Credentials.from_token("tok")
    assert store.clear() is True
    assert store.load() is None
    keychain = SessionOnlyKeychain({"credentials": Credentials.from_token("first")})
    assert keychain.entry("credentials", first=True).load() == Credentials.from_token("first")
    second = keychain.entry("credentials-2", first=False)
    assert second.load() is None
    second.save(Credentials.from_token("second"))
    assert keychain.entry("credentials-2", first=False).load() == Credentials.from_token("second")


def test_the_frozen_app_on_windows_asks_its_console_twin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The windowed .exe has no stdout to answer on; the console one beside it has (Windows
    cannot run here: its file layout is made, its platform named)."""
    import sys

    from zomro_tray import READ_KEYCHAIN_FOR_THE_TRAY
    from zomro_tray.store.keychain import _helper_command

    windowed, console = tmp_path / "zomro-tray.exe", tmp_path / "zomro-tray-cli.exe"
    windowed.touch()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(windowed))
    monkeypatch.setattr(sys, "platform", "win32")
    assert _helper_command(["credentials"]) == [
        str(windowed),
        READ_KEYCHAIN_FOR_THE_TRAY,
        "credentials",
    ]
    console.touch()
    assert _helper_command(["credentials"]) == [
        str(console),
        READ_KEYCHAIN_FOR_THE_TRAY,
        "credentials",
    ]
    monkeypatch.setattr(sys, "platform", "linux")
    assert _helper_command([])[0] == str(windowed)  # a frozen Linux build has its stdout


class PlaintextKeyring(MemoryKeyring):
    """Stands for keyrings.alt's file keyring: a class named for what it is."""


def test_a_plaintext_file_keyring_is_used_only_when_chosen_by_name() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(PlaintextKeyring())
    try:
        refused = SecretStore(environ={})
        assert not refused.usable()
        assert refused.backend_name() == (
            "none (Only a plaintext file keyring was found; zomro-tray does not store the "
            "sign-in in a file. Set PYTHON_KEYRING_BACKEND to it if you really want that.)"
        )
        chosen = SecretStore(environ={"PYTHON_KEYRING_BACKEND": f"{__name__}.PlaintextKeyring"})
        assert chosen.usable()
        assert chosen.backend_name() == f"{__name__}.PlaintextKeyring"
    finally:
        keyring.set_keyring(previous)
