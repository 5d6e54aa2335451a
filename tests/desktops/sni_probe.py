#!/usr/bin/python3
"""Probe StatusNotifierItems on the session bus the way a tray host does.

  sni_probe.py wait [--timeout S] [--id REGEX]      wait until an item is registered; print it
  sni_probe.py dump [--icon FILE.png] [--json FILE] print the item's properties (and its icon)
  sni_probe.py menu [--no-about-to-show]            AboutToShow(0) then GetLayout: the menu tree
  sni_probe.py click REGEX [--watch S]              Event(id, "clicked") on the first entry whose
                                                    label matches; then print the signals seen
  sni_probe.py activate [--watch S]                 Activate(x, y): what a left-click sends
  sni_probe.py watch S                              print the item's and menu's signals for S s

Every command takes --item SERVICE/PATH (default: the first registered item whose Id matches
--id, default any). Exit status 0 on success, 1 when the item / entry is not found.
Needs python3-dbus-next (Debian) or `pip install dbus-next`.
"""

import argparse
import asyncio
import json
import re
import struct
import sys
import time
import zlib

from dbus_next import BusType, Message, MessageType, Variant
from dbus_next.aio import MessageBus

SNI = "org.kde.StatusNotifierItem"
MENU = "com.canonical.dbusmenu"
PROPS = "org.freedesktop.DBus.Properties"


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


def plain(value):
    """Variants -> plain Python values (bytes kept as bytes)."""
    if isinstance(value, Variant):
        return plain(value.value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


async def items(bus):
    try:
        body = await call(
            bus,
            "org.kde.StatusNotifierWatcher",
            "/StatusNotifierWatcher",
            PROPS,
            "Get",
            "ss",
            ["org.kde.StatusNotifierWatcher", "RegisteredStatusNotifierItems"],
        )
    except RuntimeError:
        return []
    return plain(body[0])


def split(key):
    """ "service/path" (KDE, xfce, waybar) or "service@/path" (GNOME's appindicator extension)."""
    slash = key.index("/")
    return key[:slash].rstrip("@"), key[slash:]


async def properties(bus, key):
    service, path = split(key)
    body = await call(bus, service, path, PROPS, "GetAll", "s", [SNI])
    return plain(body[0])


async def find_item(bus, args, timeout=0.0):
    deadline = time.monotonic() + timeout
    while True:
        for key in [args.item] if args.item else await items(bus):
            try:
                props = await properties(bus, key)
            except RuntimeError:
                continue
            if re.search(args.id, str(props.get("Id", ""))):
                return key, props
        if time.monotonic() >= deadline:
            return None, None
        await asyncio.sleep(0.1)


def png(width, height, argb):
    """SNI pixmaps are ARGB32 in network byte order; PNG wants RGBA rows."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)
        for x in range(width):
            a, r, g, b = argb[(y * width + x) * 4 : (y * width + x) * 4 + 4]
            rows += bytes((r, g, b, a))

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(bytes(rows)))
        + chunk(b"IEND", b"")
    )


def summary(props):
    out = {}
    for name in (
        "Id",
        "Title",
        "Status",
        "Category",
        "IconName",
        "IconThemePath",
        "AttentionIconName",
        "OverlayIconName",
        "Menu",
        "ItemIsMenu",
        "WindowId",
    ):
        if name in props:
            out[name] = props[name]
    out["IconPixmap"] = [f"{w}x{h}" for w, h, _ in props.get("IconPixmap", [])]
    tip = props.get("ToolTip")
    if tip:
        icon_name, pixmaps, title, text = tip
        out["ToolTip"] = {
            "icon": icon_name,
            "pixmaps": [f"{w}x{h}" for w, h, _ in pixmaps],
            "title": title,
            "text": text,
        }
    return out


def tree(node, depth=0, lines=None):
    lines = [] if lines is None else lines
    ident, props, children = node
    if depth:
        kind = props.get("type", "standard")
        label = props.get("label", "")
        flags = []
        if props.get("enabled", True) is False:
            flags.append("disabled")
        if props.get("visible", True) is False:
            flags.append("hidden")
        if props.get("children-display") == "submenu":
            flags.append("submenu")
        if "icon-data" in props:
            flags.append("icon")
        if "toggle-type" in props:
            flags.append(f"{props['toggle-type']}={props.get('toggle-state')}")
        text = "----" if kind == "separator" else repr(label)
        lines.append(
            f"{'  ' * (depth - 1)}[{ident}] {text}" + (f"  ({', '.join(flags)})" if flags else "")
        )
    for child in children:
        tree(child, depth + 1, lines)
    return lines


def flatten(node, out=None):
    out = [] if out is None else out
    out.append(node)
    for child in node[2]:
        flatten(child, out)
    return out


async def layout(bus, key, props, about_to_show=True):
    service, _ = split(key)
    menu_path = props.get("Menu") or "/MenuBar"
    if about_to_show:
        need = await call(bus, service, menu_path, MENU, "AboutToShow", "i", [0])
        print(f"AboutToShow(0) -> needUpdate={need[0]}")
    revision, root = await call(bus, service, menu_path, MENU, "GetLayout", "iias", [0, -1, []])
    return revision, plain(root)


async def watch(bus, key, seconds, started=None):
    service, _ = split(key)
    match = f"type='signal',sender='{service}'"
    await call(
        bus,
        "org.freedesktop.DBus",
        "/org/freedesktop/DBus",
        "org.freedesktop.DBus",
        "AddMatch",
        "s",
        [match],
    )
    seen = []
    t0 = started or time.monotonic()

    def handler(msg):
        if msg.message_type == MessageType.SIGNAL and msg.sender and (msg.interface in (SNI, MENU)):
            body = plain(msg.body)
            if msg.member == "ItemsPropertiesUpdated":
                updated, removed = body
                body = [
                    [
                        [
                            i,
                            {
                                k: (v if k != "icon-data" else f"<{len(v)} bytes>")
                                for k, v in p.items()
                            },
                        ]
                        for i, p in updated
                    ],
                    removed,
                ]
            text = json.dumps(body, default=str, ensure_ascii=False)
            seen.append(msg.member)
            print(
                f"  +{time.monotonic() - t0:6.2f}s {msg.interface.split('.')[-1]}.{msg.member} "
                f"{text[:300]}",
                flush=True,
            )

    bus.add_message_handler(handler)
    await asyncio.sleep(seconds)
    bus.remove_message_handler(handler)
    return seen


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["wait", "dump", "menu", "click", "activate", "watch"])
    parser.add_argument("arg", nargs="?")
    parser.add_argument("--item")
    parser.add_argument("--id", default="")
    parser.add_argument("--timeout", type=float, default=0.0)
    parser.add_argument("--icon")
    parser.add_argument("--json")
    parser.add_argument("--watch", type=float, default=0.0)
    parser.add_argument("--no-about-to-show", action="store_true")
    args = parser.parse_args()
    bus = await MessageBus(bus_type=BusType.SESSION).connect()
    key, props = await find_item(bus, args, args.timeout)
    if key is None:
        print(f"no StatusNotifierItem registered (Id ~ {args.id!r})", file=sys.stderr)
        return 1
    if args.command == "wait":
        print(key)
    elif args.command == "dump":
        info = summary(props)
        print(json.dumps(info, indent=1, ensure_ascii=False))
        if args.json:
            with open(args.json, "w") as f:
                json.dump(info, f, indent=1, ensure_ascii=False)
        if args.icon and props.get("IconPixmap"):
            w, h, data = max(props["IconPixmap"], key=lambda p: p[0])
            with open(args.icon, "wb") as f:
                f.write(png(w, h, data))
    elif args.command == "menu":
        revision, root = await layout(bus, key, props, not args.no_about_to_show)
        print(f"menu {props.get('Menu')} revision {revision}:")
        print("\n".join(tree(root)))
    elif args.command == "click":
        _, root = await layout(bus, key, props)
        entries = [n for n in flatten(root) if re.search(args.arg, n[1].get("label", ""))]
        if not entries:
            print(f"no menu entry matches {args.arg!r}", file=sys.stderr)
            return 1
        ident, entry, _ = entries[0]
        service, _ = split(key)
        print(f"Event({ident}, 'clicked') on {entry.get('label')!r}")
        t0 = time.monotonic()
        task = asyncio.ensure_future(watch(bus, key, args.watch, t0)) if args.watch else None
        await asyncio.sleep(0.05)  # the match rule is in place before the click
        await call(
            bus,
            service,
            props.get("Menu") or "/MenuBar",
            MENU,
            "Event",
            "isvu",
            [ident, "clicked", Variant("i", 0), int(time.time())],
        )
        if task:
            await task
    elif args.command == "activate":
        service, path = split(key)
        task = asyncio.ensure_future(watch(bus, key, args.watch)) if args.watch else None
        await asyncio.sleep(0.05)
        await call(bus, service, path, SNI, "Activate", "ii", [10, 10])
        print("Activate(10, 10) sent")
        if task:
            await task
    elif args.command == "watch":
        await watch(bus, key, float(args.arg or 5))
    bus.disconnect()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
