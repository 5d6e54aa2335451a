"""Logging set-up with a last line of defence: known secrets are masked in every record.

The code never logs parameter values to begin with; this filter is there for what we did not
foresee (a library's exception text, a future debug line).
"""

from __future__ import annotations

import logging
import sys

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
        return True


redactor = SecretRedactor()


def setup_logging(verbosity: int = 0) -> None:
    level = (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbosity, 2)]
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(redactor)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("urllib3", "keyring"):
        logging.getLogger(noisy).setLevel(max(level, logging.INFO))
