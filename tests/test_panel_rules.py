"""Zomro's own web panel (Karantir-dev/billing-typescript) read as the authority on how the API
answers: each test names the panel file whose code path it follows. docs/protocol.md has the
facts and their sources."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

import pytest
from test_cli import run

from zomro_tray import errors
from zomro_tray.api import protocol
from zomro_tray.api.client import ZomroClient
from zomro_tray.core.credentials import Credentials
from zomro_tray.core.model import Action, PowerState, Service, refusal
from zomro_tray.core.overall import Connection
from zomro_tray.display.presentation import MAX_LINE, entry_for, status_line, tooltip
from zomro_tray.emulator import Emulator
from zomro_tray.emulator.servers import EmulatedServer
from zomro_tray.store.settings import Settings


def service(row: dict[str, object]) -> Service:
    parsed = protocol.service_from_row({"id": {"$": "1"}, "name": {"$": "web"}, **row})
    assert parsed is not None
    return parsed


# --- states (src/utils/getInstanceMainInfo.js, src/utils/constants.js) ---------------------


def test_instance_status_suspend_is_suspended_with_nothing_offered() -> None:
    """constants.js: FOTBO_STATUSES_LIST uses "suspend" as the key for suspended servers."""
    server = service({"instance_status": {"$": "suspend"}, "status": {"$": "2"}})
    assert server.power is PowerState.SUSPENDED
    entry = entry_for(server, Settings(), None)
    assert entry.click_action is None
    assert not entry.can_reboot


def test_suspended_by_administrator_wins_over_an_active_instance() -> None:
    """getInstanceMainInfo.js reads item_status.$ as the billing text; "Suspended by
    Administrator" there means suspended whatever instance_status still says."""
    server = service(
        {
            "instance_status": {"$": "active"},
            "item_status": {"$": "Suspended by Administrator"},
            "status": {"$": "3"},
        }
    )
    assert server.power is PowerState.SUSPENDED
    assert entry_for(server, Settings(), None).click_action is None


def test_deletion_in_progress_is_busy_and_shows_the_billing_text() -> None:
    """getInstanceMainInfo.js: isDeleting = item_status.$ === "Deletion in progress"; the panel
    then shows the billing text as the status and disables everything."""
    server = service(
        {
            "instance_status": {"$": "active"},
            "item_status": {"$": "Deletion in progress"},
            "status": {"$": "5"},
        }
    )
    assert server.power is PowerState.BUSY
    assert server.status_detail == "Deletion in progress"
    assert refusal(server, Action.STOP) == "web is being deleted."
    assert entry_for(server, Settings(), None).click_action is None


def test_the_billing_code_comes_from_status_when_item_status_has_no_orig() -> None:
    """getInstanceMainInfo.js: item_status.$ is text, status.$ the billing code."""
    server = service(
        {
            "instance_status": {"$": "active"},
            "item_status": {"$": "Active"},
            "status": {"$": "2"},
        }
    )
    assert server.billing_code == "2"
    assert server.billing_text == "Active"
    assert server.billing.value == "2"
    with_orig = service({"item_status": {"$orig": "3_autosuspend", "$": "Suspended"}})
    assert with_orig.billing_code == "3_autosuspend"  # where a build sends it, it still counts


# --- which actions (src/Components/Services/Instances/InstancesOptions/InstancesOptions.jsx) --


@pytest.mark.parametrize("mode", ["resized", "rescued", "booted_from_iso"])
def test_start_and_stop_are_not_offered_in_a_special_mode(mode: str) -> None:
    """InstancesOptions.jsx hides Start/Shut down for resized and rescued servers (and the
    issue's reading adds booted from ISO); they are finished in the panel."""
    server = service({"instance_status": {"$": mode}, "status": {"$": "2"}})
    for action in (Action.START, Action.STOP):
        reason = refusal(server, action)
        assert reason is not None
        assert "finish that in Zomro's control panel" in reason
    assert entry_for(server, Settings(), None).click_action is None


@pytest.mark.parametrize(
    ("row", "why"),
    [
        ({"instance_status": {"$": "error"}, "status": {"$": "2"}}, "error state"),
        ({"instance_status": {"$": "rebuilding"}, "status": {"$": "2"}}, "busy"),
        ({"instance_status": {"$": "active"}, "status": {"$": "1"}}, "not active"),
        ({"instance_status": {"$": "stopped"}, "status": {"$": "4"}}, "not active"),
        ({"instance_status": {"$": "active"}, "status": {"$": "5"}}, "not active"),
        ({"item_status": {"$": "Activation in progress"}, "status": {"$": "5"}}, "busy"),
    ],
)
def test_power_actions_are_disabled_where_the_panel_disables_them(
    row: dict[str, object], why: str
) -> None:
    """getInstanceMainInfo.js: isDisabled = processing, billing status 1/4/5, suspended,
    deleting; InstancesOptions.jsx disables Start/Shut down and Reboot then."""
    server = service(row)
    for action in Action:
        reason = refusal(server, action)
        assert reason is not None
        assert why in reason, reason
    entry = entry_for(server, Settings(), None)
    assert entry.click_action is None
    assert why in entry.tooltip


def test_reboot_is_refused_for_a_stopped_server_in_words_for_a_reboot() -> None:
    """InstancesOptions.jsx: Reboot is disabled for a stopped server."""
    server = service({"instance_status": {"$": "stopped"}, "status": {"$": "2"}})
    assert refusal(server, Action.REBOOT) == "web is stopped: start it instead of rebooting it."
    assert refusal(server, Action.START) is None
    assert not entry_for(server, Settings(), None).can_reboot


def test_a_suspended_server_says_it_cannot_be_shut_down_when_asked_to_stop() -> None:
    server = service({"instance_status": {"$": "suspended"}, "status": {"$": "3"}})
    assert refusal(server, Action.STOP) == (
        "web was suspended by Zomro; it cannot be shut down from here."
    )


# --- the command line sends nothing the panel would not ------------------------------------


def test_the_command_line_sends_one_stop_however_often_it_is_asked(
    make_emulator: Callable[..., Emulator],
) -> None:
    emulator = make_emulator(transition_seconds=30)  # stays "stopping" for the whole test
    env = {"ZOMRO_TOKEN": emulator.demo_token}
    codes = [run(["--api-url", emulator.url, "stop", "web-1"], env=env) for _ in range(3)]
    assert [c.returncode for c in codes] == [0, 0, 0]
    assert "already stopping" in codes[1].stdout
    assert emulator.state.actions == [("service.stop", "5116804")]


def test_the_command_line_refuses_what_the_panel_refuses(emulator: Emulator) -> None:
    env = {"ZOMRO_TOKEN": emulator.demo_token}
    reboot = run(["--api-url", emulator.url, "reboot", "baza-danych-łódź"], env=env)
    assert reboot.returncode == errors.EXIT_ERROR
    assert "start it instead of rebooting" in reboot.stderr
    stop = run(["--api-url", emulator.url, "stop", "staging-żółw"], env=env)
    assert stop.returncode == errors.EXIT_ERROR
    assert "cannot be shut down" in stop.stderr
    assert emulator.state.actions == []


# --- answers to actions (src/utils/handleLongRequest.js, cloudVpsOperations.js) ------------


def test_request_in_process_as_an_error_message_means_accepted() -> None:
    """cloudVpsOperations.js throws doc.error.msg.$: Zomro's "Request in process, please
    wait" arrives there, and means the action was taken."""
    document = {"doc": {"error": {"$type": "xml", "msg": {"$": "Request in process, please wait"}}}}
    with pytest.raises(errors.RequestInProcess):
        protocol.raise_for_error(protocol.decode_document(json.dumps(document).encode()))


def test_a_long_request_answer_with_a_relative_url_is_accepted() -> None:
    """handleLongRequest.js: a string answer matched by /long.+billmgr/ is a long request."""
    with pytest.raises(errors.RequestInProcess):
        protocol.decode_document(b"<html>long request, see /billmgr?func=longrequest&elid=7</html>")


def test_an_action_answered_request_in_process_succeeds(emulator: Emulator) -> None:
    emulator.state.inject("in_process")
    client = ZomroClient(emulator.url, Credentials.from_token(emulator.demo_token))
    client.start("5116805")  # no error: accepted


# --- paging and filters (cloudVpsOperations.js: getInstances, setInstancesFilter) ------------


def test_listing_leaves_the_users_rows_per_page_alone(
    make_emulator: Callable[..., Emulator],
) -> None:
    """BILLmanager keeps p_cnt as the user's rows-per-page: the app never sends it."""
    emulator = make_emulator("many")
    client = ZomroClient(emulator.url, Credentials.from_token(emulator.demo_token))
    assert len(client.list_services()) == 23
    assert emulator.state.stored_page_size == {}


def test_a_filter_saved_in_the_panel_is_detected_and_said(emulator: Emulator) -> None:
    """The panel reads the saved filter with instances.filter (no sok) and saves one with
    sok=ok; BILLmanager applies it to API list calls too."""
    client = ZomroClient(emulator.url, Credentials.from_token(emulator.demo_token))
    assert client.active_filters() == []
    emulator.state.handle(
        {
            "func": "instances.filter",
            "sok": "ok",
            "auth": emulator.demo_token,
            "instance_status": "stopped",
        }
    )
    assert [s.name for s in client.list_services()] == ["baza-danych-łódź"]
    filtered_by = client.active_filters()
    assert filtered_by == ["instance_status"]
    line = status_line(Connection.ONLINE, datetime(2026, 1, 1, 12, 0), "", filtered_by)
    assert "a filter saved in Zomro's panel hides some servers" in line  # cut to fit the menu
    assert len(line) <= MAX_LINE
    full = tooltip([], Connection.ONLINE, datetime(2026, 1, 1, 12, 0), "", filtered_by)
    assert "filter saved in Zomro's panel hides some servers (instance status)" in full
    done = run(
        ["--api-url", emulator.url, "services", "--json"], env={"ZOMRO_TOKEN": emulator.demo_token}
    )
    assert "filter saved in Zomro's panel" in done.stderr
    assert json.loads(done.stdout)  # --json stays clean
    assert "filter" in tooltip([], Connection.ONLINE, None, "", filtered_by)
    assert emulator.state.saved_filters  # read, never reset: the panel still shows its filter


def test_the_emulator_keeps_a_server_of_another_account_out(emulator: Emulator) -> None:
    emulator.state.servers["1"] = EmulatedServer("1", "not-mine", "someone-else")
    client = ZomroClient(emulator.url, Credentials.from_token(emulator.demo_token))
    assert "not-mine" not in {s.name for s in client.list_services()}


# --- the endpoint (src/config/config.js, the article in shared/seed) ---------------------------


def test_an_api_served_only_at_billmgr_is_found_and_kept(
    make_emulator: Callable[..., Emulator], caplog: pytest.LogCaptureFixture
) -> None:
    emulator = make_emulator(mount="/billmgr")  # "/" answers nginx's 404 page
    client = ZomroClient(emulator.url, Credentials.from_token(emulator.demo_token))
    assert len(client.list_services()) == 5
    assert client.api_url == emulator.url + "billmgr"
    assert "did not answer as Zomro's API" in caplog.text
    assert len(client.list_services()) == 5  # kept: no second detour


def test_an_address_that_is_not_the_api_anywhere_says_so() -> None:
    from zomro_tray.core.endpoint import billmgr_address

    assert billmgr_address("https://api.zomro.com/") == "https://api.zomro.com/billmgr"
    assert billmgr_address("https://api.zomro.com/billmgr") is None


# --- the first-contact report ------------------------------------------------------------------


def test_the_report_shows_the_shape_and_vocabulary_and_nothing_identifying(
    make_emulator: Callable[..., Emulator],
) -> None:
    from zomro_tray.emulator.scenarios import DEMO_PASSWORD, DEMO_USER

    emulator = make_emulator()
    secrets_and_data = [emulator.demo_token, DEMO_PASSWORD]
    for n, server in enumerate(emulator.state.servers.values()):
        server.name = f"jan.kowalski{n}@example.com"
        server.ip = f"198.51.100.{n + 20}"
        server.ip_v6 = f"2001:db8::{n + 20}"
        secrets_and_data += [server.name, server.ip, server.ip_v6]
    mine = next(s for s in emulator.state.servers.values() if s.account == DEMO_USER)
    emulator.state.saved_filters[DEMO_USER] = {"instance_status": "active", "ip": mine.ip}
    done = run(["--api-url", emulator.url, "report"], env={"ZOMRO_TOKEN": emulator.demo_token})
    assert done.returncode == 0, done.stderr
    for value in secrets_and_data:
        assert value not in done.stdout, value
    assert "5116804" not in done.stdout  # server ids identify the account's servers too
    report = json.loads(done.stdout)
    row = report["answers"]["instances"]["elem"]  # the filter lets one through: an object
    assert row["instance_status"] == {"$": "active"}  # the vocabulary stays
    assert row["ip"] == {"$": "<IPv4 address>"}
    assert row["servername"]["$"] == "<e-mail-like text>"
    assert report["answers"]["instances"]["p_elems"] == {"$": "1"}
    assert report["answers"]["instances.filter"]["instance_status"] == {"$": "active"}
    assert report["answers"]["instances.filter"]["ip"] == {"$": "<IPv4 address>"}
    assert "active" in report["status values seen"]
    assert report["endpoint"] == "as configured"
    # The money and details calls: their shapes, never the balance or the server's data.
    assert "12.40" not in done.stdout
    assert report["answers"]["notify"]["realbalance"] == {"$": "<decimal text>"}
    assert report["answers"]["dashboard.subaccount_credit"]["elem"][0]["credit"] == {
        "$": "<decimal text>"
    }
    assert row["cost"] == {"$": "<decimal text with words, 16 chars>"}
    assert row["item_cost"] == {"$": "<decimal text>"}
    details = report["answers"]["instances.edit"]
    assert details["messages"]["msg"]["addon_11"] == "<text, 6 chars>"
    cpu = report["answers"]["instances.fleio.measures cpu_util 1"]["measures"]
    assert cpu[0]["$value"] == "<decimal text>"
    assert cpu[-1] == "... 9 more"
    traffic = report["answers"]["instances.fleio.measures interface_traffic 1"]["measures"]
    assert traffic[0]["$bytes_in"] == "<decimal text>"


def test_the_report_keeps_nothing_a_hostile_server_hides_in_keys_or_status_words(
    make_emulator: Callable[..., Emulator],
) -> None:
    """A server that sends the session token, an address and an e-mail as JSON keys, and a
    person's name in the status fields (issue 28): none of it reaches the report."""
    from zomro_tray.emulator.scenarios import DEMO_USER

    emulator = make_emulator()
    token = emulator.demo_token
    mine = next(s for s in emulator.state.servers.values() if s.account == DEMO_USER)
    mine.instance_status = "Suspended for user jdoe"
    mine.billing = ("2", "John Smith")
    mine.extra_fields = {
        token: {"$": "x"},
        "203.0.113.77": {"$": "x"},
        "jan@example.com": {"$": "x"},
        "note": {"$": f"session {token} of {DEMO_USER}"},
    }
    done = run(["--api-url", emulator.url, "report"], env={"ZOMRO_TOKEN": token})
    assert done.returncode == 0, done.stderr
    for leaked in (token, "203.0.113.77", "jan@example.com", "jdoe", "John Smith", mine.name):
        assert leaked not in done.stdout, leaked
    report = json.loads(done.stdout)
    rows = report["answers"]["instances"]["elem"]
    assert any("<key " in key for row in rows for key in row)  # the odd keys, as kinds
    assert "active" in report["status values seen"]  # the known words stay


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("https://api.zomro.com", "https://api.zomro.com/billmgr"),
        ("https://api.zomro.com/api/", "https://api.zomro.com/api/billmgr"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/billmgr"),
        ("https://api.zomro.com/billmgr/", None),
        ("https://api.zomro.com/x/billmgr", None),
        # only slashes are trimmed: the letters a path ends in are kept, whichever they are
        ("https://api.zomro.com/API-X/", "https://api.zomro.com/API-X/billmgr"),
        ("https://api.zomro.com/billmgrX", "https://api.zomro.com/billmgrX/billmgr"),
    ],
)
def test_the_billmgr_detour_keeps_the_host_port_and_path(
    address: str, expected: str | None
) -> None:
    from zomro_tray.core.endpoint import billmgr_address

    assert billmgr_address(address) == expected
