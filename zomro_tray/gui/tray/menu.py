"""The tray menu: a status line, one entry per server, tools, and the app's own items.

Whoever draws it, the menu is always current. On Linux desktops with a StatusNotifierItem host
(GNOME, KDE, XFCE, waybar) the host draws it from Qt's DBusMenu export and the QMenu is never
"visible"; on macOS it becomes a native menu; on Windows and XEmbed trays Qt draws it itself.
The first two learn of every change through one ``ActionChanged`` event per action, so every
change is applied to the actions at once, submenus included. Entries are updated in place
(``QMenu.clear()`` would close an open menu and make it flicker).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from PySide6.QtCore import QObject, Signal, SignalInstance
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from zomro_tray.core.model import UNDO_SECONDS, ServerKey
from zomro_tray.display.presentation import MAX_MENU_SERVERS, Entry
from zomro_tray.gui.paint.dots import funds_mark
from zomro_tray.gui.tray.entry_list import EntryList, Look
from zomro_tray.gui.view_signals import ViewSignals
from zomro_tray.i18n import _, ngettext, pgettext


class SectionView(NamedTuple):
    """What the menu shows of one account: who ("" hides the line), its balance line and that
    line's tooltip, whether the balance is low, its status line, and its servers."""

    head: str
    money: str
    money_note: str
    low: bool
    status: str  # "" hides it
    entries: Sequence[Entry]


class _Section:
    """One account's run of the menu: who, balance, status, then its servers, and a separator.

    The servers come first in it, the first MAX_MENU_SERVERS of them; "Show all…" opens the
    window, which has them all and a search field."""

    def __init__(self, owner: TrayMenu, before: QAction, mirrored: Callable[[], bool]) -> None:
        menu = self._menu = owner.menu
        self.head = _action(menu, before, enabled=False)
        # The balance and its runway, under the account. Enabled, so its warning mark keeps its
        # colour; a click opens the window, where each server's cost per day is.
        self.money = _action(menu, before)
        self.money.triggered.connect(owner.show_all_clicked.emit)
        self.status = _action(menu, before, enabled=False)
        self.status.setVisible(True)
        self.top = _action(menu, before, separator=True)
        self.empty = _action(menu, before, enabled=False)
        self.show_all = _action(menu, before)
        self.show_all.triggered.connect(owner.show_all_clicked.emit)
        self.end = _action(menu, before, separator=True)
        self.end.setVisible(True)
        self.top.setVisible(True)
        self.servers = EntryList(
            menu, self.end, owner.asks.entry_clicked.emit, _server_look, mirrored
        )

    def show(self, view: SectionView) -> None:
        self.head.setText(view.head)
        self.head.setVisible(bool(view.head))
        self.money.setText(view.money)
        self.money.setToolTip(view.money_note or view.money)
        self.money.setIcon(funds_mark(view.low))
        self.money.setVisible(bool(view.money))
        self.status.setText(view.status)
        self.status.setVisible(bool(view.status))
        entries = view.entries
        self.servers.sync(entries[:MAX_MENU_SERVERS])
        count = len(entries)
        self.show_all.setText(
            ngettext("Show all {count} server…", "Show all {count} servers…", count).format(
                count=count
            )
        )
        self.show_all.setVisible(count > MAX_MENU_SERVERS)
        self.empty.setText(_("No servers to show"))
        self.empty.setVisible(not entries)

    def remove(self) -> None:
        """The account was removed: its actions leave the menu, and are deleted."""
        self.servers.sync(())
        for action in (self.head, self.money, self.status, self.top, self.empty, self.show_all):
            self._menu.removeAction(action)
            action.deleteLater()
        self._menu.removeAction(self.end)
        self.end.deleteLater()


def _action(
    menu: QMenu, before: QAction, *, enabled: bool = True, separator: bool = False
) -> QAction:
    """A hidden action of the menu's, placed before ``before``."""
    action = QAction(menu)
    action.setSeparator(separator)
    action.setEnabled(enabled)
    action.setVisible(False)
    menu.insertAction(before, action)
    return action


class TrayMenu(QObject):
    """Owns the QMenu; emits what the user asked for, and shows what it is told at once."""

    copy_ip6_clicked = Signal(object)
    open_panel_clicked = Signal()
    sign_in_clicked = Signal()
    sign_out_clicked = Signal()
    about_clicked = Signal()
    show_all_clicked = Signal()
    opened = Signal()

    def __init__(
        self, parent: QObject | None = None, mirrored: Callable[[], bool] = lambda: False
    ) -> None:
        """``mirrored`` tells whether a tray host or the OS copies the menu (see entry_list)."""
        super().__init__(parent)
        #: The server clicks and tools the window offers too (view_signals.py).
        self.asks = ViewSignals(self)
        self.menu = QMenu()
        self.menu.setToolTipsVisible(True)
        self._mirrored = mirrored
        self.reboot_menu = self.menu.addMenu("")
        self.copy_menu = self.menu.addMenu("")
        self._tools = self.reboot_menu.menuAction()  # the account sections go above it
        self._sections = [_Section(self, self._tools, mirrored)]
        self._hint = _action(self.menu, self._sections[0].top, enabled=False)
        self._reboots = EntryList(
            self.reboot_menu,
            self.reboot_menu.addSeparator(),
            self.asks.reboot_clicked.emit,
            _reboot_render,
            mirrored,
        )
        self._copies = EntryList(
            self.copy_menu,
            self.copy_menu.addSeparator(),
            self.asks.copy_ip_clicked.emit,
            _copy_render,
            mirrored,
        )
        self._copies6 = EntryList(  # IPv6 addresses, below the IPv4 ones
            self.copy_menu,
            self.copy_menu.addSeparator(),
            self.copy_ip6_clicked.emit,
            lambda e: Look(f"{e.name}   {e.ip_v6}", True, None, ""),
            mirrored,
        )
        # Each submenu follows the main menu's rule: the first servers, then the window.
        self._reboot_all = self._show_all_in(self.reboot_menu)
        self._copy_all = self._show_all_in(self.copy_menu)
        self._open_panel = self._add(self.open_panel_clicked)
        self.menu.addSeparator()
        self.refresh_action = self._add(self.asks.refresh_clicked)
        self.sign_in_action = self._add(self.sign_in_clicked)
        self.sign_out_action = self._add(self.sign_out_clicked)
        self.sign_out_action.setVisible(False)
        self._settings = self._add(self.asks.settings_clicked)
        self._about = self._add(self.about_clicked)
        self.menu.addSeparator()
        self._quit = self._add(self.asks.quit_clicked)
        self._offline = False
        self._sections[0].status.setText(_("Loading servers…"))
        self.retranslate()
        self.reboot_menu.menuAction().setVisible(False)
        self.copy_menu.menuAction().setVisible(False)
        # A host that draws the menu from D-Bus sends AboutToShow as well: the worker then
        # refreshes data older than a few seconds.
        self.menu.aboutToShow.connect(self.opened.emit)

    def _show_all_in(self, submenu: QMenu) -> QAction:
        """A submenu's last entry, shown when it would list more than MAX_MENU_SERVERS (below
        the separator its last list of servers already ends with)."""
        action = submenu.addAction("")
        action.triggered.connect(self.show_all_clicked.emit)
        action.setVisible(False)
        return action

    def _add(self, signal: SignalInstance) -> QAction:
        action = self.menu.addAction("")
        action.triggered.connect(signal.emit)
        return action

    def retranslate(self) -> None:
        """Every fixed text in the current language (the controller re-sends the rest)."""
        self._hint.setText(
            _("Click a server to start or shut it down ({seconds} s to undo)").format(
                seconds=UNDO_SECONDS
            )
        )
        for section in self._sections:
            section.empty.setText(_("No servers to show"))
        self.reboot_menu.setTitle(pgettext("menu", "Reboot"))
        self.copy_menu.setTitle(_("Copy IP address"))
        self._open_panel.setText(_("Open Zomro control panel"))
        self.refresh_action.setText(_("Retry now") if self._offline else _("Refresh now"))
        self.sign_in_action.setText(_("Sign in…"))
        self.sign_out_action.setText(_("Sign out"))
        self._settings.setText(_("Settings…"))
        self._about.setText(_("About zomro-tray"))
        self._quit.setText(_("Quit"))

    # --- what the controller tells it ---------------------------------------------------------

    def show_sections(
        self, sections: Sequence[SectionView], *, sign_in: bool, sign_out: bool, offline: bool
    ) -> None:
        """One section per account, in order; then the submenus, over every account's first
        servers. ``sign_in``/``sign_out`` offer those items, ``offline`` says "Retry now"."""
        while len(self._sections) < len(sections):
            self._sections.append(_Section(self, self._tools, self._mirrored))
        while len(self._sections) > max(len(sections), 1):
            self._sections.pop().remove()
        for section, view in zip(self._sections, sections, strict=False):
            section.show(view)
        entries = [e for view in sections for e in view.entries]
        first = [e for view in sections for e in view.entries[:MAX_MENU_SERVERS]]
        self._hint.setVisible(any(e.click_action is not None for e in first))
        self._show_tools(entries, first)
        self.sign_in_action.setVisible(sign_in)
        self.sign_out_action.setVisible(sign_out)
        self._offline = offline
        self.refresh_action.setText(_("Retry now") if offline else _("Refresh now"))

    def _show_tools(self, entries: Sequence[Entry], first: Sequence[Entry]) -> None:
        count = len(entries)
        show_all = ngettext("Show all {count} server…", "Show all {count} servers…", count)
        with_ip = [e for e in entries if e.ip]
        with_v6 = [e for e in entries if e.ip_v6]
        more = len(first) < count
        more_ips = max(len(with_ip), len(with_v6)) > MAX_MENU_SERVERS
        for action, shown in ((self._reboot_all, more), (self._copy_all, more_ips)):
            action.setText(show_all.format(count=count))
            action.setVisible(shown)
        self._reboots.sync(first)
        self._copies.sync(with_ip[:MAX_MENU_SERVERS])
        self._copies6.sync(with_v6[:MAX_MENU_SERVERS])
        self.reboot_menu.menuAction().setVisible(bool(entries))
        self.copy_menu.menuAction().setVisible(any(e.ip or e.ip_v6 for e in entries))

    @property
    def money_text(self) -> str:
        """The first account's balance line as shown ("" when hidden)."""
        money = self._sections[0].money
        return money.text() if money.isVisible() else ""

    @property
    def heads(self) -> list[str]:
        """Each section's "Signed in as" line as shown ("" when hidden; tests read it)."""
        return [s.head.text() if s.head.isVisible() else "" for s in self._sections]

    @property
    def statuses(self) -> list[str]:
        return [s.status.text() for s in self._sections]

    def server_action(self, key: ServerKey) -> QAction | None:
        """The menu entry of a server (tests look it up)."""
        return next((a for s in self._sections if (a := s.servers.action(key)) is not None), None)

    def reboot_action(self, key: ServerKey) -> QAction | None:
        return self._reboots.action(key)

    def copy_action(self, key: ServerKey, v6: bool = False) -> QAction | None:
        return (self._copies6 if v6 else self._copies).action(key)

    @property
    def held_changes(self) -> int:
        """Changes a Qt-drawn open menu holds back until it closes (tests read it)."""
        lists = [s.servers for s in self._sections] + [self._reboots, self._copies, self._copies6]
        return sum(entry_list.held_changes for entry_list in lists)


def _server_look(entry: Entry) -> Look:
    return Look(entry.label, entry.enabled, entry.state, entry.tooltip)


def _reboot_render(entry: Entry) -> Look:
    """Names only: enabled says which can be rebooted; the marks are in the list above."""
    return Look(entry.name, entry.can_reboot, None, "")


def _copy_render(entry: Entry) -> Look:
    return Look(f"{entry.name}   {entry.ip}", True, None, "")
