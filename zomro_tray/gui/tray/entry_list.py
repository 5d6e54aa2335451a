"""A run of a menu's actions kept equal to a list of server entries, updated in place.

``QMenu.clear()`` would close an open menu and make it flicker, and every change is work for
whoever mirrors the menu (a tray host over DBusMenu, macOS), so each entry's action changes
only in what changed, and a refresh's changes reach the menu in one event per action.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import NamedTuple

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtGui import QAction, QActionEvent
from PySide6.QtWidgets import QMenu

from zomro_tray.core.model import PowerState, ServerKey
from zomro_tray.display.presentation import Entry
from zomro_tray.gui.paint.dots import status_dot


class HeldChanges(QObject):
    """Gathers a sync's ActionChanged events into one per changed action.

    Each setter (text, icon, enabled, tooltip) sends its own ActionChanged, and each one costs:
    a native or D-Bus copy of the menu re-reads the action (Qt's DBusMenu exporter encodes the
    icon and signals the host every time), and an open, Qt-drawn QMenu lays out all its items
    again, O(n²) for n changes, seconds for a thousand servers. So during :meth:`batch` the events
    are held back, and at its end each changed action gets exactly one. A menu Qt is drawing
    gets one relayout now and the rest when it closes (cheap then: a hidden menu does not lay
    itself out), so its exported copy still hears of every action.
    """

    def __init__(self, menu: QMenu, mirrored: Callable[[], bool]) -> None:
        super().__init__(menu)
        self._menu = menu
        self._mirrored = mirrored
        self._held: dict[int, QAction] = {}
        menu.aboutToHide.connect(self._replay_soon)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.ActionChanged:
            assert isinstance(event, QActionEvent)
            action = event.action()
            self._held[id(action)] = action
            return True
        return False

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Changes inside the block reach the menu as one event per changed action."""
        if not (self._mirrored() or self._menu.isVisible()):
            yield  # nobody mirrors or draws it: Qt's own handling of each event is cheapest
            return
        self._menu.installEventFilter(self)  # only now: outside a batch, no Python per event
        try:
            yield
        finally:
            self._menu.removeEventFilter(self)
            if not self._menu.isVisible():
                self._replay()
            else:
                first = next(iter(self._still_in_menu()), None)
                if first is not None:
                    QCoreApplication.sendEvent(
                        self._menu, QActionEvent(QEvent.Type.ActionChanged, first)
                    )

    def forget(self, action: QAction) -> None:
        """The action leaves the menu (its server is gone): no event may name it any more."""
        self._held.pop(id(action), None)

    def _still_in_menu(self) -> list[QAction]:
        owned = set(map(id, self._menu.actions()))
        return [action for key, action in self._held.items() if key in owned]

    def _replay_soon(self) -> None:
        QTimer.singleShot(0, self._replay)  # after the menu is hidden: no relayout per event

    def _replay(self) -> None:
        if self._menu.isVisible():
            return  # opened again meanwhile: the next close replays them
        actions = self._still_in_menu()
        self._held = {}
        for action in actions:
            QCoreApplication.sendEvent(self._menu, QActionEvent(QEvent.Type.ActionChanged, action))

    @property
    def pending(self) -> int:
        """Changes not yet replayed (tests read it)."""
        return len(self._held)


class Look(NamedTuple):
    """What an entry's action shows; each part is set only when it changed (each setter is
    an event, and work for whoever mirrors the menu). No state: no status mark."""

    text: str
    enabled: bool
    state: PowerState | None
    tooltip: str


class EntryList:
    """A run of actions in a menu kept equal to a list of entries, without rebuilding it."""

    def __init__(
        self,
        menu: QMenu,
        anchor: QAction,
        on_click: Callable[[ServerKey], None],
        render: Callable[[Entry], Look],
        mirrored: Callable[[], bool],
    ) -> None:
        self._menu = menu
        self._anchor = anchor  # the entries live just above this action
        self._on_click = on_click
        self._render = render
        self._changes = HeldChanges(menu, mirrored)
        self._actions: dict[ServerKey, QAction] = {}
        self._shown: dict[ServerKey, Look] = {}
        self._order: list[ServerKey] = []

    def sync(self, entries: Sequence[Entry]) -> None:
        order = [e.key for e in entries]
        for gone in set(self._actions) - set(order):
            action = self._actions.pop(gone)
            self._changes.forget(action)
            self._menu.removeAction(action)
            action.deleteLater()  # the menu still owns it: a vanished server must not leak
            self._shown.pop(gone, None)
        with self._changes.batch():
            for entry in entries:
                self._update(entry)
        if order != self._order:
            for key in order:  # re-inserting moves an action: the order follows the list
                self._menu.insertAction(self._anchor, self._actions[key])
            self._order = order

    def _update(self, entry: Entry) -> None:
        look = self._render(entry)
        before = self._shown.get(entry.key)
        if before == look:
            return
        action = self._actions.get(entry.key)
        if action is None:
            action = QAction(self._menu)
            action.triggered.connect(lambda _=False, key=entry.key: self._on_click(key))
            self._actions[entry.key] = action
        if before is None or before.text != look.text:
            action.setText(look.text.replace("&", "&&"))  # a name's & is not a shortcut
        if look.state is not None and (before is None or before.state != look.state):
            action.setIcon(status_dot(look.state))
        if before is None or before.enabled != look.enabled:
            action.setEnabled(look.enabled)
        if before is None or before.tooltip != look.tooltip:
            action.setToolTip(look.tooltip)
        self._shown[entry.key] = look

    def action(self, key: ServerKey) -> QAction | None:
        return self._actions.get(key)

    @property
    def held_changes(self) -> int:
        return self._changes.pending
