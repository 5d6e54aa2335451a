"""Mutants no test can tell from the original, each with why (benchmarks/mutation.py).

A name is mutmut's (``mutmut show NAME`` shows the change). Listing a mutant here takes it out
of its module's count, so every entry must say why the change cannot be observed: the same
behaviour by another route, a difference only a thousand files in one second would show. A
mutant merely hard to test does not belong here; it gets a test.
"""

from __future__ import annotations

EQUIVALENT: dict[str, str] = {}
