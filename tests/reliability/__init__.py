"""The fault suite of issue 9: bad inputs, many nights, kills, concurrency (see report.py)."""
