"""Tests of the demo source systems generator (kam.demo)."""
