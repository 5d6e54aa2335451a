#!/usr/bin/python3
"""Move and click the pointer of a VNC server (wayvnc gives a headless sway a virtual pointer).

  rfb_pointer.py SOCKET_OR_HOST:PORT click X Y [left|middle|right]
  rfb_pointer.py SOCKET_OR_HOST:PORT move X Y

RFB 3.8, security type None only (wayvnc's default without a config file). No dependencies.
"""

import socket
import struct
import sys
import time

BUTTONS = {"left": 1, "middle": 2, "right": 4}


def recv(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("VNC server closed the connection")
        data += chunk
    return data


def connect(where):
    if ":" in where and not where.startswith("/"):
        host, port = where.rsplit(":", 1)
        sock = socket.create_connection((host, int(port)))
    else:
        sock = socket.socket(socket.AF_UNIX)
        sock.connect(where)
    version = recv(sock, 12)
    sock.sendall(b"RFB 003.008\n" if version >= b"RFB 003.008" else version)
    count = recv(sock, 1)[0]
    types = recv(sock, count)
    if 1 not in types:
        raise ConnectionError(f"server wants authentication (security types {list(types)})")
    sock.sendall(b"\x01")
    if struct.unpack(">I", recv(sock, 4))[0] != 0:
        raise ConnectionError("security handshake failed")
    sock.sendall(b"\x01")  # shared
    width, height = struct.unpack(">HH", recv(sock, 4))
    recv(sock, 16)
    recv(sock, struct.unpack(">I", recv(sock, 4))[0])
    return sock, width, height


def pointer(sock, mask, x, y):
    sock.sendall(struct.pack(">BBHH", 5, mask, x, y))


def main():
    where, command, x, y = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    sock, _, _ = connect(where)
    pointer(sock, 0, x, y)
    time.sleep(0.1)
    if command == "click":
        mask = BUTTONS[sys.argv[5] if len(sys.argv) > 5 else "left"]
        pointer(sock, mask, x, y)
        time.sleep(0.08)
        pointer(sock, 0, x, y)
    time.sleep(0.2)
    sock.close()


if __name__ == "__main__":
    main()
