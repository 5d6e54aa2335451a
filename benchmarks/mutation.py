"""Mutation testing of the core: do the tests notice when a line of it changes?

    python -m benchmarks.mutation [--recheck-lived] [--max-children N] [PATTERN ...]
        (mutmut; PATTERN limits the run to mutants whose name matches, e.g.
        "zomro_tray.core.money.*";
        `mutmut results` and `mutmut show NAME` list and explain the mutants that lived;
        --recheck-lived runs again the ones that lived, against tests written since)

mutmut (configured in pyproject.toml's [tool.mutmut]) changes one operator, constant or call at a
time in the modules listed there, runs the tests that cover the changed function, and counts a
mutant as killed when one of them fails. This script runs it and writes the score per module to
benchmarks/MUTATION.md. The bar: 90 % of the non-equivalent mutants of each module killed.

Only a failing test (or the type checker refusing the mutant) is a kill. A timeout is not: a
test that merely waited out its limit noticed nothing, so it counts against the score like a
survivor. A mutant "without tests" is a line no test executes: it counts against the score too.
A mutant that cannot change behaviour is listed in ``benchmarks/equivalent_mutants.py`` with
why; those leave the count (a listed mutant that a test now kills is reported, so the list stays
true).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple

from mutmut.stats import status_by_exit_code

from benchmarks.equivalent_mutants import EQUIVALENT

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "benchmarks" / "MUTATION.md"
BAR = 0.90

#: A mutant a test noticed: one failed, or the type checker refused the mutant.
DETECTED = ("killed", "caught by type check")
#: Not judged: a mutant mutmut skipped, one not run yet, one that cannot change behaviour.
NOT_JUDGED = ("skipped", "not checked", "equivalent")


class Module(NamedTuple):
    name: str
    counts: Counter[str]
    #: Mutants no test noticed (survived, timed out, untested): name -> status.
    lived: dict[str, str]
    #: Listed as equivalent, yet a test now kills them: the list must lose them.
    wrongly_listed: list[str]


def read_module(meta: Path, name: str, equivalent: dict[str, str]) -> Module:
    codes = json.loads(meta.read_text())["exit_code_by_key"]
    counts: Counter[str] = Counter()
    lived, wrongly_listed = {}, []
    for mutant, code in sorted(codes.items()):
        status = status_by_exit_code[code]
        if mutant in equivalent:
            if status in DETECTED:
                wrongly_listed.append(mutant)
            status = "equivalent"
        elif status not in DETECTED and status not in NOT_JUDGED:
            lived[mutant] = status
        counts[status] += 1
    return Module(name, counts, lived, wrongly_listed)


NOTES = "\n## Notes\n"


def kept_notes() -> str:
    """The report's hand-written "## Notes" section, kept from one run to the next."""
    old = REPORT.read_text() if REPORT.exists() else ""
    return NOTES + old.split(NOTES, 1)[1] if NOTES in old else ""


def score(counts: Counter[str]) -> float | None:
    """Killed over judged; None when no mutant of it was run (not a score of 100 %)."""
    judged = sum(n for status, n in counts.items() if status not in NOT_JUDGED)
    return sum(counts[status] for status in DETECTED) / judged if judged else None


def shown(value: float | None) -> str:
    return "not run" if value is None else f"{value:.1%}"


LIVED = ("survived", "timeout", "no tests")


def forget_lived(package: Path) -> int:
    """Drop the verdicts of the mutants that lived, so the next run judges them again. mutmut
    re-runs only mutants with no verdict: a test added since would never be asked about a
    survivor (new tests only refresh which tests cover which function)."""
    forgotten = 0
    for meta in package.rglob("*.py.meta"):
        data = json.loads(meta.read_text())
        codes = data["exit_code_by_key"]
        for mutant, code in codes.items():
            if code is not None and status_by_exit_code[code] in LIVED:
                codes[mutant] = None
                forgotten += 1
        meta.write_text(json.dumps(data, indent=4))
    return forgotten


def main() -> int:
    """``--report``: write the table from the results so far, without running mutmut. Most of a
    mutant's time is spent waiting (on the emulator, on Qt's event loop), so more children than
    cores (``--max-children``) shorten a run."""
    started = time.monotonic()
    arguments = sys.argv[1:]
    package = ROOT / "mutants" / "zomro_tray"
    if "--recheck-lived" in arguments:
        arguments.remove("--recheck-lived")
        print(f"{forget_lived(package)} mutants that lived are judged again")
    if "--report" not in arguments:
        command = [sys.executable, "-m", "mutmut", "run", *arguments]
        run = subprocess.run(command, cwd=ROOT, check=False)
        if run.returncode != 0:  # its clean run failed, or it was stopped: it says why above
            print(f"mutmut stopped ({run.returncode}): no report written", file=sys.stderr)
            return run.returncode
    equivalent = EQUIVALENT
    modules = [
        read_module(meta, str(meta.relative_to(package)).removesuffix(".py.meta"), equivalent)
        for meta in sorted(package.rglob("*.py.meta"))
    ]
    total = sum((module.counts for module in modules), Counter[str]())
    if total["not checked"] == total.total():
        # mutmut's clean run failed (it says why above): nothing was measured, so no report.
        print("no mutant was run: the selected tests fail without any mutant", file=sys.stderr)
        return 1
    minutes = (time.monotonic() - started) / 60
    ran = "the results so far (--report)" if "--report" in arguments else f"{minutes:.0f} min"
    lines = [
        "# Mutation testing",
        "",
        f"`python -m benchmarks.mutation`, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, "
        f"{ran}. The bar: {BAR:.0%} of each module's non-equivalent mutants killed"
        " (a test failed, or mypy refused the mutant). A timeout is not a kill; untested: no"
        " selected test runs the line; equivalent: listed in `benchmarks/equivalent_mutants.py`"
        " with why.",
        "",
        "| module | mutants | equivalent | killed | timeout | survived | untested | not run yet"
        " | score |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, counts in [*((m.name, m.counts) for m in modules), ("all", total)]:
        killed = counts["killed"] + counts["caught by type check"]
        lines.append(
            f"| {name} | {sum(counts.values())} | {counts['equivalent']} | {killed} "
            f"| {counts['timeout']} | {counts['survived']} | {counts['no tests']} "
            f"| {counts['not checked']} | {shown(score(counts))} |"
        )
    lived = [(mutant, status) for m in modules for mutant, status in m.lived.items()]
    if lived:
        lines += ["", "## Not killed", "", "`mutmut show NAME` shows the change.", ""]
        lines += [f"- `{mutant}`: {status}" for mutant, status in lived]
    if equivalent:
        lines += ["", "## Equivalent (from `benchmarks/equivalent_mutants.py`)", ""]
        lines += [f"- `{mutant}`: {why}" for mutant, why in sorted(equivalent.items())]
    if total["not checked"]:
        lines += [
            "",
            f"Partial: {total['not checked']} mutants were not run yet (the run was stopped);"
            " the scores count the mutants that were. `python -m benchmarks.mutation` resumes.",
        ]
    wrongly_listed = [mutant for m in modules for mutant in m.wrongly_listed]
    if wrongly_listed:
        print(f"listed as equivalent, yet killed: {', '.join(wrongly_listed)}", file=sys.stderr)
    REPORT.write_text("\n".join(lines) + "\n" + kept_notes())
    print("\n".join(lines))
    below = [m.name for m in modules if (value := score(m.counts)) is not None and value < BAR]
    if below:
        print(f"below {BAR:.0%}: {', '.join(below)}", file=sys.stderr)
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
