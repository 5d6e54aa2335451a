"""Text that came from elsewhere (a server, a settings file), made safe to show anywhere.

One home for the rule every outside text meets before a person sees it: cut to a bound first
(so its cost never depends on how much was sent), then cleaned of what could act on a screen
(terminal escapes, bidirectional overrides, line breaks). No I/O, no Qt: the protocol, the
settings and the views all use it.
"""

from __future__ import annotations

import unicodedata

#: The longest text any field of an answer is read as. Everything after the cut is dropped
#: before any cleaning or pattern sees it: a hostile megabyte in one field must cost no more
#: than these characters (a regex holds the interpreter lock, so a slow one freezes the GUI).
MAX_TEXT = 1000


def capped(raw: str, limit: int = MAX_TEXT) -> str:
    """Server text cut to ``limit`` characters *before* it is cleaned, then cleaned
    (:func:`printable`), and marked "…" where it was cut: the cost of a field never depends
    on how much a server sent."""
    cut = len(raw) > limit
    clean = printable(raw[:limit])
    if not cut:
        return clean
    return clean[: max(limit - 1, 0)].rstrip() + "…"


def printable(raw: str) -> str:
    """Server text made safe to show anywhere: a terminal, a menu, a tooltip, a notification.

    Control characters (ESC sequences can retitle or redraw a terminal) and the invisible
    format characters, bidirectional overrides among them (which turn "gnp.exe" into
    "exe.png" on screen), are dropped; line breaks and tabs become spaces.
    """
    if raw.isascii() and raw.isprintable():
        return raw.strip()  # the common case, fast
    kept = []
    for char in raw:
        category = unicodedata.category(char)
        if category in ("Zl", "Zp") or char in "\t\n\r\v\f":
            kept.append(" ")
        elif category not in ("Cc", "Cf", "Cs", "Co", "Cn"):
            kept.append(char)
    return " ".join("".join(kept).split())
