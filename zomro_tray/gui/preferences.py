"""The user's choices: the settings file and the start-at-login item, kept in step.

Writing either can fail (a read-only home, a policy on the Run key); that is reported as a
:class:`Problem` for the app to tell, never raised into a slot, and the choice still applies for
this run.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from zomro_tray.account import Account
from zomro_tray.autostart import AutoStart
from zomro_tray.i18n import _
from zomro_tray.settings import Settings, SettingsStore


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
        if api_url:  # --api-url: for this run only, not written to the settings file
            first = replace(self.settings.first, api_url=api_url)
            self.settings = self.settings.with_account(first)

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
        problems = []
        try:
            self.store.save(settings)
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

    def _autostart_enabled(self) -> bool:
        try:
            return self.autostart is not None and self.autostart.is_enabled()
        except OSError:
            return False
