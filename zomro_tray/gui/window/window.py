"""A small window with the same server list: the app's face when there is no tray icon.

It stands in for the icon on desktops with no system tray (GNOME without the AppIndicator
extension, many Wayland compositors), where the app must still be usable and the user should
learn how to get the icon; it is also what a left-click opens where a popup menu cannot be
placed (Wayland), and where a clicked notification leads.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, Qt, Signal, SignalInstance
from PySide6.QtGui import QCloseEvent, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from zomro_tray.core.model import Action, ServerKey
from zomro_tray.display.presentation import Entry
from zomro_tray.gui.paint.dots import funds_mark
from zomro_tray.gui.paint.icons import app_icon
from zomro_tray.gui.view_signals import ViewSignals
from zomro_tray.gui.window.server_list import ACCOUNT, SERVER, ServerListModel, ServerSearch
from zomro_tray.gui.window.server_story import StoryPane, StorySource
from zomro_tray.i18n import _, pgettext


def no_tray_hint() -> str:
    hint = _(
        "No system tray was found, so zomro-tray shows this window instead. It moves to the "
        "tray by itself when one appears. Closing this window quits zomro-tray."
    )
    desktop = os.environ.get("XDG_CURRENT_DESKTOP", "").upper().split(":")
    if "GNOME" not in desktop:
        return hint
    gnome = _(
        "To get the tray icon on GNOME, install the “AppIndicator and KStatusNotifierItem "
        "Support” extension (Debian and Ubuntu: gnome-shell-extension-appindicator), then log "
        "out and in again."
    )
    return f"{hint} {gnome}"


class ServerWindow(QWidget):
    #: The user closed the window (the app quits if the window stood in for a missing tray).
    closed = Signal()

    def __init__(self, stories: StorySource | None = None) -> None:
        super().__init__()
        #: The server clicks and tools the menu offers too (view_signals.py).
        self.asks = ViewSignals(self)
        self.setWindowTitle("zomro-tray")
        self.setWindowIcon(app_icon())
        self.resize(780, 460)
        self.hint = _plain(no_tray_hint())
        self.hint.setWordWrap(True)
        self.hint.setVisible(False)
        self.status = _plain(_("Loading servers…"))
        self.money, self.money_mark = _plain(""), QLabel()
        self.story = StoryPane(stories)
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.servers = ServerListModel(lambda: self.palette().placeholderText(), self)
        self.shown_servers = ServerSearch(self.servers, self)
        self.accounts = QComboBox()  # several accounts: one account's servers, or all
        self.accounts.currentIndexChanged.connect(self._account_chosen)
        self.list = _server_view(self.shown_servers)
        self.list.activated.connect(self._activated)
        self.list.selectionModel().currentChanged.connect(lambda *_: self._current_changed())
        self.toggle = QPushButton()
        self.reboot = QPushButton()
        self.copy_ip = QPushButton()
        self.refresh = refresh = QPushButton()
        self.settings = settings = QPushButton()
        self.quit_button = QPushButton()
        self.toggle.clicked.connect(lambda: self._emit_for_current(self.asks.entry_clicked))
        self.reboot.clicked.connect(lambda: self._emit_for_current(self.asks.reboot_clicked))
        self.copy_ip.clicked.connect(lambda: self._emit_for_current(self.asks.copy_ip_clicked))
        refresh.clicked.connect(self.asks.refresh_clicked.emit)
        settings.clicked.connect(self.asks.settings_clicked.emit)
        self.quit_button.clicked.connect(self.asks.quit_clicked.emit)
        buttons = QHBoxLayout()
        for button in (self.toggle, self.reboot, self.copy_ip, refresh, settings):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.quit_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.status)
        layout.addLayout(_row((self.money_mark, 0), (self.money, 1)))
        layout.addLayout(_row((self.search, 3), (self.accounts, 1)))
        layout.addLayout(_row((self.list, 2), (self.story, 3)), 1)
        layout.addLayout(buttons)
        self._owners: dict[str, str] = {}
        self._several(False)
        self.show_money("", "", False)
        self.retranslate()

    def retranslate(self) -> None:
        """Every fixed text in the current language (the controller re-sends the rest)."""
        self.hint.setText(no_tray_hint())
        self.search.setPlaceholderText(_("Find a server by name or address"))
        if self.accounts.count():
            self.accounts.setItemText(0, _("All accounts"))
        self.reboot.setText(pgettext("button", "Reboot"))
        self.copy_ip.setText(_("Copy IP"))
        self.refresh.setText(_("Refresh"))
        self.settings.setText(_("Settings…"))
        self.quit_button.setText(_("Quit"))
        self.story.retranslate()
        self._update_buttons()

    def show_entries(self, entries: Sequence[Entry], owners: dict[str, str]) -> None:
        """The servers, and each account's name by its key (all "" while there is one)."""
        current = self._current_key()
        if owners != self._owners:
            self._show_accounts(owners)
        self.servers.set_entries(entries, owners)
        if current is not None and self._current_key() != current:
            self.select(current)  # the list was rebuilt (servers came or went): keep the row
        self._current_changed()

    def _filter(self, text: str) -> None:
        self.shown_servers.search(text)

    def _show_accounts(self, owners: dict[str, str]) -> None:
        """The filter's choices: every account, then each one (by its key: two accounts of
        the same name stay two); the choice is kept if it is still there."""
        chosen = self.accounts.currentIndex()
        chosen_key = self.accounts.itemData(chosen) if chosen > 0 else None
        self._owners = dict(owners)
        self.accounts.blockSignals(True)
        self.accounts.clear()
        self.accounts.addItem(_("All accounts"), None)
        for key, name in owners.items():
            self.accounts.addItem(name, key)  # a user's text: plain in a combo box
        found = self.accounts.findData(chosen_key) if chosen_key is not None else 0
        self.accounts.setCurrentIndex(max(found, 0))
        self.accounts.blockSignals(False)
        self._several(any(owners.values()))
        self._account_chosen()

    def _several(self, several: bool) -> None:
        self.accounts.setVisible(several)
        self.list.setHeaderHidden(not several)
        self.list.setColumnHidden(ACCOUNT, not several)

    def _account_chosen(self) -> None:
        index = self.accounts.currentIndex()
        self.shown_servers.only_account(str(self.accounts.itemData(index)) if index > 0 else None)

    def visible_names(self) -> list[str]:
        """The rows the search lets through, as shown (tests read it)."""
        rows = range(self.shown_servers.rowCount())
        return [str(self.shown_servers.index(row, 0).data()) for row in rows]

    def show_status(self, text: str) -> None:
        self.status.setText(text)

    def show_money(self, line: str, note: str, low: bool) -> None:
        """The menu's balance line, here too ("" hides it)."""
        self.money.setText(line)
        self.money.setToolTip(note)
        self.money_mark.setPixmap(funds_mark(low).pixmap(16, 16))
        self.money.setVisible(bool(line))
        self.money_mark.setVisible(bool(line) and low)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.story.watch(True)  # the details are read only while the window is on screen

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt's name
        super().hideEvent(event)
        self.story.watch(False)

    def stand_in_for_tray(self, standing_in: bool) -> None:
        """Say why the window is here (no tray), and that closing it quits."""
        self.hint.setText(no_tray_hint())
        self.hint.setVisible(standing_in)

    @property
    def standing_in(self) -> bool:
        """True while the window is shown because there is no tray."""
        return self.hint.isVisibleTo(self)

    def select(self, key: ServerKey) -> None:
        """Select a server's row (a clicked notification leads here)."""
        row = self.servers.row_of(key)
        if row < 0:
            return
        index = self.shown_servers.mapFromSource(self.servers.index(row, SERVER))
        if index.isValid():
            self.list.setCurrentIndex(index)
            self.list.scrollTo(index)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        super().closeEvent(event)
        self.closed.emit()
        if self.standing_in:  # no tray: nothing else on screen would be left to quit with
            self.asks.quit_clicked.emit()

    def _entry_at(self, index: QModelIndex) -> Entry | None:
        """The entry on a row of the shown (searched, filtered) list."""
        if not index.isValid():
            return None
        return self.servers.entry(self.shown_servers.mapToSource(index).row())

    def _current_entry(self) -> Entry | None:
        return self._entry_at(self.list.currentIndex())

    def _current_key(self) -> ServerKey | None:
        entry = self._current_entry()
        return entry.key if entry is not None else None

    def _emit_for_current(self, signal: SignalInstance) -> None:
        key = self._current_key()
        if key is not None:
            signal.emit(key)

    def _activated(self, index: QModelIndex) -> None:
        entry = self._entry_at(index)
        if entry is not None and entry.enabled:
            self.asks.entry_clicked.emit(entry.key)

    def _current_changed(self) -> None:
        self.story.show_entry(self._current_entry())
        self._update_buttons()

    def _update_buttons(self) -> None:
        entry = self._current_entry()
        self.toggle.setEnabled(bool(entry and entry.enabled))
        if entry and entry.undo:
            self.toggle.setText(_("Undo"))
        elif entry and entry.click_action is Action.STOP:
            self.toggle.setText(pgettext("button", "Shut down"))
        elif entry and entry.click_action:
            self.toggle.setText(pgettext("button", "Start"))
        else:
            self.toggle.setText(_("Start / Shut down"))
        self.reboot.setEnabled(bool(entry and entry.can_reboot))
        self.copy_ip.setEnabled(bool(entry and entry.ip))


def _plain(text: str) -> QLabel:
    """A label that shows its text as it is (a server's words are never markup)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def _server_view(model: ServerSearch) -> QTreeView:
    """The list: a server per row, its account beside it (while there are several)."""
    view = QTreeView()
    view.setRootIsDecorated(False)
    view.setUniformRowHeights(True)  # a thousand rows: no per-row measuring
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setModel(model)
    header = view.header()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(SERVER, QHeaderView.ResizeMode.Stretch)
    header.setSectionResizeMode(ACCOUNT, QHeaderView.ResizeMode.ResizeToContents)
    return view


def _row(*widgets: tuple[QWidget, int]) -> QHBoxLayout:
    """Widgets side by side, each with its stretch factor."""
    row = QHBoxLayout()
    for widget, stretch in widgets:
        row.addWidget(widget, stretch)
    return row
