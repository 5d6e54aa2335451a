"""Reading BILLmanager's JSON shape, including property tests over arbitrary input."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zomro_tray import errors
from zomro_tray.api import protocol
from zomro_tray.core.model import PowerState, ServerKey, Service


def parse(body: bytes) -> list[Service]:
    """Bytes of a list answer -> services, exactly as the client reads one page."""
    doc = protocol.decode_document(body)
    protocol.raise_for_error(doc)
    return protocol.services_from_rows(protocol.rows(doc))


def row(sid: str, status: str = "active", **extra: object) -> dict[str, object]:
    return {
        "id": {"$": sid},
        "servername": {"$": f"srv-{sid}"},
        "instance_status": {"$": status},
        **extra,
    }


def body(doc: object) -> bytes:
    return json.dumps({"doc": doc}).encode()


def test_one_elem_is_an_object_several_an_array_none_absent() -> None:
    assert [s.id for s in parse(body({"elem": row("1")}))] == ["1"]
    assert [s.id for s in parse(body({"elem": [row("1"), row("2")]}))] == ["1", "2"]
    assert parse(body({"p_elems": {"$": "0"}})) == []


def test_orig_is_preferred_for_logic_and_text_for_display() -> None:
    [service] = parse(
        body({"elem": row("1", "stopped", item_status={"$orig": "3", "$": "Temporary suspended"})})
    )
    assert service.billing_code == "3"
    assert service.billing_text == "Temporary suspended"
    assert service.power is PowerState.STOPPED


def test_fields_that_arrive_as_arrays_and_the_old_status_name() -> None:
    legacy = {
        "id": [{"$": "9"}],
        "servername": [{"$": "old"}, {"$": "ignored"}],
        "fotbo_status": {"$": "stopped"},
        "ip": [{"$": "203.0.113.5"}],
        "createdate": [{"$": "2026-01-01"}, {"$": "2026-01-02"}],
    }
    [service] = parse(body({"elem": legacy}))
    assert (service.id, service.name, service.ip, service.power) == (
        "9",
        "old",
        "203.0.113.5",
        PowerState.STOPPED,
    )


def test_unknown_status_keeps_the_raw_value_for_display() -> None:
    [service] = parse(body({"elem": row("1", "Hibernating")}))
    assert service.power is PowerState.UNKNOWN
    assert service.status_detail == "Hibernating"


def test_rows_without_an_id_and_repeated_ids_are_skipped() -> None:
    services = parse(body({"elem": [{"servername": {"$": "x"}}, row("1"), row("1"), "junk"]}))
    assert [s.id for s in services] == ["1"]


def test_name_falls_back_to_name_domain_and_id() -> None:
    assert parse(body({"elem": {"id": {"$": "4"}, "name": {"$": "n"}}}))[0].name == "n"
    assert (
        parse(body({"elem": {"id": {"$": "4"}, "domain": {"$": "d.example"}}}))[0].name
        == "d.example"
    )
    assert parse(body({"elem": {"id": {"$": "4"}}}))[0].name == "4"


@pytest.mark.parametrize(
    ("error", "expected", "words"),
    [
        (
            {"$type": "auth", "$object": "badpassword", "msg": {"$": "Invalid"}},
            errors.BadCredentials,
            "username or password",
        ),
        ({"$type": "auth", "$object": "blocklogon"}, errors.LoginBlocked, "20 seconds"),
        ({"$type": "auth", "$object": "blockgeoip"}, errors.LoginBlocked, "new region"),
        ({"$type": "auth", "$object": "badip"}, errors.LoginBlocked, "this IP address"),
        ({"$type": "auth", "$object": "blocked_ip"}, errors.LoginBlocked, "failed sign-ins"),
        (
            {"$type": "auth", "param": [{"$name": "object", "$": "blocklogon"}]},
            errors.LoginBlocked,
            "20 seconds",
        ),
        (
            {"$type": "access", "msg": {"$": "Insufficient privileges to perform the function x"}},
            errors.AccessDenied,
            "Insufficient privileges",
        ),
        (
            {"$type": "access", "msg": {"$": "Access from this IP denied"}},
            errors.SessionIpMismatch,
            "another IP",
        ),
        ({"$type": "missed", "msg": {"$": "Object not found"}}, errors.NotFound, "not found"),
        ({"$type": "value", "$object": "qrcode"}, errors.BadTwoFactorCode, "two-factor"),
        (
            {"$type": "whatever", "msg": {"$": "Zomro's own words"}},
            errors.ApiRefused,
            "Zomro says: Zomro's own words",
        ),
        ("not even an object", errors.ApiRefused, "refused"),
    ],
)
def test_error_documents_become_typed_errors_with_plain_messages(
    error: object, expected: type[errors.ZomroError], words: str
) -> None:
    with pytest.raises(expected, match=words):
        parse(body({"error": error}))


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        ({"$type": "auth", "$object": "other"}, errors.SignInError),
        ({"$type": "access"}, errors.AccessDenied),
        ({"$type": "missed"}, errors.NotFound),
        ({"$type": "notfound"}, errors.NotFound),
        ({"$type": "not_found"}, errors.NotFound),
        ({"$type": "value"}, errors.ApiRefused),
    ],
)
def test_an_error_without_words_gets_our_sentence_for_its_kind(
    error: object, expected: type[errors.ZomroError]
) -> None:
    with pytest.raises(expected) as caught:
        parse(body({"error": error}))
    assert type(caught.value) is expected
    assert str(caught.value) == str(expected())


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        ({"$type": "auth", "msg": {"$": "Odd"}}, errors.SignInError),
        ({"$type": "access", "detail": {"$": "Odd"}}, errors.AccessDenied),
        ({"$type": "notfound", "msg": {"$": "Odd"}}, errors.NotFound),
        ({"$type": "value", "detail": {"$": "Odd"}}, errors.ApiRefused),
    ],
)
def test_zomros_own_words_are_quoted_from_msg_or_detail(
    error: object, expected: type[errors.ZomroError]
) -> None:
    with pytest.raises(expected) as caught:
        parse(body({"error": error}))
    assert type(caught.value) is expected
    assert str(caught.value) == "Zomro says: Odd"


@pytest.mark.parametrize(
    "error",
    [
        {"$type": "totp"},
        {"$type": "value", "$object": "totp_code"},
        {"$type": "value", "$object": "qrcode"},
    ],
)
def test_every_two_factor_refusal_asks_for_the_code_again(error: object) -> None:
    with pytest.raises(errors.BadTwoFactorCode):
        parse(body({"error": error}))


def test_a_refusal_that_only_mentions_a_code_elsewhere_is_not_two_factor() -> None:
    with pytest.raises(errors.ApiRefused) as caught:
        parse(body({"error": {"$type": "value", "$object": "elid", "msg": {"$": "totp"}}}))
    assert type(caught.value) is errors.ApiRefused


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"<html><body><h1>502 Bad Gateway</h1></body></html>", errors.NotJsonPage),
        (b"<!DOCTYPE html><html>maintenance</html>", errors.NotJsonPage),
        (b"Request in process, please wait", errors.RequestInProcess),
        (b"see https://api.zomro.com/billmgr?func=longrequest", errors.RequestInProcess),
        (b'{"doc": {"elem": [', errors.MalformedAnswer),
        (b"[1, 2]", errors.MalformedAnswer),
        (b'{"doc": "text"}', errors.MalformedAnswer),
        (b"", errors.MalformedAnswer),
        (b"\xff\xfe\x00garbage", errors.MalformedAnswer),
    ],
)
def test_answers_that_are_not_documents(raw: bytes, expected: type[errors.ZomroError]) -> None:
    with pytest.raises(expected):
        protocol.decode_document(raw)


def test_deeply_nested_json_is_malformed_not_a_crash() -> None:
    with pytest.raises(errors.MalformedAnswer):
        parse(b"[" * 100_000 + b"]" * 100_000)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "doc",
                    "elem",
                    "id",
                    "$",
                    "$orig",
                    "instance_status",
                    "item_status",
                    "status",
                    "p_elems",
                    "servername",
                    "ip",
                    "fotbo_status",
                    "x",
                ]
            )
            | st.text(max_size=5),
            children,
            max_size=5,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(json_values)
def test_any_json_gives_services_or_the_malformed_answer_error(value: object) -> None:
    if isinstance(value, dict) and isinstance(value.get("doc"), dict):
        value["doc"].pop("error", None)  # an error document is a valid answer, tested above
    try:
        services = parse(json.dumps(value).encode())
    except errors.MalformedAnswer:
        return
    assert all(isinstance(s, Service) and s.id for s in services)
    assert all(isinstance(s.power, PowerState) for s in services)


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_services_or_the_malformed_answer_error(raw: bytes) -> None:
    try:
        services = parse(raw)
    except errors.MalformedAnswer:
        return
    assert all(isinstance(s, Service) for s in services)


@pytest.mark.parametrize(
    ("doc", "token"),
    [
        ({"auth": {"$id": "s-1", "$": "ignored"}}, "s-1"),  # the id attribute first
        ({"auth": {"$": "s-2"}}, "s-2"),  # else the element's text
        ({"auth": "s-3"}, "s-3"),
    ],
)
def test_the_session_of_a_sign_in_answer(doc: dict[str, object], token: str) -> None:
    assert protocol.session_id(doc) == token


@pytest.mark.parametrize("doc", [{}, {"auth": {}}, {"auth": {"$id": ""}}, {"auth": None}])
def test_a_sign_in_answer_without_a_session_is_malformed(doc: dict[str, object]) -> None:
    with pytest.raises(errors.MalformedAnswer, match=r"^Zomro's sign-in answer carried no session"):
        protocol.session_id(doc)


# --- as the panel shows a server (issue 28) -------------------------------------------------


@pytest.mark.parametrize(
    ("plan", "shown"),
    [
        ("Cloud Start | DE", "Cloud Start"),
        ("Cloud Start|NL|x", "Cloud Start"),  # cutDcSuffix.js keeps what stands before the first
        ("Cloud Start", "Cloud Start"),
        ("| DE", "| DE"),  # nothing before the bar: the name as it came, not an empty one
    ],
)
def test_a_plans_data_centre_suffix_is_cut_as_the_panel_cuts_it(plan: str, shown: str) -> None:
    service = protocol.service_from_row({"id": "1", "pricelist": {"$": plan}})
    assert service is not None
    assert service.plan == shown


def test_the_image_is_instances_os_as_the_panel_shows_it_else_distro_and_version() -> None:
    row = {"id": "1", "instances_os": "Ubuntu-24.04 x64", "os_distro": "Ubuntu", "os_version": "24"}
    assert protocol.service_from_row(row).os == "Ubuntu-24.04 x64"  # type: ignore[union-attr]
    row = {"id": "1", "os_distro": "Debian", "os_version": "12"}
    assert protocol.service_from_row(row).os == "Debian 12"  # type: ignore[union-attr]


def test_every_server_field_is_cut_to_its_bound_where_it_is_read() -> None:
    huge = "z" * 100_000
    row = {
        key: {"$": huge}
        for key in ("servername", "instance_status", "datacentername", "pricelist", "cost")
    }
    row |= {"id": "7", "item_status": {"$orig": huge, "$": huge}, "createdate": [{"$": huge}]}
    row |= {"instances_os": huge, "item_cost": huge}
    service = protocol.service_from_row(row, account="2")
    assert service is not None
    assert service.key == ServerKey("2", "7")
    for field, limit in (
        ("name", "name"),
        ("raw_status", "status"),
        ("billing_code", "status"),
        ("billing_text", "billing_text"),
        ("datacenter", "datacenter"),
        ("plan", "plan"),
        ("os", "os"),
        ("cost_text", "cost"),
        ("item_cost", "cost"),
        ("created", "created"),
    ):
        assert len(getattr(service, field)) <= protocol.FIELD_LIMITS[limit], field
    assert protocol.service_from_row({"id": "9" * 100}) is None  # not an id


def test_a_huge_integer_is_no_text() -> None:
    assert protocol.text(10**5000) == ""
    assert protocol.text(12) == "12"
