"""Money without the network: reading amounts, the runway's arithmetic, the words, the alarm."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zomro_tray import i18n
from zomro_tray.api import readings
from zomro_tray.core.details import traffic_words
from zomro_tray.core.model import BillingState, PowerState, Service
from zomro_tray.core.money import (
    Amount,
    Funds,
    RunwayAlarm,
    Unavailable,
    daily_cost,
    format_money,
    low_warning,
    money_line,
    parse_amount,
    runway,
    unpaid_warning,
    unpriced_note,
)


def server(
    name: str = "web-1",
    item_cost: str = "",
    cost_text: str = "",
    power: PowerState = PowerState.ACTIVE,
    billing_code: str = "2",
) -> Service:
    return Service(
        id=name,
        name=name,
        power=power,
        billing=BillingState.parse(billing_code),
        billing_code=billing_code,
        item_cost=item_cost,
        cost_text=cost_text,
    )


@pytest.mark.parametrize(
    ("raw", "value", "currency"),
    [
        ("12.34", "12.34", "EUR"),
        ("12.34 EUR", "12.34", "EUR"),
        ("12.34 €", "12.34", "EUR"),
        ("€0.50", "0.50", "EUR"),
        ("0.5 €/Day", "0.5", "EUR"),
        ("0.1634 EUR / Day", "0.1634", "EUR"),
        ("-3.10", "-3.10", "EUR"),
        ("12,40 €", "12.40", "EUR"),
        ("5.00 USD", "5.00", "USD"),
        ("1.00 CHF", "1.00", "CHF"),
    ],
)
def test_amounts_are_read_as_zomro_writes_them(raw: str, value: str, currency: str) -> None:
    amount = parse_amount(raw)
    assert amount is not None
    assert (amount.value, amount.currency) == (Decimal(value), currency)


@pytest.mark.parametrize(
    "raw", ["", "n/a", "see the control panel", "1.20 - 3.40", "1" * 40, "12.40 " + "x" * 80]
)
def test_what_is_not_exactly_one_number_is_no_amount(raw: str) -> None:
    assert parse_amount(raw) is None


def test_the_daily_cost_prefers_item_cost_then_a_per_day_text() -> None:
    assert daily_cost(server(item_cost="0.1634", cost_text="0.1634 EUR / Day")).value == Decimal(
        "0.1634"
    )
    text_only = daily_cost(server(cost_text="0.5 €/Day"))
    assert text_only is not None
    assert text_only.value == Decimal("0.5")
    assert daily_cost(server(cost_text="4.20 EUR / month")) is None  # not a daily price
    assert daily_cost(server()) is None


def test_the_runway_rounds_to_the_nearest_day_and_counts_stopped_servers() -> None:
    services = [
        server("a", item_cost="1.00"),
        server("b", item_cost="0.38", power=PowerState.STOPPED, billing_code="3"),
    ]
    account = runway(Funds(Decimal("12.40")), services)
    assert account.daily_cost == Decimal("1.38")
    assert account.days_left == 9  # 8.99 days: the example of the issue
    assert money_line(account) == "Balance 12.40 € — about 9 days at 1.38 €/day"
    assert account.to_json()["days_left"] == 9
    assert account.to_json()["balance"] == "12.40"


def test_credit_adds_to_what_the_charges_can_draw_on() -> None:
    account = runway(Funds(Decimal("2.00"), credit=Decimal("10.00")), [server(item_cost="1.00")])
    assert account.days_left == 12
    assert money_line(account) == "Balance 2.00 € + 10.00 € credit — about 12 days at 1.00 €/day"


@pytest.mark.parametrize("balance", ["0", "-3.10", "0.40"])
def test_a_balance_that_cannot_pay_tomorrow_says_less_than_a_day(balance: str) -> None:
    account = runway(Funds(Decimal(balance)), [server(item_cost="1.00")])
    assert account.days_left == 0
    assert "less than a day at 1.00 €/day" in money_line(account)
    assert account.below(1)


def test_one_day_is_singular() -> None:
    account = runway(Funds(Decimal("1.10")), [server(item_cost="1.00")])
    assert money_line(account) == "Balance 1.10 € — about 1 day at 1.00 €/day"


def test_no_priced_server_shows_the_balance_alone_and_says_what_is_missing() -> None:
    account = runway(Funds(Decimal("12.40")), [server(), server("b", item_cost="0.5")])
    assert account.servers_unpriced == 1
    assert "1 server has no price" in unpriced_note(account)
    alone = runway(Funds(Decimal("12.40")), [server()])
    assert money_line(alone) == "Balance 12.40 €"
    assert alone.days_left is None
    assert not alone.below(3)


def test_no_balance_is_a_plain_unavailable_line_never_a_number() -> None:
    account = runway(
        Funds(unavailable_because=Unavailable.NOT_IN_THE_ANSWERS), [server(item_cost="1.00")]
    )
    assert money_line(account) == "Balance unavailable"
    assert money_line(None) == "Balance unavailable"
    assert account.to_json()["balance"] is None
    assert account.days_left is None


def test_amounts_use_the_languages_decimal_mark() -> None:
    i18n.use("pl")
    try:
        assert format_money(Decimal("12.4"), "EUR") == "12,40 €"
        line = money_line(runway(Funds(Decimal("12.40")), [server(item_cost="1.38")]))
        assert "12,40 €" in line
        assert "1,38 €" in line
        assert "9" in line
    finally:
        i18n.use("en")
    assert format_money(Decimal("0.005"), "USD") == "0.01 $"  # half up, as prices are


def test_the_alarm_fires_once_per_crossing() -> None:
    alarm = RunwayAlarm(warning_days=3)
    costs = [server(item_cost="1.00")]
    readings = ["5.00", "4.00", "2.50", "1.50", "0.50", "8.00", "2.00", "2.00"]
    fired = [alarm.low(runway(Funds(Decimal(b)), costs)) for b in readings]
    assert fired == [False, False, True, False, False, False, True, False]


def test_an_unknown_balance_neither_fires_nor_rearms_the_alarm() -> None:
    alarm = RunwayAlarm(warning_days=3)
    costs = [server(item_cost="1.00")]
    assert alarm.low(runway(Funds(Decimal("1.00")), costs))
    assert not alarm.low(runway(Funds(), costs))
    assert not alarm.low(runway(Funds(Decimal("1.00")), costs))


def test_non_payment_suspensions_are_told_once_per_server() -> None:
    alarm = RunwayAlarm()
    unpaid = server("staging", power=PowerState.SUSPENDED, billing_code="3_autosuspend")
    abuse = server("x", power=PowerState.SUSPENDED, billing_code="3_abusesuspend")
    assert alarm.newly_unpaid(runway(Funds(Decimal(1)), [unpaid, abuse])) == ("staging",)
    assert alarm.newly_unpaid(runway(Funds(Decimal(1)), [unpaid, abuse])) == ()


# --- reading the answers ---------------------------------------------------------------------


def test_each_place_the_panel_found_the_balance_is_read() -> None:
    today = {"realbalance": {"$": "12.34"}}
    older = {"notify": {"item": [{"$name": "ticket"}, {"$balance": "yes", "value": {"$": "7.5"}}]}}
    dashboard = {"elem": [{"realbalance": {"$": "3.21 EUR"}}]}
    dashboard_one = {"elem": {"realbalance": {"$": "3.21 €"}}}
    whoami = {"user": {"$name": "demo", "$balance": "1.00"}}
    assert readings.balance_from_notify(today).value == Decimal("12.34")  # type: ignore[union-attr]
    assert readings.balance_from_notify(older).value == Decimal("7.5")  # type: ignore[union-attr]
    assert readings.balance_from_dashboard(dashboard).value == Decimal("3.21")  # type: ignore[union-attr]
    assert readings.balance_from_dashboard(dashboard_one).value == Decimal("3.21")  # type: ignore[union-attr]
    assert readings.balance_from_whoami(whoami).value == Decimal("1.00")  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "doc",
    [
        {},
        {"realbalance": {"$": "see the control panel"}},
        {"realbalance": {"$": ["12", "13"]}},
        {"realbalance": {"$": {"nested": "1"}}},
        {"realbalance": 1e400},
        {"notify": "broken"},
        {"notify": {"item": [{"$balance": "yes", "value": {"$": ""}}]}},
    ],
)
def test_a_missing_or_malformed_balance_is_none(doc: dict[str, object]) -> None:
    assert readings.balance_from_notify(doc) is None


def test_resources_come_from_the_add_ons_words_without_their_price() -> None:
    doc = {
        "messages": {"msg": {"addon_1": "Memory", "addon_2": "CPU", "addon_3": "Disk space"}},
        "addon_1": {"$": "2048"},
        "addon_2": {"$": "2"},
        "addon_3": {"$": "40"},
        "slist": [
            {
                "$name": "addon_1",
                "val": [{"$key": "1024", "$": "1 GB"}, {"$key": "2048", "$": "2 GB (+1.00 EUR)"}],
            },
            {"$name": "addon_3", "val": {"$key": "40", "$": "40 GB"}},
        ],
        "rdns_record": {"$": "web.example"},
    }
    resources = readings.resources_from_edit(doc)
    assert (resources.memory, resources.cpu, resources.disk) == ("2 GB", "2", "40 GB")
    assert resources.rdns == "web.example"
    assert readings.resources_from_edit({"messages": "x"}).empty


def test_measures_keep_finite_points_only() -> None:
    doc = {
        "measures": [
            {"$date": "t1", "$value": "3.5"},
            {"$date": "t2", "$value": "nan"},
            {"$date": "t3", "$value": "-1"},
            {"$date": "t4", "$value": "inf"},
            "junk",
            {"$date": "t5", "$value": "40"},
        ]
    }
    series = readings.series_from_measures(doc, "cpu_util", 1)
    assert series.times == ("t1", "t5")
    assert series.values == (3.5, 40.0)
    one = {"measures": {"$date": "t", "$bytes_in": "10", "$bytes_out": "4"}}
    traffic = readings.series_from_measures(one, "interface_traffic", 24)
    assert (traffic.values, traffic.values_out, traffic.hours) == ((10.0,), (4.0,), 24)


# --- odd amounts (issue 28): unavailable rather than guessed, bounded, no negative zero ------


@pytest.mark.parametrize("raw", ["12,345 EUR", "1,000", "-1,500 €"])
def test_an_amount_that_may_hold_a_thousands_separator_is_not_guessed(raw: str) -> None:
    assert parse_amount(raw) is None


def test_minus_zero_is_no_debt() -> None:
    amount = parse_amount("-0")
    assert amount is not None
    assert format_money(amount.value, amount.currency) == "0.00 €"
    assert format_money(Decimal("-0.004"), "EUR") == "0.00 €"
    assert money_line(runway(Funds(Decimal("-0.00")), [])) == "Balance 0.00 €"


def test_a_price_in_another_currency_is_never_added_to_the_balances() -> None:
    servers = [
        server("eur", cost_text="1 EUR / Day"),
        server("usd", cost_text="1 USD / Day"),
        server("usd-exact", item_cost="0.5 USD", cost_text=""),
        server("both", item_cost="0.5 USD", cost_text="0.5 EUR / Day"),
    ]
    assert daily_cost(servers[2]) == Amount(Decimal("0.5"), "USD")  # never "0.50 €/day"
    assert daily_cost(servers[3]) is None  # two currencies: no price, not a guess
    account = runway(Funds(Decimal("10"), currency="EUR"), servers)
    assert account.daily_cost == Decimal(1)
    assert (account.servers_priced, account.servers_unpriced) == (1, 3)
    assert money_line(account) == "Balance 10.00 € — about 10 days at 1.00 €/day"
    assert unpriced_note(account).splitlines() == [
        "1 server has no price in Zomro's answer and is not counted.",
        "2 servers are priced in USD, not in the balance's EUR, and are not counted.",
    ]


def test_no_rights_to_the_finances_is_said_as_such() -> None:
    refused = runway(Funds(unavailable_because=Unavailable.NO_RIGHTS), [])
    assert "no rights" in money_line(refused)
    assert money_line(runway(Funds(unavailable_because=Unavailable.NOT_IN_THE_ANSWERS), [])) == (
        "Balance unavailable"
    )


def test_figures_from_the_graphs_are_clamped_and_bounded() -> None:
    doc = {
        "measures": [
            {"$date": "t1", "$value": "1e308"},
            {"$date": "t2", "$value": "250"},
            {"$date": "t3", "$value": "9" * 5000},
        ]
    }
    cpu = readings.series_from_measures(doc, "cpu_util", 1)
    assert cpu.values == (100.0, 100.0)  # the 5,000-digit one is not a number to read
    points = [{"$date": "t", "$bytes_in": "1e308", "$bytes_out": "1e308"}] * 1000
    traffic = readings.series_from_measures({"measures": points}, "interface_traffic", 1)
    words = traffic_words(sum(traffic.values))
    assert "inf" not in words
    assert len(words) < 20


def test_the_add_on_named_cpu_count_is_the_vcpus() -> None:
    """The panel's own title (renameAddonFields.js: "CPU count" -> CPU_count)."""
    doc = {
        "messages": {"msg": {"addon_1": "CPU count", "addon_2": "Disk_space"}},
        "addon_1": {"$": "2"},
        "addon_2": {"$": "40"},
        "slist": [{"$name": "addon_1", "val": {"$key": "2", "$": "2 (+1.50 EUR)"}}],
    }
    resources = readings.resources_from_edit(doc)
    assert (resources.cpu, resources.disk) == ("2", "40")


# --- boundaries (issue 29: each of these went unnoticed when broken by hand) ------------------


@pytest.mark.parametrize(
    ("balance", "warns"),
    [("2.99", True), ("3.00", False), ("3.01", False), ("0.00", True)],
)
def test_the_warning_starts_strictly_under_the_threshold(balance: str, warns: bool) -> None:
    """Three days of warning means "fewer than three days": exactly three is not low."""
    priced = runway(Funds(Decimal(balance)), [server(item_cost="1.00")])
    assert priced.below(3) is warns
    assert RunwayAlarm(warning_days=3).low(priced) is warns


def test_the_alarm_uses_the_users_figure_not_the_default() -> None:
    ten_days = runway(Funds(Decimal("5.00")), [server(item_cost="0.50")])
    assert RunwayAlarm(warning_days=3).low(ten_days) is False
    assert RunwayAlarm(warning_days=11).low(ten_days) is True


def test_a_server_suspended_again_after_a_payment_is_told_again() -> None:
    alarm = RunwayAlarm()
    unpaid = server("staging", power=PowerState.SUSPENDED, billing_code="3_autosuspend")
    paid = server("staging")
    assert alarm.newly_unpaid(runway(Funds(Decimal(0)), [unpaid])) == ("staging",)
    assert alarm.newly_unpaid(runway(Funds(Decimal(5)), [paid])) == ()
    assert alarm.newly_unpaid(runway(Funds(Decimal(0)), [unpaid])) == ("staging",)


@pytest.mark.parametrize(
    ("balance", "days_left", "days_exact"),
    [("2.49", 2, "2.49"), ("2.50", 3, "2.5"), ("-4.00", 0, "0"), ("0.99", 1, "0.99")],
)
def test_days_round_half_up_and_a_debt_is_no_negative_day(
    balance: str, days_left: int, days_exact: str
) -> None:
    priced = runway(Funds(Decimal(balance)), [server(item_cost="1.00")])
    assert priced.days_left == days_left
    assert priced.days_exact == Decimal(days_exact)


def test_no_cost_is_no_runway_and_never_low() -> None:
    free = runway(Funds(Decimal("0.10")), [server(item_cost="0")])
    assert (free.days_exact, free.days_left) == (None, None)
    assert free.below(3) is False
    assert money_line(free) == "Balance 0.10 €"


@pytest.mark.parametrize(
    ("balance", "line"),
    [
        ("0.99", "Balance 0.99 € — less than a day at 1.00 €/day"),
        ("1.00", "Balance 1.00 € — about 1 day at 1.00 €/day"),
        ("1.49", "Balance 1.49 € — about 1 day at 1.00 €/day"),
        ("2.00", "Balance 2.00 € — about 2 days at 1.00 €/day"),
    ],
)
def test_the_money_line_at_a_day_and_around_it(balance: str, line: str) -> None:
    assert money_line(runway(Funds(Decimal(balance)), [server(item_cost="1.00")])) == line


def test_credit_is_shown_and_zero_credit_is_not() -> None:
    costs = [server(item_cost="1.00")]
    with_credit = runway(Funds(Decimal("2.00"), credit=Decimal("3.00")), costs)
    assert money_line(with_credit) == (
        "Balance 2.00 € + 3.00 € credit — about 5 days at 1.00 €/day"
    )
    zero = runway(Funds(Decimal("2.00"), credit=Decimal(0)), costs)
    assert money_line(zero) == "Balance 2.00 € — about 2 days at 1.00 €/day"


@pytest.mark.parametrize(
    ("cost_text", "priced"),
    [
        ("0.20 EUR / Day", True),
        ("0.20 €/d", True),
        ("0.20 € за сутки", True),
        ("0.20 € в день", True),
        ("6.00 EUR / Month", False),
        ("-0.20 EUR / Day", False),
    ],
)
def test_only_a_daily_price_text_is_a_daily_cost(cost_text: str, priced: bool) -> None:
    assert (daily_cost(server(cost_text=cost_text)) is not None) is priced


def test_a_negative_item_cost_falls_back_to_the_price_text() -> None:
    cost = daily_cost(server(item_cost="-1", cost_text="0.30 EUR / Day"))
    assert cost == Amount(Decimal("0.30"), "EUR")


def test_the_runway_says_which_servers_it_counted() -> None:
    unpaid = server("b", item_cost="0.50", power=PowerState.SUSPENDED, billing_code="3_autosuspend")
    priced = runway(
        Funds(Decimal("10.00")),
        [server("a", item_cost="1.00"), unpaid, server("c"), server("d", item_cost="2 USD")],
    )
    assert priced.daily_cost == Decimal("1.50")
    assert (priced.servers_priced, priced.servers_unpriced) == (2, 2)
    assert priced.unpaid == ("b",)
    assert priced.other_currency == ("USD",)
    assert priced.to_json() == {
        "balance": "10.00",
        "credit": None,
        "currency": "EUR",
        "daily_cost": "1.50",
        "days_left": 7,
        "days_exact": 6.67,
        "servers_priced": 2,
        "servers_unpriced": 2,
        "servers_in_another_currency": 1,
        "suspended_unpaid": ["b"],
    }


def test_a_long_graph_keeps_its_newest_points() -> None:
    """Zomro lists measures oldest first: past the cap, the oldest go (the graph ends now)."""
    cap = readings.MAX_POINTS
    doc = {"measures": [{"$date": f"t{n}", "$value": "1"} for n in range(cap + 5)]}
    series = readings.series_from_measures(doc, "cpu_util", 1)
    assert len(series.times) == cap
    assert (series.times[0], series.times[-1]) == ("t5", f"t{cap + 4}")


def test_cpu_is_clamped_to_100_and_traffic_to_its_ceiling() -> None:
    cpu = readings.series_from_measures(
        {"measures": [{"$date": "t", "$value": "250"}, {"$date": "u", "$value": "0"}]},
        "cpu_util",
        1,
    )
    assert cpu.values == (100.0, 0.0)
    assert cpu.values_out == ()
    big = str(readings.MAX_POINT_BYTES * 10)
    traffic = readings.series_from_measures(
        {"measures": [{"$date": "t", "$bytes_in": big, "$bytes_out": "x"}]}, "interface_traffic", 1
    )
    assert traffic.values == ()  # a point whose "out" is no number is dropped whole
    traffic = readings.series_from_measures(
        {"measures": [{"$date": "t", "$bytes_in": big, "$bytes_out": "7"}]}, "interface_traffic", 1
    )
    assert (traffic.values, traffic.values_out) == ((readings.MAX_POINT_BYTES,), (7.0,))


def test_a_dashboard_or_whoami_without_the_balance_is_no_amount() -> None:
    assert readings.balance_from_dashboard({}) is None
    assert readings.balance_from_dashboard({"elem": []}) is None
    assert readings.balance_from_dashboard({"elem": ["junk"]}) is None
    assert readings.balance_from_whoami({"user": "12.00"}) is None
    assert readings.balance_from_whoami({}) is None


def test_the_runway_as_json_carries_the_credit() -> None:
    priced = runway(Funds(Decimal("1.00"), credit=Decimal("2.50")), [server(item_cost="1.00")])
    assert (priced.to_json()["credit"], priced.to_json()["days_left"]) == ("2.50", 4)


@pytest.mark.parametrize(
    ("balance", "words"),
    [
        ("0.99", "The balance covers less than a day of your servers. Add funds in Zomro's panel."),
        (
            "1.00",
            "The balance covers about 1 day of your servers. Add funds in Zomro's panel "
            "before the daily charge fails and Zomro suspends them.",
        ),
        (
            "2.60",
            "The balance covers about 3 days of your servers. Add funds in Zomro's panel "
            "before the daily charge fails and Zomro suspends them.",
        ),
    ],
)
def test_the_low_balance_warning_in_words(balance: str, words: str) -> None:
    assert low_warning(runway(Funds(Decimal(balance)), [server(item_cost="1.00")])) == words


def test_the_non_payment_warning_names_the_servers() -> None:
    assert unpaid_warning(("db",)) == (
        "Zomro suspended db for non-payment. Add funds in Zomro's panel to resume it."
    )
    assert unpaid_warning(("db", "web")) == (
        "Zomro suspended db, web for non-payment. Add funds in Zomro's panel to resume them."
    )


def test_resources_skip_what_is_no_add_on_and_take_the_first_of_each() -> None:
    doc = {
        "messages": {
            "msg": {
                "title": "Resize",  # not an add-on: looked past, not the end of the list
                "addon_1": "CPU-Count",
                "addon_2": "RAM",
                "addon_3": "Memory",  # a second name for memory: the first one stands
            }
        },
        "addon_1": {"$": "4"},
        "addon_2": {"$": "8192"},
        "addon_3": {"$": "1"},
        "slist": [
            "junk",
            {"$name": "addon_3", "val": {"$key": "8192", "$": "not this one"}},
            {"$name": "addon_2", "val": {"$key": "8192", "$": "8 GB (2.00 €)"}},
        ],
    }
    resources = readings.resources_from_edit(doc)
    assert (resources.cpu, resources.memory, resources.disk, resources.rdns) == (
        "4",
        "8 GB",
        "",
        "",
    )


def test_a_resource_value_is_cut_to_its_bound() -> None:
    long = "9" * 500
    doc = {"messages": {"msg": {"addon_1": "Disk space"}}, "addon_1": {"$": long}}
    disk = readings.resources_from_edit(doc).disk
    assert len(disk) == readings.MAX_RESOURCE_TEXT
    assert disk.endswith("…")


def test_a_series_names_its_metric_and_period() -> None:
    series = readings.series_from_measures({"measures": []}, "interface_traffic", 24)
    assert (series.metric, series.hours, series.values, series.values_out) == (
        "interface_traffic",
        24,
        (),
        (),
    )


def test_resources_not_in_the_answer_are_empty_words() -> None:
    doc = {"messages": {"msg": {"addon_1": "Disk space"}}, "addon_1": {"$": "40"}}
    resources = readings.resources_from_edit(doc)
    assert (resources.cpu, resources.memory, resources.disk) == ("", "", "40")
