#!/usr/bin/python3
"""Screenshots and pointer clicks for a headless GNOME Shell (Wayland), over its D-Bus APIs.

  gnome_remote.py shot FILE.png                 org.gnome.Shell.Screenshot (GNOME 41+ answers only
                                                callers that own an allow-listed name: this script
                                                takes org.gnome.Screenshot first)
  gnome_remote.py serve SOCKET                   keep one org.gnome.Mutter.RemoteDesktop session
                                                (relative pointer motion, no screencast needed)
                                                and take commands on a Unix socket:
  gnome_remote.py send SOCKET "click X Y left|right" | "move X Y" | "key KEYSYM" | "shot FILE.png"
The session puts a screen-sharing indicator (with a stop button) in the top bar: start the
server before locating anything there, and keep it for the whole run.
Needs python3-dbus-next.
"""

import asyncio
import sys

from dbus_next import Message, MessageType
from dbus_next.aio import MessageBus

BUTTONS = {"left": 0x110, "right": 0x111}  # evdev BTN_LEFT, BTN_RIGHT


async def call(bus, dest, path, iface, member, sig="", body=()):
    reply = await bus.call(
        Message(
            destination=dest,
            path=path,
            interface=iface,
            member=member,
            signature=sig,
            body=list(body),
        )
    )
    if reply.message_type == MessageType.ERROR:
        raise RuntimeError(f"{member}: {reply.error_name}: {reply.body}")
    return reply.body


async def shot(bus, path):
    await bus.request_name("org.gnome.Screenshot")
    ok, used = await call(
        bus,
        "org.gnome.Shell.Screenshot",
        "/org/gnome/Shell/Screenshot",
        "org.gnome.Shell.Screenshot",
        "Screenshot",
        "bbs",
        [False, False, path],
    )
    if not ok:
        raise RuntimeError("Screenshot refused")
    return used


RD = "org.gnome.Mutter.RemoteDesktop"


async def pointer(bus, session, x, y, button):
    iface = RD + ".Session"
    await call(bus, RD, session, iface, "NotifyPointerMotionRelative", "dd", [-10000.0, -10000.0])
    await asyncio.sleep(0.05)
    await call(bus, RD, session, iface, "NotifyPointerMotionRelative", "dd", [float(x), float(y)])
    await asyncio.sleep(0.15)
    if button:
        await call(bus, RD, session, iface, "NotifyPointerButton", "ib", [BUTTONS[button], True])
        await asyncio.sleep(0.08)
        await call(bus, RD, session, iface, "NotifyPointerButton", "ib", [BUTTONS[button], False])


async def serve(path):
    bus = await MessageBus().connect()
    await bus.request_name("org.gnome.Screenshot")
    (session,) = await call(bus, RD, "/org/gnome/Mutter/RemoteDesktop", RD, "CreateSession")
    await call(bus, RD, session, RD + ".Session", "Start")
    done = asyncio.Event()

    async def handle(reader, writer):
        words = (await reader.readline()).decode().split()
        try:
            if words[0] == "click":
                await pointer(bus, session, int(words[1]), int(words[2]), words[3])
                answer = "ok"
            elif words[0] == "key":  # an X keysym, e.g. 0xff1b for Escape
                iface = RD + ".Session"
                keysym = int(words[1], 0)
                await call(bus, RD, session, iface, "NotifyKeyboardKeysym", "ub", [keysym, True])
                await asyncio.sleep(0.05)
                await call(bus, RD, session, iface, "NotifyKeyboardKeysym", "ub", [keysym, False])
                answer = "ok"
            elif words[0] == "move":
                await pointer(bus, session, int(words[1]), int(words[2]), None)
                answer = "ok"
            elif words[0] == "shot":
                answer = await shot(bus, words[1])
            elif words[0] == "quit":
                answer = "bye"
                done.set()
            else:
                answer = "error: unknown command"
        except Exception as error:
            answer = f"error: {error}"
        writer.write(answer.encode() + b"\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_unix_server(handle, path)
    print("gnome_remote: serving on", path, "session", session, flush=True)
    await done.wait()
    server.close()
    await call(bus, RD, session, RD + ".Session", "Stop")
    bus.disconnect()


async def send(path, command):
    reader, writer = await asyncio.open_unix_connection(path)
    writer.write(command.encode() + b"\n")
    await writer.drain()
    answer = (await reader.readline()).decode().strip()
    print(answer)
    return 1 if answer.startswith("error") else 0


async def main():
    if sys.argv[1] == "serve":
        await serve(sys.argv[2])
        return 0
    if sys.argv[1] == "send":
        return await send(sys.argv[2], " ".join(sys.argv[3:]))
    bus = await MessageBus().connect()
    print(await shot(bus, sys.argv[2]))
    bus.disconnect()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
