"""Logging: stderr for the command line, a rotating file for the tray app, secrets masked in both.

The code never logs parameter values to begin with; the redactor is there for what we did not
foresee (a library's exception text, a future debug line). The Windows and macOS builds have no
console, so the tray app also writes a small rotating file that About > "Open log folder" shows.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from zomro_tray import APP_NAME
from zomro_tray.i18n import N_, _

MASK = "[secret]"


class SecretRedactor(logging.Filter):
    def __init__(self) -> None:
        super().__init__()
        self._secrets: set[str] = set()

    def add(self, *secrets: str) -> None:
        # Very short strings would mask ordinary words; real tokens and passwords are longer.
        self._secrets.update(s for s in secrets if len(s) >= 4)

    def scrub(self, message: str) -> str:
        for secret in self._secrets:
            message = message.replace(secret, MASK)
        return message

    def filter(self, record: logging.LogRecord) -> bool:
        if self._secrets:
            record.msg = self.scrub(record.getMessage())
            record.args = None
            if record.exc_info:  # a traceback quotes values too: format it now, then scrub it
                record.exc_text = self.scrub(logging.Formatter().formatException(record.exc_info))
                record.exc_info = None
        return True


redactor = SecretRedactor()


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LOG_FILE_BYTES = 512 * 1024
LOG_FILES_KEPT = 3  # at most ~2 MB on disk


def setup_logging(verbosity: int = 0) -> None:
    """stderr shows warnings, or more with -v/-vv; the root lets INFO through for a log file."""
    level = (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbosity, 2)]
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(redactor)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(min(level, logging.INFO))
    for noisy in ("urllib3", "keyring"):
        logging.getLogger(noisy).setLevel(max(level, logging.INFO))


def log_folder() -> Path:
    """The platform's log folder: ~/.local/state/zomro-tray/log, %LOCALAPPDATA%\\zomro-tray\\Logs,
    ~/Library/Logs/zomro-tray."""
    from platformdirs import user_log_dir

    return Path(user_log_dir(APP_NAME, appauthor=False))


def log_to_file(folder: Path | None = None) -> Path | None:
    """Add a rotating log file (INFO and above, secrets masked); None if it cannot be written,
    which costs the app nothing but the file. (Set up after the tray icon shows: the handler's
    module loads sockets and pickle.)"""
    import io
    from logging.handlers import RotatingFileHandler

    from zomro_tray.private_files import open_private, private_file, private_folder

    class PrivateLog(RotatingFileHandler):
        """Each log file created owner-only (the rotated ones keep their mode)."""

        def _open(self) -> io.TextIOWrapper:
            return open_private(self.baseFilename, self.mode, self.encoding)

    path = (folder or log_folder()) / f"{APP_NAME}.log"
    try:
        private_folder(path.parent)
        for old in path.parent.glob(f"{APP_NAME}.log*"):  # written 0644 by an older release
            private_file(old)
        handler = PrivateLog(
            path, maxBytes=LOG_FILE_BYTES, backupCount=LOG_FILES_KEPT, encoding="utf-8"
        )
    except OSError as error:
        logging.getLogger(__name__).warning("no log file: %s", error.strerror)
        return None
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(redactor)
    logging.getLogger().addHandler(handler)
    return path


def install_excepthook(tell: Callable[[str], None]) -> None:
    """A bug that escapes a slot: its traceback goes to the log, one sentence to the user, and
    the app carries on (Qt calls sys.excepthook and returns to the event loop)."""
    telling = False

    def hook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        nonlocal telling
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, trace)
            return
        logging.getLogger(APP_NAME).critical("unexpected error", exc_info=(kind, error, trace))
        if not telling:  # telling itself failed: the log has it, stop there
            telling = True
            try:
                tell(_(UNEXPECTED_ERROR))
            finally:
                telling = False

    sys.excepthook = hook


UNEXPECTED_ERROR = N_(
    "zomro-tray ran into an unexpected error and carries on. The details are in its log file "
    "(About zomro-tray > Open log folder)."
)
