"""User settings: a small JSON file in the platform's config directory, never a secret in it.

Writes are atomic (temp file + rename), so a crash mid-write cannot leave half a file. A file that
cannot be read is moved aside as a backup and replaced by defaults, with a warning the app shows:
the user loses nothing silently, and the app always starts.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from zomro_tray import APP_NAME
from zomro_tray.endpoint import DEFAULT_API_URL

log = logging.getLogger(__name__)

MIN_REFRESH_SECONDS = 10
MAX_REFRESH_SECONDS = 3600
NOTIFICATION_KINDS = (
    "external_change",  # a server stopped or was suspended without the user doing it
    "action_result",  # a start/stop/reboot finished or failed
    "sign_in",  # signing in is needed
    "connection",  # connection lost / restored
)


@dataclass(frozen=True)
class Settings:
    api_url: str = DEFAULT_API_URL
    refresh_seconds: int = 60
    #: Ids of the servers to show; None shows all (new servers appear by themselves).
    shown_services: tuple[str, ...] | None = None
    aliases: dict[str, str] = field(default_factory=dict)
    notifications: dict[str, bool] = field(
        default_factory=lambda: dict.fromkeys(NOTIFICATION_KINDS, True)
    )
    confirm_before_stop: bool = False
    start_at_login: bool = False

    def notify(self, kind: str) -> bool:
        return self.notifications.get(kind, True)

    def shows(self, service_id: str) -> bool:
        return self.shown_services is None or service_id in self.shown_services

    def display_name(self, service_id: str, name: str) -> str:
        return self.aliases.get(service_id, "").strip() or name

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        if self.shown_services is not None:
            data["shown_services"] = list(self.shown_services)
        return data

    @classmethod
    def from_json(cls, data: Any) -> Settings:
        """Take what is valid, default the rest: one bad field must not cost the others."""
        if not isinstance(data, dict):
            raise TypeError("settings must be a JSON object")
        defaults = cls()
        values: dict[str, Any] = {}
        url = data.get("api_url")
        if isinstance(url, str) and url.strip():
            values["api_url"] = url.strip()
        refresh = data.get("refresh_seconds")
        if isinstance(refresh, int) and not isinstance(refresh, bool):
            values["refresh_seconds"] = min(max(refresh, MIN_REFRESH_SECONDS), MAX_REFRESH_SECONDS)
        shown = data.get("shown_services")
        if isinstance(shown, list):
            values["shown_services"] = tuple(str(s) for s in shown)
        aliases = data.get("aliases")
        if isinstance(aliases, dict):
            values["aliases"] = {str(k): str(v) for k, v in aliases.items() if str(v).strip()}
        notes = data.get("notifications")
        if isinstance(notes, dict):
            values["notifications"] = {
                kind: bool(notes.get(kind, True)) for kind in NOTIFICATION_KINDS
            }
        for flag in ("confirm_before_stop", "start_at_login"):
            if isinstance(data.get(flag), bool):
                values[flag] = data[flag]
        return replace(defaults, **values)


def default_config_dir() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))


class SettingsStore:
    FILE_NAME = "settings.json"

    def __init__(self, config_dir: Path | None = None) -> None:
        self.config_dir = config_dir or default_config_dir()
        self.path = self.config_dir / self.FILE_NAME
        #: A sentence for the user when the last load had to fall back to defaults.
        self.warning = ""

    def load(self) -> Settings:
        self.warning = ""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return Settings()
        except OSError as error:
            self.warning = f"Could not read the settings file ({error.strerror}); using defaults."
            return Settings()
        try:
            return Settings.from_json(json.loads(raw))
        except (ValueError, TypeError, RecursionError):
            backup = self._keep_aside()
            self.warning = (
                f"The settings file was damaged; it was kept as {backup.name} and the defaults "
                "are used."
            )
            log.warning("%s", self.warning)
            return Settings()

    def save(self, settings: Settings) -> None:
        self.config_dir.mkdir(parents=True, exist_ok=True)
        import tempfile  # only when saving: keeps start-up light

        payload = json.dumps(settings.to_json(), indent=2, ensure_ascii=False, sort_keys=True)
        handle, temp = tempfile.mkstemp(dir=self.config_dir, prefix=".settings-", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(payload + "\n")
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, self.path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def _keep_aside(self) -> Path:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        backup = self.path.with_name(f"settings.corrupt-{stamp}.json")
        try:
            os.replace(self.path, backup)
        except OSError:
            log.warning("could not move the damaged settings file aside")
        return backup
