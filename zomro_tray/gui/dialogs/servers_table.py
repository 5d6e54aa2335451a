"""Settings' list of servers: shown or not, an alias, the state, and "Always ask"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from zomro_tray.core.model import ServerKey, Service
from zomro_tray.display.presentation import state_words
from zomro_tray.gui.paint.dots import status_dot
from zomro_tray.i18n import _
from zomro_tray.store.settings import Settings

SHOW, ALIAS, STATE, ASK, ACCOUNT = range(5)


@dataclass(frozen=True)
class ServerChoice:
    key: ServerKey
    shown: bool
    alias: str
    always_ask: bool


def _check(on: bool) -> Qt.CheckState:
    return Qt.CheckState.Checked if on else Qt.CheckState.Unchecked


class ServersTable(QTreeWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._keys: list[ServerKey] = []  # each row's server, by the row's number
        self.setHeaderLabels(
            [_("Show"), _("Alias (optional)"), _("State"), _("Always ask"), _("Account")]
        )
        self.setRootIsDecorated(False)
        header = self.header()
        header.setStretchLastSection(False)
        for column in (SHOW, ALIAS, STATE, ASK, ACCOUNT):  # all readable; the alias takes the rest
            stretch = column == ALIAS
            mode = (
                QHeaderView.ResizeMode.Stretch
                if stretch
                else QHeaderView.ResizeMode.ResizeToContents
            )
            header.setSectionResizeMode(column, mode)

    def fill(
        self,
        services: Sequence[tuple[ServerKey, Service]],
        settings: Settings,
        owners: Mapping[str, str],
    ) -> None:
        """(Re)fill from a live list, keeping what the user already changed; each server is
        ticked as its account shows it now, and ``owners`` names each account by its key (a
        column shown while there are several)."""
        edited = {choice.key: choice for choice in self.choices()}
        self._keys = [key for key, _service in services]
        self.clear()
        for index, (key, service) in enumerate(services):
            account = settings.account(key.account)
            choice = edited.get(key) or ServerChoice(
                key,
                account is None or account.shows(key.id),
                account.alias(key.id) if account is not None else "",
                settings.protects(key),
            )
            owner = owners.get(key.account, "")
            item = QTreeWidgetItem([service.name, choice.alias, state_words(service), "", owner])
            item.setData(SHOW, Qt.ItemDataRole.UserRole, index)  # its key: self._keys[index]
            item.setIcon(STATE, status_dot(service.power))
            item.setFlags(
                item.flags() | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEditable
            )
            item.setCheckState(SHOW, _check(choice.shown))
            item.setCheckState(ASK, _check(choice.always_ask))
            self.addTopLevelItem(item)
        self.setColumnHidden(ACCOUNT, not any(owners.values()))
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Wide enough for every heading and state, in any language: the dialog grows rather
        than cut "Alias (optional)" or a long state to "Псевдонім (нео"."""
        header = self.header()
        widths = [
            max(header.sectionSizeHint(column), self.sizeHintForColumn(column))
            for column in range(self.columnCount())
            if not self.isColumnHidden(column)
        ]
        frame = 2 * self.frameWidth() + self.verticalScrollBar().sizeHint().width()
        self.setMinimumWidth(sum(widths) + frame)

    def choices(self) -> list[ServerChoice]:
        found = []
        for index in range(self.topLevelItemCount()):
            item = self.topLevelItem(index)
            if item is not None:
                found.append(
                    ServerChoice(
                        self._keys[int(item.data(SHOW, Qt.ItemDataRole.UserRole))],
                        item.checkState(SHOW) == Qt.CheckState.Checked,
                        item.text(ALIAS).strip(),
                        item.checkState(ASK) == Qt.CheckState.Checked,
                    )
                )
        return found
