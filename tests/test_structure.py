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

#: Each package's layer: a module imports only from its own layer and those below. The shared
#: few (words, errors, the log, private files) sit under everything; the command line and the
#: GUI's start sit above it all; the emulator stands beside, on the model alone.
LAYERS: dict[str, int] = {
    "shared": 0,
    "core": 1,
    "api": 2,
    "store": 2,  # talking to Zomro, keeping things: neither needs the other
    "emulator": 2,  # beside the app, on the model alone
    "display": 3,
    "worker": 4,
    "gui": 5,  # its own set-up, the language, one instance, the views' shared signals
    "gui.paint": 5,
    "gui.window": 6,
    "gui.accounts": 6,
    "gui.dialogs": 7,
    "gui.tray": 8,
    "gui.app": 9,
    "cli": 10,
}
SHARED = {"__init__", "i18n", "errors", "logs", "private_files"}
GUI_BASE = {"language", "single_instance", "view_signals"}
#: Packages below the GUI that may use Qt, and how much: the worker's thread and timers only.
QT_ALLOWED = {"worker": {"PySide6", "PySide6.QtCore"}}


def layer_of(dotted: str) -> str:
    """``zomro_tray.gui.tray.menu`` -> ``gui.tray``; ``zomro_tray.core.model`` -> ``core``."""
    parts = dotted.split(".")[1:] or ["__init__"]
    if parts[0] in SHARED:
        return "shared"
    if parts[0] == "__main__":
        return "cli"
    if parts[0] == "gui" and len(parts) > 1 and parts[1] not in GUI_BASE:
        return f"gui.{parts[1]}"
    return parts[0]


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    return (
        ".".join(p for p in relative.parts if p != "__init__")
        if path.name == "__init__.py"
        else ".".join(relative.parts)
    )


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_over_400_lines(module: Path) -> None:
    lines = len(module.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module.name}: {lines} lines: split it by job"


def imported(module: Path) -> set[str]:
    """Every module it imports, wherever it does (at the top, in a function, for types); for
    ``from package import name``, the submodule when ``name`` is one, else the package."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                names.add(submodule if is_own_module(submodule) else node.module)
    return names


def is_own_module(dotted: str) -> bool:
    path = PACKAGE.parent / Path(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def own_imports(module: Path) -> set[str]:
    return {name for name in imported(module) if name.startswith("zomro_tray")}


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_import_goes_down_or_across_never_up(module: Path) -> None:
    here = layer_of(module_name(module))
    assert here in LAYERS, f"{here}: a package with no layer in LAYERS"
    upward = [
        name
        for name in own_imports(module)
        if layer_of(name) != here and LAYERS[layer_of(name)] >= LAYERS[here]
    ]
    assert not upward, f"{module_name(module)} imports from its layer or above: {upward}"


BELOW_THE_GUI = [
    m for m in MODULES if layer_of(module_name(m)) in ("core", "api", "store", "display", "worker")
]


@pytest.mark.parametrize("module", BELOW_THE_GUI, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_below_the_gui_no_widgets_and_qt_only_where_allowed(module: Path) -> None:
    allowed = QT_ALLOWED.get(layer_of(module_name(module)), set())
    qt = {name for name in imported(module) if name.split(".")[0] in ("PySide6", "shiboken6")}
    assert qt <= allowed, f"{module_name(module)} imports {sorted(qt - allowed)}"


def test_no_import_circle_between_modules() -> None:
    """Imports for the type checker alone count too: a circle is a tangle even when it loads."""
    graph = {module_name(m): {n for n in own_imports(m)} for m in MODULES}
    state: dict[str, int] = {}  # 1: on the path, 2: done

    def visit(name: str, path: list[str]) -> list[str] | None:
        state[name] = 1
        for other in sorted(graph.get(name, ())):
            if other == name or other not in graph:
                continue
            if state.get(other) == 1:
                return [*path[path.index(other) :], other] if other in path else [name, other]
            if other not in state and (circle := visit(other, [*path, other])):
                return circle
        state[name] = 2
        return None

    for name in sorted(graph):
        if name not in state and (circle := visit(name, [name])):
            pytest.fail(f"import circle: {' -> '.join(circle)}")


def test_new_packages_start_empty() -> None:
    """An ``__init__.py`` that imports nothing: importing one module of a layer loads no more
    of it (the icon shows before most of the app is loaded). gui's own sets up PySide6."""
    for init in PACKAGE.rglob("__init__.py"):
        if init.parent.name in ("zomro_tray", "gui", "emulator"):
            continue
        assert init.read_text() == "", f"{init.relative_to(PACKAGE)} is not empty"


def test_the_money_and_details_modules_load_after_the_icon() -> None:
    """What the tray loads before its icon shows: nothing of the balance or the graphs (they
    load in the worker's thread with the first balance read, or with the window)."""
    later = (
        "decimal",
        "zomro_tray.core.money",
        "zomro_tray.api.readings",
        "zomro_tray.core.details",
    )
    code = (
        "import sys, zomro_tray.cli.main, zomro_tray.gui.app; "
        f"print([m for m in {later!r} if m in sys.modules])"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.strip() == "[]"
