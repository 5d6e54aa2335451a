"""A hostile or broken server, over real HTTP: redirects, endless and huge answers, compression
bombs, counts that are not numbers, names aimed at terminals and widgets, proxies.

The emulator's hostile faults play the server; a second loopback server plays the attacker's
host (or a proxy) and records whatever reaches it.
"""

from __future__ import annotations

import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from zomro_tray import errors
from zomro_tray.api import readings
from zomro_tray.api.client import ZomroClient
from zomro_tray.api.protocol import FIELD_LIMITS
from zomro_tray.core.credentials import Credentials
from zomro_tray.core.model import Action
from zomro_tray.emulator import Emulator
from zomro_tray.emulator.scenarios import DEMO_PASSWORD, DEMO_USER, HUGE_TEXTS, MEGABYTE
from zomro_tray.gui.dialogs import questions

from conftest import first, notes_of

MIB = 1024 * 1024


class Recorder:
    """A loopback HTTP server that records every request (an attacker's host, or a proxy)."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, bytes]] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _record(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                recorder.requests.append((self.command, self.path, self.rfile.read(length)))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            do_GET = do_POST = _record  # noqa: N815 - http.server's names

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    server = Recorder()
    yield server
    server.close()


def client_for(emulator: Emulator, **options: Any) -> ZomroClient:
    return ZomroClient(emulator.url, Credentials.from_token(emulator.demo_token), **options)


@pytest.mark.parametrize("fault", ["redirect", "redirect_get"])
def test_a_redirect_is_never_followed_and_names_its_target(
    make_emulator: Callable[..., Emulator], recorder: Recorder, fault: str
) -> None:
    emulator = make_emulator(redirect_to=recorder.url + "collect")
    client = ZomroClient(emulator.url, Credentials.from_password(DEMO_USER, DEMO_PASSWORD))
    emulator.state.inject(fault)  # the sign-in itself is redirected: username and password
    with pytest.raises(errors.Redirected) as caught:
        client.list_services()
    assert recorder.url + "collect" in str(caught.value)
    assert caught.value.exit_code == errors.EXIT_UNAVAILABLE
    assert recorder.requests == []  # nothing, not even a GET, reached the other host


@pytest.mark.parametrize(
    ("fault", "limit_mib"),
    [
        ("huge", 100),  # a 400 MiB answer
        ("gzip_bomb", 200),  # about 1 MiB on the wire that unpacks to 1 GiB
    ],
)
def test_an_answer_past_the_cap_is_refused_with_memory_bounded(
    make_emulator: Callable[..., Emulator], fault: str, limit_mib: int
) -> None:
    emulator = make_emulator(huge_bytes=400 * MIB)
    emulator.state.inject(fault)
    tracemalloc.start()
    try:
        with pytest.raises(errors.AnswerTooLarge):
            client_for(emulator).list_services()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < limit_mib * MIB, f"{peak / MIB:.0f} MiB held reading a {fault} answer"


def test_an_answer_that_drips_in_ends_at_the_deadline(
    make_emulator: Callable[..., Emulator],
) -> None:
    emulator = make_emulator(drip_interval=0.1)  # a whole answer, but ~2.5 s long
    emulator.state.inject("drip")
    with pytest.raises(errors.NetworkTimeout) as caught:
        client_for(emulator, deadline=0.5).list_services()  # every byte well within 25 s
    assert caught.value.exit_code == errors.EXIT_UNAVAILABLE


@pytest.mark.parametrize("fault", ["bad_count", "huge_count"])
def test_a_count_that_is_not_a_number_still_reads_every_page(
    make_emulator: Callable[..., Emulator], fault: str
) -> None:
    emulator = make_emulator("many")  # 23 servers, pages of 10
    emulator.state.inject(fault, fault, fault)  # every page's count is broken
    services = client_for(emulator).list_services()
    assert len(services) == 23
    assert emulator.state.calls["instances"] == 3


def test_hostile_names_arrive_as_plain_printable_text(
    make_emulator: Callable[..., Emulator],
) -> None:
    emulator = make_emulator("hostile")
    services = {s.id: s for s in client_for(emulator).list_services()}
    for service in services.values():
        assert service.name.isprintable(), repr(service.name)
        assert "\x1b" not in service.name
    assert services["9100002"].name == "invoice-gnp.exe"  # the override is gone, not obeyed
    assert services["9100005"].name == "line break and return"
    assert services["9100006"].ip == ""  # not an address: nothing to copy
    assert services["9100001"].ip == "203.0.113.9"


def test_a_system_proxy_never_sees_a_loopback_api_call(
    emulator: Emulator, recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.setenv(name, recorder.url)
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    assert len(client_for(emulator).list_services()) == 5
    assert recorder.requests == []


def test_system_proxies_are_honoured_for_zomro_itself() -> None:
    assert ZomroClient("https://api.zomro.com/")._http.trust_env
    assert not ZomroClient("http://127.0.0.1:8765/")._http.trust_env


# --- what the tray shows of a hostile server ----------------------------------------------------


@pytest.mark.real_questions
def test_the_stop_question_shows_the_name_as_text_and_defaults_to_cancel(qtbot: Any) -> None:
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    seen: dict[str, Any] = {}

    def look_and_press_enter() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.update(format=box.textFormat(), text=box.text(), default=box.defaultButton().text())
        seen.update(informative=box.informativeText())
        box.defaultButton().click()

    QTimer.singleShot(0, look_and_press_enter)
    assert questions.confirm_power(Action.STOP, "<img src='file:///etc/hostname'>") is False
    assert seen["format"] is Qt.TextFormat.PlainText
    assert "<img src='file:///etc/hostname'>" in seen["text"]
    assert seen["default"] == "Cancel"
    # Never sold as a saving: Zomro keeps charging for a stopped server (panel's Stop warning).
    assert seen["informative"].startswith("Zomro keeps charging for a stopped server")


def test_hostile_names_in_the_menu_are_plain_short_and_copy_no_command(
    make_app: Any, make_emulator: Callable[..., Emulator], qtbot: Any
) -> None:
    from PySide6.QtWidgets import QApplication

    app = make_app(make_emulator("hostile"))
    for entry in app.shown:
        label = app.menu.server_action(entry.key).text()
        assert label.isprintable(), repr(label)
        assert len(label) < 100, label  # the 10,000-character name is cut in the menu...
    long_name = app.menu.server_action(first("9100004"))
    limit = FIELD_LIMITS["name"]  # ...and where it was read: the tooltip has what a person reads
    assert "x" * (limit - 1) + "…" in long_name.toolTip()
    assert "x" * limit not in long_name.toolTip()
    assert not long_name.toolTip().startswith("<")  # our sentence first: never rich text
    QApplication.clipboard().setText("before")
    app.copy_ip(first("9100006"))  # its "address" is a shell command
    assert QApplication.clipboard().text() == "before"
    assert app.menu.copy_action(first("9100006")) is None


def test_a_token_echoed_back_by_the_server_is_masked_everywhere(
    make_app: Any, emulator: Emulator, qtbot: Any
) -> None:
    app = make_app(emulator)
    notes = notes_of(app)
    emulator.state.inject("echo_token", "echo_token", "echo_token")
    app.feeds.first.refresh()
    qtbot.waitUntil(lambda: bool(notes), timeout=5_000)
    shown = [app.feeds.first.problem, app.tray_host.tooltip, app.menu.statuses[0], *notes[0]]
    assert any("Bad request for session" in text for text in shown)
    for text in shown:
        assert emulator.demo_token not in text


# --- megabyte texts (issue 28): cut where they are read, never a slow pattern --------------

#: Generous for reading one megabyte-laden answer (it takes milliseconds): the bugs this guards
#: against took minutes (a quadratic pattern on a run of "(" or of spaces, holding the GIL).
BOUNDED_SECONDS = 5.0


def test_megabyte_texts_in_the_list_are_cut_where_they_are_read(
    make_emulator: Callable[..., Emulator],
) -> None:
    emulator = make_emulator("hostile")
    started = time.monotonic()
    services = {s.id: s for s in client_for(emulator).list_services()}
    assert time.monotonic() - started < BOUNDED_SECONDS
    huge = services[HUGE_TEXTS]
    assert len(huge.name) == FIELD_LIMITS["name"]
    assert huge.name.endswith("…")
    assert len(huge.os) <= FIELD_LIMITS["os"]
    assert len(huge.created) <= FIELD_LIMITS["created"]


def test_megabyte_add_on_texts_are_read_in_linear_time(
    make_emulator: Callable[..., Emulator],
) -> None:
    emulator = make_emulator("hostile")
    client = client_for(emulator)
    started = time.monotonic()
    resources = readings.read_resources(client, HUGE_TEXTS)
    assert time.monotonic() - started < BOUNDED_SECONDS
    for value in (resources.cpu, resources.memory, resources.disk, resources.rdns):
        assert 0 < len(value) <= readings.MAX_RESOURCE_TEXT


@pytest.mark.parametrize(
    "words",
    ["(" * MEGABYTE, " " * MEGABYTE + "(", "(a" * (MEGABYTE // 2), "2 GB" + " (x)" * MEGABYTE],
)
def test_the_price_note_pattern_is_linear_on_any_text(words: str) -> None:
    """The pattern itself, on a megabyte that made the old one quadratic: minutes then."""
    started = time.monotonic()
    readings.without_price_note(words)
    assert time.monotonic() - started < BOUNDED_SECONDS


def test_the_price_note_goes_and_the_words_stay() -> None:
    assert readings.without_price_note("2 GB (0.05 €)") == "2 GB"
    assert readings.without_price_note("1 vCPU  (+0.00 EUR) extra") == "1 vCPU extra"
    assert readings.without_price_note("no note (open") == "no note (open"


def test_the_command_line_shows_a_megabyte_server_at_once(
    make_emulator: Callable[..., Emulator],
) -> None:
    from test_cli import run

    emulator = make_emulator("hostile")
    started = time.monotonic()
    done = run(
        ["--api-url", emulator.url, "show", HUGE_TEXTS], env={"ZOMRO_TOKEN": emulator.demo_token}
    )
    assert time.monotonic() - started < 3 * BOUNDED_SECONDS  # a new interpreter, then the reads
    assert done.returncode == 0, done.stderr
    assert max(len(line) for line in done.stdout.splitlines()) < 200
