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

from zomro_tray.gui.dots import status_dot
from zomro_tray.i18n import _
from zomro_tray.presentation import Entry

ID_ROLE = Qt.ItemDataRole.UserRole
Index = QModelIndex | QPersistentModelIndex
SERVER, ACCOUNT = range(2)


class ServerListModel(QAbstractTableModel):
    def __init__(self, greyed: Callable[[], QBrush], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: list[Entry] = []
        self._owners: dict[str, str] = {}  # server id -> its account's name
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
                return self._owners.get(entry.service_id, "")
            return entry.service_id if role == ID_ROLE else None
        if role == Qt.ItemDataRole.DisplayRole:
            return entry.label
        if role == Qt.ItemDataRole.DecorationRole:
            return status_dot(entry.state)
        if role == Qt.ItemDataRole.ToolTipRole:
            return entry.tooltip
        if role == Qt.ItemDataRole.ForegroundRole and not entry.enabled:
            return self._greyed()
        if role == ID_ROLE:
            return entry.service_id
        return None

    def set_entries(self, entries: Sequence[Entry], owners: dict[str, str]) -> None:
        """The same servers in the same order: only the changed rows are told; else a reset.
        ``owners`` names each server's account."""
        new = list(entries)
        old = self._entries
        if [e.service_id for e in new] != [e.service_id for e in old] or owners != self._owners:
            self.beginResetModel()
            self._entries, self._owners = new, owners
            self.endResetModel()
            return
        self._entries = new
        changed = [row for row, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
        if changed:
            self.dataChanged.emit(self.index(changed[0], SERVER), self.index(changed[-1], ACCOUNT))

    def owner(self, row: int) -> str:
        entry = self.entry(row)
        return self._owners.get(entry.service_id, "") if entry is not None else ""

    def entry(self, row: int) -> Entry | None:
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def row_of(self, service_id: str) -> int:
        return next((i for i, e in enumerate(self._entries) if e.service_id == service_id), -1)


class ServerSearch(QSortFilterProxyModel):
    """Only the rows whose name or address holds the text (any case), of one account or all."""

    def __init__(self, source: ServerListModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._wanted = ""
        self._account = ""  # "" for every account
        self._servers = source
        self.setSourceModel(source)

    def search(self, text: str) -> None:
        self._filter(text.strip().casefold(), self._account)

    def only_account(self, name: str) -> None:
        """Show one account's servers ("" for every account's)."""
        self._filter(self._wanted, name)

    def _filter(self, wanted: str, account: str) -> None:
        if not hasattr(self, "beginFilterChange"):  # Qt before 6.9
            self._wanted, self._account = wanted, account
            self.invalidateRowsFilter()
            return
        self.beginFilterChange()  # Qt 6.9 on (invalidateRowsFilter is deprecated there)
        self._wanted, self._account = wanted, account
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        if self._account and self._servers.owner(source_row) != self._account:
            return False
        if not self._wanted:
            return True
        entry = self._servers.entry(source_row)
        return entry is not None and self._wanted in f"{entry.name} {entry.ip}".casefold()
