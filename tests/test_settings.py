"""Settings: defaults, round trip, atomic writes, and a damaged file kept aside."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from zomro_tray.account import Account
from zomro_tray.settings import NotificationKind, Settings, SettingsStore


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
        aliases={"1": "Sklep ☕"},
        confirm_before_stop=True,
        notifications={
            "external_change": False,
            "action_result": True,
            "sign_in": True,
            "connection": False,
            "money": False,
        },
        runway_warning_days=7,
        accounts=(Account(shown_services=("1", "2")),),
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
    assert settings.aliases == {}


def test_refresh_interval_is_clamped() -> None:
    assert Settings.from_json({"refresh_seconds": 1}).refresh_seconds == 10
    assert Settings.from_json({"refresh_seconds": 10**9}).refresh_seconds == 3600


def test_display_names_and_visibility() -> None:
    settings = Settings(aliases={"1": "shop", "2": "  "})
    assert settings.display_name("1", "web-1") == "shop"
    assert settings.display_name("2", "db") == "db"
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
    assert kept[0].startswith("settings.corrupt-")
    assert kept[0].endswith(".json")
    assert kept[1].endswith("-1.json") or kept[1] != kept[0]
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
    from zomro_tray.settings import default_config_dir

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert default_config_dir() == tmp_path / "cfg" / "zomro-tray"


def test_protected_servers_and_who_signed_in_are_kept(isolated_home: Path) -> None:
    store = SettingsStore()
    settings = Settings(
        accounts=(Account(who="demo", sign_in_method="token", username="jan"),),
        protected_services=("2", "1"),
    )
    store.save(settings)
    loaded = store.load()
    assert loaded == settings
    assert loaded.protects("1")
    assert not loaded.protects("3")
    raw = json.loads(store.path.read_text())
    assert raw["protected_services"] == ["2", "1"]
    bad = Settings.parse({"protected_services": "1", "sign_in_method": "magic", "account": 5})
    assert bad[1] == ["protected_services", "sign_in_method", "account"]


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
