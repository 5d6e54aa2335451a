"""The window's details pane: the selected server's story, not just its name.

State, addresses, location, image, plan (with the resources ``instances.edit`` gives), what it
costs per day, and graphs of its CPU and traffic. The list row's facts show at once; the rest
arrives from the worker (:class:`zomro_tray.worker.ledger.Ledger`), which reads only for the server
shown here. Every text is plain: server text is data, never markup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from zomro_tray.core.details import Series, Story, traffic_words
from zomro_tray.core.model import ServerKey
from zomro_tray.core.money import cost_words
from zomro_tray.display.presentation import Entry, elide
from zomro_tray.gui.window.sparkline import Sparkline
from zomro_tray.i18n import _


class StorySource(Protocol):
    """What the pane needs of the worker side: say which server is shown, hear its story."""

    @property
    def story_ready(self) -> SignalInstance: ...

    def watch(self, key: ServerKey | None, hours: int) -> None: ...


#: The most a fact of the pane shows; the whole text is its tooltip. Server texts are already
#: cut where they are read (protocol.FIELD_LIMITS), but 120 characters without a space would
#: still widen the window past the screen: a label cannot wrap inside a word.
FACT_CHARS = 60


def _label() -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _show(label: QLabel, text: str) -> None:
    """A fact, elided to FACT_CHARS, whole in its tooltip when cut."""
    shown = elide(text, FACT_CHARS)
    label.setText(shown)
    label.setToolTip(text if shown != text else "")


class StoryPane(QWidget):
    def __init__(self, source: StorySource | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self._entry: Entry | None = None
        self._story: Story | None = None
        self.title = _label()
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.facts = {
            key: _label()
            for key in ("state", "ipv4", "ipv6", "location", "image", "plan", "cost", "created")
        }
        self.period = QComboBox()
        self.period.currentIndexChanged.connect(lambda _index: self._rewatch())
        self.cpu_graph, self.traffic_graph = Sparkline(), Sparkline()
        self.cpu_words, self.traffic_words, self.problem = _label(), _label(), _label()
        self._form = QFormLayout()
        self._form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(self._form)
        layout.addStretch(1)
        if source is not None:
            source.story_ready.connect(self.show_story)
        self._build_form()
        self.retranslate()

    def _build_form(self) -> None:
        """The rows once; retranslate() sets their words (a row's label is kept for it)."""
        rows = (
            *((key, self.facts[key]) for key in self.facts),
            ("period", self.period),
            ("cpu", self.cpu_graph),
            ("", self.cpu_words),
            ("traffic", self.traffic_graph),
            ("", self.traffic_words),
            ("", self.problem),
        )
        self._row_labels: dict[str, QLabel] = {}
        for key, widget in rows:
            label = QLabel()
            self._form.addRow(label, widget)
            if key:
                self._row_labels[key] = label

    def retranslate(self) -> None:
        words = {
            "state": _("State"),
            "ipv4": _("IPv4"),
            "ipv6": _("IPv6"),
            "location": _("Location"),
            "image": _("Image"),
            "plan": _("Plan"),
            "cost": _("Cost"),
            "created": _("Created"),
            "period": _("Period"),
            "cpu": _("CPU"),
            "traffic": _("Traffic"),
        }
        for key, label in self._row_labels.items():
            label.setText(words[key])
        chosen = self.period.currentIndex()
        self.period.blockSignals(True)
        self.period.clear()
        self.period.addItem(_("Last hour"), 1)
        self.period.addItem(_("Last day"), 24)
        self.period.setCurrentIndex(max(chosen, 0))
        self.period.blockSignals(False)
        self._fill()

    @property
    def hours(self) -> int:
        return int(self.period.currentData() or 1)

    def show_entry(self, entry: Entry | None) -> None:
        """The selected server (None: nothing selected); its story is asked for if it changed."""
        changed = (entry.key if entry else None) != (self._entry.key if self._entry else None)
        self._entry = entry
        if changed:
            self._story = None
        self._fill()
        if changed and self.isVisible():
            self._rewatch()

    def show_story(self, story: Story) -> None:
        if self._entry is not None and story.key == self._entry.key:
            self._story = story
            self._fill()

    def watch(self, on: bool) -> None:
        """The window was shown (True) or hidden: read for the selected server, or stop."""
        shown = self._entry.key if on and self._entry else None
        if self._source is not None:
            self._source.watch(shown, self.hours)

    def _rewatch(self) -> None:
        self.watch(self.isVisible())

    def _fill(self) -> None:
        entry, story = self._entry, self._story
        self.setVisible(entry is not None)
        if entry is None:
            return
        service = entry.service
        _show(self.title, entry.name)
        facts = self.facts
        _show(facts["state"], entry.words)
        facts["ipv4"].setText(entry.ip or "—")
        facts["ipv6"].setText(entry.ip_v6 or "—")
        _show(facts["location"], service.datacenter if service and service.datacenter else "—")
        _show(facts["image"], service.os if service and service.os else "—")
        _show(facts["plan"], self._plan_words())
        cost = cost_words(service) if service else ""
        facts["cost"].setText(
            _("{cost}, charged daily, also while stopped").format(cost=cost)
            if cost
            else _("No price in Zomro's answer")
        )
        _show(facts["created"], service.created if service and service.created else "—")
        cpu, traffic = (story.cpu, story.traffic) if story else (None, None)
        self._fill_series(cpu, self.cpu_graph, self.cpu_words, _cpu_words, 100.0)
        self._fill_series(traffic, self.traffic_graph, self.traffic_words, _traffic_words, 0.0)
        self.problem.setText(story.problem if story else "")
        self.problem.setVisible(bool(story and story.problem))

    def _plan_words(self) -> str:
        service = self._entry.service if self._entry else None
        plan = service.plan if service and service.plan else ""
        resources = self._story.resources if self._story else None
        if resources is None:
            return plan or _("Reading…")
        parts = [p for p in (resources.cpu, resources.memory, resources.disk) if p]
        return " · ".join([plan, *parts] if plan else parts) or "—"

    def _fill_series(
        self,
        series: Series | None,
        graph: Sparkline,
        words: QLabel,
        say: Callable[[Series], str],
        ceiling: float,
    ) -> None:
        """``ceiling``: the top of the scale (100 for CPU %, 0: the highest value)."""
        if series is None or series.hours != self.hours:
            graph.set_values(())
            words.setText(_("Reading…"))
            return
        graph.set_values(series.values, series.values_out, ceiling)
        words.setText(say(series) if not series.empty else _("No data for this period"))


def _cpu_words(series: Series) -> str:
    return _("now {now:.0f} %, highest {peak:.0f} %").format(
        now=series.latest or 0.0, peak=max(series.values)
    )


def _traffic_words(series: Series) -> str:
    return _("in {received}, out {sent} (solid: in, dashed: out)").format(
        received=traffic_words(sum(series.values)), sent=traffic_words(sum(series.values_out))
    )
