"""Tests of the benchmark runner and of incremental builds (issue 6)."""
