"""The tray menu: a status line, one entry per server, tools, and the app's own items.

Whoever draws it, the menu is always current. On Linux desktops with a StatusNotifierItem host
(GNOME, KDE, XFCE, waybar) the host draws it from Qt's DBusMenu export and the QMenu is never
"visible"; on macOS it becomes a native menu; on Windows and XEmbed trays Qt draws it itself.
The first two learn of every change through one ``ActionChanged`` event per action, so every
change is applied to the actions at once, submenus included. Entries are updated in place
(``QMenu.clear()`` would close an open menu and make it flicker).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import NamedTuple

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal, SignalInstance
from PySide6.QtGui import QAction, QActionEvent
from PySide6.QtWidgets import QMenu

from zomro_tray.gui.dots import funds_mark, status_dot
from zomro_tray.i18n import _, ngettext, pgettext
from zomro_tray.model import PowerState
from zomro_tray.presentation import MAX_MENU_SERVERS, UNDO_SECONDS, Entry, elide


class _HeldChanges(QObject):
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


class _Look(NamedTuple):
    """What an entry's action shows; each part is set only when it changed (each setter is
    an event, and work for whoever mirrors the menu). No state: no status mark."""

    text: str
    enabled: bool
    state: PowerState | None
    tooltip: str


class _EntryList:
    """A run of actions in a menu kept equal to a list of entries, without rebuilding it."""

    def __init__(
        self,
        menu: QMenu,
        anchor: QAction,
        on_click: Callable[[str], None],
        render: Callable[[Entry], _Look],
        mirrored: Callable[[], bool],
    ) -> None:
        self._menu = menu
        self._anchor = anchor  # the entries live just above this action
        self._on_click = on_click
        self._render = render
        self._changes = _HeldChanges(menu, mirrored)
        self._actions: dict[str, QAction] = {}
        self._shown: dict[str, _Look] = {}
        self._order: list[str] = []

    def sync(self, entries: Sequence[Entry]) -> None:
        order = [e.service_id for e in entries]
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
            for sid in order:  # re-inserting moves an action: the order follows the list
                self._menu.insertAction(self._anchor, self._actions[sid])
            self._order = order

    def _update(self, entry: Entry) -> None:
        look = self._render(entry)
        before = self._shown.get(entry.service_id)
        if before == look:
            return
        action = self._actions.get(entry.service_id)
        if action is None:
            action = QAction(self._menu)
            action.triggered.connect(lambda _=False, sid=entry.service_id: self._on_click(sid))
            self._actions[entry.service_id] = action
        if before is None or before.text != look.text:
            action.setText(look.text.replace("&", "&&"))  # a name's & is not a shortcut
        if look.state is not None and (before is None or before.state != look.state):
            action.setIcon(status_dot(look.state))
        if before is None or before.enabled != look.enabled:
            action.setEnabled(look.enabled)
        if before is None or before.tooltip != look.tooltip:
            action.setToolTip(look.tooltip)
        self._shown[entry.service_id] = look

    def action(self, service_id: str) -> QAction | None:
        return self._actions.get(service_id)

    @property
    def held_changes(self) -> int:
        return self._changes.pending


class TrayMenu(QObject):
    """Owns the QMenu; emits what the user asked for, and shows what it is told at once."""

    entry_clicked = Signal(str)  # service id
    reboot_clicked = Signal(str)
    copy_ip_clicked = Signal(str)
    copy_ip6_clicked = Signal(str)
    open_panel_clicked = Signal()
    refresh_clicked = Signal()
    sign_in_clicked = Signal()
    sign_out_clicked = Signal()
    settings_clicked = Signal()
    about_clicked = Signal()
    show_all_clicked = Signal()
    quit_clicked = Signal()
    opened = Signal()

    def __init__(
        self, parent: QObject | None = None, mirrored: Callable[[], bool] = lambda: False
    ) -> None:
        """``mirrored`` tells whether a tray host or the OS copies the menu (see _HeldChanges)."""
        super().__init__(parent)
        self.menu = QMenu()
        self.menu.setToolTipsVisible(True)
        self._account = self.menu.addAction("")
        self._account.setEnabled(False)
        self._account.setVisible(False)
        # The balance and its runway, under the account. Enabled, so its warning mark keeps its
        # colour; a click opens the window, where each server's cost per day is.
        self._money = self.menu.addAction("")
        self._money.triggered.connect(self.show_all_clicked.emit)
        self._money.setVisible(False)
        self._status = self.menu.addAction(_("Loading servers…"))
        self._status.setEnabled(False)
        self._hint = self.menu.addAction("")
        self._hint.setEnabled(False)
        self._hint.setVisible(False)
        self.menu.addSeparator()
        servers_end = self.menu.addSeparator()
        self._empty = QAction(self.menu)
        self._empty.setEnabled(False)
        self.menu.insertAction(servers_end, self._empty)
        self._servers = _EntryList(
            self.menu, servers_end, self.entry_clicked.emit, _server_look, mirrored
        )
        self._show_all = QAction("", self.menu)
        self._show_all.triggered.connect(self.show_all_clicked.emit)
        self._show_all.setVisible(False)
        self.menu.insertAction(servers_end, self._show_all)

        self.reboot_menu = self.menu.addMenu("")
        self.copy_menu = self.menu.addMenu("")
        self._reboots = _EntryList(
            self.reboot_menu,
            self.reboot_menu.addSeparator(),
            self.reboot_clicked.emit,
            _reboot_render,
            mirrored,
        )
        self._copies = _EntryList(
            self.copy_menu,
            self.copy_menu.addSeparator(),
            self.copy_ip_clicked.emit,
            _copy_render,
            mirrored,
        )
        self._copies6 = _EntryList(  # IPv6 addresses, below the IPv4 ones
            self.copy_menu,
            self.copy_menu.addSeparator(),
            self.copy_ip6_clicked.emit,
            lambda e: _Look(f"{e.name}   {e.ip_v6}", True, None, ""),
            mirrored,
        )
        # Each submenu follows the main menu's rule: the first servers, then the window.
        self._reboot_all = self._show_all_in(self.reboot_menu)
        self._copy_all = self._show_all_in(self.copy_menu)
        self._open_panel = self._add(self.open_panel_clicked)
        self.menu.addSeparator()
        self.refresh_action = self._add(self.refresh_clicked)
        self.sign_in_action = self._add(self.sign_in_clicked)
        self.sign_out_action = self._add(self.sign_out_clicked)
        self.sign_out_action.setVisible(False)
        self._settings = self._add(self.settings_clicked)
        self._about = self._add(self.about_clicked)
        self.menu.addSeparator()
        self._quit = self._add(self.quit_clicked)
        self._offline = False
        self._account_name = ""
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
        self._empty.setText(_("No servers to show"))
        self.reboot_menu.setTitle(pgettext("menu", "Reboot"))
        self.copy_menu.setTitle(_("Copy IP address"))
        self._open_panel.setText(_("Open Zomro control panel"))
        self.refresh_action.setText(_("Retry now") if self._offline else _("Refresh now"))
        self.sign_in_action.setText(_("Sign in…"))
        self.sign_out_action.setText(_("Sign out"))
        self._settings.setText(_("Settings…"))
        self._about.setText(_("About zomro-tray"))
        self._quit.setText(_("Quit"))
        self._account.setText(_("Signed in as {account}").format(account=elide(self._account_name)))

    # --- what the controller tells it ---------------------------------------------------------

    def show_entries(self, entries: Sequence[Entry]) -> None:
        """The first MAX_MENU_SERVERS servers, in the menu and in each submenu; with more,
        "Show all N servers…" opens the window, which has them all and a search field, instead
        of a menu off the screen (and a thousand entries for every tray host to re-read)."""
        first = entries[:MAX_MENU_SERVERS]
        self._servers.sync(first)
        count = len(entries)
        show_all = ngettext("Show all {count} server…", "Show all {count} servers…", count)
        with_ip = [e for e in entries if e.ip]
        with_v6 = [e for e in entries if e.ip_v6]
        more = len(entries) > MAX_MENU_SERVERS
        more_ips = max(len(with_ip), len(with_v6)) > MAX_MENU_SERVERS
        for action, shown in (
            (self._show_all, more),
            (self._reboot_all, more),
            (self._copy_all, more_ips),
        ):
            action.setText(show_all.format(count=count))
            action.setVisible(shown)
        self._empty.setVisible(not entries)
        self._hint.setVisible(any(e.click_action is not None for e in first))
        self._reboots.sync(first)
        self._copies.sync(with_ip[:MAX_MENU_SERVERS])
        self._copies6.sync(with_v6[:MAX_MENU_SERVERS])
        self.reboot_menu.menuAction().setVisible(bool(entries))
        self.copy_menu.menuAction().setVisible(any(e.ip or e.ip_v6 for e in entries))

    def show_status(self, text: str, signed_in: bool, offline: bool = False) -> None:
        self._status.setText(text)
        self.sign_in_action.setVisible(not signed_in)
        self._offline = offline
        self.refresh_action.setText(_("Retry now") if offline else _("Refresh now"))

    def show_account(self, account: str) -> None:
        """Who is signed in, at the top; Sign out is offered while someone is."""
        self._account_name = account
        self._account.setText(_("Signed in as {account}").format(account=elide(account)))
        self._account.setVisible(bool(account))
        self.sign_out_action.setVisible(bool(account))

    def show_money(self, line: str, note: str, low: bool) -> None:
        """The balance line ("" hides it: nobody signed in); ``note`` is its tooltip."""
        self._money.setText(line)
        self._money.setToolTip(note or line)
        self._money.setIcon(funds_mark(low))
        self._money.setVisible(bool(line))

    @property
    def money_text(self) -> str:
        return self._money.text() if self._money.isVisible() else ""

    def server_action(self, service_id: str) -> QAction | None:
        """The menu entry of a server (tests look it up)."""
        return self._servers.action(service_id)

    def reboot_action(self, service_id: str) -> QAction | None:
        return self._reboots.action(service_id)

    def copy_action(self, service_id: str, v6: bool = False) -> QAction | None:
        return (self._copies6 if v6 else self._copies).action(service_id)

    @property
    def held_changes(self) -> int:
        """Changes a Qt-drawn open menu holds back until it closes (tests read it)."""
        lists = (self._servers, self._reboots, self._copies, self._copies6)
        return sum(entry_list.held_changes for entry_list in lists)


def _server_look(entry: Entry) -> _Look:
    return _Look(entry.label, entry.enabled, entry.state, entry.tooltip)


def _reboot_render(entry: Entry) -> _Look:
    """Names only: enabled says which can be rebooted; the marks are in the list above."""
    return _Look(entry.name, entry.can_reboot, None, "")


def _copy_render(entry: Entry) -> _Look:
    return _Look(f"{entry.name}   {entry.ip}", True, None, "")
