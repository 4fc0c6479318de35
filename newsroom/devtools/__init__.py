"""Tooling that production does not run: benchmarks, the load test, demo content.

Installed only when NEWSROOM_DEVTOOLS (default: DEBUG) says so, and always in the
test suite; the `make bench*` and `make load-test` targets set it.
"""
