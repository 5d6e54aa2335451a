"""The status model: what a server is, and the power-state vocabulary the whole app speaks.

The API reports two overlapping signals (``instance_status``, the power state of a Cloud VPS, and
``item_status`` / ``status``, the billing state of any BILLmanager service). This module folds them
into one :class:`PowerState` following ``docs/protocol.md``, keeping the raw strings for display
so an unexpected value is shown as it came instead of being hidden or crashing anything.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from zomro_tray.i18n import N_, _, pgettext

#: A shutdown or reboot clicked in the menu waits this long, and can be undone meanwhile.
UNDO_SECONDS = 5


class PowerState(str, enum.Enum):
    ACTIVE = "active"
    STOPPED = "stopped"
    STARTING = "starting"
    STOPPING = "stopping"
    REBOOTING = "rebooting"
    BUSY = "busy"  # any other transition: creating, resizing, rescuing, ...
    SUSPENDED = "suspended"  # by the provider: unpaid, abuse, admin
    ERROR = "error"
    UNKNOWN = "unknown"

    @property
    def in_transition(self) -> bool:
        return self in _TRANSITIONAL


_TRANSITIONAL = frozenset(
    {PowerState.STARTING, PowerState.STOPPING, PowerState.REBOOTING, PowerState.BUSY}
)

# instance_status values from docs/protocol.md (trimmed, lower-cased).
_INSTANCE_STATES: dict[str, PowerState] = {
    "active": PowerState.ACTIVE,
    # steady states in which the machine is powered on
    "resized": PowerState.ACTIVE,
    "verify_resize": PowerState.ACTIVE,
    "rescued": PowerState.ACTIVE,
    "booted_from_iso": PowerState.ACTIVE,
    "stopped": PowerState.STOPPED,
    "suspended": PowerState.SUSPENDED,
    "suspend": PowerState.SUSPENDED,  # the panel's filter key for it (src/utils/constants.js)
    "error": PowerState.ERROR,
    "starting": PowerState.STARTING,
    "stopping": PowerState.STOPPING,
    "rebooting": PowerState.REBOOTING,
    **{
        name: PowerState.BUSY
        for name in (
            "creating",
            "building",
            "resizing",
            "processing",
            "rescuing",
            "unrescuing",
            "rebuilding",
            "suspending",
            "booting_from_iso",
            "image_uploading",
            "running_image_uploading",
        )
    },
}

#: Every instance_status this app knows (the report keeps these words and no others).
INSTANCE_STATES = frozenset(_INSTANCE_STATES)

# item_status sub-states that mean "suspended by Zomro", with the reason shown to the user.
_PROVIDER_SUSPENSIONS = {
    "employeesuspend": N_("by Zomro staff"),
    "autosuspend": N_("unpaid"),
    "abusesuspend": N_("abuse report"),
}
_BUSY_BILLING_TEXTS = ("in progress",)  # "Activation in progress", "Deletion in progress"
_STOPPED_BILLING_TEXT = "temporary suspended"
_ADMIN_SUSPENDED_TEXT = "suspended by administrator"
DELETING_TEXT = "deletion in progress"
#: Steady states the panel handles with their own actions (confirm or revert a resize, leave
#: rescue or the ISO): it hides Start/Stop for them (InstancesOptions.jsx).
SPECIAL_MODES = ("resized", "verify_resize", "rescued", "booted_from_iso")
#: Billing codes for which the panel disables power actions: 1 ordered, 4 deleted, 5 processing
#: (getInstanceMainInfo.js, isNotActive).
_INACTIVE_BILLING = ("1", "4", "5")


class Action(str, enum.Enum):
    """A power action, as the API names it (service.start, service.stop, service.reboot)."""

    START = "start"
    STOP = "stop"
    REBOOT = "reboot"

    def pick(self, start: str, stop: str, reboot: str) -> str:
        """One of three whole sentences, by action. Each is written out at the call, in its own
        ``_()``, so gettext's tools find it and each language can word it its own way."""
        return {Action.START: start, Action.STOP: stop, Action.REBOOT: reboot}[self]

    @property
    def progress_word(self) -> str:
        """The state a click leads to, as the menu shows it until Zomro reports it."""
        return self.pick(
            pgettext("state", "Starting…"),
            pgettext("state", "Stopping…"),
            pgettext("state", "Rebooting…"),
        )

    @property
    def pending_state(self) -> PowerState:
        return {
            "start": PowerState.STARTING,
            "stop": PowerState.STOPPING,
            "reboot": PowerState.REBOOTING,
        }[self.value]

    @property
    def target(self) -> PowerState:
        return PowerState.STOPPED if self is Action.STOP else PowerState.ACTIVE

    def done(self, name: str) -> str:
        """The sentence for a finished action: "web-1 stopped"."""
        text = self.pick(_("{name} started"), _("{name} stopped"), _("{name} rebooted"))
        return text.format(name=name)

    def failed(self, name: str) -> str:
        """The sentence for an action that did not happen: "Could not stop web-1"."""
        text = self.pick(
            _("Could not start {name}"), _("Could not stop {name}"), _("Could not reboot {name}")
        )
        return text.format(name=name)

    def not_done(self, name: str, state: str) -> str:
        """The action settled elsewhere: "web-1 did not stop: it is now running."."""
        state = state[:1].lower() + state[1:]  # a state's words, inside a sentence
        text = self.pick(
            _("{name} did not start: it is now {state}."),
            _("{name} did not stop: it is now {state}."),
            _("{name} did not reboot: it is now {state}."),
        )
        return text.format(name=name, state=state)

    def too_late(self, name: str) -> str:
        text = self.pick(
            _("{name} did not start in time."),
            _("{name} did not stop in time."),
            _("{name} did not reboot in time."),
        )
        return text.format(name=name)


class ActionProgress(enum.Enum):
    UNDER_WAY = "under way"
    DONE = "done"
    FAILED = "failed"


def action_progress(
    action: Action, power: PowerState, *, seen_transition: bool, waited_enough: bool
) -> ActionProgress:
    """Where a requested action stands, judged by the server's state now (the worker and
    ``zomro-tray start --wait`` both ask this; each adds its own time limit).

    A reboot starts and ends "running", so it counts as done only once it was seen rebooting,
    or after long enough that it must have (``waited_enough``). A server that went through a
    transition and landed anywhere but the target, or in error or suspension, failed.
    """
    if power.in_transition:
        return ActionProgress.UNDER_WAY
    if power is action.target and (action is not Action.REBOOT or seen_transition or waited_enough):
        return ActionProgress.DONE
    if power in (PowerState.ERROR, PowerState.SUSPENDED) or seen_transition:
        return ActionProgress.FAILED
    return ActionProgress.UNDER_WAY


class BillingState(str, enum.Enum):
    """BILLmanager's service status: 1 ordered, 2 active, 3 suspended, 4 deleted, 5 processing."""

    ORDERED = "1"
    ACTIVE = "2"
    SUSPENDED = "3"
    DELETED = "4"
    PROCESSING = "5"
    UNKNOWN = ""

    @classmethod
    def parse(cls, code: str) -> BillingState:
        major = code.strip().split("_", 1)[0]
        try:
            return cls(major)
        except ValueError:
            return cls.UNKNOWN


class ServerKey(NamedTuple):
    """Which server: its account's key and its id in that account.

    Ids are unique within one Zomro account only: two accounts (a second API address, the
    same login added twice, a hostile server) can each list a server ``777``. Every click,
    setting, notification and view names a server by this pair, never by the bare id, so a
    click can only ever reach the account that showed the server.
    """

    account: str
    id: str


@dataclass(frozen=True)
class Service:
    """One server as the user sees it. Raw strings are kept for display and bug reports."""

    id: str
    name: str
    power: PowerState
    raw_status: str = ""  # instance_status as sent
    billing: BillingState = BillingState.UNKNOWN
    billing_code: str = ""  # item_status.$orig or status, e.g. "3_autosuspend"
    billing_text: str = ""  # item_status.$, e.g. "Temporary suspended"
    suspend_reason: str = ""
    ip: str = ""
    ip_v6: str = ""
    datacenter: str = ""
    plan: str = ""
    os: str = ""
    #: What Zomro prices it per day: ``item_cost`` (a plain number) and ``cost`` (display text,
    #: "0.1634 EUR / Day"); read by :func:`zomro_tray.core.money.daily_cost`.
    item_cost: str = ""
    cost_text: str = ""
    created: str = ""
    #: The key of the account that listed it ("" is the first account's).
    account: str = ""

    @cached_property
    def key(self) -> ServerKey:
        return ServerKey(self.account, self.id)

    @property
    def status_detail(self) -> str:
        """The raw value worth showing next to an odd state, as Zomro's panel shows it: the
        billing text while deleting, else the instance status with spaces, else billing."""
        if self.deleting:
            return self.billing_text
        return self.raw_status.replace("_", " ") or self.billing_text or self.billing_code

    @cached_property  # asked of every server at every refresh (the rules below), made once
    def deleting(self) -> bool:
        return self.billing_text.strip().lower() == DELETING_TEXT

    @cached_property
    def special_mode(self) -> str:
        """resized, rescued... (see SPECIAL_MODES), or ""."""
        mode = self.raw_status.strip().lower()
        return mode if mode in SPECIAL_MODES else ""

    def to_json(self) -> dict[str, str]:
        return {
            "id": self.id,
            "name": self.name,
            "status": self.power.value,
            "raw_status": self.raw_status,
            "billing_status": self.billing_code,
            "billing_text": self.billing_text,
            "suspend_reason": self.suspend_reason,
            "ip": self.ip,
            "ip_v6": self.ip_v6,
            "datacenter": self.datacenter,
            "plan": self.plan,
            "os": self.os,
            "cost": self.cost_text,
            "created": self.created,
        }


def classify_power(
    instance_status: str, billing_code: str, billing_text: str
) -> tuple[PowerState, str]:
    """Fold the two status signals into one power state, plus a suspension reason if any.

    Order matters: a provider suspension wins over everything (starting would fail anyway); then a
    known power state; "Temporary suspended" is how a stopped server reads in billing; and billing
    alone decides only when ``instance_status`` is missing.
    """
    instance = instance_status.strip().lower()
    code = billing_code.strip().lower()
    text = billing_text.strip().lower()

    sub_state = code.split("_", 1)[1] if "_" in code else ""
    if code.startswith("3") and sub_state in _PROVIDER_SUSPENSIONS:
        return PowerState.SUSPENDED, _PROVIDER_SUSPENSIONS[sub_state]
    if _ADMIN_SUSPENDED_TEXT in text:  # whatever instance_status still says
        return PowerState.SUSPENDED, _PROVIDER_SUSPENSIONS["employeesuspend"]
    if instance in ("suspended", "suspend"):
        return PowerState.SUSPENDED, ""
    if any(marker in text for marker in _BUSY_BILLING_TEXTS):  # deleting, activating
        return PowerState.BUSY, ""

    known = _INSTANCE_STATES.get(instance)
    if known is not None and known.in_transition:
        return known, ""
    if text == _STOPPED_BILLING_TEXT:
        return PowerState.STOPPED, ""
    if known is not None:
        return known, ""
    if instance:
        return PowerState.UNKNOWN, ""
    return _power_from_billing(code, text), ""


def _power_from_billing(code: str, text: str) -> PowerState:
    if any(marker in text for marker in _BUSY_BILLING_TEXTS):
        return PowerState.BUSY
    return {
        BillingState.ACTIVE: PowerState.ACTIVE,
        # Bare 3 without a provider sub-state: the seed's stopped server ("Temporary suspended").
        BillingState.SUSPENDED: PowerState.STOPPED,
        BillingState.ORDERED: PowerState.BUSY,
        BillingState.PROCESSING: PowerState.BUSY,
    }.get(BillingState.parse(code), PowerState.UNKNOWN)


def refusal(service: Service, action: Action) -> str | None:
    """Why Zomro's panel would not send this action for this server now; None when it would.

    The one rule for the tray menu, the window and the command line, taken from the panel
    (getInstanceMainInfo.js and InstancesOptions.jsx): Start and Shut down are hidden for a
    server in a special mode (resized, rescued, booted from ISO) and disabled while it is busy,
    suspended, being deleted or not active in billing; Reboot is disabled for a stopped server
    as well. Already being in the wanted state is a refusal too: nothing needs sending.
    """
    rule = _refusing_rule(service, action)
    if rule is None:
        return None
    sentence, details = rule
    return _(sentence).format(name=service.name, **details)


def allows(service: Service, action: Action) -> bool:
    """``refusal(service, action) is None``, without writing the sentence: a refresh asks it
    of every server, and at a thousand servers the sentences were most of the refresh."""
    return _refusing_rule(service, action) is None


def _refusing_rule(service: Service, action: Action) -> tuple[str, dict[str, str]] | None:
    """The sentence of the first rule that refuses (untranslated), with its details."""
    power = service.power
    if power is PowerState.SUSPENDED:
        return action.pick(
            N_("{name} was suspended by Zomro; it cannot be started from here."),
            N_("{name} was suspended by Zomro; it cannot be shut down from here."),
            N_("{name} was suspended by Zomro; it cannot be rebooted from here."),
        ), {}
    if service.deleting:
        return N_("{name} is being deleted."), {}
    if power.in_transition:
        detail = service.status_detail or power.value
        return N_("{name} is busy ({detail}); wait until it finishes."), {"detail": detail}
    if service.billing.value in _INACTIVE_BILLING:
        billing = service.billing_text or service.billing_code
        return N_("{name} is not active in Zomro's billing ({billing})."), {"billing": billing}
    if power is PowerState.ERROR:
        return N_("{name} is in an error state: see Zomro's control panel."), {}
    mode = service.special_mode
    if mode and (action is not Action.REBOOT or mode != "booted_from_iso"):
        return N_("{name} is {mode}: finish that in Zomro's control panel first."), {
            "mode": mode.replace("_", " ")
        }
    if action is Action.START and power is not PowerState.STOPPED:
        if power is PowerState.ACTIVE:
            return N_("{name} is already running."), {}
        detail = service.status_detail or power.value
        return N_("{name} cannot be started now ({detail})."), {"detail": detail}
    if action is Action.STOP and power is PowerState.STOPPED:
        return N_("{name} is already stopped."), {}
    if action is Action.REBOOT and power is PowerState.STOPPED:
        return N_("{name} is stopped: start it instead of rebooting it."), {}
    return None
