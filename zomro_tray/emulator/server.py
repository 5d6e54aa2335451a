"""The emulator's HTTP front: BILLmanager's transport, with its faults, on a loopback port.

Form fields arrive urlencoded or multipart (both are accepted by the real API), or in the query
string. Faults are applied before the function runs, the way a proxy or a bad network would.
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import functools
import json
import socket
import struct
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from zomro_tray.emulator.documents import access_denied
from zomro_tray.emulator.scenarios import DEMO_USER, build_state
from zomro_tray.emulator.state import RIGHTS, EmulatorState

MAX_BODY = 1 << 20
_TRUNCATED_JSON = b'{"doc": {"p_elems": {"$": "2"}, "elem": [{"id": {"$": "51'
_HTML_BLOCKED = b"<html><body>Your IP address is temporarily blocked</body></html>"
_HTML_502 = b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"  # noqa: E501
_HTML_MAINTENANCE = b"<!DOCTYPE html><html><head><title>Maintenance</title></head><body><h1>We are updating the billing panel</h1></body></html>"  # noqa: E501


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, the body waits for a delayed ACK
    # (~40 ms a request on loopback). Real servers set TCP_NODELAY; so does this one.
    disable_nagle_algorithm = True

    def _mounted(self) -> bool:
        """Only the state's mount path is the API; anything else is nginx's 404 page."""
        path = urlsplit(self.path).path.rstrip("/")
        if path == self.server.state.mount.rstrip("/"):
            return True
        self.rfile.read(min(int(self.headers.get("Content-Length") or 0), MAX_BODY))
        self._send(404, b"<html><body><h1>404 Not Found</h1></body></html>", "text/html")
        return False

    def do_POST(self) -> None:
        if not self._mounted():
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._send(413, b"too large", "text/plain")
            return
        body = self.rfile.read(length)
        self._answer({**_query(self.path), **_form(self.headers.get("Content-Type", ""), body)})

    def do_GET(self) -> None:
        if self._mounted():
            self._answer(_query(self.path))

    def _answer(self, params: dict[str, str]) -> None:
        state = self.server.state
        fault = state.next_fault(params)
        if state.latency:
            self.server.stopping.wait(state.latency)
        if fault == "latency":
            self.server.stopping.wait(state.fault_latency)
        elif fault == "expire":
            state.expire_sessions()
        elif fault in ("bad_count", "huge_count"):  # the real answer, with a count that is not one
            document = state.handle(params)
            if isinstance(document.get("doc"), dict) and "p_elems" in document["doc"]:
                broken = "²" if fault == "bad_count" else "9" * 4300
                document["doc"]["p_elems"] = {"$": broken}
            self._send(200, json.dumps(document, ensure_ascii=False).encode(), "application/json")
            return
        elif fault == RIGHTS:
            refused = access_denied(params.get("func", ""))
            self._send(200, json.dumps(refused).encode(), "application/json")
            return
        elif fault == "echo_token":
            echoed = {"$": f"Bad request for session {params.get('auth', '')}, try later"}
            document = {"doc": {"error": {"$type": "unknown", "msg": echoed}}}
            self._send(200, json.dumps(document).encode(), "application/json")
            return
        elif fault:
            self._fault(fault)
            return
        document = state.handle(params)
        self._send(200, json.dumps(document, ensure_ascii=False).encode(), "application/json")

    def _fault(self, fault: str) -> None:
        hostile = {
            "redirect": self._redirect,
            "redirect_get": self._redirect,
            "drip": self._drip,
            "huge": self._huge,
            "gzip_bomb": self._gzip_bomb,
        }
        if fault in hostile:
            hostile[fault](fault)
            return
        if fault == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        status, body, kind = {
            "html502": (502, _HTML_502, "text/html"),
            "html503": (503, _HTML_MAINTENANCE, "text/html"),
            "html200": (200, _HTML_MAINTENANCE, "text/html"),
            "ip460": (460, _HTML_BLOCKED, "text/html"),
            "ip403": (403, b"<html><body>403 Forbidden</body></html>", "text/html"),
            "malformed": (200, _TRUNCATED_JSON, "application/json"),
            "in_process": (200, b"Request in process, please wait", "text/plain"),
            "long_request": (
                200,
                b"Long request: https://api.zomro.com/billmgr?func=longrequest&elid=1",
                "text/plain",
            ),
        }[fault]
        self._send(status, body, kind)

    def _redirect(self, fault: str) -> None:
        self.send_response(307 if fault == "redirect" else 302)
        self.send_header("Location", self.server.state.redirect_to)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _drip(self, _fault: str) -> None:
        body = json.dumps({"doc": {"elem": []}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        for byte in body:
            if self.server.stopping.wait(self.server.state.drip_interval):
                return
            self.wfile.write(bytes([byte]))
            self.wfile.flush()

    def _huge(self, _fault: str) -> None:
        size = self.server.state.huge_bytes
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        block = b" " * 65536
        for start in range(0, size, len(block)):  # streamed: the emulator holds one block
            self.wfile.write(block[: size - start])

    def _gzip_bomb(self, _fault: str) -> None:
        body = _bomb()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except OSError:  # the connection was reset on purpose, or the client went away
            self.close_connection = True

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: request lines would carry auth tokens in GET query strings."""


class _Server(ThreadingHTTPServer):
    """Stopping ends every connection too: a client's kept-alive connection otherwise holds its
    handler thread in a read until the client lets go (a test's client may never close)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], state: EmulatorState) -> None:
        self.state = state
        self.stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._threads_lock = threading.Lock()
        self._handlers: list[threading.Thread] = []
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._threads_lock:
            self._connections.add(request)
            self._handlers = [t for t in self._handlers if t.is_alive()]
        thread = threading.Thread(
            target=self.process_request_thread, args=(request, client_address), daemon=True
        )
        with self._threads_lock:
            self._handlers.append(thread)
        thread.start()

    def shutdown_request(self, request: Any) -> None:
        with self._threads_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def end_connections(self, wait: float) -> None:
        """Break every open connection off, then give their handlers ``wait`` seconds to end."""
        with self._threads_lock:
            connections, handlers = list(self._connections), list(self._handlers)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        for handler in handlers:
            handler.join(timeout=wait)


@functools.cache
def _bomb() -> bytes:
    """About 1 GiB of zeros as gzip: about 1 MiB on the wire."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: a gzip header and trailer
    block = bytes(1 << 20)
    return b"".join(packer.compress(block) for _ in range(1024)) + packer.flush()


def _query(path: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(path).query, keep_blank_values=True))


def _form(content_type: str, body: bytes) -> dict[str, str]:
    if content_type.startswith("multipart/form-data"):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
        )
        fields = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if name:
                payload = part.get_payload(decode=True)
                if isinstance(payload, bytes):
                    fields[str(name)] = payload.decode("utf-8", "replace")
        return fields
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


class Emulator:
    """A running emulator on a loopback port; a context manager for tests.

    >>> with Emulator() as emu:  # doctest: +SKIP
    ...     ZomroClient(emu.url, Credentials.from_token(emu.demo_token)).list_services()
    """

    def __init__(
        self,
        state: EmulatorState | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        scenario: str = "demo",
    ) -> None:
        self.state = state or build_state(scenario)
        self._server = _Server((host, port), self.state)
        self._thread: threading.Thread | None = None
        self.demo_token = self.state.new_session(DEMO_USER)

    @property
    def url(self) -> str:
        address, port = self._server.server_address[:2]
        host = address.decode() if isinstance(address, bytes) else str(address)
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"

    def start(self) -> Emulator:
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="zomro-emulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        self._server.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._server.end_connections(wait=5)
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
