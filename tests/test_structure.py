"""The house rules that keep the code changeable, checked: small modules, one-way layers."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "zomro_tray"
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_LINES = 400
#: Entry points sit above everything (the command line starts the tray; the self-test loads
#: the widgets to check a bundle): not part of the layers below the GUI.
ENTRY_POINTS = {"cli.py", "selftest.py", "__main__.py"}


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_over_400_lines(module: Path) -> None:
    lines = len(module.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module.name}: {lines} lines: split it by job"


def imported(module: Path) -> set[str]:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize(
    "module",
    [m for m in MODULES if "gui" not in m.parts and m.name not in ENTRY_POINTS],
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_nothing_below_the_gui_imports_widgets_or_the_gui(module: Path) -> None:
    names = imported(module)
    assert "PySide6.QtWidgets" not in names
    assert not any(name.startswith("zomro_tray.gui") for name in names)


def test_only_the_worker_and_the_gui_import_qt_at_all() -> None:
    below = [m for m in MODULES if "gui" not in m.parts and m.name not in ENTRY_POINTS]
    with_qt = {
        m.relative_to(PACKAGE).as_posix()
        for m in below
        if any(name.startswith("PySide6") for name in imported(m))
    }
    assert with_qt == {"worker.py", "ledger.py"}  # the worker, and its money and details reads


def test_the_money_and_details_modules_load_after_the_icon() -> None:
    """What the tray loads before its icon shows: nothing of the balance or the graphs (they
    load in the worker's thread with the first balance read, or with the window)."""
    later = ("decimal", "zomro_tray.money", "zomro_tray.money_protocol", "zomro_tray.details")
    code = (
        "import sys, zomro_tray.cli, zomro_tray.gui.app; "
        f"print([m for m in {later!r} if m in sys.modules])"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.strip() == "[]"
