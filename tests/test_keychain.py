"""The secrets store: an in-memory keyring backend, the no-keychain cases, and a real keychain."""

from __future__ import annotations

import os

import keyring
import pytest

from zomro_tray import errors
from zomro_tray.credentials import AuthMethod, Credentials
from zomro_tray.keychain import ENTRY, SecretStore

from conftest import MemoryKeyring


def test_token_round_trip(memory_keyring: MemoryKeyring) -> None:
    store = SecretStore()
    assert store.load() is None
    store.save(Credentials.from_token(" tok-123456 "))
    assert store.load() == Credentials.from_token("tok-123456")
    assert list(memory_keyring.entries) == [("zomro-tray", ENTRY)]
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
    with pytest.raises(errors.KeychainUnavailable, match="locked"):
        SecretStore().load()


def test_credentials_never_show_secrets_in_repr() -> None:
    creds = Credentials.from_password("anna", "hunter2-secret")
    assert "hunter2" not in repr(creds)
    assert "hunter2" not in str(creds)
    assert "tok-abcdef" not in repr(Credentials.from_token("tok-abcdef"))


def test_stored_text_from_older_versions_or_by_hand() -> None:
    assert Credentials.from_secret("bare-token") == Credentials.from_token("bare-token")
    assert Credentials.from_secret('{"method": "martian"}') is None
    assert Credentials.from_secret("  ") is None


@pytest.mark.keychain
def test_round_trip_through_the_real_secret_service() -> None:
    """Needs gnome-keyring under dbus-run-session (tests/run sets it up, as CI does)."""
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
    try:
        store = SecretStore()
        assert "SecretService" in store.backend_name()
        store.save(Credentials.from_password("real-user", "real-Pässword-42"))
        loaded = store.load()
        assert loaded is not None
        assert loaded.password == "real-Pässword-42"
        assert store.clear() is True
        assert store.load() is None
    finally:
        keyring.set_keyring(previous)
