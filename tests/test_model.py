"""The power-state vocabulary and how the two status signals fold into it."""

from __future__ import annotations

import pytest

from zomro_tray.core.model import Action, BillingState, PowerState, classify_power


@pytest.mark.parametrize(
    ("instance", "code", "text", "expected"),
    [
        ("active", "2", "Active", PowerState.ACTIVE),
        (" Active ", "", "", PowerState.ACTIVE),  # trimmed and lower-cased
        ("stopped", "3", "Temporary suspended", PowerState.STOPPED),
        ("starting", "3", "Temporary suspended", PowerState.STARTING),  # transition wins
        ("stopping", "2", "Active", PowerState.STOPPING),
        ("rebooting", "2", "Active", PowerState.REBOOTING),
        ("resizing", "2", "Active", PowerState.BUSY),
        ("running_image_uploading", "2", "", PowerState.BUSY),
        ("verify_resize", "2", "", PowerState.ACTIVE),
        ("rescued", "2", "", PowerState.ACTIVE),
        ("error", "2", "", PowerState.ERROR),
        ("suspended", "3", "", PowerState.SUSPENDED),
        ("hibernating", "2", "Active", PowerState.UNKNOWN),
        # no instance_status: billing decides
        ("", "", "Temporary suspended", PowerState.STOPPED),
        ("", "2", "Active", PowerState.ACTIVE),
        ("", "3", "", PowerState.STOPPED),
        ("", "5_open", "Activation in progress", PowerState.BUSY),
        ("", "2", "Deletion in progress", PowerState.BUSY),
        ("", "1", "", PowerState.BUSY),
        ("", "", "", PowerState.UNKNOWN),
        ("", "zzz", "", PowerState.UNKNOWN),
        # "Temporary suspended" with a steady instance status still reads as stopped
        ("active", "3", "Temporary suspended", PowerState.STOPPED),
    ],
)
def test_power_state_follows_the_documented_mapping(
    instance: str, code: str, text: str, expected: PowerState
) -> None:
    assert classify_power(instance, code, text)[0] is expected


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("3_autosuspend", "unpaid"),
        ("3_abusesuspend", "abuse report"),
        ("3_employeesuspend", "by Zomro staff"),
    ],
)
def test_provider_suspension_wins_over_power_state_and_names_its_reason(
    code: str, reason: str
) -> None:
    assert classify_power("stopped", code, "Suspended") == (PowerState.SUSPENDED, reason)
    assert classify_power("active", code, "") == (PowerState.SUSPENDED, reason)


def test_which_states_are_in_transition() -> None:  # what an action may do: refusal()
    assert PowerState.STARTING.in_transition
    assert PowerState.BUSY.in_transition
    assert not PowerState.ACTIVE.in_transition


def test_billing_state_parses_sub_states() -> None:
    assert BillingState.parse("3_autosuspend") is BillingState.SUSPENDED
    assert BillingState.parse("5_close") is BillingState.PROCESSING
    assert BillingState.parse("x") is BillingState.UNKNOWN


def test_a_service_as_json_names_every_field_for_scripts() -> None:
    from zomro_tray.core.model import Service

    service = Service(
        "7",
        "web-1",
        PowerState.ACTIVE,
        "active",
        BillingState.ACTIVE,
        "2",
        "Active",
        "",
        "203.0.113.10",
        "2001:db8::10",
        "PL-1",
        "Cloud S",
        "Debian 12",
    )
    assert service.to_json() == {
        "id": "7",
        "name": "web-1",
        "status": "active",
        "raw_status": "active",
        "billing_status": "2",
        "billing_text": "Active",
        "suspend_reason": "",
        "ip": "203.0.113.10",
        "ip_v6": "2001:db8::10",
        "datacenter": "PL-1",
        "plan": "Cloud S",
        "os": "Debian 12",
        "cost": "",
        "created": "",
    }


@pytest.mark.parametrize(
    ("action", "power", "seen", "waited", "expected"),
    [
        ("stop", PowerState.STOPPING, False, False, "under way"),
        ("stop", PowerState.ACTIVE, False, False, "under way"),  # not begun yet
        ("stop", PowerState.STOPPED, False, False, "done"),
        ("stop", PowerState.ACTIVE, True, False, "failed"),  # went through and came back
        ("stop", PowerState.ERROR, False, False, "failed"),
        ("start", PowerState.SUSPENDED, False, False, "failed"),
        ("start", PowerState.ACTIVE, False, False, "done"),
        ("reboot", PowerState.ACTIVE, False, False, "under way"),  # may not have begun
        ("reboot", PowerState.ACTIVE, True, False, "done"),
        ("reboot", PowerState.ACTIVE, False, True, "done"),  # long enough: it must have
        ("reboot", PowerState.REBOOTING, True, True, "under way"),
        ("reboot", PowerState.STOPPED, True, False, "failed"),
    ],
)
def test_when_an_action_has_settled(
    action: str, power: PowerState, seen: bool, waited: bool, expected: str
) -> None:
    from zomro_tray.core.model import Action, action_progress

    progress = action_progress(Action(action), power, seen_transition=seen, waited_enough=waited)
    assert progress.value == expected


@pytest.mark.parametrize(
    ("action", "done", "failed", "not_done", "too_late"),
    [
        (
            Action.START,
            "web-1 started",
            "Could not start web-1",
            "web-1 did not start: it is now stopped.",
            "web-1 did not start in time.",
        ),
        (
            Action.STOP,
            "web-1 stopped",
            "Could not stop web-1",
            "web-1 did not stop: it is now stopped.",
            "web-1 did not stop in time.",
        ),
        (
            Action.REBOOT,
            "web-1 rebooted",
            "Could not reboot web-1",
            "web-1 did not reboot: it is now stopped.",
            "web-1 did not reboot in time.",
        ),
    ],
)
def test_each_action_has_its_own_sentences(
    action: Action, done: str, failed: str, not_done: str, too_late: str
) -> None:
    assert action.done("web-1") == done
    assert action.failed("web-1") == failed
    assert action.not_done("web-1", "Stopped") == not_done  # the state's word, lowercased
    assert action.too_late("web-1") == too_late
