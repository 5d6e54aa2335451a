#!/usr/bin/python3
"""A minimal org.kde.StatusNotifierWatcher (and host) for a private D-Bus session.

Owns org.kde.StatusNotifierWatcher at /StatusNotifierWatcher, claims to have a host
(IsStatusNotifierHostRegistered = true, which is what Qt checks before it uses SNI), keeps the
list of registered items and drops an item when its owner leaves the bus. Logs every
registration on stdout. With --notifications it also stands in for a notification daemon
(org.freedesktop.Notifications) and logs each notification. Needs python3-dbus-next (Debian) or `pip install dbus-next`.
"""

import asyncio
import signal
import sys

from dbus_next import BusType, Message, MessageType
from dbus_next.aio import MessageBus
from dbus_next.service import PropertyAccess, ServiceInterface, dbus_property, method
from dbus_next.service import signal as dsignal

WATCHER = "org.kde.StatusNotifierWatcher"


def log(*args):
    print("watcher:", *args, flush=True)


class Watcher(ServiceInterface):
    def __init__(self):
        super().__init__(WATCHER)
        self.items = []  # "service/path" strings, as KDE's watcher stores them
        self.hosts = set()
        self.sender = ""  # sender of the call being handled (set by the message hook)

    @method()
    def RegisterStatusNotifierItem(self, service: "s"):  # noqa: F821
        if service.startswith("/"):  # libappindicator style: an object path on the sender
            service, path = self.sender, service
        else:  # Qt style: a bus name; the object is at /StatusNotifierItem
            path = "/StatusNotifierItem"
        key = f"{service}{path}"
        if key not in self.items:
            self.items.append(key)
            log("RegisterStatusNotifierItem", repr(service), "from", self.sender, "->", key)
            self.StatusNotifierItemRegistered(key)
            self.emit_properties_changed({"RegisteredStatusNotifierItems": self.items})

    @method()
    def RegisterStatusNotifierHost(self, service: "s"):  # noqa: F821
        self.hosts.add(service)
        log("RegisterStatusNotifierHost", service)
        self.StatusNotifierHostRegistered()

    @dbus_property(access=PropertyAccess.READ)
    def RegisteredStatusNotifierItems(self) -> "as":
        return self.items

    @dbus_property(access=PropertyAccess.READ)
    def IsStatusNotifierHostRegistered(self) -> "b":  # noqa: F821
        return True

    @dbus_property(access=PropertyAccess.READ)
    def ProtocolVersion(self) -> "i":  # noqa: F821
        return 0

    @dsignal()
    def StatusNotifierItemRegistered(self, item) -> "s":  # noqa: F821
        return item

    @dsignal()
    def StatusNotifierItemUnregistered(self, item) -> "s":  # noqa: F821
        return item

    @dsignal()
    def StatusNotifierHostRegistered(self):
        return None

    def owner_gone(self, name):
        for key in [k for k in self.items if k.startswith(name + "/")]:
            self.items.remove(key)
            log("StatusNotifierItemUnregistered", key)
            self.StatusNotifierItemUnregistered(key)
            self.emit_properties_changed({"RegisteredStatusNotifierItems": self.items})


class Notifications(ServiceInterface):
    """A stand-in notification daemon: logs what the app would pop up."""

    def __init__(self):
        super().__init__("org.freedesktop.Notifications")
        self.last = 0

    @method()
    def Notify(
        self,
        app: "s",
        replaces: "u",
        icon: "s",
        summary: "s",
        body: "s",  # noqa: F821
        actions: "as",
        hints: "a{sv}",
        timeout: "i",
    ) -> "u":  # noqa: F821
        self.last += 1
        log(
            f"Notify app={app!r} icon={icon!r} summary={summary!r} body={body!r} "
            f"timeout={timeout} hints={sorted(hints)}"
        )
        return self.last

    @method()
    def GetCapabilities(self) -> "as":
        return ["body", "icon-static"]

    @method()
    def GetServerInformation(self) -> "ssss":  # noqa: F821
        return ["sni-watcher", "test", "0", "1.2"]

    @method()
    def CloseNotification(self, ident: "u"):  # noqa: F821
        return None

    @dsignal()
    def NotificationClosed(self, ident, reason) -> "uu":  # noqa: F821
        return [ident, reason]

    @dsignal()
    def ActionInvoked(self, ident, key) -> "us":  # noqa: F821
        return [ident, key]


async def main():
    bus = await MessageBus(bus_type=BusType.SESSION).connect()
    watcher = Watcher()

    def hook(msg):
        if msg.message_type == MessageType.METHOD_CALL and msg.interface == WATCHER:
            watcher.sender = msg.sender
        elif msg.message_type == MessageType.SIGNAL and msg.member == "NameOwnerChanged":
            name, _old, new = msg.body
            if not new:
                watcher.owner_gone(name)
        # let the service interface answer

    bus.add_message_handler(hook)
    await bus.call(
        Message(
            destination="org.freedesktop.DBus",
            path="/org/freedesktop/DBus",
            interface="org.freedesktop.DBus",
            member="AddMatch",
            signature="s",
            body=["type='signal',member='NameOwnerChanged'"],
        )
    )
    bus.export("/StatusNotifierWatcher", watcher)
    reply = await bus.request_name(WATCHER)
    log("owns", WATCHER, reply)
    if "--notifications" in sys.argv:
        bus.export("/org/freedesktop/Notifications", Notifications())
        log(
            "owns org.freedesktop.Notifications",
            await bus.request_name("org.freedesktop.Notifications"),
        )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    bus.disconnect()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
