"""Benchmarks and the fault-injection soak: `python -m benchmarks` (see README)."""
