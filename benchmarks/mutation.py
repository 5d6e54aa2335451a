"""Mutation testing of the core: do the tests notice when a line of it changes?

    python -m benchmarks.mutation            (mutmut; `mutmut results` and `mutmut show NAME`
                                               list and explain the mutants that survived)

mutmut (configured in pyproject.toml's [tool.mutmut]) changes one operator, constant or call at a
time in model, protocol, client, transport, presentation, worker, contract, settings and i18n,
runs the tests that cover the changed function, and counts a mutant as killed when one of them
fails. This script runs it and writes the score per module to benchmarks/MUTATION.md. The bar:
90 % killed.

A mutant "without tests" is a line no test executes: it counts against the score.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from mutmut.stats import status_by_exit_code

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "benchmarks" / "MUTATION.md"
BAR = 0.90


def module_counts(meta: Path) -> Counter[str]:
    codes = json.loads(meta.read_text())["exit_code_by_key"]
    return Counter(status_by_exit_code[code] for code in codes.values())


#: A mutant a test notices: it fails, the type checker refuses it, or it hangs the test (a
#: timeout is a change of behaviour the tests saw, as most mutation tools count it).
DETECTED = ("killed", "caught by type check", "timeout")


def score(counts: Counter[str]) -> float:
    judged = sum(n for status, n in counts.items() if status not in ("skipped", "not checked"))
    return sum(counts[status] for status in DETECTED) / judged if judged else 1.0


def main() -> int:
    """``--report``: write the table from the results so far, without running mutmut."""
    started = time.monotonic()
    if "--report" not in sys.argv[1:]:
        run = subprocess.run([sys.executable, "-m", "mutmut", "run"], cwd=ROOT, check=False)
        if run.returncode not in (0, 1):
            print(f"mutmut failed ({run.returncode})", file=sys.stderr)
            return run.returncode
    rows, total = [], Counter[str]()
    for meta in sorted((ROOT / "mutants" / "zomro_tray").glob("*.py.meta")):
        counts = module_counts(meta)
        total.update(counts)
        name = meta.name.removesuffix(".py.meta")
        rows.append((name, counts))
    if total["not checked"] == total.total():
        # mutmut's clean run failed (it says why above): nothing was measured, so no report.
        print("no mutant was run: the selected tests fail without any mutant", file=sys.stderr)
        return 1
    minutes = (time.monotonic() - started) / 60
    lines = [
        "# Mutation testing",
        "",
        f"`python -m benchmarks.mutation`, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, "
        f"{minutes:.0f} min. The bar: {BAR:.0%} of mutants detected in each module (killed, or"
        " a test hangs); untested: no selected test runs the line.",
        "",
        "| module | mutants | killed | timeout | survived | untested | not run yet | score |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, counts in [*rows, ("all", total)]:
        lines.append(
            f"| {name} | {sum(counts.values())} | {counts['killed']} | {counts['timeout']} "
            f"| {counts['survived']} | {counts['no tests']} | {counts['not checked']} "
            f"| {score(counts):.1%} |"
        )
    if total["not checked"]:
        lines += [
            "",
            f"Partial: {total['not checked']} mutants were not run yet (the run was stopped);"
            " the scores count the mutants that were. `python -m benchmarks.mutation` resumes.",
        ]
    REPORT.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    below = [name for name, counts in rows if score(counts) < BAR]
    if below:
        print(f"below {BAR:.0%}: {', '.join(below)}", file=sys.stderr)
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
