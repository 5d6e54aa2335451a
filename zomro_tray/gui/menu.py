"""The tray menu: a status line, one entry per server, tools, and the app's own items.

Entries are updated in place (``QMenu.clear()`` would close an open menu and make it flicker),
and only while the menu is visible: a hidden menu just remembers that it is stale and catches up
in ``aboutToShow``. Reboot and Copy IP sit in two submenus, one click away once the menu is open.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Signal
from PySide6.QtGui import QAction, QActionEvent
from PySide6.QtWidgets import QMenu

from zomro_tray.gui.icons import status_dot
from zomro_tray.model import PowerState
from zomro_tray.presentation import Action, Entry


class _SwallowActionChanges(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        return event.type() == QEvent.Type.ActionChanged


@contextmanager
def _one_relayout(menu: QMenu) -> Iterator[None]:
    """Batch many action changes into one menu relayout.

    An open QMenu answers every ActionChanged (each setText, setIcon, setToolTip...) by laying
    out all its items again: n changes cost O(n²), seconds for a thousand servers. Inside this
    block those events are held back; one is let through at the end, and the menu then reads
    every action afresh. (ActionAdded must never be held back: QMenu wires signals there.)
    """
    if not menu.isVisible():
        yield
        return
    gate = _SwallowActionChanges(menu)
    menu.installEventFilter(gate)
    try:
        yield
    finally:
        menu.removeEventFilter(gate)
        gate.deleteLater()
        actions = menu.actions()
        if actions:
            QCoreApplication.sendEvent(menu, QActionEvent(QEvent.Type.ActionChanged, actions[0]))


class _EntryList:
    """A run of actions in a menu kept equal to a list of entries, without rebuilding it."""

    def __init__(
        self,
        menu: QMenu,
        anchor: QAction,
        on_click: Callable[[str], None],
        render: Callable[[Entry], tuple[str, bool]],
    ) -> None:
        self._menu = menu
        self._anchor = anchor  # the entries live just above this action
        self._on_click = on_click
        self._render = render
        self._actions: dict[str, QAction] = {}
        self._shown: dict[str, Entry] = {}
        self._order: list[str] = []

    def sync(self, entries: Sequence[Entry]) -> None:
        order = [e.service_id for e in entries]
        for gone in set(self._actions) - set(order):
            action = self._actions.pop(gone)
            self._menu.removeAction(action)
            action.deleteLater()  # the menu still owns it: a vanished server must not leak
            self._shown.pop(gone, None)
        with _one_relayout(self._menu):
            for entry in entries:
                if self._shown.get(entry.service_id) != entry:
                    self._update(entry)
        if order != self._order:
            for sid in order:  # re-inserting moves an action: the order follows the list
                self._menu.insertAction(self._anchor, self._actions[sid])
            self._order = order

    def _update(self, entry: Entry) -> None:
        action = self._actions.get(entry.service_id)
        if action is None:
            action = QAction(self._menu)
            action.triggered.connect(lambda _=False, sid=entry.service_id: self._on_click(sid))
            self._actions[entry.service_id] = action
        text, enabled = self._render(entry)
        action.setText(text.replace("&", "&&"))  # a name with & must not become a shortcut
        action.setIcon(status_dot(entry.state))
        action.setEnabled(enabled)
        action.setToolTip(entry.tooltip)
        self._shown[entry.service_id] = entry

    def action(self, service_id: str) -> QAction | None:
        return self._actions.get(service_id)


class TrayMenu(QObject):
    """Owns the QMenu; emits what the user asked for, and shows what it is told."""

    entry_clicked = Signal(str)  # service id
    reboot_clicked = Signal(str)
    copy_ip_clicked = Signal(str)
    open_panel_clicked = Signal()
    refresh_clicked = Signal()
    sign_in_clicked = Signal()
    settings_clicked = Signal()
    about_clicked = Signal()
    quit_clicked = Signal()
    opened = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.menu = QMenu()
        self.menu.setToolTipsVisible(True)
        self._status = self.menu.addAction("Loading servers…")
        self._status.setEnabled(False)
        self.menu.addSeparator()
        servers_end = self.menu.addSeparator()
        self._empty = QAction("No servers to show", self.menu)
        self._empty.setEnabled(False)
        self.menu.insertAction(servers_end, self._empty)
        self._servers = _EntryList(
            self.menu, servers_end, self.entry_clicked.emit, lambda e: (e.label, e.enabled)
        )

        self.reboot_menu = self.menu.addMenu("Reboot")
        self.copy_menu = self.menu.addMenu("Copy IP address")
        self._reboots = _EntryList(
            self.reboot_menu,
            self.reboot_menu.addSeparator(),
            self.reboot_clicked.emit,
            _reboot_render,
        )
        self._copies = _EntryList(
            self.copy_menu, self.copy_menu.addSeparator(), self.copy_ip_clicked.emit, _copy_render
        )
        self._add("Open Zomro control panel", self.open_panel_clicked)
        self.menu.addSeparator()
        self._add("Refresh now", self.refresh_clicked)
        self.sign_in_action = self._add("Sign in…", self.sign_in_clicked)
        self._add("Settings…", self.settings_clicked)
        self._add("About zomro-tray", self.about_clicked)
        self.menu.addSeparator()
        self._add("Quit", self.quit_clicked)

        self._entries: Sequence[Entry] = ()
        self._stale = False
        self._tools_stale = False
        self.menu.aboutToShow.connect(self._about_to_show)
        self.reboot_menu.aboutToShow.connect(self._sync_tools)
        self.copy_menu.aboutToShow.connect(self._sync_tools)

    def _add(self, text: str, signal: Signal) -> QAction:
        action = self.menu.addAction(text)
        action.triggered.connect(signal.emit)
        return action

    # --- what the controller tells it ---------------------------------------------------------

    def show_entries(self, entries: Sequence[Entry]) -> None:
        self._entries = entries
        self._stale = self._tools_stale = True
        if self.menu.isVisible():
            self._sync()

    def show_status(self, text: str, signed_in: bool) -> None:
        self._status.setText(text)
        self.sign_in_action.setVisible(not signed_in)

    def server_action(self, service_id: str) -> QAction | None:
        """The menu entry of a server (tests and the fallback window look it up)."""
        if self._stale:
            self._sync()
        return self._servers.action(service_id)

    # --- syncing -------------------------------------------------------------------------------

    def _about_to_show(self) -> None:
        if self._stale:
            self._sync()
        self.opened.emit()

    def _sync(self) -> None:
        self._servers.sync(self._entries)
        self._empty.setVisible(not self._entries)
        has_ip = any(e.ip for e in self._entries)
        self.reboot_menu.menuAction().setVisible(bool(self._entries))
        self.copy_menu.menuAction().setVisible(has_ip)
        self._stale = False
        if self.reboot_menu.isVisible() or self.copy_menu.isVisible():
            self._sync_tools()

    def _sync_tools(self) -> None:
        if self._tools_stale:
            self._reboots.sync(self._entries)
            self._copies.sync([e for e in self._entries if e.ip])
            self._tools_stale = False


def _reboot_render(entry: Entry) -> tuple[str, bool]:
    return entry.name, entry.state is PowerState.ACTIVE and entry.click_action is Action.STOP


def _copy_render(entry: Entry) -> tuple[str, bool]:
    return f"{entry.name}   {entry.ip}", True
