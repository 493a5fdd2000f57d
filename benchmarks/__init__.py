"""Benchmarks of the panel: `make bench` (or `python -m benchmarks`) runs them all.

Each benchmark module has a `run(ctx) -> list[Result]`; `benchmarks.__main__` prepares a
database of its own (`panel_bench`, dropped and created again on every run, on the server
DATABASE_URL names or on the embedded one), runs them, prints a table and writes
`benchmarks/results.json`. Not collected by pytest: the machine-independent counts they show are
asserted in tests/perf/.
"""
