"""The benchmark harness of issue 9 (`scripts/bench`); not part of the application."""
