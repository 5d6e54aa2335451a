"""The window's server list as a model, so a thousand servers cost one row per change.

A QListWidget rebuilt at each refresh makes a thousand items every time; a model tells the view
which rows changed (usually none) and the view draws only the rows on screen. The search
field filters through a proxy, by name and address, in any case, and by account.
Two columns: the server, and the account it belongs to (shown while there are several).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush

from zomro_tray.core.model import ServerKey
from zomro_tray.display.presentation import Entry
from zomro_tray.gui.paint.dots import status_dot
from zomro_tray.i18n import _

Index = QModelIndex | QPersistentModelIndex
SERVER, ACCOUNT = range(2)


class ServerListModel(QAbstractTableModel):
    def __init__(self, greyed: Callable[[], QBrush], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: list[Entry] = []
        self._owners: dict[str, str] = {}  # account key -> its name (all "" for one account)
        self._greyed = greyed  # the palette's colour for a server nothing can be done to now

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's API
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's API
        return 0 if parent.isValid() else 2

    def headerData(  # noqa: N802 - Qt's name
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return _("Server") if section == SERVER else _("Account")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._entries):
            return None
        entry = self._entries[index.row()]
        if index.column() == ACCOUNT:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                return self._owners.get(entry.key.account, "")
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return entry.label
        if role == Qt.ItemDataRole.DecorationRole:
            return status_dot(entry.state)
        if role == Qt.ItemDataRole.ToolTipRole:
            return entry.tooltip
        if role == Qt.ItemDataRole.ForegroundRole and not entry.enabled:
            return self._greyed()
        return None

    def set_entries(self, entries: Sequence[Entry], owners: dict[str, str]) -> None:
        """The same servers in the same order: only the changed rows are told; else a reset.
        ``owners`` names each account (by its key) as the Account column shows it."""
        new = list(entries)
        old = self._entries
        if [e.key for e in new] != [e.key for e in old] or owners != self._owners:
            self.beginResetModel()
            self._entries, self._owners = new, owners
            self.endResetModel()
            return
        self._entries = new
        changed = [row for row, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
        if changed:
            self.dataChanged.emit(self.index(changed[0], SERVER), self.index(changed[-1], ACCOUNT))

    def owner(self, row: int) -> str:
        """The key of the account whose server is on that row ("" for none or the first)."""
        entry = self.entry(row)
        return entry.key.account if entry is not None else ""

    def entry(self, row: int) -> Entry | None:
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def row_of(self, key: ServerKey) -> int:
        return next((i for i, e in enumerate(self._entries) if e.key == key), -1)


class ServerSearch(QSortFilterProxyModel):
    """Only the rows whose name or address holds the text (any case), of one account or all."""

    def __init__(self, source: ServerListModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._wanted = ""
        self._account: str | None = None  # an account's key; None for every account
        self._servers = source
        self.setSourceModel(source)

    def search(self, text: str) -> None:
        self._filter(text.strip().casefold(), self._account)

    def only_account(self, key: str | None) -> None:
        """Show one account's servers (by the account's key; None for every account's)."""
        self._filter(self._wanted, key)

    def _filter(self, wanted: str, account: str | None) -> None:
        if not hasattr(self, "beginFilterChange"):  # Qt before 6.9
            self._wanted, self._account = wanted, account
            self.invalidateRowsFilter()
            return
        self.beginFilterChange()  # Qt 6.9 on (invalidateRowsFilter is deprecated there)
        self._wanted, self._account = wanted, account
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        if self._account is not None and self._servers.owner(source_row) != self._account:
            return False
        if not self._wanted:
            return True
        entry = self._servers.entry(source_row)
        return entry is not None and self._wanted in f"{entry.name} {entry.ip}".casefold()
