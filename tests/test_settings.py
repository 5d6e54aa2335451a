"""Settings: defaults, round trip, atomic writes, and a damaged file kept aside."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from zomro_tray.settings import Settings, SettingsStore


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
        shown_services=("1", "2"),
        aliases={"1": "Sklep ☕"},
        confirm_before_stop=True,
        notifications={
            "external_change": False,
            "action_result": True,
            "sign_in": True,
            "connection": False,
        },
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
    assert settings.api_url == "http://127.0.0.1:9/"
    assert settings.shown_services == ("5",)
    assert settings.aliases == {}


def test_refresh_interval_is_clamped() -> None:
    assert Settings.from_json({"refresh_seconds": 1}).refresh_seconds == 10
    assert Settings.from_json({"refresh_seconds": 10**9}).refresh_seconds == 3600


def test_display_names_and_visibility() -> None:
    settings = Settings(shown_services=("1",), aliases={"1": "shop", "2": "  "})
    assert settings.display_name("1", "web-1") == "shop"
    assert settings.display_name("2", "db") == "db"
    assert settings.shows("1")
    assert not settings.shows("2")
    assert Settings().shows("anything")
