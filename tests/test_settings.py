"""Settings: defaults, round trip, atomic writes, and a damaged file kept aside."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from zomro_tray.core.account import Account, new_key
from zomro_tray.core.credentials import AuthMethod
from zomro_tray.core.model import ServerKey
from zomro_tray.store.settings import NotificationKind, Settings, SettingsStore


def test_defaults_when_there_is_no_file(isolated_home: Path) -> None:
    store = SettingsStore()
    assert store.path == isolated_home / "settings.json"
    assert store.load() == Settings()
    assert store.warning == ""


def test_round_trip_leaves_no_temporary_files(isolated_home: Path) -> None:
    store = SettingsStore()
    settings = replace(
        Settings(),
        refresh_seconds=120,
        confirm_before_stop=True,
        notifications={
            "external_change": False,
            "action_result": True,
            "sign_in": True,
            "connection": False,
            "money": False,
        },
        runway_warning_days=7,
        accounts=(Account(shown_services=("1", "2"), aliases={"1": "Sklep ☕"}),),
    )
    store.save(settings)
    assert store.load() == settings
    assert sorted(p.name for p in isolated_home.iterdir()) == ["settings.json"]
    assert "Sklep ☕" in store.path.read_text(encoding="utf-8")


@pytest.mark.parametrize("damage", [b"{not json", b"[1, 2]", b"\xff\xfe", b"", b"null"])
def test_a_damaged_file_is_kept_aside_and_defaults_are_used(
    isolated_home: Path, damage: bytes
) -> None:
    isolated_home.mkdir(parents=True)
    (isolated_home / "settings.json").write_bytes(damage)
    store = SettingsStore()
    assert store.load() == Settings()
    assert "damaged" in store.warning
    [backup] = isolated_home.glob("settings.corrupt-*.json")
    assert backup.read_bytes() == damage
    store.save(Settings())
    assert store.load() == Settings()
    assert store.warning == ""


def test_one_bad_field_does_not_cost_the_others(isolated_home: Path) -> None:
    isolated_home.mkdir(parents=True)
    (isolated_home / "settings.json").write_text(
        json.dumps(
            {
                "refresh_seconds": "often",
                "confirm_before_stop": True,
                "aliases": [1],
                "api_url": "http://127.0.0.1:9/",
                "shown_services": ["5"],
                "future_field": 1,
            }
        )
    )
    settings = SettingsStore().load()
    assert settings.refresh_seconds == 60
    assert settings.confirm_before_stop is True
    assert settings.first.api_url == "http://127.0.0.1:9/"
    assert settings.first.shown_services == ("5",)
    assert settings.first.aliases == {}


def test_refresh_interval_is_clamped() -> None:
    assert Settings.from_json({"refresh_seconds": 1}).refresh_seconds == 10
    assert Settings.from_json({"refresh_seconds": 10**9}).refresh_seconds == 3600


def test_display_names_and_visibility() -> None:
    settings = Settings(accounts=(Account(aliases={"1": "shop", "2": "  "}),))
    assert settings.display_name(ServerKey("", "1"), "web-1") == "shop"
    assert settings.display_name(ServerKey("", "2"), "db") == "db"
    assert settings.display_name(ServerKey("2", "1"), "web-1") == "web-1"  # another account's
    account = Account(shown_services=("1",))
    assert account.shows("1")
    assert not account.shows("2")
    assert Account().shows("anything")


def test_damaged_files_each_get_a_backup_of_their_own(isolated_home: Path) -> None:
    store = SettingsStore()
    kept = []
    for garbage in ("{", "[", "not json"):
        store.config_dir.mkdir(parents=True, exist_ok=True)
        store.path.write_text(garbage)
        assert store.load() == Settings()
        backup = store.config_dir / store.warning.split("kept as ")[1].split(" and")[0]
        assert backup.read_text() == garbage  # the user's bytes, untouched
        kept.append(backup.name)
    assert len(set(kept)) == 3
    for name in kept:  # when, to the second; a number after it for a second one that second
        assert re.fullmatch(r"settings\.corrupt-20\d{6}-\d{6}(-[12])?\.json", name), name
    assert not store.path.exists()  # moved aside, not copied: the next save starts clean


def test_a_backup_that_cannot_be_made_leaves_the_file_where_it_is(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    store = SettingsStore()
    store.config_dir.mkdir(parents=True)
    store.path.write_text("{")

    def no_links(*_: object) -> None:
        raise PermissionError("no hard links here")

    monkeypatch.setattr(os, "link", no_links)
    assert store.load() == Settings()
    assert store.path.read_text() == "{"  # nothing lost, nothing moved


def test_the_settings_live_in_the_platforms_config_folder(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from zomro_tray.store.settings import default_config_dir

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert default_config_dir() == tmp_path / "cfg" / "zomro-tray"


def test_protected_servers_and_who_signed_in_are_kept(isolated_home: Path) -> None:
    store = SettingsStore()
    settings = Settings(
        accounts=(
            Account(
                who="demo", sign_in_method=AuthMethod.TOKEN, username="jan", always_ask=("2", "1")
            ),
        ),
    )
    store.save(settings)
    loaded = store.load()
    assert loaded == settings
    assert loaded.protects(ServerKey("", "1"))
    assert not loaded.protects(ServerKey("", "3"))
    assert not loaded.protects(ServerKey("2", "1"))  # the same id in another account
    raw = json.loads(store.path.read_text())
    assert raw["accounts"][0]["always_ask"] == ["2", "1"]
    bad = Settings.parse({"protected_services": "1", "sign_in_method": "magic", "account": 5})
    assert bad[1] == ["sign_in_method", "account", "protected_services"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"language": "pl"}', "pl"),
        ('{"language": "uk", "refresh_seconds": "bad"}', "uk"),  # another field's fault
        ('{"language": "de"}', ""),  # not one the app speaks: the system's
        ('{"language": 5}', ""),
        ('{"refresh_seconds": 60}', ""),
        ("[1, 2]", ""),
        ("{damaged", ""),
        (None, ""),  # no file
    ],
)
def test_the_chosen_language_is_read_quietly(
    content: str | None, expected: str, isolated_home: Path
) -> None:
    store = SettingsStore()
    if content is not None:
        isolated_home.mkdir(parents=True)
        store.path.write_text(content, encoding="utf-8")
    assert store.chosen_language() == expected
    assert store.warning == ""  # told by whoever loads the settings, not here
    if content is not None:
        assert store.path.read_text(encoding="utf-8") == content  # never moved or rewritten


def test_the_language_is_kept_and_a_bad_one_ignored(isolated_home: Path) -> None:
    store = SettingsStore()
    store.save(Settings(language="ru"))
    assert store.load().language == "ru"
    settings, ignored = Settings.parse({"language": "xx", "refresh_seconds": 90})
    assert settings.language == ""
    assert ignored == ["language"]
    assert settings.refresh_seconds == 90


def test_a_file_from_before_the_money_features_gets_their_defaults(isolated_home: Path) -> None:
    store = SettingsStore()
    old = {"refresh_seconds": 90, "notifications": {"connection": False}}
    store.path.parent.mkdir(parents=True, exist_ok=True)
    store.path.write_text(json.dumps(old), encoding="utf-8")
    loaded = store.load()
    assert loaded.refresh_seconds == 90
    assert loaded.notifications["connection"] is False
    assert loaded.notify(NotificationKind.MONEY)
    assert loaded.runway_warning_days == 3


@pytest.mark.parametrize(("raw", "kept"), [(0, 1), (5, 5), (999, 60), ("3", None), (True, None)])
def test_the_warning_threshold_is_kept_in_its_range(raw: object, kept: int | None) -> None:
    settings, ignored = Settings.parse({"runway_warning_days": raw})
    if kept is None:
        assert ignored == ["runway_warning_days"]
        assert settings.runway_warning_days == 3
    else:
        assert settings.runway_warning_days == kept


# --- the file is outside text too (issue 28) ------------------------------------------------


def test_repeated_account_keys_never_take_another_accounts_key() -> None:
    """The first to state a key keeps it; a later repeat gets a key nobody has (not "2",
    which the real second account states, and whose keychain entry holds its sign-in)."""
    settings = Settings.from_json(
        {
            "accounts": [
                {"key": "", "label": "first"},
                {"key": "", "label": "repeat"},
                {"key": "2", "label": "second"},
            ]
        }
    )
    keys = {a.label: a.key for a in settings.accounts}
    assert keys["first"] == ""
    assert keys["second"] == "2"
    assert keys["repeat"] not in ("", "2")
    assert len({a.keychain_entry for a in settings.accounts}) == 3


def test_new_keys_are_never_handed_out_twice() -> None:
    """A counted key ("2") could be one a removed account's keychain entry still holds."""
    listed = [Account(), Account(key="2")]
    made = {new_key(listed) for _ in range(50)}
    assert len(made) == 50
    assert not made & {"", "2", "3"}


def test_labels_and_names_from_the_file_are_plain_and_short() -> None:
    hostile = "\x1b]0;pwned\x07\x1b[2J" + "evil\u202egnp.exe" + "L" * 5000
    settings = Settings.from_json(
        {
            "accounts": [
                {"label": hostile, "username": hostile, "who": hostile, "aliases": {"1": hostile}}
            ]
        }
    )
    account = settings.first
    for text in (account.label, account.username, account.who, account.alias("1")):
        assert text.isprintable(), repr(text[:40])
        assert "\u202e" not in text
        assert len(text) <= 254
    assert len(account.title(1)) <= 60
    assert len(Account(label=hostile).title(1)) <= 60  # typed in Settings, not read from a file


# --- private, linked and shared files (issue 28) --------------------------------------------


def test_the_config_and_log_folders_and_files_are_the_owners_alone(tmp_path: Path) -> None:
    import logging
    import os
    import stat

    from zomro_tray.logs import log_to_file

    old = os.umask(0o022)  # the usual umask: what others could read before
    try:
        config = tmp_path / "config"
        config.mkdir(mode=0o755)  # as an older release left it
        store = SettingsStore(config)
        store.save(Settings())
        logs = tmp_path / "logs"
        path = log_to_file(logs)
        assert path is not None
        logging.getLogger("zomro_tray.test").warning("a server name and an address")
    finally:
        os.umask(old)
        root = logging.getLogger()
        for handler in [h for h in root.handlers if getattr(h, "baseFilename", "") == str(path)]:
            root.removeHandler(handler)
            handler.close()
    for folder in (config, logs):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    for file in (store.path, path):
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file


def test_a_symlinked_settings_file_is_written_through_its_link(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "zomro.json"
    real.parent.mkdir()
    real.write_text("{}", encoding="utf-8")
    store = SettingsStore(tmp_path / "config")
    store.config_dir.mkdir()
    store.path.symlink_to(real)
    store.save(Settings(refresh_seconds=120))
    assert store.path.is_symlink()
    assert json.loads(real.read_text(encoding="utf-8"))["refresh_seconds"] == 120


def test_an_account_added_by_another_process_survives_the_next_save(tmp_path: Path) -> None:
    """The tray's store read the file; then ``login --account`` added one; the tray saves."""
    tray = SettingsStore(tmp_path)
    tray.save(Settings(accounts=(Account(label="Mine"),)))
    mine = tray.load()
    command_line = SettingsStore(tmp_path)
    listed = command_line.load()
    added = Account(key=new_key(listed.accounts), label="Agency")
    command_line.save(replace(listed, accounts=(*listed.accounts, added)))
    written = tray.save(replace(mine, refresh_seconds=300))
    assert [a.label for a in written.accounts] == ["Mine", "Agency"]
    again = SettingsStore(tmp_path).load()
    assert [(a.label, a.key) for a in again.accounts] == [("Mine", ""), ("Agency", added.key)]
    assert again.refresh_seconds == 300
    removed = tray.save(replace(written, accounts=written.accounts[:1]))  # removed here: gone
    assert [a.label for a in removed.accounts] == ["Mine"]


def test_each_shown_text_from_the_file_has_its_own_length() -> None:
    """A name for the menu (60), a sign-in name (254, an e-mail address's longest), an alias
    (60): a file's text is cut where the app's own would be; a non-text is no value."""
    long = "L" * 5000
    settings = Settings.from_json(
        {"accounts": [{"label": long, "username": long, "who": long, "aliases": {"1": long}}]}
    )
    account = settings.first
    assert [len(account.label), len(account.username), len(account.who)] == [60, 254, 254]
    assert len(account.alias("1")) == 60
    odd = Settings.from_json({"accounts": [{"label": 7, "username": ["x"], "who": None}]})
    assert (odd.first.label, odd.first.username, odd.first.who) == ("", "", "")
    legacy = Settings.from_json({"username": long, "account": long})
    assert (len(legacy.first.username), len(legacy.first.who)) == (254, 254)


def test_a_repeated_key_is_given_the_same_new_key_at_every_read() -> None:
    """Its keychain entry is named by the key: a key that changed between two reads of the same
    file would lose the account's sign-in at every start. Made from the account and its place,
    so three repeats of one key get three keys."""
    listed = {"accounts": [{"key": "", "label": f"copy {n}"} for n in range(4)]}
    first, again = Settings.from_json(listed), Settings.from_json(listed)
    keys = [a.key for a in first.accounts]
    assert keys == [a.key for a in again.accounts]
    assert keys[0] == ""
    assert all(re.fullmatch(r"r[0-9a-f]{8}", key) for key in keys[1:]), keys
    assert len(set(keys)) == 4


def test_the_keychain_entries_to_read_come_from_the_file_without_a_word(tmp_path: Path) -> None:
    """The tray's keychain helper reads them while Qt loads: every account's entry, and the
    first account's when the file is missing, damaged or lists none."""
    store = SettingsStore(tmp_path / "config")
    assert store.keychain_entries() == ["credentials"]
    store.save(Settings(accounts=(Account(), Account(key="2"), Account(key="ab12cd34"))))
    assert store.keychain_entries() == ["credentials", "credentials-2", "credentials-ab12cd34"]
    store.path.write_text('{"accounts": []}', encoding="utf-8")
    assert store.keychain_entries() == ["credentials"]
    store.path.write_text('{"accounts": "none"}', encoding="utf-8")
    assert store.keychain_entries() == ["credentials"]
    store.path.write_text("{ damaged", encoding="utf-8")
    assert store.keychain_entries() == ["credentials"]
    assert store.path.read_text(encoding="utf-8") == "{ damaged"  # read, never repaired here


def test_a_new_key_is_eight_hex_digits() -> None:
    """Short, as it is part of the keychain entry's name."""
    key = new_key([Account()])
    assert re.fullmatch(r"[0-9a-f]{8}", key), key


def test_the_limit_on_accounts_is_said_with_its_number() -> None:
    from zomro_tray.core.account import too_many_accounts

    assert too_many_accounts() == "zomro-tray shows at most 30 Zomro accounts."
