"""User settings: a small JSON file in the platform's config directory, never a secret in it.

Writes are atomic (temp file + rename), so a crash mid-write cannot leave half a file. A file that
cannot be read is moved aside as a backup and replaced by defaults, with a warning the app shows:
the user loses nothing silently, and the app always starts.
"""

from __future__ import annotations

import enum
import json
import logging
import os
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from zomro_tray import APP_NAME
from zomro_tray.account import SIGN_IN_METHODS, Account, new_key
from zomro_tray.i18n import LANGUAGES, _

log = logging.getLogger(__name__)

MIN_REFRESH_SECONDS = 10
MAX_REFRESH_SECONDS = 3600
#: The runway warning's threshold, in days (Settings offers this range).
MIN_WARNING_DAYS = 1
MAX_WARNING_DAYS = 60


class NotificationKind(str, enum.Enum):
    """What a notification is about; the user turns each kind on or off, except PROBLEM."""

    EXTERNAL_CHANGE = "external_change"  # a server stopped or was suspended without the user
    ACTION_RESULT = "action_result"  # a start/stop/reboot finished or failed
    SIGN_IN = "sign_in"  # signing in is needed
    CONNECTION = "connection"  # connection lost / restored
    MONEY = "money"  # the balance runs low, or Zomro suspended servers for non-payment
    #: The app's own trouble (settings reset or not saved, login item not written): always told.
    PROBLEM = "problem"


#: The kinds Settings offers a switch for (their values are the settings file's keys).
NOTIFICATION_KINDS = tuple(
    kind for kind in NotificationKind if kind is not NotificationKind.PROBLEM
)


@dataclass(frozen=True)
class Settings:
    #: The Zomro accounts shown, in the menu's order; never empty (the first one is where a
    #: first sign-in goes).
    accounts: tuple[Account, ...] = (Account(),)
    refresh_seconds: int = 60
    aliases: dict[str, str] = field(default_factory=dict)
    notifications: dict[str, bool] = field(
        default_factory=lambda: {kind.value: True for kind in NOTIFICATION_KINDS}
    )
    confirm_before_stop: bool = False
    start_at_login: bool = False
    #: Servers that always ask before a shutdown or reboot (no undo window: a question).
    protected_services: tuple[str, ...] = ()
    #: The app's language (a code of i18n.LANGUAGES); "" follows the system's.
    language: str = ""
    #: Warn when the balance lasts fewer days than this (Zomro suspends servers it cannot charge).
    runway_warning_days: int = 3

    def notify(self, kind: NotificationKind) -> bool:
        """Whether to tell the user; a kind that is not a NotificationKind is a bug and fails."""
        kind = NotificationKind(kind)
        if kind is NotificationKind.PROBLEM:
            return True
        return self.notifications.get(kind.value, True)

    def protects(self, service_id: str) -> bool:
        return service_id in self.protected_services

    @property
    def first(self) -> Account:
        """The account a command uses unless told another (the only one, or the first)."""
        return self.accounts[0]

    def account(self, key: str) -> Account | None:
        return next((a for a in self.accounts if a.key == key), None)

    def with_account(self, account: Account) -> Settings:
        """These settings with that account (found by its key) replaced."""
        accounts = tuple(account if a.key == account.key else a for a in self.accounts)
        return replace(self, accounts=accounts)

    def display_name(self, service_id: str, name: str) -> str:
        return self.aliases.get(service_id, "").strip() or name

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["accounts"] = [account.to_json() for account in self.accounts]
        data["protected_services"] = list(self.protected_services)
        return data

    @classmethod
    def from_json(cls, data: Any) -> Settings:
        return cls.parse(data)[0]

    @classmethod
    def parse(cls, data: Any) -> tuple[Settings, list[str]]:
        """Take what is valid, default the rest, and name what was ignored: one bad field must
        not cost the others, nor go unmentioned."""
        if not isinstance(data, dict):
            raise TypeError("settings must be a JSON object")
        values, ignored = _read_fields(data, _SETTINGS_READERS)
        if "accounts" in data:
            accounts = _read_accounts(data["accounts"], ignored)
        else:  # a single-account release's file: its sign-in fields are the first account's
            fields, wrong = _read_fields(data, _LEGACY_ACCOUNT_READERS)
            ignored += wrong
            accounts = (Account(**{_LEGACY_NAMES.get(k, k): v for k, v in fields.items()}),)
        return replace(cls(), **values, accounts=accounts or Settings().accounts), ignored


def _read_fields(data: dict[str, Any], readers: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The valid fields, and the names of those that were not."""
    values: dict[str, Any] = {}
    ignored: list[str] = []
    for name, read in readers.items():
        if name not in data:
            continue
        value = read(data[name])
        if value is _INVALID:
            ignored.append(name)
        else:
            values[name] = value
    return values, ignored


def _read_accounts(raw: Any, ignored: list[str]) -> tuple[Account, ...]:
    """Each listed account with what of it is valid; one whose key repeats another's gets a
    key of its own (two accounts must never share a keychain entry)."""
    if not isinstance(raw, list):
        ignored.append("accounts")
        return ()
    accounts: list[Account] = []
    for number, item in enumerate(raw, 1):
        if not isinstance(item, dict):
            ignored.append(f"accounts[{number}]")
            continue
        fields, wrong = _read_fields(item, _ACCOUNT_READERS)
        ignored += [f"accounts[{number}].{name}" for name in wrong]
        account = Account(**fields)
        if any(a.key == account.key for a in accounts):
            account = replace(account, key=new_key(accounts))
        accounts.append(account)
    return tuple(accounts)


#: What a field reader returns for a value of the wrong type (None is a valid value).
_INVALID: Any = object()


def _read_url(raw: Any) -> Any:
    return raw.strip() if isinstance(raw, str) and raw.strip() else _INVALID


def _read_refresh(raw: Any) -> Any:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return min(max(raw, MIN_REFRESH_SECONDS), MAX_REFRESH_SECONDS)
    return _INVALID


def _read_warning_days(raw: Any) -> Any:
    valid = isinstance(raw, int) and not isinstance(raw, bool)
    return min(max(raw, MIN_WARNING_DAYS), MAX_WARNING_DAYS) if valid else _INVALID


def _read_shown(raw: Any) -> Any:
    if raw is None:
        return None  # every server, new ones too
    return tuple(str(s) for s in raw) if isinstance(raw, list) else _INVALID


def _read_ids(raw: Any) -> Any:
    return tuple(str(s) for s in raw) if isinstance(raw, list) else _INVALID


def _read_text(raw: Any) -> Any:
    return raw.strip() if isinstance(raw, str) else _INVALID


def _read_method(raw: Any) -> Any:
    return raw if raw in SIGN_IN_METHODS else _INVALID


def _read_language(raw: Any) -> Any:
    return raw if raw == "" or raw in LANGUAGES else _INVALID


def _read_aliases(raw: Any) -> Any:
    if not isinstance(raw, dict):
        return _INVALID
    return {str(k): str(v) for k, v in raw.items() if str(v).strip()}


def _read_notifications(raw: Any) -> Any:
    if not isinstance(raw, dict):
        return _INVALID
    return {kind.value: bool(raw.get(kind.value, True)) for kind in NOTIFICATION_KINDS}


def _read_flag(raw: Any) -> Any:
    return raw if isinstance(raw, bool) else _INVALID


_SETTINGS_READERS = {
    "refresh_seconds": _read_refresh,
    "aliases": _read_aliases,
    "notifications": _read_notifications,
    "confirm_before_stop": _read_flag,
    "start_at_login": _read_flag,
    "protected_services": _read_ids,
    "language": _read_language,
    "runway_warning_days": _read_warning_days,
}
_ACCOUNT_READERS = {
    "key": _read_text,
    "label": _read_text,
    "api_url": _read_url,
    "sign_in_method": _read_method,
    "username": _read_text,
    "who": _read_text,
    "shown_services": _read_shown,
}
#: The single-account layout (releases up to 0.1.0) kept these at the top of the file.
_LEGACY_ACCOUNT_READERS = {
    "api_url": _read_url,
    "sign_in_method": _read_method,
    "username": _read_text,
    "account": _read_text,
    "shown_services": _read_shown,
}
_LEGACY_NAMES = {"account": "who"}


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

    def chosen_language(self) -> str:
        """The language picked in Settings ("" for the system's), read without a word: what is
        wrong with the file is told once, by whoever loads the settings for their own use."""
        value = _read_language(self._peek().get("language", ""))
        return value if isinstance(value, str) else ""

    def keychain_entries(self) -> list[str]:
        """Every account's keychain entry, read without a word (as :meth:`chosen_language`):
        the tray's keychain helper reads them all while Qt loads."""
        raw = self._peek().get("accounts")
        accounts = _read_accounts(raw, []) if isinstance(raw, list) else ()
        return [account.keychain_entry for account in accounts] or [Account().keychain_entry]

    def _peek(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_bytes())
        except (OSError, ValueError, RecursionError):
            return {}
        return data if isinstance(data, dict) else {}

    def load(self, repair: bool = True) -> Settings:
        """The settings, or defaults with :attr:`warning` saying why.

        ``repair`` moves a damaged file aside (under a name of its own, never over an older
        backup) so the next save starts clean; read-only callers such as the command line pass
        False and leave the user's file exactly as it is.
        """
        self.warning = ""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return Settings()
        except OSError as error:
            self.warning = _(
                "Could not read the settings file {path} ({reason}); the defaults are used."
            ).format(path=self.path, reason=error.strerror)
            log.warning("%s", self.warning)
            return Settings()
        try:
            settings, ignored = Settings.parse(json.loads(raw))
        except (ValueError, TypeError, RecursionError):
            if not repair:
                self.warning = _(
                    "The settings file {path} is damaged; the defaults are used."
                ).format(path=self.path)
            else:
                backup = self._keep_aside()
                self.warning = _(
                    "The settings file was damaged; it was kept as {backup} and the defaults "
                    "are used."
                ).format(backup=backup.name)
            log.warning("%s", self.warning)
            return Settings()
        if ignored:
            self.warning = _(
                "Some settings in {path} had the wrong type and were ignored: {names}."
            ).format(path=self.path, names=", ".join(ignored))
            log.warning("%s", self.warning)
        return settings

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
        """Move the damaged file to a backup name no other backup has (link, then unlink:
        linking never replaces an existing file)."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for attempt in range(1000):
            suffix = f"-{attempt}" if attempt else ""
            backup = self.path.with_name(f"settings.corrupt-{stamp}{suffix}.json")
            try:
                os.link(self.path, backup)
            except FileExistsError:
                continue
            except OSError:
                break
            self.path.unlink(missing_ok=True)
            return backup
        log.warning("could not move the damaged settings file aside")
        return self.path
