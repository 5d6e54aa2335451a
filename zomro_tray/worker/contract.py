"""The contract between the worker and the GUI: what crosses the thread boundary.

Everything here is immutable (or a Protocol), so it is safe to hand from one thread to the other
through a queued signal: commands carry a SignInForm or an Action, answers a Snapshot, an
ActionResult or a SignInCheck. Neither side needs the other's module to read them.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Protocol, runtime_checkable

from zomro_tray.core.credentials import AuthMethod, Credentials
from zomro_tray.core.model import UNDO_SECONDS, Action, ServerKey, Service


class SecretsStore(Protocol):
    """What the worker needs of a secrets store (the keychain, or demo mode's memory)."""

    def load(self) -> Credentials | None: ...
    def save(self, credentials: Credentials) -> None: ...
    def clear(self) -> bool: ...


@runtime_checkable
class Keychain(Protocol):
    """A store with an entry per account (the system keychain, or the demo's memory)."""

    def entry(self, name: str, *, first: bool) -> SecretsStore: ...


@dataclass(frozen=True)
class Timing:
    """Seconds. Tests and the soak compress these; the app uses the defaults."""

    fast: float = 3.0  # refresh pace while a server is in transition or an action is pending
    stale: float = 5.0  # opening the menu refreshes data older than this
    backoff_start: float = 5.0
    backoff_cap: float = 60.0  # Zomro back: seen within a minute (Retry now is there too)
    action_timeout: float = 900.0  # a start/stop that has not settled by then is reported
    #: Replaces the settings' refresh interval (the soak compresses hours into seconds).
    idle: float | None = None
    #: How long a shutdown or reboot clicked in the menu waits, undoable (the GUI's, not ours).
    undo: float = UNDO_SECONDS


@dataclass(frozen=True)
class WorkerSetup:
    """What one account's worker starts with: one value, passed from the feed through the host
    of its thread to the worker, instead of the same six arguments three times."""

    secrets: SecretsStore
    api_url: str
    refresh_seconds: float
    #: The key of the app's account the worker signs in as (every server it lists carries it).
    account: str = ""
    timing: Timing = field(default_factory=Timing)
    #: A sign-in given on the command line: used instead of the keychain's, never kept.
    credentials: Credentials | None = None


@dataclass(frozen=True)
class Snapshot:
    """One refresh, as the GUI receives it (immutable, so safe to pass between threads)."""

    #: Each server keyed by its account and id (Service.key): the same id in two accounts is
    #: two servers.
    services: tuple[Service, ...]
    fetched_at: datetime
    #: A copy of the worker's pending actions that neither side can change (frozen as the rest).
    pending: Mapping[ServerKey, Action] = field(default_factory=dict)
    #: List filters saved in Zomro's panel that hide servers from this list too.
    filtered_by: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "pending", MappingProxyType(dict(self.pending)))


@dataclass(frozen=True)
class ActionResult:
    """A start, stop or reboot that ended: done, refused, or not settled in time."""

    key: ServerKey
    action: Action
    ok: bool
    message: str  # a sentence for the user


class SignInOutcome(enum.Enum):
    OK = "ok"
    TWO_FACTOR = "two_factor"  # the account asks for a code: the dialog shows its field
    ERROR = "error"


@dataclass(frozen=True)
class SignInCheck:
    """The answer to the dialog's "Test connection" (request_id matches the question)."""

    request_id: int
    outcome: SignInOutcome
    message: str
    credentials: Credentials | None = None
    services: tuple[Service, ...] = ()

    def __repr__(self) -> str:  # never the credentials
        return f"SignInCheck({self.request_id}, {self.outcome.value}, {self.message!r})"


@dataclass(frozen=True)
class SignInForm:
    """What the sign-in dialog collected; checked by the worker, never by the GUI thread."""

    api_url: str
    method: AuthMethod
    token: str = ""
    username: str = ""
    password: str = ""
    two_factor_code: str = ""

    def __repr__(self) -> str:
        return f"SignInForm(api_url={self.api_url!r}, method={self.method.value})"
