"""Break behaviour a review once found untested, one line at a time, and watch a test fail.

    tests/sandbox python -m benchmarks.breakages        (a few minutes)

Each breakage is applied to a copy of the repository, the tests that should notice run there,
and the table says which test failed. A breakage that leaves them all green is a hole in the
suite: the exit code is 1.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Breakage:
    what: str
    path: str
    line: str  # the exact text replaced
    broken: str
    tests: tuple[str, ...]


BREAKAGES = (
    Breakage(
        "the Copy IP submenu's text",
        "zomro_tray/gui/tray/menu.py",
        'return _Look(f"{entry.name}   {entry.ip}", True, None, "")',
        'return _Look(f"{entry.name}", True, None, "")',
        ("tests/test_tray.py",),
    ),
    Breakage(
        "the Reboot submenu's enabling",
        "zomro_tray/gui/tray/menu.py",
        'return _Look(entry.name, entry.can_reboot, None, "")',
        'return _Look(entry.name, True, None, "")',
        ("tests/test_tray.py",),
    ),
    Breakage(
        "the window's Reboot button",
        "zomro_tray/gui/window/window.py",
        "self.reboot.setEnabled(bool(entry and entry.can_reboot))",
        "self.reboot.setEnabled(bool(entry))",
        ("tests/test_tray.py",),
    ),
    Breakage(
        "a second launch shows the first one",
        "zomro_tray/gui/app.py",
        "instance.activated.connect(tray.show_menu)",
        "pass",
        ("tests/test_logs.py",),
    ),
    Breakage(
        "turning a notification kind off",
        "zomro_tray/gui/tray/tray.py",
        "if not self.settings.notify(kind):",
        "if False:",
        ("tests/test_tray.py",),
    ),
    Breakage(
        "refreshing stale data when the menu opens",
        "zomro_tray/worker/worker.py",
        "if time.monotonic() - self._fetched > self._timing.stale:",
        "if False:",
        ("tests/test_tray.py",),
    ),
    Breakage(
        "the refresh interval from Settings reaching the worker",
        "zomro_tray/worker/worker.py",
        "self._refresh_seconds = refresh_seconds\n        if api_url",
        "pass\n        if api_url",
        ("tests/test_tray.py",),
    ),
    Breakage(
        "the timeout of a start or stop that never settles",
        "zomro_tray/worker/worker.py",
        "if waited > self._timing.action_timeout:",
        "if False:",
        ("tests/test_tray.py",),
    ),
    Breakage(
        "the damaged-settings warning at start-up",
        "zomro_tray/gui/tray/tray.py",
        "if problem is not None:\n            self.tell_problem(problem)",
        "if problem is not None and False:\n            self.tell_problem(problem)",
        ("tests/test_tray.py",),
    ),
)


def try_breakage(breakage: Breakage, copy: Path) -> list[str]:
    """The tests that failed with the breakage in place (none: a hole)."""
    source = copy / breakage.path
    original = source.read_text()
    if original.count(breakage.line) != 1:
        raise SystemExit(f"{breakage.path}: the line to break is gone: {breakage.line!r}")
    source.write_text(original.replace(breakage.line, breakage.broken))
    try:
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-rf", *breakage.tests],
            cwd=copy,
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        source.write_text(original)
    return [
        line.split(" ", 1)[1].split(" - ")[0]
        for line in run.stdout.splitlines()
        if line.startswith("FAILED ")
    ]


def main() -> int:
    holes = 0
    with tempfile.TemporaryDirectory(prefix="zomro-breakages-") as folder:
        copy = Path(folder) / "repo"
        shutil.copytree(
            ROOT, copy, ignore=shutil.ignore_patterns(".venv", ".git", "build", "dist", "mutants")
        )
        for breakage in BREAKAGES:
            failed = try_breakage(breakage, copy)
            holes += not failed
            verdict = ", ".join(f.split("::")[-1] for f in failed) if failed else "NOTHING FAILED"
            print(f"{breakage.what}: {verdict}", flush=True)
    print(f"{len(BREAKAGES) - holes} of {len(BREAKAGES)} breakages caught by a failing test")
    return 1 if holes else 0


if __name__ == "__main__":
    sys.exit(main())
