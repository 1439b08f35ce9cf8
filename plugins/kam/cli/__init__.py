"""Command-line entry points (`python -m kam.cli.<name>`)."""
