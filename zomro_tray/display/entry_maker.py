"""Each refresh's menu entries, made again only for the servers that changed.

Making an entry (its words, refusals and tooltip,
:func:`zomro_tray.display.presentation.entry_for`) is most of what a refresh costs the GUI
thread; at a thousand servers a refresh usually changes a few of them, so the rest are reused."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from zomro_tray.core.model import Action, ServerKey, Service
from zomro_tray.display.presentation import Entry, entry_for
from zomro_tray.i18n import language
from zomro_tray.store.settings import Settings


class EntryMaker:
    """Makes each refresh's entries, reusing a server's entry when nothing it is made from
    changed (the server, its pending or waiting action, the settings, the language). Making an
    entry (its words, refusals and tooltip) is most of what a refresh costs the GUI thread,
    and at a thousand servers a refresh usually changes a few of them."""

    def __init__(self) -> None:
        self._made: dict[ServerKey, tuple[tuple[object, ...], Entry]] = {}
        self._context: tuple[object, ...] = ()
        self._settings: Settings | None = None  # kept alive, so its id() is not reused

    def entries(
        self,
        services: Iterable[Service],
        settings: Settings,
        pending: Mapping[ServerKey, Action],
        waiting: Mapping[ServerKey, Action] | None = None,
        last_seen: str = "",
        *,
        shows: Callable[[str], bool] = lambda service_id: True,
    ) -> list[Entry]:
        """``shows`` tells which of the account's servers the user keeps in the menu."""
        waiting = waiting or {}
        context = (id(settings), language(), last_seen)  # a new Settings is a new object
        if context != self._context:
            self._made, self._context = {}, context
        made: dict[ServerKey, tuple[tuple[object, ...], Entry]] = {}
        shown = []
        for service in services:
            if not shows(service.id):
                continue
            server = service.key
            inputs = (service, pending.get(server), waiting.get(server))
            known = self._made.get(server)
            entry = known[1] if known is not None and known[0] == inputs else None
            if entry is None:
                entry = entry_for(service, settings, inputs[1], inputs[2], last_seen)
            made[server] = (inputs, entry)
            shown.append(entry)
        self._made = made  # servers that left take their entries with them
        self._settings = settings
        return shown
