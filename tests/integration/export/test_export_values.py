"""How single values are written to CSV and to the workbook."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from kam.export.values import csv_text, excel_value


@pytest.mark.parametrize(
    "value, text",
    [
        (None, ""),
        (True, "true"),
        (False, "false"),
        (0, "0"),
        (-42, "-42"),
        (Decimal("1234.50"), "1234.50"),
        (Decimal("-0.05"), "-0.05"),
        (0.1, "0.1"),
        (46.0, "46"),
        (1e-07, "0.0000001"),
        (-0.0, "0"),
        (1 / 3, "0.3333333333333333"),
        (2.5e16, "25000000000000000"),
        (date(2026, 2, 28), "2026-02-28"),
        (datetime(2026, 10, 15, 23, 30, tzinfo=timezone(timedelta(hours=-2))), "2026-10-16T01:30:00"),
        ('Müller, "Söhne"', 'Müller, "Söhne"'),
    ],
)
def test_csv_text(value, text):
    assert csv_text(value) == text


def test_excel_values_keep_their_type_and_drop_time_zones():
    assert excel_value(Decimal("12.30")) == Decimal("12.30")
    assert excel_value(True) is True
    assert excel_value(date(2026, 1, 2)) == date(2026, 1, 2)
    assert excel_value(datetime(2026, 1, 2, 3, tzinfo=timezone(timedelta(hours=1)))) == datetime(2026, 1, 2, 2)
    assert excel_value("bell\x07") == "bell\ufffd"
