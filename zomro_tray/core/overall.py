"""What the whole tray says at a glance: its icon's state and its connection to Zomro.

Apart from :mod:`zomro_tray.display.presentation` (which decides them) because the icon shows
before the app is built: the start-up path needs these names and the "loading" words, not the
rest."""

from __future__ import annotations

import enum

from zomro_tray.i18n import _


class Overall(str, enum.Enum):
    """The one state the tray icon shows; each has its own shape as well as its own colour."""

    LOADING = "loading"  # nothing known yet
    ALL_RUNNING = "all_running"
    SOME_STOPPED = "some_stopped"
    IN_PROGRESS = "in_progress"
    PROBLEM = "problem"  # offline, sign-in needed, a server in error


class Connection(str, enum.Enum):
    STARTING = "starting"
    ONLINE = "online"
    OFFLINE = "offline"  # transient failures: retrying with back-off
    #: Zomro answers but refuses this account (no rights for the list): retried the same way,
    #: but it is not the network, and the words say so.
    REFUSED = "refused"
    SIGNED_OUT = "signed_out"  # nothing will work until the user signs in

    @property
    def retrying(self) -> bool:
        """Not current, and tried again after a back-off."""
        return self in (Connection.OFFLINE, Connection.REFUSED)


def loading_tooltip() -> str:
    """The icon's tooltip before anything is known."""
    return _("zomro-tray: loading…")
