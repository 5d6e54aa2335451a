"""The user's choices: the settings file and the start-at-login item, kept in step.

Writing either can fail (a read-only home, a policy on the Run key); that is reported as a
:class:`Problem` for the app to tell, never raised into a slot, and the choice still applies for
this run.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from zomro_tray.core.account import Account
from zomro_tray.i18n import _
from zomro_tray.store.autostart import AutoStart
from zomro_tray.store.settings import Settings, SettingsStore


def _added(mine: Settings, written: Settings) -> tuple[Account, ...]:
    """Accounts the written settings have and these do not (added by another process)."""
    return tuple(a for a in written.accounts if mine.account(a.key) is None)


@dataclass(frozen=True)
class Problem:
    title: str
    message: str


class Preferences:
    def __init__(
        self, store: SettingsStore, autostart: AutoStart | None, api_url: str | None = None
    ) -> None:
        self.store = store
        self.autostart = autostart
        self.settings = store.load()
        #: --api-url: the first account's address for this run only. The file keeps the
        #: address it had (_as_stored), unless the user changes it in Settings.
        self._run_only: tuple[str, str, str] | None = None  # key, run's, stored
        if api_url:
            first = self.settings.first
            self._run_only = (first.key, api_url, first.api_url)
            self.settings = self.settings.with_account(replace(first, api_url=api_url))

    def startup_problem(self) -> Problem | None:
        """The settings file was damaged and set aside at start-up."""
        warning = self.store.warning
        return Problem(_("Settings were reset"), warning) if warning else None

    @property
    def autostart_supported(self) -> bool:
        return self.autostart is not None

    def for_dialog(self) -> Settings:
        """The settings, with start at login as the login item says (the user may remove it)."""
        if self.autostart is None:
            return self.settings
        return replace(self.settings, start_at_login=self._autostart_enabled())

    def for_account(self, account: Account, who: str) -> Settings | None:
        """The settings once ``who`` signed in to that account, or None if nothing changes.
        Its first sign-in keeps what was chosen before; another person starts with all of
        their servers shown (the old person's selection would hide every one of them)."""
        settings = self.settings
        current = settings.account(account.key)
        if current is None or who == current.who:
            return None
        shown = current.shown_services if not current.who else None
        return settings.with_account(replace(current, who=who, shown_services=shown))

    def save(self, settings: Settings) -> list[Problem]:
        """Write the settings (with any account another process added meanwhile: they apply
        at once too); what went wrong is returned, to tell."""
        problems = []
        try:
            written = self.store.save(self._as_stored(settings))
            settings = replace(settings, accounts=(*settings.accounts, *_added(settings, written)))
        except OSError as error:
            problems.append(
                Problem(
                    _("Settings not saved"),
                    _("Could not write the settings file: {reason}.").format(reason=error.strerror),
                )
            )
        if self.autostart is not None and settings.start_at_login != self._autostart_enabled():
            try:
                self.autostart.set_enabled(settings.start_at_login)
            except OSError as error:
                problems.append(
                    Problem(
                        _("Start at login not changed"),
                        _("The login item could not be written: {reason}.").format(
                            reason=error.strerror
                        ),
                    )
                )
        self.settings = settings
        return problems

    def _as_stored(self, settings: Settings) -> Settings:
        """The settings as the file should have them: the run-only address is not written."""
        if self._run_only is None:
            return settings
        key, run_only, stored = self._run_only
        account = settings.account(key)
        if account is None or account.api_url != run_only:
            return settings  # the user chose another address in Settings: that one is kept
        return settings.with_account(replace(account, api_url=stored))

    def _autostart_enabled(self) -> bool:
        try:
            return self.autostart is not None and self.autostart.is_enabled()
        except OSError:
            return False
