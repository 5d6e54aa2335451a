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
from typing import TYPE_CHECKING, Any

from zomro_tray import APP_NAME
from zomro_tray.core.account import MAX_ACCOUNTS, Account, too_many_accounts
from zomro_tray.i18n import LANGUAGES, _
from zomro_tray.store.account_file import (
    INVALID,
    LEGACY_ACCOUNT_READERS,
    LEGACY_NAMES,
    read_accounts,
    read_fields,
    with_legacy_choices,
)

if TYPE_CHECKING:  # the settings load before the icon shows; the model after it
    from zomro_tray.core.model import ServerKey

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
    notifications: dict[str, bool] = field(
        default_factory=lambda: {kind.value: True for kind in NOTIFICATION_KINDS}
    )
    confirm_before_stop: bool = False
    start_at_login: bool = False
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

    def protects(self, key: ServerKey) -> bool:
        """Whether that server always asks before a shutdown or reboot (its account says)."""
        account = self.account(key.account)
        return account is not None and key.id in account.always_ask

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

    def display_name(self, key: ServerKey, name: str) -> str:
        """The user's name for that server (its account's alias), else Zomro's."""
        account = self.account(key.account)
        return (account.alias(key.id) if account is not None else "") or name

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["accounts"] = [account.to_json() for account in self.accounts]
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
        values, ignored = read_fields(data, _SETTINGS_READERS)
        if "accounts" in data:
            accounts = read_accounts(data["accounts"], ignored)
        else:  # a single-account release's file: its sign-in fields are the first account's
            fields, wrong = read_fields(data, LEGACY_ACCOUNT_READERS)
            ignored += wrong
            accounts = (Account(**{LEGACY_NAMES.get(k, k): v for k, v in fields.items()}),)
        accounts = with_legacy_choices(data, accounts or Settings().accounts, ignored)
        return replace(cls(), **values, accounts=accounts), ignored


def _read_refresh(raw: Any) -> Any:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return min(max(raw, MIN_REFRESH_SECONDS), MAX_REFRESH_SECONDS)
    return INVALID


def _read_warning_days(raw: Any) -> Any:
    valid = isinstance(raw, int) and not isinstance(raw, bool)
    return min(max(raw, MIN_WARNING_DAYS), MAX_WARNING_DAYS) if valid else INVALID


def _read_language(raw: Any) -> Any:
    return raw if raw == "" or raw in LANGUAGES else INVALID


def _read_notifications(raw: Any) -> Any:
    if not isinstance(raw, dict):
        return INVALID
    return {kind.value: bool(raw.get(kind.value, True)) for kind in NOTIFICATION_KINDS}


def _read_flag(raw: Any) -> Any:
    return raw if isinstance(raw, bool) else INVALID


_SETTINGS_READERS = {
    "refresh_seconds": _read_refresh,
    "notifications": _read_notifications,
    "confirm_before_stop": _read_flag,
    "start_at_login": _read_flag,
    "language": _read_language,
    "runway_warning_days": _read_warning_days,
}


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
        #: The accounts' keys as this store last read or wrote them: an account in the file
        #: that is not among them was added meanwhile by another process (``login
        #: --account`` while the tray runs) and is kept at the next save.
        self._known_keys: set[str] | None = None

    def chosen_language(self) -> str:
        """The language picked in Settings ("" for the system's), read without a word: what is
        wrong with the file is told once, by whoever loads the settings for their own use."""
        value = _read_language(self._peek().get("language", ""))
        return value if isinstance(value, str) else ""

    def keychain_entries(self) -> list[str]:
        """Every account's keychain entry, read without a word (as :meth:`chosen_language`):
        the tray's keychain helper reads them all while Qt loads."""
        raw = self._peek().get("accounts")
        accounts = read_accounts(raw, []) if isinstance(raw, list) else ()
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
        self._known_keys = set()
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
        self._known_keys = {account.key for account in settings.accounts}
        if len(settings.accounts) > MAX_ACCOUNTS:
            settings = replace(settings, accounts=settings.accounts[:MAX_ACCOUNTS])
            kept = self._copy_aside("too-many-accounts") if repair else self.path
            self.warning = " ".join(
                (
                    too_many_accounts(),
                    _(
                        "The first {count} in the settings file are shown; the whole file "
                        "was kept as {backup}."
                    ).format(count=MAX_ACCOUNTS, backup=kept.name),
                )
            )
            log.warning("%s", self.warning)
        return settings

    def save(self, settings: Settings) -> Settings:
        """Write the settings, and return them as written: with any account another process
        added to the file since this store read it (nothing added elsewhere is lost). A
        symlinked file is written through its link (the link stays a link)."""
        import tempfile  # only when saving: keeps start-up light

        from zomro_tray.private_files import private_folder

        settings = self._with_accounts_added_elsewhere(settings)
        private_folder(self.config_dir)  # mkstemp makes the file itself 0600
        target = self.path.resolve()
        payload = json.dumps(settings.to_json(), indent=2, ensure_ascii=False, sort_keys=True)
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".settings-", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(payload + "\n")
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        self._known_keys = {account.key for account in settings.accounts}
        return settings

    def _with_accounts_added_elsewhere(self, settings: Settings) -> Settings:
        known = self._known_keys
        raw = self._peek().get("accounts") if known is not None else None
        if known is None or not isinstance(raw, list):
            return settings
        added = [
            account
            for account in read_accounts(raw, [])
            if account.key not in known and settings.account(account.key) is None
        ]
        if not added:
            return settings
        log.info("keeping %d account(s) added to the settings file meanwhile", len(added))
        return replace(settings, accounts=(*settings.accounts, *added)[:MAX_ACCOUNTS])

    def _keep_aside(self) -> Path:
        """Move the damaged file to a backup name no other backup has."""
        backup = self._copy_aside("corrupt")
        if backup != self.path:
            self.path.unlink(missing_ok=True)
        return backup

    def _copy_aside(self, why: str) -> Path:
        """Link the file to a backup name no other backup has (linking never replaces an
        existing file), so a later save cannot lose what it held; the file itself if not."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for attempt in range(1000):
            suffix = f"-{attempt}" if attempt else ""
            backup = self.path.with_name(f"settings.{why}-{stamp}{suffix}.json")
            try:
                os.link(self.path.resolve(), backup)
            except FileExistsError:
                continue
            except OSError:
                break
            return backup
        log.warning("could not keep a copy of the settings file")
        return self.path
