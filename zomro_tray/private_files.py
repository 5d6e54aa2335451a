"""The app's own folders and files, readable by their owner only.

The settings name accounts and servers; the log holds server names, addresses, account names
and balance notices. On a shared machine none of that is anyone else's business, whatever the
umask: folders are made (or made again) 0700 and files 0600. Where permissions do not work
that way (Windows), a user's profile folders are private already and chmod changes nothing.
"""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_folder(folder: Path) -> Path:
    """The folder, made if missing, owner-only either way (an older release left it 0755)."""
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    with contextlib.suppress(OSError):  # not ours to change (a shared parent): leave it
        folder.chmod(FOLDER_MODE)
    return folder


def private_file(path: Path) -> None:
    """An existing file made owner-only (one an older release wrote 0644)."""
    with contextlib.suppress(OSError):
        path.chmod(FILE_MODE)


def open_private(path: str, mode: str, encoding: str | None) -> io.TextIOWrapper:
    """``open()`` of a text file of the app's for writing: created 0600 from the start, never
    readable by others even for a moment."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if "a" in mode else os.O_TRUNC)
    descriptor = os.open(path, flags, FILE_MODE)
    private_file(Path(path))
    stream = os.fdopen(descriptor, mode, encoding=encoding)
    assert isinstance(stream, io.TextIOWrapper)
    return stream
