"""Money: the account's balance, what its servers cost per day, and how long that lasts.

Zomro charges a Cloud VPS once a day, 24 hours in advance, and keeps charging a stopped one;
when a daily charge cannot be paid the servers are suspended. So the number a customer needs is
the runway: how many more daily charges the balance (plus any credit) covers. Amounts are
``Decimal`` end to end: Zomro prices to four places ("0.1634 EUR / Day"), and a sum of floats
would print 1.3799999 where the panel shows 1.38.

No I/O and no Qt here: :mod:`zomro_tray.api.readings` reads the answers, the worker fetches
them, the views format them with :func:`money_line`.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from zomro_tray.core.model import PowerState, Service
from zomro_tray.i18n import _, decimal, ngettext

#: The currency Zomro bills Cloud VPS in (the panel prints prices as "€{price}").
DEFAULT_CURRENCY = "EUR"
#: Runway under this many days warns, unless the user chose another figure in Settings.
DEFAULT_WARNING_DAYS = 3
_SYMBOLS = {"EUR": "€", "USD": "$", "UAH": "₴", "PLN": "zł", "GBP": "£"}
_BY_SYMBOL = {symbol: code for code, symbol in _SYMBOLS.items()}
#: The first number of a price text: "0.1634 EUR / Day", "0.5 €/Day", "€1,20", "-3.10".
_NUMBER = re.compile(r"[-−]?\d+(?:[.,]\d+)?")
#: "12,345": a thousands separator or a decimal comma? Zomro writes neither; never guessed.
_AMBIGUOUS = re.compile(r"[-−]?\d{1,3},\d{3}")
_CURRENCY_CODE = re.compile(r"\b([A-Z]{3})\b")
#: Longer than any real amount, so a hostile "1" followed by 4,000 zeros is not a balance.
_MAX_TEXT = 64
_MAX_DIGITS = 16
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Amount:
    value: Decimal
    currency: str = DEFAULT_CURRENCY


def parse_amount(raw: str) -> Amount | None:
    """A money text as Zomro writes it -> an Amount; None for anything that is not one number.

    Accepts what the panel strips or parses (" €", " EUR", "€…", "/ Day"), refuses text with no
    number or with two ("1.20 - 3.40"), so a guess never turns into a wrong balance.
    """
    raw = raw.strip()
    if not raw or len(raw) > _MAX_TEXT:
        return None
    numbers = _NUMBER.findall(raw)
    if len(numbers) != 1:
        return None
    if len(numbers[0]) > _MAX_DIGITS or _AMBIGUOUS.fullmatch(numbers[0]):
        return None
    digits = numbers[0].replace("−", "-").replace(",", ".")
    try:
        value = Decimal(digits)
    except InvalidOperation:
        return None
    if value == 0:
        value = Decimal(0)  # "-0" is no debt: never "Balance -0.00 €"
    return Amount(value, currency_in(raw) or DEFAULT_CURRENCY)


def currency_in(raw: str) -> str:
    """The currency a money text names ("€", "EUR", "$"...), or "" when it names none."""
    for symbol, code in _BY_SYMBOL.items():
        if symbol in raw:
            return code
    found = _CURRENCY_CODE.search(raw)
    return found.group(1) if found else ""


def daily_cost(service: Service) -> Amount | None:
    """What one server costs per day: ``item_cost`` (a plain number) first, else the first number
    of the ``cost`` text, and only when that text prices a day (a monthly VPS is not counted
    as if it were daily). Its currency is the one either text names (EUR when neither does);
    two texts naming two currencies are no price at all."""
    exact = parse_amount(service.item_cost)
    text_amount = parse_amount(service.cost_text)
    named = {c for c in (currency_in(service.item_cost), currency_in(service.cost_text)) if c}
    if len(named) > 1:
        return None
    currency = named.pop() if named else DEFAULT_CURRENCY
    if exact is not None and exact.value >= 0:
        return Amount(exact.value, currency)
    if text_amount is not None and text_amount.value >= 0 and _per_day(service.cost_text):
        return text_amount
    return None


def _per_day(cost_text: str) -> bool:
    words = cost_text.lower()
    return "day" in words or "/d" in words or "сутк" in words or "день" in words


class Unavailable(enum.Enum):
    """Why there is no balance; its value is what the log and ``report`` say."""

    #: Before the first read: nothing to say yet (no line, not a guess).
    NOT_READ = "not read"
    #: Zomro refused the finance calls (a user without the rights): said in the balance line.
    NO_RIGHTS = "no rights"
    #: An answer could not be read: tried again soon (ledger.py's FUNDS_RETRY_SECONDS); the
    #: others wait for the next regular read.
    UNREADABLE = "unreadable answer"
    #: Every answer was read, and none held a balance.
    NOT_IN_THE_ANSWERS = "not in the answers"
    #: Reading failed in a way nothing foresaw (the log has the traceback).
    UNEXPECTED = "unexpected answer"


@dataclass(frozen=True)
class Funds:
    """The balance as Zomro reported it; None fields were not reported (or not readable)."""

    balance: Decimal | None = None
    credit: Decimal | None = None
    currency: str = DEFAULT_CURRENCY
    #: Why there is no balance (None when there is one).
    unavailable_because: Unavailable | None = None


@dataclass(frozen=True)
class Runway:
    """The account's money, put together with its servers' daily costs."""

    funds: Funds
    #: Of the servers whose cost is known in the balance's currency, stopped ones included.
    daily_cost: Decimal
    servers_priced: int
    servers_unpriced: int
    unpaid: tuple[str, ...] = ()  # names of servers Zomro suspended for non-payment
    #: Servers priced in another currency than the balance: not added (no rate is known), so
    #: not counted, and said.
    other_currency: tuple[str, ...] = ()

    @property
    def available(self) -> bool:
        return self.funds.balance is not None

    @property
    def spendable(self) -> Decimal | None:
        """Balance plus credit: what the daily charges can draw on (ResizeModal.jsx)."""
        if self.funds.balance is None:
            return None
        return self.funds.balance + (self.funds.credit or Decimal(0))

    @property
    def days_exact(self) -> Decimal | None:
        spendable = self.spendable
        if spendable is None or self.daily_cost <= 0:
            return None
        return max(spendable / self.daily_cost, Decimal(0))

    @property
    def days_left(self) -> int | None:
        """Days until a charge fails, to the nearest day. The current day is already paid and
        ``floor(spendable / cost)`` more charges can be, so the servers are suspended after
        between that many and one more day: rounding the quotient lands in that span."""
        days = self.days_exact
        if days is None:
            return None
        return int(days.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    def below(self, warning_days: int) -> bool:
        """True when the runway is shorter than ``warning_days`` (never when it is unknown)."""
        days = self.days_exact
        return days is not None and days < warning_days

    def to_json(self) -> dict[str, object]:
        days = self.days_exact
        return {
            "balance": _plain(self.funds.balance),
            "credit": _plain(self.funds.credit),
            "currency": self.funds.currency,
            "daily_cost": _plain(self.daily_cost),
            "days_left": self.days_left,
            "days_exact": None if days is None else float(days.quantize(_CENT)),
            "servers_priced": self.servers_priced,
            "servers_unpriced": self.servers_unpriced,
            "servers_in_another_currency": len(self.other_currency),
            "suspended_unpaid": list(self.unpaid),
        }


def _plain(value: Decimal | None) -> str | None:
    """A JSON amount as a string: "12.40", exact, never 12.399999."""
    return None if value is None else str(value)


def runway(funds: Funds, services: Iterable[Service]) -> Runway:
    """The servers' daily cost in the balance's currency, and what it leaves out: a price in
    another currency counts as unpriced (adding "1 USD" to "1 EUR" is no sum)."""
    total = Decimal(0)
    priced = unpriced = 0
    unpaid = []
    elsewhere: dict[str, int] = {}
    for service in services:
        cost = daily_cost(service)
        if service.power is PowerState.SUSPENDED and service.billing_code.endswith("autosuspend"):
            unpaid.append(service.name)
        if cost is None:
            unpriced += 1
            continue
        if cost.currency != funds.currency:
            unpriced += 1
            elsewhere[cost.currency] = elsewhere.get(cost.currency, 0) + 1
            continue
        total += cost.value
        priced += 1
    other = tuple(code for code, count in sorted(elsewhere.items()) for _ in range(count))
    return Runway(funds, total, priced, unpriced, tuple(unpaid), other)


# --- words ------------------------------------------------------------------------------------


def format_money(value: Decimal, currency: str) -> str:
    """12.40 € in English, 12,40 € in Polish: two places, the language's decimal mark."""
    rounded = value.quantize(_CENT, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # -0.004 rounds to no debt: "0.00", never "-0.00"
    return f"{decimal(f'{rounded:.2f}')} {_SYMBOLS.get(currency, currency)}"


def money_line(runway: Runway | None) -> str:
    """The menu's line under "Signed in as": balance, cost per day, and the days that lasts."""
    if runway is not None and runway.funds.unavailable_because == Unavailable.NO_RIGHTS:
        return _("Balance unavailable: this sign-in has no rights to the account's finances")
    if runway is None or not runway.available:
        return _("Balance unavailable")
    funds = runway.funds
    assert funds.balance is not None
    balance = format_money(funds.balance, funds.currency)
    if funds.credit:
        balance = _("{balance} + {credit} credit").format(
            balance=balance, credit=format_money(funds.credit, funds.currency)
        )
    days = runway.days_exact
    if days is None:
        return _("Balance {balance}").format(balance=balance)
    cost = format_money(runway.daily_cost, funds.currency)
    if days < 1:
        text = _("Balance {balance} — less than a day at {cost}/day")
    else:
        count = runway.days_left or 0
        text = ngettext(
            "Balance {balance} — about {days} day at {cost}/day",
            "Balance {balance} — about {days} days at {cost}/day",
            count,
        )
    return text.format(balance=balance, days=runway.days_left, cost=cost)


def unpriced_note(runway: Runway) -> str:
    """Said when some servers' prices could not be read or added (another currency than the
    balance's): the runway is then too long."""
    elsewhere = len(runway.other_currency)
    missing = runway.servers_unpriced - elsewhere
    notes = []
    if missing:
        notes.append(
            ngettext(
                "{count} server has no price in Zomro's answer and is not counted.",
                "{count} servers have no price in Zomro's answer and are not counted.",
                missing,
            ).format(count=missing)
        )
    if elsewhere:
        notes.append(
            ngettext(
                "{count} server is priced in {currencies}, not in the balance's {currency}, "
                "and is not counted.",
                "{count} servers are priced in {currencies}, not in the balance's {currency}, "
                "and are not counted.",
                elsewhere,
            ).format(
                count=elsewhere,
                currencies=", ".join(dict.fromkeys(runway.other_currency)),
                currency=runway.funds.currency,
            )
        )
    return "\n".join(notes)


def cost_words(service: Service) -> str:
    """ "0.16 €/day", or "" when Zomro sent no usable price for this server."""
    cost = daily_cost(service)
    if cost is None:
        return ""
    return _("{cost}/day").format(cost=format_money(cost.value, cost.currency))


def stop_keeps_charging() -> str:
    """Zomro's own words, in ours: the panel shows this before a Stop (cloud_vps.json)."""
    return _("Zomro keeps charging for a stopped server: the charges stop only when it is deleted.")


class RunwayAlarm:
    """Says when to warn: once when the runway falls under the threshold, again only after it
    has been above it; and once per server that Zomro suspends for non-payment."""

    def __init__(self, warning_days: int = DEFAULT_WARNING_DAYS) -> None:
        self.warning_days = warning_days
        self._warned = False
        self._unpaid_seen: set[str] = set()

    def low(self, runway: Runway) -> bool:
        """True once per crossing under the threshold."""
        if not runway.available or runway.days_exact is None:
            return False  # unknown is not low: keep the state for when it is known again
        below = runway.below(self.warning_days)
        crossed = below and not self._warned
        self._warned = below
        return crossed

    def newly_unpaid(self, runway: Runway) -> tuple[str, ...]:
        new = tuple(name for name in runway.unpaid if name not in self._unpaid_seen)
        self._unpaid_seen = set(runway.unpaid)
        return new


def low_warning(runway: Runway) -> str:
    days = runway.days_left or 0
    if runway.days_exact is not None and runway.days_exact < 1:
        text = _("The balance covers less than a day of your servers. Add funds in Zomro's panel.")
    else:
        text = ngettext(
            "The balance covers about {days} day of your servers. Add funds in Zomro's panel "
            "before the daily charge fails and Zomro suspends them.",
            "The balance covers about {days} days of your servers. Add funds in Zomro's panel "
            "before the daily charge fails and Zomro suspends them.",
            days,
        ).format(days=days)
    return text


def unpaid_warning(names: tuple[str, ...]) -> str:
    return ngettext(
        "Zomro suspended {names} for non-payment. Add funds in Zomro's panel to resume it.",
        "Zomro suspended {names} for non-payment. Add funds in Zomro's panel to resume them.",
        len(names),
    ).format(names=", ".join(names))
